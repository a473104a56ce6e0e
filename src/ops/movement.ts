// View and layout ops: view, reshape, transpose, permute, expand, squeeze, unsqueeze, flatten, select, slice, narrow, clone, contiguous, to.
import { backend } from "../backend/index.ts";
import { isDType, TENSOR_TYPE_NAME, type DType } from "../dtype.ts";
import { IndexError, RuntimeError, ValueError } from "../errors.ts";
import { contiguousStrides, inferSize, normalizeDim, numelOf, shapeText, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { isGradEnabled } from "../autograd/grad-mode.ts";
import { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, isOptions, kview, checkDevice } from "./core.ts";
import { sumTo } from "./reduce.ts";
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { linearJvp } from "./jvp-rules.ts";

/** A tensor sharing `x`'s storage with new geometry; its `_base` is the storage's first owner. */
export function makeView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  const v = new Tensor(x._storage, [...shape], [...strides], offset, x.dtype);
  v._base = x._base ?? x;
  v._viewBaseGradFn = v._base._gradFn;
  v._viewCreatedNoGrad = x._viewCreatedNoGrad || (!isGradEnabled() && v._base.requiresGrad);
  return v;
}

interface ViewParams {
  readonly inShape: Shape;
  readonly dims: readonly number[];
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** zeros(inShape) with the region `region(zeros)` set to `g`: the gradient of select/slice. Differentiable again. */
function embed(g: Tensor, inShape: Shape, region: (t: Tensor) => Tensor, node: string): Tensor {
  const z = emptyTensor(inShape, g.dtype);
  const target = region(z);
  backend().copy(kview(g), kview(target));
  const spec: GradSpec<void> = { node, backward: ([gg]) => [region(gg)] };
  return record(spec, [g], [z], undefined)[0];
}

const reshapeBack = ([g]: Tensor[], p: ViewParams) => [g.reshape(p.inShape)];
// JVPs: these ops are linear, so the tangent goes through the same view (or copy)
const reshapeJvp = linearJvp<ViewParams>(([t], _p, s) => t.reshape([...s.output(0).shape]));
const sameJvp = linearJvp<ViewParams>(([t]) => t);

const SPECS = {
  view: { node: "ViewBackward0", backward: ([g], _s, p) => reshapeBack([g], p), jvp: reshapeJvp },
  unsafeView: { node: "UnsafeViewBackward0", backward: ([g], _s, p) => reshapeBack([g], p), jvp: reshapeJvp },
  squeezeInplace: { node: "SqueezeBackward3", backward: ([g], _s, p) => reshapeBack([g], p), jvp: reshapeJvp },
  transpose: { node: "TransposeBackward0", backward: ([g], _s, p) => [g.transpose(p.dims[0], p.dims[1])], jvp: linearJvp(([t], p) => t.transpose(p.dims[0], p.dims[1])) },
  t: { node: "TBackward0", backward: ([g]) => [g.t()], jvp: linearJvp(([t]) => t.t()) },
  permute: { node: "PermuteBackward0", backward: ([g], _s, p) => [g.permute(inversePermutation(p.dims))], jvp: linearJvp(([t], p) => t.permute([...p.dims])) },
  expand: { node: "ExpandBackward0", backward: ([g], _s, p) => [sumTo(g, p.inShape)], jvp: linearJvp(([t], _p, s) => t.expand([...s.output(0).shape])) },
  squeezeAll: { node: "SqueezeBackward0", backward: ([g], _s, p) => reshapeBack([g], p), jvp: reshapeJvp },
  squeezeDim: { node: "SqueezeBackward1", backward: ([g], _s, p) => reshapeBack([g], p), jvp: reshapeJvp },
  unsqueeze: { node: "UnsqueezeBackward0", backward: ([g], _s, p) => [g.squeeze(p.dims[0])], jvp: linearJvp(([t], p) => t.unsqueeze(p.dims[0])) },
  select: {
    node: "SelectBackward0",
    backward: ([g], _s, p) => [embed(g, p.inShape, (t) => t.select(p.dims[0], p.index), "SelectBackwardBackward0")],
    jvp: linearJvp(([t], p) => t.select(p.dims[0], p.index)),
  },
  slice: {
    node: "SliceBackward0",
    backward: ([g], _s, p) => [embed(g, p.inShape, (t) => sliceDim(t, p.dims[0], p.start, p.end, p.step), "SliceBackwardBackward0")],
    jvp: linearJvp(([t], p) => sliceDim(t, p.dims[0], p.start, p.end, p.step)),
  },
  clone: { node: "CloneBackward0", backward: ([g]) => [g], jvp: sameJvp },
  toCopy: { node: "ToCopyBackward0", backward: ([g]) => [g], jvp: sameJvp },
} satisfies Record<string, GradSpec<ViewParams>>;

const NO_PARAMS: ViewParams = { inShape: [], dims: [], index: 0, start: 0, end: 0, step: 1 };

function recordView(spec: GradSpec<ViewParams>, x: Tensor, out: Tensor, p: Partial<ViewParams>): Tensor {
  return record(spec, [x], [out], { ...NO_PARAMS, inShape: x.shape, ...p })[0];
}

function inversePermutation(dims: readonly number[]): number[] {
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => { inv[d] = i; });
  return inv;
}

