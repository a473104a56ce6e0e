// The public API: `import * as torch from "tensorgrad"` gives PyTorch's names, camelCased.
import type { Tensor } from "./tensor.ts";
import type { DType } from "./dtype.ts";
import * as B from "./ops/binary.ts";
import * as U from "./ops/unary.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/movement.ts";
import * as L from "./ops/linalg.ts";
import type { TensorLike } from "./ops/core.ts";
import { GradcheckError } from "./autograd/gradcheck.ts";
import { RuntimeError, IndexError, ValueError, NotImplementedError } from "./errors.ts";

export { Tensor } from "./tensor.ts";
export type { NestedList, SizeArgs } from "./tensor.ts";
export { Node } from "./autograd/node.ts";
export type { GradHook, RemovableHandle } from "./autograd/node.ts";
export type { DType } from "./dtype.ts";
export { float32, float64, int32, int64, bool, float, double, long, int, promoteTypes } from "./dtype.ts";
export { noGrad, enableGrad, setGradEnabled, isGradEnabled, inferenceMode, isInferenceModeEnabled } from "./autograd/grad-mode.ts";
export { tensor, zeros, ones, full, empty, arange, linspace, eye, zerosLike, onesLike, emptyLike, fullLike, rand, randn, randint } from "./ops/creation.ts";
export type { FactoryOptions, RandomOptions, TensorData, NestedData } from "./ops/creation.ts";
export { Generator, manualSeed } from "./random.ts";
export { slice, Slice } from "./ops/indexing.ts";
export type { IndexItem } from "./ops/indexing.ts";
export type { BackwardOptions, GradOptions } from "./autograd/engine.ts";
export type { ReduceOptions, DimArg } from "./ops/reduce.ts";
export type { ToOptions } from "./ops/movement.ts";
export { broadcastShapes } from "./shape.ts";
export { formatTensor } from "./format.ts";
export * as nn from "./nn/index.ts";
export * as utils from "./utils/index.ts";
export * as func from "./func/index.ts";
export * as backends from "./backends.ts";
export { getNumThreads, setNumThreads } from "./backend/wasm/threads.ts";
export type { TensorLike };

/** PyTorch-named error classes. */
export const errors = { RuntimeError, IndexError, ValueError, NotImplementedError, GradcheckError };

export * as autograd from "./autograd/public.ts";

