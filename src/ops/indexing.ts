// Python's x[...] and x[...] = v: basic items (views), index tensors, masks and arrays (advanced indexing), plus item() and tolist().
import { IndexError, RuntimeError, ValueError } from "../errors.ts";
import type { Tensor, NestedList } from "../tensor.ts";
import { checkTensorArg, contiguousData, isTensor, scalarTensor } from "./core.ts";
import { clone, makeView, sliceDim, unsqueeze, select } from "./movement.ts";
import { tensor, type NestedData } from "./creation.ts";
import { applyInplace, binaryInplace, copy_, fill_ } from "./inplace.ts";
import { INDEX_DTYPE_MESSAGE, indexPutTensors, indexTensors } from "./advanced-index.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { T, type OpInfo, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Python's slice(start, stop, step); `null` is an open end. Made by `torch.slice(...)`. */
export class Slice {
  constructor(readonly start: number | null, readonly stop: number | null, readonly step: number | null) {}
  toString(): string {
    return `slice(${this.start ?? "None"}, ${this.stop ?? "None"}, ${this.step ?? "None"})`;
  }
}

/**
 * Python's `slice()`: `slice()` is `:`, `slice(stop)`, `slice(start, stop)`, `slice(start, stop, step)`.
 * @example x.index(torch.slice(1, null), 0) // x[1:, 0]
 */
export function slice(...args: (number | null)[]): Slice {
  if (args.length > 3) throw new TypeError(`slice expected at most 3 arguments, got ${args.length}`);
  if (args.length === 0) return new Slice(null, null, null);
  if (args.length === 1) return new Slice(null, args[0], null);
  return new Slice(args[0], args[1], args[2] ?? null);
}

/** Nested arrays of integers (an int64 index tensor) or of booleans (a bool mask), as Python lists in an index. */
export type NestedIndex = readonly (number | boolean | NestedIndex)[];

/**
 * One item of an index: number, slice, null (new axis), "..." (ellipsis), a boolean (Python's
 * True/False: a new axis, masked), a tensor (int64/int32: advanced indexing; bool: a mask) or nested arrays.
 */
export type IndexItem = number | boolean | Slice | null | "..." | Tensor | NestedIndex;

/** A nested array item as PyTorch reads a Python list: all booleans give a bool mask, integers an int64 index. */
function arrayIndex(a: NestedIndex): Tensor {
  const leaves = (a as unknown[]).flat(Infinity as 1) as unknown[];
  if (leaves.length > 0 && leaves.every((v) => typeof v === "boolean")) return tensor(a as NestedData, { dtype: "bool" });
  if (!leaves.every((v) => typeof v === "number" && Number.isInteger(v))) throw new IndexError(INDEX_DTYPE_MESSAGE);
  return tensor(a as NestedData, { dtype: "int64" });
}

/** Python's `x[items]` reduced to a view (numbers, slices, None, ...) and the index tensors left for it. */
interface Sliced {
  readonly view: Tensor;
  /** null: basic indexing only; else one entry per view dim up to the last index tensor (a mask covers its dims) */
  readonly indices: (Tensor | null)[] | null;
}

const INVALID_ITEM = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices";

