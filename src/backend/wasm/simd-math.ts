// f32x4 math emitted into a FunctionBuilder: SIMD opcodes, v128 constants, and the exp / expm1 / log / log1p cores.
//
// exp: t = k ln2 + r with k = round(t log2e) (a magic constant added: its low bits become k + 127), r = t -
// k C1 - k C2 (C1 has few bits, so k C1 is exact), e^r - 1 = r + r^2 P(r) by a degree-6 minimax fit, 2^k
// put into the exponent field by shifting the rounded value's bits. A fast path for |t| <= 87 (no clamps,
// one rounding at the end) and a slow path for vectors with any lane outside (t < -104 -> 0 without an
// underflowing product, t clamped at 88.8, 2^k in two halves): gradual underflow to subnormals and 0,
// overflow to inf, -inf -> 0, NaN stays, as ref. Max error 0.98 ulp (every 7th float32 in [-104, 89]).
// log: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log(m) by Cephes' logf polynomial in m - 1, plus e ln2
// (split in C1 + C2); vectors with a lane not a positive normal number take a general path: subnormal
// inputs scaled by 2^23 first; 0 -> -inf, x < 0 or NaN -> NaN, inf -> inf. log1p(u), u >= 0: log(1 + u) u / ((1 + u) - 1). expm1(t), t <= 0: from the exp core's reduction.
import { FunctionBuilder, V128 } from "./assembler.ts";

