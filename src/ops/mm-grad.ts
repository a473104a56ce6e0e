// The gradients of a matrix product A @ B, each formed in its operand's memory layout.
import type { Tensor } from "../tensor.ts";

/** Whether a 2-D tensor is laid out column-major (its transpose is contiguous). */
const columnMajor = (t: Tensor): boolean => t._strides[0] === 1 && t._strides[1] === t.shape[0] && t.shape[0] > 1 && t.shape[1] > 1;

/**
 * The gradients of A and B in A @ B, each computed in its operand's layout (PyTorch's mm_mat1/mat2_backward):
 * for a column-major operand (a transposed weight, as in linear) the product is formed transposed, so the
 * gradient arrives in the leaf's own layout and needs no copy when it is stored.
 */
export function mmGradA(g: Tensor, a: Tensor, b: Tensor): Tensor {
  return columnMajor(a) ? b.mm(g.t()).t() : g.mm(b.t());
}
export function mmGradB(g: Tensor, a: Tensor, b: Tensor): Tensor {
  return columnMajor(b) ? g.t().mm(a).t() : a.t().mm(g);
}
