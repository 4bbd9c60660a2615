/**
 * A tensor at run time: its dtype, current shape, quantization and where its bytes live —
 * in the model (constant), in the arena (activations, planned), in the persistent part of the
 * arena (variables), or on the heap (tensors folded at prepare time, dynamic outputs).
 */
import { InputError } from '../errors.js';
import { type DType, type TypedArray, dtypeAlignment, dtypeSize, typedView } from '../ir/dtype.js';
import type { KernelTensor, QuantParams } from '../kernels/kernel.js';

/** Where a tensor's bytes live. */
export type StorageKind = 'constant' | 'arena' | 'variable' | 'heap' | 'none';

const EMPTY = new Uint8Array(0);

/** Returns the byte size of a tensor of this dtype and shape (int4 packs two per byte). */
export function byteSizeOf(dtype: DType, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Math.ceil(n * dtypeSize(dtype));
}

/** The runtime form of a tensor, implementing the kernels' view of it. */
export class RuntimeTensor implements KernelTensor {
  readonly index: number;
  readonly name: string;
  dtype: DType;
  shape: number[];
  readonly quant: QuantParams | null;
  storage: StorageKind;
  readonly isVariable: boolean;
  /** Initial bytes of a variable tensor (from its buffer), or undefined for zero/zero point. */
  readonly initial: Uint8Array | undefined;
  private view: TypedArray | undefined;
  private byteView: Uint8Array = EMPTY;

  constructor(
    index: number,
    name: string,
    dtype: DType,
    shape: number[],
    quant: QuantParams | null,
    storage: StorageKind,
    isVariable: boolean,
    initial?: Uint8Array,
  ) {
    this.index = index;
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.quant = quant;
    this.storage = storage;
    this.isVariable = isVariable;
    this.initial = initial;
  }

  /** True for tensors with model data or data folded at prepare time. */
  get isConst(): boolean {
    return this.storage === 'constant';
  }

  /** Byte size for the current shape. */
  get byteSize(): number {
    return byteSizeOf(this.dtype, this.shape);
  }

  /** Typed view of the data. Throws when the tensor has no memory yet. */
  get data(): TypedArray {
    if (!this.view) {
      throw new InputError(
        `tensor ${this.index} ${JSON.stringify(this.name)} has no memory yet: call allocateTensors() first`,
      );
    }
    return this.view;
  }

  /** Byte view of the data (empty before allocation). */
  get bytes(): Uint8Array {
    return this.byteView;
  }

  /** True when the tensor has memory attached. */
  get hasData(): boolean {
    return this.view !== undefined;
  }

  /**
   * Points the tensor at `bytes` (which must be large enough and aligned for the dtype; a
   * misaligned view is copied to fresh aligned memory).
   */
  attach(bytes: Uint8Array): void {
    const align = dtypeAlignment(this.dtype);
    let b = bytes;
    if (b.byteOffset % align !== 0) {
      const copy = new Uint8Array(b.byteLength);
      copy.set(b);
      b = copy;
    }
    this.byteView = b;
    this.view = typedView(this.dtype, b.buffer, b.byteOffset, b.byteLength);
  }

  /** Drops the memory view (before re-planning). */
  detach(): void {
    this.view = undefined;
    this.byteView = EMPTY;
  }
}
