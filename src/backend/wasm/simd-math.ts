// f32x4 math emitted into a FunctionBuilder: SIMD opcodes, v128 constants, and the exp / log cores.
//
// exp: t = k ln2 + r with k = round(t log2e) (1.5 * 2^23 added and subtracted: round to nearest),
// r = t - k C1 - k C2 (C1 has few bits, so k C1 is exact), e^r = 1 + r + r^2 P(r) with Cephes' expf
// coefficients (~1 ulp on |r| <= ln2/2), 2^k put into the exponent bits by integer shift of the rounded
// value's low bits. t < -87.3365 (incl. -inf) gives 0 (results below the normal range flush to zero;
// the t <= 0 variant gets there by clamping t at -88, where 2^k itself is 0);
// NaN passes through (f32x4.max/min propagate it). The full-range variant also takes t up to 88.8
// (overflow to inf) by scaling with two halves of k.
// log: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log(m) by Cephes' logf polynomial in m - 1, plus e ln2
// (split in C1 + C2); subnormal inputs are scaled by 2^23 first; 0 -> -inf, x < 0 or NaN -> NaN, inf -> inf.
import { FunctionBuilder, V128 } from "./assembler.ts";

/** SIMD opcodes (after the 0xfd prefix) the elementwise kernels use. */
export const SIMD = {
  shuffle: 0x0d, f32x4Splat: 0x13, f64x2Splat: 0x14, f32x4Extract: 0x1f, f64x2Extract: 0x21,
  f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52,
  load64Zero: 0x5d, store64Lane: 0x5b, demoteZero: 0x5e, promoteLow: 0x5f,
  i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4ShrU: 0xad, i32x4Add: 0xae, i32x4Sub: 0xb1,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Div: 0xe7,
  f32x4Min: 0xe8, f32x4Max: 0xe9, f32x4Pmin: 0xea, f32x4Pmax: 0xeb, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Max: 0xf5,
  f32x4FromI32: 0xfa,
} as const;

/** v128.const of four copies of a 32-bit pattern. */
function const32(f: FunctionBuilder, bits: number): FunctionBuilder {
  const lane = [bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255];
  return f.simd(0x0c, ...lane, ...lane, ...lane, ...lane);
}
const F32_BITS = new Int32Array(1), F32_VIEW = new Float32Array(F32_BITS.buffer);
/** The float32 bit pattern of `v`. */
export const f32Bits = (v: number): number => { F32_VIEW[0] = v; return F32_BITS[0]; };
/** Pushes an f32x4 splat of `v` (v128.const). */
export const f32x4Const = (f: FunctionBuilder, v: number): FunctionBuilder => const32(f, f32Bits(v));
/** Pushes an i32x4 splat of `v` (v128.const). */
export const i32x4Const = (f: FunctionBuilder, v: number): FunctionBuilder => const32(f, v | 0);