/** PyTorch's applySlicing: basic items make a view (in order), tensors and arrays are kept for advanced indexing. */
function applySlicing(x: Tensor, rawItems: readonly IndexItem[]): Sliced {
  const items = rawItems.map((it): number | Slice | null | "..." | Tensor => {
    if (Array.isArray(it)) return arrayIndex(it as NestedIndex);
    if (typeof it === "boolean") return scalarTensor(it, "bool");
    // a 0-d integer tensor indexes like a number (a view), as in Python
    if (isTensor(it) && it.dim() === 0 && (it.dtype === "int64" || it.dtype === "int32")) return it.item();
    return it as number | Slice | null | "..." | Tensor;
  });
  const ellipses = items.filter((it) => it === "...").length;
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  const width = (it: (typeof items)[number]) => (it === null || it === "..." ? 0 : isTensor(it) && it.dtype === "bool" ? it.dim() : 1);
  const consumed = items.reduce<number>((n, it) => n + width(it), 0);
  if (consumed > x.dim()) throw new IndexError(`too many indices for tensor of dimension ${x.dim()}`);
  let out = x;
  let dim = 0; // position in `out`
  let srcDim = 0; // position in `x`, as PyTorch's messages count
  const advanced = new Map<number, Tensor>();
  for (const it of items) {
    if (it === "...") { dim += x.dim() - consumed; srcDim += x.dim() - consumed; continue; }
    if (it === null) { out = unsqueeze(out, dim); dim++; continue; }
    if (typeof it === "number") {
      if (!Number.isInteger(it)) throw new IndexError(INVALID_ITEM);
      const size = out.shape[dim];
      if (it < -size || it >= size) throw new IndexError(`index ${it} is out of bounds for dimension ${srcDim} with size ${size}`);
      out = select(out, dim, it);
      srcDim++;
      continue;
    }
    if (it instanceof Slice) {
      const step = it.step ?? 1;
      if (step === 0) throw new ValueError("slice step cannot be zero");
      if (step < 0) throw new ValueError("step must be greater than zero");
      srcDim++;
      // a view even when it spans the whole dim, as in PyTorch (x[:, i] is select over SliceBackward0)
      out = sliceDim(out, dim, it.start, it.stop, step);
      dim++;
      continue;
    }
    if (isTensor(it)) {
      if (it.dtype === "bool" && it.dim() === 0) {
        // Python's x[True]: a new axis of size 1, kept (or dropped) by a one-element mask
        out = unsqueeze(out, dim);
        advanced.set(dim, it.reshape([1]));
        dim++;
        continue;
      }
      advanced.set(dim, it);
      dim += width(it);
      srcDim += width(it);
      continue;
    }
    throw new TypeError(`index(): unsupported index item ${String(it)}`);
  }
  if (advanced.size === 0) return { view: out, indices: null };
  const indices: (Tensor | null)[] = [];
  const last = Math.max(...advanced.keys());
  for (let d = 0; d <= last;) {
    const t = advanced.get(d) ?? null;
    indices.push(t);
    d += t === null ? 1 : width(t);
  }
  return { view: out, indices };
}

/**
 * Python's `x[items]`. Numbers, slices, null and "..." give a view; tensors and arrays
 * (advanced indexing) give a copy, recorded as IndexBackward0.
 * @example x.index(1, torch.slice(null, null, 2)) // x[1, ::2]
 * @example x.index(torch.tensor([0, 0, 2])); x.index(x.gt(0)); x.index(torch.slice(), [1, 0]) // x[[0, 0, 2]], x[x > 0], x[:, [1, 0]]
 */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, ...items]) > 0 && VM.basicIndexRuleApplies(items)) return VM.indexRule(x, items, (p, its) => index(p, its as IndexItem[]));
  // ---- [vmap] end ----
  const lone = items.length === 1 ? items[0] : undefined;
  if (lone instanceof Slice && lone.start === null && lone.stop === null && (lone.step ?? 1) === 1) return aliasOf(x);
  const { view, indices } = applySlicing(x, items);
  if (indices !== null) return indexTensors(view, indices);
  return view === x ? aliasOf(x) : view;
}

/** `accumulate` given positionally or in an options object (API.md). */
export type AccumulateArg = boolean | { readonly accumulate?: boolean };

function valuesTensor(x: Tensor, values: Tensor | number | boolean): Tensor {
  if (typeof values === "number" || typeof values === "boolean") {
    // a Python scalar converted to x's dtype: integers truncate toward zero (int64 storage would keep the fraction)
    const v = typeof values === "number" && (x.dtype === "int64" || x.dtype === "int32") ? Math.trunc(values) : values;
    return scalarTensor(v, x.dtype);
  }
  checkTensorArg("index_put_", "values", 2, values);
  // Python's setitem drops the value's leading dims of size 1
  let lead = 0;
  while (lead < values.dim() && values.shape[lead] === 1) lead++;
  return lead === 0 ? values : values.reshape(values.shape.slice(lead));
}

/**
 * Python's `x[items] = values` (and `x[items] += values` with `accumulate`, where repeated
 * positions add up): in place, returns x. Basic items write through a view (copy_, recorded
 * as CopySlices); index tensors write with index_put_ (IndexPutBackward0).
 * @example x.indexPut_([0, torch.slice(1)], torch.ones(3)) // x[0, 1:] = 1
 * @example x.indexPut_([torch.tensor([0, 0])], torch.tensor(1.0), true) // x[0] += 2
 */
