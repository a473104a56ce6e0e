// Batching rules for cat/stack, gather, basic indexing (side-by-side unbatched advanced indices included) and the *Like creation functions.
import { Tensor } from "../../tensor.ts";
import { Slice } from "../../ops/indexing.ts";
import { batchSizeAt, materialize, maxLevel, wrap } from "../batched.ts";

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
 * Whether `x.index(...items)` takes the rule below: no batched index tensor, and the advanced
 * indices (tensors, arrays) side by side, so that their result dims stay where they are and the
 * batch dim stays at 0. Other advanced indexing goes through index_put/index's rule (advanced.ts).
 */
export function basicIndexRuleApplies(items: readonly Item[]): boolean {
  if (items.some((it) => it instanceof Tensor && it._batched !== undefined)) return false;
  const adv = items.map(isAdvanced);
  const first = adv.indexOf(true), last = adv.lastIndexOf(true);
  return first < 0 || !adv.slice(first, last + 1).includes(false);
}

/** `x.index(...items)` with a batched `x` (basicIndexRuleApplies): a full slice for the batch dim goes in front. */
export function indexRule(x: Tensor, items: readonly Item[], fn: (p: Tensor, items: Item[]) => Tensor): Tensor {
  const { value, level } = x._batched!;
  return wrap(fn(value, [new Slice(null, null, null), ...items]), level);
}

/** zerosLike / onesLike / fullLike / emptyLike of a batched tensor: batched too (one per sample). */
export function likeRule(x: Tensor, make: (shape: number[]) => Tensor): Tensor {
  const { value, level } = x._batched!;
  return wrap(value._batched !== undefined ? likeRule(value, make) : make([...value.shape]), level);
}
