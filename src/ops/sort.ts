// Sorting: sort, argsort, topk (gradient to the returned indices) and unique (not differentiable, as in PyTorch).
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { IndexError, NotImplementedError, RuntimeError } from "../errors.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { contiguousData, emptyTensor, kview } from "./core.ts";
import { oneDim, parseArgs, selectionSpec } from "./along.ts";
import { valuesIndices, type ValuesIndices } from "./named-tuple.ts";
import { NAN_ROW } from "./select.ts";
import { T, type OpInfo } from "./opinfo.ts";

/** Options of sort / argsort. */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** accepted for PyTorch's signature: the sort is always stable here (as PyTorch's CPU sort) */
  stable?: boolean;
}

/** Options of topk. */
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** Options of unique. */
export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}

const SPECS = {
  sort: selectionSpec("SortBackward0"),
  // the `stable` overload of sort (any call passing `stable`) is PyTorch's sort.stable
  sortStable: selectionSpec("SortBackward1"),
  topk: selectionSpec("TopkBackward0"),
};

/** Runs the sort kernel: values and int64 indices of x's shape. */
function sortKernel(x: Tensor, dim: number, descending: boolean): [Tensor, Tensor] {
  const values = emptyTensor(x.shape, x.dtype);
  const indices = emptyTensor(x.shape, "int64");
  backend().sort(kview(x), dim, descending, kview(values), kview(indices));
  return [values, indices];
}

/**
 * Sorts along `dim` (default last), stably; NaN sorts as the largest value. Returns `{ values, indices }`.
 * @example const { values, indices } = torch.tensor([3, 1, 2]).sort(); // [1, 2, 3], [1, 2, 0]
 */
export function sort(x: Tensor, ...args: (number | boolean | SortOptions)[]): ValuesIndices {
  const o = parseArgs<SortOptions>(args, ["dim", "descending"]);
  const dim = oneDim(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => sort(p, { ...o, dim: d }));
  // ---- [vmap] end ----
  const [values, indices] = sortKernel(x, dim, o.descending ?? false);
  record(o.stable === undefined || o.stable === null ? SPECS.sort : SPECS.sortStable, [x], [values, indices], { dim, keepdim: true, inShape: x.shape });
  return valuesIndices(values, indices);
}

/**
 * The indices that sort `x` along `dim` (int64).
 * @example torch.tensor([3, 1, 2]).argsort() // tensor([1, 2, 0])
 */
export function argsort(x: Tensor, ...args: (number | boolean | SortOptions)[]): Tensor {
  const o = parseArgs<SortOptions>(args, ["dim", "descending"]);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [oneDim(o.dim, x.dim())], (p, [d]) => argsort(p, { ...o, dim: d }));
  // ---- [vmap] end ----
  return sortKernel(x, oneDim(o.dim, x.dim()), o.descending ?? false)[1];
}

/**
 * The `k` largest (or smallest) elements along `dim` (default last), in sorted order. Among equal
 * values PyTorch's choice depends on its partial sort; here it is the first ones.
 * @example torch.tensor([1, 5, 3]).topk(2) // values [5, 3], indices [1, 2]
 */
export function topk(x: Tensor, k: number, ...args: (number | boolean | TopkOptions)[]): ValuesIndices {
  const o = parseArgs<TopkOptions>(args, ["dim", "largest", "sorted"]);
  const dim = oneDim(o.dim, x.dim());
  const size = x.dim() === 0 ? 1 : x.shape[dim];
  if (!Number.isInteger(k) || k < 0 || k > size) throw new RuntimeError("selected index k out of range");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [d]) => topk(p, k, { ...o, dim: d }));
  // ---- [vmap] end ----
  const [sv, si] = sortKernel(x, dim, o.largest ?? true);
  const take = (t: Tensor) => (x.dim() === 0 ? t : t.narrow(dim, 0, k).contiguous());
  const values = take(sv), indices = take(si);
  record(SPECS.topk, [x], [values, indices], { dim, keepdim: true, inShape: x.shape });
  return valuesIndices(values, indices);
}

const UNIQUE_SPEC: GradSpec<void> = {
  node: "Unique2Backward0",
  backward: () => { throw new NotImplementedError("the derivative for '_unique2' is not implemented."); },
};

const UNIQUE_DIM_SPEC: GradSpec<void> = {
  node: "UniqueDimBackward0",
  backward: () => { throw new NotImplementedError("the derivative for 'unique_dim' is not implemented."); },
};

/** An int64 tensor holding `values` (1-D). */
function int64Tensor(values: readonly number[]): Tensor {
  const t = emptyTensor([values.length], "int64");
  t._storage.data.set(values);
  return t;
}

