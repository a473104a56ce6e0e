// float32 sum / max / min on wasm (reduce-kernels.ts, minmax-kernels.ts) of a dense tensor over any dims: row results where the last dim is reduced, column results where it is kept.
//
// Note [wasm sum accuracy]
// ref adds the float32 inputs one by one into a float64 accumulator and rounds once to float32.
// Column sums (the last dim kept: a bias gradient) do exactly that, each row added in ref's order
// (row-major over the reduced indices): bit-identical. Row sums (the last dim reduced, e.g. all of it)
// widen every element to float64 too, but keep eight partial sums per row (chunks of CHUNK floats of
// a longer row, then the rows of one output, are added in float64 afterwards): another order of exact
// float32 inputs, so each float64 result is within (n/8 + rows + 20) 2^-53 sum|x| of the exact sum
// (ref's bound is (n - 1) 2^-53 sum|x|, n its inputs), and float32 results differ from ref's by one rounding
// step, only where the float64 sums straddle a float32 rounding boundary (NaN and inf as in ref:
// +-inf from a finite overflow cannot happen in float64 for float32 inputs under 2^971 elements).
import type { View } from "../types.ts";
import { collapse } from "../js/iter.ts";
import { isDense } from "../ref/strided.ts";
import { numelOf } from "../../shape.ts";
import { CHUNK, wasmArena, type WasmArena } from "./elementwise.ts";
import { copyFloats } from "./copy-floats.ts";

type ReduceFn = (px: number, pb: number, n: number, rows: number) => void;
/** The reductions with wasm kernels. */
export type WasmReduceCode = "sum" | "max" | "min";

/**
 * A reduction's kernels (`rows(px, n, rows, pout)`: each row's result; `cols(px, pacc, n, rows)`: rows
 * folded into column accumulators), its start value, and `fold(acc, v)`, which adds a partial result `v`
 * (of the inputs after acc's) as ref would have: the sum's in float64 (the arena's result region holds
 * float64s), max / min's exactly (ref's step, which is associative over partial results; float32s).
 */
interface Reducer { readonly rows: string; readonly cols: string; readonly init: number; readonly f64: boolean; fold(acc: number, v: number): number }
const REDUCERS: Record<WasmReduceCode, Reducer> = {
  sum: { rows: "sumRows", cols: "sumCols", init: 0, f64: true, fold: (acc, v) => acc + v },
  max: { rows: "maxRows", cols: "maxCols", init: -Infinity, f64: false, fold: (acc, v) => (v > acc || v !== v ? v : acc) },
  min: { rows: "minRows", cols: "minCols", init: Infinity, f64: false, fold: (acc, v) => (v < acc || v !== v ? v : acc) },
};

/** The arena's result region (byte 4 CHUNK, after the input chunk) as the reducer's kernels use it, and its start index. */
function results(red: Reducer, arena: WasmArena, heap: Float32Array): [Float32Array | Float64Array, number] {
  return red.f64 ? [arena.f64(), CHUNK / 2] : [heap, CHUNK];
}
/** Column blocks smaller than this (floats) decline when there are several: the js loop wins there. */
const MIN_BLOCK = 1024;
/** Row sums walked into their outputs (reduced dims outside the rows too) decline for rows shorter than this. */
const MIN_WALKED_ROW = 32;

/** The float64 accumulators, one per output, reused (a fresh large array costs its page faults each call). */
let scratch = new Float64Array(1024);

/**
 * Where a kernel reads x[i, i + m): the arena's resident copy of x when there is one (Note [resident
 * copies]), else the scratch chunk at byte 0, copied in now. The same chunks either way, so the same results.
 */
function source(arena: WasmArena, heap: Float32Array, x: Float32Array): (i: number, m: number) => number {
  const at = arena.resident(x);
  if (at >= 0) return (i) => at + 4 * i;
  return (i, m) => { copyFloats(heap, 0, x.subarray(i, i + m)); return 0; };
}

/** A row-major walk of the plan's outer dims: the accumulator index of each successive row or block. */
class Walk {
  readonly #idx: number[];
  #at = 0;
  constructor(readonly shape: readonly number[], readonly strides: readonly number[]) { this.#idx = new Array<number>(shape.length).fill(0); }
  /** The current accumulator index; then steps to the next position. */
  next(): number {
    const at = this.#at, idx = this.#idx;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      this.#at += this.strides[d];
      if (++idx[d] < this.shape[d]) break;
      this.#at -= this.strides[d] * this.shape[d];
      idx[d] = 0;
    }
    return at;
  }
}

