// Batching rules for view and layout ops: the shape and dim arguments rewritten for the physical value (batch dim 0).
import type { Tensor } from "../../tensor.ts";
import type { DType } from "../../dtype.ts";
import { RuntimeError } from "../../errors.ts";
import { normalizeDim } from "../../shape.ts";
import { padAfterBatch, wrap } from "../batched.ts";
import { onDims } from "./dims.ts";

const parts = (x: Tensor) => x._batched!;

/** view / reshape / _unsafe_view to the logical `shape` (already inferred). */
export function reshapeRule(x: Tensor, shape: readonly number[], how: "view" | "reshape"): Tensor {
  const { value, level } = parts(x);
  const target = [value.shape[0], ...shape];
  return wrap(how === "view" ? value.view(target) : value.reshape(target), level);
}

/** permute by the normalised logical `dims` (also transpose, t, T, mT through it). */
export function permuteRule(x: Tensor, dims: readonly number[]): Tensor {
  return onDims(x, dims, (p, d) => p.permute([0, ...d]));
}

/** expand to the logical `target` (leading new dims allowed, -1 keeps a size). */
export function expandRule(x: Tensor, target: readonly number[]): Tensor {
  const { value, level } = parts(x);
  const lead = target.length - x.dim();
  for (let i = 0; i < lead; i++) {
    if (target[i] === -1) throw new RuntimeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
  }
  return wrap(padAfterBatch(value, lead).expand([value.shape[0], ...target]), level);
}

/** squeeze(): every logical size-1 dim; squeeze(dim): that one if it has size 1. */
export function squeezeRule(x: Tensor, dim?: number): Tensor {
  const { value, level } = parts(x);
  if (dim !== undefined) {
    const d = normalizeDim(dim, x.dim());
    return wrap(x.dim() === 0 ? value.view(value.shape) : value.squeeze(d + 1), level);
  }
  let p = value;
  for (let d = x.dim() - 1; d >= 0; d--) if (x.shape[d] === 1) p = p.squeeze(d + 1);
  return wrap(p === value ? value.view(value.shape) : p, level);
}

/** A copy (clone, to(dtype), reshape's copy path): of the physical value. */
export function copyRule(x: Tensor, dtype: DType): Tensor {
  const { value, level } = parts(x);
  return wrap(dtype === value.dtype ? value.clone() : value.to(dtype), level);
}

/** detach: of the physical value. */
export function detachRule(x: Tensor): Tensor {
  const { value, level } = parts(x);
  return wrap(value.detach(), level);
}
