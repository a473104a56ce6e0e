// Shared JVP rule builders for the op tables (Note [forward AD]): elementwise, slice-wise reductions, linear and bilinear ops.
import type { GradSpec, Saved } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { shapeEquals } from "../shape.ts";
import { ones, zeros } from "./creation.ts";

type Tangents = readonly (Tensor | null)[];
/** A GradSpec's `jvp`: output tangents (null: zero) from the inputs' tangents (null: zero); `this` is the entry. */
export type JvpRule<P> = (this: GradSpec<P>, tangents: Tangents, saved: Saved, params: P) => Tangents;

/** `a + b` where either may be a zero (null) tangent. */
export function addTangents(a: Tensor | null, b: Tensor | null): Tensor | null {
  return a === null ? b : b === null ? a : a.add(b);
}

/** Input `i`'s tangent, or zeros of that input's shape and dtype for a zero tangent (linear ops with several inputs). */
export function tangentOrZeros(tangents: Tangents, s: Saved, i: number): Tensor {
  const t = tangents[i];
  if (t !== null) return t;
  const x = s.input(i);
  return zeros([...x.shape], { dtype: x.dtype });
}

/** `s`, but asking the backward formula for input `only`'s gradient alone. */
export function onlyInput(s: Saved, only: number): Saved {
  return { input: (i) => s.input(i), output: (j) => s.output(j), needsGrad: (i) => i === only };
}

/**
 * Elementwise ops (one output): the Jacobian w.r.t. each input is diagonal, hence its own transpose, so
 * J_i t_i = VJP_i(t_i) — the entry's backward formula applied to the tangent (broadcast to the output's
 * shape) — and the output's tangent is their sum. No graph and no engine run: the formula's ops, once per tangent.
 */
export function elementwiseJvp<P>(this: GradSpec<P>, tangents: Tangents, s: Saved, p: P): Tangents {
  const shape = s.output(0).shape;
  const live = tangents.reduce((n, t) => n + (t === null ? 0 : 1), 0);
  let sum: Tensor | null = null;
  for (let i = 0; i < tangents.length; i++) {
    const t = tangents[i];
    if (t === null) continue;
    const g = shapeEquals(t.shape, shape) ? t : t.expand([...shape]);
    sum = addTangents(sum, this.backward([g], live === 1 ? s : onlyInput(s, i), p)[i] ?? null);
  }
  return [sum];
}

/** Declares `jvp` for every entry of an op table that has no rule of its own; returns the table. */
export function withJvp<T extends Record<string, GradSpec<never>>>(table: T, rule: JvpRule<never>): T {
  for (const e of Object.values(table)) e.jvp ??= rule;
  return table;
}

/** Where a reduction's params say it reduced: `dims` (null: all of them) and whether they were kept. */
export interface Reduced {
  readonly dims: readonly number[] | null;
  readonly keepdim: boolean;
}

const ALL: Reduced = { dims: null, keepdim: false };
/** For ops reducing every element to a 0-d result (params carry no dims). */
export const reducedAll = (): Reduced => ALL;

/**
 * Reductions whose every output element depends on its own slice only (prod, amax, logsumexp, var, norm,
 * max along a dim ...): J t = Σ_slice (∂y/∂x) t, where ∂y/∂x is the entry's backward formula applied to a
 * cotangent of ones (for output j; zeros for the other `outputs`).
 */
export function sliceReductionJvp<P>(reduced: (p: P) => Reduced, outputs = 1): JvpRule<P> {
  return function (this: GradSpec<P>, [t], s, p) {
    if (t === null) return [];
    const r = reduced(p);
    return Array.from({ length: outputs }, (_, j) => {
      const grads = Array.from({ length: outputs }, (_, k) => {
        const o = s.output(k);
        return (k === j ? ones : zeros)([...o.shape], { dtype: o.dtype });
      });
      const partial = this.backward(grads, s, p)[0] ?? null;
      if (partial === null) return null;
      const terms = partial.mul(t);
      return r.dims === null ? terms.sum() : terms.sum({ dim: [...r.dims], keepdim: r.keepdim });
    });
  };
}

/** Linear ops: the JVP is the op itself applied to the tangents (zeros for missing ones). */
export function linearJvp<P>(op: (tangents: Tensor[], p: P, s: Saved) => Tensor | Tensor[]): JvpRule<P> {
  return (tangents, s, p) => {
    const out = op(tangents.map((_, i) => tangentOrZeros(tangents, s, i)), p, s);
    return Array.isArray(out) ? out : [out];
  };
}

/** Bilinear products f(a, b) (mm, bmm, mv, dot, cross ...): J (ta, tb) = f(ta, b) + f(a, tb). */
export function bilinearJvp<P>(op: (a: Tensor, b: Tensor, p: P) => Tensor): JvpRule<P> {
  return ([ta, tb], s, p) => [addTangents(ta === null ? null : op(ta, s.input(1), p), tb === null ? null : op(s.input(0), tb, p))];
}

/** β·c + α·f(a, b) (addmm, baddbmm, addmv): β tc + α (f(ta, b) + f(a, tb)); β = 0 ignores c entirely, as the op does. */
export function addProductJvp<P extends { readonly beta: number; readonly alpha: number }>(op: (a: Tensor, b: Tensor) => Tensor): JvpRule<P> {
  return ([tc, ta, tb], s, p) => {
    const product = addTangents(ta === null ? null : op(ta, s.input(2)), tb === null ? null : op(s.input(1), tb));
    const scale = (t: Tensor | null, k: number) => (t === null || k === 1 ? t : t.mul(k));
    return [addTangents(p.beta === 0 ? null : scale(tc, p.beta), scale(product, p.alpha))];
  };
}
