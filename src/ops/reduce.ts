// Reductions over all or some dims (sum, mean, amax, amin, any, all) and sumTo, the broadcast-gradient reducer.
import { backend } from "../backend/index.ts";
import type { ReduceCode } from "../backend/types.ts";
import { isFloating, isIntegral, SCALAR_TYPE_NAME, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { normalizeDims, numelOf, shapeEquals, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { dtypeOption, emptyTensor, outputTensor, isOptions, kview, rawReshape } from "./core.ts";
import { T, type OpInfo, type OpSample } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { linearJvp, sliceReductionJvp } from "./jvp-rules.ts";

/** `dim` as PyTorch takes it: one dim, several, or none (= all). */
export type DimArg = number | readonly number[] | null | undefined;

export interface ReduceOptions {
  dim?: DimArg;
  keepdim?: boolean;
  dtype?: DType;
}

export interface ReduceParams {
  readonly inShape: Shape;
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

/** The reduced gradient back at the input's rank: unsqueeze the reduced dims (when !keepdim). */
export function unreduce(g: Tensor, p: ReduceParams): Tensor {
  if (p.keepdim || p.inShape.length === 0) return g;
  const kept = p.inShape.map((s, i) => (p.dims.includes(i) ? 1 : s));
  return g.reshape(kept);
}

export const countOf = (p: ReduceParams) => p.dims.reduce((n, d) => n * p.inShape[d], 1);

// JVPs: sum and mean are linear (the same reduction of the tangent); the others reduce slice-wise
const sumJvp = linearJvp<ReduceParams>(([t], p) => t.sum({ dim: [...p.dims], keepdim: p.keepdim }));
const meanJvp = linearJvp<ReduceParams>(([t], p) => t.mean({ dim: [...p.dims], keepdim: p.keepdim }));
/** A reduction's own params say where it reduced (sliceReductionJvp). */
export const reducedBy = (p: ReduceParams): ReduceParams => p;

const SPECS = {
  // d sum = 1 broadcast back
  sumAll: { node: "SumBackward0", backward: ([g], _s, p) => [unreduce(g, p).expand(p.inShape)], jvp: sumJvp },
  sumDim: { node: "SumBackward1", backward: ([g], _s, p) => [unreduce(g, p).expand(p.inShape)], jvp: sumJvp },
  // d mean = 1/n broadcast back
  meanAll: { node: "MeanBackward0", backward: ([g], _s, p) => [unreduce(g, p).expand(p.inShape).div(countOf(p))], jvp: meanJvp },
  meanDim: { node: "MeanBackward1", backward: ([g], _s, p) => [unreduce(g, p).expand(p.inShape).div(countOf(p))], jvp: meanJvp },
  // amax/amin: split evenly among the elements equal to the extreme
  amax: { node: "AmaxBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [extremeGrad(g, s.input(0), s.output(0), p)], jvp: sliceReductionJvp(reducedBy) },
  amin: { node: "AminBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s, p) => [extremeGrad(g, s.input(0), s.output(0), p)], jvp: sliceReductionJvp(reducedBy) },
} satisfies Record<string, GradSpec<ReduceParams>>;

export function extremeGrad(g: Tensor, x: Tensor, y: Tensor, p: ReduceParams): Tensor {
  const mask = x.eq(unreduce(y, p)).to(g.dtype);
  const count = mask.sum({ dim: [...p.dims], keepdim: true });
  return unreduce(g, p).mul(mask).div(count);
}

/** Parses `(dim?, keepdim?, {dim, keepdim, dtype})` as PyTorch's reductions take them. */
export function parseReduceArgs(args: readonly unknown[]): ReduceOptions {
  const last = args[args.length - 1];
  const opts: ReduceOptions = isOptions(last) ? { ...(last as ReduceOptions) } : {};
  const pos = isOptions(last) ? args.slice(0, -1) : args;
  if (pos.length > 0) opts.dim = pos[0] as DimArg;
  if (pos.length > 1) opts.keepdim = pos[1] as boolean;
  return opts;
}

export function dimsOf(dim: DimArg, ndim: number): number[] {
  if (dim === null || dim === undefined) return [...Array(ndim).keys()];
  const list = typeof dim === "number" ? [dim] : dim;
  if (list.length === 0) return [...Array(ndim).keys()];
  return normalizeDims(list, ndim);
}

/** Runs a reduce kernel over `dims` (output has size-1 dims there), then drops them unless keepdim. */
export function reduceKernel(code: ReduceCode, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (p, d) => reduceKernel(code, p, d, keepdim, dtype));
  // ---- [vmap] end ----
  const kept = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const out = outputTensor(kept, dtype);
  if (numelOf(x.shape) === 0 && (code === "max" || code === "min") && numelOf(kept) > 0) {
    throw new RuntimeError(`${code === "max" ? "amax" : "amin"}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  backend().reduce(code, kview(x), kview(out));
  if (keepdim) return out;
  return rawReshape(out, x.shape.filter((_, i) => !dims.includes(i)));
}

/**
 * Sum of all elements, or over `dim` (keeping it with `keepdim`). Integers and bools sum to int64.
 * @example x.sum(); x.sum(1, true); x.sum({ dim: [0, 1] })
 */
export function sum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduceArgs(args);
  const all = o.dim === undefined || o.dim === null;
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (p, d) => sum(p, { ...o, dim: d }));
  // ---- [vmap] end ----
  const keepdim = o.keepdim ?? false;
  const dtype = dtypeOption(o.dtype, isIntegral(x.dtype, true) ? "int64" : x.dtype);
  const src = dtype === x.dtype ? x : x.to(dtype);
  const out = reduceKernel("sum", src, dims, keepdim, dtype);
  return record(all ? SPECS.sumAll : SPECS.sumDim, [src], [out], { inShape: x.shape, dims, keepdim })[0];
}

/**
 * Mean of all elements or over `dim`. Floating inputs only, as in PyTorch.
 * @example x.mean(); x.mean(-1, true)
 */
export function mean(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduceArgs(args);
  const dtype = dtypeOption(o.dtype, x.dtype);
  if (!isFloating(dtype)) {
    throw new RuntimeError(`mean(): could not infer output dtype. ${o.dtype ? "Optional" : "Input"} dtype must be either a floating point or complex dtype. Got: ${SCALAR_TYPE_NAME[dtype]}`);
  }
  const all = o.dim === undefined || o.dim === null;
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (p, d) => mean(p, { ...o, dim: d }));
  // ---- [vmap] end ----
  const keepdim = o.keepdim ?? false;
  const src = dtype === x.dtype ? x : x.to(dtype);
  const p = { inShape: x.shape, dims, keepdim };
  const total = reduceKernel("sum", src, dims, keepdim, dtype);
  const out = outputTensor(total.shape, dtype);
  backend().binary("div", kview(total), { data: new Float64Array([countOf(p)]), shape: total.shape, strides: total.shape.map(() => 0), offset: 0 }, kview(out));
  return record(all ? SPECS.meanAll : SPECS.meanDim, [src], [out], p)[0];
}

function extreme(code: "max" | "min", x: Tensor, args: unknown[]): Tensor {
  const o = parseReduceArgs(args);
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(x, dims, (p, d) => extreme(code, p, [{ ...o, dim: d }]));
  // ---- [vmap] end ----
  const keepdim = o.keepdim ?? false;
  const out = reduceKernel(code, x, dims, keepdim, x.dtype);
  return record(code === "max" ? SPECS.amax : SPECS.amin, [x], [out], { inShape: x.shape, dims, keepdim })[0];
}

/** Largest value over `dim` (all dims by default); ties share the gradient evenly. */
export const amax = (x: Tensor, ...args: unknown[]): Tensor => extreme("max", x, args);
/** Smallest value over `dim` (all dims by default); ties share the gradient evenly. */
export const amin = (x: Tensor, ...args: unknown[]): Tensor => extreme("min", x, args);

/** Whether any element is true (non-zero): a bool tensor. */
export function any(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduceArgs(args);
  // counts rather than max/min, so an empty slice gives False (any) and True (all) as in PyTorch
  return reduceKernel("sum", x.ne(0), dimsOf(o.dim, x.dim()), o.keepdim ?? false, "int64").gt(0);
}

/** Whether all elements are true (non-zero): a bool tensor. */
export function all(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseReduceArgs(args);
  return reduceKernel("sum", x.eq(0), dimsOf(o.dim, x.dim()), o.keepdim ?? false, "int64").eq(0);
}

/**
 * Sums `g` down to `shape` (the reverse of broadcasting): what autograd applies to a broadcast
 * gradient before it reaches an input. Returns `g` itself when the shapes already agree.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapeEquals(g.shape, shape)) return g;
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.dim(); i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const reduced = dims.length ? g.sum({ dim: dims, keepdim: true }) : g;
  return reduced.reshape(shape);
}

const x23 = T([2, 3], { grad: true });
const dimOutOfRange: OpSample = { args: [T([2, 3]), 2] };

/** Samples of the reductions. */
export const REDUCE_INFO: OpInfo[] = [
  {
    name: "sum",
    samples: [
      { args: [x23] }, { args: [x23, 1] }, { args: [x23, -1, true] }, { args: [x23, [0, 1]] },
      { args: [T([2, 3, 2], { dtype: "float64", grad: true }), [0, 2], true] },
      { args: [T([3, 2], { grad: true, layout: "T" }), 0] },
      { args: [T([4], { dtype: "int32", gen: "int" })] }, { args: [T([4], { dtype: "bool", gen: "bool" })] },
      { args: [x23], kwargs: { dim: 0, keepdim: true } },
      { args: [T([], { dtype: "float64", grad: true })] },
    ],
    errors: [dimOutOfRange, { args: [T([2, 3]), [0, 0]] }],
  },
  {
    name: "mean",
    samples: [{ args: [x23] }, { args: [x23, 1] }, { args: [x23, -2, true] }, { args: [T([2, 3, 2], { dtype: "float64", grad: true }), [0, 2]] }, { args: [T([3, 2], { grad: true, layout: "T" }), 1] }],
    errors: [dimOutOfRange, { args: [T([3], { dtype: "int64", gen: "int" })] }],
  },
  ...(["amax", "amin"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [T([2, 3], { gen: "ties", grad: true })] }, { args: [T([2, 3], { gen: "ties", grad: true }), 1] },
      { args: [T([2, 3], { gen: "ties", grad: true, dtype: "float64" }), 0, true] }, { args: [T([3, 4], { gen: "ties", grad: true, layout: "T" }), -1] },
      { args: [T([4], { dtype: "int32", gen: "int" })] }, { args: [T([2, 3], { grad: true, dtype: "float64" }), 1] },
    ],
    errors: [dimOutOfRange],
  })),
  // PyTorch 1.13's any/all take one int dim (lists came in 2.2); outputs are bool
  ...(["any", "all"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [T([2, 3], { gen: "ties" })] }, { args: [T([3, 4], { gen: "ties" }), 1] }, { args: [T([3, 4], { gen: "ties" }), -2, true] },
      { args: [T([3, 4], { gen: "bool", dtype: "bool", layout: "T" }), 0] }, { args: [T([4], { dtype: "int32", values: [0, 2, 0, -1] })] },
      { args: [T([2, 2], { values: ["nan", 0, 0, 0] }), 1] }, { args: [T([2, 3], { dtype: "int64", gen: "ties" })], kwargs: { dim: 1, keepdim: true } },
      { args: [T([0])] }, { args: [T([], { dtype: "float64" })] },
    ],
    errors: [dimOutOfRange],
  })),
];
