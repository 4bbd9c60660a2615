/**
 * KISS FFT in 16-bit fixed point (FIXED_POINT = 16), the real-input FFT that TFLite Micro's
 * SignalRfft runs for int16 data (signal/src/rfft_int16.cc wraps kissfft's kiss_fftr). Written
 * from kissfft's algorithm so that every rounding matches:
 *
 * - samples and twiddles are int16 Q15; twiddle = floor(0.5 + 32767 * cos/sin(phase));
 * - a product is `sround(a * b) = (a * b + 2^14) >> 15` cast to int16, a complex product rounds
 *   the real and imaginary sums once each;
 * - every butterfly stage first divides its inputs by the radix (C_FIXDIV: multiply by
 *   floor(32767 / radix) and round), so the transform is scaled by 1/N overall and cannot
 *   overflow;
 * - sums and differences are int16 (they wrap like the C stores; the scaling keeps them in range).
 *
 * Complex arrays are interleaved int16 [re0, im0, re1, im1, ...]; indices below count complex
 * elements. Mixed radix 2, 3, 4 and 5 (kissfft's generic butterfly for other primes is not
 * implemented: such lengths are rejected when the plan is made).
 */

const SAMP_MAX = 32767;

/** int16 wrap of an int32 value (a C store into int16_t). */
const w16 = (v: number): number => (v << 16) >> 16;

/** sround: rounds a Q30 product back to Q15 and stores it as int16. */
const sround = (x: number): number => w16((x + 16384) >> 15);

/** A complex FFT plan: twiddles and the radix factorization (kissfft's kiss_fft_state). */
export interface KissFftPlan {
  nfft: number;
  /** Interleaved int16 twiddles e^(-2 pi i k / nfft), k < nfft. */
  twiddles: Int16Array;
  /** Radix / remaining-length pairs p1, m1, p2, m2, ... (kf_factor). */
  factors: number[];
}

/** A real-input FFT plan (kiss_fftr_state): the half-length complex plan and super twiddles. */
export interface KissFftrPlan {
  sub: KissFftPlan;
  /** Interleaved int16 e^(-i pi ((k + 1) / ncfft + 1/2)), k < ncfft / 2. */
  superTwiddles: Int16Array;
  /** Scratch for the half-length complex transform (interleaved, ncfft entries). */
  tmp: Int16Array;
}

/** kissfft's kf_factor: powers of 4 first, then 2, then odd primes. */
function factor(n: number): number[] {
  const out: number[] = [];
  let p = 4;
  const floorSqrt = Math.floor(Math.sqrt(n));
  do {
    while (n % p) {
      if (p === 4) p = 2;
      else if (p === 2) p = 3;
      else p += 2;
      if (p > floorSqrt) p = n;
    }
    n /= p;
    out.push(p, n);
  } while (n > 1);
  return out;
}

/** Q15 cosine/sine as kissfft's KISS_FFT_COS/SIN for FIXED_POINT. */
function cexp(out: Int16Array, k: number, phase: number): void {
  out[2 * k] = w16(Math.floor(0.5 + SAMP_MAX * Math.cos(phase)));
  out[2 * k + 1] = w16(Math.floor(0.5 + SAMP_MAX * Math.sin(phase)));
}

/**
 * Returns a forward complex FFT plan of length nfft. Throws an Error when nfft has a prime factor
 * other than 2, 3 or 5.
 */
export function kissFftPlan(nfft: number): KissFftPlan {
  const twiddles = new Int16Array(2 * nfft);
  for (let i = 0; i < nfft; i++) cexp(twiddles, i, (-2 * Math.PI * i) / nfft);
  const factors = factor(nfft);
  for (let i = 0; i < factors.length; i += 2) {
    if (factors[i]! > 5)
      throw new Error(`FFT length ${nfft} has the prime factor ${factors[i]} (only 2, 3, 5 are supported)`);
  }
  return { nfft, twiddles, factors };
}

