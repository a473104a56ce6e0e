// Gather/scatter family: gather, scatter(_add/_reduce), index_select/add/copy/fill, masked_fill/select/scatter, take, nonzero.
import { backend } from "../backend/index.ts";
import type { View } from "../backend/types.ts";
import { isIntegral, SCALAR_TYPE_NAME } from "../dtype.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { broadcastShapes, normalizeDim, shapeText, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { broadcastView, checkTensorArg, contiguousData, emptyTensor, isOptions, isTensor, kview, scalarTensor } from "./core.ts";
import { cat } from "./join.ts";
import { rawCopy } from "./raw-view.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { linearJvp } from "./jvp-rules.ts";

/** scatter_reduce's reductions. */
export type ScatterReduce = "sum" | "prod" | "mean" | "amax" | "amin";

interface GatherParams {
  readonly dim: number;
  /** the index tensor (index ops) */
  readonly index?: Tensor;
  readonly shape: Shape;
  readonly reduce: ScatterReduce;
  readonly includeSelf: boolean;
  readonly alpha: number;
  /** the bool mask (masked ops) */
  readonly mask?: Tensor;
}
const P0: GatherParams = { dim: 0, shape: [], reduce: "sum", includeSelf: true, alpha: 1 };


/** A 1-D view over plain positions (row-major offsets into a contiguous tensor). */
const positionsView = (pos: readonly number[]): View => ({ data: Float64Array.from(pos), shape: [pos.length], strides: [1], offset: 0 });
/** A contiguous tensor seen flat, for kernels. */
const flatView = (t: Tensor): View => ({ data: t._storage.data, shape: [t.numel()], strides: [1], offset: t._offset });

/** A fresh contiguous copy of `x` broadcast to `shape`. */
function denseCopy(x: Tensor, shape: Shape): Tensor {
  const out = emptyTensor(shape, x.dtype);
  backend().copy(broadcastView(x, shape), kview(out));
  return out;
}

/** A 0-d tensor of dtype `like.dtype` holding `v` (a number or a 0-d tensor), cast as the kernels would write it. */
function scalarOf(v: number | Tensor, like: Tensor): Tensor {
  if (!isTensor(v)) return scalarTensor(v, like.dtype);
  const s = emptyTensor([], like.dtype);
  rawCopy(v, s);
  return s;
}

// ---- checks with PyTorch's messages ----------------------------------------------------------------

function indexValues(index: Tensor): Tensor["_storage"]["data"] {
  return contiguousData(index);
}

function checkGatherShape(self: Tensor, d: number, index: Tensor): void {
  const n = Math.max(self.dim(), 1);
  if (Math.max(index.dim(), 1) !== n) throw new RuntimeError("Index tensor must have the same number of dimensions as input tensor");
  for (let i = 0; i < n; i++) {
    if (i !== d && (index.shape[i] ?? 1) > (self.shape[i] ?? 1)) {
      throw new RuntimeError(`Size does not match at dimension ${i} expected index ${shapeText(index.shape)} to be smaller than self ${shapeText(self.shape)} apart from dimension ${d}`);
    }
  }
}

function checkScatterShape(self: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (index.numel() === 0) return;
  const n = Math.max(self.dim(), 1);
  if (Math.max(index.dim(), 1) !== n) throw new RuntimeError("Index tensor must have the same number of dimensions as self tensor");
  if (src !== null && Math.max(src.dim(), 1) !== n) throw new RuntimeError("Index tensor must have the same number of dimensions as src tensor");
  let wrong = false;
  for (let i = 0; i < n; i++) {
    const k = index.shape[i] ?? 1;
    if (i !== d && k > (self.shape[i] ?? 1)) wrong = true;
    if (src !== null && k > (src.shape[i] ?? 1)) wrong = true;
  }
  if (wrong) {
    const tail = src !== null ? ` and to be smaller size than src ${shapeText(src.shape)}` : "";
    throw new RuntimeError(`Expected index ${shapeText(index.shape)} to be smaller than self ${shapeText(self.shape)} apart from dimension ${d}${tail}`);
  }
}

