// Batching rule for nll_loss (and cross_entropy through it): the class pick as a where over a one-hot mask, in batched ops.
import { Tensor } from "../../tensor.ts";
import { IndexError } from "../../errors.ts";
import { arange } from "../../ops/creation.ts";
import type { Reduction } from "../../ops/nn-fused.ts";

/** The innermost physical value (all vmap levels peeled). */
function innermost(t: Tensor): Tensor {
  let p = t;
  while (p._batched !== undefined) p = p._batched.value;
  return p;
}

/**
 * nll_loss of log-probabilities `x` ([C] or [N, C, ...]) at class indices `target`, with a batched
 * operand: -x[target] picked with a one-hot mask (where, so -inf log-probabilities stay exact),
 * weighted, ignoring `ignoreIndex`; "mean" divides by the total weight, as PyTorch.
 */
export function nllRule(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  const classDim = x.dim() === 1 ? 0 : 1;
  const c = x.shape[classDim];
  const t = innermost(target);
  const bad = t.lt(0).logicalOr(t.ge(c)).logicalAnd(t.ne(ignoreIndex));
  if (bad.any().item()) throw new IndexError(`Target ${t.index(bad).index(0).item()} is out of bounds.`);
  const along = x.shape.map((_, i) => (i === classDim ? c : 1));
  const oneHot = target.unsqueeze(classDim).eq(arange(c, { dtype: "int64" }).reshape(along));
  const picked = torch0Where(oneHot, x).sum(classDim);
  const valid = target.ne(ignoreIndex).to(x.dtype);
  const w = weight === null ? valid : torch0Where(oneHot, weight.reshape(along).expand(x.shape)).sum(classDim).mul(valid);
  const losses = picked.mul(w).neg();
  if (reduction === "none") return losses;
  return reduction === "sum" ? losses.sum() : losses.sum().div(w.sum());
}

const torch0Where = (mask: Tensor, v: Tensor): Tensor => v.where(mask, 0);
