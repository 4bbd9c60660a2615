/**
 * Custom options of TFLite Micro's Signal ops: a FlexBuffer map (TFLM reads its values by
 * position in key order, which is the same as reading them by name here). A missing key reads as
 * 0 / false, as FlexBuffers' null does.
 */
import { type FlexMap, decodeFlexBuffer } from '../../format/flexbuffers.js';
import { type KernelNode, unsupported } from '../kernel.js';

/** Typed access to one node's Signal op options. */
export interface SignalOptions {
  /** The integer value of `key` (0 when absent). */
  int(key: string): number;
  /** The boolean value of `key` (false when absent). */
  bool(key: string): boolean;
}

/**
 * Returns the node's options. Throws UnsupportedOpError when they are not a FlexBuffer map and
 * ModelFormatError (from the decoder) when the bytes are malformed.
 */
export function signalOptions(node: KernelNode): SignalOptions {
  let map: FlexMap = {};
  if (node.customOptions && node.customOptions.byteLength > 0) {
    const v = decodeFlexBuffer(node.customOptions, `operators[${node.index}].custom_options`);
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
      throw unsupported(node, 'custom options are not a FlexBuffer map');
    }
    map = v as FlexMap;
  }
  const num = (key: string): number => {
    const v = map[key];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return 0;
  };
  return { int: (key) => Math.trunc(num(key)) | 0, bool: (key) => num(key) !== 0 };
}
