// Batching rules for dim-wise ops that are not views: repeat (logical rank padded first) and roll over the flattened sample.
import type { Tensor } from "../../tensor.ts";
import { wrap } from "../batched.ts";
import { onDims } from "./dims.ts";

/** repeat by the logical `reps` (at least x's rank): x padded to their length, the batch dim repeated once. */
export function repeatRule(x: Tensor, reps: readonly number[], fn: (p: Tensor, reps: number[]) => Tensor): Tensor {
  const { value, level } = x._batched!;
  const lead = reps.length - x.dim();
  return wrap(fn(value.reshape([value.shape[0], ...new Array<number>(lead).fill(1), ...x.shape]), [1, ...reps]), level);
}

/** roll by `shifts` along the logical `dims`; with no dims, each sample is rolled flattened. */
export function rollRule(x: Tensor, shifts: number[], dims: number[], fn: (p: Tensor, shifts: number[], dims: number[]) => Tensor): Tensor {
  if (dims.length > 0 || shifts.length !== 1) return onDims(x, dims, (p, d) => fn(p, shifts, d));
  const { value, level } = x._batched!;
  return wrap(fn(value.reshape(value.shape[0], -1), shifts, [1]).reshape(value.shape), level);
}
