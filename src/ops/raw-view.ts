// Views without autograd over a tensor's storage: the windows forward kernels of the shape-ext families write through.
import { Tensor } from "../tensor.ts";
import { backend } from "../backend/index.ts";
import type { Shape } from "../shape.ts";
import { kview } from "./core.ts";

/** A tensor over `t`'s storage with other geometry, unrecorded (internal: kernels write through it). */
export function rawView(t: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(t._storage, [...shape], [...strides], offset, t.dtype);
}

/** `t.narrow(dim, start, length)` unrecorded. */
export function rawNarrow(t: Tensor, dim: number, start: number, length: number): Tensor {
  const shape = [...t.shape];
  shape[dim] = length;
  return rawView(t, shape, t._strides, t._offset + start * t._strides[dim]);
}

/** `t.select(dim, i)` unrecorded. */
export function rawSelect(t: Tensor, dim: number, i: number): Tensor {
  return rawView(t, t.shape.filter((_, k) => k !== dim), t._strides.filter((_, k) => k !== dim), t._offset + i * t._strides[dim]);
}

/** The diagonal `offset` of dims d1, d2 as the last dim (PyTorch's diagonal geometry), unrecorded. */
export function rawDiagonal(t: Tensor, offset: number, d1: number, d2: number): Tensor {
  const len = Math.max(0, offset >= 0 ? Math.min(t.shape[d1], t.shape[d2] - offset) : Math.min(t.shape[d1] + offset, t.shape[d2]));
  const start = len === 0 ? 0 : offset >= 0 ? offset * t._strides[d2] : -offset * t._strides[d1];
  const keep = t.shape.map((_, k) => k).filter((k) => k !== d1 && k !== d2);
  return rawView(t, [...keep.map((k) => t.shape[k]), len], [...keep.map((k) => t._strides[k]), t._strides[d1] + t._strides[d2]], t._offset + start);
}

/** Copies `src` into `dst` (same shape), casting; no autograd. */
export function rawCopy(src: Tensor, dst: Tensor): void {
  backend().copy(kview(src), kview(dst));
}
