// Emits the float32 unary kernels (exp, log, tanh, sigmoid, relu, neg, abs, sqrt) on f32x4 lanes.
//
// Each is `name(px, po, bytes)`: po[i] = op(px[i]) over `bytes` (a positive multiple of 16). relu
// (x <= 0 masked to +0: -0 -> +0, NaN stays), neg, abs and sqrt (correctly rounded) are bit-identical to
// ref; exp and log use the cores of simd-math.ts (~1 ulp); sigmoid = 1 / (1 + e^-x); tanh = Cephes'
// odd polynomial below |x| 0.625, else sign(x) (1 - 2 / (e^2|x| + 1)). Results below float32's normal
// range flush to zero.
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { ConstPool, emitExp, emitLog, expConsts, logConsts, SIMD } from "./simd-math.ts";

/** The ops with a wasm kernel. */
export const WASM_UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "neg", "abs", "sqrt"] as const;
export type WasmUnaryCode = (typeof WASM_UNARY)[number];

const TANH_P = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];
const TANH_SMALL = 0.625;

interface OpEmitter {
  /** Declares the constants the op uses. */
  consts(p: ConstPool): void;
  /** Pushes op(local x), using scratch v128 locals `w` (4). */
  emit(p: ConstPool, x: number, w: readonly number[]): void;
}

const plain = (opcode: number): OpEmitter => ({ consts: () => undefined, emit: (p, x) => { p.f.get(x).simd(opcode); } });

const EMITTERS: Record<WasmUnaryCode, OpEmitter> = {
  neg: plain(SIMD.f32x4Neg),
  abs: plain(SIMD.f32x4Abs),
  sqrt: plain(SIMD.f32x4Sqrt),
  // x <= 0 (-0 included) -> +0, NaN stays: two one-instruction ops (f32x4.max is a long sequence on x64)
  relu: { consts: (p) => { p.f32(0); }, emit: (p, x) => { p.f.get(x).get(x).get(p.f32(0)).simd(SIMD.f32x4Le).simd(SIMD.andnot); } },
  exp: { consts: (p) => expConsts(p, true), emit: (p, x, w) => emitExp(p, x, w, true) },
  log: { consts: logConsts, emit: emitLog },
  sigmoid: {
    consts: (p) => expConsts(p, true),
    emit: (p, x, w) => {
      const f = p.f, t = w[3];
      f.get(x).simd(SIMD.f32x4Neg).set(t);
      f.get(p.f32(1)).get(p.f32(1));
      emitExp(p, t, w, true);
      f.simd(SIMD.f32x4Add).simd(SIMD.f32x4Div);
    },
  },
  tanh: {
    consts: (p) => { expConsts(p, true); for (const v of [...TANH_P, TANH_SMALL, 2, -0]) p.f32(v); },
    emit: (p, x, w) => {
      const f = p.f, t = w[3];
      // large |x|: (1 - 2 / (e^2|x| + 1)) with x's sign
      f.get(x).simd(SIMD.f32x4Abs).tee(t).get(t).simd(SIMD.f32x4Add).set(t);
      f.get(p.f32(1)).get(p.f32(2));
      emitExp(p, t, w, true);
      f.get(p.f32(1)).simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).simd(SIMD.f32x4Sub);
      f.get(x).get(p.f32(-0)).simd(SIMD.and).simd(SIMD.or);
      // small |x|: x + x z P(z), z = x^2
      f.get(x).get(x).simd(SIMD.f32x4Mul).set(t);
      f.get(p.f32(TANH_P[0]));
      for (let k = 1; k < TANH_P.length; k++) f.get(t).simd(SIMD.f32x4Mul).get(p.f32(TANH_P[k])).simd(SIMD.f32x4Add);
      f.get(t).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Add);
      // large where |x| >= 0.625 (NaN: the small path, which keeps it)
      f.get(x).simd(SIMD.f32x4Abs).get(p.f32(TANH_SMALL)).simd(SIMD.f32x4Ge).simd(SIMD.bitselect);
    },
  },
};

function emitUnary(op: WasmUnaryCode): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32], []);
  const [px, po, bytes] = [0, 1, 2];
  const end = f.local(I32), x = f.local(V128);
  const w = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const p = new ConstPool(f);
  EMITTERS[op].consts(p);
  p.seal();
  f.get(po).get(bytes).i32Add().set(end);
  f.loop().get(po).get(px).v128Load(0).set(x);
  EMITTERS[op].emit(p, x, w);
  f.v128Store(0).get(px).i32(16).i32Add().set(px).get(po).i32(16).i32Add().tee(po).get(end).i32Ne().brIf(0).end();
  return f;
}

/** The unary functions, exported under the op's name. */
export const unaryFunctions = (): { name: string; fn: FunctionBuilder }[] => WASM_UNARY.map((op) => ({ name: op, fn: emitUnary(op) }));