/** SIMD opcodes (after the 0xfd prefix) the elementwise kernels use. */
export const SIMD = {
  shuffle: 0x0d, f32x4Splat: 0x13, f64x2Splat: 0x14, f32x4Extract: 0x1f, f64x2Extract: 0x21,
  i32x4GtS: 0x3b, f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52, anyTrue: 0x53,
  load64Zero: 0x5d, store64Lane: 0x5b, demoteZero: 0x5e, promoteLow: 0x5f,
  i32x4AllTrue: 0xa3, i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4ShrU: 0xad, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4MaxS: 0xb8,
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

/** Declares `n` v128 locals; returns their indices. */
export const v128Locals = (f: FunctionBuilder, n: number): number[] => Array.from({ length: n }, () => f.local(V128));

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

const LOG2E = 1.44269504088896341, C1 = 0.693359375, C2 = -2.12194440e-4;
/** 1.5 * 2^23 + 127: z + EXP_MAGIC (|z| < 2^22) is EXP_MAGIC + round(z), whose low 9 bits are round(z) + 127. */
const EXP_MAGIC = 12583039, MAGIC_BITS = 0x4b400000;
/**
 * e^r - 1 = r + r^2 P(r) on |r| <= ln2/2: P of degree 4, minimax for the relative error of e^r (fitted by
 * Lawson's iteration, rounded to float32: 0.06 of a float32 half-step), so the float32 roundings dominate.
 */
const EXP_P = [4.999999403953552e-1, 1.666652113199234e-1, 4.166838899254799e-2, 8.36874544620514e-3, 1.3814539415761828e-3];
/** The fast path's range: |t| <= 87 keeps k = round(t log2e) in [-126, 126], where 2^k is a normal float32. */
const EXP_FAST = 87;
/** The slow path: t < -104 gives 0 (e^-104 rounds to 0), t clamped to 88.8 (e^88.8 overflows): k in [-150, 128] splits into two normal halves. */
const EXP_LO = -104, EXP_HI = 88.8;

/** Which t the exp core must take: "full" any; "nonpositive" t <= 0 or NaN (the softmax shift: a one-compare range check). */
export type ExpDomain = "full" | "nonpositive";

/** The exp core's constants in locals (call before the loops). */
export function expConsts(p: ConstPool, domain: ExpDomain): void {
  for (const v of [LOG2E, EXP_MAGIC, C1, C2, ...EXP_P]) p.f32(v);
  if (domain === "full") { p.i32(0x7fffffff); p.i32(f32Bits(EXP_FAST)); } else p.f32(-EXP_FAST);
}

/**
 * Sets locals `outs[j]` = e^(local ts[j]) for a few vectors at once (their independent chains overlap in
 * the core). One range check for all of them: when every lane has |t| <= 87 (or NaN: it propagates
 * through the arithmetic) the fast path runs (2^k built by shifting the rounded value's bits, result
 * 2^k + 2^k (e^r - 1): one rounding); when every lane is below -104 (a masked stretch of a softmax row),
 * zeros; else the slow path for all (overflow to inf, gradual underflow to subnormals and 0 as ref's).
 */
export function emitExp(p: ConstPool, ts: readonly number[], outs: readonly number[], domain: ExpDomain): void {
  const f = p.f;
  if (domain === "full") {
    // max over the vectors of |t|'s bits as int32, > bits(87): NaN's bits exceed every number's, so a NaN lane may take the slow path (which keeps it)
    ts.forEach((t, j) => { f.get(t).get(p.i32(0x7fffffff)).simd(SIMD.and); if (j > 0) f.simd(SIMD.i32x4MaxS); });
    f.get(p.i32(f32Bits(EXP_FAST))).simd(SIMD.i32x4GtS);
  } else {
    ts.forEach((t, j) => { f.get(t).get(p.f32(-EXP_FAST)).simd(SIMD.f32x4Lt); if (j > 0) f.simd(SIMD.or); });
  }
  f.simd(SIMD.anyTrue).if();
  // every lane below -104 (a masked stretch of a softmax row: -inf): all +0
  ts.forEach((t, j) => { f.get(t); f32x4Const(f, EXP_LO).simd(SIMD.f32x4Lt); if (j > 0) f.simd(SIMD.and); });
  f.simd(SIMD.i32x4AllTrue).if();
  for (const o of outs) f.v128Zero().set(o);
  f.else();
  ts.forEach((t, j) => emitExpSlow(p, t, outs[j]));
  f.end();
  f.else();
  ts.forEach((t, j) => emitExpFast(p, t, outs[j]));
  f.end();
}

/**
 * Reduces the local `t` (|t| < 2^21): sets `y` = EXP_MAGIC + k (k = round(t log2e)) and `r` = t - k ln2
 * (ln2 split in C1 + C2, k C1 exact), and `q` = e^r - 1.
 */
function emitReduce(p: ConstPool, t: number, y: number, r: number, q: number): void {
  const f = p.f, k = q;
  f.get(t).get(p.f32(LOG2E)).simd(SIMD.f32x4Mul).get(p.f32(EXP_MAGIC)).simd(SIMD.f32x4Add).tee(y);
  f.get(p.f32(EXP_MAGIC)).simd(SIMD.f32x4Sub).set(k);
  f.get(t).get(k).get(p.f32(C1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).get(k).get(p.f32(C2)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(r);
  // r + r^2 P(r), P = (P0 + P1 r) + r^2 ((P2 + P3 r) + r^2 P4) (Estrin: short dependency chains)
  const r2 = f.local(V128);
  const mad = (lo: number, hi: number): void => { f.get(p.f32(EXP_P[hi])).get(r).simd(SIMD.f32x4Mul).get(p.f32(EXP_P[lo])).simd(SIMD.f32x4Add); };
  f.get(r).get(r).simd(SIMD.f32x4Mul).set(r2);
  mad(0, 1);
  mad(2, 3); f.get(p.f32(EXP_P[4])).get(r2).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(r2).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).get(r2).simd(SIMD.f32x4Mul).get(r).simd(SIMD.f32x4Add).set(q);
}

/** out = e^t for |t| <= 87 or NaN: 2^k + 2^k q, 2^k = the rounded value's bits shifted to the exponent field. */
function emitExpFast(p: ConstPool, t: number, out: number): void {
  const f = p.f, y = f.local(V128), r = f.local(V128), q = f.local(V128);
  emitReduce(p, t, y, r, q);
  f.get(y).i32(23).simd(SIMD.i32x4Shl).tee(y).get(q).simd(SIMD.f32x4Mul).get(y).simd(SIMD.f32x4Add).set(out);
}

/**
 * out = e^t for any t: lanes with t < -104 (-inf included) give +0 and compute e^0 meanwhile (an
 * underflowing product would cost a microcode assist per lane: masked softmax rows are full of -inf);
 * the others have t clamped to 88.8 (NaN stays), then (1 + q) 2^h 2^(k-h), h = floor(k / 2). Its own
 * constants are v128.const in place (not pooled locals: they would hold registers in the fast loop).
 */
function emitExpSlow(p: ConstPool, t: number, out: number): void {
  const f = p.f, c = f.local(V128), y = f.local(V128), r = f.local(V128), q = f.local(V128), under = f.local(V128);
  f.get(t); f32x4Const(f, EXP_LO).simd(SIMD.f32x4Lt).set(under);
  f.get(t); f32x4Const(f, EXP_HI).simd(SIMD.f32x4Pmin).get(under).simd(SIMD.andnot).set(c);
  emitReduce(p, c, y, r, q);
  // y = k + 127 in [-23, 255]; r = h
  f.get(y); i32x4Const(f, MAGIC_BITS).simd(SIMD.i32x4Sub).tee(y); i32x4Const(f, 127).simd(SIMD.i32x4Sub).i32(1).simd(SIMD.i32x4ShrS).set(r);
  f.get(q); f32x4Const(f, 1).simd(SIMD.f32x4Add);
  f.get(r); i32x4Const(f, 127).simd(SIMD.i32x4Add).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
  f.get(y).get(r).simd(SIMD.i32x4Sub).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul).get(under).simd(SIMD.andnot).set(out);
}

const SQRTHF = 0.707106781186547524, MIN_NORMAL = 1.17549435e-38, TWO23 = 8388608;
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1];

/** The log core's constants in locals. */
export function logConsts(p: ConstPool): void {
  for (const v of [MIN_NORMAL, TWO23, SQRTHF, 1, 0.5, C1, C2, 0, Infinity, -Infinity, NaN, ...LOG_P]) p.f32(v);
  for (const v of [0x7fffff, 0x3f000000, 126, 23]) p.i32(v);
}

