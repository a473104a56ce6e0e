// Statistical reductions: prod, var, std, varMean, stdMean, logsumexp, norm, countNonzero, aminmax.
import { isFloating, isIntegral, SCALAR_TYPE_NAME, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { eye } from "./creation.ts";
import { dtypeOption, isOptions, rawReshape } from "./core.ts";
import { countOf, dimsOf, extremeGrad, reducedBy, reduceKernel, unreduce, type DimArg, type ReduceParams } from "./reduce.ts";
import { oneDim, parseArgs } from "./along.ts";
import { minMax, type MinMax } from "./named-tuple.ts";
import { NAN_ROW } from "./select.ts";
import { matrixNorm } from "./linalg-norm.ts";
import { T, type OpInfo, type OpSample } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { sliceReductionJvp, withJvp } from "./jvp-rules.ts";

/** Options of var / std / varMean / stdMean. `unbiased` is PyTorch's legacy spelling of correction 1 (true) or 0. */
export interface VarOptions {
  dim?: DimArg;
  correction?: number;
  unbiased?: boolean;
  keepdim?: boolean;
}

/** Options of prod. */
export interface ProdOptions {
  dim?: number;
  keepdim?: boolean;
  dtype?: DType;
}

/** The p of norm: a number (Infinity and -Infinity included) or "fro". */
export type NormP = number | "fro" | "nuc";

/** Options of norm. */
export interface NormOptions {
  p?: NormP;
  dim?: DimArg;
  keepdim?: boolean;
  dtype?: DType;
}

interface VarParams extends ReduceParams {
  readonly correction: number;
}

interface NormParams extends ReduceParams {
  readonly p: number;
}

/** prod_{j != i} x_j along `dim`: a cumulative-free form that is exact with zeros (and differentiable again). */
function prodOthers(x: Tensor, dim: number): Tensor {
  const n = x.shape[dim];
  const diag = eye(n, { dtype: x.dtype });
  // Y[.., i, j] = (j == i ? 1 : x_j), then the product over j
  return x.transpose(dim, -1).unsqueeze(-2).mul(diag.neg().add(1)).add(diag).prod(-1).transpose(dim, -1);
}

/** d prod / d x_i = prod_{j != i} x_j: out / x without zeros, else the exact product of the others. */
function prodBackward(g: Tensor, x: Tensor, out: Tensor, p: ReduceParams): Tensor {
  if (x.dim() === 0) return g;
  const gu = unreduce(g, p);
  if (!x.eq(0).any().item()) return gu.mul(unreduce(out, p)).div(x);
  if (p.dims.length === 1) return gu.mul(prodOthers(x, p.dims[0]));
  return gu.mul(prodOthers(x.reshape(-1), 0).reshape(x.shape));
}

/** d var = 2 (x - mean) / (N - correction). */
function varBackward(g: Tensor, x: Tensor, p: VarParams): Tensor {
  const mean = x.mean({ dim: [...p.dims], keepdim: true });
  return unreduce(g, p).mul(x.sub(mean)).mul(2 / Math.max(0, countOf(p) - p.correction));
}

/** A tensor that is `t` where `mask` is false and 1 where it is true (for safe division, then masked). */
const oneWhere = (t: Tensor, mask: Tensor): Tensor => t.add(mask.to(t.dtype));

/** PyTorch's norm_backward for each p, with its masking of zero norms and zero elements. */
function normBackward(g: Tensor, x: Tensor, norm: Tensor, p: NormParams): Tensor | null {
  const gu = unreduce(g, p), nu = unreduce(norm, p);
  if (p.p === 0) return null; // PyTorch returns an undefined gradient: the input's .grad stays None
  if (p.p === 1) return x.sign().mul(gu);
  const normZero = nu.eq(0);
  if (p.p === 2) return gu.mul(x.div(oneWhere(nu, normZero))).mul(normZero.logicalNot().to(x.dtype));
  if (!Number.isFinite(p.p)) {
    // the elements whose |x| is the norm share g (NaNs where the norm is NaN)
    const isMax = x.abs().eq(nu).logicalOr(x.ne(x).logicalAnd(nu.ne(nu))).to(x.dtype);
    const count = isMax.sum({ dim: [...p.dims], keepdim: true });
    return x.sign().mul(isMax).mul(gu.div(count));
  }
  if (p.p < 1) {
    const xZero = x.eq(0);
    const scaled = x.sign().mul(oneWhere(x.abs(), xZero).pow(p.p - 1)).mul(xZero.logicalNot().to(x.dtype));
    return scaled.mul(gu).mul(nu.pow(1 - p.p));
  }
  const scaled = p.p < 2 ? x.sign().mul(x.abs().pow(p.p - 1)) : x.mul(x.abs().pow(p.p - 2));
  return scaled.mul(gu.div(oneWhere(nu, normZero).pow(p.p - 1)).mul(normZero.logicalNot().to(x.dtype)));
}

// JVPs: slice-wise reductions (jvp-rules.ts); aminmax, varMean and stdMean have two outputs
const SPECS = withJvp({
  prodAll: { node: "ProdBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [prodBackward(g, s.input(0), s.output(0), p)] },
  prodDim: { node: "ProdBackward1", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [prodBackward(g, s.input(0), s.output(0), p)] },
  // aminmax: each of min and max splits its gradient evenly among the elements equal to it
  aminmax: {
    node: "AminmaxBackward0", saves: { inputs: [0], outputs: [0, 1] }, jvp: sliceReductionJvp(reducedBy, 2),
    backward: ([gmin, gmax], s, p) => [extremeGrad(gmin, s.input(0), s.output(0), p).add(extremeGrad(gmax, s.input(0), s.output(1), p))],
  },
  // d logsumexp = g exp(x - result)
  logsumexp: { node: "LogsumexpBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [unreduce(g, p).mul(s.input(0).sub(unreduce(s.output(0), p)).exp())] },
} satisfies Record<string, GradSpec<ReduceParams>>, sliceReductionJvp(reducedBy));

const VAR_SPECS = withJvp({
  var: { node: "VarBackward0", saves: { inputs: [0] }, backward: ([g], s, p) => [varBackward(g, s.input(0), p)] },
  // d std = d var / (2 std)
  std: { node: "StdBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [varBackward(g.div(s.output(0).mul(2)), s.input(0), p)] },
  // var and mean of one pass: both gradients (mean's: g / N broadcast back)
  varMean: {
    node: "VarMeanBackward0", saves: { inputs: [0] }, jvp: sliceReductionJvp(reducedBy, 2),
    backward: ([gv, gm], s, p) => [varBackward(gv, s.input(0), p).add(unreduce(gm, p).expand(p.inShape).div(countOf(p)))],
  },
  stdMean: {
    node: "StdMeanBackward0", saves: { inputs: [0], outputs: [0] }, jvp: sliceReductionJvp(reducedBy, 2),
    backward: ([gs, gm], s, p) => [varBackward(gs.div(s.output(0).mul(2)), s.input(0), p).add(unreduce(gm, p).expand(p.inShape).div(countOf(p)))],
  },
} satisfies Record<string, GradSpec<VarParams>>, sliceReductionJvp(reducedBy));

const normSpec = (node: string): GradSpec<NormParams> => ({
  node, saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [normBackward(g, s.input(0), s.output(0), p)], jvp: sliceReductionJvp(reducedBy),
});
/** norm's overloads: without dtype (NormBackward1) and with it (NormBackward3). */
const NORM_SPECS = { plain: normSpec("NormBackward1"), dtype: normSpec("NormBackward3") };

/**
 * Product of all elements, or along one `dim`. Integers and bools multiply in int64. The gradient is
 * exact with zeros.
 * @example torch.tensor([[1, 2], [3, 0]]).prod(1) // tensor([2., 0.])
 */
export function prod(x: Tensor, ...args: (number | boolean | ProdOptions)[]): Tensor {
  const o = parseArgs<ProdOptions>(args, ["dim", "keepdim"]);
  const all = o.dim === undefined || o.dim === null;
  const dims = all ? dimsOf(null, x.dim()) : [oneDim(o.dim, x.dim())];
  const keepdim = all ? false : (o.keepdim ?? false);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return all ? VM.reduceDims(x, [], (p) => prod(p.reshape(p.shape[0], -1), 1, { dtype: o.dtype })) : VM.onDims(x, dims, (p, [d]) => prod(p, { ...o, dim: d }));
  // ---- [vmap] end ----
  const dtype = dtypeOption(o.dtype, isIntegral(x.dtype, true) ? "int64" : x.dtype);
  const src = dtype === x.dtype ? x : x.to(dtype);
  const out = reduceKernel("prod", src, dims, keepdim, dtype);
  return record(all ? SPECS.prodAll : SPECS.prodDim, [src], [out], { inShape: x.shape, dims, keepdim })[0];
}

/** Parses var/std arguments: `(unbiased)`, `(dim, unbiased?, keepdim?)` and the options object. */
function parseVar(x: Tensor, args: readonly unknown[], name = "std and var"): VarParams {
  if (!isFloating(x.dtype)) throw new RuntimeError(`${name} only support floating point and complex dtypes`);
  const legacy = typeof args[0] === "boolean";
  const o = legacy ? parseArgs<VarOptions>(args, ["unbiased"]) : parseArgs<VarOptions>(args, ["dim", "unbiased", "keepdim"]);
  const dims = dimsOf(o.dim, x.dim());
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  return { inShape: x.shape, dims, keepdim: o.keepdim ?? false, correction };
}

/** var and mean of `x` over p's dims (no graph). */
function varAndMean(x: Tensor, p: VarParams): [Tensor, Tensor] {
  return noGrad(() => {
    const mean = x.mean({ dim: [...p.dims], keepdim: true });
    const dev = x.sub(mean);
    const v = dev.mul(dev).sum({ dim: [...p.dims], keepdim: p.keepdim }).div(Math.max(0, countOf(p) - p.correction));
    return [v, p.keepdim ? mean : mean.reshape(v.shape)];
  });
}

type VarArg = DimArg | boolean | VarOptions;

/**
 * Variance over `dim` (all by default) with `correction` (default 1; `unbiased: false` is 0).
 * @example x.var(); x.var(1, { correction: 0, keepdim: true }); x.var(false)
 */
export function var_(x: Tensor, ...args: VarArg[]): Tensor {
  const p = parseVar(x, args);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, p.dims, (q, d) => var_(q, { dim: d, correction: p.correction, keepdim: p.keepdim }));
  // ---- [vmap] end ----
  return record(VAR_SPECS.var, [x], [varAndMean(x, p)[0]], p)[0];
}

/**
 * Standard deviation over `dim` (all by default), with `correction` as `var`.
 * @example x.std(); x.std(0, true, true)
 */
export function std(x: Tensor, ...args: VarArg[]): Tensor {
  const p = parseVar(x, args);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, p.dims, (q, d) => std(q, { dim: d, correction: p.correction, keepdim: p.keepdim }));
  // ---- [vmap] end ----
  return record(VAR_SPECS.std, [x], [varAndMean(x, p)[0].sqrt()], p)[0];
}

/**
 * `[var, mean]` in one pass (an array, as PyTorch's tuple).
 * @example const [v, m] = torch.varMean(x, 1);
 */
export function varMean(x: Tensor, ...args: VarArg[]): [Tensor, Tensor] {
  const p = parseVar(x, args, "var_mean");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, p.dims, (q, d) => varMean(q, { dim: d, correction: p.correction, keepdim: p.keepdim }));
  // ---- [vmap] end ----
  const [v, m] = record(VAR_SPECS.varMean, [x], varAndMean(x, p), p);
  return [v, m];
}

/**
 * `[std, mean]` in one pass (an array, as PyTorch's tuple).
 * @example const [s, m] = torch.stdMean(x);
 */
export function stdMean(x: Tensor, ...args: VarArg[]): [Tensor, Tensor] {
  const p = parseVar(x, args, "std_mean");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, p.dims, (q, d) => stdMean(q, { dim: d, correction: p.correction, keepdim: p.keepdim }));
  // ---- [vmap] end ----
  const [v, m] = varAndMean(x, p);
  const [s, mean] = record(VAR_SPECS.stdMean, [x], [noGrad(() => v.sqrt()), m], p);
  return [s, mean];
}

