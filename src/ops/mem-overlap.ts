// PyTorch's memory-overlap checks for in-place writes: a written tensor with repeated elements, and an input partly aliasing the output.
import { RuntimeError } from "../errors.ts";
import { numelOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";

const ADVICE = "Please clone() the tensor before performing the operation.";

/** Whether some permutation of t's dims makes it contiguous (PyTorch's is_non_overlapping_and_dense). */
function nonOverlappingAndDense(t: Tensor): boolean {
  if (t.isContiguous()) return true;
  const dims = t.shape.map((_, d) => d).filter((d) => t.shape[d] !== 1);
  dims.sort((a, b) => t._strides[a] - t._strides[b] || t.shape[a] - t.shape[b]);
  let want = 1;
  for (const d of dims) {
    if (t._strides[d] !== want) return false;
    want *= t.shape[d];
  }
  return true;
}

/** Refuses writing into `t` when two of its elements share memory (a stride 0 over a dim longer than 1). */
export function assertNoInternalOverlap(t: Tensor): void {
  if (nonOverlappingAndDense(t)) return;
  if (t.shape.some((n, d) => n > 1 && t._strides[d] === 0)) {
    throw new RuntimeError(`unsupported operation: more than one element of the written-to tensor refers to a single memory location. ${ADVICE}`);
  }
}

/**
 * Refuses an input that shares some but not all of the written tensor's memory, or all of it in another
 * layout (PyTorch's assert_no_partial_overlap); tensors it cannot judge cheaply (not dense) pass.
 */
export function assertNoPartialOverlap(out: Tensor, input: Tensor): void {
  if (out === input || out._storage !== input._storage) return;
  const n = numelOf(out.shape), m = numelOf(input.shape);
  if (n === 0 || m === 0 || !nonOverlappingAndDense(out) || !nonOverlappingAndDense(input)) return;
  const a0 = out._offset, a1 = a0 + n, b0 = input._offset, b1 = b0 + m;
  const same = a0 === b0 && a1 === b1;
  if (same && out.shape.length === input.shape.length && out._strides.every((s, d) => s === input._strides[d])) return;
  if (same || (a0 < b1 && b0 < a1)) {
    throw new RuntimeError(`unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. ${ADVICE}`);
  }
}
