// Selections that return values and indices: max, min (three PyTorch forms), argmax, argmin, median, kthvalue, mode.
import { RuntimeError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { Tensor } from "../tensor.ts";
import { binary } from "./binary.ts";
import { rawReshape } from "./core.ts";
import { checkNonEmpty, evenlyDistribute, oneDim, parseArgs, selectionSpec, selectKernel, type SelectParams } from "./along.ts";
import { valuesIndices, type ValuesIndices } from "./named-tuple.ts";
import { T, type OpInfo, type OpSample } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { reducedAll, sliceReductionJvp, withJvp } from "./jvp-rules.ts";

/** Options of the selections along one dim. */
export interface DimKeepdim {
  dim?: number;
  keepdim?: boolean;
}

const SPECS = {
  maxDim: selectionSpec("MaxBackward0"),
  minDim: selectionSpec("MinBackward0"),
  medianDim: selectionSpec("MedianBackward1"),
  kthvalue: selectionSpec("KthvalueBackward0"),
  mode: selectionSpec("ModeBackward0"),
} satisfies Record<string, GradSpec<SelectParams>>;

const ALL_SPECS = withJvp({
  // max()/min()/median() over everything: g split evenly among the elements equal to the result
  maxAll: { node: "MaxBackward1", saves: { inputs: [0], outputs: [0] }, backward: ([g], s) => [evenlyDistribute(g, s.input(0), s.output(0))] },
  minAll: { node: "MinBackward1", saves: { inputs: [0], outputs: [0] }, backward: ([g], s) => [evenlyDistribute(g, s.input(0), s.output(0))] },
  medianAll: { node: "MedianBackward0", saves: { inputs: [0], outputs: [0] }, backward: ([g], s) => [evenlyDistribute(g, s.input(0), s.output(0))] },
} satisfies Record<string, GradSpec<void>>, sliceReductionJvp(reducedAll));

/** A selection along `dim` recorded with its gradient to the returned indices. */
function selectAlong(spec: GradSpec<SelectParams>, code: "max" | "min" | "kthvalue" | "median" | "mode", name: string, x: Tensor, dim: number, keepdim: boolean, k = 0): ValuesIndices {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => selectAlong(spec, code, name, p, d, keepdim, k));
  // ---- [vmap] end ----
  const [values, indices] = selectKernel(code, name, x, dim, keepdim, k);
  record(spec, [x], [values, indices], { dim, keepdim, inShape: x.shape });
  return valuesIndices(values, indices);
}

/** A selection over all elements (flattened), as a 0-d tensor. */
function selectAll(code: "max" | "min" | "median", x: Tensor): Tensor {
  const [v] = noGrad(() => selectKernel(code, code, x.reshape(-1), 0, false));
  return v;
}

function extreme(code: "max" | "min", x: Tensor, args: unknown[]): Tensor | ValuesIndices {
  if (args[0] instanceof Tensor) return binary(code === "max" ? "maximum" : "minimum", x, args[0]);
  const o = parseArgs<DimKeepdim & { other?: Tensor }>(args, ["dim", "keepdim"]);
  if (o.other instanceof Tensor) return binary(code === "max" ? "maximum" : "minimum", x, o.other);
  if (o.dim === undefined || o.dim === null) {
    checkNonEmpty(code, x);
  // ---- [vmap] begin ----
    if (x._batched !== undefined) return VM.reduceDims(x, [], (p, d) => (code === "max" ? p.amax(d) : p.amin(d)));
  // ---- [vmap] end ----
    return record(code === "max" ? ALL_SPECS.maxAll : ALL_SPECS.minAll, [x], [selectAll(code, x)], undefined)[0];
  }
  const dim = oneDim(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => extreme(code, p, [d, o.keepdim ?? false]) as ValuesIndices);
  // ---- [vmap] end ----
  return selectAlong(code === "max" ? SPECS.maxDim : SPECS.minDim, code, code, x, dim, o.keepdim ?? false);
}

