/**
 * An independent oracle of TFLite's requantization arithmetic for the tensor and reduce tests,
 * written from the definitions with BigInt (no shared code with src/kernels/internal):
 * QuantizeMultiplier (frexp, Q0.31 rounding half away from zero) and the double-rounding
 * MultiplyByQuantizedMultiplier (SaturatingRoundingDoublingHighMul, RoundingDivideByPOT).
 */

/** Returns [multiplier, shift] of TFLite's QuantizeMultiplier(m) for m >= 0. */
export function oracleQuantizeMultiplier(m: number): [number, number] {
  if (m === 0) return [0, 0];
  let exp = Math.floor(Math.log2(m)) + 1;
  // Fix log2 rounding so that m / 2^exp is in [0.5, 1).
  while (m / 2 ** exp >= 1) exp++;
  while (m / 2 ** exp < 0.5) exp--;
  const frac = m / 2 ** exp;
  let q = Math.round(frac * 2 ** 31); // frac > 0: Math.round rounds halves up = away from zero
  if (q === 2 ** 31) {
    q /= 2;
    exp++;
  }
  if (exp < -31) return [0, 0];
  return [q, exp];
}

const I32 = (v: bigint) => BigInt.asIntN(32, v);

/** Returns TFLite's MultiplyByQuantizedMultiplier(int32 x, M, shift) with double rounding. */
export function oracleMultiply(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = I32(BigInt(x) << BigInt(left));
  const b = BigInt(m);
  // SaturatingRoundingDoublingHighMul
  let high: bigint;
  if (a === -(2n ** 31n) && b === -(2n ** 31n)) high = 2n ** 31n - 1n;
  else {
    const ab = a * b;
    const nudge = ab >= 0n ? 2n ** 30n : 1n - 2n ** 30n;
    high = (ab + nudge) / 2n ** 31n; // BigInt division truncates toward zero, as C++
  }
  // RoundingDivideByPOT
  const mask = (1n << BigInt(right)) - 1n;
  const rem = high & mask;
  const threshold = (mask >> 1n) + (high < 0n ? 1n : 0n);
  return Number((high >> BigInt(right)) + (rem > threshold ? 1n : 0n));
}

/** Returns round-half-away-from-zero of x. */
export function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}
