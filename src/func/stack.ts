// Stacking equally shaped tensors into one, differentiably, for the Jacobian transforms.
import type { Tensor } from "../tensor.ts";
import { enableGrad } from "../autograd/grad-mode.ts";
import { zeros } from "../ops/creation.ts";

/**
 * Concatenates flattened `rows` and views the result as `shape`, through differentiable ops only.
 */
export function stackRows(rows: readonly Tensor[], shape: readonly number[], like: Tensor): Tensor {
  return enableGrad(() => {
    const n = rows.length;
    if (n === 0) return like.reshape(-1).narrow(0, 0, 0).reshape(shape);
    const width = rows[0].numel();
    // place row i with a one-hot outer product: sum_i e_i ⊗ row_i — linear, so gradients flow to every row
    let acc: Tensor | null = null;
    for (let i = 0; i < n; i++) {
      const onehot = zeros([n], { dtype: like.dtype });
      onehot._storage.data[i] = 1;
      const placed = onehot.unsqueeze(1).mul(rows[i].reshape(1, width));
      acc = acc === null ? placed : acc.add(placed);
    }
    return acc!.reshape(shape);
  });
}
