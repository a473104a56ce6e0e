// Emits the WebAssembly SIMD module of the float32 elementwise and softmax kernels (wasm/elementwise.ts runs it).
import { emitModule, FunctionBuilder, I32, V128 } from "./assembler.ts";
import { SIMD } from "./simd-math.ts";
import { softmaxFunctions } from "./softmax-kernels.ts";
import { unaryFunctions } from "./unary-kernels.ts";

/** Emits `op(a, b)` with a and b on the stack, leaving the result (`zero`: a local holding +0 lanes). */
type BinaryEmitter = (f: FunctionBuilder, zero: number) => void;
const simdOp = (opcode: number): BinaryEmitter => (f) => { f.simd(opcode); };

/** The binary codes the module exports (each as `name(pa, pb, po, bytes)`), bit-identical to ref's. */
export const BINARY_EMITTERS = {
  add: simdOp(SIMD.f32x4Add), sub: simdOp(SIMD.f32x4Sub), mul: simdOp(SIMD.f32x4Mul), div: simdOp(SIMD.f32x4Div),
  // a where b > 0 or NaN, else +0: a & ~(b <= 0)
  thresholdBackward: (f, zero) => { f.get(zero).simd(SIMD.f32x4Le).simd(SIMD.andnot); },
} satisfies Record<string, BinaryEmitter>;
export type WasmBinaryCode = keyof typeof BINARY_EMITTERS;

/** `name(pa, pb, po, bytes)`: po[i] = pa[i] op pb[i] over `bytes` (a positive multiple of 16). */
function emitBinary(op: BinaryEmitter): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [pa, pb, po, bytes] = [0, 1, 2, 3];
  const end = f.local(I32), zero = f.local(V128);
  f.v128Zero().set(zero);
  f.get(po).get(bytes).i32Add().set(end);
  f.block().loop()
    .get(po).get(pa).v128Load(0).get(pb).v128Load(0);
  op(f, zero);
  f.v128Store(0)
    .get(pa).i32(16).i32Add().set(pa).get(pb).i32(16).i32Add().set(pb)
    .get(po).i32(16).i32Add().tee(po).get(end).i32Ne().brIf(0)
    .end().end();
  return f;
}

/** The module: the binary ops, the unary ops, and the softmax family over one imported memory. */
export function emitElementwiseModule(maxPages: number): Uint8Array {
  const binaries = Object.entries(BINARY_EMITTERS).map(([name, op]) => ({ name, fn: emitBinary(op) }));
  return emitModule([...binaries, ...unaryFunctions(), ...softmaxFunctions()], { shared: false, maxPages });
}
