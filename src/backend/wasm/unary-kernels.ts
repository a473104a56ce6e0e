// Emits the float32 unary kernels (exp, log, tanh, sigmoid, relu, neg, abs, sqrt, silu, gelu, softplus, erf, logSigmoid, mish, elu) on f32x4 lanes.
//
// Each is `name(px, po, bytes)`: po[i] = op(px[i]) over `bytes` (a positive multiple of 16), two f32x4 per
// trip (a lone one first when the count is odd). relu (x <= 0 masked to +0: -0 -> +0, NaN stays), neg,
// abs and sqrt (correctly rounded) are bit-identical to ref; exp and log use the cores of simd-math.ts
// (~1 ulp; exp's subnormal results as ref's, log's results are normal); sigmoid = (x < 0 ? e : 1) / (1 + e),
// e = e^-|x| (no overflow: subnormal results below x = -87.3 as ref's); tanh = Cephes' odd polynomial
// below |x| 0.625, else sign(x) (1 - 2 / (e^2|x| + 1)).
// The activations: silu = x (x < 0 ? e : 1) / (1 + e), e = e^-|x| (no overflow); softplus (beta 1,
// threshold 20 only) = x above 20, else max(x, 0) + log1p(e^-|x|); logSigmoid = (x < 0 ? x : 0) -
// log1p(e^-|x|), -0 for large x as ref's -softplus(-x); erf and gelu (exact: x Phi(x), Phi from erf near
// 0 and from erfc in the tails, no cancellation) by the core of simd-erf.ts; gelu's tanh form as x / (1 +
// e^(-2 k (x + 0.044715 x^3))) (= 0.5 x (1 + tanh(...)) without its cancellation for x < 0); mish = x n / d,
// tanh(softplus x) = n / d with e = e^-|x|: (1 + 2e) / (1 + 2e + 2e^2) for x >= 0, (e^2 + 2e) / (e^2 + 2e + 2)
// below (no log, no overflow); elu (alpha 1, scale 1, input scale 1 only) = x < 0 ? expm1(x) : x.
// `wasmUnaryKernel` picks the kernel for an op and its parameters (ref's defaults fill missing ones).
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { ConstPool, emitExp, emitExpm1, emitLog1ps, emitLogs, expConsts, expm1Consts, logConsts, SIMD, v128Locals, type ExpDomain } from "./simd-math.ts";
import { emitErfParts, erfConsts, type ErfScale } from "./simd-erf.ts";

/** The ops with a wasm kernel. */
export const WASM_UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "neg", "abs", "sqrt", "silu", "gelu", "softplus", "erf", "logSigmoid", "mish", "elu"] as const;
export type WasmUnaryCode = (typeof WASM_UNARY)[number];
/** The wasm unary functions: one per op of WASM_UNARY (its default parameters), and gelu's tanh form. */
export type WasmUnaryKernel = WasmUnaryCode | "geluTanh";
export const WASM_UNARY_KERNELS: readonly WasmUnaryKernel[] = [...WASM_UNARY, "geluTanh"];

/** The ops whose kernels take parameters: each kernel with the full parameter list it computes. */
const PARAM_FORMS: Partial<Record<WasmUnaryCode, readonly (readonly [readonly number[], WasmUnaryKernel])[]>> = {
  gelu: [[[0], "gelu"], [[1], "geluTanh"]],
  softplus: [[[1, 20], "softplus"]],
  elu: [[[1, 1, 1], "elu"]],
};

/** The kernel computing `op` with `params` (missing trailing ones at ref's defaults), or undefined when there is none. */
export function wasmUnaryKernel(op: string, params: readonly number[] = []): WasmUnaryKernel | undefined {
  if (!(WASM_UNARY as readonly string[]).includes(op)) return undefined;
  const forms = PARAM_FORMS[op as WasmUnaryCode];
  if (forms === undefined) return params.length === 0 ? op as WasmUnaryCode : undefined;
  return forms.find(([want]) => params.length <= want.length && params.every((v, i) => v === want[i]))?.[1];
}

