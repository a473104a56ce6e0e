// In-place ops (add_, mul_, fill_, copy_ ...): write into the tensor's storage and rebase its autograd history.
import { backend } from "../backend/index.ts";
import { checkCast } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes, shapeEquals, shapeText } from "../shape.ts";
import { isGradEnabled, isInferenceModeEnabled, noGrad } from "../autograd/grad-mode.ts";
import { needsGrad, record, type GradSpec } from "../autograd/record.ts";
import { copySlices, refreshViewHistory } from "../autograd/view-history.ts";
import { Tensor } from "../tensor.ts";
import { binary, binaryInto, type BinaryName } from "./binary.ts";
import { isForwardAdEnabled } from "../autograd/forward-ad.ts";
import { unary, type UnaryName } from "./unary.ts";
import { broadcastView, contiguousData, emptyTensor, isTensor, kview, scalarTensor, type TensorLike } from "./core.ts";
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";
import { assertNoInternalOverlap, assertNoPartialOverlap } from "./mem-overlap.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** PyTorch's refusals of in-place ops on leaves that require grad, and on their views. */
function checkInplace(self: Tensor): void {
  if (self._isInference && !isInferenceModeEnabled()) {
    throw new RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
  }
  if (!isGradEnabled()) return;
  if (self._multiOutputView && self.requiresGrad) {
    throw new RuntimeError(
      `Output ${self._outputNr} of ${self._gradFn?.name()} is a view and is being modified inplace. This view is the output of a function that returns multiple views. ` +
        "Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.",
    );
  }
  if (self._base === null && self._gradFn === null && self._requiresGrad) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  const base = self._base;
  if (base !== null && base._gradFn === null && base._requiresGrad) {
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (base !== null && self._viewCreatedNoGrad) {
    throw new RuntimeError(
      "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. " +
        "You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).",
    );
  }
}

/** Writes `r` into `self` (same shape; castable dtype) and bumps the version counter. */
function writeInto(self: Tensor, r: Tensor): void {
  if (!shapeEquals(self.shape, r.shape)) {
    throw new RuntimeError(`output with shape ${shapeText(self.shape)} doesn't match the broadcast shape ${shapeText(r.shape)}`);
  }
  checkCast(r.dtype, self.dtype);
  const src = kview(r), dst = kview(self);
  self._storage.beforeWrite();
  backend().copy(src, dst);
  self._storage.bump();
}

/** A copy of self's current value that carries self's history: what the op reads as "old self". */
function snapshot(self: Tensor): Tensor {
  refreshViewHistory(self);
  const data = contiguousData(self);
  const s = emptyTensor(self.shape, self.dtype);
  s._storage.data.set(data);
  s._gradFn = self._gradFn;
  s._outputNr = self._outputNr;
  s._requiresGrad = self._requiresGrad;
  s._tangent = self._tangent; // forward AD: the op reads old self's tangent too
  return s;
}

/**
 * Note [in-place]: runs `compute(oldSelf)` out of place, writes the result into self, and when
 * recording makes self's gradFn the result's (or CopySlices on its base, for a view). With nothing
 * to record, `direct` may write into self's storage itself (returning false where it cannot).
 */
export function applyInplace<T extends Tensor>(self: T, others: readonly (TensorLike | null)[], compute: (old: Tensor) => Tensor,
  direct?: () => boolean, repeatedSelfOk = false): T {
  // ---- [vmap] begin ----
  if (self._batched !== undefined || VM.maxLevel(others) > 0) return VM.inplace(self, others, compute);
  // ---- [vmap] end ----
  checkInplace(self);
  const tensors = others.filter(isTensor);
  if (!repeatedSelfOk) assertNoInternalOverlap(self);
  for (const t of tensors) assertNoPartialOverlap(self, t);
  if (!needsGrad([self, ...tensors])) {
    if (direct !== undefined && !isForwardAdEnabled()) {
      self._storage.beforeWrite();
      if (direct()) {
        self._storage.bump();
        return self;
      }
    }
    const out = noGrad(() => compute(self));
    writeInto(self, out);
    if (out._tangent !== null) self._tangent = out._tangent;
    return self;
  }
  const r = compute(snapshot(self));
  writeInto(self, r);
  if (r._tangent !== null) self._tangent = r._tangent;
  if (self._base === null) {
    self._gradFn = r._gradFn;
    self._outputNr = r._outputNr;
  } else {
    copySlices(self, r);
    refreshViewHistory(self);
  }
  return self;
}

export function binaryInplace<T extends Tensor>(self: T, name: BinaryName, other: TensorLike, alpha: number): T {
  return applyInplace(self, [other], (old) => binary(name, old, other, alpha), () => binaryInto(name, self, other, alpha));
}

export function unaryInplace<T extends Tensor>(self: T, name: UnaryName): T {
  return applyInplace(self, [], (old) => unary(name, old));
}

// JVPs: a fill with a number has a zero tangent; otherwise the tangent is the value's (or src's), broadcast
const FILL_SPECS = {
  zero: { node: "ZeroBackward0", backward: ([g]) => [g.mul(0), null], jvp: () => [null] },
  fillScalar: { node: "FillBackward2", backward: ([g]) => [g.mul(0), null], jvp: () => [null] },
  // d fill(x, v) / dv = sum(g)
  fillTensor: { node: "FillBackward3", backward: ([g]) => [g.mul(0), g.sum()], jvp: ([, tv]) => [tv] },
  // d copy(self, src) = (0, g) — the engine sums g back to src's shape and casts it to src's dtype
  copy: { node: "CopyBackwards", backward: ([g]) => [g.mul(0), g], jvp: ([, ts]) => [ts] },
} satisfies Record<string, GradSpec<void>>;

/** Writes `value` (a number or a 0-d tensor) everywhere, recorded with `spec` for a number value. */
function fillWith<T extends Tensor>(self: T, value: TensorLike, scalarSpec: GradSpec<void>): T {
  if (isTensor(value) && value.dim() !== 0) {
    throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
  }
  // a fill writes one value everywhere: PyTorch allows it on a tensor with repeated elements
  return applyInplace(self, [value], (old) => {
    const out = emptyTensor(old.shape, old.dtype);
    const v = isTensor(value) ? value : scalarTensor(value, old.dtype);
    backend().copy(broadcastView(v, old.shape), kview(out));
    return record(isTensor(value) ? FILL_SPECS.fillTensor : scalarSpec, [old, isTensor(value) ? value : null], [out], undefined)[0];
  }, undefined, true);
}

/** Fills every element with `value` (a number or a 0-d tensor). */
export function fill_<T extends Tensor>(self: T, value: TensorLike): T {
  return fillWith(self, value, FILL_SPECS.fillScalar);
}

/** Sets every element to zero. */
export function zero_<T extends Tensor>(self: T): T {
  return fillWith(self, 0, FILL_SPECS.zero);
}

/** Copies `src` (broadcast to self's shape, cast to self's dtype) into self. */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  if (!isTensor(src)) throw new TypeError("copy_(): argument 'src' must be a Tensor");
  broadcastShapes(self.shape, src.shape);
  if (!shapeEquals(broadcastShapes(self.shape, src.shape), self.shape)) {
    throw new RuntimeError(`output with shape ${shapeText(self.shape)} doesn't match the broadcast shape ${shapeText(broadcastShapes(self.shape, src.shape))}`);
  }
  // ---- [vmap] begin ----
  if (self._batched !== undefined || src._batched !== undefined) return VM.copyInplaceRule(self, src);
  // ---- [vmap] end ----
  return applyInplace(self, [src], (old) => {
    const out = emptyTensor(old.shape, old.dtype);
    backend().copy(broadcastView(src, old.shape), kview(out));
    return record(FILL_SPECS.copy, [old, src], [out], undefined)[0];
  });
}