/**
 * log(sum(exp(x))) over `dim`, stably: the max is subtracted first, except where it is ±inf (so an
 * all -inf slice gives -inf and a +inf gives +inf). Integer inputs compute in float32.
 * @example torch.tensor([0, 0]).logsumexp(0) // tensor(0.6931)
 */
export function logsumexp(x: Tensor, ...args: (DimArg | boolean | { dim?: DimArg; keepdim?: boolean })[]): Tensor {
  const o = parseArgs<{ dim?: DimArg; keepdim?: boolean }>(args, ["dim", "keepdim"]);
  const src = isFloating(x.dtype) ? x : x.to("float32");
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (p, d) => logsumexp(p, { dim: d, keepdim: o.keepdim ?? false }));
  // ---- [vmap] end ----
  const keepdim = o.keepdim ?? false;
  const out = noGrad(() => {
    const m = src.numel() > 0 ? src.amax({ dim: dims, keepdim: true }).clone() : src.sum({ dim: dims, keepdim: true }).mul(0);
    const md = m._storage.data;
    for (let i = 0; i < md.length; i++) if (Math.abs(md[i]) === Infinity) md[i] = 0;
    const r = src.sub(m).exp().sum({ dim: dims, keepdim: true }).log().add(m);
    return keepdim ? r : rawReshape(r.contiguous(), x.shape.filter((_, i) => !dims.includes(i)));
  });
  return record(SPECS.logsumexp, [src], [out], { inShape: x.shape, dims, keepdim })[0];
}