// ---- functional forms (torch.add(a, b) ...) -------------------------------------------------------
export const add = (a: TensorLike, b: TensorLike, opts?: { alpha?: number }): Tensor => B.binary("add", a, b, opts?.alpha ?? 1);
export const sub = (a: TensorLike, b: TensorLike, opts?: { alpha?: number }): Tensor => B.binary("sub", a, b, opts?.alpha ?? 1);
export const mul = (a: TensorLike, b: TensorLike): Tensor => B.binary("mul", a, b);
export const div = (a: TensorLike, b: TensorLike, opts?: B.DivOptions): Tensor => B.div(a, b, opts);
export const pow = (a: TensorLike, b: TensorLike): Tensor => B.pow(a, b);
export const maximum = (a: Tensor, b: Tensor): Tensor => B.binary("maximum", a, b);
export const minimum = (a: Tensor, b: Tensor): Tensor => B.binary("minimum", a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => B.binary("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => B.binary("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => B.binary("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => B.binary("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => B.binary("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => B.binary("ge", a, b);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => B.logical("logicalAnd", a, b);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => B.logical("logicalOr", a, b);
export const logicalXor = (a: Tensor, b: Tensor): Tensor => B.logical("logicalXor", a, b);
export const { neg, abs, sign, exp, log, sqrt, square, tanh, sigmoid, relu, logicalNot } = U;
export const sum = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.sum(x, ...args);
export const mean = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.mean(x, ...args);
export const amax = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.amax(x, ...args);
export const amin = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.amin(x, ...args);
export const { dot, mm, bmm, mv, matmul } = L;
export const { reshape, transpose, t, permute, squeeze, unsqueeze, flatten, narrow, select, clone } = M;
/** Whether `x` is a Tensor. */
export { isTensor } from "./ops/core.ts";
/** PyTorch's `torch.result_type` for tensors and JS scalars. */
export function resultType(a: TensorLike, b: TensorLike): DType {
  return B.binaryDTypes("promote", a, b).compute;
}

// Extension areas: each op-library workstream adds its exports between its own markers.
// ---- [unary-ext] begin ----
export const {
  exp2, expm1, log2, log10, log1p, rsqrt, reciprocal, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh,
  erf, erfc, floor, ceil, trunc, frac, isnan, isinf, isfinite, logit, round, nanToNum,
} = U;
export type { LogitOptions, RoundOptions, NanToNumOptions } from "./ops/unary.ts";
export { selu, celu } from "./ops/activation.ts";
// ---- [unary-ext] end ----
// ---- [binary-ext] begin ----
export type { DivOptions } from "./ops/binary.ts";
export type { AddcOptions, Bound, ClampOptions } from "./ops/ternary.ts";
export type { CloseOptions } from "./ops/compare.ts";
export { floorDivide, remainder, fmod, copysign } from "./ops/binary.ts";
export { where, lerp, addcmul, addcdiv, clamp, clampMin, clampMax, clamp as clip } from "./ops/ternary.ts";
export { isclose, allclose, equal } from "./ops/compare.ts";
/** Division without rounding (PyTorch's alias of div). */
export const trueDivide = (a: TensorLike, b: TensorLike): Tensor => B.binary("div", a, b);
export const fmax = (a: Tensor, b: Tensor): Tensor => B.tensorBinary("fmax", a, b);
export const fmin = (a: Tensor, b: Tensor): Tensor => B.tensorBinary("fmin", a, b);
export const atan2 = (a: Tensor, b: Tensor): Tensor => B.tensorBinary("atan2", a, b);
export const hypot = (a: Tensor, b: Tensor): Tensor => B.tensorBinary("hypot", a, b);
// ---- [binary-ext] end ----
// ---- [reduce-ext] begin ----
export { max, min, argmax, argmin, median, kthvalue, mode, sort, argsort, topk, unique, cumsum, cumprod, cummax, cummin } from "./ops/reduce-ext.ts";
/** torch.any / torch.all (the Tensor methods exist in reduce.ts). */
export const any = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.any(x, ...args);
export const all = (x: Tensor, ...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor => R.all(x, ...args);
export { prod, var_ as var, std, varMean, stdMean, logsumexp, norm, countNonzero, aminmax } from "./ops/reduce-ext.ts";
export type { DimKeepdim, ValuesIndices, MinMax, SortOptions, TopkOptions, UniqueOptions, CumOptions } from "./ops/reduce-ext.ts";
export type { VarOptions, ProdOptions, NormOptions, NormP } from "./ops/reduce-ext.ts";
// ---- [reduce-ext] end ----
// ---- [shape-ext] begin ----
export { gather, scatter, scatterAdd, scatterReduce, indexSelect, indexAdd, indexCopy, indexFill, maskedFill, maskedSelect, maskedScatter, take, nonzero } from "./ops/gather.ts";
export type { ScatterReduce } from "./ops/gather.ts";
export { repeatInterleave, tile, flip, roll, rot90, tril, triu, diag, diagonal, diagEmbed, trace, movedim, movedim as moveaxis, swapaxes, swapaxes as swapdims, unflatten, broadcastTo } from "./ops/shape-ext.ts";
export { cat, cat as concat, cat as concatenate, stack, hstack, vstack, split, chunk, unbind } from "./ops/join.ts";
// ---- [shape-ext] end ----
// ---- [index-ext] begin ----
export { indexPut } from "./ops/indexing.ts";
export type { NestedIndex, AccumulateArg } from "./ops/indexing.ts";
// ---- [index-ext] end ----
// ---- [linalg-ext] begin ----
export { addmm, baddbmm, addmv, outer, ger, inner, tensordot, kron, cross } from "./ops/linalg-ext.ts";
export type { AddProductOptions, TensordotDims } from "./ops/linalg-ext.ts";
export { einsum } from "./ops/einsum.ts";
export * as linalg from "./linalg/index.ts";
export { det, slogdet, inv as inverse } from "./ops/linalg-solve.ts";
// ---- [linalg-ext] end ----
// ---- [random-ext] begin ----
export { randperm, bernoulli, multinomial, normal, randLike, randnLike, randintLike, seed, initialSeed, getRngState, setRngState } from "./ops/random-ops.ts";
export type { GeneratorOptions, MultinomialOptions, NormalOptions } from "./ops/random-ops.ts";
// ---- [random-ext] end ----
// ---- [nn-ext] begin ----
export { softmax, logSoftmax } from "./ops/softmax.ts";
export type { SoftmaxOptions } from "./ops/softmax.ts";
// ---- [nn-ext] end ----
// ---- [conv-ext] begin ----
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from "./ops/conv.ts";
export { maxPool1d, maxPool2d, avgPool1d, adaptiveAvgPool1d } from "./ops/pool.ts";
export { pixelShuffle, pixelUnshuffle } from "./ops/resample.ts";
// ---- [conv-ext] end ----
// ---- [vmap] begin ----
/** torch.vmap (PyTorch 2.x): the same as torch.func.vmap. */
export { vmap } from "./func/vmap.ts";
// ---- [vmap] end ----
