// Batching rules for the index/scatter/masked family (and embedding, take): all operands brought to the batch (physical dim + 1), or rewritten as gather/scatter/where/indexing in batched ops.
import { Tensor } from "../../tensor.ts";
import { broadcastShapes } from "../../shape.ts";
import { batchSizeAt, materialize, maxLevel, wrapResult, type Batchable } from "../batched.ts";

/**
 * Runs `fn` on the physical operands at the innermost level among `args`, every tensor operand
 * batched there (an unbatched one expanded along a new batch dim 0); numbers pass through. For ops
 * whose operands must share one shape per sample (scatter's self, index and src): the caller shifts
 * its dim by one.
 * @example allBatched([x, index, src], (px, pi, ps) => scatter(px, d + 1, pi, ps))
 */
export function allBatched<A extends readonly unknown[], R extends Batchable>(args: readonly [...A], fn: (...phys: A) => R): R {
  const level = maxLevel(args);
  const size = batchSizeAt(args, level);
  const phys = args.map((a) => (a instanceof Tensor ? materialize(a, level, size) : a)) as unknown as A;
  return wrapResult(fn(...phys), level);
}

/** Negative positions counted from the end of a dim of `size` (out-of-range ones stay out of range, for the op's own check). */
const fromEnd = (index: Tensor, size: number): Tensor => index.add(index.lt(0).to(index.dtype).mul(size));

/** The 1-D (or 0-d) `index` along dim `d` of a tensor of `shape`, as a gather/scatter index of that shape with `d` cut to its length (int64, logical ops). */
function spread(index: Tensor, shape: readonly number[], d: number): Tensor {
  const flat = index.reshape(-1).to("int64");
  const k = flat.shape[0];
  return flat.reshape(shape.map((_, i) => (i === d ? k : 1))).expand(shape.map((s, i) => (i === d ? k : s)));
}

/** index_select (normalised `d`) with a batched operand: a gather of the index spread over x's shape. */
export const indexSelectRule = (x: Tensor, d: number, index: Tensor): Tensor => x.gather(d, spread(index, x.shape, d));

/** index_add / index_copy (normalised `d`) with a batched operand: scatterAdd / scatter of source at the spread index. */
export function indexIntoRule(kind: "add" | "copy", x: Tensor, d: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  const at = spread(index, source.dim() === 0 ? [1] : source.shape, d);
  const src = source.dim() === 0 ? source.reshape(1) : source;
  return kind === "copy" ? x.scatter(d, at, src) : x.scatterAdd(d, at, alpha === 1 ? src : src.mul(alpha));
}

/** index_fill (normalised `d`) with a batched operand: a scatter of the value at the spread index (negative indices counted from the end; others out of range still refused by scatter). */
export function indexFillRule(x: Tensor, d: number, index: Tensor, value: number | Tensor): Tensor {
  const size = x.dim() === 0 ? 1 : x.shape[d];
  const at = spread(fromEnd(index, size), x.dim() === 0 ? [1] : x.shape, d);
  const base = x.dim() === 0 ? x.reshape(1) : x;
  const out = base.scatter(d, at, value instanceof Tensor ? value.to(x.dtype).expand(at.shape) : value);
  return x.dim() === 0 ? out.reshape([]) : out;
}

/** masked_fill with a batched operand: where(mask, value, x) in x's dtype. */
export const maskedFillRule = (x: Tensor, mask: Tensor, value: number | Tensor): Tensor => x.where(mask.logicalNot(), value).to(x.dtype);

/**
 * masked_scatter with a batched operand: each sample takes source's elements from its own start, so
 * the k-th true position of a sample reads source.flatten()[k] (a running count of the mask, gathered).
 */
export function maskedScatterRule(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const m = mask.expand(broadcastShapes(mask.shape, x.shape));
  const at = m.reshape(-1).cumsum(0).sub(1).clamp(0, Math.max(source.numel() - 1, 0));
  return source.reshape(-1).gather(0, at).reshape(m.shape).where(m, x);
}

/** embedding (no maxNorm) with a batched operand: weight rows picked with index_select; rows at `pad` (>= 0) pass no gradient. */
export function embeddingRule(idx: Tensor, weight: Tensor, pad: number): Tensor {
  const out = weight.indexSelect(0, idx.reshape(-1)).reshape([...idx.shape, weight.shape[1]]);
  return pad < 0 ? out : out.detach().where(idx.eq(pad).unsqueeze(-1), out);
}

/** take with a batched operand: an advanced index of the flattened sample (negative positions counted from the end). */
export const takeRule = (x: Tensor, index: Tensor): Tensor => x.reshape(-1).index(fromEnd(index, x.numel()));
