// Pooling of the js backend: 1-d and 2-d windows that are runs of consecutive positions (average, adaptive and
// undilated max pooling), walked as rectangles; bit-identical to ref (other windows run ref's kernel).
//
// ref builds every output position's full tap list (arrays of arrays, O(outputs x window) allocations per call)
// and maps offsets through tables. Here a window is the rectangle [lo, hi) of its row dim times [lo, hi) of
// its column dim, visited row-major as ref's list is: the same comparisons (max: first maximum, NaN wins), the
// same sums in the same order, the same divisor (divisorOverride, else the product of the dims' factors).
import type { View } from "../types.ts";
import type { PoolDim } from "../conv-types.ts";

/** One dim's windows as runs: output o reads input positions [lo[o], hi[o]) (n: the input size). */
interface Runs { readonly lo: Int32Array; readonly hi: Int32Array; readonly factor: readonly number[]; readonly n: number }

/** The dim's windows as runs, or null where some window is not a run of consecutive positions (e.g. dilated). */
function runsOf(d: PoolDim, n: number): Runs | null {
  const out = d.taps.length, lo = new Int32Array(out), hi = new Int32Array(out);
  for (let o = 0; o < out; o++) {
    const list = d.taps[o];
    for (let j = 1; j < list.length; j++) if (list[j] !== list[j - 1] + 1) return null;
    lo[o] = list.length > 0 ? list[0] : 0;
    hi[o] = lo[o] + list.length;
  }
  return { lo, hi, factor: d.factor, n };
}

const UNIT: Runs = { lo: Int32Array.of(0), hi: Int32Array.of(1), factor: [1], n: 1 };

/** A view of [P, ...spatial] as (plane stride, row stride, column stride) for 1 or 2 spatial dims (a 1-d one has rows of one). */
function strides2d(v: View): [number, number, number] {
  return v.shape.length === 3 ? [v.strides[0], v.strides[1], v.strides[2]] : [v.strides[0], 0, v.strides[1]];
}

/** The dims as (rows, columns) when there are one or two of them and every window is a run; null otherwise (ref's kernel runs). */
function axes(dims: readonly PoolDim[], inSize: readonly number[]): [Runs, Runs] | null {
  if (dims.length < 1 || dims.length > 2) return null;
  const runs = dims.map((d, i) => runsOf(d, inSize[i]));
  if (runs.some((r) => r === null)) return null;
  return runs.length === 2 ? [runs[0]!, runs[1]!] : [UNIT, runs[0]!];
}

type PoolMax = (x: View, out: View, indices: View, dims: readonly PoolDim[]) => void;
type PoolAvg = (x: View, out: View, dims: readonly PoolDim[], divisorOverride: number) => void;

/** Max pooling (see ref's poolMax): values and row-major in-plane indices; ties keep the first, a NaN wins. */
export function poolMax(x: View, out: View, indices: View, dims: readonly PoolDim[], fallback: PoolMax): void {
  const ax = axes(dims, x.shape.slice(1));
  if (ax === null) { fallback(x, out, indices, dims); return; }
  const [h, w] = ax, Ho = h.lo.length, Wo = w.lo.length, W = w.n;
  const hl = h.lo, hh = h.hi, wl = w.lo, wh = w.hi;
  const [xp, xr, xc] = strides2d(x), [op, or, oc] = strides2d(out), [ip, ir, ic] = strides2d(indices);
  const xd = x.data, od = out.data, id = indices.data;
  for (let p = 0; p < x.shape[0]; p++) {
    for (let oi = 0; oi < Ho; oi++) {
      const r0 = hl[oi], r1 = hh[oi];
      for (let oj = 0; oj < Wo; oj++) {
        const c0 = wl[oj], c1 = wh[oj];
        let best = -Infinity, at = r1 > r0 && c1 > c0 ? r0 * W + c0 : 0;
        for (let a = r0; a < r1; a++) {
          const row = x.offset + p * xp + a * xr;
          for (let b = c0; b < c1; b++) {
            const v = xd[row + b * xc];
            if (v > best || v !== v) { best = v; at = a * W + b; }
          }
        }
        od[out.offset + p * op + oi * or + oj * oc] = best;
        id[indices.offset + p * ip + oi * ir + oj * ic] = at;
      }
    }
  }
}

/** Average pooling (see ref's poolAvg): each window's sum in ref's order over divisorOverride or the factors' product. */
export function poolAvg(x: View, out: View, dims: readonly PoolDim[], divisorOverride: number, fallback: PoolAvg): void {
  const ax = axes(dims, x.shape.slice(1));
  if (ax === null) { fallback(x, out, dims, divisorOverride); return; }
  const [h, w] = ax, Ho = h.lo.length, Wo = w.lo.length;
  const hl = h.lo, hh = h.hi, wl = w.lo, wh = w.hi, hf = h.factor, wf = w.factor;
  const [xp, xr, xc] = strides2d(x), [op, or, oc] = strides2d(out);
  const xd = x.data, od = out.data;
  for (let p = 0; p < x.shape[0]; p++) {
    for (let oi = 0; oi < Ho; oi++) {
      const r0 = hl[oi], r1 = hh[oi];
      for (let oj = 0; oj < Wo; oj++) {
        const c0 = wl[oj], c1 = wh[oj];
        let s = 0;
        for (let a = r0; a < r1; a++) {
          const row = x.offset + p * xp + a * xr;
          for (let b = c0; b < c1; b++) s += xd[row + b * xc];
        }
        const empty = r1 === r0 || c1 === c0;
        od[out.offset + p * op + oi * or + oj * oc] = empty ? 0 : s / (divisorOverride || hf[oi] * wf[oj]);
      }
    }
  }
}

/** The adjoint of poolAvg (see ref's poolAvgBackward): ADDS g / divisor into every tap, in ref's order. */
export function poolAvgBackward(g: View, gx: View, dims: readonly PoolDim[], divisorOverride: number, fallback: PoolAvg): void {
  const ax = axes(dims, gx.shape.slice(1));
  if (ax === null) { fallback(g, gx, dims, divisorOverride); return; }
  const [h, w] = ax, Ho = h.lo.length, Wo = w.lo.length;
  const hl = h.lo, hh = h.hi, wl = w.lo, wh = w.hi, hf = h.factor, wf = w.factor;
  const [xp, xr, xc] = strides2d(gx), [gp, gr, gc] = strides2d(g);
  const xd = gx.data, gd = g.data;
  for (let p = 0; p < gx.shape[0]; p++) {
    for (let oi = 0; oi < Ho; oi++) {
      const r0 = hl[oi], r1 = hh[oi];
      for (let oj = 0; oj < Wo; oj++) {
        const c0 = wl[oj], c1 = wh[oj];
        const v = gd[g.offset + p * gp + oi * gr + oj * gc] / (divisorOverride || hf[oi] * wf[oj]);
        for (let a = r0; a < r1; a++) {
          const row = gx.offset + p * xp + a * xr;
          for (let b = c0; b < c1; b++) xd[row + b * xc] += v;
        }
      }
    }
  }
}