export function indexPut_<T extends Tensor>(x: T, items: readonly IndexItem[], values: Tensor | number | boolean, accumulate: AccumulateArg = false): T {
  const acc = typeof accumulate === "boolean" ? accumulate : (accumulate.accumulate ?? false);
  const { view, indices } = applySlicing(x, items);
  const v = valuesTensor(x, values);
  if (indices !== null) {
    applyInplace(view, [v], (old) => indexPutTensors(old, indices, v, acc));
  } else if (acc) {
    binaryInplace(view, "add", v, 1);
  } else if (v.dim() === 0 && view.dim() !== 0) {
    fill_(view, v); // PyTorch's copy_to: a 0-d value fills
  } else {
    copy_(view, v);
  }
  return x;
}

/**
 * Out-of-place `indexPut_`: a copy of x with `values` written (or added) at `items`.
 * With index tensors alone it is PyTorch's `torch.index_put` (IndexPutBackward0).
 * @example torch.indexPut(x, [torch.tensor([0, 2])], torch.tensor([1.0, 2.0]))
 */
export function indexPut(x: Tensor, items: readonly IndexItem[], values: Tensor | number | boolean, accumulate: AccumulateArg = false): Tensor {
  const acc = typeof accumulate === "boolean" ? accumulate : (accumulate.accumulate ?? false);
  const { view, indices } = applySlicing(x, items);
  if (view === x && indices !== null) return indexPutTensors(x, indices, valuesTensor(x, values), acc);
  return indexPut_(clone(x), items, values, acc);
}

const ALIAS: GradSpec<void> = { node: "AliasBackward0", backward: ([g]) => [g], jvp: ([t]) => [t] };

/** `x[...]` / `x[:]` in PyTorch return a new view of x (AliasBackward0). */
function aliasOf(x: Tensor): Tensor {
  return record(ALIAS, [x], [makeView(x, x.shape, x._strides, x._offset)], undefined)[0];
}

/** The one value of a one-element tensor: a number (a boolean for bool tensors). */
export function item(t: Tensor): number | boolean {
  // ---- [vmap] begin ----
  if (t._batched !== undefined) throw new RuntimeError("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() on a Tensor, please try to rewrite what you're doing with other operations. If error is occurring somewhere inside PyTorch internals, please file a bug report.");
  // ---- [vmap] end ----
  const n = t.numel();
  if (n !== 1) throw new RuntimeError(`a Tensor with ${n} elements cannot be converted to Scalar`);
  const v = t._storage.data[t._offset];
  return t.dtype === "bool" ? v !== 0 : v;
}

/** Nested arrays of the elements (numbers; booleans for bool). */
export function tolist(t: Tensor): NestedList {
  const data = contiguousData(t);
  const conv = t.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  if (t.dim() === 0) return conv(data[0]);
  let pos = 0;
  const build = (d: number): NestedList[] => {
    const out: NestedList[] = [];
    for (let i = 0; i < t.shape[d]; i++) out.push(d === t.dim() - 1 ? conv(data[pos++]) : build(d + 1));
    return out;
  };
  return build(0);
}

const x34 = T([3, 4], { grad: true });
const x234 = T([2, 3, 4], { grad: true });
const sl = (...a: (number | null)[]) => ({ slice: a });
/** An int64 index tensor with these values (1-d, or the given shape). */
const I = (values: number[], shape: number[] = [values.length]) => T(shape, { dtype: "int64", values });
const mask = (shape: number[], values?: number[]) => T(shape, { dtype: "bool", ...(values ? { values } : {}) });
const plain = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, opts);
const f64 = { dtype: "float64", grad: true } as const;

