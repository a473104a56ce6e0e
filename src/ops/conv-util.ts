// Shared plumbing for the conv/pool/pad/resample ops: argument merging, int-tuple expansion, linear ops with an adjoint.
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { RuntimeError } from "../errors.ts";
import { Tensor as TensorClass, type Tensor } from "../tensor.ts";
import { isOptions, pyTypeName } from "./core.ts";

/** An int, or one int per spatial dim (PyTorch's `_size_n_t`). */
export type IntOrTuple = number | readonly number[];

/**
 * Merges positional arguments (in PyTorch's order, `names`) with a trailing options object found
 * anywhere among them: `conv2d(x, w, null, { stride: 2 })` and `conv2d(x, w, null, 2)` read alike.
 */
export function mergeArgs(values: readonly unknown[], names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isOptions(v)) {
      for (const k of values.slice(i + 1)) if (k !== undefined) throw new TypeError(`unexpected argument after the options object: ${String(k)}`);
      Object.assign(out, v);
      break;
    }
    if (i >= names.length) throw new TypeError(`too many positional arguments (expected at most ${names.length})`);
    if (v !== undefined) out[names[i]] = v;
  }
  return out;
}

/** `v` as one int per dim: a number repeated, or an array of exactly `n` ints (PyTorch's message for `name` otherwise). */
export function expandInts(fn: string, name: string, v: unknown, n: number, fallback: number): number[] {
  if (v === undefined || v === null) return new Array<number>(n).fill(fallback);
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new TypeError(`${fn}(): argument '${name}' must be tuple of ints, but found element of type float at pos 0`);
    return new Array<number>(n).fill(v);
  }
  if (!Array.isArray(v)) throw new TypeError(`${fn}(): argument '${name}' must be tuple of ints, not ${pyTypeName(v)}`);
  for (const x of v) if (typeof x !== "number" || !Number.isInteger(x)) throw new TypeError(`${fn}(): argument '${name}' must be tuple of ints, but found element of type ${pyTypeName(x)}`);
  if (v.length === 1) return new Array<number>(n).fill(v[0] as number);
  return [...(v as number[])];
}

/** An integer option (or a TypeError naming it). */
export function intArg(fn: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${fn}(): argument '${name}' must be int, not ${pyTypeName(v)}`);
  return v;
}

/** A boolean option (or a TypeError naming it). */
export function boolArg(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") throw new TypeError(`${fn}(): argument '${name}' must be bool, not ${pyTypeName(v)}`);
  return v;
}

/** PyTorch's "[a, b]" shape text. */
export const listText = (xs: readonly number[]): string => `[${xs.join(", ")}]`;

/** Product of a list of sizes. */
export const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Refuses a tensor that is not floating point where PyTorch's kernel has no integer version. */
export function checkFloating(fn: string, x: Tensor): void {
  if (!x.isFloatingPoint()) throw new RuntimeError(`"${fn}" not implemented for '${x.dtype === "int64" ? "Long" : x.dtype === "int32" ? "Int" : "Bool"}'`);
}

interface LinearParams {
  readonly adjoint: (g: Tensor) => Tensor;
  /** the map's linear part (forward itself unless it is affine): what the tangent goes through */
  readonly linear: (x: Tensor) => Tensor;
}
const LINEAR_SPECS = new Map<string, GradSpec<LinearParams>>();

/**
 * Records `forward(x)` (a linear map, computed without grad) as one node named `node`, whose gradient
 * is `adjoint(g)`. `adjoint` must itself be differentiable (Tensor ops, or another linearOp whose adjoint
 * is this op), so double backward works. An affine `forward` (constant padding) passes its `linear` part for the JVP.
 */
export function linearOp(node: string, x: Tensor, forward: (x: Tensor) => Tensor, adjoint: (g: Tensor) => Tensor, linear = forward): Tensor {
  const out = fresh(x, noGrad(() => forward(x)));
  let spec = LINEAR_SPECS.get(node);
  if (spec === undefined) {
    // JVP: the same linear op on the tangent (recorded as this node again, so the tangent stays differentiable)
    spec = { node, backward: ([g], _s, p) => [p.adjoint(g)], jvp: ([t], _s, p) => [t && linearOp(node, t, p.linear, p.adjoint)] };
    LINEAR_SPECS.set(node, spec);
  }
  return record(spec, [x], [out], { adjoint, linear })[0];
}

/**
 * `y` (computed from `inputs` without grad) as a tensor that is no view: a copy where it shares an
 * input's storage, else the same storage under a tensor without a base (a view of a temporary).
 */
export function fresh(inputs: Tensor | readonly Tensor[], y: Tensor): Tensor {
  const list = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  if (list.some((t) => t._storage === y._storage)) return noGrad(() => y.clone());
  if (y._base === null) return y;
  return new TensorClass(y._storage, [...y.shape], [...y._strides], y._offset, y.dtype);
}
