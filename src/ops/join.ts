// Joining and splitting: cat, stack, hstack, vstack, and split, chunk, unbind (one multi-output node of views).
import { promoteTypes, type DType } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { normalizeDim, shapeEquals, shapeText, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, isOptions } from "./core.ts";
import { makeView } from "./movement.ts";
import { rawCopy, rawNarrow, rawSelect } from "./raw-view.ts";
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { linearJvp } from "./jvp-rules.ts";

interface JoinParams {
  readonly dim: number;
  /** each input's (cat) or output's (split) extent along dim */
  readonly sizes: readonly number[];
  /** the shape each piece has (split/unbind outputs, cat inputs) */
  readonly shapes: readonly Shape[];
}

/** Legacy rule kept by PyTorch: a 1-D empty tensor is skipped by cat whatever the other shapes. */
const isLegacyEmpty = (t: Tensor) => t.dim() === 1 && t.shape[0] === 0;

const SPECS = {
  // d cat: each input gets its slice of g
  cat: {
    node: "CatBackward0",
    jvp: linearJvp((ts, p) => cat(ts, p.dim)),
    backward: ([g], _s, p) => {
      let at = 0;
      return p.sizes.map((n, i) => {
        if (p.shapes[i].length === 1 && p.shapes[i][0] === 0) return emptyTensor([0], g.dtype);
        at += n;
        return g.narrow(p.dim, at - n, n);
      });
    },
  },
  // d stack: input i gets g.select(dim, i)
  stack: { node: "StackBackward0", backward: ([g], _s, p) => p.sizes.map((_, i) => g.select(p.dim, i)), jvp: linearJvp((ts, p) => stack(ts, p.dim)) },
  // d split = cat of the output gradients
  split: { node: "SplitBackward0", backward: (grads, _s, p) => [cat(grads, p.dim)], jvp: linearJvp(([t], p) => split(t, p.sizes, p.dim)) },
  splitWithSizes: { node: "SplitWithSizesBackward0", backward: (grads, _s, p) => [cat(grads, p.dim)], jvp: linearJvp(([t], p) => split(t, p.sizes, p.dim)) },
  // d unbind = stack of the output gradients
  unbind: { node: "UnbindBackward0", backward: (grads, _s, p) => [stack(grads, p.dim)], jvp: linearJvp(([t], p) => unbind(t, p.dim)) },
} satisfies Record<string, GradSpec<JoinParams>>;

/** `(dim?)` or `({ dim })` after a tensor list or a tensor. */
function dimArg(arg: number | { dim?: number } | undefined, fallback = 0): number {
  if (isOptions(arg)) return arg.dim ?? fallback;
  return arg ?? fallback;
}

function checkList(fn: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) throw new TypeError(`${fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${typeof tensors}`);
  tensors.forEach((t, i) => checkTensorArg(fn, `tensors[${i}]`, 1, t));
}

const promoteAll = (ts: readonly Tensor[]): DType => ts.map((t) => t.dtype).reduce(promoteTypes);

/**
 * Concatenates tensors along an existing dim (dtype promoted across inputs, as PyTorch).
 * @example torch.cat([torch.zeros(2, 3), torch.ones(1, 3)]) // shape [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim?: number | { dim?: number }): Tensor {
  checkList("cat", tensors);
  if (tensors.length === 0) throw new RuntimeError("torch.cat(): expected a non-empty list of Tensors");
  tensors.forEach((t, i) => { if (t.dim() === 0) throw new RuntimeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`); });
  const dtype = promoteAll(tensors);
  const ref = tensors.find((t) => !isLegacyEmpty(t));
  if (ref === undefined) return record(SPECS.cat, tensors, [emptyTensor([0], dtype)], { dim: 0, sizes: tensors.map(() => 0), shapes: tensors.map((t) => t.shape) })[0];
  const d = normalizeDim(dimArg(dim), ref.dim());
  tensors.forEach((t, i) => {
    if (isLegacyEmpty(t)) return;
    if (t.dim() !== ref.dim()) throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`);
    t.shape.forEach((s, k) => {
      if (k !== d && s !== ref.shape[k]) {
        throw new RuntimeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${s} for tensor number ${i} in the list.`);
      }
    });
  });
  // ---- [vmap] begin ----
  if (VM.maxLevel(tensors) > 0) return VM.joinRule(tensors, d, (ps, pd) => cat(ps, pd));
  // ---- [vmap] end ----
  const sizes = tensors.map((t) => (isLegacyEmpty(t) ? 0 : t.shape[d]));
  const shape = [...ref.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  const out = emptyTensor(shape, dtype);
  let at = 0;
  tensors.forEach((t, i) => {
    if (sizes[i] > 0) rawCopy(t, rawNarrow(out, d, at, sizes[i]));
    at += sizes[i];
  });
  return record(SPECS.cat, tensors, [out], { dim: d, sizes, shapes: tensors.map((t) => t.shape) })[0];
}

/**
 * Joins equally shaped tensors along a new dim.
 * @example torch.stack([torch.zeros(3), torch.ones(3)], 1) // shape [3, 2]
 */
