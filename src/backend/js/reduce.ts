// Reductions of the js backend: ref's algorithm (a float64 accumulator per output element, fed in
// row-major order of the input, then cast into `out`) with the step inlined per op and the inner run
// kept in a register when it reduces (stride 0 into the accumulator). Same order, same arithmetic:
// bit-identical to ref, NaN semantics included (max/min: `x > acc || x !== x ? x : acc`).
import type { StorageArray } from "../../dtype.ts";
import type { ReduceCode, View } from "../types.ts";
import { collapse, forEachRow } from "./iter.ts";
import { numelOf } from "../../shape.ts";

/** acc[ia + i*sa] = step(acc[ia + i*sa], x[ix + i*sx]) for i < n. */
function reduceLoop(op: ReduceCode, x: StorageArray, ix: number, sx: number, acc: Float64Array, ia: number, sa: number, n: number): void {
  if (sa === 0) {
    let s = acc[ia];
    switch (op) {
      case "sum": for (let i = 0; i < n; i++, ix += sx) s += x[ix]; break;
      case "prod": for (let i = 0; i < n; i++, ix += sx) s *= x[ix]; break;
      case "max": for (let i = 0; i < n; i++, ix += sx) { const v = x[ix]; s = v > s || v !== v ? v : s; } break;
      case "min": for (let i = 0; i < n; i++, ix += sx) { const v = x[ix]; s = v < s || v !== v ? v : s; } break;
    }
    acc[ia] = s;
    return;
  }
  switch (op) {
    case "sum": for (let i = 0; i < n; i++, ix += sx, ia += sa) acc[ia] += x[ix]; return;
    case "prod": for (let i = 0; i < n; i++, ix += sx, ia += sa) acc[ia] *= x[ix]; return;
    case "max": for (let i = 0; i < n; i++, ix += sx, ia += sa) { const v = x[ix], s = acc[ia]; acc[ia] = v > s || v !== v ? v : s; } return;
    case "min": for (let i = 0; i < n; i++, ix += sx, ia += sa) { const v = x[ix], s = acc[ia]; acc[ia] = v < s || v !== v ? v : s; } return;
  }
}

const INIT: Record<ReduceCode, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

let scratch: Float64Array = new Float64Array(64);

/** Reduces `x` into `out`, whose reduced dims have size 1. */
export function reduce(op: ReduceCode, x: View, out: View): void {
  const m = numelOf(out.shape);
  if (scratch.length < m) scratch = new Float64Array(Math.max(m, scratch.length * 2));
  const acc = scratch;
  acc.fill(INIT[op], 0, m);
  // the accumulator is out's shape, dense; reduced dims step by 0
  const accStrides = new Array<number>(out.shape.length);
  let s = 1;
  for (let i = out.shape.length - 1; i >= 0; i--) { accStrides[i] = out.shape[i] === 1 ? 0 : s; s *= out.shape[i]; }
  const p = collapse(x.shape, x.strides, accStrides, accStrides);
  if (p !== null) {
    const r = p.shape.length - 1;
    const xd = x.data;
    if (r < 0) reduceLoop(op, xd, x.offset, 0, acc, 0, 0, 1);
    else {
      const n = p.shape[r], sx = p.a[r], sa = p.b[r];
      if (r === 0) reduceLoop(op, xd, x.offset, sx, acc, 0, sa, n);
      else forEachRow(p, x.offset, 0, 0, (ix, ia) => reduceLoop(op, xd, ix, sx, acc, ia, sa, n));
    }
  }
  // write back in out's (possibly strided) layout
  const q = collapse(out.shape, accStrides, out.strides, out.strides);
  if (q === null) return;
  const od = out.data, r = q.shape.length - 1;
  if (r < 0) { od[out.offset] = od instanceof Uint8Array ? (acc[0] !== 0 ? 1 : 0) : acc[0]; return; }
  const n = q.shape[r], sa = q.a[r], so = q.b[r];
  // as ref's copy: a bool output stores 1 for any non-zero (NaN included)
  const put = od instanceof Uint8Array
    ? (ia: number, io: number): void => { for (let i = 0; i < n; i++, ia += sa, io += so) od[io] = acc[ia] !== 0 ? 1 : 0; }
    : (ia: number, io: number): void => { for (let i = 0; i < n; i++, ia += sa, io += so) od[io] = acc[ia]; };
  if (r === 0) put(0, out.offset);
  else forEachRow(q, 0, out.offset, out.offset, put);
}
