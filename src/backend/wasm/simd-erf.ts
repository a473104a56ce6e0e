// f32x4 error-function core emitted into a FunctionBuilder: erf(c x) near 0 and erfc(c |x|) in the tail, for the erf and gelu kernels.
//
// Near 0: erf(z) = z P(z^2) (degree 5 in z^2, |z| < 1, 1.5 float32 steps in float32 arithmetic). Tail:
// erfc(z) = e^(-z^2) erfcx(z), erfcx(z) = T(t) with t = 1 / (1 + z/2) (degree 8, z in [0.5, 10.5]; ~3 steps in
// float32 arithmetic). z^2 is carried in two floats so that e^(-z^2) keeps its relative accuracy up to z^2
// ~ 100 (one float32 z^2 would cost z^2 2^-24 of it): |x| = xh + xl with xh's 12 leading bits (xh^2 exact),
// c^2 x^2 = a + b with a = c^2 xh^2 exact, b = c^2 xl (xh + |x|), h + l = a + b exactly (Fast2Sum), and
// e^-(h + l) = e^-h (1 - l) (|l| <= half a step of h, so the linear term is exact enough). c is 1 (erf)
// or 1/sqrt2 (gelu: x Phi(x)), c^2 a power of two, so the scaling is exact; both fits were by Lawson's
// iteration on float32-rounded coefficients (weighted for relative error).
import { V128 } from "./assembler.ts";
import { ConstPool, emitExp, expConsts, SIMD, v128Locals } from "./simd-math.ts";

/** erf(z) / z = P(z^2) on |z| < 1. */
const ERF_P = [1.1283791065216064, -0.3761232793331146, 0.11280184239149094, -0.02671140432357788, 0.004917643964290619, -0.0005631756503134966];
/** erfcx(z) = e^(z^2) erfc(z) = T(1 / (1 + z/2)) on z in [0.5, 10.5]. */
const ERFCX_T = [-1.4956483028072398e-05, 0.2824746370315552, 0.2780570089817047, 0.27012908458709717, 0.09774260967969894,
  0.23582887649536133, -0.14510537683963776, -0.06249108538031578, 0.043482180684804916];
/** Clears the 12 low bits of a float32's significand: the head xh has 12 significant bits. */
const HEAD_MASK = 0xfffff000 | 0;

/** How the core scales its input: z = c x, and |x| is clamped to `clamp` before the tail (NaN stays). */
export interface ErfScale { readonly c: number; readonly clamp: number }

/** The erf core's constants in locals (call before the loops). */
export function erfConsts(p: ConstPool, s: ErfScale): void {
  expConsts(p, "nonpositive");
  for (const v of [...ERF_P, ...ERFCX_T, s.c, s.c * s.c, s.clamp, 1, 0.5]) p.f32(v);
  p.i32(HEAD_MASK);
}

/** Pushes a Horner evaluation of `coef` at local `v`. */
export function emitHorner(p: ConstPool, coef: readonly number[], v: number): void {
  const f = p.f;
  f.get(p.f32(coef[coef.length - 1]));
  for (let k = coef.length - 2; k >= 0; k--) f.get(v).simd(SIMD.f32x4Mul).get(p.f32(coef[k])).simd(SIMD.f32x4Add);
}

/**
 * For local vectors xs[j]: sets zs[j] = c x, smalls[j] = erf(z) (valid where |z| < 1) and tails[j] =
 * erfc(c min(|x|, clamp)) (valid where |z| >= 0.5; NaN for NaN). The tails' exponentials run in one exp core.
 */
export function emitErfParts(p: ConstPool, s: ErfScale, xs: readonly number[], zs: readonly number[], smalls: readonly number[], tails: readonly number[]): void {
  const f = p.f, n = xs.length;
  const us = v128Locals(f, n), rs = v128Locals(f, n), ls = v128Locals(f, n), hs = v128Locals(f, n), w = f.local(V128), hd = f.local(V128);
  const mulC = (c: number): void => { if (c !== 1) f.get(p.f32(c)).simd(SIMD.f32x4Mul); };
  xs.forEach((x, j) => {
    // near 0: z P(z^2)
    f.get(x); mulC(s.c); f.set(zs[j]);
    f.get(zs[j]).get(zs[j]).simd(SIMD.f32x4Mul).set(w);
    emitHorner(p, ERF_P, w); f.get(zs[j]).simd(SIMD.f32x4Mul).set(smalls[j]);
    // tail: u = min(|x|, clamp), R = erfcx(c u)
    f.get(x).simd(SIMD.f32x4Abs).get(p.f32(s.clamp)).simd(SIMD.f32x4Pmin).set(us[j]);
    f.get(p.f32(1)).get(p.f32(1)).get(us[j]); mulC(s.c);
    f.get(p.f32(0.5)).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set(w);
    emitHorner(p, ERFCX_T, w); f.set(rs[j]);
    // c^2 u^2 = a + b (a exact) = h + l
    f.get(us[j]).get(p.i32(HEAD_MASK)).simd(SIMD.and).set(hd);
    f.get(hd).get(hd).simd(SIMD.f32x4Mul); mulC(s.c * s.c); f.set(w);
    f.get(us[j]).get(hd).simd(SIMD.f32x4Sub).get(hd).get(us[j]).simd(SIMD.f32x4Add).simd(SIMD.f32x4Mul); mulC(s.c * s.c); f.set(ls[j]);
    f.get(w).get(ls[j]).simd(SIMD.f32x4Add).set(hs[j]);
    f.get(ls[j]).get(hs[j]).get(w).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Sub).set(ls[j]);
    f.get(hs[j]).simd(SIMD.f32x4Neg).set(hs[j]);
  });
  emitExp(p, hs, tails, "nonpositive");
  // erfc = E R (1 - l) = E R - (E R) l
  xs.forEach((_x, j) => {
    f.get(tails[j]).get(rs[j]).simd(SIMD.f32x4Mul).tee(w).get(w).get(ls[j]).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(tails[j]);
  });
}
