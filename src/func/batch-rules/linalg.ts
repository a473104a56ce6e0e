// Batching rules for the products: the batch dim folds into matmul's batch broadcasting (1-D operands as matrices, squeezed after).
import type { Tensor } from "../../tensor.ts";
import { maxLevel, padAfterBatch, physicalAt, wrap } from "../batched.ts";

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