/** Strides that let `newShape` view `x`'s memory, or null when no view can (then reshape copies). */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (numelOf(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let v = newShape.length - 1;
  let chunkStride = strides[strides.length - 1];
  let oldCount = 1, newCount = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    oldCount *= shape[d];
    // a chunk ends where the next-outer dim is not laid out right after this one
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== oldCount * chunkStride)) {
      while (v >= 0 && (newCount < oldCount || newShape[v] === 1)) {
        out[v] = newCount * chunkStride;
        newCount *= newShape[v];
        v--;
      }
      if (newCount !== oldCount) return null;
      if (d > 0) { chunkStride = strides[d - 1]; oldCount = 1; newCount = 1; }
    }
  }
  return v === -1 ? out : null;
}

function sizeArgs(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
}

/**
 * A view with another shape (one -1 inferred); refuses layouts no view can express.
 * @example torch.arange(6).view(2, 3); x.view([-1])
 */
export function view(x: Tensor, ...size: (number | readonly number[])[]): Tensor {
  if (size.length === 1 && isDType(size[0])) throw new TypeError("view(dtype) is not supported; use to(dtype)");
  const shape = inferSize(sizeArgs(size), x.numel());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reshapeRule(x, shape, "view");
  // ---- [vmap] end ----
  const strides = viewStrides(x.shape, x._strides, shape);
  if (strides === null) {
    throw new RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  }
  return recordView(SPECS.view, x, makeView(x, shape, strides, x._offset), {});
}

/**
 * `view` when the layout allows it, otherwise a copy (recorded as UnsafeViewBackward0 over CloneBackward0, as PyTorch does).
 * @example x.t().reshape(-1)
 */
export function reshape(x: Tensor, ...size: (number | readonly number[])[]): Tensor {
  const shape = inferSize(sizeArgs(size), x.numel());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reshapeRule(x, shape, "reshape");
  // ---- [vmap] end ----
  const strides = viewStrides(x.shape, x._strides, shape);
  if (strides !== null) return recordView(SPECS.view, x, makeView(x, shape, strides, x._offset), {});
  const copy = cloneAs(x, contiguousStrides(x.shape));
  const out = new Tensor(copy._storage, shape, contiguousStrides(shape), 0, x.dtype);
  return recordView(SPECS.unsafeView, copy, out, {});
}

/** PyTorch's `_unsafe_view`: a contiguous result seen with a new shape (UnsafeViewBackward0), as matmul ends. */
export function unsafeView(x: Tensor, shape: Shape): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reshapeRule(x, shape, "reshape");
  // ---- [vmap] end ----
  return recordView(SPECS.unsafeView, x, makeView(x, shape, contiguousStrides(shape), x._offset), {});
}

