// Emits the float32 unary kernels (exp, log, tanh, sigmoid, relu, neg, abs, sqrt) on f32x4 lanes.
//
// Each is `name(px, po, bytes)`: po[i] = op(px[i]) over `bytes` (a positive multiple of 16), two f32x4 per
// trip (a lone one first when the count is odd). relu (x <= 0 masked to +0: -0 -> +0, NaN stays), neg,
// abs and sqrt (correctly rounded) are bit-identical to ref; exp and log use the cores of simd-math.ts
// (~1 ulp; exp's subnormal results as ref's, log's results are normal); sigmoid = 1 / (1 + e^-x) (0 for
// x < -88.7, where e^-x overflows: ref's results there are subnormal); tanh = Cephes' odd polynomial
// below |x| 0.625, else sign(x) (1 - 2 / (e^2|x| + 1)).
import { FunctionBuilder, I32 } from "./assembler.ts";
import { ConstPool, emitExp, emitLogs, expConsts, logConsts, SIMD, v128Locals } from "./simd-math.ts";

/** The ops with a wasm kernel. */
export const WASM_UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "neg", "abs", "sqrt"] as const;
export type WasmUnaryCode = (typeof WASM_UNARY)[number];

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
function viaExp(extra: readonly number[], pre: (p: ConstPool, x: number) => void, post: (p: ConstPool, x: number, e: number) => void): OpEmitter {
  return {
    consts: (p) => { expConsts(p, "full"); for (const v of extra) p.f32(v); },
    emit: (p, xs, outs) => {
      const ts = v128Locals(p.f, xs.length), es = v128Locals(p.f, xs.length);
      xs.forEach((x, j) => { pre(p, x); p.f.set(ts[j]); });
      emitExp(p, ts, es, "full");
      xs.forEach((x, j) => { post(p, x, es[j]); p.f.set(outs[j]); });
    },
  };
}

const EMITTERS: Record<WasmUnaryCode, OpEmitter> = {
  neg: plain(SIMD.f32x4Neg),
  abs: plain(SIMD.f32x4Abs),
  sqrt: plain(SIMD.f32x4Sqrt),
  // x <= 0 (-0 included) -> +0, NaN stays: two one-instruction ops (f32x4.max is a long sequence on x64)
  relu: each((p) => { p.f32(0); }, (p, x) => { p.f.get(x).get(x).get(p.f32(0)).simd(SIMD.f32x4Le).simd(SIMD.andnot); }),
  exp: { consts: (p) => expConsts(p, "full"), emit: (p, xs, outs) => emitExp(p, xs, outs, "full") },
  log: { consts: logConsts, emit: emitLogs },
  sigmoid: viaExp([1], (p, x) => { p.f.get(x).simd(SIMD.f32x4Neg); },
    (p, _x, e) => { p.f.get(p.f32(1)).get(p.f32(1)).get(e).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div); }),
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
};

/** `name(px, po, bytes)`: a lone vector first when `bytes` / 16 is odd, then two vectors per trip. */
function emitUnary(op: WasmUnaryCode): FunctionBuilder {
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
export const unaryFunctions = (): { name: string; fn: FunctionBuilder }[] => WASM_UNARY.map((op) => ({ name: op, fn: emitUnary(op) }));
