// dtypes: the DType union, storage array per dtype, categories and torch.result_type promotion.
import { RuntimeError } from "./errors.ts";

/** The dtypes tensorgrad supports. `torch.float32 === "float32"` and so on. */
export type DType = "float32" | "float64" | "int32" | "int64" | "bool";

/** Typed array backing each dtype. int64 lives in a Float64Array (exact for |v| <= 2^53). */
export type StorageArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const float32 = "float32" as const;
export const float64 = "float64" as const;
export const int32 = "int32" as const;
export const int64 = "int64" as const;
export const bool = "bool" as const;
/** Aliases PyTorch users know. */
export const float = float32;
export const double = float64;
export const long = int64;
export const int = int32;

export const DTYPES: readonly DType[] = ["bool", "int32", "int64", "float32", "float64"];

/** Largest integer an int64 tensor stores exactly (2^53 - 1). */
export const INT64_MAX_EXACT = Number.MAX_SAFE_INTEGER;

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function isFloating(d: DType): boolean {
  return d === "float32" || d === "float64";
}

export function isIntegral(d: DType, includeBool = false): boolean {
  return d === "int32" || d === "int64" || (includeBool && d === "bool");
}

/** Allocates zeroed storage for `n` elements of dtype `d`. */
export function allocStorage(d: DType, n: number): StorageArray {
  switch (d) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "int32": return new Int32Array(n);
    case "int64": return new Float64Array(n);
    case "bool": return new Uint8Array(n);
  }
  return d satisfies never;
}

/** Promotion category: bool < integral < floating. */
export type Category = 0 | 1 | 2;
export function category(d: DType): Category {
  return d === "bool" ? 0 : isIntegral(d) ? 1 : 2;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/** The smallest dtype that holds both (torch.promote_types over our dtypes). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A JS scalar's dtype in promotion: integral numbers are int64, others float32 (the default), booleans bool. */
export function scalarDType(v: number | boolean): DType {
  if (typeof v === "boolean") return "bool";
  return Number.isInteger(v) ? "int64" : "float32";
}

/** One operand as seen by result_type: a tensor's dtype and rank, or a JS scalar. */
export type PromotionOperand = { dtype: DType; dim: number } | number | boolean;

/**
 * torch.result_type over tensors and JS scalars: dimensioned tensors first, then 0-d tensors,
 * then scalars, each only when of a higher category (PYTORCH-SEMANTICS.md 3.2).
 * @example resultType([{ dtype: "int32", dim: 1 }, 2.5]) // "float32"
 */
export function resultType(ops: readonly PromotionOperand[]): DType {
  let dimRes: DType | null = null;
  let zeroRes: DType | null = null;
  let scalarRes: DType | null = null;
  const join = (acc: DType | null, d: DType) => (acc === null ? d : promoteTypes(acc, d));
  for (const op of ops) {
    if (typeof op === "number" || typeof op === "boolean") scalarRes = join(scalarRes, scalarDType(op));
    else if (op.dim === 0) zeroRes = join(zeroRes, op.dtype);
    else dimRes = join(dimRes, op.dtype);
  }
  let res: DType | null = dimRes;
  if (zeroRes !== null && (res === null || category(zeroRes) > category(res))) res = zeroRes;
  if (scalarRes !== null && (res === null || category(scalarRes) > category(res))) res = scalarRes;
  return res ?? "float32";
}

/** Whether a result of dtype `from` may be written into a tensor of dtype `to` (in-place / out=). */
export function canCast(from: DType, to: DType): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  if (from !== "bool" && to === "bool") return false;
  return true;
}

/** PyTorch's legacy tensor type names, used in several error messages. */
export const TENSOR_TYPE_NAME: Record<DType, string> = {
  float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor",
  int64: "torch.LongTensor", bool: "torch.BoolTensor",
};

/** PyTorch's scalar type names ("Float", "Long"...), used in cast errors. */
export const SCALAR_TYPE_NAME: Record<DType, string> = {
  float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool",
};

export function checkCast(from: DType, to: DType): void {
  if (!canCast(from, to)) {
    throw new RuntimeError(`result type ${SCALAR_TYPE_NAME[from]} can't be cast to the desired output type ${SCALAR_TYPE_NAME[to]}`);
  }
}
