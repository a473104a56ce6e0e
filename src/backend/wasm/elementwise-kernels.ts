// Emits the WebAssembly SIMD module of the float32 elementwise and softmax kernels (wasm/elementwise.ts runs it).
import { emitModule, FunctionBuilder, I32 } from "./assembler.ts";
import { softmaxFunctions } from "./softmax-kernels.ts";
import { unaryFunctions } from "./unary-kernels.ts";

/** f32x4 add, sub, mul, div: the binary codes the module exports (each as `name(pa, pb, po, bytes)`). */
export const BINARY_OPCODES = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 } as const;
export type WasmBinaryCode = keyof typeof BINARY_OPCODES;

/** `name(pa, pb, po, bytes)`: po[i] = pa[i] op pb[i] over `bytes` (a positive multiple of 16). */
function emitBinary(opcode: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [pa, pb, po, bytes] = [0, 1, 2, 3];
  const end = f.local(I32);
  f.get(po).get(bytes).i32Add().set(end);
  f.block().loop()
    .get(po).get(pa).v128Load(0).get(pb).v128Load(0).simd(opcode).v128Store(0)
    .get(pa).i32(16).i32Add().set(pa).get(pb).i32(16).i32Add().set(pb)
    .get(po).i32(16).i32Add().tee(po).get(end).i32Ne().brIf(0)
    .end().end();
  return f;
}

/** The module: add/sub/mul/div, the unary ops, and the softmax family over one imported memory. */
export function emitElementwiseModule(maxPages: number): Uint8Array {
  const binaries = Object.entries(BINARY_OPCODES).map(([name, opcode]) => ({ name, fn: emitBinary(opcode) }));
  return emitModule([...binaries, ...unaryFunctions(), ...softmaxFunctions()], { shared: false, maxPages });
}
