// Softmax kernels of the ref backend: softmax and log-softmax along one dim, shifted by the line's max for stability.
import type { View } from "../types.ts";

/** Calls `body(xStart, outStart)` for every 1-d line along `dim` (row-major over the other dims). */
function eachLine(x: View, out: View, dim: number, body: (xs: number, os: number) => void): void {
  const shape = x.shape;
  const nd = shape.length;
  if (shape.some((s) => s === 0)) return;
  const idx = new Array<number>(nd).fill(0);
  let xs = x.offset, os = out.offset;
  for (;;) {
    body(xs, os);
    let d = nd - 1;
    for (; d >= 0; d--) {
      if (d === dim) continue;
      idx[d]++;
      xs += x.strides[d];
      os += out.strides[d];
      if (idx[d] < shape[d]) break;
      xs -= x.strides[d] * shape[d];
      os -= out.strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * out = softmax(x) (or log-softmax with `log`) along `dim`: e^(x - m) / sum e^(x - m), m the line's
 * max, so large logits do not overflow; a line holding +inf or only -inf gives NaN as in PyTorch.
 */
export function softmax(x: View, dim: number, log: boolean, out: View): void {
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  const xst = x.shape.length === 0 ? 0 : x.strides[dim], ost = out.shape.length === 0 ? 0 : out.strides[dim];
  const xd = x.data, od = out.data;
  const run = (xs: number, os: number): void => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) { const v = xd[xs + i * xst]; if (v > m || v !== v) m = v; }
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(xd[xs + i * xst] - m);
    if (log) {
      const ls = Math.log(s);
      for (let i = 0; i < n; i++) od[os + i * ost] = xd[xs + i * xst] - m - ls;
    } else {
      for (let i = 0; i < n; i++) od[os + i * ost] = Math.exp(xd[xs + i * xst] - m) / s;
    }
  };
  if (x.shape.length === 0) run(x.offset, out.offset);
  else eachLine(x, out, dim, run);
}
