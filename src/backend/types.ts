// The backend interface: kernel codes and the strided-view shape every kernel reads and writes.
import type { StorageArray } from "../dtype.ts";

/** A strided window onto a storage array: what a kernel sees of a tensor. */
export interface View {
  readonly data: StorageArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise one-input kernels; some read numeric parameters (listed in ref/scalar.ts beside each). */
export type UnaryCode =
  | "neg" | "abs" | "sign" | "exp" | "log" | "sqrt" | "tanh" | "sigmoid" | "relu" | "logicalNot"
  | "exp2" | "expm1" | "log2" | "log10" | "log1p" | "rsqrt" | "reciprocal"
  | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "asinh" | "acosh" | "atanh"
  | "logit" | "erf" | "erfc" | "floor" | "ceil" | "round" | "trunc" | "frac" | "nanToNum" | "isnan" | "isinf" | "isfinite"
  | "hardtanh" | "leakyRelu" | "elu" | "gelu" | "silu" | "mish" | "softplus" | "hardsigmoid" | "hardswish" | "logSigmoid";

/** Elementwise two-input kernels (the inputs arrive already broadcast to the output shape). */
export type BinaryCode =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "logicalXor"
  // division with rounding, Python's and C's remainders, NaN-ignoring max/min, and friends
  | "divTrunc" | "divFloor" | "remainder" | "fmod" | "fmax" | "fmin" | "atan2" | "hypot" | "copysign"
  // where's halves: `b` where the mask `a` is set (maskKeep) or clear (maskDrop), else -0 (x + -0 === x)
  | "maskKeep" | "maskDrop"
  // relu's gradient (PyTorch's threshold_backward at 0): `a` (the gradient) where b > 0 or NaN, else +0
  | "thresholdBackward";

/** The binary ops a chain kernel combines (Backend.binaryChain). */
export const CHAIN_CODES = ["add", "sub", "mul", "div"] as const;
export type ChainCode = (typeof CHAIN_CODES)[number];

/** Reductions over a set of dims; `out` has the input's rank with reduced dims of size 1. */
export type ReduceCode = "sum" | "prod" | "max" | "min";

/** What a backend provides. `ref` is the executable spec; faster backends must agree with it. */
export interface Backend {
  readonly name: string;
  /** Copies `src` into `dst` (same shape), casting by the typed arrays' assignment. */
  copy(src: View, dst: View): void;
  /** Writes one value to every element of `dst`. */
  fill(dst: View, value: number): void;
  /** `params`: the op's numeric parameters (e.g. leakyRelu's slope), in the order ref/scalar.ts reads them. */
  unary(op: UnaryCode, x: View, out: View, params?: readonly number[]): void;
  binary(op: BinaryCode, a: View, b: View, out: View): void;
  /**
   * Optional: out = outer(inner(x, y), z), or outer(z, inner(x, y)) when `swap`, over views of one shape,
   * each op rounded as `binary` rounds it, without writing the intermediate (Note [deferred elementwise]
   * in ops/deferred.ts). False: nothing written, the caller runs the two `binary` calls.
   */
  binaryChain?(inner: ChainCode, outer: ChainCode, swap: boolean, x: View, y: View, z: View, out: View): boolean;
  reduce(op: ReduceCode, x: View, out: View): void;
  /** Batched matrix product: a [B, M, K], b [B, K, N] -> out [B, M, N]. */
  matmul(a: View, b: View, out: View): void;
  // Extension areas: each op-library workstream adds its kernels between its own markers.
  // ---- [reduce-ext] begin ----
  /** Sorts each line along `dim` (stable; NaN is the largest value) into `values` and int64 `indices`. */
  sort(x: View, dim: number, descending: boolean, values: View, indices: View): void;
  /** Per line along `dim`: the selected value and int64 index (`k`: 0-based rank for kthvalue); outputs have size 1 at `dim`. */
  select(op: import("./line-codes.ts").SelectCode, x: View, dim: number, k: number, values: View, indices: View): void;
  /** Inclusive scan along `dim`; cummax/cummin also write the running extreme's int64 index. */
  scan(op: import("./line-codes.ts").ScanCode, x: View, dim: number, out: View, indices: View | null): void;
  // ---- [reduce-ext] end ----
  // ---- [shape-ext] begin ----
  /** out[i] = x[i with i[dim] replaced by index[i]] (out has index's shape; indices in range; a 0-d view counts as [1]). */
  gather(x: View, dim: number, index: View, out: View): void;
  /**
   * dst[i with i[dim] replaced by index[i]] (op)= src[i] over index's shape, in place. `includeSelf`
   * false drops a slot's old value at its first hit; "mean" floors for integral dtypes when `integral`.
   */
  scatter(op: "set" | "sum" | "prod" | "mean" | "amax" | "amin", dst: View, dim: number, index: View, src: View,
    opts: { readonly includeSelf: boolean; readonly integral: boolean }): void;
  /** Row-major positions of the non-zero elements of `x`. */
  nonzero(x: View): number[];
  // ---- [shape-ext] end ----
  // ---- [index-ext] begin ----
  /**
   * Advanced-indexing gather: `src` has the result's shape (stride 0 on the broadcast index dims,
   * the indexed dims removed); each index view (non-negative, in range) is broadcast to that shape
   * and moves along the storage by `indexStrides[k]`. Writes every element of `out`.
   */
  indexGather(src: View, indices: readonly View[], indexStrides: readonly number[], out: View): void;
  /** The scatter of `indexGather`: writes (or adds, with `accumulate`) `values` (broadcast to dst's shape) at the same targets. */
  indexPut(dst: View, indices: readonly View[], indexStrides: readonly number[], values: View, accumulate: boolean): void;
  // ---- [index-ext] end ----
  // ---- [linalg-ext] begin ----
  /**
   * P A = L U with partial pivoting of each matrix of `a` [..., m, n]: packed L\U into `lu` (a's shape),
   * 1-based row swaps into int32 `pivots` [..., min(m, n)], and into int32 `info` [...] 0 or the 1-based
   * index of the first zero pivot (LAPACK getrf's conventions).
   */
  luFactor(a: View, lu: View, pivots: View, info: View): void;
  /** A X = B (Aᵀ X = B with `adjoint`) from luFactor's `lu` and `pivots`; b, out [..., n, k] share one batch shape. */
  luSolve(lu: View, pivots: View, b: View, out: View, adjoint: boolean): void;
  /** Thin SVD of [..., m, n]: u [..., m, k], s [..., k] descending, v [..., n, k] (contiguous outputs, k = min(m, n)). */
  svd(a: View, u: View, s: View, v: View): void;
  // ---- [linalg-ext] end ----
  // ---- [nn-ext] begin ----
  /** Softmax (or log-softmax with `log`) of each line along `dim`, max-shifted; `out` has x's shape. */
  softmax(x: View, dim: number, log: boolean, out: View): void;
  // ---- [nn-ext] end ----
  // ---- [softmax-fast] begin ----
  /**
   * Softmax's gradient along `dim` from its output `y` and that output's gradient `g` (one shape):
   * out = y (g - sum(g y)); with `log` (y a log-softmax output) out = g - e^y sum(g).
   */
  softmaxBackward(y: View, g: View, dim: number, log: boolean, out: View): void;
  // ---- [softmax-fast] end ----
  // ---- [conv-ext] begin ----
  /** im2col: x [N, C, ...in] -> cols [N, C * prod(kernel), prod(outSize)], zeros where a tap reads padding. */
  im2col(x: View, cols: View, geometry: import("./conv-types.ts").ConvGeometry): void;
  /** The adjoint of im2col: ADDS cols [N, C * prod(kernel), prod(outSize)] into x [N, C, ...in]. */
  col2im(cols: View, x: View, geometry: import("./conv-types.ts").ConvGeometry): void;
  /** Max over each output's taps: x [P, ...in] -> out, int64 indices [P, ...out] (row-major offset in the plane; first max, NaN wins). */
  poolMax(x: View, out: View, indices: View, dims: readonly import("./conv-types.ts").PoolDim[]): void;
  /** Mean over each output's taps: x [P, ...in] -> out [P, ...out]; divisor = divisorOverride (if not 0) or the product of the dims' factors. */
  poolAvg(x: View, out: View, dims: readonly import("./conv-types.ts").PoolDim[], divisorOverride: number): void;
  /** The adjoint of poolAvg: ADDS g [P, ...out] / divisor into each tap of gx [P, ...in]. */
  poolAvgBackward(g: View, gx: View, dims: readonly import("./conv-types.ts").PoolDim[], divisorOverride: number): void;
  // ---- [conv-ext] end ----
  // ---- [conv-fast] begin ----
  // Convolutions as GEMMs (Note [conv as GEMM] in conv-gemm.ts): big [N, Cb, ...in], small [N, Cs, ...outSize],
  // weight [Cs, Cb / groups, ...kernel].
  /** small = conv(big, w) (+ bias [Cs], or null): a convolution's forward (writes every element of `small`). */
  conv(big: View, w: View, bias: View | null, small: View, geometry: import("./conv-types.ts").ConvGeometry, groups: number): void;
  /** The adjoint of conv in big (+ bias [Cb], or null): a transposed convolution's forward, a convolution's input gradient (writes every element of `big`). */
  convAdjoint(small: View, w: View, bias: View | null, big: View, geometry: import("./conv-types.ts").ConvGeometry, groups: number): void;
  /** The gradient of conv in its weight, Σ over the batch: writes every element of `w`. */
  convWeight(big: View, small: View, w: View, geometry: import("./conv-types.ts").ConvGeometry, groups: number): void;
  // ---- [conv-fast] end ----
}