/** Samples of Python's `x[...]`: basic items (views) and advanced indexing (copies), and their errors. */
export const INDEX_INFO: OpInfo[] = [
  {
    name: "index", method: true, py: "__getitem__",
    samples: [
      { args: [x34, 1] }, { args: [x34, -1, 2] }, { args: [x34, sl(1, null)] }, { args: [x34, sl(null, null, 2), sl(1, 3)] },
      { args: [x34, null, 0] }, { args: [x34, "...", 1] }, { args: [x34, sl(), -2] }, { args: [T([2, 3, 4], { grad: true }), 0, "...", sl(null, null, 3)] },
      { args: [T([4, 3], { grad: true, layout: "T" }), sl(0, 2), 1] }, { args: [x34, sl(5, 10)] }, { args: [x34, "..."] },
      // advanced indexing: masks, int tensors (duplicates: gradients add up), negative positions
      { args: [x34, mask([3, 4])] }, { args: [x34, sl(), mask([4], [1, 0, 1, 1])] }, { args: [x234, sl(), mask([3, 4])] },
      { args: [x34, I([2, 0, 2])] }, { args: [x34, I([-1, 0]), I([-2, 3])] }, { args: [T([3, 4], f64), I([1, 1, -3])] },
      // mixed with slices: adjacent index tensors stay in place, separated ones go first
      { args: [x234, 1, sl(1, null), I([0, 3, 3])] }, { args: [x234, sl(), I([0, 2]), I([1, 3])] },
      { args: [x234, I([1, 0]), sl(), I([3, 1])] }, { args: [x234, I([0, 1], [2, 1]), sl(), I([0, 2, 3])] },
      { args: [x234, "...", I([0, 3])] }, { args: [x34, null, I([0, 2])] }, { args: [x34, I([2], []), I([0, 2])] },
      // arrays as Python lists (int64 indices, bool masks), Python's True
      { args: [x34, [2, 0]] }, { args: [x34, [[0, 1], [2, 2]]] }, { args: [x34, sl(), [true, false, true, false]] }, { args: [x34, true] },
      // non-contiguous input; integer input
      { args: [T([4, 3], { grad: true, layout: "T" }), I([0, 3, 0]), sl(1, null)] }, { args: [T([3, 4], { dtype: "int64" }), I([0, 2])] },
    ],
    // x[..., ...] raises only since PyTorch 2 (we follow the later behaviour; tested in test/indexing.test.ts)
    errors: [
      { args: [x34, 3] }, { args: [x34, 0, 4] }, { args: [x34, 0, 0, 0] }, { args: [x34, sl(null, null, 0)] },
      { args: [x34, mask([2])] }, { args: [x34, 0, mask([3])] }, { args: [x234, sl(), mask([3, 3])] }, { args: [x34, I([5])] },
      { args: [x34, sl(), I([0, -5])] }, { args: [x34, I([0, 1]), I([0, 1, 2])] }, { args: [x34, 0, 0, I([0])] },
    ],
  },
  {
    name: "indexPut_", method: true, py: "index_put_",
    samples: [
      { args: [plain([3, 4]), [I([0, 2])], T([2, 4], { grad: true })] },
      { args: [plain([3, 4]), [I([0, 0, 2])], T([3, 4], { grad: true }), true] },
      { args: [plain([3, 4]), [I([1, 2]), I([0, 3])], T([1], { grad: true })] },
      { args: [plain([3, 4]), [I([0, 2])], T([4], { grad: true })] },
      { args: [plain([3, 4]), [mask([3, 4])], T([], { grad: true })] },
      { args: [plain([4, 3], { layout: "T" }), [I([1, 3, 1]), I([0, 2, 0])], T([3], { grad: true }), true] },
      { args: [plain([3, 4], { dtype: "float64" }), [I([-1, -1]), I([0, -4])], T([2], f64), true] },
      { args: [plain([3, 4], { dtype: "int64" }), [I([1])], T([1], { dtype: "int64" }), true] },
    ],
    errors: [
      { args: [T([3], { grad: true }), [I([0])], T([])] },
      { args: [plain([3, 4]), [I([0, 0])], T([3])] },
      { args: [plain([3]), [I([0])], T([], { dtype: "float64" })] },
      { args: [plain([3, 4]), [I([0]), I([9])], T([])] },
      { args: [plain([3, 4]), [mask([4])], T([])] },
    ],
  },
  {
    name: "indexPut", py: "torch.index_put",
    samples: [
      { args: [T([3, 4], { grad: true }), [I([0, 2])], T([2, 4], { grad: true })] },
      { args: [T([3, 4], { grad: true }), [I([0, 0, 1]), I([1, 1, 3])], T([3], { grad: true }), true] },
      { args: [T([3, 4], { grad: true }), [mask([3, 4])], T([], { grad: true })] },
      { args: [T([4, 3], { grad: true, layout: "T" }), [I([1]), I([2])], T([1], { grad: true })] },
      { args: [T([3], f64), [I([-1, 0, -1])], T([], f64), true] },
      { args: [plain([3]), [I([1])], T([1], { grad: true })] },
    ],
    errors: [
      { args: [T([3, 4]), [I([0, 1])], T([2, 3])] },
      { args: [T([3], { dtype: "float64" }), [I([0])], T([])] },
      { args: [T([3]), [I([-4])], T([])] },
    ],
  },
];
