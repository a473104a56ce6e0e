// Batching rules for ops that take logical dims: normalise against the logical rank, shift past the batch dim, run on the physical value.
import type { Tensor } from "../../tensor.ts";
import { normalizeDim } from "../../shape.ts";
import { wrapResult, type Batchable } from "../batched.ts";

/** Reshapes a rule's result(s) of a 0-d logical input back to one dim (the batch). */
function toBatchOnly<R extends Batchable>(r: R, size: number): R {
  const fix = (t: Tensor) => (t.dim() === 1 ? t : t.reshape([size]));
  if ("shape" in r) return fix(r as Tensor) as R;
  return r.map(fix) as unknown as R;
}

/**
 * A one-input op taking `dims` of the batched `x` (of logical rank x.dim() + extraRank for ops that
 * insert a dim): `fn` gets the physical value and the physical dims. A 0-d logical input runs as
 * [B, 1] over dim 1 and comes back as [B].
 * @example onDims(x, [dim], (p, [d]) => p.unsqueeze(d), 1)
 */
export function onDims<R extends Batchable>(x: Tensor, dims: readonly number[], fn: (p: Tensor, dims: number[]) => R, extraRank = 0): R {
  const { value, level } = x._batched!;
  const rank = x.dim() + extraRank;
  if (rank === 0) {
    dims.forEach((d) => normalizeDim(d, 0));
    return wrapResult(toBatchOnly(fn(value.unsqueeze(1), dims.map(() => 1)), value.shape[0]), level);
  }
  return wrapResult(fn(value, dims.map((d) => normalizeDim(d, rank) + 1)), level);
}

/**
 * A reduction of the batched `x` over the logical `dims` (already normalised; all dims when
 * reducing everything): `fn` reduces the physical value over the shifted dims.
 * @example reduceDims(x, dims, (p, d) => sum(p, { dim: d, keepdim }))
 */
export function reduceDims<R extends Batchable>(x: Tensor, dims: readonly number[], fn: (p: Tensor, dims: number[]) => R): R {
  const all = dims.length === 0 ? [...x.shape.keys()] : dims;
  return onDims(x, x.dim() === 0 ? [] : all, (p, d) => fn(p, x.dim() === 0 ? [1] : d));
}
