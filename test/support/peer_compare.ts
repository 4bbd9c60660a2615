/**
 * Element-wise comparison of two tensors (ours vs a peer runtime's, or vs a golden), with the
 * tolerances of design.md §3-§4: integer outputs exact or within a stated number of units
 * (XNNPACK's int8 requantization can differ from TFLite's reference kernels by one), float
 * outputs within a stated relative error. The result carries the figures a note or a failure
 * message needs: how many elements differ, the first and the worst, max abs and max rel error.
 */

/** Element types the comparison understands. */
export type CompareDtype = 'float32' | 'int8' | 'uint8' | 'int16' | 'int32';

/** Typed-array constructors viewing each comparable dtype. */
const VIEWS = {
  float32: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
} as const;

export interface CompareOptions {
  /** How both byte sequences are read. */
  dtype: CompareDtype;
  /** Relative tolerance: passes when |a-b| <= atol + rtol*max(|a|,|b|). Float default 1e-5, integer 0. */
  rtol?: number;
  /** Absolute tolerance (see rtol). Float default 1e-6, integer 0. */
  atol?: number;
  /**
   * Units in the last place an element may differ by and still pass: for integers the allowed
   * |a-b| (1 = the XNNPACK +-1 allowance); for float32 the distance between the two bit patterns
   * in the ordered float line. Default 0.
   */
  maxUlpDiff?: number;
  /** Tensor name, for messages. */
  name?: string;
  /** Tensor shape, so messages give coordinates as well as flat indices. */
  shape?: readonly number[];
}

/** One element: its flat index and both values. */
export interface ElementPair {
  index: number;
  ours: number;
  theirs: number;
}

export interface Comparison {
  ok: boolean;
  dtype: CompareDtype;
  name?: string;
  shape?: readonly number[];
  /** Number of elements compared. */
  count: number;
  /** Elements outside the tolerance. */
  mismatches: number;
  /** Flat index of the first element outside the tolerance, -1 when none. */
  firstMismatchIndex: number;
  /** The first element outside the tolerance. */
  firstMismatch?: ElementPair;
  /** Largest |a-b| over elements that are not NaN on both sides (Infinity if an infinity differs). */
  maxAbs: number;
  /** Largest |a-b| / max(|a|,|b|) over elements where that denominator is non-zero. */
  maxRel: number;
  /** The element with the largest |a-b|. */
  worst?: ElementPair;
  /** Largest float32 ULP distance (float32 only; NaN pairs excluded). */
  maxUlp?: number;
  /** For integer dtypes: how many elements differ by 1, 2, ... (key = |a-b|). */
  diffHistogram?: Record<number, number>;
  /** The tolerances that were applied. */
  tolerance: { rtol: number; atol: number; maxUlpDiff: number };
}

type View = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

/** Reads the bytes of `v` as `dtype` (copying when they are not aligned for it). */
function asView(v: ArrayBufferView, dtype: CompareDtype, side: string): View {
  const C = VIEWS[dtype];
  if (v.byteLength % C.BYTES_PER_ELEMENT !== 0) {
    throw new Error(
      `compareTensors: ${side} has ${v.byteLength} bytes, not a whole number of ${dtype} elements`,
    );
  }
  const n = v.byteLength / C.BYTES_PER_ELEMENT;
  // (a SharedArrayBuffer views the same way; the cast only satisfies the constructor overloads)
  if (v.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(v.buffer as ArrayBuffer, v.byteOffset, n);
  const copy = new Uint8Array(v.byteLength);
  copy.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return new C(copy.buffer, 0, n);
}

/**
 * Position of a float32 on the ordered line of bit patterns: adjacent floats differ by 1, and
 * +0 and -0 share 0. Negative floats have their sign-magnitude pattern mirrored below zero.
 */
function orderedBits(bits: number): number {
  return bits < 0 ? -2147483648 - bits : bits;
}

/** Flat index -> "[i,j,k]" for a shape, or "" without one. */
export function coordinates(index: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length === 0) return '';
  const c: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]! || 1;
    c.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `[${c.join(',')}]`;
}

/**
 * Compares two tensors given as raw bytes or typed arrays, both read as `opts.dtype`.
 * Returns the figures of the comparison (never throws on a mismatch); throws when the two
 * hold a different number of elements or a byte count that is not a whole number of elements.
 */
