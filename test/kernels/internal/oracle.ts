/**
 * Test oracles: gemmlowp / TFLite integer arithmetic written literally in BigInt, generic over the
 * raw width (16 or 32 bits), so the number-based implementations under test are checked against
 * an independent formulation (exact products, C-style truncating division, explicit wrapping).
 * Also a seeded PRNG for reproducible random inputs.
 */

export { mulberry32 as prng } from '../../support/rng.js';

/** Random int32 from a PRNG, biased toward interesting magnitudes (random bit length). */
export function randomInt32(next: () => number): number {
  const bits = next() % 33;
  const v = bits === 32 ? next() | 0 : (next() & (2 ** bits - 1 || 0)) * (next() & 1 ? -1 : 1);
  return v | 0;
}

/** Edge int32 values. */
export const INT32_EDGES = [
  0,
  1,
  -1,
  2,
  -2,
  3,
  -3,
  255,
  -256,
  32767,
  -32768,
  65535,
  -65536,
  (1 << 30) - 1,
  1 << 30,
  -(1 << 30),
  -(1 << 30) - 1,
  2147483647,
  -2147483648,
  2147483646,
  -2147483647,
  0x55555555,
  -0x55555555,
  1234567,
  -7654321,
];

/** Integer arithmetic of width W bits in BigInt, the way gemmlowp's templates read. */
export class BigFixed {
  readonly min: bigint;
  readonly max: bigint;
  constructor(readonly width: 16 | 32) {
    this.min = -(1n << BigInt(width - 1));
    this.max = (1n << BigInt(width - 1)) - 1n;
  }
  wrap(x: bigint): bigint {
    return BigInt.asIntN(this.width, x);
  }
  add(a: bigint, b: bigint): bigint {
    return this.wrap(a + b);
  }
  sub(a: bigint, b: bigint): bigint {
    return this.wrap(a - b);
  }
  neg(a: bigint): bigint {
    return this.wrap(-a);
  }
  satAdd(a: bigint, b: bigint): bigint {
    const s = a + b;
    return s > this.max ? this.max : s < this.min ? this.min : s;
  }
  /** gemmlowp SaturatingRoundingDoublingHighMul: nudge then C division (truncation toward zero). */
  srdhm(a: bigint, b: bigint): bigint {
    if (a === this.min && b === this.min) return this.max;
    const ab = a * b;
    const half = 1n << BigInt(this.width - 2);
    const nudge = ab >= 0n ? half : 1n - half;
    return this.wrap((ab + nudge) / (1n << BigInt(this.width - 1))); // BigInt division truncates
  }
  /** x / 2^e rounded to nearest, ties away from zero, from the exact quotient. */
  rdbpot(x: bigint, e: number): bigint {
    if (e === 0) return x;
    const ax = x < 0n ? -x : x;
    const r = (ax + (1n << BigInt(e - 1))) >> BigInt(e);
    return x < 0n ? -r : r;
  }
  /** x * 2^e, clamped to the width when e > 0, rounding when e < 0. */
  srmbpot(x: bigint, e: number): bigint {
    if (e <= 0) return this.rdbpot(x, -e);
    const v = x << BigInt(e);
    return v > this.max ? this.max : v < this.min ? this.min : v;
  }
  one(integerBits: number): bigint {
    return integerBits === 0 ? this.max : 1n << BigInt(this.width - 1 - integerBits);
  }
  /** A 32-bit gemmlowp constant narrowed to this width (RescaleConstantInitializer). */
  constant(int32Value: number): bigint {
    return this.wrap(new BigFixed(32).rdbpot(BigInt(int32Value), 32 - this.width));
  }
  roundingHalfSum(a: bigint, b: bigint): bigint {
    const sum = a + b;
    return this.wrap((sum + (sum >= 0n ? 1n : -1n)) / 2n);
  }

  expOnInterval(a: bigint): bigint {
    const constantTerm = this.constant(1895147668);
    const oneThird = this.constant(715827883);
    const x = this.add(a, 1n << BigInt(this.width - 1 - 3));
    const x2 = this.srdhm(x, x);
    const x3 = this.srdhm(x2, x);
    const x4 = this.srdhm(x2, x2);
    const x4Over4 = this.srmbpot(x4, -2);
    const poly = this.srmbpot(this.add(this.srdhm(this.add(x4Over4, x3), oneThird), x2), -1);
    const prod = this.srdhm(constantTerm, this.add(x, poly));
    return this.width === 16 ? this.satAdd(constantTerm, prod) : this.add(constantTerm, prod);
  }

