// Softmax kernels of the ref backend: softmax and log-softmax along one dim (max-shifted for stability) and their backward.
import type { View } from "../types.ts";

/**
 * Calls `body(starts)` for every 1-d line along `dim` (row-major over the other dims) of views of one
 * shape, `starts[k]` being the offset of the line's first element in `views[k]` (one array, reused).
 */
export function eachLine(views: readonly View[], dim: number, body: (starts: readonly number[]) => void): void {
  const shape = views[0].shape;
  const nd = shape.length;
  if (shape.some((s) => s === 0)) return;
  const idx = new Array<number>(nd).fill(0);
  const starts = views.map((v) => v.offset);
  for (;;) {
    body(starts);
    let d = nd - 1;
    for (; d >= 0; d--) {
      if (d === dim) continue;
      idx[d]++;
      for (let k = 0; k < views.length; k++) starts[k] += views[k].strides[d];
      if (idx[d] < shape[d]) break;
      for (let k = 0; k < views.length; k++) starts[k] -= views[k].strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Length of the lines along `dim` (1 for a 0-d view) and each view's stride along them. */
export function lineGeometry(views: readonly View[], dim: number): { n: number; strides: number[] } {
  const scalar = views[0].shape.length === 0;
  return { n: scalar ? 1 : views[0].shape[dim], strides: views.map((v) => (scalar ? 0 : v.strides[dim])) };
}

/** Runs `body(starts)` over every line along `dim`, a 0-d view being one line of one element. */
export function forLines(views: readonly View[], dim: number, body: (starts: readonly number[]) => void): void {
  if (views[0].shape.length === 0) body(views.map((v) => v.offset));
  else eachLine(views, dim, body);
}

/**
 * out = softmax(x) (or log-softmax with `log`) along `dim`: e^(x - m) / sum e^(x - m), m the line's
 * max, so large logits do not overflow; a line holding +inf or only -inf gives NaN as in PyTorch.
 */
export function softmax(x: View, dim: number, log: boolean, out: View): void {
  const { n, strides: [xst, ost] } = lineGeometry([x, out], dim);
  const xd = x.data, od = out.data;
  forLines([x, out], dim, ([xs, os]) => {
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
  });
}

/**
 * The gradient of softmax along `dim` from its output `y` and the output's gradient `g` (PyTorch's
 * `_softmax_backward_data`): out = y (g - s) with s = sum(g y) over the line; with `log` (y a log-softmax
 * output): out = g - e^y sum(g). In float64 per element, s accumulated in line order, stored by assignment.
 */
export function softmaxBackward(y: View, g: View, dim: number, log: boolean, out: View): void {
  const { n, strides: [yst, gst, ost] } = lineGeometry([y, g, out], dim);
  const yd = y.data, gd = g.data, od = out.data;
  forLines([y, g, out], dim, ([ys, gs, os]) => {
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += gd[gs + i * gst];
      for (let i = 0; i < n; i++) od[os + i * ost] = gd[gs + i * gst] - Math.exp(yd[ys + i * yst]) * s;
    } else {
      for (let i = 0; i < n; i++) s += gd[gs + i * gst] * yd[ys + i * yst];
      for (let i = 0; i < n; i++) od[os + i * ost] = yd[ys + i * yst] * (gd[gs + i * gst] - s);
    }
  });
}