/** `squeeze_(dim)` on a fresh result, as matmul's 1-D @ 2-D case does (SqueezeBackward3). */
export function squeezeFresh(x: Tensor, dim: number): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.squeezeRule(x, dim);
  // ---- [vmap] end ----
  const shape = x.shape.filter((_, i) => i !== dim), strides = x._strides.filter((_, i) => i !== dim);
  return recordView(SPECS.squeezeInplace, x, makeView(x, shape, strides, x._offset), {});
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.dim()), b = normalizeDim(dim1, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.permuteRule(x, [...x.shape.keys()].map((d) => (d === a ? b : d === b ? a : d)));
  // ---- [vmap] end ----
  const shape = [...x.shape], strides = [...x._strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return recordView(SPECS.transpose, x, makeView(x, shape, strides, x._offset), { dims: [a, b] });
}

/** Transpose of a matrix (≤ 2-D), as PyTorch's `t()`. */
export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.permuteRule(x, [...x.shape.keys()].reverse());
  // ---- [vmap] end ----
  const shape = [...x.shape].reverse(), strides = [...x._strides].reverse();
  return recordView(SPECS.t, x, makeView(x, shape, strides, x._offset), {});
}

/** Reorders dims (a view). */
export function permute(x: Tensor, ...dimsArg: (number | readonly number[])[]): Tensor {
  const dims = sizeArgs(dimsArg);
  if (dims.length !== x.dim()) {
    throw new RuntimeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${dims.length}`);
  }
  const norm = dims.map((d) => normalizeDim(d, x.dim()));
  if (new Set(norm).size !== norm.length) throw new RuntimeError("permute(): duplicate dims are not allowed.");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.permuteRule(x, norm);
  // ---- [vmap] end ----
  const out = makeView(x, norm.map((d) => x.shape[d]), norm.map((d) => x._strides[d]), x._offset);
  return recordView(SPECS.permute, x, out, { dims: norm });
}

/** Broadcasts to a larger shape without copying (-1 keeps a size). */
export function expand(x: Tensor, ...size: (number | readonly number[])[]): Tensor {
  const target = sizeArgs(size);
  if (target.length < x.dim()) {
    throw new RuntimeError(`expand(${TENSOR_TYPE_NAME[x.dtype]}{${shapeText(x.shape)}}, size=${shapeText(target)}): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`);
  }
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.expandRule(x, target);
  // ---- [vmap] end ----
  const lead = target.length - x.dim();
  const shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < target.length; i++) {
    const j = i - lead;
    const cur = j >= 0 ? x.shape[j] : 1;
    let want = target[i];
    if (want === -1) {
      if (j < 0) throw new RuntimeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      want = cur;
    }
    if (cur !== want && cur !== 1) {
      throw new RuntimeError(`The expanded size of the tensor (${want}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: ${shapeText(target)}.  Tensor sizes: ${shapeText(x.shape)}`);
    }
    shape.push(want);
    strides.push(j >= 0 && cur === want ? x._strides[j] : 0);
  }
  return recordView(SPECS.expand, x, makeView(x, shape, strides, x._offset), {});
}

/** Drops size-1 dims: all of them, or only `dim` if it has size 1. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.squeezeRule(x, dim);
  // ---- [vmap] end ----
  if (dim === undefined) {
    const keep = [...x.shape.keys()].filter((i) => x.shape[i] !== 1);
    const out = makeView(x, keep.map((i) => x.shape[i]), keep.map((i) => x._strides[i]), x._offset);
    return recordView(SPECS.squeezeAll, x, out, {});
  }
  const d = normalizeDim(dim, x.dim());
  if (x.dim() === 0 || x.shape[d] !== 1) return recordView(SPECS.squeezeDim, x, makeView(x, x.shape, x._strides, x._offset), {});
  const shape = x.shape.filter((_, i) => i !== d), strides = x._strides.filter((_, i) => i !== d);
  return recordView(SPECS.squeezeDim, x, makeView(x, shape, strides, x._offset), {});
}

/** Inserts a size-1 dim at `dim` (which may be x.dim()). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [pd]) => p.unsqueeze(pd), 1);
  // ---- [vmap] end ----
  const d = normalizeDim(dim, x.dim() + 1);
  const shape = [...x.shape], strides = [...x._strides];
  const stride = d < x.dim() ? x._strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return recordView(SPECS.unsqueeze, x, makeView(x, shape, strides, x._offset), { dims: [d] });
}

/** Flattens dims startDim..endDim into one (a reshape). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return x.reshape(1);
  const s = normalizeDim(startDim, x.dim()), e = normalizeDim(endDim, x.dim());
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return x.reshape(shape);
}

/** The sub-tensor at `index` along `dim`, dropping that dim (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new IndexError("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${shapeText(x.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d], (p, [pd]) => p.select(pd, i));
  // ---- [vmap] end ----
  const shape = x.shape.filter((_, k) => k !== d), strides = x._strides.filter((_, k) => k !== d);
  return recordView(SPECS.select, x, makeView(x, shape, strides, x._offset + i * x._strides[d]), { dims: [d], index: i });
}

/** Python slice semantics on one dim: clamps start/end, step > 0. A view. */
export function sliceDim(x: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  if (step <= 0) throw new ValueError("step must be greater than zero");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [dim], (p, [pd]) => sliceDim(p, pd, start, end, step));
  // ---- [vmap] end ----
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const clamp = (v: number | null, dflt: number) => {
    if (v === null) return dflt;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = clamp(start, 0);
  const e = Math.max(clamp(end, size), s);
  const shape = [...x.shape], strides = [...x._strides];
  shape[d] = Math.ceil((e - s) / step);
  strides[d] = x._strides[d] * step;
  const out = makeView(x, shape, strides, x._offset + s * x._strides[d]);
  return recordView(SPECS.slice, x, out, { dims: [d], start: s, end: e, step });
}

/** `length` elements of `dim` from `start` (a view, recorded as SliceBackward0 as in PyTorch). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new RuntimeError("narrow() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  if (start < -size || start > size) throw new IndexError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  const s = start < 0 ? start + size : start;
  if (length < 0 || s + length > size) throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return sliceDim(x, d, s, s + length, 1);
}

/** Strides of a dense copy that keeps `x`'s dim order (PyTorch's preserve_format), or contiguous ones. */
function preservedStrides(x: Tensor): number[] {
  const order = [...x.shape.keys()].sort((a, b) => x._strides[b] - x._strides[a]);
  const strides = new Array<number>(x.dim());
  let acc = 1;
  for (let k = order.length - 1; k >= 0; k--) {
    const d = order[k];
    if (x._strides[d] !== acc && x.shape[d] !== 1) return contiguousStrides(x.shape);
    strides[d] = acc;
    acc *= x.shape[d];
  }
  return strides;
}

function cloneAs(x: Tensor, strides: readonly number[], dtype: DType = x.dtype): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.copyRule(x, dtype);
  // ---- [vmap] end ----
  const base = emptyTensor([x.numel()], dtype);
  const out = new Tensor(base._storage, [...x.shape], [...strides], 0, dtype);
  backend().copy(kview(x), kview(out));
  return recordView(dtype === x.dtype ? SPECS.clone : SPECS.toCopy, x, out, {});
}

/** A copy with its own storage (CloneBackward0). Keeps a dense layout's dim order, as PyTorch does. */
export function clone(x: Tensor): Tensor {
  checkTensorArg("clone", "input", 1, x);
  return cloneAs(x, preservedStrides(x));
}

/** `x` itself when already contiguous, else a contiguous copy. */
export function contiguous(x: Tensor, ...rest: unknown[]): Tensor {
  if (rest.length > 0) throw new TypeError(`contiguous() takes 0 positional arguments but ${rest.length} was given`);
  return x.isContiguous() ? x : cloneAs(x, contiguousStrides(x.shape));
}

/** Options of `to`: a dtype and/or a device (only "cpu" for now). */
export interface ToOptions {
  dtype?: DType;
  device?: string;
  copy?: boolean;
}

/**
 * Casts to `dtype` (ToCopyBackward0); returns `x` itself when nothing changes, unless `copy`.
 * @example x.to("float64"); x.to({ dtype: torch.int32 })
 */
export function to(x: Tensor, arg?: DType | string | ToOptions, opts?: ToOptions): Tensor {
  const o: ToOptions = isOptions(arg) ? (arg as ToOptions) : { ...(opts ?? {}), ...(typeof arg === "string" ? (isDType(arg) ? { dtype: arg } : { device: arg }) : {}) };
  checkDevice(o.device);
  if (o.dtype !== undefined && !isDType(o.dtype)) throw new TypeError(`to(): unknown dtype ${String(o.dtype)}`);
  const dtype = o.dtype ?? x.dtype;
  if (dtype === x.dtype && !o.copy) return x;
  return cloneAs(x, preservedStrides(x), dtype);
}


const x = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const method = (name: string, samples: OpSample[], errors: OpSample[]): OpInfo => ({ name, method: true, samples, errors });

/** Samples of the view and layout ops. */
export const MOVEMENT_INFO: OpInfo[] = [
  method("view", [{ args: [x([2, 3]), 3, 2] }, { args: [x([2, 3]), [-1]] }, { args: [x([2, 3, 2]), 4, -1] }, { args: [x([]), [1, 1]] }],
    [{ args: [x([3, 2], { layout: "T" }), [-1]] }, { args: [x([2, 3]), [4, -1]] }, { args: [x([2, 3]), [-1, -1]] }]),
  method("reshape", [{ args: [x([2, 3]), 3, 2] }, { args: [x([3, 2], { layout: "T" }), [-1]] }, { args: [x([2, 3]), [6, 1]] }],
    [{ args: [x([2, 3]), [4, -1]] }]),
  { name: "transpose", samples: [{ args: [x([2, 3]), 0, 1] }, { args: [x([2, 3, 2]), -1, 0] }], errors: [{ args: [x([2, 3]), 0, 2] }] },
  { name: "t", samples: [{ args: [x([2, 3])] }, { args: [x([3])] }], errors: [{ args: [x([2, 3, 2])] }] },
  { name: "permute", samples: [{ args: [x([2, 3, 2]), [2, 0, 1]] }, { args: [x([2, 3]), [-1, 0]] }], errors: [{ args: [x([2, 3]), [0]] }, { args: [x([2, 3]), [0, 0]] }] },
  method("expand", [{ args: [x([3, 1]), 3, 4] }, { args: [x([3]), [2, 3]] }, { args: [x([1, 3]), [2, -1, 3]] }],
    [{ args: [x([3]), [2, 4]] }, { args: [x([2, 3]), [3]] }]),
  { name: "squeeze", samples: [{ args: [x([1, 3, 1])] }, { args: [x([1, 3, 1]), 2] }, { args: [x([2, 3]), 0] }], errors: [{ args: [x([1, 3]), 2] }] },
  { name: "unsqueeze", samples: [{ args: [x([2, 3]), 0] }, { args: [x([2, 3]), -1] }, { args: [x([3, 2], { layout: "T" }), 1] }], errors: [{ args: [x([2, 3]), 3] }] },
  { name: "flatten", samples: [{ args: [x([2, 3, 2])] }, { args: [x([2, 3, 2]), 1] }, { args: [x([3, 2], { layout: "T" })] }], errors: [{ args: [x([2, 3]), 1, 0] }] },
  { name: "narrow", samples: [{ args: [x([4, 3]), 0, 1, 2] }, { args: [x([4, 3]), -1, 0, 2] }], errors: [{ args: [x([4, 3]), 0, 3, 2] }] },
  { name: "select", samples: [{ args: [x([4, 3]), 0, 1] }, { args: [x([4, 3]), 1, -1] }], errors: [{ args: [x([4, 3]), 0, 4] }] },
  { name: "clone", samples: [{ args: [x([2, 3])] }, { args: [x([3, 2], { layout: "T" })] }], errors: [{ args: [3] }] },
  method("contiguous", [{ args: [x([3, 2], { layout: "T" })] }], [{ args: [x([2]), 2] }]),
  method("to", [{ args: [x([2, 3]), "float64"] }, { args: [x([3], { dtype: "float64" }), "float32"] }, { args: [x([3]), "int32"] }], [{ args: [x([2]), "foo"] }]),
];
