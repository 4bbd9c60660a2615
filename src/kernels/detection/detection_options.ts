/**
 * The FlexBuffer custom options of TFLite_Detection_PostProcess, read as TFLite's
 * detection_postprocess.cc Init does: a missing numeric key reads as 0 (FlexBuffers' null
 * AsInt32/AsFloat), `detections_per_class` defaults to 100 and `use_regular_nms` to false.
 * Floats are float32 there, so they are rounded with Math.fround.
 */
import { type FlexMap, type FlexValue, decodeFlexBuffer } from '../../format/flexbuffers.js';
import { type KernelNode, unsupported } from '../kernel.js';

/** Decoded options of one post-process node. */
export interface DetectionOptions {
  maxDetections: number;
  /** Fast NMS: classes kept per box. */
  maxClassesPerDetection: number;
  /** Regular NMS: boxes kept per class. */
  detectionsPerClass: number;
  useRegularNms: boolean;
  nmsScoreThreshold: number;
  nmsIouThreshold: number;
  numClasses: number;
  /** Box decoding scales of the center-size encoding: y, x, h, w. */
  yScale: number;
  xScale: number;
  hScale: number;
  wScale: number;
}

function num(v: FlexValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** int32 as FlexBuffers' AsInt32 gives it (floats truncate). */
const int32 = (v: FlexValue | undefined) => Math.trunc(num(v)) | 0;

/**
 * Returns the node's options. Throws UnsupportedOpError when the custom options are absent or
 * not a FlexBuffer map (ModelFormatError for malformed bytes comes from the decoder).
 */
export function readDetectionOptions(node: KernelNode): DetectionOptions {
  if (!node.customOptions || node.customOptions.byteLength === 0) {
    throw unsupported(
      node,
      'custom options (FlexBuffer map with max_detections, num_classes, ...) are missing',
    );
  }
  const v = decodeFlexBuffer(node.customOptions, `operators[${node.index}].custom_options`);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw unsupported(node, 'custom options are not a FlexBuffer map');
  }
  const m = v as FlexMap;
  const has = (k: string) => m[k] !== undefined && m[k] !== null;
  return {
    maxDetections: int32(m.max_detections),
    maxClassesPerDetection: int32(m.max_classes_per_detection),
    detectionsPerClass: has('detections_per_class') ? int32(m.detections_per_class) : 100,
    useRegularNms: has('use_regular_nms') ? num(m.use_regular_nms) !== 0 : false,
    nmsScoreThreshold: Math.fround(num(m.nms_score_threshold)),
    nmsIouThreshold: Math.fround(num(m.nms_iou_threshold)),
    numClasses: int32(m.num_classes),
    yScale: Math.fround(num(m.y_scale)),
    xScale: Math.fround(num(m.x_scale)),
    hScale: Math.fround(num(m.h_scale)),
    wScale: Math.fround(num(m.w_scale)),
  };
}