const TANH_P = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];
const TANH_SMALL = 0.625;

interface OpEmitter {
  /** Declares the constants the op uses. */
  consts(p: ConstPool): void;
  /** Sets locals `outs[j]` = op(local xs[j]) (a vector or two: the exp core overlaps their chains). */
  emit(p: ConstPool, xs: readonly number[], outs: readonly number[]): void;
}

/** An op applied to each vector alone: `one` pushes op(local x). */
const each = (consts: (p: ConstPool) => void, one: (p: ConstPool, x: number) => void): OpEmitter => ({
  consts, emit: (p, xs, outs) => xs.forEach((x, j) => { one(p, x); p.f.set(outs[j]); }),
});
const plain = (opcode: number): OpEmitter => each(() => undefined, (p, x) => { p.f.get(x).simd(opcode); });

/** e^(t_j) for t_j = `pre`(x_j) (pushed), then outs[j] = `post`(x_j, e_j) (pushed). */
function viaExp(extra: readonly number[], pre: (p: ConstPool, x: number) => void, post: (p: ConstPool, x: number, e: number) => void,
  domain: ExpDomain = "full"): OpEmitter {
  return {
    consts: (p) => { expConsts(p, domain); for (const v of extra) p.f32(v); },
    emit: (p, xs, outs) => {
      const ts = v128Locals(p.f, xs.length), es = v128Locals(p.f, xs.length);
      xs.forEach((x, j) => { pre(p, x); p.f.set(ts[j]); });
      emitExp(p, ts, es, domain);
      xs.forEach((x, j) => { post(p, x, es[j]); p.f.set(outs[j]); });
    },
  };
}

/** L = log1p(e^-|x|) (pushed: -|x|), then outs[j] = `post`(x_j, L_j) (pushed). */
function viaLog1pExp(extra: readonly number[], post: (p: ConstPool, x: number, l: number) => void): OpEmitter {
  return {
    consts: (p) => { expConsts(p, "nonpositive"); logConsts(p); for (const v of extra) p.f32(v); },
    emit: (p, xs, outs) => {
      const ts = v128Locals(p.f, xs.length), es = v128Locals(p.f, xs.length), ls = v128Locals(p.f, xs.length);
      xs.forEach((x, j) => { p.f.get(x).simd(SIMD.f32x4Abs).simd(SIMD.f32x4Neg).set(ts[j]); });
      emitExp(p, ts, es, "nonpositive");
      emitLog1ps(p, es, ls);
      xs.forEach((x, j) => { post(p, x, ls[j]); p.f.set(outs[j]); });
    },
  };
}

/** The erf core's parts of each x (see simd-erf.ts), then outs[j] = `post`(x, z, erf(z) near 0, erfc tail) (pushed). */
function viaErf(s: ErfScale, extra: readonly number[], post: (p: ConstPool, x: number, z: number, small: number, tail: number) => void): OpEmitter {
  return {
    consts: (p) => { erfConsts(p, s); for (const v of extra) p.f32(v); },
    emit: (p, xs, outs) => {
      const n = xs.length, zs = v128Locals(p.f, n), smalls = v128Locals(p.f, n), tails = v128Locals(p.f, n);
      emitErfParts(p, s, xs, zs, smalls, tails);
      xs.forEach((x, j) => { post(p, x, zs[j], smalls[j], tails[j]); p.f.set(outs[j]); });
    },
  };
}

/** gelu's tanh form: -2 k and -2 k 0.044715 (k = sqrt(2 / pi)). */
const GELU_A = -2 * 0.7978845608028654, GELU_B = GELU_A * 0.044715;
/** erf(x): beyond 4, erfc < 2^-26 and erf rounds to +-1. gelu: beyond 14.8 (c x ~ 10.47), e^-(x^2/2) < e^-104 gives 0. */
const ERF_SCALE: ErfScale = { c: 1, clamp: 4 }, GELU_SCALE: ErfScale = { c: Math.SQRT1_2, clamp: 14.8 };

