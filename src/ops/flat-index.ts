// Gather and scatter-add by row-major flat positions: the pair behind view regeneration and CopySlices gradients.
import type { Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { contiguousData, emptyTensor } from "./core.ts";

interface FlatParams {
  readonly index: Int32Array;
  readonly shape: Shape;
}

const SPECS = {
  // adjoint of gather is scatter-add
  take: { node: "AsStridedBackward0", backward: ([g], _s, p) => [scatterAddFlat(g, p.index, p.shape)] },
  scatter: { node: "AsStridedScatterBackward0", backward: ([g], _s, p) => [takeFlat(g, p.index, p.shape)] },
} satisfies Record<string, GradSpec<FlatParams>>;

/** out (shape `shape`) takes x's row-major element `index[i]` at row-major position i. */
export function takeFlat(x: Tensor, index: Int32Array, shape: Shape): Tensor {
  const src = contiguousData(x);
  const out = emptyTensor(shape, x.dtype);
  const od = out._storage.data;
  for (let i = 0; i < index.length; i++) od[i] = src[index[i]];
  return record(SPECS.take, [x], [out], { index, shape: x.shape })[0];
}

/** zeros(shape) with g's row-major element i added at row-major position `index[i]`. */
export function scatterAddFlat(g: Tensor, index: Int32Array, shape: Shape): Tensor {
  const src = contiguousData(g);
  const out = emptyTensor(shape, g.dtype);
  const od = out._storage.data;
  for (let i = 0; i < index.length; i++) od[index[i]] += src[i];
  return record(SPECS.scatter, [g], [out], { index, shape: g.shape })[0];
}

/** For each element of `view` (row-major), the row-major position in `base` of the same storage slot. */
export function flatIndexIn(base: Tensor, view: Tensor): Int32Array {
  const slotToFlat = new Map<number, number>();
  let flat = 0;
  walk(base, (offset) => { slotToFlat.set(offset, flat++); });
  const out = new Int32Array(view.numel());
  let i = 0;
  walk(view, (offset) => { out[i++] = slotToFlat.get(offset) ?? -1; });
  return out;
}

/** Calls `visit(storageOffset)` for every element of t in row-major order. */
function walk(t: Tensor, visit: (offset: number) => void): void {
  const n = t.numel();
  const idx = new Array<number>(t.dim()).fill(0);
  for (let k = 0; k < n; k++) {
    let off = t._offset;
    for (let d = 0; d < idx.length; d++) off += idx[d] * t._strides[d];
    visit(off);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
}