/**
 * PyTorch's three `max`s: over everything (a 0-d tensor; ties share the gradient), along `dim`
 * (`{ values, indices }`, first index among ties, NaN wins; gradient to that index), or with a
 * tensor (the elementwise `maximum`).
 * @example x.max(); const { values, indices } = x.max(1); const [v, i] = x.max(1, true); x.max(y)
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim: number, opts: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices { return extreme("max", x, args); }

/**
 * PyTorch's three `min`s (see `max`).
 * @example x.min(); const { values, indices } = x.min(0); x.min(y)
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim: number, opts: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, opts: { dim: number; keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices { return extreme("min", x, args); }

function argExtreme(code: "max" | "min", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs<{ dim?: number | null; keepdim?: boolean }>(args, ["dim", "keepdim"]);
  const keepdim = o.keepdim ?? false;
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return o.dim === undefined || o.dim === null ? VM.reduceDims(x, [], (p) => argExtreme(code, p.reshape(p.shape[0], -1), [1]).reshape([p.shape[0], ...x.shape.map(() => 1)].slice(0, keepdim ? undefined : 1))) : VM.onDims(x, [o.dim], (p, [d]) => argExtreme(code, p, [d, keepdim]));
  // ---- [vmap] end ----
  if (o.dim === undefined || o.dim === null) {
    checkNonEmpty(`arg${code}`, x, "IndexError");
    const [, i] = selectKernel(code, `arg${code}`, x.reshape(-1), 0, false);
    return keepdim ? rawReshape(i, x.shape.map(() => 1)) : i;
  }
  return selectKernel(code, `arg${code}`, x, oneDim(o.dim, x.dim()), keepdim)[1];
}

/**
 * Index of the largest value (first among ties; a NaN wins), flat without `dim`. int64.
 * @example torch.tensor([1, 5, 5]).argmax() // tensor(1)
 */
export const argmax = (x: Tensor, ...args: (number | null | boolean | { dim?: number | null; keepdim?: boolean })[]): Tensor => argExtreme("max", x, args);
/**
 * Index of the smallest value (first among ties; a NaN wins), flat without `dim`. int64.
 * @example torch.tensor([4, 1, 1]).argmin() // tensor(1)
 */
export const argmin = (x: Tensor, ...args: (number | null | boolean | { dim?: number | null; keepdim?: boolean })[]): Tensor => argExtreme("min", x, args);

/**
 * Lower median: over everything (0-d; ties share the gradient; NaN if any NaN) or along `dim`
 * (`{ values, indices }`).
 * @example torch.tensor([3, 1, 2, 4]).median() // tensor(2.)
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, opts: DimKeepdim): ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  const o = parseArgs<DimKeepdim>(args, ["dim", "keepdim"]);
  if (o.dim === undefined || o.dim === null) {
    // ---- [vmap] begin ----
    if (x._batched !== undefined) return VM.reduceDims(x, [], (p) => median(p.reshape(p.shape[0], -1), 1).values);
    // ---- [vmap] end ----
    const v = x.numel() === 0 ? rawReshape(x.to("float64").sum().div(0).to(x.dtype), []) : selectAll("median", x);
    return record(ALL_SPECS.medianAll, [x], [v], undefined)[0];
  }
  return selectAlong(SPECS.medianDim, "median", "median", x, oneDim(o.dim, x.dim()), o.keepdim ?? false);
}

/**
 * The k-th smallest value along `dim` (default last) and its index (PyTorch's quickselect decides among ties).
 * @example torch.tensor([5, 1, 3]).kthvalue(2) // values tensor(3.), indices tensor(2)
 */
