/**
 * Choosing one set of quantization parameters per activation, under the ops' constraints.
 *
 * Tensors that must share parameters (the inputs and outputs of a "same" op: pooling, reshape,
 * concatenation, pad, resize...) are merged into groups with a union-find; a group's range is the
 * union of its members' calibrated ranges, so every member's values stay representable (for a
 * concatenation that is exactly what TFLite's kernel requires). Some tensors have fixed
 * parameters (SOFTMAX / LOGISTIC / TANH outputs, a uint8 model input chosen to take raw pixels):
 * a group containing one takes them. Two groups pinned to different parameters are not merged
 * (and the integer pass keeps a pinned input of a multi-input op such as CONCATENATION out of the
 * output's group, widening the output's range instead); the op between them then reads a
 * requantized copy (a QUANTIZE int8 -> int8 inserted by the rewrite), as TFLite's converter does.
 */
import { type ActivationType, type AffineParams, activationParams, sameParams } from '../quant_params.js';

/** Groups of tensors sharing quantization parameters. */
export class ParamGroups {
  private readonly parent = new Map<number, number>();
  private readonly pins = new Map<number, AffineParams>();
  private readonly ranges = new Map<number, [number, number]>();
  private readonly params = new Map<number, AffineParams>();

  /** Returns the representative of tensor t's group (adding t as its own group if new). */
  find(t: number): number {
    let r = t;
    for (;;) {
      const p = this.parent.get(r);
      if (p === undefined) {
        this.parent.set(r, r);
        return r;
      }
      if (p === r) break;
      r = p;
    }
    // Path compression.
    let x = t;
    while (this.parent.get(x) !== r) {
      const next = this.parent.get(x)!;
      this.parent.set(x, r);
      x = next;
    }
    return r;
  }

  /** True when t belongs to some group. */
  has(t: number): boolean {
    return this.parent.has(t);
  }

  /** Fixes the parameters of t's group. Returns false (and changes nothing) if already pinned otherwise. */
  pin(t: number, p: AffineParams): boolean {
    const r = this.find(t);
    const old = this.pins.get(r);
    if (old && !sameParams(old, p)) return false;
    this.pins.set(r, p);
    return true;
  }

  /** Returns the fixed parameters of t's group, if pinned. */
  pinOf(t: number): AffineParams | undefined {
    return this.pins.get(this.find(t));
  }

  /** Widens the range of t's group to include [lo, hi]. */
  addRange(t: number, lo: number, hi: number): void {
    const r = this.find(t);
    const old = this.ranges.get(r);
    this.ranges.set(r, old ? [Math.min(old[0], lo), Math.max(old[1], hi)] : [lo, hi]);
  }

  /** Merges the groups of a and b; refuses (returns false) when both are pinned to different parameters. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const pa = this.pins.get(ra);
    const pb = this.pins.get(rb);
    if (pa && pb && !sameParams(pa, pb)) return false;
    this.parent.set(rb, ra);
    if (pb && !pa) this.pins.set(ra, pb);
    this.pins.delete(rb);
    const ga = this.ranges.get(ra);
    const gb = this.ranges.get(rb);
    if (gb) this.ranges.set(ra, ga ? [Math.min(ga[0], gb[0]), Math.max(ga[1], gb[1])] : gb);
    this.ranges.delete(rb);
    return true;
  }

  /** Computes every group's parameters (its pin, else from its range). Call after all unions. */
  resolve(type: ActivationType): void {
    this.params.clear();
    for (const t of this.parent.keys()) {
      const r = this.find(t);
      if (this.params.has(r)) continue;
      const pin = this.pins.get(r);
      const range = this.ranges.get(r) ?? [0, 0];
      this.params.set(r, pin ?? activationParams(range[0], range[1], type));
    }
  }

  /** Returns the parameters of t's group (after resolve). Throws if t is in no group. */
  paramsOf(t: number): AffineParams {
    const p = this.params.get(this.find(t));
    if (!p) throw new Error(`tensor ${t} has no quantization parameters (resolve() first)`);
    return p;
  }

  /** Returns the range of t's group, if any was recorded. */
  rangeOf(t: number): [number, number] | undefined {
    return this.ranges.get(this.find(t));
  }
}
