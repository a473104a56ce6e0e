// The backend interface: kernel codes and the strided-view shape every kernel reads and writes.
import type { StorageArray } from "../dtype.ts";

/** A strided window onto a storage array: what a kernel sees of a tensor. */
export interface View {
  readonly data: StorageArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise one-input kernels. */
export type UnaryCode = "neg" | "abs" | "sign" | "exp" | "log" | "sqrt" | "tanh" | "sigmoid" | "relu" | "logicalNot";

/** Elementwise two-input kernels (the inputs arrive already broadcast to the output shape). */
export type BinaryCode =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "logicalXor";

/** Reductions over a set of dims; `out` has the input's rank with reduced dims of size 1. */
export type ReduceCode = "sum" | "prod" | "max" | "min";

/** What a backend provides. `ref` is the executable spec; faster backends must agree with it. */
export interface Backend {
  readonly name: string;
  /** Copies `src` into `dst` (same shape), casting by the typed arrays' assignment. */
  copy(src: View, dst: View): void;
  /** Writes one value to every element of `dst`. */
  fill(dst: View, value: number): void;
  unary(op: UnaryCode, x: View, out: View): void;
  binary(op: BinaryCode, a: View, b: View, out: View): void;
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
  /** out = x gathered along `dim` at `index` (index and out share a shape). */
  gather(x: View, dim: number, index: View, out: View): void;
  /** out += src scattered along `dim` to `index` (index and src share a shape). */
  scatterAdd(src: View, dim: number, index: View, out: View): void;
  // ---- [reduce-ext] end ----
  // ---- [shape-ext] begin ----
  // ---- [shape-ext] end ----
  // ---- [index-ext] begin ----
  // ---- [index-ext] end ----
  // ---- [linalg-ext] begin ----
  // ---- [linalg-ext] end ----
}
