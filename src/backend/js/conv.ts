// im2col/col2im of the js backend: run-based loops for 1-d and 2-d geometries over row-major planes (the rest is ref's).
//
// Exactness: im2col copies (bit-identical to ref by construction); col2im adds each column entry into the
// input element it was read from, visiting (n, c, kernel tap, output position) in ref's order, so every
// input element receives the same additions in the same order as in ref: bit-identical too.
// What is fast: per (channel, kernel tap, output row) the valid output columns form one run [lo, hi),
// found once per tap, so the inner loop is a straight strided copy (or add) with no bounds test and no
// offset table. Stride-1 "same"-width geometries (the common 3x3 padding-1 case) copy a whole tap's
// plane as one TypedArray.set (see gatherPlanes): element loops cost ~1 ns per element, set a tenth.
import type { View } from "../types.ts";
import type { ConvGeometry } from "../conv-types.ts";
import type { StorageArray } from "../../dtype.ts";

/** One spatial dim of a 2-d walk: input size, output size, kernel, stride, padding, dilation. */
interface Axis { readonly n: number; readonly out: number; readonly k: number; readonly s: number; readonly p: number; readonly d: number }

/**
 * The geometry as two axes (a 1-d one gets a leading axis of size 1) when x's planes are row-major
 * (unit stride along the last dim, rows contiguous) and the columns' rows are unit-stride; else null.
 */
function axes(x: View, cols: View, g: ConvGeometry): [Axis, Axis] | null {
  const D = g.kernel.length;
  if (D !== 1 && D !== 2) return null;
  const rank = x.shape.length;
  if (cols.strides[2] !== 1 && cols.shape[2] > 1) return null;
  if (x.strides[rank - 1] !== 1 && x.shape[rank - 1] > 1) return null;
  if (D === 2 && x.strides[rank - 2] !== x.shape[rank - 1] && x.shape[rank - 2] > 1) return null;
  const axis = (i: number): Axis => ({ n: x.shape[2 + i], out: g.outSize[i], k: g.kernel[i], s: g.stride[i], p: g.padding[i], d: g.dilation[i] });
  const unit: Axis = { n: 1, out: 1, k: 1, s: 1, p: 0, d: 1 };
  return D === 2 ? [axis(0), axis(1)] : [unit, axis(0)];
}

