// Autograd with batched tensors: torch.autograd.grad translated to the physical graph, requiresGrad_ forwarded, backward refused.
import { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { onesLike } from "../../ops/creation.ts";
import { activeLevels, batchSizeAt, materialize, maxLevel, physicalAt, wrap } from "../batched.ts";

/** The options of torch.autograd.grad that the translation passes on. */
export interface GradLikeOptions {
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

type EngineGrad = (outputs: readonly Tensor[], inputs: readonly Tensor[], options: GradLikeOptions) => (Tensor | null)[];

const list = <T>(x: T | readonly T[] | null | undefined): readonly T[] => (x === null || x === undefined ? [] : Array.isArray(x) ? (x as readonly T[]) : [x as T]);

/** Whether torch.autograd.grad must go through `batchedGrad`. */
export const anyBatchedGrad = (outputs: unknown, inputs: unknown, gradOutputs: unknown): boolean => maxLevel([list(outputs), list(inputs), list(gradOutputs)]) > 0;

/**
 * torch.autograd.grad over batched tensors, at the innermost level L present. Rules never mix
 * samples, so the gradient of the physical outputs (seeded per sample) w.r.t. the physical inputs is
 * every sample's gradient at once: one backward pass for the whole batch. An input not batched at L
 * would receive the sum over the batch, so when the outputs are batched every input must be too
 * (torch.func.grad and friends batch their inputs for this, see transforms.ts).
 */
export function batchedGrad(outputs: readonly Tensor[], inputs: readonly Tensor[], options: GradLikeOptions, grad: EngineGrad): (Tensor | null)[] {
  const gos = list(options.gradOutputs);
  const level = maxLevel([outputs, inputs, gos]);
  const size = batchSizeAt([outputs, inputs, gos], level);
  const batchedOut = outputs.some((o) => physicalAt(o, level) !== null) || gos.some((g) => g !== null && physicalAt(g, level) !== null);
  if (batchedOut && inputs.some((x) => physicalAt(x, level) === null)) {
    throw new RuntimeError("vmap: torch.autograd.grad of a batched output with respect to a tensor that is not batched is not supported in tensorgrad (it would sum the samples' gradients); use torch.func.grad or torch.func.vjp inside vmap, which batch their inputs.");
  }
  const physOut = outputs.map((o) => (batchedOut ? materialize(o, level, size) : o));
  const physGo = outputs.map((o, i) => {
    const g = gos[i] ?? null;
    if (g !== null) return batchedOut ? materialize(g, level, size) : g;
    if (!batchedOut) return null;
    if (o.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
    return onesLike(physOut[i]);
  });
  const physIn = inputs.map((x) => physicalAt(x, level) ?? x);
  const grads = grad(physOut, physIn, { ...options, gradOutputs: physGo });
  return grads.map((g, i) => (g === null ? null : physicalAt(inputs[i], level) === null ? g : wrap(g, level)));
}

/** functorch's refusal of backward() on a batched tensor. */
export function refuseBackward(tensors: unknown): void {
  if (maxLevel([list(tensors)]) > 0) {
    throw new RuntimeError("backward() called inside a functorch transform. This is not supported, please use functorch.grad or functorch.vjp instead or call backward() outside of functorch transforms.");
  }
}

/** requiresGrad_ on a batched tensor sets it on the physical value, which the wrapper mirrors. */
export function setBatchedRequiresGrad(t: Tensor, flag: boolean, set: (t: Tensor, flag: boolean) => void): void {
  const { value } = t._batched!;
  set(value, flag);
  t._requiresGrad = value.requiresGrad;
}

/**
 * `x` batched at every active vmap level (expanded where it is not), so that a gradient taken inside
 * vmap with respect to it is per sample. The expansion is recorded: gradients still reach `x`.
 */
export function batchAtActiveLevels(x: Tensor): Tensor {
  const levels = activeLevels();
  const go = (t: Tensor, k: number): Tensor => {
    if (k < 0) return t;
    const { level, size } = levels[k];
    const p = physicalAt(t, level);
    if (p !== null) return wrap(go(p, k - 1), level);
    const outer = go(t, k - 1);
    return wrap(outer.unsqueeze(0).expand([size, ...outer.shape]), level);
  };
  return levels.length === 0 || !(x instanceof Tensor) ? x : go(x, levels.length - 1);
}
