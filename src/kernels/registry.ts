/**
 * The kernel registry (op resolver): op name -> kernel. Registration is explicit and rejects
 * duplicates, so an application can register only the ops its models use and keep its bundle
 * small (as TFLite Micro's MicroMutableOpResolver).
 */
import type { Kernel } from './kernel.js';

/** Maps builtin op names and custom op codes to kernels. */
export class KernelRegistry {
  private readonly kernels = new Map<string, Kernel>();

  /** Registers kernels; throws if an op already has one (use `replace` to override on purpose). */
  add(...kernels: Kernel[]): this {
    for (const k of kernels) {
      if (this.kernels.has(k.op)) throw new Error(`a kernel for ${k.op} is already registered`);
      this.kernels.set(k.op, k);
    }
    return this;
  }

  /** Registers a kernel in place of an existing one (e.g. an optimized kernel); returns this. */
  replace(kernel: Kernel): this {
    this.kernels.set(kernel.op, kernel);
    return this;
  }

  /** Returns the kernel for an op name, or undefined. */
  get(op: string): Kernel | undefined {
    return this.kernels.get(op);
  }

  /** Returns the registered op names, sorted. */
  ops(): string[] {
    return [...this.kernels.keys()].sort();
  }
}
