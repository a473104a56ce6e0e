// PyTorch's AVX2 float32 Box-Muller (normal_fill_AVX2), replayed bit for bit: Cephes-style log/sincos in float32 with GCC's FMA contractions.

const f = Math.fround;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** The indices of a double's low and high 32-bit words in u32 (platform byte order). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1, HI = 1 - LO;

/**
 * fma(a, b, c) of float32 values rounded once to float32. a*b is exact in double; the sum is
 * rounded to odd in double (53 >= 24 + 2 bits), so the final rounding to float32 is the correct one.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0 || !Number.isFinite(s)) return f(s);
  f64[0] = s;
  // round to odd: an even significand steps one unit toward the lost part (its low word is even, so
  // +1 never carries; -1 borrows from the high word only from a low word of 0). Word arithmetic, not BigInt:
  // this runs for most draws of randn.
  if ((u32[LO] & 1) === 0) {
    if ((err > 0) === (s > 0)) u32[LO] += 1;
    else if (u32[LO] !== 0) u32[LO] -= 1;
    else { u32[LO] = 0xffffffff; u32[HI] -= 1; }
  }
  return f(f64[0]);
}

const i32 = new Int32Array(1);
const f32 = new Float32Array(i32.buffer);
const MIN_NORM = f(1.17549435e-38);
const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);

/**
 * log256_ps of avx_mathfun.h for one lane (x > 0). GCC contracts y*x + p into FMAs and fuses
 * y*z with the following + e*q1 (the multiplication first in program order wins).
 */
export function logAvx(xIn: number): number {
  if (!(xIn > 0)) return NaN;
  f32[0] = Math.max(xIn, MIN_NORM);
  const expBits = i32[0] >>> 23;
  i32[0] = (i32[0] & ~0x7f800000) | 0x3f000000;
  let x = f32[0];
  let e = f(expBits - 0x7f + 1);
  const small = x < SQRTHF;
  const tmp = small ? x : 0;
  x = f(x - 1);
  if (small) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0];
  for (let k = 1; k < LOG_P.length; k++) y = fma32(y, x, LOG_P[k]);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1));
  y = f(y - f(z * 0.5));
  x = f(x + y);
  return fma32(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP = [-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8].map(f);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);

/** sincos256_ps of avx_mathfun.h for one lane: [sin, cos], with the same FMA contractions. */
export function sincosAvx(xIn: number): [number, number] {
  let sinNeg = xIn < 0;
  let x = Math.abs(xIn);
  let j = Math.trunc(f(x * FOPI)) | 0;
  j = (j + 1) & ~1;
  const y = j;
  const swap = (j & 4) !== 0;
  const sinPoly = (j & 2) === 0;
  for (const d of DP) x = fma32(y, d, x);
  const cosNeg = (~(j - 2) & 4) !== 0;
  sinNeg = sinNeg !== swap;
  const z = f(x * x);
  let yc = COS_P[0];
  yc = fma32(yc, z, COS_P[1]);
  yc = fma32(yc, z, COS_P[2]);
  yc = f(yc * z);
  yc = fma32(yc, z, -f(z * 0.5));
  yc = f(yc + 1);
  let ys = SIN_P[0];
  ys = fma32(ys, z, SIN_P[1]);
  ys = fma32(ys, z, SIN_P[2]);
  ys = f(ys * z);
  ys = fma32(ys, x, x);
  const s = sinPoly ? ys : yc;
  const c = sinPoly ? yc : ys;
  return [sinNeg ? -s : s, cosNeg ? -c : c];
}

const TWO_PI = f(2 * Math.PI);

/** normal_fill_16_AVX2: 16 uniforms at `at` become 16 normals (float32 storage). */
export function boxMuller16Avx(d: Float32Array, at: number, mean: number, std: number): void {
  const m = f(mean);
  const sd = f(std);
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - d[at + j]);
    const u2 = d[at + j + 8];
    const radius = f(Math.sqrt(f(-2 * logAvx(u1))));
    const [s, c] = sincosAvx(f(TWO_PI * u2));
    d[at + j] = fma32(f(radius * c), sd, m);
    d[at + j + 8] = fma32(f(radius * s), sd, m);
  }
}

/** Veltkamp split of a double into two 26-bit halves. */
function split(a: number): [number, number] {
  const c = 134217729 * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

/**
 * fma(a, b, c) in double (GCC contracts PyTorch's `x * std + mean` and `u * (to - from) + from`):
 * the exact product as p + e (Dekker), the sum p + c as s + t (Knuth), then one final rounding of
 * s + (t + e); wrong only if that tail lands within 2^-100 of a rounding midpoint.
 */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || p === 0 || Math.abs(p) > 2 ** 995) return p + c;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const s = p + c;
  const bb = s - p;
  const t = (p - (s - bb)) + (c - bb);
  return s + (t + e);
}