/** torch.norm(x, "nuc"): the sum of singular values over two dims (both dims of a 2-D input by default). */
function nuclearNorm(x: Tensor, dim: DimArg, keepdim: boolean, dtype: DType): Tensor {
  if (dim === undefined || dim === null) {
    if (x.dim() !== 2) throw new RuntimeError(`Expected a tensor with 2 dimensions, but got a tensor with ${x.dim()} dimensions instead.`);
    return matrixNorm(x, "nuc", [0, 1], keepdim, { dtype });
  }
  return matrixNorm(x, "nuc", typeof dim === "number" ? [dim] : [...dim], keepdim, { dtype });
}

/**
 * Vector p-norm over `dim` (all elements by default): p = 2 ("fro"), 1, Infinity, -Infinity, 0 or any number.
 * @example torch.tensor([3, 4]).norm() // tensor(5.); x.norm(1, 0, true); x.norm({ p: Infinity, dim: 1 })
 */
export function norm(x: Tensor, ...args: (NormP | DimArg | boolean | NormOptions)[]): Tensor {
  const o = parseArgs<NormOptions>(args, ["p", "dim", "keepdim"]);
  const dtype = dtypeOption(o.dtype, x.dtype);
  if (!isFloating(dtype)) throw new RuntimeError(`norm(): input dtype should be either floating point or complex. Got ${SCALAR_TYPE_NAME[dtype]} instead.`);
  if (o.p === "nuc") return nuclearNorm(x, o.dim, o.keepdim ?? false, dtype);
  const p = o.p === undefined || o.p === null || o.p === "fro" ? 2 : o.p;
  if (typeof p !== "number") throw new TypeError(`norm(): p must be a number or "fro", got ${String(p)}`);
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (q, d) => norm(q, { ...o, p, dim: d }));
  // ---- [vmap] end ----
  const src = dtype === x.dtype ? x : x.to(dtype);
  const keepdim = o.keepdim ?? false;
  const r = { dim: dims, keepdim };
  const out = noGrad(() => {
    const a = src.abs();
    if (p === Infinity) return a.amax(r);
    if (p === -Infinity) return a.amin(r);
    if (p === 0) return a.ne(0).sum(r).to(dtype);
    if (p === 1) return a.sum(r);
    if (p === 2) return a.mul(a).sum(r).sqrt();
    return a.pow(p).sum(r).pow(1 / p);
  });
  return record(o.dtype === undefined || o.dtype === null ? NORM_SPECS.plain : NORM_SPECS.dtype, [src], [out], { inShape: x.shape, dims, keepdim, p })[0];
}