/** v128 locals holding splat constants, set where the function starts (V8 does not hoist constants out of loops). */
export class ConstPool {
  readonly #locals = new Map<string, number>();
  #sealed = false;
  constructor(readonly f: FunctionBuilder) {}
  /** After this, asking for a constant not yet declared throws (it would be emitted inside a loop). */
  seal(): void { this.#sealed = true; }
  /** The local holding four copies of float32 `v`, emitted now on first use: call before the loops. */
  f32(v: number): number { return this.#get(`f${f32Bits(v)}`, () => f32x4Const(this.f, v)); }
  /** The local holding four copies of int32 `v`. */
  i32(v: number): number { return this.#get(`i${v | 0}`, () => i32x4Const(this.f, v)); }
  #get(key: string, push: () => void): number {
    let l = this.#locals.get(key);
    if (l === undefined) {
      if (this.#sealed) throw new Error(`wasm constant ${key} used before being declared`);
      l = this.f.local(V128); push(); this.f.set(l); this.#locals.set(key, l); }
    return l;
  }
}

const MAGIC = 12582912; // 1.5 * 2^23: adding it rounds a float32 below 2^22 in magnitude to an integer
const LOG2E = 1.44269504088896341, C1 = 0.693359375, C2 = -2.12194440e-4;
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
const EXP_LO = -87.33654, EXP_HI = 88.8;
// the t <= 0 variant clamps lower: t <= -87.68 rounds k to -127, whose exponent field 0 makes 2^k, and e^t, exactly +0
const EXP_LO_FLUSH = -88;

/** The exp core's constants in locals (call before the loops). */
export function expConsts(p: ConstPool, full: boolean): void {
  for (const v of [full ? EXP_LO : EXP_LO_FLUSH, LOG2E, MAGIC, C1, C2, 1, ...EXP_P]) p.f32(v);
  p.i32(f32Bits(MAGIC) - 127);
  if (full) { p.f32(EXP_HI); p.i32(127); }
}

/**
 * Leaves e^(local t) on the stack, using scratch v128 locals `w` (3). `full`: any t (else t <= 0 or
 * NaN is assumed: the softmax shift).
 */
export function emitExp(p: ConstPool, t: number, w: readonly number[], full: boolean): void {
  const f = p.f, [c, y, r] = w;
  f.get(t).get(p.f32(full ? EXP_LO : EXP_LO_FLUSH)).simd(SIMD.f32x4Pmax);
  if (full) f.get(p.f32(EXP_HI)).simd(SIMD.f32x4Pmin);
  f.set(c);
  f.get(c).get(p.f32(LOG2E)).simd(SIMD.f32x4Mul).get(p.f32(MAGIC)).simd(SIMD.f32x4Add).tee(y);
  f.get(p.f32(MAGIC)).simd(SIMD.f32x4Sub).set(r); // r holds k (float) for now
  f.get(c).get(r).get(p.f32(C1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).get(r).get(p.f32(C2)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(r);
  // e^r = 1 + r + r^2 P(r), P by Estrin's scheme (shorter dependency chains than Horner's)
  const mad = (hi: number, lo: number): void => { f.get(p.f32(EXP_P[hi])).get(r).simd(SIMD.f32x4Mul).get(p.f32(EXP_P[lo])).simd(SIMD.f32x4Add); };
  f.get(r).get(r).simd(SIMD.f32x4Mul).set(c); // c = r^2
  mad(4, 5); mad(2, 3); mad(0, 1);
  f.get(c).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).get(c).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(c).simd(SIMD.f32x4Mul).get(r).simd(SIMD.f32x4Add).get(p.f32(1)).simd(SIMD.f32x4Add);
  // k = bits(y) - bits(MAGIC) (an integer in [-126, 128])
  f.get(y).get(p.i32(f32Bits(MAGIC) - 127)).simd(SIMD.i32x4Sub); // k + 127
  if (full) {
    // 2^k as 2^h 2^(k-h), h = floor(k / 2): both factors normal for k in [-126, 128]
    f.set(y).get(y).get(p.i32(127)).simd(SIMD.i32x4Sub).i32(1).simd(SIMD.i32x4ShrS).tee(c)
      .get(p.i32(127)).simd(SIMD.i32x4Add).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
    f.get(y).get(c).simd(SIMD.i32x4Sub).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
    // t below the range (or -inf): 0
    f.get(t).get(p.f32(EXP_LO)).simd(SIMD.f32x4Lt).simd(SIMD.andnot);
  } else {
    f.i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
  }
}

const SQRTHF = 0.707106781186547524, MIN_NORMAL = 1.17549435e-38, TWO23 = 8388608;
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1];

/** The log core's constants in locals. */
export function logConsts(p: ConstPool): void {
  for (const v of [MIN_NORMAL, TWO23, SQRTHF, 1, 0.5, C1, C2, 0, Infinity, -Infinity, NaN, ...LOG_P]) p.f32(v);
  for (const v of [0x7fffff, 0x3f000000, 126, 23]) p.i32(v);
}

/** Leaves log(local x) on the stack, using scratch v128 locals `w` (4). */
export function emitLog(p: ConstPool, x: number, w: readonly number[]): void {
  const f = p.f, [a, e, m, z] = w;
  // subnormals: a = x 2^23, e starts at -23 (else a = x, e = 0)
  f.get(x).get(p.f32(MIN_NORMAL)).simd(SIMD.f32x4Lt).set(z);
  f.get(x).get(p.f32(TWO23)).simd(SIMD.f32x4Mul).get(x).get(z).simd(SIMD.bitselect).set(a);
  f.get(z).get(p.i32(23)).simd(SIMD.and).set(e);
  // e += exponent - 126; m in [0.5, 1)
  f.get(a).i32(23).simd(SIMD.i32x4ShrU).get(p.i32(126)).simd(SIMD.i32x4Sub).get(e).simd(SIMD.i32x4Sub).set(e);
  f.get(a).get(p.i32(0x7fffff)).simd(SIMD.and).get(p.i32(0x3f000000)).simd(SIMD.or).set(m);
  // m < sqrt(1/2): e -= 1, m = 2m - 1; else m = m - 1
  f.get(m).get(p.f32(SQRTHF)).simd(SIMD.f32x4Lt).set(z);
  f.get(e).get(z).simd(SIMD.i32x4Add).simd(SIMD.f32x4FromI32).set(e);
  f.get(m).get(p.f32(1)).simd(SIMD.f32x4Sub).get(m).get(z).simd(SIMD.and).simd(SIMD.f32x4Add).set(m);
  f.get(m).get(m).simd(SIMD.f32x4Mul).set(z);
  f.get(p.f32(LOG_P[0]));
  for (let i = 1; i < LOG_P.length; i++) f.get(m).simd(SIMD.f32x4Mul).get(p.f32(LOG_P[i])).simd(SIMD.f32x4Add);
  f.get(m).simd(SIMD.f32x4Mul).get(z).simd(SIMD.f32x4Mul);
  f.get(e).get(p.f32(C2)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(z).get(p.f32(0.5)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub);
  f.get(m).simd(SIMD.f32x4Add).get(e).get(p.f32(C1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(a);
  // specials: 0 -> -inf, inf -> inf, x < 0 or NaN -> NaN
  f.get(p.f32(-Infinity)).get(a).get(x).get(p.f32(0)).simd(SIMD.f32x4Eq).simd(SIMD.bitselect).set(a);
  f.get(x).get(a).get(x).get(p.f32(Infinity)).simd(SIMD.f32x4Eq).simd(SIMD.bitselect).set(a);
  f.get(p.f32(NaN)).get(a).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).get(x).get(x).simd(SIMD.f32x4Ne).simd(SIMD.or).simd(SIMD.bitselect);
}
