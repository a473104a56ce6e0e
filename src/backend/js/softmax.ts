// Softmax of the js backend (forward and backward): fast paths for lines along a unit-stride last dim of
// row-major views (float32/float64), the rest is ref's kernels. The backward (back32/back64) is bit-identical
// to ref. Forward: same arithmetic in the same order as ref (max with NaN propagation, s = sum e^(x - m)
// in float64, out = e^(x - m) / s; log: x - m - log s), so results are bit-identical to ref, NaN/inf
// semantics included; e^(x - m) is computed once per element and kept in a float64 scratch line (ref
// computes it twice), and each loop is monomorphic in its array type.
// float32 softmax (not log) computes e^t with expNeg below instead of Math.exp (a C call, ~15 ns) and
// scales by 1/s: float64 results within ~1e-14 relative of ref's, so the stored float32 values equal
// ref's or differ by float32 rounding (one ulp at a near-tie); float64 lines stay bit-identical.
import type { View } from "../types.ts";
import { isDense } from "../ref/strided.ts";

let scratch = new Float64Array(1024);

// 2^k for k in [-1022, 0] at POW2[k + 1022]; 2^(j/64) for j < 64 at T64[j]
const POW2 = new Float64Array(1023);
for (let k = 0; k <= 1022; k++) POW2[1022 - k] = 2 ** -k;
const T64 = new Float64Array(64);
for (let j = 0; j < 64; j++) T64[j] = 2 ** (j / 64);
// 64/ln2; ln2/64 split in a high part with 32 significant bits (q * H exact) and the rest; 1.5 * 2^52 rounds
const S64 = 64 * 1.4426950408889634, H = 6.93147180369123816490e-1 / 64, L = 1.90821492927058770002e-10 / 64;
const ROUND = 6755399441055744;

/**
 * e^t for t <= 0 (what softmax feeds it), within ~1e-15 relative of Math.exp: t = (64k + j) ln2/64 + r
 * with |r| <= ln2/128, e^r by its Taylor polynomial to degree 5, times 2^(j/64) and 2^k from tables.
 * NaN, -inf and t < -708 (underflow toward 0, subnormal results) go to Math.exp itself.
 */
function expNeg(t: number): number {
  if (!(t >= -708)) return Math.exp(t);
  const q = (t * S64 + ROUND) - ROUND;
  const r = t - q * H - q * L;
  const i = q | 0;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return p * T64[i & 63] * POW2[(i >> 6) + 1022];
}

// lines32 and lines64 look alike on purpose: one function per typed-array type keeps each loop
// monomorphic, and they differ in the exp (float32 uses expNeg) and the final scaling.
function lines32(x: Float32Array, xo: number, o: Float32Array, oo: number, rows: number, n: number, log: boolean, e: Float64Array): void {
  for (let r = 0; r < rows; r++, xo += n, oo += n) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) { const v = x[xo + i]; if (v > m || v !== v) m = v; }
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += Math.exp(x[xo + i] - m);
      const ls = Math.log(s);
      for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] - m - ls;
    } else {
      for (let i = 0; i < n; i++) { const v = expNeg(x[xo + i] - m); e[i] = v; s += v; }
      const inv = 1 / s;
      for (let i = 0; i < n; i++) o[oo + i] = e[i] * inv;
    }
  }
}

function lines64(x: Float64Array, xo: number, o: Float64Array, oo: number, rows: number, n: number, log: boolean, e: Float64Array): void {
  for (let r = 0; r < rows; r++, xo += n, oo += n) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) { const v = x[xo + i]; if (v > m || v !== v) m = v; }
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += Math.exp(x[xo + i] - m);
      const ls = Math.log(s);
      for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] - m - ls;
    } else {
      for (let i = 0; i < n; i++) { const v = Math.exp(x[xo + i] - m); e[i] = v; s += v; }
      for (let i = 0; i < n; i++) o[oo + i] = e[i] / s;
    }
  }
}

/** Rows and row length when every view is row-major and `dim` is the last dim; null where the fast paths do not apply. */
function lastDimLines(views: readonly View[], dim: number): { rows: number; n: number } | null {
  const nd = views[0].shape.length;
  if (nd === 0 || dim !== nd - 1) return null;
  for (const v of views) if (!isDense(v)) return null;
  const n = views[0].shape[nd - 1];
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= views[0].shape[d];
  return { rows, n };
}

/** out = softmax(x) (log-softmax with `log`) along `dim`; `ref` runs the cases without a fast path. */
export function softmax(x: View, dim: number, log: boolean, out: View,
  ref: (x: View, dim: number, log: boolean, out: View) => void): void {
  const lines = lastDimLines([x, out], dim);
  if (lines === null) { ref(x, dim, log, out); return; }
  const { rows, n } = lines;
  if (n === 0 || rows === 0) return;
  if (!log && scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const xd = x.data, od = out.data;
  if (xd instanceof Float32Array && od instanceof Float32Array) lines32(xd, x.offset, od, out.offset, rows, n, log, scratch);
  else if (xd instanceof Float64Array && od instanceof Float64Array) lines64(xd, x.offset, od, out.offset, rows, n, log, scratch);
  else ref(x, dim, log, out);
}

// back32 and back64: ref's softmaxBackward over dense rows, one function per array type (monomorphic
// loops); same arithmetic in the same order, so bit-identical to ref.
function back32(y: Float32Array, yo: number, g: Float32Array, go: number, o: Float32Array, oo: number, rows: number, n: number, log: boolean): void {
  for (let r = 0; r < rows; r++, yo += n, go += n, oo += n) {
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += g[go + i];
      for (let i = 0; i < n; i++) o[oo + i] = g[go + i] - Math.exp(y[yo + i]) * s;
    } else {
      for (let i = 0; i < n; i++) s += g[go + i] * y[yo + i];
      for (let i = 0; i < n; i++) o[oo + i] = y[yo + i] * (g[go + i] - s);
    }
  }
}

function back64(y: Float64Array, yo: number, g: Float64Array, go: number, o: Float64Array, oo: number, rows: number, n: number, log: boolean): void {
  for (let r = 0; r < rows; r++, yo += n, go += n, oo += n) {
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += g[go + i];
      for (let i = 0; i < n; i++) o[oo + i] = g[go + i] - Math.exp(y[yo + i]) * s;
    } else {
      for (let i = 0; i < n; i++) s += g[go + i] * y[yo + i];
      for (let i = 0; i < n; i++) o[oo + i] = y[yo + i] * (g[go + i] - s);
    }
  }
}

type BackwardKernel = (y: View, g: View, dim: number, log: boolean, out: View) => void;

/** Softmax's backward (ref's softmaxBackward) with fast paths for dense last-dim rows of float32/float64. */
export function softmaxBackward(y: View, g: View, dim: number, log: boolean, out: View, ref: BackwardKernel): void {
  const lines = lastDimLines([y, g, out], dim);
  if (lines === null) { ref(y, g, dim, log, out); return; }
  const { rows, n } = lines;
  const yd = y.data, gd = g.data, od = out.data;
  if (yd instanceof Float32Array && gd instanceof Float32Array && od instanceof Float32Array) back32(yd, y.offset, gd, g.offset, od, out.offset, rows, n, log);
  else if (yd instanceof Float64Array && gd instanceof Float64Array && od instanceof Float64Array) back64(yd, y.offset, gd, g.offset, od, out.offset, rows, n, log);
  else ref(y, g, dim, log, out);
}
