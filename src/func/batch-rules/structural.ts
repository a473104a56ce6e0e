// Batching rules for cat/stack, gather, basic indexing and the *Like creation functions.
import { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { Slice } from "../../ops/indexing.ts";
import { batchSizeAt, materialize, maxLevel, noRuleMessage, wrap } from "../batched.ts";

/** cat / stack along the normalised logical `dim`: unbatched operands are expanded along the batch first. */
export function joinRule(tensors: readonly Tensor[], dim: number, fn: (phys: Tensor[], dim: number) => Tensor): Tensor {
  const level = maxLevel(tensors);
  const size = batchSizeAt(tensors, level);
  return wrap(fn(tensors.map((t) => materialize(t, level, size)), dim + 1), level);
}

/** gather along the normalised logical `dim`: input and index both batched (expanded where not). */
export function gatherRule(x: Tensor, dim: number, index: Tensor, fn: (x: Tensor, dim: number, index: Tensor) => Tensor): Tensor {
  const level = maxLevel([x, index]);
  const size = batchSizeAt([x, index], level);
  return wrap(fn(materialize(x, level, size), dim + 1, materialize(index, level, size)), level);
}

type Item = unknown;
const isAdvanced = (it: Item): boolean => it instanceof Tensor || Array.isArray(it);

/**
 * `x.index(...items)` with a batched `x`: a full slice for the batch dim goes in front. Advanced
 * indices (tensors, arrays) must be unbatched and side by side, so that their result dims stay
 * where they are and the batch dim stays at 0; anything else is refused.
 */
export function indexRule(x: Tensor, items: readonly Item[], fn: (p: Tensor, items: Item[]) => Tensor): Tensor {
  if (items.some((it) => it instanceof Tensor && it._batched !== undefined)) throw new RuntimeError(noRuleMessage("indexing with a batched index tensor"));
  const adv = items.map(isAdvanced);
  const first = adv.indexOf(true), last = adv.lastIndexOf(true);
  if (first >= 0 && adv.slice(first, last + 1).includes(false)) {
    throw new RuntimeError(noRuleMessage("advanced indices separated by other index items (their result dims would move the batch dim)"));
  }
  const { value, level } = x._batched!;
  return wrap(fn(value, [new Slice(null, null, null), ...items]), level);
}

/** zerosLike / onesLike / fullLike / emptyLike of a batched tensor: batched too (one per sample). */
export function likeRule(x: Tensor, make: (shape: number[]) => Tensor): Tensor {
  const { value, level } = x._batched!;
  return wrap(value._batched !== undefined ? likeRule(value, make) : make([...value.shape]), level);
}