/**
 * Number of non-zero elements over `dim` (all by default): int64.
 * @example torch.tensor([[0, 1], [2, 0]]).countNonzero(0) // tensor([1, 1])
 */
export function countNonzero(x: Tensor, ...args: (DimArg | { dim?: DimArg })[]): Tensor {
  const o = parseArgs<{ dim?: DimArg }>(args, ["dim"]);
  return x.ne(0).sum({ dim: dimsOf(o.dim, x.dim()) });
}

/**
 * `{ min, max }` (also `[min, max]`) over everything or one `dim`; ties share each gradient evenly.
 * @example const { min, max } = torch.aminmax(x, { dim: 1 });
 */
export function aminmax(x: Tensor, opts: { dim?: number | null; keepdim?: boolean } = {}): MinMax {
  if (!isOptions(opts)) throw new TypeError("aminmax() takes dim and keepdim as options: aminmax(x, { dim, keepdim })");
  const all = opts.dim === undefined || opts.dim === null;
  const dims = all ? dimsOf(null, x.dim()) : [oneDim(opts.dim, x.dim())];
  const keepdim = opts.keepdim ?? false;
  if (x.numel() === 0) throw new RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  const lo = reduceKernel("min", x, dims, keepdim, x.dtype), hi = reduceKernel("max", x, dims, keepdim, x.dtype);
  const [mn, mx] = record(SPECS.aminmax, [x], [lo, hi], { inShape: x.shape, dims, keepdim });
  return minMax(mn, mx);
}

