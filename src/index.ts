// The public API: `import * as torch from "tensorgrad"` gives PyTorch's names, camelCased.
import type { Tensor } from "./tensor.ts";
import type { DType } from "./dtype.ts";
import * as B from "./ops/binary.ts";
import * as U from "./ops/unary.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/movement.ts";
import * as L from "./ops/linalg.ts";
import type { TensorLike } from "./ops/core.ts";
import { backward, grad } from "./autograd/engine.ts";
import { gradcheck, gradgradcheck, GradcheckError } from "./autograd/gradcheck.ts";
import { RuntimeError, IndexError, ValueError, NotImplementedError } from "./errors.ts";

export { Tensor } from "./tensor.ts";
export type { NestedList, SizeArgs } from "./tensor.ts";
export { Node } from "./autograd/node.ts";
export type { GradHook, RemovableHandle } from "./autograd/node.ts";
export type { DType } from "./dtype.ts";
export { float32, float64, int32, int64, bool, float, double, long, int, promoteTypes } from "./dtype.ts";
export { noGrad, enableGrad, setGradEnabled, isGradEnabled } from "./autograd/grad-mode.ts";
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
export type { TensorLike };

/** PyTorch-named error classes. */
export const errors = { RuntimeError, IndexError, ValueError, NotImplementedError, GradcheckError };

/** torch.autograd: gradients as values, backward over several roots, gradcheck. */
export const autograd = { grad, backward, gradcheck, gradgradcheck };

// ---- functional forms (torch.add(a, b) ...) -------------------------------------------------------
export const add = (a: TensorLike, b: TensorLike, opts?: { alpha?: number }): Tensor => B.binary("add", a, b, opts?.alpha ?? 1);
export const sub = (a: TensorLike, b: TensorLike, opts?: { alpha?: number }): Tensor => B.binary("sub", a, b, opts?.alpha ?? 1);
export const mul = (a: TensorLike, b: TensorLike): Tensor => B.binary("mul", a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => B.binary("div", a, b);
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
// ---- [unary-ext] end ----
// ---- [binary-ext] begin ----
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
// ---- [shape-ext] end ----
// ---- [index-ext] begin ----
// ---- [index-ext] end ----
// ---- [linalg-ext] begin ----
// ---- [linalg-ext] end ----
// ---- [random-ext] begin ----
// ---- [random-ext] end ----
