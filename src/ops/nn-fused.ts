// Shared plumbing of torch.nn.functional ops: fused nodes (forward composed under noGrad, a named node), reductions, argument reading.
import { noGrad } from "../autograd/grad-mode.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { record, type GradSpec } from "../autograd/record.ts";
import { ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { splitOptions } from "./core.ts";

/** A loss's reduction. */
export type Reduction = "mean" | "sum" | "none";

/** PyTorch's reduction check (`_Reduction.get_enum`). */
export function reductionOf(r: unknown, extra: readonly string[] = []): Reduction {
  if (r === "mean" || r === "sum" || r === "none" || extra.includes(r as string)) return r as Reduction;
  throw new ValueError(`${String(r)} is not a valid value for reduction`);
}

/** Applies a reduction to per-element losses. */
export function applyReduction(t: Tensor, r: Reduction): Tensor {
  return r === "none" ? t : r === "sum" ? t.sum() : t.mean();
}

/**
 * Runs a composite forward without recording it, then records the result as one node with PyTorch's
 * name (`spec`), whose backward is written in Tensor ops. The forward must return a fresh tensor.
 */
export function fused<P>(spec: GradSpec<P>, inputs: readonly (Tensor | null | undefined)[], forward: () => Tensor, params: P): Tensor {
  // ---- [vmap] begin ----
  if (VM.maxLevel(inputs) > 0) return forward(); // batched: the composite forward in batched ops, recorded op by op on the physical graph
  // ---- [vmap] end ----
  const out = noGrad(forward);
  out._provenance = null;
  return record(spec, inputs, [out], params)[0];
}

/** `t / c` recorded as PyTorch's Tensor-by-Scalar division (DivBackward1). */
export function divScalar(t: Tensor, c: number): Tensor {
  return fused({ node: "DivBackward1", backward: ([g]) => [g.div(c)] }, [t], () => t.div(c), undefined);
}

/** Reads positional args then an options object into named fields, in PyTorch's order. */
export function readNamed<O extends object>(args: readonly unknown[], names: readonly (keyof O & string)[], defaults: O): O {
  const [pos, opts] = splitOptions<O>(args);
  const out: O = { ...defaults };
  names.forEach((n, i) => {
    const v = i < pos.length ? pos[i] : opts[n];
    if (v !== undefined) (out as Record<string, unknown>)[n] = v;
  });
  return out;
}

/** Python's `torch.Size([a, b])`. */
export const torchSize = (shape: readonly number[]): string => `torch.Size([${shape.join(", ")}])`;