const g = (shape: number[], opts: Parameters<typeof T>[1] = {}) => T(shape, { grad: true, ...opts });
const ZEROS = { values: [2, 0, 3, -1, 0.5, 0, 0, 4, 1.5, -2, 1, 0.25] };
const dimOut: OpSample = { args: [T([2, 3]), 2] };
const INFS = T([3, 3], { values: ["-inf", "-inf", "-inf", "inf", 1, 2, "-inf", 0.5, 1.5] });

/** Zeros in a p-norm: its gradient is defined there by convention but not differentiable. */
const ZERO_NORM = "zero entries, where the p-norm's gradient is not differentiable";

/** Samples of the statistical reductions. */
export const STATS_INFO: OpInfo[] = [
  {
    name: "prod",
    samples: [
      { args: [g([2, 3])] }, { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), -2, true] }, { args: [g([3, 4], { layout: "T" }), 1] },
      { args: [g([3, 4], ZEROS)] }, { args: [g([3, 4], ZEROS), 1] }, { args: [g([4, 3], ZEROS), 0] }, { args: [g([2], { values: [0, 3] })] },
      { args: [T([5], { dtype: "int32" })] }, { args: [T([4], { dtype: "bool" })] }, { args: [g([2, 3])], kwargs: { dim: 0, dtype: "float64" } },
      { args: [g([])] }, { args: [NAN_ROW, 1] },
    ],
    errors: [dimOut],
  },
  ...(["var", "std", "varMean", "stdMean"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [g([2, 3])] }, { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), [0, 1], true] },
      { args: [g([3, 4], { layout: "T" }), -1] }, { args: [g([2, 3]), 1, false, true] }, { args: [g([2, 3]), false] },
      { args: [g([2, 3])], kwargs: { dim: 0, correction: 0 } }, { args: [g([3, 4])], kwargs: { dim: 1, correction: 2, keepdim: true } },
      { args: [g([2, 4], { dtype: "float64" })], kwargs: { unbiased: false } },
    ],
    errors: [dimOut, { args: [T([3], { dtype: "int64" })] }],
  })),
  {
    name: "logsumexp",
    samples: [
      { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), [0, 1], true] }, { args: [g([3, 4], { layout: "T" }), -2] },
      { args: [g([2, 3], { values: [80, 90, 100, -100, -90, -80] }), 1] }, { args: [INFS, 1] }, { args: [T([4], { dtype: "int64" }), 0] },
      { args: [g([2, 3])], kwargs: { dim: 0, keepdim: true } }, { args: [g([]), 0] },
    ],
    errors: [dimOut],
  },
  {
    name: "norm",
    samples: [
      { args: [g([2, 3])] }, { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), 3, 1, true] }, { args: [g([3, 4], { layout: "T" }), 2, -1] },
      { args: [g([2, 3]), "fro"] }, { args: [g([2, 3]), 0, 1] }, { args: [g([2, 3]), 0.5, 1] }, { args: [g([2, 3]), 1.5] },
      { args: [g([2, 3], { values: [0, 0, 0, 1, -2, 0] }), 2, 1], skipGradGrad: ZERO_NORM }, { args: [g([2, 3], { values: [0, 0, 0, 1, -2, 0] }), 3, 1], skipGradGrad: ZERO_NORM },
      { args: [g([2, 3], { values: [0, 0, 0, 1, -2, 0] }), 1.5, 1], skipGradGrad: ZERO_NORM }, { args: [g([2, 3], { values: [0, 0.5, 0, 1, -2, 0] }), 0.5, 1], skipGradGrad: ZERO_NORM },
      { args: [g([2, 3])], kwargs: { p: 4, dim: [0, 1], keepdim: true } }, { args: [g([2, 3])], kwargs: { p: 1, dim: 0, dtype: "float64" } },
      { args: [g([3, 2], { dtype: "float64" }), "nuc"] },
      { args: [g([2, 3, 2]), "nuc", [0, 2], true] },
    ],
    errors: [{ args: [T([2, 3]), 2, 2] }, { args: [T([3], { dtype: "int64" })] }, { args: [T([2, 3, 2]), "nuc"] }],
  },
  {
    name: "countNonzero",
    samples: [
      { args: [T([3, 4], { gen: "ties" })] }, { args: [T([3, 4], { gen: "ties" }), 1] }, { args: [T([3, 4], { gen: "ties", layout: "T" }), [0, 1]] },
      { args: [T([5], { dtype: "bool" })] }, { args: [T([2, 3], { dtype: "int32" })], kwargs: { dim: -1 } }, { args: [NAN_ROW, 0] },
    ],
    errors: [dimOut, { args: [T([2, 3]), [0, 0]] }],
  },
  {
    name: "aminmax",
    samples: [
      { args: [T([2, 3])] }, { args: [T([3, 4], { gen: "ties" })], kwargs: { dim: 1 } }, { args: [T([3, 4], { dtype: "float64" })], kwargs: { dim: 0, keepdim: true } },
      { args: [T([3, 4], { layout: "T" })], kwargs: { dim: -1 } }, { args: [T([5], { dtype: "int32" })] }, { args: [{ ...NAN_ROW, grad: false }], kwargs: { dim: 1 } },
    ],
    errors: [{ args: [T([2, 3])], kwargs: { dim: 2 } }],
  },
];
