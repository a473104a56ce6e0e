// float32 add/sub/mul/div over [B, N] with broadcast operands (a row repeated down, a column repeated across) on wasm, by blocks of whole rows.
//
// The arena's operand regions hold blocks of whole rows: a dense (or row-pitched) operand is copied
// in per block, a repeated row is laid out once per call as many times as a block has rows, a
// repeated column fills each row of the block with its value, one value fills the region once. The
// binary kernel then runs over the block as one dense run, so results are bit-identical to ref's as
// in the dense case (Note [wasm elementwise arena]). Rows longer than a chunk run row by row on the
// one-dimensional path.
import type { View } from "../types.ts";
import { collapse } from "../js/iter.ts";
import { CHUNK, isWasmBinary, wasmArena, wasmBinary, type BinaryFn } from "./elementwise.ts";
import { copyFloats } from "./copy-floats.ts";

/** How an operand of the [B, N] plan steps: rows `pitch` apart, one row repeated, one value per row (a column) `pitch` apart, one value. */
type Kind = "rows" | "row" | "column" | "one";
interface Operand { readonly data: Float32Array; readonly offset: number; readonly kind: Kind; readonly pitch: number }

/** Rows shorter than this decline when an operand costs a call per row of a block (a column, or pitched rows): the js loop wins there. */
const MIN_ROW_CALLS = 64;

function operand(v: View, s0: number, s1: number): Operand | null {
  if (!(v.data instanceof Float32Array)) return null;
  const kind: Kind | null = s1 === 1 ? (s0 === 0 ? "row" : s0 > 0 ? "rows" : null) : s1 === 0 ? (s0 === 0 ? "one" : s0 > 0 ? "column" : null) : null;
  return kind === null ? null : { data: v.data, offset: v.offset, kind, pitch: s0 };
}

/** A view of row `r` of the operand as the one-dimensional path takes it: [stride, view]. */
function rowOf(x: Operand, r: number, n: number): [number, View] {
  const offset = x.kind === "rows" || x.kind === "column" ? x.offset + r * x.pitch : x.offset;
  return [x.kind === "rows" || x.kind === "row" ? 1 : 0, { data: x.data, shape: [n], strides: [1], offset }];
}

/** Lays a repeated operand (a row, one value) into the arena at `at` as `k` rows of `n`, once per call. */
function layRepeated(heap: Float32Array, at: number, x: Operand, k: number, n: number): void {
  const d = x.data;
  if (x.kind === "one") heap.fill(d[x.offset], at, at + k * n);
  else if (x.kind === "row") {
    // one copy, then doubling within the arena: log2(k) calls however short the row
    copyFloats(heap, at, d.subarray(x.offset, x.offset + n));
    for (let len = n; len < k * n; len *= 2) heap.copyWithin(at + len, at, at + Math.min(len, k * n - len));
  }
}

/** Lays rows r0..r0+k of `n` of a per-row operand (rows, a column) into the arena at `at`. */
function layRows(heap: Float32Array, at: number, x: Operand, r0: number, k: number, n: number): void {
  const d = x.data;
  if (x.kind === "rows") {
    if (x.pitch === n) copyFloats(heap, at, d.subarray(x.offset + r0 * n, x.offset + (r0 + k) * n));
    else for (let r = 0; r < k; r++) { const s = x.offset + (r0 + r) * x.pitch; copyFloats(heap, at + r * n, d.subarray(s, s + n)); }
  } else if (x.kind === "column") {
    for (let r = 0; r < k; r++) heap.fill(d[x.offset + (r0 + r) * x.pitch], at + r * n, at + (r + 1) * n);
  }
}

/**
 * out = a op b for float32 views whose plan over out's shape is [B, N] with a dense out, and operands
 * that are dense rows, a repeated row, a repeated column or one value; false (writing nothing) when
 * it declines.
 */
export function wasmBinaryRows(op: string, a: View, b: View, out: View): boolean {
  if (!isWasmBinary(op) || !(out.data instanceof Float32Array)) return false;
  const p = collapse(out.shape, a.strides, b.strides, out.strides);
  if (p === null || p.shape.length !== 2) return false;
  const [rows, n] = p.shape;
  if (p.c[0] !== n || p.c[1] !== 1) return false;
  const x = operand(a, p.a[0], p.a[1]), y = operand(b, p.b[0], p.b[1]);
  if (x === null || y === null) return false;
  const perRowCalls = (v: Operand): boolean => v.kind === "column" || (v.kind === "rows" && v.pitch !== n);
  if (n < MIN_ROW_CALLS && (perRowCalls(x) || perRowCalls(y))) return false;
  const arena = wasmArena(rows * n);
  if (arena === undefined) return false;
  const o = out.data, io = out.offset;
  if (n > CHUNK) {
    for (let r = 0; r < rows; r++) {
      const [sa, va] = rowOf(x, r, n), [sb, vb] = rowOf(y, r, n);
      wasmBinary(op, va, sa, vb, sb, { data: o, shape: [n], strides: [1], offset: io + r * n }, n);
    }
    return true;
  }
  const heap = arena.reserve(3 * CHUNK)!, fn = arena.exported<BinaryFn>(op);
  const per = Math.min(rows, Math.floor(CHUNK / n));
  layRepeated(heap, 0, x, per, n);
  layRepeated(heap, CHUNK, y, per, n);
  for (let r0 = 0; r0 < rows; r0 += per) {
    const k = Math.min(per, rows - r0), m = k * n;
    layRows(heap, 0, x, r0, k, n);
    layRows(heap, CHUNK, y, r0, k, n);
    fn(0, 4 * CHUNK, 8 * CHUNK, 16 * Math.ceil(m / 4));
    copyFloats(o, io + r0 * n, heap.subarray(2 * CHUNK, 2 * CHUNK + m));
  }
  return true;
}
