// float32 sum on wasm (reduce-kernels.ts): of all elements, of each row over dense trailing dims, or over dense leading dims, through the arena.
//
// Note [wasm sum accuracy]
// ref adds the float32 inputs one by one into a float64 accumulator and rounds once to float32.
// Column sums (leading dims reduced: a bias gradient) do exactly that, row after row: bit-identical.
// Row and whole-tensor sums widen every element to float64 too, but keep eight partial sums per row
// (chunks of CHUNK floats of a longer row are combined in float64 afterwards): another order of exact
// float32 inputs, so each float64 result is within (n/8 + 20) 2^-53 sum|x| of the exact sum (ref's
// bound is (n - 1) 2^-53 sum|x|), and the float32 results differ from ref's by at most one rounding
// step, only where the float64 sums straddle a float32 rounding boundary (NaN and inf as in ref:
// +-inf from a finite overflow cannot happen in float64 for float32 inputs under 2^971 elements).
import type { View } from "../types.ts";
import { collapse } from "../js/iter.ts";
import { isDense } from "../ref/strided.ts";
import { numelOf } from "../../shape.ts";
import { CHUNK, wasmArena, type WasmArena } from "./elementwise.ts";

type SumFn = (px: number, pb: number, n: number, rows: number) => void;

/** Float64 index of the arena's result region (byte 4 CHUNK, after the input chunk); it holds CHUNK float64s. */
const RES = CHUNK / 2;

/** out[i] = the sum of row i (`rows` dense rows of `n` from x's offset). */
function sumRows(arena: WasmArena, x: Float32Array, ix: number, o: Float32Array, io: number, rows: number, n: number): void {
  const heap = arena.reserve(3 * CHUNK)!, res = arena.f64();
  const fn = arena.exported<SumFn>("sumRows");
  if (n <= CHUNK) {
    const per = Math.floor(CHUNK / n);
    for (let r0 = 0; r0 < rows; r0 += per) {
      const k = Math.min(per, rows - r0);
      heap.set(x.subarray(ix + r0 * n, ix + (r0 + k) * n), 0);
      fn(0, n, k, 4 * CHUNK);
      for (let r = 0; r < k; r++) o[io + r0 + r] = res[RES + r];
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c0 = 0; c0 < n; c0 += CHUNK) {
      const m = Math.min(CHUNK, n - c0), at = ix + r * n + c0;
      heap.set(x.subarray(at, at + m), 0);
      fn(0, m, 1, 4 * CHUNK);
      s += res[RES];
    }
    o[io + r] = s;
  }
}

/** out[j] = sum over i of x[i][j] (`rows` dense rows of `n` from x's offset), rows added in order. */
function sumCols(arena: WasmArena, x: Float32Array, ix: number, o: Float32Array, io: number, rows: number, n: number): void {
  const heap = arena.reserve(3 * CHUNK)!, acc = arena.f64();
  const fn = arena.exported<SumFn>("sumCols");
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const w = Math.min(CHUNK, n - c0), per = Math.floor(CHUNK / w);
    acc.fill(0, RES, RES + w);
    for (let r0 = 0; r0 < rows; r0 += per) {
      const k = Math.min(per, rows - r0);
      if (w === n) heap.set(x.subarray(ix + r0 * n, ix + (r0 + k) * n), 0);
      else for (let r = 0; r < k; r++) { const at = ix + (r0 + r) * n + c0; heap.set(x.subarray(at, at + w), r * w); }
      fn(0, 4 * CHUNK, w, k);
    }
    for (let j = 0; j < w; j++) o[io + c0 + j] = acc[RES + j];
  }
}

/**
 * out = sum of float32 x over the dims where out has size 1, when x and out are dense float32 and the
 * reduced dims are all of them, a trailing run, or a leading run (after merging); else false, writing
 * nothing. See Note [wasm sum accuracy].
 */
export function wasmSum(x: View, out: View): boolean {
  const xd = x.data, od = out.data;
  if (!(xd instanceof Float32Array && od instanceof Float32Array) || !isDense(x) || !isDense(out)) return false;
  const arena = wasmArena(numelOf(x.shape));
  if (arena === undefined) return false;
  // out's strides with 0 on the reduced dims: collapsing merges x's dims into [reduced] or [kept, reduced] or [reduced, kept]
  const acc = out.shape.map((s, i) => (s === 1 ? 0 : out.strides[i]));
  const p = collapse(x.shape, x.strides, acc, acc);
  if (p === null) return false;
  const [s0, s1] = p.shape, [a0, a1] = p.b;
  if (p.shape.length === 1 && a0 === 0) sumRows(arena, xd, x.offset, od, out.offset, 1, s0);
  else if (p.shape.length === 2 && a0 === 1 && a1 === 0) sumRows(arena, xd, x.offset, od, out.offset, s0, s1);
  else if (p.shape.length === 2 && a0 === 0 && a1 === 1) sumCols(arena, xd, x.offset, od, out.offset, s0, s1);
  else return false;
  return true;
}
