/**
 * The complementary error function erfc(x) = 1 - erf(x) in double precision, for GELU (which
 * TFLite writes as 0.5 * x * erfc(-x / sqrt(2)) to avoid cancellation). JavaScript has no
 * Math.erf, so:
 * - |x| < 1.5: erf(x) from the series (2/sqrt(pi)) e^(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!!,
 *   whose terms are all positive (no cancellation); erfc = 1 - erf, and erfc(-x) = 2 - erfc(x);
 * - x >= 1.5: the continued fraction erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x +
 *   (3/2)/(x + ...)))), evaluated bottom-up from 100 terms (converged to double precision for
 *   x >= 1.5).
 * Relative error below 1e-13 over the whole line (checked against a reference erfc in tests).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** Returns erf(x) for |x| < 1.5 by the positive-term series. */
function erfSmall(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** Returns erfc(x) for x >= 1.5 by the continued fraction. */
function erfcLarge(x: number): number {
  let t = x;
  for (let k = 100; k >= 1; k--) t = x + k / 2 / t;
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / t;
}

/** Returns erfc(x) (NaN for NaN, 2 for -Infinity, 0 for +Infinity). Never throws. */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x >= 1.5) return x === Infinity ? 0 : erfcLarge(x);
  if (x <= -1.5) return x === -Infinity ? 2 : 2 - erfcLarge(-x);
  return 1 - erfSmall(x);
}
