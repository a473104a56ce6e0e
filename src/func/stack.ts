// Stacking equally shaped tensors into one, differentiably, for the Jacobian transforms.
import type { Tensor } from "../tensor.ts";
import { enableGrad } from "../autograd/grad-mode.ts";
import { stack } from "../ops/join.ts";

/** Stacks the flattened `rows` and views the result as `shape` (recorded, so transforms compose). */
export function stackRows(rows: readonly Tensor[], shape: readonly number[], like: Tensor): Tensor {
  return enableGrad(() => (rows.length === 0 ? like.reshape(-1).narrow(0, 0, 0) : stack(rows.map((r) => r.reshape(-1)), 0)).reshape(shape));
}