  expOnNegativeValues(a: bigint, k: number): bigint {
    const fractional = this.width - 1 - k;
    const quarter = 1n << BigInt(fractional - 2);
    const mask = this.sub(quarter, 1n);
    const amq = this.sub(a & mask, quarter);
    let result = this.expOnInterval(this.srmbpot(amq, k)); // Rescale<0>
    const remainder = this.sub(amq, a);
    const mults = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];
    for (let e = -2; e <= 4; e++) {
      if (k > e) {
        const bit = 1n << BigInt(fractional + e);
        if ((remainder & bit) !== 0n) result = this.srdhm(result, this.constant(mults[e + 2]!));
      }
    }
    if (k > 5) {
      const clamp = this.constant(-(2 ** (36 - k)));
      if (a < clamp) result = 0n;
    }
    if (a === 0n) result = this.one(0);
    return result;
  }

  private newton(halfDen: bigint): bigint {
    const c48 = this.constant(1515870810);
    const cn32 = this.constant(-1010580540);
    const f2One = this.one(2);
    let x = this.add(c48, this.srdhm(halfDen, cn32));
    for (let i = 0; i < 3; i++) {
      const hx = this.srdhm(halfDen, x);
      const om = this.sub(f2One, hx);
      x = this.add(x, this.srmbpot(this.srdhm(x, om), 2));
    }
    return x;
  }

  oneOverOnePlusX(a: bigint): bigint {
    return this.srmbpot(this.newton(this.roundingHalfSum(a, this.one(0))), 1);
  }

  oneMinusXOverOnePlusX(a: bigint): bigint {
    const x = this.newton(this.roundingHalfSum(a, this.one(0)));
    return this.srmbpot(this.sub(x, this.one(2)), 2);
  }

  tanh(a: bigint, k: number): bigint {
    const negative = a < 0n;
    const n = negative ? a : this.neg(a);
    const t = this.oneMinusXOverOnePlusX(this.expOnNegativeValues(n, k + 1));
    if (a === 0n) return 0n;
    return negative ? this.neg(t) : t;
  }

  logistic(a: bigint, k: number): bigint {
    const positive = a > 0n;
    const absInput = positive ? a : this.neg(a);
    const rPos = this.oneOverOnePlusX(this.expOnNegativeValues(this.neg(absInput), k));
    const rNeg = this.sub(this.one(0), rPos);
    if (a === 0n) return this.constant(1 << 30);
    return positive ? rPos : rNeg;
  }
}

export const B32 = new BigFixed(32);
export const B16 = new BigFixed(16);

/** TFLite MultiplyByQuantizedMultiplier(int32), double rounding, in BigInt. */
export function mbqmOracle(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const xs = B32.wrap(BigInt(x) * (1n << BigInt(left)));
  return Number(B32.rdbpot(B32.srdhm(xs, BigInt(m)), right));
}

/** TFLite MultiplyByQuantizedMultiplier(int64 x, ...), in BigInt. */
export function mbqm64Oracle(x: bigint, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (BigInt(m) + (1n << 15n)) >> 16n : 0x7fffn;
  const total = BigInt(15 - shift);
  const v = (x * reduced + (1n << (total - 1n))) >> total; // arithmetic shift = floor
  return Number(BigInt.asIntN(32, v));
}

/** Count leading zeros of a uint32 in BigInt-free plain code (for oracles). */
function clz(x: bigint): number {
  let n = 0;
  for (let bit = 31; bit >= 0 && (x & (1n << BigInt(bit))) === 0n; bit--) n++;
  return n;
}

/** TFLite log_x_for_x_greater_than_or_equal_to_1 in BigInt (32-bit). */
export function logXOracle(input: bigint, inputBits: number, outputBits: number): bigint {
  const b = B32;
  const accum = outputBits + 1;
  const satParam = (x: bigint, e: number): bigint => (e === 0 ? x : b.srmbpot(x, e));
  const sat = (x: bigint): bigint => (x > b.max ? b.max : x < b.min ? b.min : x);
  const shiftedQuarter = b.srmbpot(536870912n, -accum);
  const zA = input;
  const zAH = clz(BigInt.asUintN(32, zA));
  const rATmp = satParam(zA, zAH - 1);
  const rARaw = satParam(b.srdhm(rATmp, 1518500250n), 1);
  const zAPow = sat(satParam(BigInt(inputBits - zAH), 31 - accum) + shiftedQuarter);
  const zB = b.srdhm(zA, 1518500250n);
  const zBH = clz(BigInt.asUintN(32, zB)) - 1;
  const rBRaw = satParam(zA, zBH);
  const zBPow = sat(satParam(BigInt(inputBits - zBH), 31 - accum) - shiftedQuarter);
  const r = rARaw < rBRaw ? rARaw : rBRaw;
  const zPow = zAPow > zBPow ? zAPow : zBPow;
  const ssh = 1805811301n;
  const p = b.roundingHalfSum(r, ssh);
  let q = b.sub(r, ssh);
  q = b.add(q, q);
  const cs = b.srdhm(q, q);
  const num = b.add(b.srdhm(q, r), b.srdhm(b.srdhm(q, cs), 117049297n));
  const den = b.add(
    b.srdhm(p, b.add(b.add(1057819769n, q), b.srdhm(127690142n, cs))),
    b.srdhm(638450708n, q),
  );
  const recip = b.oneOverOnePlusX(den);
  const numScaled = b.srmbpot(num, -accum);
  return b.srmbpot(b.add(b.srdhm(zPow, 1488522236n), b.srdhm(numScaled, recip)), 1);
}