/** Every index in [0, size): PyTorch's scatter/gather bounds message. */
function checkBounds(index: Tensor, d: number, size: number): void {
  for (const v of indexValues(index)) {
    if (v < 0 || v >= size) throw new RuntimeError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
  }
}

function checkLong(fn: string, index: Tensor): void {
  if (index.numel() !== 0 && index.dtype !== "int64") throw new RuntimeError(`${fn}(): Expected dtype int64 for index`);
}

// ---- gather / scatter -----------------------------------------------------------------------------------

// JVPs: all but scatterReduce are linear in their tensor inputs: the same op on the tangents
const SPECS = {
  // d gather: scatter-add g back to the gathered positions
  gather: { node: "GatherBackward0", backward: ([g], _s, p) => [scatterAdd(emptyTensor(p.shape, g.dtype), p.dim, p.index!, g), null], jvp: linearJvp(([t], p) => gather(t, p.dim, p.index!)) },
  // d scatter: self loses the overwritten positions, src gets the gathered gradient
  scatter: { node: "ScatterBackward0", backward: ([g], _s, p) => [scatter(g, p.dim, p.index!, 0), padTo(gather(g, p.dim, p.index!), p.shape)], jvp: linearJvp(([t, ts], p) => scatter(t, p.dim, p.index!, ts)) },
  scatterValue: { node: "ScatterBackward1", backward: ([g], _s, p) => [scatter(g, p.dim, p.index!, 0)], jvp: linearJvp(([t], p) => scatter(t, p.dim, p.index!, 0)) },
  scatterAdd: { node: "ScatterAddBackward0", backward: ([g], _s, p) => [g, padTo(gather(g, p.dim, p.index!), p.shape)], jvp: linearJvp(([t, ts], p) => scatterAdd(t, p.dim, p.index!, ts)) },
  scatterReduce: { node: "ScatterReduceBackward0", saves: { inputs: [0, 1], outputs: [0] }, backward: ([g], s, p) => scatterReduceBackward(g, s.input(0), s.input(1), s.output(0), p) },
  // d index_select: index_add g back
  indexSelect: {
    node: "IndexSelectBackward0", backward: ([g], _s, p) => [indexAdd(emptyTensor(p.shape, g.dtype), p.dim, p.index!, g)],
    jvp: linearJvp(([t], p) => indexSelect(t, p.dim, p.index!)),
  },
  indexAdd: {
    node: "IndexAddBackward0", backward: ([g], _s, p) => [g, indexSelect(g, p.dim, p.index!).mul(p.alpha)],
    jvp: linearJvp(([t, ts], p) => indexAdd(t, p.dim, p.index!, ts, { alpha: p.alpha })),
  },
  indexCopy: {
    node: "IndexCopyBackward0", backward: ([g], _s, p) => [indexFill(g, p.dim, p.index!, 0), indexSelect(g, p.dim, p.index!)],
    jvp: linearJvp(([t, ts], p) => indexCopy(t, p.dim, p.index!, ts)),
  },
  indexFill: { node: "IndexFillBackward0", backward: ([g], _s, p) => [indexFill(g, p.dim, p.index!, 0)], jvp: linearJvp(([t], p) => indexFill(t, p.dim, p.index!, 0)) },
  // d value = sum of g over the filled positions
  indexFillTensor: {
    node: "IndexFillBackward1", backward: ([g], _s, p) => [indexFill(g, p.dim, p.index!, 0), indexSelect(g, p.dim, p.index!).sum()],
    jvp: linearJvp(([t, tv], p) => indexFill(t, p.dim, p.index!, tv)),
  },
  maskedFill: { node: "MaskedFillBackward0", backward: ([g], _s, p) => [maskedFill(g, p.mask!, 0)], jvp: linearJvp(([t], p) => maskedFill(t, p.mask!, 0)) },
  maskedFillTensor: {
    node: "MaskedFillBackward1", backward: ([g], _s, p) => [maskedFill(g, p.mask!, 0), maskedFill(g, p.mask!.logicalNot(), 0).sum()],
    jvp: linearJvp(([t, tv], p) => maskedFill(t, p.mask!, tv)),
  },
  // d masked_select: the selected gradient scattered back (the engine sums a broadcast self)
  maskedSelect: { node: "MaskedSelectBackward0", backward: ([g], _s, p) => [maskedScatter(emptyTensor(p.shape, g.dtype), p.mask!, g)], jvp: linearJvp(([t], p) => maskedSelect(t, p.mask!)) },
  maskedScatter: {
    node: "MaskedScatterBackward0",
    backward: ([g], _s, p) => {
      let sel = maskedSelect(g, p.mask!);
      const n = p.shape.reduce((a, b) => a * b, 1);
      if (n > sel.numel()) sel = cat([sel, emptyTensor([n - sel.numel()], g.dtype)]);
      return [maskedFill(g, p.mask!, 0), sel.view(p.shape)];
    },
    jvp: linearJvp(([t, ts], p) => maskedScatter(t, p.mask!, ts)),
  },
  // d take: index_add g into a flat zero tensor
  take: {
    node: "TakeBackward0", backward: ([g], _s, p) => [indexAdd(emptyTensor([p.shape.reduce((a, b) => a * b, 1)], g.dtype), 0, p.index!, g.reshape(-1)).view(p.shape)],
    jvp: linearJvp(([t], p, s) => take(t, p.index!).reshape([...s.output(0).shape])),
  },
} satisfies Record<string, GradSpec<GatherParams>>;