/** acc[a] = fold(acc[a], each row's result), a = walk.next() (`rows` dense rows of `n` from x's offset), rows in order. */
function reduceRows(red: Reducer, arena: WasmArena, x: Float32Array, ix: number, acc: Float64Array, rows: number, n: number, walk: Walk): void {
  const heap = arena.reserve(3 * CHUNK)!, [res, RES] = results(red, arena, heap);
  const fn = arena.exported<ReduceFn>(red.rows), from = source(arena, heap, x);
  if (n <= CHUNK) {
    const per = Math.floor(CHUNK / n);
    for (let r0 = 0; r0 < rows; r0 += per) {
      const k = Math.min(per, rows - r0);
      fn(from(ix + r0 * n, k * n), n, k, 4 * CHUNK);
      // one row per output in order: fold(init, v) is v (rows sum from +0, so never to -0)
      if (walk.shape.length <= 1) acc.set(res.subarray(RES, RES + k), walk.shape.length === 0 ? 0 : r0);
      else for (let r = 0; r < k; r++) { const a = walk.next(); acc[a] = red.fold(acc[a], res[RES + r]); }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let s = red.init;
    for (let c0 = 0; c0 < n; c0 += CHUNK) {
      const m = Math.min(CHUNK, n - c0);
      fn(from(ix + r * n + c0, m), m, 1, 4 * CHUNK);
      s = red.fold(s, res[RES]);
    }
    const a = walk.next();
    acc[a] = red.fold(acc[a], s);
  }
}

/**
 * For each of `blocks` blocks of `rows` dense rows of `n` (from x's offset), in order: acc[a + j] =
 * step(acc[a + j], x[i][j]) row after row, a = walk.next() (the accumulators pass through the arena's
 * result region, exactly both ways: float64, or float32 values for max / min).
 */
function reduceCols(red: Reducer, arena: WasmArena, x: Float32Array, ix: number, acc: Float64Array, blocks: number, rows: number, n: number, walk: Walk): void {
  const heap = arena.reserve(3 * CHUNK)!, [res, RES] = results(red, arena, heap);
  const fn = arena.exported<ReduceFn>(red.cols), from = source(arena, heap, x);
  for (let bk = 0; bk < blocks; bk++) {
    const a = walk.next(), xb = ix + bk * rows * n;
    for (let c0 = 0; c0 < n; c0 += CHUNK) {
      const w = Math.min(CHUNK, n - c0), per = Math.floor(CHUNK / w);
      res.set(acc.subarray(a + c0, a + c0 + w), RES);
      for (let r0 = 0; r0 < rows; r0 += per) {
        const k = Math.min(per, rows - r0);
        let at = 0;
        if (w === n) at = from(xb + r0 * n, k * n);
        else for (let r = 0; r < k; r++) { const i = xb + (r0 + r) * n + c0; copyFloats(heap, r * w, x.subarray(i, i + w)); }
        fn(at, 4 * CHUNK, w, k);
      }
      acc.set(res.subarray(RES, RES + w), a + c0);
    }
  }
}

/**
 * out = the sum, max or min of float32 x over the dims where out has size 1, when x and out are dense
 * float32 (a reduced last dim: row results; a kept last dim: column results over the reduced dim before
 * it, block by block); else false, writing nothing. See Note [wasm sum accuracy]; max and min are ref's
 * bit for bit (minmax-kernels.ts).
 */
export function wasmReduce(op: WasmReduceCode, x: View, out: View): boolean {
  const xd = x.data, od = out.data;
  if (!(xd instanceof Float32Array && od instanceof Float32Array) || !isDense(x) || !isDense(out)) return false;
  const total = numelOf(x.shape), arena = wasmArena(total);
  if (arena === undefined) return false;
  // out's strides with 0 on the reduced dims: collapsing merges x's dims into alternating kept and reduced runs
  const accStrides = out.shape.map((s, i) => (s === 1 ? 0 : out.strides[i]));
  const p = collapse(x.shape, x.strides, accStrides, accStrides);
  if (p === null) return false;
  const r = p.shape.length - 1, n = p.shape[r], m = numelOf(out.shape);
  const outer = (dims: number): Walk => new Walk(p.shape.slice(0, dims), p.b.slice(0, dims));
  const rows = r >= 0 && p.b[r] === 0, cols = !rows && r >= 1 && (r === 1 || p.shape[r - 1] * n >= MIN_BLOCK);
  if (!(rows ? r <= 1 || n >= MIN_WALKED_ROW : cols)) return false;
  if (scratch.length < m) scratch = new Float64Array(Math.max(m, 2 * scratch.length));
  const red = REDUCERS[op], acc = scratch.fill(red.init, 0, m);
  if (rows) reduceRows(red, arena, xd, x.offset, acc, total / n, n, outer(r));
  else reduceCols(red, arena, xd, x.offset, acc, total / (p.shape[r - 1] * n), p.shape[r - 1], n, outer(r - 1));
  od.set(acc.subarray(0, m), out.offset); // float64 -> float32: one rounding each, as ref's copy
  return true;
}

/** wasmReduce("sum", x, out). */
export const wasmSum = (x: View, out: View): boolean => wasmReduce("sum", x, out);

/** Whether `op` has wasm kernels. */
export const isWasmReduce = (op: string): op is WasmReduceCode => op === "sum" || op === "max" || op === "min";
