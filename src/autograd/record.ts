// Recording: wires an op's outputs into the autograd graph from its GradSpec (node name, saves, backward).
import { RuntimeError } from "../errors.ts";
import { isFloating } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { AccumulateGrad, Node, type Edge } from "./node.ts";
import { SavedTensor } from "./saved-tensor.ts";
import { isGradEnabled } from "./grad-mode.ts";
import { refreshViewHistory } from "./view-history.ts";
import { isForwardAdEnabled, pushTangents } from "./forward-ad.ts";
// ---- [vmap] begin ----
import { noRuleMessage } from "../func/batched.ts";
// ---- [vmap] end ----

/** Saved values as a backward function sees them: unpacked on access, with the version check (a Node). */
export interface Saved {
  input(i: number): Tensor;
  output(i: number): Tensor;
  /** whether input `i` needs a gradient (skip computing the others) */
  needsGrad(i: number): boolean;
}

/**
 * Everything autograd needs to know about an op: PyTorch's node name, what it saves and its
 * gradient written in Tensor ops (so double backward works). `P` are the op's non-tensor arguments.
 */
export interface GradSpec<P = void> {
  readonly node: string;
  readonly saves?: { readonly inputs?: readonly number[]; readonly outputs?: readonly number[] };
  /** pass null (not zeros) for outputs that received no gradient (a rule that can skip work for them) */
  readonly keepNullGrads?: boolean;
  /** gradients of the inputs (null: none), given those of the outputs */
  backward(grads: Tensor[], saved: Saved, params: P): (Tensor | null)[];
  // ---- [jvp-rules] begin ----
  /**
   * Forward mode (Note [forward AD]): the outputs' tangents given the inputs' (null: a zero tangent; the
   * rule may return null for a zero one, and a tangent that broadcasts to its output's shape). Written in
   * Tensor ops, so tangents are differentiable; `saved` gives the primal inputs and outputs, and
   * `needsGrad(i)` says whether input i has a tangent; `this` is the entry (shared rules read its
   * `backward`). Absent: derived from `backward` by the linearity trick (slower).
   */
  jvp?(this: GradSpec<P>, tangents: readonly (Tensor | null)[], saved: Saved, params: P): readonly (Tensor | null)[];
  // ---- [jvp-rules] end ----
}

/** The edge a gradient for `t` flows along: its gradFn, its leaf accumulator, or none. */
export function gradientEdge(t: Tensor): Edge | null {
  if (t._base !== null) refreshViewHistory(t);
  if (t._gradFn !== null) return { node: t._gradFn, inputNr: t._outputNr, shape: t.shape, dtype: t.dtype };
  if (t._requiresGrad) return { node: accumulatorOf(t), inputNr: 0, shape: t.shape, dtype: t.dtype };
  return null;
}

/** A leaf's AccumulateGrad node, created once and cached on the tensor. */
export function accumulatorOf(t: Tensor): AccumulateGrad {
  // ---- [vmap] begin ----
  // a batched tensor's gradients live on its physical value: recording an op on it means the op has no batching rule
  if (t._accumulator === null && t._batched !== undefined) throw new RuntimeError(noRuleMessage("it would record a gradient edge to a batched tensor (an op without a batching rule)"));
  // ---- [vmap] end ----
  t._accumulator ??= new AccumulateGrad(t);
  return t._accumulator;
}

/** Whether an op over these inputs must be recorded. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

const NONE: readonly number[] = [];

function anyFloating(outputs: readonly Tensor[]): boolean {
  for (let i = 0; i < outputs.length; i++) if (isFloating(outputs[i].dtype)) return true;
  return false;
}

/**
 * Records `outputs = op(inputs)` in the graph when grad mode is on and some input requires grad.
 * Integer and bool outputs are not differentiable and get no gradFn. Returns `outputs`.
 */
export function record<P>(spec: GradSpec<P>, inputs: readonly (Tensor | null | undefined)[], outputs: Tensor[], params: P): Tensor[] {
  // ---- [jvp-rules] begin ----
  // tangents are pushed once the graph is recorded, so a JVP rule reading an output differentiates through it
  if (isForwardAdEnabled()) {
    recordGraph(spec, inputs, outputs, params);
    pushTangents(spec, inputs, outputs, params);
    return outputs;
  }
  return recordGraph(spec, inputs, outputs, params);
}

function recordGraph<P>(spec: GradSpec<P>, inputs: readonly (Tensor | null | undefined)[], outputs: Tensor[], params: P): Tensor[] {
  // ---- [jvp-rules] end ----
  if (!needsGrad(inputs) || !anyFloating(outputs)) {
    if (!isGradEnabled() && inputs.some((t) => t?.requiresGrad)) for (const o of outputs) o._provenance = "noGrad";
    return outputs;
  }
  // a plain loop rather than inputs.map: record runs once per op (bench W4 measures per-op overhead)
  const next = new Array<Edge | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    next[i] = t ? gradientEdge(t) : null;
  }
  const node = new Node(spec.node, next, outputs.length, null);
  node._spec = spec as GradSpec<unknown>;
  node._params = params;
  if (spec.keepNullGrads) node._materializeGrads = false;
  if (outputs.length > 1) node._outputMeta = outputs.map((o) => ({ shape: o.shape, dtype: o.dtype }));
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    if (!isFloating(o.dtype)) continue;
    o._gradFn = node;
    o._outputNr = i;
  }
  const saves = spec.saves;
  if (saves !== undefined && (saves.inputs !== undefined || saves.outputs !== undefined)) {
    const saved: (SavedTensor | undefined)[] = [];
    for (const i of saves.inputs ?? NONE) {
      const t = inputs[i];
      if (!t) throw new RuntimeError(`${spec.node}: input ${i} to save is missing`);
      saved[i] = new SavedTensor(t);
    }
    for (const j of saves.outputs ?? NONE) saved[next.length + j] = new SavedTensor(outputs[j], { name: spec.node, outputNr: j });
    node._saved = saved;
  }
  return outputs;
}