/**
 * `t` (index-shaped) zero-padded at the end of each dim to `shape`: the gradient of a src larger than
 * its index (PyTorch 1.13 refuses to backpropagate there; the untouched src elements get zeros).
 */
function padTo(t: Tensor, shape: Shape): Tensor {
  return shape.reduce((acc, s, k) => (acc.shape[k] >= s ? acc : cat([acc, emptyTensor(withDim(acc.shape, k, s - acc.shape[k]), acc.dtype)], k)), t);
}

/**
 * out[i][j] = x[index[i][j]][j] (dim 0) and so on: picks along `dim` at `index` (int64, same rank as x).
 * @example torch.tensor([[1, 2], [3, 4]]).gather(1, torch.tensor([[0, 0], [1, 0]], { dtype: "int64" })) // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensorArg("gather", "index", 3, index);
  const d = normalizeDim(dim, x.dim());
  checkLong("gather", index);
  // ---- [vmap] begin ----
  if (x._batched !== undefined || index._batched !== undefined) return VM.gatherRule(x, d, index, gather);
  // ---- [vmap] end ----
  const out = emptyTensor(index.shape, x.dtype);
  if (index.numel() === 0) return record(SPECS.gather, [x, index], [out], { ...P0, dim: d, index, shape: x.shape })[0];
  checkGatherShape(x, d, index);
  checkBounds(index, d, x.shape[d] ?? 1);
  backend().gather(kview(x), d, kview(index), kview(out));
  return record(SPECS.gather, [x, index], [out], { ...P0, dim: d, index, shape: x.shape })[0];
}

/** A copy of self with src (a tensor or one value) combined in at index along d. Checks first. */
function scatterCopy(fn: string, self: Tensor, d: number, index: Tensor, src: Tensor | number, reduce: "set" | ScatterReduce, includeSelf: boolean): Tensor {
  checkLong(fn, index);
  if (isTensor(src) && src.dtype !== self.dtype) throw new RuntimeError(`${fn}(): Expected self.dtype to be equal to src.dtype`);
  checkScatterShape(self, d, index, isTensor(src) ? src : null);
  checkBounds(index, d, self.shape[d] ?? 1);
  const out = denseCopy(self, self.shape);
  const srcView = isTensor(src) ? kview(src) : { ...kview(scalarOf(src, self)), shape: index.shape, strides: index.shape.map(() => 0) };
  if (index.numel() > 0) {
    backend().scatter(reduce, kview(out), d, kview(index), srcView, { includeSelf, integral: isIntegral(self.dtype, true) });
  }
  return out;
}