/** Returns a forward real FFT plan of even length nfft (kiss_fftr_alloc). Throws as kissFftPlan, and for odd nfft. */
export function kissFftrPlan(nfft: number): KissFftrPlan {
  if (nfft & 1 || nfft < 2) throw new Error(`a real FFT needs an even length, got ${nfft}`);
  const ncfft = nfft >> 1;
  const superTwiddles = new Int16Array(2 * (ncfft >> 1));
  // kissfft writes pi as a 30-digit literal; as a double it is Math.PI.
  for (let i = 0; i < ncfft >> 1; i++) {
    cexp(superTwiddles, i, -Math.PI * ((i + 1) / ncfft + 0.5));
  }
  return { sub: kissFftPlan(ncfft), superTwiddles, tmp: new Int16Array(2 * ncfft) };
}

/** C_FIXDIV: scales the complex value at k by 1/div (Q15 multiply by floor(32767 / div)). */
function fixdiv(a: Int16Array, k: number, div: number): void {
  const s = Math.trunc(SAMP_MAX / div);
  a[2 * k] = sround(a[2 * k]! * s);
  a[2 * k + 1] = sround(a[2 * k + 1]! * s);
}

// Complex temporaries of the butterflies (module scratch; the kernels are single-threaded).
const S = new Int16Array(2 * 13);

/** S[dst] = a[ka] * tw[kt] (C_MUL). */
function cmul(dst: number, a: Int16Array, ka: number, tw: Int16Array, kt: number): void {
  const ar = a[2 * ka]!;
  const ai = a[2 * ka + 1]!;
  const br = tw[2 * kt]!;
  const bi = tw[2 * kt + 1]!;
  S[2 * dst] = sround(ar * br - ai * bi);
  S[2 * dst + 1] = sround(ar * bi + ai * br);
}

function bfly2(F: Int16Array, base: number, fstride: number, tw: Int16Array, m: number): void {
  for (let k = 0; k < m; k++) {
    const a = base + k;
    const b = a + m;
    fixdiv(F, a, 2);
    fixdiv(F, b, 2);
    cmul(0, F, b, tw, k * fstride);
    F[2 * b] = w16(F[2 * a]! - S[0]!);
    F[2 * b + 1] = w16(F[2 * a + 1]! - S[1]!);
    F[2 * a] = w16(F[2 * a]! + S[0]!);
    F[2 * a + 1] = w16(F[2 * a + 1]! + S[1]!);
  }
}

function bfly3(F: Int16Array, base: number, fstride: number, tw: Int16Array, m: number): void {
  const epi3i = tw[2 * fstride * m + 1]!;
  for (let k = 0; k < m; k++) {
    const f0 = base + k;
    const f1 = f0 + m;
    const f2 = f0 + 2 * m;
    fixdiv(F, f0, 3);
    fixdiv(F, f1, 3);
    fixdiv(F, f2, 3);
    cmul(1, F, f1, tw, k * fstride);
    cmul(2, F, f2, tw, 2 * k * fstride);
    const s3r = w16(S[2]! + S[4]!);
    const s3i = w16(S[3]! + S[5]!);
    let s0r = w16(S[2]! - S[4]!);
    let s0i = w16(S[3]! - S[5]!);
    F[2 * f1] = w16(F[2 * f0]! - (s3r >> 1));
    F[2 * f1 + 1] = w16(F[2 * f0 + 1]! - (s3i >> 1));
    s0r = sround(s0r * epi3i);
    s0i = sround(s0i * epi3i);
    F[2 * f0] = w16(F[2 * f0]! + s3r);
    F[2 * f0 + 1] = w16(F[2 * f0 + 1]! + s3i);
    F[2 * f2] = w16(F[2 * f1]! + s0i);
    F[2 * f2 + 1] = w16(F[2 * f1 + 1]! - s0r);
    F[2 * f1] = w16(F[2 * f1]! - s0i);
    F[2 * f1 + 1] = w16(F[2 * f1 + 1]! + s0r);
  }
}

