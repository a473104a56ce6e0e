// Advanced indexing on index-tensor lists (ATen's index / index_put): masks, broadcasting, where the indexed dims go, gradients.
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { View } from "../backend/types.ts";
import { SCALAR_TYPE_NAME } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { broadcastShapes, shapeText, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { broadcastView, contiguousData, emptyTensor, kview, scalarTensor } from "./core.ts";
import { linearJvp } from "./jvp-rules.ts";

/** One entry per indexed dim: an index tensor (int64/int32, or a bool mask spanning mask.dim() dims) or null (the whole dim). */
export type IndexList = readonly (Tensor | null)[];

/** PyTorch's refusal of float index tensors (the wording of PyTorch ≥ 2.0, which also accepts int32). */
export const INDEX_DTYPE_MESSAGE = "tensors used as indices must be long, int, byte or bool tensors";

/** ATen's checkIndexTensorTypes. */
export function checkIndexTypes(indices: IndexList): void {
  for (const t of indices) {
    if (t !== null && t.dtype !== "int64" && t.dtype !== "int32" && t.dtype !== "bool") throw new IndexError(INDEX_DTYPE_MESSAGE);
  }
}

/** The positions of the true elements of a bool mask, one int64 tensor per mask dim (nonzero(as_tuple=True)). */
function maskPositions(mask: Tensor): Tensor[] {
  const data = contiguousData(mask);
  const nd = mask.dim();
  const hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) hits.push(i);
  const out = Array.from({ length: nd }, () => emptyTensor([hits.length], "int64"));
  hits.forEach((flat, h) => {
    for (let d = nd - 1; d >= 0; d--) {
      out[d]._storage.data[h] = flat % mask.shape[d];
      flat = Math.floor(flat / mask.shape[d]);
    }
  });
  return out;
}

/** ATen's expandTensors: each bool mask checked against the dims it covers and replaced by its nonzero positions. */
function expandMasks(x: Tensor, indices: IndexList): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  for (const t of indices) {
    if (t === null || t.dtype !== "bool") { out.push(t); continue; }
    const at = out.length;
    t.shape.forEach((s, j) => {
      if (x.shape[at + j] !== s) {
        throw new IndexError(`The shape of the mask ${shapeText(t.shape)} at index ${j} does not match the shape of the indexed tensor ${shapeText(x.shape)} at index ${at + j}`);
      }
    });
    out.push(...maskPositions(t));
  }
  return out;
}

/**
 * How an advanced index reads `x`: the result's shape, the strided base view over x's storage
 * (result-shaped; stride 0 on the index dims), the index views (checked, wrapped to non-negative,
 * broadcast to the result shape) and the storage stride each index moves along.
 */
interface IndexPlan {
  readonly shape: number[];
  readonly indexShape: number[];
  readonly base: { readonly strides: number[]; readonly offset: number };
  readonly indices: View[];
  readonly indexStrides: number[];
}

/** Wraps negative positions and refuses out-of-range ones (PyTorch's IndexError), as a contiguous int64 tensor. */
function checkedPositions(t: Tensor, dim: number, size: number): Tensor {
  const src = contiguousData(t);
  const out = emptyTensor(t.shape, "int64");
  const od = out._storage.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
    od[i] = v < 0 ? v + size : v;
  }
  return out;
}

/**
 * ATen's index plan. Adjacent index tensors put their broadcast shape where they stand;
 * index tensors separated by a sliced dim (or None) put it first, then the other dims in order.
 */
