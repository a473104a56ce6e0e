// Scans along one dim: cumsum, cumprod (gradient exact with zeros), cummax and cummin (named tuples).
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { ScanCode } from "../backend/line-codes.ts";
import { isIntegral, type DType } from "../dtype.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { arange, eye } from "./creation.ts";
import { dtypeOption, emptyTensor, kview } from "./core.ts";
import { gatherAlong, oneDim, parseArgs, placeAlong } from "./along.ts";
import { valuesIndices, type ValuesIndices } from "./named-tuple.ts";
import { NAN_ROW } from "./select.ts";
import { T, type OpInfo } from "./opinfo.ts";
import { linearJvp, type JvpRule } from "./jvp-rules.ts";

/** Options of cumsum / cumprod. */
export interface CumOptions {
  dim?: number;
  dtype?: DType;
}

interface ScanParams {
  readonly dim: number;
}

/** `t` reversed along `dim`, differentiably (a gather at n-1-j). */
function flip(t: Tensor, dim: number): Tensor {
  if (t.dim() === 0) return t;
  const n = t.shape[dim];
  const shape = t.shape.map((_, i) => (i === dim ? n : 1));
  const rev = arange(n - 1, -1, -1, { dtype: "int64" }).reshape(shape).expand(t.shape).contiguous();
  return gatherAlong(t, dim, rev);
}

/** Suffix sums along `dim`: the gradient of cumsum. */
const reverseCumsum = (g: Tensor, dim: number): Tensor => flip(flip(g, dim).cumsum(dim), dim);

/**
 * d cumprod: grad_i = sum_{k>=i} g_k prod_{j<=k, j!=i} x_j. Without zeros that is revcumsum(g*y)/x;
 * with zeros it is built from the cumprod of a [.., n, n] matrix holding x_j off the diagonal and 1 on it.
 */
function cumprodBackward(g: Tensor, x: Tensor, y: Tensor, dim: number): Tensor {
  if (x.dim() === 0) return g;
  if (!x.eq(0).any().item()) return reverseCumsum(g.mul(y), dim).div(x);
  const n = x.shape[dim];
  const xt = x.transpose(dim, -1), gt = g.transpose(dim, -1);
  const diag = eye(n, { dtype: x.dtype });
  // Y[.., i, j] = (j == i ? 1 : x_j); C[.., i, k] = prod_{j<=k, j!=i} x_j
  const c = xt.unsqueeze(-2).mul(diag.neg().add(1)).add(diag).cumprod(-1);
  const idx = arange(n, { dtype: "int64" });
  const upper = idx.unsqueeze(0).ge(idx.unsqueeze(1)).to(x.dtype); // [i, k]: k >= i
  return c.mul(upper).mul(gt.unsqueeze(-2)).sum(-1).transpose(dim, -1);
}

/** cummax/cummin's tangent: the tangent at the running extreme's index. */
const runningExtremeJvp: JvpRule<ScanParams> = ([t], s, p) => [t === null || t.dim() === 0 ? t : gatherAlong(t, p.dim, s.output(1))];

const SPECS = {
  // d cumsum = suffix sums of g; linear: the tangent's cumsum
  cumsum: { node: "CumsumBackward0", backward: ([g], _s, p) => [reverseCumsum(g, p.dim)], jvp: linearJvp(([t], p) => cumsum(t, p.dim)) },
  cumprod: { node: "CumprodBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [cumprodBackward(g, s.input(0), s.output(0), p.dim)] },
  // cummax/cummin: each g_j goes to the element its running extreme came from (scatter-add)
  cummax: { node: "CummaxBackward0", saves: { outputs: [1] }, backward: ([g], s, p) => [placeAlong(g, p.dim, s.output(1), g.shape)], jvp: runningExtremeJvp },
  cummin: { node: "CumminBackward0", saves: { outputs: [1] }, backward: ([g], s, p) => [placeAlong(g, p.dim, s.output(1), g.shape)], jvp: runningExtremeJvp },
} satisfies Record<ScanCode, GradSpec<ScanParams>>;

function cumulative(code: "cumsum" | "cumprod", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs<CumOptions>(args, ["dim"]);
  const dim = oneDim(o.dim, x.dim());
  const dtype = dtypeOption(o.dtype, isIntegral(x.dtype, true) ? "int64" : x.dtype);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => cumulative(code, p, [{ dim: d, dtype }]));
  // ---- [vmap] end ----
  const src = dtype === x.dtype ? x : x.to(dtype);
  const out = emptyTensor(x.shape, dtype);
  backend().scan(code, kview(src), dim, kview(out), null);
  return record(SPECS[code], [src], [out], { dim })[0];
}

