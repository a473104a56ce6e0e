// Basic indexing (x.index(...) with numbers, slices, null, "...") plus item() and tolist().
import { IndexError, RuntimeError, ValueError } from "../errors.ts";
import type { Tensor, NestedList } from "../tensor.ts";
import { contiguousData } from "./core.ts";
import { makeView, sliceDim, unsqueeze, select } from "./movement.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { T, type OpInfo } from "./opinfo.ts";

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

/** One item of an index: number, slice, null (new axis) or "..." (ellipsis). */
export type IndexItem = number | Slice | null | "...";

/** Python's `x[items]` for basic items: every result is a view. */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  const ellipses = items.filter((it) => it === "...").length;
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  const consumed = items.filter((it) => it !== null && it !== "...").length;
  if (consumed > x.dim()) throw new IndexError(`too many indices for tensor of dimension ${x.dim()}`);
  let out = x;
  let dim = 0; // position in `out`
  let srcDim = 0; // position in `x`, as PyTorch's messages count
  for (const it of items) {
    if (it === "...") { dim += x.dim() - consumed; srcDim += x.dim() - consumed; continue; }
    if (it === null) { out = unsqueeze(out, dim); dim++; continue; }
    if (typeof it === "number") {
      if (!Number.isInteger(it)) throw new IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices");
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
      const full = it.start === null && it.stop === null && step === 1;
      if (!full) out = sliceDim(out, dim, it.start, it.stop, step);
      dim++;
      continue;
    }
    throw new TypeError(`index(): unsupported index item ${String(it)}; tensors and arrays as indices (advanced indexing) come with the op library`);
  }
  return out === x ? aliasOf(x) : out;
}

const ALIAS: GradSpec<void> = { node: "AliasBackward0", backward: ([g]) => [g] };

/** `x[...]` / `x[:]` in PyTorch return a new view of x (AliasBackward0). */
function aliasOf(x: Tensor): Tensor {
  return record(ALIAS, [x], [makeView(x, x.shape, x._strides, x._offset)], undefined)[0];
}

/** The one value of a one-element tensor: a number (a boolean for bool tensors). */
export function item(t: Tensor): number | boolean {
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
const sl = (...a: (number | null)[]) => ({ slice: a });

/** Samples of basic indexing (PyTorch's `x[...]`). */
export const INDEX_INFO: OpInfo[] = [
  {
    name: "index", method: true, py: "__getitem__",
    samples: [
      { args: [x34, 1] }, { args: [x34, -1, 2] }, { args: [x34, sl(1, null)] }, { args: [x34, sl(null, null, 2), sl(1, 3)] },
      { args: [x34, null, 0] }, { args: [x34, "...", 1] }, { args: [x34, sl(), -2] }, { args: [T([2, 3, 4], { grad: true }), 0, "...", sl(null, null, 3)] },
      { args: [T([4, 3], { grad: true, layout: "T" }), sl(0, 2), 1] }, { args: [x34, sl(5, 10)] }, { args: [x34, "..."] },
    ],
    // x[..., ...] raises only since PyTorch 2 (we follow the later behaviour; tested in test/indexing.test.ts)
    errors: [{ args: [x34, 3] }, { args: [x34, 0, 4] }, { args: [x34, 0, 0, 0] }, { args: [x34, sl(null, null, 0)] }],
  },
];