/**
 * A copy of x with `src` (a tensor or a number) written at `index` along `dim`.
 * @example torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]], { dtype: "int64" }), 1)
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  checkTensorArg("scatter", "index", 3, index);
  const d = normalizeDim(dim, x.dim());
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, src]) > 0) return VM.allBatched([x, index, src], (px, pi, ps) => scatter(px, d + 1, pi, ps));
  // ---- [vmap] end ----
  const out = scatterCopy("scatter", x, d, index, src, "set", true);
  const p = { ...P0, dim: d, index, shape: isTensor(src) ? src.shape : [] };
  return isTensor(src) ? record(SPECS.scatter, [x, src], [out], p)[0] : record(SPECS.scatterValue, [x], [out], p)[0];
}

/**
 * A copy of x with `src` added at `index` along `dim` (duplicates accumulate).
 * @example torch.zeros(3).scatterAdd(0, torch.tensor([0, 0, 2], { dtype: "int64" }), torch.ones(3)) // [2, 0, 1]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensorArg("scatter_add", "index", 3, index);
  checkTensorArg("scatter_add", "src", 4, src);
  const d = normalizeDim(dim, x.dim());
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, src]) > 0) return VM.allBatched([x, index, src], (px, pi, ps) => scatterAdd(px, d + 1, pi, ps));
  // ---- [vmap] end ----
  const out = scatterCopy("scatter", x, d, index, src, "sum", true);
  return record(SPECS.scatterAdd, [x, src], [out], { ...P0, dim: d, index, shape: src.shape })[0];
}

/**
 * A copy of x with `src` reduced in at `index` along `dim` ("sum", "prod", "mean", "amax", "amin");
 * `includeSelf: false` leaves x's own values out where something is scattered.
 * @example torch.zeros(2).scatterReduce(0, idx, src, "amax", { includeSelf: false })
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduce, opts?: { includeSelf?: boolean }): Tensor {
  checkTensorArg("scatter_reduce", "index", 3, index);
  checkTensorArg("scatter_reduce", "src", 4, src);
  if (!["sum", "prod", "mean", "amax", "amin"].includes(reduce)) throw new RuntimeError("reduce argument must be either sum, prod, mean, amax or amin.");
  const includeSelf = opts?.includeSelf ?? true;
  const d = normalizeDim(dim, x.dim());
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, src]) > 0) return VM.allBatched([x, index, src], (px, pi, ps) => scatterReduce(px, d + 1, pi, ps, reduce, opts));
  // ---- [vmap] end ----
  const out = scatterCopy("scatter_reduce", x, d, index, src, reduce, includeSelf);
  return record(SPECS.scatterReduce, [x, src], [out], { ...P0, dim: d, index, reduce, includeSelf, shape: src.shape })[0];
}

/** PyTorch's scatter_reduce_backward, in Tensor ops. */
function scatterReduceBackward(g: Tensor, self: Tensor, src: Tensor, result: Tensor, p: GatherParams): [Tensor | null, Tensor | null] {
  const { dim, includeSelf } = p;
  const index = p.index!;
  let gSelf: Tensor, gSrc: Tensor;
  if (p.reduce === "sum") {
    gSelf = g;
    gSrc = padTo(gather(g, dim, index), p.shape);
  } else if (p.reduce === "mean") {
    const base = emptyTensor(g.shape, g.dtype);
    if (includeSelf) backend().fill(kview(base), 1);
    let n = scatterAdd(base, dim, index, denseCopy(scalarTensor(1, g.dtype), src.shape));
    n = maskedFill(n, n.eq(0), 1);
    gSelf = g.div(n);
    gSrc = gather(g, dim, index).div(gather(n, dim, index));
  } else if (p.reduce === "prod") {
    // zeros are handled apart so that a single zero still gets the product of the others
    const maskedSelf = maskedFill(self, self.eq(0), 1);
    gSelf = g.mul(scatterReduce(maskedSelf, dim, index, src, "prod", { includeSelf })).div(maskedSelf);
    const srcZero = src.eq(0);
    const zerosPer = scatterAdd(emptyTensor(self.shape, self.dtype), dim, index, srcZero.to(self.dtype));
    const single = srcZero.logicalAnd(gather(zerosPer, dim, index).eq(1));
    const maskedSrcResult = scatterReduce(self, dim, index, maskedFill(src, single, 1), "prod", { includeSelf });
    const atSingle = gather(g.mul(maskedSrcResult), dim, index);
    const elsewhere = gather(g.mul(result), dim, index).div(maskedFill(src, srcZero, 1));
    gSrc = maskedFill(atSingle, single.logicalNot(), 0).add(maskedFill(elsewhere, single, 0));
  } else {
    // amax/amin: split evenly among the values equal to the result
    const value = gather(result, dim, index);
    const selfIs = self.eq(result).to(self.dtype);
    const srcIs = src.eq(value).to(self.dtype);
    const share = g.div(scatterAdd(selfIs, dim, index, srcIs));
    gSelf = selfIs.mul(share);
    gSrc = srcIs.mul(gather(share, dim, index));
  }
  if (!includeSelf) gSelf = scatter(gSelf, dim, index, 0);
  return [gSelf, padTo(gSrc, p.shape)];
}

