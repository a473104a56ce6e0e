// Line-wise kernels of the ref backend: sort, selection (max/min/kthvalue/median/mode), scans, gather and scatter-add along one dim.
import type { View } from "../types.ts";
import type { ScanCode, SelectCode } from "../line-codes.ts";

/** Calls `body(offsets...)` with the start offset of every 1-d line along `dim` in each view (row-major over the other dims). */
function forEachLine(shape: readonly number[], dim: number, views: readonly View[], body: (starts: number[]) => void): void {
  const outer = shape.map((s, i) => (i === dim ? 1 : s));
  if (outer.some((s) => s === 0)) return;
  const n = outer.length;
  const idx = new Array<number>(n).fill(0);
  const starts = views.map((v) => v.offset);
  for (;;) {
    body([...starts]);
    let d = n - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      views.forEach((v, k) => { starts[k] += v.strides[d]; });
      if (idx[d] < outer[d]) break;
      views.forEach((v, k) => { starts[k] -= v.strides[d] * outer[d]; });
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

const isNaN_ = (v: number) => v !== v;
/** PyTorch's ordering for sorting and selection: NaN is larger than everything. */
const greaterOrNaN = (a: number, b: number) => (isNaN_(a) && !isNaN_(b)) || a > b;

/** Reads one line of `v` along `dim` starting at offset `start`. */
function readLine(v: View, dim: number, start: number): number[] {
  const len = v.shape[dim] ?? 1, st = v.strides[dim] ?? 0;
  const out = new Array<number>(len);
  for (let i = 0; i < len; i++) out[i] = v.data[start + i * st];
  return out;
}

/** The stable ascending (or descending) order of a line's positions, NaN largest. */
function stableOrder(vals: readonly number[], descending: boolean): number[] {
  const order = vals.map((_, i) => i);
  const cmp = descending ? (a: number, b: number) => greaterOrNaN(vals[a], vals[b]) : (a: number, b: number) => greaterOrNaN(vals[b], vals[a]);
  // Array.prototype.sort is stable; equal elements keep their order
  return order.sort((a, b) => (cmp(a, b) ? -1 : cmp(b, a) ? 1 : 0));
}

/** Sorts each line of `x` along `dim` (stable, NaN largest) into `values` and int64 `indices` of the same shape. */
export function sort(x: View, dim: number, descending: boolean, values: View, indices: View): void {
  const st = x.shape.length === 0 ? 0 : values.strides[dim], sti = x.shape.length === 0 ? 0 : indices.strides[dim];
  forEachLine(x.shape, dim, [x, values, indices], ([sx, sv, si]) => {
    const vals = readLine(x, dim, sx);
    stableOrder(vals, descending).forEach((p, j) => { values.data[sv + j * st] = vals[p]; indices.data[si + j * sti] = p; });
  });
}

/**
 * PyTorch's quickselect (aten SortingUtils `quick_select_template`, median-of-three pivot) over
 * (value, index) pairs; which of several equal values lands at `k` follows the same swaps as PyTorch.
 */
function quickSelect(vals: number[], idx: number[], k: number): void {
  const swap = (i: number, j: number) => {
    [vals[i], vals[j]] = [vals[j], vals[i]];
    [idx[i], idx[j]] = [idx[j], idx[i]];
  };
  let L = 0, R = vals.length - 1;
  for (;;) {
    if (R <= L) return;
    if (R === L + 1) { if (greaterOrNaN(vals[L], vals[R])) swap(L, R); return; }
    const P = L + ((R - L) >> 1);
    swap(P, L + 1);
    if (greaterOrNaN(vals[L + 1], vals[R])) swap(L + 1, R);
    if (greaterOrNaN(vals[L], vals[R])) swap(L, R);
    if (greaterOrNaN(vals[L + 1], vals[L])) swap(L + 1, L);
    let i = L + 1, j = R;
    const piv = vals[L];
    for (;;) {
      do i++; while (greaterOrNaN(piv, vals[i]));
      do j--; while (greaterOrNaN(vals[j], piv));
      if (j < i) break;
      swap(i, j);
    }
    swap(L, j);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}

/** One selected (value, index) of a line. */
function selectLine(op: SelectCode, vals: number[], k: number): [number, number] {
  switch (op) {
    case "max":
    case "min": {
      // first occurrence of the extreme; the first NaN wins
      let best = 0;
      for (let i = 0; i < vals.length; i++) {
        if (isNaN_(vals[i])) return [vals[i], i];
        if (op === "max" ? vals[i] > vals[best] : vals[i] < vals[best]) best = i;
      }
      return [vals[best], best];
    }
    case "kthvalue": {
      const idx = vals.map((_, i) => i);
      quickSelect(vals, idx, k);
      return [vals[k], idx[k]];
    }
    case "median": {
      // lower median; a line holding NaN gives its first NaN
      const firstNaN = vals.findIndex(isNaN_);
      if (firstNaN >= 0) return [NaN, firstNaN];
      const order = stableOrder(vals, false);
      const p = order[(vals.length - 1) >> 1];
      return [vals[p], p];
    }
    case "mode": {
      // most frequent value (the smallest among equally frequent ones); its last index
      const order = stableOrder(vals, false);
      let best = order[0], bestCount = 0, run = 0;
      for (let i = 0; i < order.length; i++) {
        run++;
        const end = i === order.length - 1 || vals[order[i]] !== vals[order[i + 1]];
        if (end) {
          if (run > bestCount) { bestCount = run; best = order[i]; }
          run = 0;
        }
      }
      return [vals[best], best];
    }
    default:
      return op satisfies never;
  }
}

/** Per line along `dim` (non-empty): the selected value and its int64 index; `values`/`indices` have size 1 at `dim`. */
export function select(op: SelectCode, x: View, dim: number, k: number, values: View, indices: View): void {
  forEachLine(x.shape, dim, [x, values, indices], ([sx, sv, si]) => {
    const [v, i] = selectLine(op, readLine(x, dim, sx), k);
    values.data[sv] = v;
    indices.data[si] = i;
  });
}

/** Inclusive scans along `dim`; cummax/cummin also write the int64 index of the running extreme (latest among equals; NaN sticks). */
export function scan(op: ScanCode, x: View, dim: number, out: View, indices: View | null): void {
  const len = x.shape[dim] ?? 1;
  const so = out.strides[dim] ?? 0, si = indices?.strides[dim] ?? 0;
  const views = indices ? [x, out, indices] : [x, out];
  forEachLine(x.shape, dim, views, ([sx, sv, sidx]) => {
    const vals = readLine(x, dim, sx);
    let acc = op === "cumprod" ? 1 : 0, at = 0;
    for (let j = 0; j < len; j++) {
      const v = vals[j];
      if (op === "cumsum") acc += v;
      else if (op === "cumprod") acc *= v;
      else if (j === 0 || isNaN_(v) || (!isNaN_(acc) && (op === "cummax" ? v >= acc : v <= acc))) { acc = v; at = j; }
      out.data[sv + j * so] = acc;
      if (indices) indices.data[sidx + j * si] = at;
    }
  });
}

