// Batching rules for the products and linalg: the batch dim folds into matmul's batch broadcasting (1-D operands as matrices, squeezed after) or is one more leading dim of a [..., m, n] kernel.
import type { Tensor } from "../../tensor.ts";
import { batchSizeAt, materialize, maxLevel, padAfterBatch, physicalAt, wrap, wrapResult, type Batchable } from "../batched.ts";

/**
 * matmul (and dot, mv, mm, bmm, which reach it once their own logical checks passed) with a
 * batched operand. A logical 1-D operand becomes a 1-row (left) or 1-column (right) matrix whose
 * extra dim is squeezed from the result, as matmul itself does; batched operands are padded to one
 * logical rank after the batch dim, and the physical matmul broadcasts the rest.
 */
export function matmulRule(a: Tensor, b: Tensor): Tensor {
  const level = maxLevel([a, b]);
  const a2 = a.dim() === 1 ? a.unsqueeze(0) : a;
  const b2 = b.dim() === 1 ? b.unsqueeze(1) : b;
  const rank = Math.max(a2.dim(), b2.dim());
  const phys = (t: Tensor) => {
    const p = physicalAt(t, level);
    return p === null ? t : padAfterBatch(p, rank - t.dim());
  };
  let out = wrap(phys(a2).matmul(phys(b2)), level);
  if (b.dim() === 1) out = out.squeeze(-1);
  if (a.dim() === 1) out = out.squeeze(-2 + (b.dim() === 1 ? 1 : 0));
  return out;
}

/** addmm / addmv / baddbmm with a batched operand: beta * input + alpha * (m1 @ m2), in batched ops. */
export function addProductRule(input: Tensor, product: Tensor, o: { beta?: number; alpha?: number }): Tensor {
  const beta = o.beta ?? 1, alpha = o.alpha ?? 1;
  const ap = alpha === 1 ? product : product.mul(alpha);
  return beta === 0 ? ap : ap.add(beta === 1 ? input : input.mul(beta));
}

/**
 * An op on the last dims of a batched `a` whose kernel takes any leading dims ([..., m, n]): the batch
 * dim is one more of them (run after the op's own logical checks).
 * @example leadingRule(a, det)
 */
export function leadingRule<R extends Batchable>(a: Tensor, fn: (p: Tensor) => R): R {
  const { value, level } = a._batched!;
  return wrapResult(fn(value), level);
}

/**
 * linalg.solve with a batched operand (after its logical checks): a vector B becomes one column,
 * both operands are batched and padded to one logical rank after the batch dim, so the physical
 * call broadcasts the rest and never mistakes the batch for a batch of vectors.
 */
export function solveRule(a: Tensor, b: Tensor, left: boolean, vector: boolean, fn: (a: Tensor, b: Tensor, o: { left: boolean }) => Tensor): Tensor {
  const level = maxLevel([a, b]), size = batchSizeAt([a, b], level);
  const bm = vector ? b.unsqueeze(-1) : b;
  const rank = Math.max(a.dim(), bm.dim());
  const x = wrap(fn(padAfterBatch(materialize(a, level, size), rank - a.dim()), padAfterBatch(materialize(bm, level, size), rank - bm.dim()), { left }), level);
  return vector ? x.squeeze(-1) : x;
}