// ---- index_select / index_add / index_copy / index_fill ------------------------------------------------

/** The index as a view broadcast over `shape`, walking `dim` only. */
function indexAlong(index: Tensor, shape: Shape, d: number): View {
  const flat = contiguousData(index);
  return { data: flat, shape, strides: shape.map((_, k) => (k === d ? 1 : 0)), offset: 0 };
}

const withDim = (shape: Shape, d: number, n: number) => shape.map((s, k) => (k === d ? n : s));

/**
 * The slices of x at `index` (1-D, int32 or int64) along `dim`.
 * @example torch.arange(6).view(3, 2).indexSelect(0, torch.tensor([2, 0], { dtype: "int64" }))
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensorArg("index_select", "index", 3, index);
  const d = normalizeDim(dim, x.dim());
  if (index.dim() > 1) throw new IndexError("index_select(): Index is supposed to be a vector");
  if (index.dtype !== "int64" && index.dtype !== "int32") throw new RuntimeError("index_select(): Expected dtype int32 or int64 for index");
  if (x.dim() === 0) return indexSelect(x.reshape(1), 0, index).reshape([]);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index]) > 0) return VM.indexSelectRule(x, d, index);
  // ---- [vmap] end ----
  const size = x.shape[d];
  for (const v of indexValues(index)) if (v < 0 || v >= size) throw new IndexError("index out of range in self");
  const out = emptyTensor(withDim(x.shape, d, index.numel()), x.dtype);
  backend().gather(kview(x), d, indexAlong(index, out.shape, d), kview(out));
  return record(SPECS.indexSelect, [x], [out], { ...P0, dim: d, index: index.dim() === 0 ? index.reshape(1) : index, shape: x.shape })[0];
}

/** The checks index_add_/index_copy_ share, with their function name in the message. */
function checkIndexSource(fn: "index_add" | "index_copy", self: Tensor, d: number, index: Tensor, source: Tensor): void {
  if (fn === "index_copy") {
    if (index.dim() >= 2) throw new IndexError(`index_copy_(): Index should have dimension 1 or 0 (got ${index.dim()})`);
    if (index.dtype !== "int64") throw new RuntimeError(`index_copy_(): Expected a long tensor for index, but got ${SCALAR_TYPE_NAME[index.dtype]}`);
    if (self.dtype !== source.dtype) {
      throw new RuntimeError(`index_copy_(): self and source expected to have the same dtype, but got (self) ${SCALAR_TYPE_NAME[self.dtype]} and (source) ${SCALAR_TYPE_NAME[source.dtype]}`);
    }
    const sliced = (t: Tensor, k: number) => t.shape.filter((_, i) => i !== k);
    const a = sliced(self, d), b = sliced(source, d);
    if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
      throw new RuntimeError(`index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${a.join(" ")} at dimension ${d} and source slice shape: ${b.join(" ")} at dimension 0.`);
    }
    if (index.numel() !== source.shape[d]) throw new IndexError(`index_copy_(): Number of indices (${index.numel()}) should be equal to source.size(dim) (${source.shape[d]})`);
    for (const v of indexValues(index)) {
      if (v < 0 || v >= self.shape[d]) throw new IndexError(`index_copy_(): index ${v} is out of bounds for dimension ${d} with size ${self.shape[d]}`);
    }
    return;
  }
  if (index.dim() > 1) throw new IndexError("index_add_(): Index is supposed to be a vector");
  if (index.dtype !== "int64" && index.dtype !== "int32") throw new RuntimeError("index_add_(): Expected dtype int32/int64 for index");
  if (self.dtype !== source.dtype) {
    throw new RuntimeError(`index_add_(): self (${SCALAR_TYPE_NAME[self.dtype]}) and source (${SCALAR_TYPE_NAME[source.dtype]}) must have the same scalar type`);
  }
  if (index.numel() !== (source.dim() === 0 ? 1 : source.shape[d])) {
    throw new RuntimeError(`index_add_(): Number of indices (${index.numel()}) should be equal to source.size(dim): (${source.shape[d]}), for dim: ${d}`);
  }
  for (const v of indexValues(index)) if (v < 0 || v >= self.shape[d]) throw new IndexError("index out of range in self");
}

