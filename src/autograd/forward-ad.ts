// Forward-mode AD (torch.autograd.forward_ad): dual tensors whose tangents are pushed through every recorded op.
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import type { GradSpec, Saved } from "./record.ts";
import { enableGrad } from "./grad-mode.ts";
import { grad } from "./engine.ts";
import { zeros } from "../ops/creation.ts";
import { shapeEquals } from "../shape.ts";

/**
 * Note [forward AD]: a tangent is attached to a tensor (`_tangent`) for the current dual level.
 * Every op goes through `record()`, which calls `pushTangents`: the op's output tangent is its JVP,
 * obtained from the op's own VJP rule by the linearity trick — the VJP `u ↦ Jᵀu` is linear in `u`, so
 * differentiating `⟨Jᵀu, t⟩` w.r.t. `u` gives `J t`. Every op therefore has a JVP without a separate rule,
 * at the cost of one small extra backward per op (a throwaway graph). Entries that declare `jvp` (GradSpec)
 * skip that: their rule computes the output tangents directly, in Tensor ops on the real primals, in the
 * ambient grad mode, so those tangents are differentiable (reverse-over-forward); the generic path's are not.
 * While tangents are being computed (`pushing`), ops record no tangents themselves.
 */
const state = { level: 0, active: false, pushing: false, rules: true };

/** Whether a dual level is open (tangents are being propagated). */
export function isForwardAdEnabled(): boolean {
  return state.active && !state.pushing;
}

/**
 * Runs `fn` inside a dual level; tangents made in it are dropped when it ends (fwAD.dual_level()).
 * @example torch.autograd.forwardAd.dualLevel(() => unpackDual(f(makeDual(x, v))).tangent)
 */
export function dualLevel<T>(fn: () => T): T {
  if (state.active) throw new RuntimeError("Nested forward mode AD is not supported at the moment");
  state.active = true;
  state.level++;
  try {
    const r = fn();
    if (r instanceof Promise) throw new TypeError("dualLevel() takes a synchronous callback");
    return r;
  } finally {
    state.active = false;
  }
}

/** A tensor carrying `tangent` as its forward gradient (a view of `primal`'s data). */
export function makeDual(primal: Tensor, tangent: Tensor): Tensor {
  if (!state.active) throw new RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.");
  if (primal.shape.length !== tangent.shape.length || primal.shape.some((s, i) => s !== tangent.shape[i])) {
    throw new RuntimeError(`Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${primal.shape.join(", ")}] while the given forward gradient is of size [${tangent.shape.join(", ")}].`);
  }
  if (!primal.isFloatingPoint() || !tangent.isFloatingPoint()) throw new RuntimeError("Expected both tensor and its forward grad to be floating point or complex");
  const dual = primal.viewAs(primal);
  dual._tangent = { level: state.level, value: tangent.to(primal.dtype) };
  return dual;
}

/** The primal and the tangent (null when none) of a tensor, at the current level. */
export function unpackDual(t: Tensor): { primal: Tensor; tangent: Tensor | null } {
  return { primal: t.detach(), tangent: tangentOf(t) };
}

function tangentOf(t: Tensor | null | undefined): Tensor | null {
  if (!t || t._tangent === null || !state.active || t._tangent.level !== state.level) return null;
  return t._tangent.value;
}

/** How many ops got their outputs' tangents from an entry's JVP rule, and how many from the linearity trick (tests read these). */
export const jvpCounts = { rule: 0, generic: 0 };

/**
 * Whether entries' JVP rules are used (default); false forces the generic linearity trick everywhere,
 * so tests can compare the two. Returns the previous setting.
 */
export function setJvpRulesEnabled(on: boolean): boolean {
  const prev = state.rules;
  state.rules = on;
  return prev;
}

/** Pushes the inputs' tangents through one op to its outputs (called from record(), after the graph is recorded). */
export function pushTangents<P>(spec: GradSpec<P>, inputs: readonly (Tensor | null | undefined)[], outputs: Tensor[], params: P): void {
  const tangents = inputs.map(tangentOf);
  if (tangents.every((t) => t === null)) return;
  state.pushing = true;
  try {
    const rule = state.rules ? spec.jvp : undefined;
    const values = rule !== undefined ? ruleTangents(rule, spec, tangents, inputs, outputs, params) : genericTangents(spec, tangents, inputs, outputs, params);
    outputs.forEach((out, j) => {
      if (!out.isFloatingPoint()) return;
      out._tangent = { level: state.level, value: fitTangent(values[j] ?? null, out) };
    });
  } finally {
    state.pushing = false;
  }
}

/** The entry's own rule, in the ambient grad mode on the real inputs and outputs (so tangents stay differentiable). */
function ruleTangents<P>(
  rule: NonNullable<GradSpec<P>["jvp"]>, spec: GradSpec<P>, tangents: readonly (Tensor | null)[],
  inputs: readonly (Tensor | null | undefined)[], outputs: readonly Tensor[], params: P,
): readonly (Tensor | null)[] {
  jvpCounts.rule++;
  const saved: Saved = { input: (i) => inputs[i]!, output: (j) => outputs[j], needsGrad: (i) => tangents[i] !== null };
  return rule.call(spec, tangents, saved, params);
}

/** A rule's tangent as the output's: zeros for null, broadcast to its shape, cast to its dtype. */
function fitTangent(t: Tensor | null, out: Tensor): Tensor {
  if (t === null) return zeros([...out.shape], { dtype: out.dtype });
  const shaped = shapeEquals(t.shape, out.shape) ? t : t.expand([...out.shape]);
  return shaped.dtype === out.dtype ? shaped : shaped.to(out.dtype);
}

/**
 * The linearity trick (no rule declared): the VJP `u ↦ Jᵀu` is linear in `u`, so the gradient of
 * `⟨Jᵀu, t⟩` w.r.t. `u` is `J t` — one small backward per output, on detached primals.
 */
function genericTangents<P>(
  spec: GradSpec<P>, tangents: readonly (Tensor | null)[], inputs: readonly (Tensor | null | undefined)[], outputs: readonly Tensor[], params: P,
): (Tensor | null)[] {
  jvpCounts.generic++;
  const primals = inputs.map((t) => t?.detach() ?? null);
  const outPrimals = outputs.map((o) => o.detach());
  const saved: Saved = {
    input: (i) => primals[i]!,
    output: (j) => outPrimals[j],
    needsGrad: (i) => tangents[i] !== null,
  };
  return outputs.map((out, j) => {
    if (!out.isFloatingPoint()) return null;
    const us = outputs.map((o, k) => (k === j ? zeros([...o.shape], { dtype: o.dtype }).requiresGrad_() : zeros([...o.shape], { dtype: o.isFloatingPoint() ? o.dtype : "float32" })));
    return enableGrad(() => {
      const vjps = spec.backward(us, saved, params);
      let dot: Tensor | null = null;
      vjps.forEach((g, i) => {
        const t = tangents[i];
        if (g === null || g === undefined || t === null) return;
        const term = g.mul(t).sum();
        dot = dot === null ? term : dot.add(term);
      });
      if (dot === null) return null;
      const [jt] = grad(dot, [us[j]], { allowUnused: true });
      return jt;
    });
  });
}