function bfly4(F: Int16Array, base: number, fstride: number, tw: Int16Array, m: number): void {
  for (let k = 0; k < m; k++) {
    const f0 = base + k;
    const f1 = f0 + m;
    const f2 = f0 + 2 * m;
    const f3 = f0 + 3 * m;
    fixdiv(F, f0, 4);
    fixdiv(F, f1, 4);
    fixdiv(F, f2, 4);
    fixdiv(F, f3, 4);
    cmul(0, F, f1, tw, k * fstride);
    cmul(1, F, f2, tw, 2 * k * fstride);
    cmul(2, F, f3, tw, 3 * k * fstride);
    const s5r = w16(F[2 * f0]! - S[2]!);
    const s5i = w16(F[2 * f0 + 1]! - S[3]!);
    F[2 * f0] = w16(F[2 * f0]! + S[2]!);
    F[2 * f0 + 1] = w16(F[2 * f0 + 1]! + S[3]!);
    const s3r = w16(S[0]! + S[4]!);
    const s3i = w16(S[1]! + S[5]!);
    const s4r = w16(S[0]! - S[4]!);
    const s4i = w16(S[1]! - S[5]!);
    F[2 * f2] = w16(F[2 * f0]! - s3r);
    F[2 * f2 + 1] = w16(F[2 * f0 + 1]! - s3i);
    F[2 * f0] = w16(F[2 * f0]! + s3r);
    F[2 * f0 + 1] = w16(F[2 * f0 + 1]! + s3i);
    F[2 * f1] = w16(s5r + s4i);
    F[2 * f1 + 1] = w16(s5i - s4r);
    F[2 * f3] = w16(s5r - s4i);
    F[2 * f3 + 1] = w16(s5i + s4r);
  }
}

function bfly5(F: Int16Array, base: number, fstride: number, tw: Int16Array, m: number): void {
  const yar = tw[2 * fstride * m]!;
  const yai = tw[2 * fstride * m + 1]!;
  const ybr = tw[2 * fstride * 2 * m]!;
  const ybi = tw[2 * fstride * 2 * m + 1]!;
  const sm = (a: number, b: number) => sround(a * b); // S_MUL
  for (let u = 0; u < m; u++) {
    const f = [base + u, base + u + m, base + u + 2 * m, base + u + 3 * m, base + u + 4 * m] as const;
    for (const k of f) fixdiv(F, k, 5);
    const s0r = F[2 * f[0]]!;
    const s0i = F[2 * f[0] + 1]!;
    cmul(1, F, f[1], tw, u * fstride);
    cmul(2, F, f[2], tw, 2 * u * fstride);
    cmul(3, F, f[3], tw, 3 * u * fstride);
    cmul(4, F, f[4], tw, 4 * u * fstride);
    const s7r = w16(S[2]! + S[8]!);
    const s7i = w16(S[3]! + S[9]!);
    const s10r = w16(S[2]! - S[8]!);
    const s10i = w16(S[3]! - S[9]!);
    const s8r = w16(S[4]! + S[6]!);
    const s8i = w16(S[5]! + S[7]!);
    const s9r = w16(S[4]! - S[6]!);
    const s9i = w16(S[5]! - S[7]!);
    F[2 * f[0]] = w16(F[2 * f[0]]! + (s7r + s8r));
    F[2 * f[0] + 1] = w16(F[2 * f[0] + 1]! + (s7i + s8i));
    const s5r = w16(s0r + sm(s7r, yar) + sm(s8r, ybr));
    const s5i = w16(s0i + sm(s7i, yar) + sm(s8i, ybr));
    const s6r = w16(sm(s10i, yai) + sm(s9i, ybi));
    const s6i = w16(-sm(s10r, yai) - sm(s9r, ybi));
    F[2 * f[1]] = w16(s5r - s6r);
    F[2 * f[1] + 1] = w16(s5i - s6i);
    F[2 * f[4]] = w16(s5r + s6r);
    F[2 * f[4] + 1] = w16(s5i + s6i);
    const s11r = w16(s0r + sm(s7r, ybr) + sm(s8r, yar));
    const s11i = w16(s0i + sm(s7i, ybr) + sm(s8i, yar));
    const s12r = w16(-sm(s10i, ybi) + sm(s9i, yai));
    const s12i = w16(sm(s10r, ybi) - sm(s9r, yai));
    F[2 * f[2]] = w16(s11r + s12r);
    F[2 * f[2] + 1] = w16(s11i + s12i);
    F[2 * f[3]] = w16(s11r - s12r);
    F[2 * f[3] + 1] = w16(s11i - s12i);
  }
}

