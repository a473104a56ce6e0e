// Tensor-level autograd API behind the Tensor methods: requiresGrad, grad, retainGrad, hooks, detach, backward.
import { isFloating } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { shapeEquals } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { addRemovable, type GradHook, type RemovableHandle } from "./node.ts";
import { backward as runBackward, type BackwardOptions } from "./engine.ts";
import { warnOnce } from "../warn.ts";
import { isInferenceModeEnabled } from "./grad-mode.ts";
import { refreshViewHistory } from "./view-history.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Brings a view's gradFn up to date (Note [view history]); cheap for non-views. */
export function refresh(t: Tensor): void {
  if (t._base !== null) refreshViewHistory(t);
}

const NON_LEAF_GRAD_WARNING =
  "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). " +
  "If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. " +
  "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. " +
  "See github.com/pytorch/pytorch/pull/30531 for more informations.";

/** `t.requiresGrad = flag` ("property") or `t.requiresGrad_(flag)` ("method"), with PyTorch's two spellings of the dtype error. */
export function setRequiresGrad(t: Tensor, flag: boolean, how: "property" | "method"): void {
  if (typeof flag !== "boolean") throw new TypeError("requires_grad must be a bool");
  // ---- [vmap] begin ----
  if (t._batched !== undefined) return VM.setBatchedRequiresGrad(t, flag, (v, f) => setRequiresGrad(v, f, how));
  // ---- [vmap] end ----
  if (t._gradFn !== null) {
    if (flag) return;
    throw new RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
  }
  if (flag && t._isInference && !isInferenceModeEnabled()) {
    throw new RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
  }
  if (flag && !isFloating(t.dtype)) {
    throw new RuntimeError(how === "method" ? "only Tensors of floating point dtype can require gradients" : "only Tensors of floating point and complex dtype can require gradients");
  }
  t._requiresGrad = flag;
}

export function readGrad(t: Tensor): Tensor | null {
  if (t._gradFn !== null && !t._retainsGrad && t._grad === null) warnOnce(NON_LEAF_GRAD_WARNING);
  return t._grad;
}

export function writeGrad(t: Tensor, g: Tensor | null): void {
  if (g !== null) {
    if (!(g instanceof Tensor)) throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type ${typeof g}`);
    if (g.dtype !== t.dtype) throw new RuntimeError("assigned grad has data of a different type");
    if (!shapeEquals(g.shape, t.shape)) throw new RuntimeError("assigned grad has data of a different size");
  }
  t._grad = g;
}

export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
  if (t._gradFn === null || t._retainsGrad) return;
  t._gradFn._retained ??= new Map();
  t._gradFn._retained.set(t._outputNr, t);
  t._retainsGrad = true;
}

export function registerHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (!t.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  if (t._gradFn !== null) return t._gradFn._addTensorPreHook(t._outputNr, hook);
  return addRemovable((t._hooks ??= []), hook);
}

/** A leaf's hook run after its `.grad` was updated (registerPostAccumulateGradHook). */
export function registerPostAccumulateGradHook(t: Tensor, hook: (t: Tensor) => void): RemovableHandle {
  if (!t.requiresGrad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
  if (t._gradFn !== null) throw new RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors");
  return addRemovable((t._postAccumulateHooks ??= []), hook);
}

export function detach(t: Tensor): Tensor {
  // ---- [vmap] begin ----
  if (t._batched !== undefined) return VM.detachRule(t);
  // ---- [vmap] end ----
  const d = new Tensor(t._storage, [...t.shape], t._strides, t._offset, t.dtype);
  if (t.requiresGrad) d._provenance = "detach";
  return d;
}

export function detach_(t: Tensor): void {
  if (t._base !== null && t._base.requiresGrad) {
    throw new RuntimeError("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.");
  }
  t._gradFn = null;
  t._requiresGrad = false;
}

/** `t.backward(gradient?, options?)`, also accepting `t.backward({ retainGraph: true })`. */
export function backward(t: Tensor, gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void {
  if (gradient !== null && gradient !== undefined && !(gradient instanceof Tensor)) {
    runBackward(t, null, gradient);
    return;
  }
  runBackward(t, gradient ?? null, options ?? {});
}


