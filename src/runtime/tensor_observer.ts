/**
 * Runs a model while watching its activations: after every node, a callback sees the node's
 * input and output tensors with this run's values. Post-training quantization uses it to
 * calibrate (min/max and histograms of every activation, mean input patches for bias
 * correction); `tflite-ts diff` can use it to compare tensors of two models.
 *
 * The arena planner reuses an activation's bytes once its last reader has run, so values must be
 * consumed inside the callback (copy them to keep them). Inputs of a node are still intact when
 * its callback runs: a node's inputs and outputs are live at the same step, so they never share
 * bytes. Tensors computed once at prepare time (folded constants) never reach the callback; read
 * them with `tensor(i)` after allocation.
 */
import { InputError } from '../errors.js';
import type { TypedArray } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { createBuiltinRegistry } from '../kernels/builtin_registry.js';
import type { KernelNode } from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { RuntimeTensor } from './runtime_tensor.js';
import { SubgraphExecutor } from './subgraph_executor.js';

/** Called after each node with the node (its inputs and outputs hold this run's values). */
export type NodeObserver = (node: KernelNode) => void;

/** Options of ObservedExecutor. */
export interface ObservedExecutorOptions {
  /** Kernel registry (default: every built-in kernel). */
  registry?: KernelRegistry;
  /** Subgraph to run (default 0). */
  subgraph?: number;
}

/** An executor of one subgraph whose invoke reports every node to an observer. */
export class ObservedExecutor {
  private readonly ex: SubgraphExecutor;

  /** Creates the executor and allocates its tensors. Throws UnsupportedOpError for an op without a kernel. */
  constructor(model: Model, options: ObservedExecutorOptions = {}) {
    this.ex = new SubgraphExecutor(model, options.subgraph ?? 0, {
      registry: options.registry ?? createBuiltinRegistry(),
      threads: 1,
    });
    this.ex.allocate();
  }

  /** Tensor indices of the subgraph's inputs. */
  get inputs(): readonly number[] {
    return this.ex.inputs;
  }

  /** Tensor indices of the subgraph's outputs. */
  get outputs(): readonly number[] {
    return this.ex.outputs;
  }

  /** The runtime tensor at index i (shape, dtype, data after a run). */
  tensor(i: number): RuntimeTensor {
    const t = this.ex.tensors[i];
    if (!t) throw new InputError(`the subgraph has no tensor ${i}`);
    return t;
  }

  /**
   * Sets each input i to `inputs[i]` (the tensor's typed array kind and size), invokes, and calls
   * `observer` after every node; with `stopAfter`, stops after the node of that index. Throws
   * InputError for a missing or wrongly sized input.
   */
  run(inputs: readonly TypedArray[], observer?: NodeObserver, stopAfter?: number): void {
    if (inputs.length !== this.ex.inputs.length) {
      throw new InputError(`got ${inputs.length} inputs, the subgraph has ${this.ex.inputs.length}`);
    }
    this.ex.inputs.forEach((idx, i) => {
      const t = this.ex.tensors[idx]!;
      const v = inputs[i]!;
      if (v.length !== t.data.length || v.constructor !== t.data.constructor) {
        throw new InputError(
          `input ${i} (${JSON.stringify(t.name)}): expected a ${t.data.constructor.name} of ${t.data.length} values, got a ${v.constructor.name} of ${v.length}`,
        );
      }
      (t.data as Float32Array).set(v as Float32Array);
    });
    // Stopping early: the observer of node `stopAfter` throws a private sentinel that ends the
    // invoke (later nodes keep stale values until the next full run).
    const stop = {};
    this.ex.observer =
      stopAfter === undefined
        ? observer
        : (node) => {
            observer?.(node);
            if (node.index === stopAfter) throw stop;
          };
    try {
      this.ex.invoke();
    } catch (e) {
      if (e !== stop) throw e;
    } finally {
      this.ex.observer = undefined;
    }
  }
}