/** kissfft's kf_work: recursive decimation in time, then the radix-p butterflies. */
function work(
  plan: KissFftPlan,
  out: Int16Array,
  outBase: number,
  input: Int16Array,
  inBase: number,
  fstride: number,
  fi: number,
): void {
  const p = plan.factors[fi]!;
  const m = plan.factors[fi + 1]!;
  if (m === 1) {
    for (let j = 0; j < p; j++) {
      const src = inBase + j * fstride;
      out[2 * (outBase + j)] = input[2 * src]!;
      out[2 * (outBase + j) + 1] = input[2 * src + 1]!;
    }
  } else {
    for (let j = 0; j < p; j++)
      work(plan, out, outBase + j * m, input, inBase + j * fstride, fstride * p, fi + 2);
  }
  const tw = plan.twiddles;
  if (p === 2) bfly2(out, outBase, fstride, tw, m);
  else if (p === 3) bfly3(out, outBase, fstride, tw, m);
  else if (p === 4) bfly4(out, outBase, fstride, tw, m);
  else bfly5(out, outBase, fstride, tw, m);
}

/**
 * Forward real FFT (kiss_fftr) of nfft int16 samples at input[inStart..] into nfft/2 + 1
 * interleaved int16 complex bins at output[outStart..]. Never throws.
 */
export function kissFftr(plan: KissFftrPlan, input: Int16Array, output: Int16Array, outStart: number): void {
  const ncfft = plan.sub.nfft;
  const tmp = plan.tmp;
  // The real signal read as ncfft complex values (even samples real, odd samples imaginary).
  work(plan.sub, tmp, 0, input, 0, 1, 0);
  const o = (k: number) => outStart + 2 * k;
  // DC and Nyquist from the packed transform's first bin, halved (C_FIXDIV(tdc, 2)).
  const s = Math.trunc(SAMP_MAX / 2);
  const tdcr = sround(tmp[0]! * s);
  const tdci = sround(tmp[1]! * s);
  output[o(0)] = w16(tdcr + tdci);
  output[o(ncfft)] = w16(tdcr - tdci);
  output[o(0) + 1] = 0;
  output[o(ncfft) + 1] = 0;
  const st = plan.superTwiddles;
  for (let k = 1; k <= ncfft >> 1; k++) {
    const fpkr = sround(tmp[2 * k]! * s);
    const fpki = sround(tmp[2 * k + 1]! * s);
    const fpnkr = sround(tmp[2 * (ncfft - k)]! * s);
    const fpnki = sround(w16(-tmp[2 * (ncfft - k) + 1]!) * s);
    const f1kr = w16(fpkr + fpnkr);
    const f1ki = w16(fpki + fpnki);
    const f2kr = w16(fpkr - fpnkr);
    const f2ki = w16(fpki - fpnki);
    const br = st[2 * (k - 1)]!;
    const bi = st[2 * (k - 1) + 1]!;
    const twr = sround(f2kr * br - f2ki * bi);
    const twi = sround(f2kr * bi + f2ki * br);
    output[o(k)] = w16((f1kr + twr) >> 1);
    output[o(k) + 1] = w16((f1ki + twi) >> 1);
    output[o(ncfft - k)] = w16((f1kr - twr) >> 1);
    output[o(ncfft - k) + 1] = w16((twi - f1ki) >> 1);
  }
}