export function stack(tensors: readonly Tensor[], dim?: number | { dim?: number }): Tensor {
  checkList("stack", tensors);
  if (tensors.length === 0) throw new RuntimeError("stack expects a non-empty TensorList");
  const first = tensors[0];
  const d = normalizeDim(dimArg(dim), first.dim() + 1);
  tensors.forEach((t, i) => {
    if (!shapeEquals(t.shape, first.shape)) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${shapeText(first.shape)} at entry 0 and ${shapeText(t.shape)} at entry ${i}`);
    }
  });
  // ---- [vmap] begin ----
  if (VM.maxLevel(tensors) > 0) return VM.joinRule(tensors, d, (ps, pd) => stack(ps, pd));
  // ---- [vmap] end ----
  const shape = [...first.shape];
  shape.splice(d, 0, tensors.length);
  const out = emptyTensor(shape, promoteAll(tensors));
  tensors.forEach((t, i) => rawCopy(t, rawSelect(out, d, i)));
  return record(SPECS.stack, tensors, [out], { dim: d, sizes: tensors.map(() => 1), shapes: tensors.map((t) => t.shape) })[0];
}

/**
 * Concatenates column-wise: along dim 1, or dim 0 for 1-D inputs (0-d inputs count as 1-D).
 * @example torch.hstack([torch.zeros(2), torch.ones(3)]) // shape [5]
 */
export function hstack(tensors: readonly Tensor[]): Tensor {
  checkList("hstack", tensors);
  if (tensors.length === 0) throw new RuntimeError("hstack expects a non-empty TensorList");
  const ts = tensors.map((t) => (t.dim() === 0 ? t.reshape(1) : t));
  return cat(ts, ts[0].dim() === 1 ? 0 : 1);
}

/**
 * Concatenates row-wise: along dim 0 after making every input at least 2-D.
 * @example torch.vstack([torch.zeros(3), torch.ones(3)]) // shape [2, 3]
 */
export function vstack(tensors: readonly Tensor[]): Tensor {
  checkList("vstack", tensors);
  if (tensors.length === 0) throw new RuntimeError("vstack expects a non-empty TensorList");
  return cat(tensors.map((t) => (t.dim() === 0 ? t.reshape(1, 1) : t.dim() === 1 ? t.unsqueeze(0) : t)), 0);
}

/** Views of `x` cut along `d` at `sizes`, recorded as one multi-output node whose outputs refuse in-place ops. */
function splitViews(x: Tensor, d: number, sizes: readonly number[], spec: GradSpec<JoinParams>): Tensor[] {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d], (p, [pd]) => splitViews(p, pd, sizes, spec));
  // ---- [vmap] end ----
  let at = 0;
  const outs = sizes.map((n) => {
    const shape = [...x.shape];
    shape[d] = n;
    const v = makeView(x, shape, x._strides, x._offset + at * x._strides[d]);
    at += n;
    return v;
  });
  return markMultiOutput(record(spec, [x], outs, { dim: d, sizes, shapes: outs.map((o) => o.shape) }));
}

function markMultiOutput(outs: Tensor[]): Tensor[] {
  for (const o of outs) o._multiOutputView = o._gradFn !== null;
  return outs;
}

function splitSizes(dimSize: number, splitSize: number): number[] {
  if (splitSize === 0) return [dimSize];
  const n = Math.max(Math.ceil(dimSize / splitSize), 1);
  return Array.from({ length: n }, (_, i) => (i < n - 1 ? splitSize : dimSize - splitSize * (n - 1)));
}

/**
 * Splits into views of `splitSize` along `dim` (the last may be smaller), or of the given sizes.
 * @example torch.arange(5).split(2) // sizes 2, 2, 1;  x.split([1, 4])
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim?: number | { dim?: number }): Tensor[] {
  if (x.dim() === 0) throw new RuntimeError("split expects at least a 1-dimensional tensor");
  const d = normalizeDim(dimArg(dim), x.dim());
  const dimSize = x.shape[d];
  if (typeof splitSizeOrSections === "number") {
    const s = splitSizeOrSections;
    if (s < 0) throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${s}`);
    if (s === 0 && dimSize !== 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${dimSize}`);
    return splitViews(x, d, splitSizes(dimSize, s), SPECS.split);
  }
  const sizes = [...splitSizeOrSections];
  if (sizes.some((s) => s < 0)) throw new RuntimeError(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${shapeText(sizes)}`);
  if (sizes.reduce((a, b) => a + b, 0) !== dimSize) {
    throw new RuntimeError(`split_with_sizes expects split_sizes to sum exactly to ${dimSize} (input tensor's size at dimension ${d}), but got split_sizes=${shapeText(sizes)}`);
  }
  return splitViews(x, d, sizes, SPECS.splitWithSizes);
}

/**
 * Splits into `chunks` views of equal size along `dim` (the last may be smaller; fewer when they run out).
 * @example torch.arange(5).chunk(2) // sizes 3, 2
 */
export function chunk(x: Tensor, chunks: number, dim?: number | { dim?: number }): Tensor[] {
  if (x.dim() === 0) throw new RuntimeError("chunk expects at least a 1-dimensional tensor");
  if (chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(dimArg(dim), x.dim());
  const dimSize = x.shape[d];
  const size = Math.ceil(dimSize / chunks);
  if (size === 0 && dimSize === 0) return splitViews(x, d, new Array<number>(chunks).fill(0), SPECS.splitWithSizes);
  return splitViews(x, d, splitSizes(dimSize, size), SPECS.split);
}

/**
 * Removes a dim, returning the views along it.
 * @example const [a, b] = torch.zeros(2, 3).unbind() // two views of shape [3]
 */
export function unbind(x: Tensor, dim?: number | { dim?: number }): Tensor[] {
  if (x.dim() === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
  const d = normalizeDim(dimArg(dim), x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d], (p, [pd]) => unbind(p, pd));
  // ---- [vmap] end ----
  const outs = Array.from({ length: x.shape[d] }, (_, i) => {
    const r = rawSelect(x, d, i);
    return makeView(x, r.shape, r._strides, r._offset);
  });
  return markMultiOutput(record(SPECS.unbind, [x], outs, { dim: d, sizes: outs.map(() => 1), shapes: outs.map((o) => o.shape) }));
}

const x = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const fn = (name: string, samples: OpSample[], errors: OpSample[]): OpInfo => ({ name, samples, errors });

/** Samples of the joining and splitting ops. */
export const JOIN_INFO: OpInfo[] = [
  fn("cat", [
    { args: [[x([2, 3]), x([1, 3])]] },
    { args: [[x([2, 3]), x([2, 1]), x([2, 2])], 1] },
    { args: [[x([2, 3]), x([2, 2], { dtype: "float64" })], -1] },
    { args: [[x([3, 2], { layout: "T" }), x([1, 2])]], kwargs: { dim: 0 } },
    { args: [[x([2, 3]), x([0])]] },
    { args: [[T([2], { dtype: "int32" }), T([3], { dtype: "int64" }), T([1], { dtype: "bool" })]] },
    { args: [[T([2], { dtype: "int32" }), x([2])]] },
  ], [
    { args: [[]] }, { args: [[x([2, 3]), x([3, 3])], 1] }, { args: [[x([2, 3]), x([3])]] },
    { args: [[x([]), x([])]] }, { args: [[x([2, 3]), x([2, 3])], 2] },
  ]),
  fn("stack", [
    { args: [[x([2, 3]), x([2, 3])]] }, { args: [[x([2, 3]), x([2, 3]), x([2, 3])], -1] },
    { args: [[x([2, 3], { layout: "T" }), x([2, 3], { dtype: "float64" })], 1] }, { args: [[x([]), x([])]] },
    { args: [[T([2], { dtype: "bool" }), T([2], { dtype: "int32" })]] },
  ], [{ args: [[]] }, { args: [[x([2, 3]), x([3, 3])]] }, { args: [[x([2, 3]), x([2, 3])], 4] }]),
  fn("hstack", [{ args: [[x([2, 3]), x([2, 1])]] }, { args: [[x([2]), x([3]), x([])]] }], [{ args: [[]] }, { args: [[x([2, 3]), x([3, 1])]] }]),
  fn("vstack", [{ args: [[x([2, 3]), x([3])]] }, { args: [[x([2]), x([2])]] }, { args: [[x([]), x([])]] }], [{ args: [[]] }, { args: [[x([2, 3]), x([2, 2])]] }]),
  fn("split", [
    { args: [x([5, 2]), 2] }, { args: [x([5, 2]), [1, 4]] }, { args: [x([2, 5]), 2, -1] }, { args: [x([2, 5]), [0, 2, 3]], kwargs: { dim: 1 } },
    { args: [x([3, 2]), 5] }, { args: [x([4, 2], { layout: "T" }), 1, 1] }, { args: [x([0, 2]), 0] },
  ], [{ args: [x([2, 3]), -1] }, { args: [x([2, 3]), [1, 2]] }, { args: [x([2, 3]), 0] }, { args: [x([]), 1] }, { args: [x([2, 3]), [3, -1], 1] }]),
  { name: "chunk", method: true, samples: [
    { args: [x([5, 2]), 2] }, { args: [x([2, 6]), 4, 1] }, { args: [x([2, 3]), 3, -2] }, { args: [x([0, 2]), 2] },
  ], errors: [{ args: [x([2, 3]), 0] }, { args: [x([]), 2] }, { args: [x([2, 3]), 2, 2] }] },
  fn("unbind", [{ args: [x([3, 2])] }, { args: [x([3, 2]), 1] }, { args: [x([2, 3, 2], { dtype: "float64" }), -1] }, { args: [x([3, 2], { layout: "T" })] }],
    [{ args: [x([])] }, { args: [x([2, 3]), 2] }]),
];