/** PyTorch's tuple: output, then inverse and counts where asked for. */
function uniqueResult(output: Tensor, inverse: Tensor, counts: Tensor, o: Partial<UniqueOptions>): Tensor | Tensor[] {
  if (!o.returnInverse && !o.returnCounts) return output;
  const result = [output];
  if (o.returnInverse) result.push(inverse);
  if (o.returnCounts) result.push(counts);
  return result;
}

/**
 * Lexicographic order of the slices `a` and `b` (rows of `len` values in `data`); NaN sorts last.
 * Returns 0 for rows that compare equal element by element.
 */
function compareRows(data: ArrayLike<number>, len: number, a: number, b: number): number {
  for (let k = 0; k < len; k++) {
    const va = data[a * len + k], vb = data[b * len + k];
    if (va < vb) return -1;
    if (va > vb) return 1;
    if (va !== vb) { // at least one NaN
      const na = Number.isNaN(va), nb = Number.isNaN(vb);
      if (na !== nb) return na ? 1 : -1;
    }
  }
  return 0;
}

/** Rows `a` and `b` hold equal values (NaN equals nothing, as PyTorch's ==). */
function rowsEqual(data: ArrayLike<number>, len: number, a: number, b: number): boolean {
  for (let k = 0; k < len; k++) if (data[a * len + k] !== data[b * len + k]) return false;
  return true;
}