/**
 * A copy of x with `alpha * source` slices added at `index` along `dim` (duplicates accumulate).
 * @example torch.zeros(3, 2).indexAdd(0, torch.tensor([0, 0], { dtype: "int64" }), torch.ones(2, 2))
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
  checkTensorArg("index_add", "index", 3, index);
  checkTensorArg("index_add", "source", 4, source);
  const alpha = opts?.alpha ?? 1;
  const d = normalizeDim(dim, x.dim());
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, source]) > 0) return VM.indexIntoRule("add", x, d, index, source, alpha);
  // ---- [vmap] end ----
  checkIndexSource("index_add", x, d, index, source);
  const out = denseCopy(x, x.shape);
  const scaled = alpha === 1 ? source : noGrad(() => source.mul(alpha));
  if (index.numel() > 0) backend().scatter("sum", kview(out), d, indexAlong(index, source.shape, d), kview(scaled), { includeSelf: true, integral: false });
  return record(SPECS.indexAdd, [x, source], [out], { ...P0, dim: d, index, alpha })[0];
}

/**
 * A copy of x with the slices of `source` written at `index` along `dim`.
 * @example torch.zeros(3, 2).indexCopy(0, torch.tensor([2, 0], { dtype: "int64" }), torch.ones(2, 2))
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkTensorArg("index_copy", "index", 3, index);
  checkTensorArg("index_copy", "source", 4, source);
  const d = normalizeDim(dim, x.dim());
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, source]) > 0) return VM.indexIntoRule("copy", x, d, index, source);
  // ---- [vmap] end ----
  checkIndexSource("index_copy", x, d, index, source);
  const out = denseCopy(x, x.shape);
  if (index.numel() > 0) backend().scatter("set", kview(out), d, indexAlong(index, source.shape, d), kview(source), { includeSelf: true, integral: false });
  return record(SPECS.indexCopy, [x, source], [out], { ...P0, dim: d, index })[0];
}

/**
 * A copy of x with the slices at `index` along `dim` set to `value` (a number or a 0-d tensor; negative indices wrap).
 * @example torch.ones(2, 3).indexFill(1, torch.tensor([0, 2], { dtype: "int64" }), -1)
 */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | Tensor): Tensor {
  checkTensorArg("index_fill", "index", 3, index);
  if (isTensor(value) && value.dim() !== 0) {
    throw new RuntimeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  }
  if (index.dtype !== "int64") throw new IndexError("index_fill_(): Expected dtype int64 for index.");
  const d = normalizeDim(dim, x.dim());
  if (index.dim() > 1) throw new RuntimeError("Index has to be a vector/scalar");
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index, value]) > 0) return VM.indexFillRule(x, d, index, value);
  // ---- [vmap] end ----
  const size = x.shape[d] ?? 1;
  const wrapped = Array.from(indexValues(index), (v) => {
    if (v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${d} with size ${size}`);
    return v < 0 ? v + size : v;
  });
  const out = denseCopy(x, x.shape);
  const shape = withDim(x.shape, d, wrapped.length);
  const v = scalarOf(value, x);
  const idx: View = { data: Float64Array.from(wrapped), shape, strides: shape.map((_, k) => (k === d ? 1 : 0)), offset: 0 };
  if (wrapped.length > 0) {
    backend().scatter("set", kview(out), d, idx, { ...kview(v), shape, strides: shape.map(() => 0) }, { includeSelf: true, integral: false });
  }
  const index1d = wrapped.length === 0 ? index.reshape(-1) : rawLong(wrapped);
  if (isTensor(value)) return record(SPECS.indexFillTensor, [x, value], [out], { ...P0, dim: d, index: index1d })[0];
  return record(SPECS.indexFill, [x], [out], { ...P0, dim: d, index: index1d })[0];
}

/** A 1-D int64 tensor of the given values (internal). */
function rawLong(values: readonly number[]): Tensor {
  const t = emptyTensor([values.length], "int64");
  t._storage.data.set(values);
  return t;
}

// ---- masked_fill / masked_select / masked_scatter / take / nonzero ------------------------------------

function checkBoolMask(fn: string, mask: Tensor): void {
  checkTensorArg(fn, "mask", 2, mask);
  if (mask.dtype !== "bool") throw new RuntimeError(`${fn}_ only supports boolean masks, but got mask with dtype ${mask.dtype === "float32" ? "float" : mask.dtype === "float64" ? "double" : mask.dtype === "int32" ? "int" : "long"}`);
}

/** Row-major positions where `mask` (broadcast to `shape`) is true. */
const maskPositions = (mask: Tensor, shape: Shape): number[] => backend().nonzero(broadcastView(mask, shape));

/**
 * A copy of x (broadcast with mask) with `value` where `mask` is true.
 * @example x.maskedFill(x.lt(0), 0)
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkBoolMask("masked_fill", mask);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, mask, value]) > 0) return VM.maskedFillRule(x, mask, value);
  // ---- [vmap] end ----
  if (isTensor(value) && value.dim() !== 0) {
    throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  }
  const shape = broadcastShapes(mask.shape, x.shape);
  const out = denseCopy(x, shape);
  const pos = maskPositions(mask, shape);
  const v = scalarOf(value, x);
  backend().scatter("set", flatView(out), 0, positionsView(pos), { ...kview(v), shape: [pos.length], strides: [0] }, { includeSelf: true, integral: false });
  const p = { ...P0, mask };
  if (isTensor(value)) return record(SPECS.maskedFillTensor, [x, value], [out], p)[0];
  return record(SPECS.maskedFill, [x], [out], p)[0];
}

/**
 * The elements of x (broadcast with mask) where `mask` is true, as a 1-D tensor.
 * @example x.maskedSelect(x.gt(0))
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensorArg("masked_select", "mask", 2, mask);
  if (mask.dtype !== "bool") throw new RuntimeError("masked_select: expected BoolTensor or ByteTensor for mask");
  const shape = broadcastShapes(mask.shape, x.shape);
  const pos = maskPositions(mask, shape);
  const out = emptyTensor([pos.length], x.dtype);
  backend().gather(flatView(denseCopy(x, shape)), 0, positionsView(pos), kview(out));
  return record(SPECS.maskedSelect, [x], [out], { ...P0, mask, shape })[0];
}

/**
 * A copy of x (broadcast with mask) whose true-mask positions take `source`'s elements in order.
 * @example torch.zeros(2, 2).maskedScatter(mask, torch.tensor([1, 2]))
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkBoolMask("masked_scatter", mask);
  checkTensorArg("masked_scatter", "source", 3, source);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, mask, source]) > 0) return VM.maskedScatterRule(x, mask, source);
  // ---- [vmap] end ----
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(`masked_scatter: expected self and source to have same dtypes but got ${SCALAR_TYPE_NAME[x.dtype]} and ${SCALAR_TYPE_NAME[source.dtype]}`);
  }
  const shape = broadcastShapes(mask.shape, x.shape);
  const out = denseCopy(x, shape);
  const pos = maskPositions(mask, shape);
  if (pos.length > source.numel()) throw new RuntimeError("Number of elements of source < number of ones in mask");
  const src = denseCopy(source, source.shape);
  backend().scatter("set", flatView(out), 0, positionsView(pos), { ...flatView(src), shape: [pos.length] }, { includeSelf: true, integral: false });
  return record(SPECS.maskedScatter, [x, source], [out], { ...P0, mask, shape: source.shape })[0];
}

/**
 * The elements of x at flat (row-major) positions `index` (int64; negative counts from the end).
 * @example torch.tensor([[1, 2], [3, 4]]).take(torch.tensor([0, -1], { dtype: "int64" })) // [1, 4]
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensorArg("take", "index", 2, index);
  if (index.dtype !== "int64") throw new RuntimeError(`take(): Expected a long tensor for index, but got ${SCALAR_TYPE_NAME[index.dtype]}`);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, index]) > 0) return VM.takeRule(x, index);
  // ---- [vmap] end ----
  const n = x.numel();
  const pos = Array.from(indexValues(index), (v) => {
    if (v < -n || v >= n) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    return v < 0 ? v + n : v;
  });
  const out = emptyTensor(index.shape, x.dtype);
  backend().gather(flatView(denseCopy(x, x.shape)), 0, positionsView(pos), flatView(out));
  return record(SPECS.take, [x], [out], { ...P0, index: rawLong(pos), shape: x.shape })[0];
}

/**
 * Coordinates of the non-zero elements: an int64 [n, x.dim()] tensor, or with `asTuple` one 1-D tensor per dim.
 * @example torch.tensor([[0, 1], [1, 0]]).nonzero() // [[0, 1], [1, 0]]
 */
export function nonzero(x: Tensor, opts?: { asTuple?: boolean }): Tensor | Tensor[] {
  const asTuple = isOptions(opts) ? opts.asTuple ?? false : false;
  if (typeof asTuple !== "boolean") throw new TypeError(`nonzero(): argument 'as_tuple' must be bool, not ${Number.isInteger(asTuple) ? "int" : typeof asTuple}`);
  const pos = backend().nonzero(kview(x));
  const nd = x.dim();
  const coords = (k: number) => pos.map((p) => Math.floor(p / x.shape.slice(k + 1).reduce((a, b) => a * b, 1)) % x.shape[k]);
  if (asTuple) return nd === 0 ? [rawLong(pos.map(() => 0))] : x.shape.map((_, k) => rawLong(coords(k)));
  const out = emptyTensor([pos.length, nd], "int64");
  for (let k = 0; k < nd; k++) coords(k).forEach((c, i) => { out._storage.data[i * nd + k] = c; });
  return out;
}