/**
 * Running sums along `dim` (integers and bools accumulate in int64; `dtype` casts first).
 * @example torch.tensor([1, 2, 3]).cumsum(0) // tensor([1., 3., 6.])
 */
export const cumsum = (x: Tensor, ...args: (number | CumOptions)[]): Tensor => cumulative("cumsum", x, args);
/**
 * Running products along `dim`; the gradient is exact when the input holds zeros.
 * @example torch.tensor([1, 2, 3]).cumprod(0) // tensor([1., 2., 6.])
 */
export const cumprod = (x: Tensor, ...args: (number | CumOptions)[]): Tensor => cumulative("cumprod", x, args);

function cumExtreme(code: "cummax" | "cummin", x: Tensor, args: unknown[]): ValuesIndices {
  const o = parseArgs<{ dim?: number }>(args, ["dim"]);
  const dim = oneDim(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => cumExtreme(code, p, [d]));
  // ---- [vmap] end ----
  const values = emptyTensor(x.shape, x.dtype), indices = emptyTensor(x.shape, "int64");
  backend().scan(code, kview(x), dim, kview(values), kview(indices));
  record(SPECS[code], [x], [values, indices], { dim });
  return valuesIndices(values, indices);
}

/**
 * Running maximum along `dim` and where it came from (the latest among equal values; NaN sticks).
 * @example const { values, indices } = torch.tensor([1, 3, 2]).cummax(0); // [1, 3, 3], [0, 1, 1]
 */
export const cummax = (x: Tensor, ...args: (number | { dim?: number })[]): ValuesIndices => cumExtreme("cummax", x, args);
/**
 * Running minimum along `dim` and where it came from.
 * @example torch.tensor([3, 1, 2]).cummin(0).values // [3, 1, 1]
 */
export const cummin = (x: Tensor, ...args: (number | { dim?: number })[]): ValuesIndices => cumExtreme("cummin", x, args);

const g = (shape: number[], opts: Parameters<typeof T>[1] = {}) => T(shape, { grad: true, ...opts });
const ZEROS = { values: [2, 0, 3, -1, 0.5, 0, 0, 4, 1.5, -2, 1, 0] };

/** Samples of the scans. */
export const SCAN_INFO: OpInfo[] = [
  ...(["cumsum", "cumprod"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), -2] }, { args: [g([3, 4], { layout: "T" }), 1] },
      { args: [g([3, 4], ZEROS), 1] }, { args: [g([4, 3], ZEROS), 0] }, { args: [T([5], { dtype: "int32" }), 0] },
      { args: [T([5], { dtype: "bool" }), 0] }, { args: [g([2, 3]), 0], kwargs: { dtype: "float64" } },
      { args: [g([2, 3])], kwargs: { dim: -1 } }, { args: [g([]), 0] }, { args: [NAN_ROW, 1] },
    ],
    errors: [{ args: [T([2, 3]), 2] }],
  })),
  ...(["cummax", "cummin"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [g([2, 5], { gen: "ties" }), 1] }, { args: [g([3, 4], { gen: "ties", dtype: "float64" }), 0] },
      { args: [g([3, 4], { layout: "T" }), -1] }, { args: [NAN_ROW, 1] }, { args: [T([6], { dtype: "int32", gen: "ties" }), 0] },
      { args: [g([2, 3])], kwargs: { dim: 0 } }, { args: [g([]), 0] },
    ],
    errors: [{ args: [T([2, 3]), -3] }],
  })),
];