/** unique along `dim`: the distinct slices x.select(dim, i), sorted lexicographically (PyTorch's unique_dim). */
function uniqueDim(x: Tensor, dim: number, o: Partial<UniqueOptions>): Tensor | Tensor[] {
  if (x.dim() === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = oneDim(dim, x.dim());
  const zeroDims = x.shape.filter((s) => s === 0).length;
  if (x.shape[d] === 0) {
    if (zeroDims !== 1) throw new RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ");
    const empty = emptyTensor(x.shape, x.dtype);
    record(UNIQUE_DIM_SPEC, [x], [empty], undefined);
    return uniqueResult(empty, int64Tensor([]), int64Tensor([]), o);
  }
  if (zeroDims > 0) throw new RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
  const n = x.shape[d];
  const rows = contiguousData(x.movedim(d, 0).contiguous());
  const len = rows.length / n;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareRows(rows, len, a, b) || a - b);
  const firsts: number[] = [], counts: number[] = [];
  const inverse = new Array<number>(n);
  order.forEach((r, j) => {
    if (j === 0 || !rowsEqual(rows, len, r, order[j - 1])) { firsts.push(r); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[r] = firsts.length - 1;
  });
  const output = noGrad(() => x.indexSelect(d, int64Tensor(firsts)).contiguous());
  record(UNIQUE_DIM_SPEC, [x], [output], undefined);
  return uniqueResult(output, int64Tensor(inverse), int64Tensor(counts), o);
}

/**
 * The distinct values of `x` (flattened), sorted (NaNs are never merged); with `returnInverse` and
 * `returnCounts`, an array `[output, inverse?, counts?]` as PyTorch's tuple. With `dim`, the distinct
 * slices along `dim`, sorted lexicographically (inverse and counts then index those slices).
 * `sorted` is accepted for PyTorch's signature: the result is always sorted, as PyTorch's CPU unique.
 * @example torch.unique(torch.tensor([2, 1, 2])) // tensor([1., 2.])
 * @example torch.unique(torch.tensor([[1, 2], [0, 5], [1, 2]]), { dim: 0 }) // tensor([[0, 5], [1, 2]])
 */
export function unique(x: Tensor, ...args: (boolean | number | null | UniqueOptions)[]): Tensor | Tensor[] {
  const o = parseArgs<UniqueOptions>(args, ["sorted", "returnInverse", "returnCounts", "dim"]);
  if (o.dim !== undefined && o.dim !== null) return uniqueDim(x, o.dim, o);
  const flat = x.reshape(-1);
  const [sv, si] = sortKernel(flat, 0, false);
  const vals = contiguousData(sv), order = contiguousData(si);
  const out: number[] = [], counts: number[] = [];
  const inverse = new Array<number>(vals.length);
  for (let j = 0; j < vals.length; j++) {
    if (j === 0 || vals[j] !== vals[j - 1]) { out.push(vals[j]); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[order[j]] = out.length - 1;
  }
  const output = emptyTensor([out.length], x.dtype);
  output._storage.data.set(out);
  record(UNIQUE_SPEC, [x], [output], undefined);
  const inv = emptyTensor(x.shape, "int64");
  inv._storage.data.set(inverse);
  return uniqueResult(output, inv, int64Tensor(counts), o);
}

const g = (shape: number[], opts: Parameters<typeof T>[1] = {}) => T(shape, { grad: true, ...opts });

/**
 * Samples of the sorting ops. topk has no ties (PyTorch's choice among equal values follows its partial
 * sort); unique has no NaN (PyTorch 1.13 returns NaNs first or in the middle, with wrong counts).
 */
export const SORT_INFO: OpInfo[] = [
  {
    name: "sort",
    samples: [
      { args: [g([2, 5])] }, { args: [g([7], { gen: "ties" })] }, { args: [g([3, 4], { gen: "ties" }), 0] },
      { args: [g([3, 4], { gen: "ties", dtype: "float64" }), -1, true] }, { args: [g([3, 4], { layout: "T" }), 1] },
      { args: [NAN_ROW] }, { args: [NAN_ROW], kwargs: { descending: true } }, { args: [T([6], { dtype: "int32", gen: "ties" })] },
      { args: [g([2, 3])], kwargs: { dim: 0, descending: true, stable: true } }, { args: [g([])] },
    ],
    errors: [{ args: [T([2, 3]), 2] }],
  },
  {
    name: "argsort",
    samples: [
      { args: [T([7], { gen: "ties" })] }, { args: [T([3, 4], { gen: "ties" }), 0, true] }, { args: [T([3, 4], { layout: "T" })] },
      { args: [NAN_ROW, 1] }, { args: [T([5], { dtype: "int64" })], kwargs: { descending: true } },
    ],
    errors: [{ args: [T([2, 3]), -3] }],
  },
  {
    name: "topk",
    samples: [
      { args: [g([2, 5]), 2] }, { args: [g([3, 4], { values: [0.5, -1, 2, 3, 1.5, 4, -2, 0, 2.5, 1, -0.5, 5] }), 2, 0] }, { args: [g([3, 4], { dtype: "float64" }), 3, -1, false] },
      { args: [g([4, 3], { layout: "T" }), 1, 1] }, { args: [g([2, 4], { gen: "ties", values: [1, "nan", 3, 2, -2, 5, 0.5, 4] }), 2] },
      { args: [T([6], { dtype: "int32", values: [4, -1, 3, 0, 2, 5] }), 3] }, { args: [g([2, 5]), 3], kwargs: { largest: false, sorted: true } },
      { args: [g([2, 5]), 0] }, { args: [g([]), 1] },
    ],
    errors: [{ args: [T([2, 3]), 4] }, { args: [T([2, 3]), -1] }, { args: [T([2, 3]), 1, 2] }],
  },
  {
    name: "unique",
    samples: [
      { args: [T([7], { gen: "ties" })] }, { args: [T([3, 4], { gen: "ties", dtype: "int64" })], kwargs: { returnInverse: true, returnCounts: true } },
      { args: [T([2, 3], { gen: "ties", layout: "T" })], kwargs: { returnCounts: true } }, { args: [T([5], { dtype: "bool" }), true, true] },
      // along a dim: duplicate slices, lexicographic order decided by a later element, dims 0 / 1 / -1 / middle
      { args: [T([4, 3], { dtype: "int64", values: [3, 1, 2, 1, 5, 0, 3, 1, 2, 1, 4, 9] })], kwargs: { dim: 0, returnInverse: true, returnCounts: true } },
      { args: [T([3, 4], { values: [2, 1, 2, 0, 5, -1, 5, 5, 0.5, 3, 0.5, 0.5] })], kwargs: { dim: 1, returnInverse: true, returnCounts: true } },
      { args: [T([2, 3, 2], { dtype: "float64", values: [1, 2, 0, 1, 1, 2, 3, 4, 7, 7, 3, 4] })], kwargs: { dim: 1, returnInverse: true } },
      { args: [T([3, 4], { values: [1, 0, 1, 2, 1, 0, 1, 2, -1, 0, -1, 2] }), false, false, true, -1] },
      { args: [T([3, 3], { layout: "T", values: [1, 2, 1, 0, 0, 0, 1, 2, 1] })], kwargs: { dim: 0, returnCounts: true } },
      { args: [T([4, 2], { dtype: "bool", values: [1, 0, 0, 1, 1, 0, 1, 1] })], kwargs: { dim: 0, returnInverse: true, returnCounts: true } },
      { args: [T([2, 5], { dtype: "int32", gen: "ties" })], kwargs: { dim: 0, returnCounts: true } },
      { args: [T([3, 0])], kwargs: { dim: 1, returnInverse: true, returnCounts: true } },
    ],
    errors: [
      { args: [T([2, 3])], kwargs: { dim: 2 } }, { args: [T([])], kwargs: { dim: 0 } },
      { args: [T([0, 3])], kwargs: { dim: 1 } }, { args: [T([0, 0])], kwargs: { dim: 0 } },
    ],
  },
];