/**
 * Sets locals `outs[j]` = log(local xs[j]) for a few vectors at once: when every lane is a positive
 * normal number, the core alone; else with subnormal inputs scaled and special values (see emitLog).
 */
export function emitLogs(p: ConstPool, xs: readonly number[], outs: readonly number[]): void {
  const f = p.f;
  xs.forEach((x, j) => {
    f.get(x).get(p.f32(MIN_NORMAL)).simd(SIMD.f32x4Ge).get(x).get(p.f32(Infinity)).simd(SIMD.f32x4Lt).simd(SIMD.and);
    if (j > 0) f.simd(SIMD.and);
  });
  f.simd(SIMD.i32x4AllTrue).if();
  xs.forEach((x, j) => { emitLog(p, x, v128Locals(f, 4), false); f.set(outs[j]); });
  f.else();
  xs.forEach((x, j) => { emitLog(p, x, v128Locals(f, 4), true); f.set(outs[j]); });
  f.end();
}

/**
 * Leaves log(local x) on the stack, using scratch v128 locals `w` (4). `general`: any x (subnormals
 * scaled, specials); else x must be a positive normal number.
 */
export function emitLog(p: ConstPool, x: number, w: readonly number[], general = true): void {
  const f = p.f, [a, e, m, z] = w;
  if (general) {
    // subnormals: a = x 2^23, e starts at -23 (else a = x, e = 0)
    f.get(x).get(p.f32(MIN_NORMAL)).simd(SIMD.f32x4Lt).set(z);
    f.get(x).get(p.f32(TWO23)).simd(SIMD.f32x4Mul).get(x).get(z).simd(SIMD.bitselect).set(a);
    f.get(z).get(p.i32(23)).simd(SIMD.and).set(e);
  }
  // e (+)= exponent - 126; m in [0.5, 1)
  const src = general ? a : x;
  f.get(src).i32(23).simd(SIMD.i32x4ShrU).get(p.i32(126)).simd(SIMD.i32x4Sub);
  if (general) f.get(e).simd(SIMD.i32x4Sub);
  f.set(e);
  f.get(src).get(p.i32(0x7fffff)).simd(SIMD.and).get(p.i32(0x3f000000)).simd(SIMD.or).set(m);
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
  f.get(m).simd(SIMD.f32x4Add).get(e).get(p.f32(C1)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  if (!general) return;
  // specials: 0 -> -inf, inf -> inf, x < 0 or NaN -> NaN
  f.set(a);
  f.get(p.f32(-Infinity)).get(a).get(x).get(p.f32(0)).simd(SIMD.f32x4Eq).simd(SIMD.bitselect).set(a);
  f.get(x).get(a).get(x).get(p.f32(Infinity)).simd(SIMD.f32x4Eq).simd(SIMD.bitselect).set(a);
  f.get(p.f32(NaN)).get(a).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).get(x).get(x).simd(SIMD.f32x4Ne).simd(SIMD.or).simd(SIMD.bitselect);
}

/**
 * Sets locals `outs[j]` = log1p(local us[j]) for u >= 0 or NaN: w = 1 + u, then u where w is 1, else
 * log(w) u / (w - 1) (w - 1 is exact, and the quotient corrects w's rounding): log's error plus a step or so.
 * Needs logConsts.
 */
export function emitLog1ps(p: ConstPool, us: readonly number[], outs: readonly number[]): void {
  const f = p.f, ws = v128Locals(f, us.length);
  us.forEach((u, j) => { f.get(u).get(p.f32(1)).simd(SIMD.f32x4Add).set(ws[j]); });
  emitLogs(p, ws, outs);
  us.forEach((u, j) => {
    f.get(u).get(outs[j]).get(u).simd(SIMD.f32x4Mul).get(ws[j]).get(p.f32(1)).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Div);
    f.get(ws[j]).get(p.f32(1)).simd(SIMD.f32x4Eq).simd(SIMD.bitselect).set(outs[j]);
  });
}

/** expm1 rounds to -1 below -17.4 (e^t < 2^-25): inputs are clamped here, keeping 2^k normal. */
const EXPM1_LO = -18;

/** The expm1 core's constants in locals (the exp core's, and its own). */
export function expm1Consts(p: ConstPool): void {
  expConsts(p, "nonpositive");
  p.f32(EXPM1_LO); p.f32(1);
}

/**
 * Pushes e^t - 1 for the local `t` <= 0 or NaN: t clamped to -18 (NaN stays), t = k ln2 + r as the exp core,
 * then 2^k (e^r - 1) + (2^k - 1) (2^k - 1 exact; for k = 0 just e^r - 1 = r + r^2 P(r), no cancellation). +0 for -0.
 */
export function emitExpm1(p: ConstPool, t: number): void {
  const f = p.f, c = f.local(V128), y = f.local(V128), r = f.local(V128), q = f.local(V128);
  f.get(t).get(p.f32(EXPM1_LO)).simd(SIMD.f32x4Pmax).set(c);
  emitReduce(p, c, y, r, q);
  f.get(y).i32(23).simd(SIMD.i32x4Shl).tee(y).get(q).simd(SIMD.f32x4Mul).get(y).get(p.f32(1)).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Add);
}