export function compareTensors(
  ours: ArrayBufferView,
  theirs: ArrayBufferView,
  opts: CompareOptions,
): Comparison {
  const { dtype } = opts;
  const isFloat = dtype === 'float32';
  const rtol = opts.rtol ?? (isFloat ? 1e-5 : 0);
  const atol = opts.atol ?? (isFloat ? 1e-6 : 0);
  const maxUlpDiff = opts.maxUlpDiff ?? 0;
  const a = asView(ours, dtype, 'ours');
  const b = asView(theirs, dtype, 'theirs');
  const label = opts.name ? ` (${opts.name})` : '';
  if (a.length !== b.length) {
    throw new Error(`compareTensors${label}: ours has ${a.length} ${dtype} elements, theirs ${b.length}`);
  }
  // Bit patterns of the floats, for the ULP distance.
  const aBits = isFloat ? new Int32Array(a.buffer, a.byteOffset, a.length) : undefined;
  const bBits = isFloat ? new Int32Array(b.buffer, b.byteOffset, b.length) : undefined;

  const r: Comparison = {
    ok: true,
    dtype,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.shape !== undefined ? { shape: opts.shape } : {}),
    count: a.length,
    mismatches: 0,
    firstMismatchIndex: -1,
    maxAbs: 0,
    maxRel: 0,
    ...(isFloat ? { maxUlp: 0 } : { diffHistogram: {} }),
    tolerance: { rtol, atol, maxUlpDiff },
  };
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let pass: boolean;
    if (isFloat) {
      const xNaN = Number.isNaN(x);
      const yNaN = Number.isNaN(y);
      if (xNaN || yNaN) {
        pass = xNaN && yNaN;
      } else {
        const d = x === y ? 0 : Math.abs(x - y); // x === y also covers equal infinities
        const m = Math.max(Math.abs(x), Math.abs(y));
        const ulp = Math.abs(orderedBits(aBits![i]!) - orderedBits(bBits![i]!));
        if (d > r.maxAbs) {
          r.maxAbs = d;
          r.worst = { index: i, ours: x, theirs: y };
        }
        if (m > 0 && Number.isFinite(m) && d / m > r.maxRel) r.maxRel = d / m;
        if (ulp > r.maxUlp!) r.maxUlp = ulp;
        // An infinity only matches itself (rtol * Infinity would let anything through).
        if (m === Infinity) pass = x === y;
        else pass = d <= atol + rtol * m || ulp <= maxUlpDiff;
      }
    } else {
      const d = Math.abs(x - y);
      const m = Math.max(Math.abs(x), Math.abs(y));
      if (d > r.maxAbs) {
        r.maxAbs = d;
        r.worst = { index: i, ours: x, theirs: y };
      }
      if (m > 0 && d / m > r.maxRel) r.maxRel = d / m;
      if (d > 0) r.diffHistogram![d] = (r.diffHistogram![d] ?? 0) + 1;
      pass = d <= maxUlpDiff + atol + rtol * m;
    }
    if (!pass) {
      if (r.mismatches === 0) {
        r.firstMismatchIndex = i;
        r.firstMismatch = { index: i, ours: x, theirs: y };
      }
      r.mismatches++;
    }
  }
  r.ok = r.mismatches === 0;
  return r;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(7));
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(2));

function describeElement(p: ElementPair, shape: readonly number[] | undefined): string {
  const at = coordinates(p.index, shape);
  const d = Math.abs(p.ours - p.theirs);
  const m = Math.max(Math.abs(p.ours), Math.abs(p.theirs));
  return `${at ? `${at} ` : ''}(index ${p.index}): ours ${fmt(p.ours)}, theirs ${fmt(p.theirs)} (abs ${sci(d)}${m > 0 ? `, rel ${sci(d / m)}` : ''})`;
}

/** Returns a one-paragraph summary of a comparison, suitable for a test failure or a note. */
export function formatComparison(c: Comparison): string {
  const what = `${c.name !== undefined ? `'${c.name}' ` : ''}${c.dtype}${c.shape ? `[${c.shape.join(',')}]` : `(${c.count})`}`;
  const t = c.tolerance;
  const tol =
    c.dtype === 'float32'
      ? `rtol ${t.rtol}, atol ${t.atol}, maxUlpDiff ${t.maxUlpDiff}`
      : `+-${t.maxUlpDiff + t.atol}${t.rtol ? ` + rtol ${t.rtol}` : ''}`;
  const figures = `max abs ${sci(c.maxAbs)}, max rel ${sci(c.maxRel)}${c.maxUlp !== undefined ? `, max ulp ${c.maxUlp}` : ''}`;
  const hist =
    c.diffHistogram && Object.keys(c.diffHistogram).length
      ? `; |diff| counts ${JSON.stringify(c.diffHistogram)}`
      : '';
  if (c.ok) return `${what}: all ${c.count} elements within ${tol} (${figures}${hist})`;
  const lines = [
    `${what}: ${c.mismatches} of ${c.count} elements differ beyond ${tol}`,
    `  first ${describeElement(c.firstMismatch!, c.shape)}`,
  ];
  if (c.worst && c.worst.index !== c.firstMismatchIndex)
    lines.push(`  worst ${describeElement(c.worst, c.shape)}`);
  lines.push(`  ${figures}${hist}`);
  return lines.join('\n');
}

/**
 * Compares like compareTensors and returns the comparison when every element is within the
 * tolerance; throws an Error whose message is formatComparison's summary otherwise.
 */
export function expectTensorsMatch(
  ours: ArrayBufferView,
  theirs: ArrayBufferView,
  opts: CompareOptions,
): Comparison {
  const c = compareTensors(ours, theirs, opts);
  if (!c.ok) throw new Error(formatComparison(c));
  return c;
}
