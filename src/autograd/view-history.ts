// Views and in-place ops: regenerating a view's gradFn after its base's history changed, and CopySlices.
import type { Tensor } from "../tensor.ts";
import { Node } from "./node.ts";
import { gradientEdge } from "./record.ts";
import { flatIndexIn, scatterAddFlat, takeFlat } from "../ops/flat-index.ts";
import { emptyTensor } from "../ops/core.ts";
import { isFloating } from "../dtype.ts";

/**
 * Note [view history]: a view remembers the gradFn its base had when the view's own gradFn was made
 * (`_viewBaseGradFn`). When an in-place op gives the base new history (directly, or through
 * CopySlices after an in-place op on another view), every view's gradFn is stale; it is rebuilt
 * lazily, as a gather from the base (AsStridedBackward0), the first time anyone reads it.
 */
export function refreshViewHistory(v: Tensor): void {
  const base = v._base;
  if (base === null || v._viewBaseGradFn === base._gradFn || !isFloating(v.dtype)) return;
  v._viewBaseGradFn = base._gradFn;
  if (!base.requiresGrad) return;
  const index = flatIndexIn(base, v);
  const edge = gradientEdge(base);
  const node = new Node("AsStridedBackward0", [edge], 1, ([g]) => [scatterAddFlat(g, index, base.shape)]);
  v._gradFn = node;
  v._outputNr = 0;
}

/**
 * After `view` was overwritten in place by `result` (which carries the op's history), the base's
 * new value is "old base with the view's region replaced": its gradFn becomes CopySlices, whose
 * gradient sends g (region zeroed) to the old base and g's region to `result`.
 */
export function copySlices(view: Tensor, result: Tensor): void {
  const base = view._base!;
  const index = flatIndexIn(base, view);
  const keep = emptyTensor(base.shape, base.dtype);
  const kd = keep._storage.data;
  kd.fill(1);
  for (let i = 0; i < index.length; i++) kd[index[i]] = 0;
  const node = new Node("CopySlices", [gradientEdge(base), gradientEdge(result)], 1, ([g]) => [g.mul(keep), takeFlat(g, index, view.shape)]);
  base._gradFn = node;
  base._outputNr = 0;
}
