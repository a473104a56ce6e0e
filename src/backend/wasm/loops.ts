// Emits counted loops over a byte index for the wasm kernels: an unrolled main loop (one induction variable, constant offsets) and a remainder loop.
import type { FunctionBuilder } from "./assembler.ts";

const I32_LT_U = 0x49, I32_GE_U = 0x4f, I32_AND = 0x71;

/**
 * Emits `for (i = start; i < end; i += step) body(0)` with the main part unrolled `unroll` times:
 * `body(off)` is emitted for off = 0, step, ..., (unroll - 1) step and must address memory at
 * `base + i` with `off` as the access's constant offset (memarg), so one trip costs one index update.
 * `i`, `end` and `mainEnd` are i32 locals; `end - start` must be a multiple of `step`, `step * unroll`
 * a power of two and `start` a multiple of it (usually 0). `mainEnd` is scratch (end rounded down).
 */
export function emitUnrolledLoop(f: FunctionBuilder, i: number, end: number, mainEnd: number, step: number, unroll: number,
  body: (off: number) => void): void {
  const trip = step * unroll;
  if (unroll > 1) {
    f.get(end).i32(-trip).op(I32_AND).set(mainEnd);
    loopWhile(f, i, mainEnd, trip, () => { for (let k = 0; k < unroll; k++) body(k * step); });
  }
  loopWhile(f, i, end, step, () => body(0));
}

/** `while (i < end) { body(); i += step; }` as a guarded do-while. */
function loopWhile(f: FunctionBuilder, i: number, end: number, step: number, body: () => void): void {
  f.block().get(i).get(end).op(I32_GE_U).brIf(0).loop();
  body();
  f.get(i).i32(step).i32Add().tee(i).get(end).op(I32_LT_U).brIf(0).end().end();
}