const EMITTERS: Record<WasmUnaryKernel, OpEmitter> = {
  neg: plain(SIMD.f32x4Neg),
  abs: plain(SIMD.f32x4Abs),
  sqrt: plain(SIMD.f32x4Sqrt),
  // x <= 0 (-0 included) -> +0, NaN stays: two one-instruction ops (f32x4.max is a long sequence on x64)
  relu: each((p) => { p.f32(0); }, (p, x) => { p.f.get(x).get(x).get(p.f32(0)).simd(SIMD.f32x4Le).simd(SIMD.andnot); }),
  exp: { consts: (p) => expConsts(p, "full"), emit: (p, xs, outs) => emitExp(p, xs, outs, "full") },
  log: { consts: logConsts, emit: emitLogs },
  sigmoid: viaExp([1, 0], (p, x) => { p.f.get(x).simd(SIMD.f32x4Abs).simd(SIMD.f32x4Neg); }, (p, x, e) => {
    p.f.get(e).get(p.f32(1)).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect);
    p.f.get(p.f32(1)).get(e).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div);
  }, "nonpositive"),
  tanh: viaExp([...TANH_P, TANH_SMALL, 1, 2, -0], (p, x) => { p.f.get(x).simd(SIMD.f32x4Abs).get(p.f32(2)).simd(SIMD.f32x4Mul); }, (p, x, e) => {
    const f = p.f, t = e;
    // large |x|: (1 - 2 / (e^2|x| + 1)) with x's sign
    f.get(p.f32(1)).get(p.f32(2)).get(e).get(p.f32(1)).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).simd(SIMD.f32x4Sub);
    f.get(x).get(p.f32(-0)).simd(SIMD.and).simd(SIMD.or);
    // small |x|: x + x z P(z), z = x^2
    f.get(x).get(x).simd(SIMD.f32x4Mul).set(t);
    f.get(p.f32(TANH_P[0]));
    for (let k = 1; k < TANH_P.length; k++) f.get(t).simd(SIMD.f32x4Mul).get(p.f32(TANH_P[k])).simd(SIMD.f32x4Add);
    f.get(t).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Add);
    // large where |x| >= 0.625 (NaN: the small path, which keeps it)
    f.get(x).simd(SIMD.f32x4Abs).get(p.f32(TANH_SMALL)).simd(SIMD.f32x4Ge).simd(SIMD.bitselect);
  }),
  // x (x < 0 ? e : 1) / (1 + e), e = e^-|x|
  silu: viaExp([1, 0], (p, x) => { p.f.get(x).simd(SIMD.f32x4Abs).simd(SIMD.f32x4Neg); }, (p, x, e) => {
    p.f.get(x).get(e).get(p.f32(1)).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect).simd(SIMD.f32x4Mul);
    p.f.get(p.f32(1)).get(e).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div);
  }, "nonpositive"),
  // x > 20 ? x : max(x, 0) + L (pmax(0, x): 0 for NaN, which L carries)
  softplus: viaLog1pExp([0, 20], (p, x, l) => {
    p.f.get(x).get(p.f32(0)).get(x).simd(SIMD.f32x4Pmax).get(l).simd(SIMD.f32x4Add);
    p.f.get(x).get(p.f32(20)).simd(SIMD.f32x4Gt).simd(SIMD.bitselect);
  }),
  // x < 0 ? x - L : -L
  logSigmoid: viaLog1pExp([0], (p, x, l) => {
    p.f.get(x).get(l).simd(SIMD.f32x4Sub).get(l).simd(SIMD.f32x4Neg).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect);
  }),
  // |x| < 1 ? x P(x^2) : sign(x) (1 - erfc|x|)
  erf: viaErf(ERF_SCALE, [-0], (p, x, _z, small, tail) => {
    p.f.get(small).get(p.f32(1)).get(tail).simd(SIMD.f32x4Sub).get(x).get(p.f32(-0)).simd(SIMD.and).simd(SIMD.or);
    p.f.get(x).simd(SIMD.f32x4Abs).get(p.f32(1)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect);
  }),
  // 0.5 x (|z| < 0.5 ? 1 + erf(z) : x > 0 ? 2 - erfc(z) : erfc(-z)), z = x / sqrt2 (1 + erf(z) would cancel for z < -0.5)
  gelu: viaErf(GELU_SCALE, [0, 2], (p, x, z, small, tail) => {
    const f = p.f;
    f.get(x).get(p.f32(0.5)).simd(SIMD.f32x4Mul);
    f.get(p.f32(1)).get(small).simd(SIMD.f32x4Add);
    f.get(p.f32(2)).get(tail).simd(SIMD.f32x4Sub).get(tail).get(x).get(p.f32(0)).simd(SIMD.f32x4Gt).simd(SIMD.bitselect);
    f.get(z).simd(SIMD.f32x4Abs).get(p.f32(0.5)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect).simd(SIMD.f32x4Mul);
  }),
  // x n / d: x >= 0: n = 1 + 2e, d = n + 2e^2; x < 0: n = e (e + 2), d = n + 2
  mish: viaExp([0, 1, 2], (p, x) => { p.f.get(x).simd(SIMD.f32x4Abs).simd(SIMD.f32x4Neg); }, (p, x, e) => {
    const f = p.f, two = p.f32(2), n = f.local(V128), d = f.local(V128), neg = f.local(V128);
    f.get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).set(neg);
    f.get(e).get(e).get(two).simd(SIMD.f32x4Add).simd(SIMD.f32x4Mul).tee(n).get(two).simd(SIMD.f32x4Add).set(d);
    f.get(n).get(p.f32(1)).get(e).get(two).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).tee(n).get(neg).simd(SIMD.bitselect);
    f.get(d).get(n).get(e).get(e).simd(SIMD.f32x4Mul).get(two).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).get(neg).simd(SIMD.bitselect).set(d);
    f.get(x).simd(SIMD.f32x4Mul).get(d).simd(SIMD.f32x4Div);
  }, "nonpositive"),
  // x < 0 ? expm1(x) : x (NaN and -0 stay)
  elu: each((p) => { expm1Consts(p); p.f32(0); }, (p, x) => {
    emitExpm1(p, x); p.f.get(x).get(x).get(p.f32(0)).simd(SIMD.f32x4Lt).simd(SIMD.bitselect);
  }),
  // x / (1 + e^(x (A + B x^2)))
  geluTanh: viaExp([GELU_A, GELU_B, 1], (p, x) => {
    p.f.get(x).get(p.f32(GELU_B)).get(x).get(x).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Mul).get(p.f32(GELU_A)).simd(SIMD.f32x4Add).simd(SIMD.f32x4Mul);
  }, (p, x, e) => { p.f.get(x).get(p.f32(1)).get(e).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div); }),
};