export function kthvalue(x: Tensor, k: number, ...args: (number | boolean | DimKeepdim)[]): ValuesIndices {
  const o = parseArgs<DimKeepdim>(args, ["dim", "keepdim"]);
  const dim = oneDim(o.dim, x.dim());
  const size = x.dim() === 0 ? 1 : x.shape[dim];
  if (!(k >= 1 && k <= size) && size > 0) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${dim}`);
  return selectAlong(SPECS.kthvalue, "kthvalue", "kthvalue", x, dim, o.keepdim ?? false, k - 1);
}

/**
 * The most frequent value along `dim` (default last; the smallest among equally frequent ones) and its last index.
 * @example torch.tensor([2, 1, 2]).mode() // values tensor(2.), indices tensor(2)
 */
export function mode(x: Tensor, ...args: (number | boolean | DimKeepdim)[]): ValuesIndices {
  const o = parseArgs<DimKeepdim>(args, ["dim", "keepdim"]);
  return selectAlong(SPECS.mode, "mode", "mode", x, oneDim(o.dim, x.dim()), o.keepdim ?? false);
}

const g = (shape: number[], opts: Parameters<typeof T>[1] = {}) => T(shape, { grad: true, ...opts });
/**
 * Rows with NaNs. `gen: "ties"` is ignored when `values` are given, but it marks the sample as one that
 * gradcheck must skip (finite differences through NaN are NaN); values and gradients are still checked vs PyTorch.
 */
export const NAN_ROW = T([2, 4], { grad: true, gen: "ties", values: [1, "nan", 3, "nan", -2, 5, 0.5, 4] });
const dimOut: OpSample = { args: [T([2, 3]), 2] };

/** Samples of the selections. */
export const SELECT_INFO: OpInfo[] = [
  ...(["max", "min"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [g([2, 3])], skipGradGrad: "the min sample has a tie, where the gradient jumps" },
      { args: [g([2, 3], { gen: "ties" })] }, { args: [g([3, 4], { gen: "ties" }), 1] },
      { args: [g([3, 4], { gen: "ties", dtype: "float64" }), -2, true] }, { args: [g([3, 4], { layout: "T" }), 1] },
      { args: [g([2, 3])], kwargs: { dim: 0, keepdim: true } }, { args: [g([2, 3]), g([3])], skipGradGrad: "x and y tie in an element" },
      { args: [NAN_ROW] }, { args: [NAN_ROW, 1] }, { args: [T([2, 3], { dtype: "int32", gen: "ties" }), 1] },
      { args: [T([5], { dtype: "int64", gen: "ties" })] }, { args: [g([])] }, { args: [g([]), 0] },
    ],
    errors: [dimOut, { args: [T([0])] }, { args: [T([2, 0]), 1] }],
  })),
  ...(["argmax", "argmin"] as const).map((name): OpInfo => ({
    name,
    samples: [
      { args: [T([3, 4], { gen: "ties" })] }, { args: [T([3, 4], { gen: "ties" }), 1] }, { args: [T([3, 4], { gen: "ties" }), -2, true] },
      { args: [T([3, 4], { gen: "ties", layout: "T" }), 0] }, { args: [NAN_ROW, 1] }, { args: [T([4], { dtype: "int32" })] },
      { args: [T([2, 3])], kwargs: { keepdim: true } }, { args: [T([2, 3], { dtype: "float64" })], kwargs: { dim: 1 } },
    ],
    errors: [dimOut, { args: [T([0])] }],
  })),
  {
    name: "median",
    samples: [
      { args: [g([2, 3])] }, { args: [g([4], { gen: "ties" })] }, { args: [g([3, 4], { gen: "ties" }), 1] },
      { args: [g([3, 4], { dtype: "float64" }), 0, true] }, { args: [g([3, 4], { layout: "T" }), -1] },
      { args: [NAN_ROW] }, { args: [NAN_ROW, 1] }, { args: [T([5], { dtype: "int64" })] }, { args: [g([2, 3])], kwargs: { dim: 0 } },
    ],
    errors: [dimOut, { args: [T([2, 0]), 1] }],
  },
  {
    name: "kthvalue",
    samples: [
      { args: [g([2, 5]), 2] }, { args: [g([7], { gen: "ties" }), 4] }, { args: [g([3, 4], { gen: "ties" }), 3, 1] },
      { args: [g([3, 4], { dtype: "float64" }), 1, 0, true] }, { args: [g([3, 4], { layout: "T" }), 2, -1] },
      { args: [NAN_ROW, 4, 1] }, { args: [T([6], { dtype: "int32", gen: "ties" }), 3] }, { args: [g([4, 3]), 4], kwargs: { dim: 0 } },
      { args: [g([9, 2], { gen: "ties" }), 5, 0] },
    ],
    errors: [{ args: [T([2, 3]), 4] }, { args: [T([2, 3]), 0] }, { args: [T([2, 3]), 1, 2] }],
  },
  {
    name: "mode",
    samples: [
      { args: [g([2, 5], { gen: "ties" })] }, { args: [g([3, 4], { gen: "ties" }), 0] }, { args: [g([3, 4], { gen: "ties", dtype: "float64" }), -1, true] },
      { args: [g([3, 4], { gen: "ties", layout: "T" }), 1] }, { args: [T([7], { dtype: "int64", gen: "ties" })] }, { args: [g([])] },
    ],
    errors: [dimOut],
  },
];