/** Output positions o in [lo, hi) whose tap o * s - p + kk * d lands inside [0, n). */
function validRun(a: Axis, kk: number): [number, number] {
  const shift = kk * a.d - a.p;
  const lo = Math.min(a.out, Math.max(0, Math.ceil(-shift / a.s)));
  const hi = Math.min(a.out, Math.floor((a.n - 1 - shift) / a.s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** Walks every (n, c, tap, output row) of a 2-d geometry; `row` handles one output row that reads input row `src` (-1: padding). */
function walk(x: View, cols: View, [h, w]: [Axis, Axis],
  row: (xd: StorageArray, src: number, cd: StorageArray, dst: number, lo: number, hi: number, step: number, width: number) => void): void {
  const [N, C] = x.shape;
  const K = h.k * w.k;
  const xd = x.data, cd = cols.data;
  const [xs0, xs1] = x.strides, [cs0, cs1] = cols.strides;
  const rowPitch = w.n;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * xs0 + c * xs1;
      for (let ki = 0; ki < h.k; ki++) {
        for (let kj = 0; kj < w.k; kj++) {
          const [lo, hi] = validRun(w, kj);
          const colShift = kj * w.d - w.p;
          let dst = cols.offset + n * cs0 + (c * K + ki * w.k + kj) * cs1;
          for (let oh = 0; oh < h.out; oh++, dst += w.out) {
            const ih = oh * h.s - h.p + ki * h.d;
            const src = ih < 0 || ih >= h.n ? -1 : plane + ih * rowPitch + lo * w.s + colShift;
            row(xd, src, cd, dst, lo, hi, w.s, w.out);
          }
        }
      }
    }
  }
}

/** cols[dst + o] = x[src + (o - lo) * step] for o in [lo, hi), zeros elsewhere in [0, width) (everywhere when src < 0). */
function gatherRow(xd: StorageArray, src: number, cd: StorageArray, dst: number, lo: number, hi: number, step: number, width: number): void {
  if (src < 0) { zero(cd, dst, dst + width); return; }
  zero(cd, dst, dst + lo);
  if (step === 1 && hi - lo >= 64) cd.set(xd.subarray(src, src + hi - lo), dst + lo);
  else if (step === 1) for (let o = lo; o < hi; o++, src++) cd[dst + o] = xd[src];
  else for (let o = lo; o < hi; o++, src += step) cd[dst + o] = xd[src];
  zero(cd, dst + hi, dst + width);
}

/** x[src + (o - lo) * step] += cols[dst + o] for o in [lo, hi) (nothing when src < 0). */
function scatterRow(xd: StorageArray, src: number, cd: StorageArray, dst: number, lo: number, hi: number, step: number): void {
  if (src < 0) return;
  if (step === 1) for (let o = lo; o < hi; o++, src++) xd[src] += cd[dst + o];
  else for (let o = lo; o < hi; o++, src += step) xd[src] += cd[dst + o];
}

/**
 * im2col of a stride-1 geometry whose output rows are as long as the input's (Wo = W: "same" padding along
 * the row): for each (n, c, tap) the valid output rows read ONE contiguous run of the input plane, copied
 * with a single TypedArray.set (a memcpy; element loops cost ~1 ns each); the entries of that run that
 * wrap around a row edge are the tap's padding columns, zeroed after. Rows reading padding are zeroed.
 */
function gatherPlanes(x: View, cols: View, [h, w]: [Axis, Axis]): void {
  const [N, C] = x.shape;
  const K = h.k * w.k, W = w.n, plane = h.n * W, L = h.out * W;
  const xd = x.data, cd = cols.data;
  const [xs0, xs1] = x.strides, [cs0, cs1] = cols.strides;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const p0 = x.offset + n * xs0 + c * xs1, p1 = p0 + plane;
      for (let ki = 0; ki < h.k; ki++) {
        const [oh0, oh1] = validRun(h, ki), rowShift = ki * h.d - h.p;
        for (let kj = 0; kj < w.k; kj++) {
          const [lo, hi] = validRun(w, kj), colShift = kj * w.d - w.p;
          const row = cols.offset + n * cs0 + (c * K + ki * w.k + kj) * cs1;
          if (lo >= hi || oh0 >= oh1) { zero(cd, row, row + L); continue; }
          zero(cd, row, row + oh0 * W);
          zero(cd, row + oh1 * W, row + L);
          // the run, clipped to the plane (what the clip drops lies in the padding columns zeroed below)
          let s0 = p0 + (oh0 + rowShift) * W + colShift, s1 = s0 + (oh1 - oh0) * W, d0 = row + oh0 * W;
          if (s0 < p0) { d0 += p0 - s0; s0 = p0; }
          if (s1 > p1) s1 = p1;
          cd.set(xd.subarray(s0, s1), d0);
          for (let r = row + oh0 * W; r < row + oh1 * W; r += W) {
            for (let o = 0; o < lo; o++) cd[r + o] = 0;
            for (let o = hi; o < W; o++) cd[r + o] = 0;
          }
        }
      }
    }
  }
}

/** d[from, to) = 0: a plain loop for short ranges (TypedArray.fill's call costs more than a few dozen stores). */
function zero(d: StorageArray, from: number, to: number): void {
  if (to - from > 64) d.fill(0, from, to);
  else for (let i = from; i < to; i++) d[i] = 0;
}

/** im2col (see ref's): whole-plane runs or row runs for 1-d/2-d geometries over row-major planes, else `fallback`. */
export function im2col(x: View, cols: View, g: ConvGeometry, fallback: (x: View, cols: View, g: ConvGeometry) => void): void {
  const ax = axes(x, cols, g);
  if (ax === null) fallback(x, cols, g);
  else if (ax[0].s === 1 && ax[1].s === 1 && ax[1].out === ax[1].n && x.data !== cols.data) gatherPlanes(x, cols, ax);
  else walk(x, cols, ax, gatherRow);
}

/** col2im (see ref's): ADDS cols into x with the row-run walk, else `fallback`. */
export function col2im(cols: View, x: View, g: ConvGeometry, fallback: (cols: View, x: View, g: ConvGeometry) => void): void {
  const ax = axes(x, cols, g);
  if (ax === null) fallback(cols, x, g);
  else walk(x, cols, ax, scatterRow);
}