/** `name(px, po, bytes)`: a lone vector first when `bytes` / 16 is odd, then two vectors per trip. */
function emitUnary(op: WasmUnaryKernel): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], []);
  const [px, po, bytes] = [0, 1, 2];
  const end = f.local(I32), xs = v128Locals(f, 2), outs = v128Locals(f, 2);
  const p = new ConstPool(f);
  EMITTERS[op].consts(p);
  p.seal();
  const step = (k: number): void => {
    for (let j = 0; j < k; j++) f.get(px).v128Load(16 * j).set(xs[j]);
    EMITTERS[op].emit(p, xs.slice(0, k), outs);
    for (let j = 0; j < k; j++) f.get(po).get(outs[j]).v128Store(16 * j);
    f.get(px).i32(16 * k).i32Add().set(px).get(po).i32(16 * k).i32Add().set(po);
  };
  f.get(po).get(bytes).i32Add().set(end);
  f.get(bytes).i32(16).op(0x71).if();
  step(1);
  f.end();
  f.block().get(po).get(end).op(0x46).brIf(0).loop();
  step(2);
  f.get(po).get(end).i32Ne().brIf(0).end().end();
  return f;
}
/** The unary functions, exported under the op's name. */
export const unaryFunctions = (): { name: string; fn: FunctionBuilder }[] => WASM_UNARY_KERNELS.map((op) => ({ name: op, fn: emitUnary(op) }));
