// Emits the WebAssembly SIMD module of the float32 elementwise, softmax and reduction kernels (wasm/elementwise.ts runs it).
import { CHAIN_CODES, type ChainCode } from "../types.ts";
import { emitModule, FunctionBuilder, I32, V128 } from "./assembler.ts";
import { SIMD } from "./simd-math.ts";
import { emitUnrolledLoop } from "./loops.ts";
import { minMaxFunctions } from "./minmax-kernels.ts";
import { reduceFunctions } from "./reduce-kernels.ts";
import { softmaxFunctions } from "./softmax-kernels.ts";
import { unaryFunctions } from "./unary-kernels.ts";

/** Emits `op(a, b)` with a and b on the stack, leaving the result (`zero`: a local holding +0 lanes). */
export type BinaryEmitter = (f: FunctionBuilder, zero: number) => void;
const simdOp = (opcode: number): BinaryEmitter => (f) => { f.simd(opcode); };

/** The binary codes the module exports (each as `name(pa, pb, po, bytes)`), bit-identical to ref's. */
export const BINARY_EMITTERS = {
  add: simdOp(SIMD.f32x4Add), sub: simdOp(SIMD.f32x4Sub), mul: simdOp(SIMD.f32x4Mul), div: simdOp(SIMD.f32x4Div),
  // a where b > 0 or NaN, else +0: a & ~(b <= 0)
  thresholdBackward: (f, zero) => { f.get(zero).simd(SIMD.f32x4Le).simd(SIMD.andnot); },
} satisfies Record<string, BinaryEmitter>;
export type WasmBinaryCode = keyof typeof BINARY_EMITTERS;

/** f32x4 vectors per trip of the binary kernels' main loop (measured: bench/wasm-reduce.ts). */
export const BINARY_UNROLL = 4;

/**
 * `name(pa, pb, po, bytes)`: po[i] = pa[i] op pb[i] over `bytes` (a positive multiple of 16), `unroll`
 * vectors per trip of the main loop (one byte index, constant offsets), then one per trip.
 */
export function emitBinary(op: BinaryEmitter, unroll = BINARY_UNROLL): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [pa, pb, po, bytes] = [0, 1, 2, 3];
  const i = f.local(I32), mainEnd = f.local(I32), zero = f.local(V128);
  f.v128Zero().set(zero);
  emitUnrolledLoop(f, i, bytes, mainEnd, 16, unroll, (off) => {
    f.get(po).get(i).i32Add().get(pa).get(i).i32Add().v128Load(off).get(pb).get(i).i32Add().v128Load(off);
    op(f, zero);
    f.v128Store(off);
  });
  return f;
}

/** The name of the kernel computing `outer(inner(a, b), c)`, or `outer(c, inner(a, b))` when `swap` (kept only where the order matters). */
export const chainName = (inner: ChainCode, outer: ChainCode, swap: boolean): string =>
  `chain_${inner}_${swap && (outer === "sub" || outer === "div") ? "r" : ""}${outer}`;

/**
 * `chain_<inner>_<outer>(pa, pb, pc, po, bytes)`: po[i] = outer(inner(pa[i], pb[i]), pc[i]) (the `r`
 * variants: outer(pc[i], inner(...))), each op rounded to float32 as the one-op kernels round it, so a
 * chain gives exactly the two one-op kernels' result without writing the intermediate.
 */
function emitChain(inner: ChainCode, outer: ChainCode, swap: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [pa, pb, pc, po, bytes] = [0, 1, 2, 3, 4];
  const i = f.local(I32), mainEnd = f.local(I32), zero = f.local(V128);
  emitUnrolledLoop(f, i, bytes, mainEnd, 16, BINARY_UNROLL, (off) => {
    f.get(po).get(i).i32Add();
    if (swap) f.get(pc).get(i).i32Add().v128Load(off);
    f.get(pa).get(i).i32Add().v128Load(off).get(pb).get(i).i32Add().v128Load(off);
    BINARY_EMITTERS[inner](f, zero);
    if (!swap) f.get(pc).get(i).i32Add().v128Load(off);
    BINARY_EMITTERS[outer](f, zero);
    f.v128Store(off);
  });
  return f;
}

function chainFunctions(): { name: string; fn: FunctionBuilder }[] {
  const out: { name: string; fn: FunctionBuilder }[] = [];
  for (const inner of CHAIN_CODES) {
    for (const outer of CHAIN_CODES) {
      for (const swap of [false, true]) {
        const name = chainName(inner, outer, swap);
        if (!out.some((k) => k.name === name)) out.push({ name, fn: emitChain(inner, outer, swap) });
      }
    }
  }
  return out;
}

/** The module: the binary ops, their chains, the unary ops, the softmax family and the reductions over one imported memory. */
export function emitElementwiseModule(maxPages: number, shared: boolean): Uint8Array {
  const binaries = Object.entries(BINARY_EMITTERS).map(([name, op]) => ({ name, fn: emitBinary(op) }));
  return emitModule([...binaries, ...chainFunctions(), ...unaryFunctions(), ...softmaxFunctions(), ...reduceFunctions(), ...minMaxFunctions()], { shared, maxPages });
}