const plain = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, opts);
const leafNeedingGrad: OpSample = { args: [T([3], { grad: true }), T([3])] };
const inplace = (name: string, samples: OpSample[], errors: OpSample[]): OpInfo => ({ name, method: true, samples, errors });

/** Samples of the in-place ops: self is a plain tensor, the other operand may require grad. */
export const INPLACE_INFO: OpInfo[] = [
  ...(["add_", "sub_", "mul_", "div_"] as const).map((name) => inplace(name, [
    { args: [plain([2, 3]), T([2, 3], { grad: true })] },
    { args: [plain([2, 3]), T([3], { grad: true })] },
    { args: [plain([2, 3], { dtype: "float64" }), 2] },
    { args: [plain([3, 2], { layout: "T" }), T([3, 2], { grad: true, dtype: "float64" })] },
  ], [
    leafNeedingGrad,
    { args: [plain([3]), T([2, 3])] },
    { args: [plain([3], { dtype: "int32", gen: "int" }), 1.5] },
  ])),
  inplace("zero_", [{ args: [plain([2, 3])] }], [{ args: [T([3], { grad: true })] }]),
  inplace("fill_", [{ args: [plain([2, 3]), 2.5] }, { args: [plain([2, 3]), T([], { grad: true })] }], [{ args: [T([3], { grad: true }), 1] }, { args: [plain([3]), T([2])] }]),
  inplace("copy_", [{ args: [plain([2, 3]), T([2, 3], { grad: true })] }, { args: [plain([2, 3]), T([3], { grad: true, dtype: "float64" })] }],
    [{ args: [T([3], { grad: true }), T([3])] }, { args: [plain([3]), T([2, 3])] }]),
];