function planIndex(x: Tensor, indexList: IndexList): IndexPlan {
  checkIndexTypes(indexList);
  const expanded = expandMasks(x, indexList);
  if (expanded.length > x.dim()) throw new IndexError(`too many indices for tensor of dimension ${x.dim()} (got ${expanded.length})`);
  const advDims: number[] = [];
  expanded.forEach((t, d) => { if (t !== null) advDims.push(d); });
  if (advDims.length === 0) throw new RuntimeError("index: at least one index tensor is required");
  const tensors = advDims.map((d) => expanded[d]!);
  let indexShape: number[] = [];
  try {
    indexShape = tensors.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []);
  } catch {
    throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${tensors.map((t) => shapeText(t.shape)).join(", ")}`);
  }
  // PyTorch names the offending index tensor by its place among the index tensors ("dimension k")
  const positions = advDims.map((d, k) => checkedPositions(tensors[k], k, x.shape[d]));
  const adjacent = advDims.every((d, k) => k === 0 || d === advDims[k - 1] + 1);
  const rest = x.shape.map((_, d) => d).filter((d) => !advDims.includes(d));
  // rest dims before and after the block of index dims in the result
  const before = adjacent ? rest.filter((d) => d < advDims[0]) : [];
  const after = rest.filter((d) => !before.includes(d));
  const shape = [...before.map((d) => x.shape[d]), ...indexShape, ...after.map((d) => x.shape[d])];
  const strides = [...before.map((d) => x._strides[d]), ...indexShape.map(() => 0), ...after.map((d) => x._strides[d])];
  const indices = positions.map((p) => {
    const v = broadcastView(p, indexShape);
    const s = [...before.map(() => 0), ...v.strides, ...after.map(() => 0)];
    return { data: v.data, shape, strides: s, offset: v.offset };
  });
  return { shape, indexShape, base: { strides, offset: x._offset }, indices, indexStrides: advDims.map((d) => x._strides[d]) };
}

interface IndexParams {
  readonly indices: IndexList;
  readonly accumulate: boolean;
  /** the indexed tensor's shape (IndexBackward0 saves sizes, not the tensor) */
  readonly shape: Shape;
}

const SPECS = {
  // d x[I] / dx: zeros with g added at the positions read (index_put with accumulate, so repeats add up)
  index: { node: "IndexBackward0", backward: ([g], _s, p) => [indexPutTensors(emptyTensor(p.shape, g.dtype), p.indices, g, true)], jvp: linearJvp(([t], p) => indexTensors(t, p.indices)) },
  // d index_put(x, I, v) / dx = g with the written positions zeroed (or g itself when accumulating); / dv = g[I]
  indexPut: {
    node: "IndexPutBackward0",
    jvp: linearJvp(([tx, tv], p) => indexPutTensors(tx, p.indices, tv, p.accumulate)),
    backward: ([g], s, p) => [
      s.needsGrad(0) ? (p.accumulate ? g : indexPutTensors(g, p.indices, scalarTensor(0, g.dtype), false)) : null,
      s.needsGrad(1) ? indexTensors(g, p.indices) : null,
    ],
  },
} satisfies Record<string, GradSpec<IndexParams>>;

/**
 * ATen's `index(x, indices)`: a new tensor (a copy) gathered by the index tensors; null entries keep a dim whole.
 * @example indexTensors(x, [null, torch.tensor([0, 2])]) // x[:, [0, 2]]
 */
export function indexTensors(x: Tensor, indices: IndexList): Tensor {
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, ...indices]) > 0) return VM.advancedIndexRule(x, indices, indexTensors);
  // ---- [vmap] end ----
  const plan = planIndex(x, indices);
  const out = emptyTensor(plan.shape, x.dtype);
  const src: View = { data: x._storage.data, shape: plan.shape, ...plan.base };
  backend().indexGather(src, plan.indices, plan.indexStrides, kview(out));
  return record(SPECS.index, [x], [out], { indices, accumulate: false, shape: x.shape })[0];
}

/**
 * ATen's out-of-place `index_put(x, indices, values, accumulate)`: a copy of x with `values`
 * (broadcast to the indexing result's shape, same dtype as x) written, or added, at the indexed positions.
 * @example indexPutTensors(x, [torch.tensor([0, 0])], torch.tensor(1.0), true)
 */
export function indexPutTensors(x: Tensor, indices: IndexList, values: Tensor, accumulate: boolean): Tensor {
  if (values.dtype !== x.dtype) {
    throw new RuntimeError(`Index put requires the source and destination dtypes match, got ${SCALAR_TYPE_NAME[x.dtype]} for the destination and ${SCALAR_TYPE_NAME[values.dtype]} for the source.`);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, values, ...indices]) > 0) return VM.advancedPutRule(x, indices, values, (p, ix, v) => indexPutTensors(p, ix, v, accumulate));
  // ---- [vmap] end ----
  const out = emptyTensor(x.shape, x.dtype);
  const plan = planIndex(out, indices); // same shape as x: the same checks, with strides of the copy written to
  if (!broadcastsTo(values.shape, plan.shape)) {
    throw new RuntimeError(`shape mismatch: value tensor of shape ${shapeText(values.shape)} cannot be broadcast to indexing result of shape ${shapeText(plan.shape)}`);
  }
  backend().copy(kview(x), kview(out));
  const dst: View = { data: out._storage.data, shape: plan.shape, ...plan.base };
  backend().indexPut(dst, plan.indices, plan.indexStrides, broadcastView(values, plan.shape), accumulate);
  return record(SPECS.indexPut, [x, values], [out], { indices, accumulate, shape: x.shape })[0];
}

/** Whether `from` expands to `to` (numpy broadcasting in one direction). */
function broadcastsTo(from: Shape, to: Shape): boolean {
  const lead = to.length - from.length;
  return lead >= 0 && from.every((s, i) => s === 1 || s === to[lead + i]);
}
