// PyTorch's named tuples (torch.return_types.*): arrays of tensors that also carry their fields by name.
import type { Tensor } from "../tensor.ts";

/** `{ values, indices }`, also `[values, indices]`: what max(dim), min(dim), sort, topk, kthvalue, median(dim), mode, cummax, cummin return. */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

/** `{ min, max }`, also `[min, max]`: what aminmax returns. */
export type MinMax = readonly [min: Tensor, max: Tensor] & { readonly min: Tensor; readonly max: Tensor };

/**
 * Builds a named tuple: a frozen array of the tensors in PyTorch's order, with each one also
 * under its field name, so both `const { values, indices } = r` and `const [v, i] = r` work.
 * @example const r = namedTuple(["values", "indices"] as const, [v, i]); r.values === r[0]
 */
export function namedTuple<const K extends readonly string[]>(
  names: K, tensors: { readonly [I in keyof K]: Tensor },
): readonly Tensor[] & { readonly [F in K[number]]: Tensor } {
  const arr: Tensor[] = [...(tensors as readonly Tensor[])];
  names.forEach((n, i) => Object.defineProperty(arr, n, { value: arr[i], enumerable: false }));
  return Object.freeze(arr) as unknown as readonly Tensor[] & { readonly [F in K[number]]: Tensor };
}

/** A `{ values, indices }` named tuple. */
export const valuesIndices = (values: Tensor, indices: Tensor): ValuesIndices =>
  namedTuple(["values", "indices"] as const, [values, indices]) as unknown as ValuesIndices;

/** A `{ min, max }` named tuple. */
export const minMax = (min: Tensor, max: Tensor): MinMax => namedTuple(["min", "max"] as const, [min, max]) as unknown as MinMax;
