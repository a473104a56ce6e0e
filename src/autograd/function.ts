// torch.autograd.Function: user-defined forward/backward pairs, recorded through the same Node machinery as built-in ops.
import { NotImplementedError, RuntimeError } from "../errors.ts";
import { isFloating } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { Node } from "./node.ts";
import { SavedTensor } from "./saved-tensor.ts";
import { gradientEdge, needsGrad } from "./record.ts";
import { isGradEnabled, noGrad } from "./grad-mode.ts";

/** What a custom Function's forward and backward share (PyTorch's `ctx`); extra fields may be stored on it. */
export class FunctionCtx {
  [key: string]: unknown;
  /** @internal */
  _saved: (SavedTensor | null)[] = [];
  /** @internal */
  _dirty = new Set<Tensor>();
  /** @internal */
  _nonDifferentiable = new Set<Tensor>();
  /** @internal */
  _materializeGrads = true;
  /** For each forward input: whether its gradient is needed. */
  needsInputGrad: boolean[] = [];

  /** Saves tensors (inputs or outputs) for backward; read them back with `savedTensors`. */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    this._saved = tensors.map((t) => (t ? new SavedTensor(t) : null));
  }

  /** The saved tensors, checked against in-place modification (and freed after backward). */
  get savedTensors(): (Tensor | null)[] {
    return this._saved.map((s) => (s === null ? null : s.unpack()));
  }

  /** Declares inputs that forward modified in place. */
  markDirty(...tensors: Tensor[]): void {
    for (const t of tensors) this._dirty.add(t);
  }

  /** Declares outputs that have no gradient (their incoming gradients are zeros). */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._nonDifferentiable.add(t);
  }

  /** With false, backward receives null instead of zeros for outputs that got no gradient. */
  setMaterializeGrads(flag: boolean): void {
    this._materializeGrads = flag;
  }
}

type Grads = Tensor | null | undefined | readonly (Tensor | null | undefined)[];

/**
 * A differentiable function defined by its forward and backward, as `torch.autograd.Function`.
 * @example
 * class Exp extends torch.autograd.Function {
 *   static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) { const [y] = ctx.savedTensors; return g.mul(y!); }
 * }
 * const y = Exp.apply(torch.randn(3, { requiresGrad: true }));
 */
export class Function {
  /** Set to true for a backward that is not itself differentiable (PyTorch's @once_differentiable). */
  static onceDifferentiable = false;

  /** Computes the outputs (runs with gradient recording off). */
  static forward(ctx: FunctionCtx, ...args: never[]): Tensor | readonly Tensor[] {
    void ctx; void args;
    throw new NotImplementedError("You must implement the forward function for custom autograd.Function.");
  }

  /** Gradients of the inputs (one per forward input, null for none) from those of the outputs. */
  static backward(ctx: FunctionCtx, ...gradOutputs: never[]): Grads {
    void ctx; void gradOutputs;
    throw new NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.");
  }

  /** Runs the function on `args`, recording it for autograd. */
  static apply<A extends unknown[], R>(this: { forward(ctx: FunctionCtx, ...args: A): R }, ...args: A): R {
    return applyFunction(this as unknown as typeof Function, args) as R;
  }
}

function applyFunction(fn: typeof Function, args: unknown[]): Tensor | readonly Tensor[] {
  const ctx = new FunctionCtx();
  const inputs = args.map((a) => (a instanceof Tensor ? a : null));
  ctx.needsInputGrad = inputs.map((t) => t !== null && isGradEnabled() && t.requiresGrad);
  const record = needsGrad(inputs);
  // edges for tensor inputs only, as PyTorch's nextFunctions; backward still returns one value per input
  const tensorInputs = inputs.filter((t): t is Tensor => t !== null);
  const edges = record ? tensorInputs.map((t) => (t.requiresGrad ? gradientEdge(t) : null)) : [];
  const raw = noGrad(() => (fn.forward as (ctx: FunctionCtx, ...a: unknown[]) => Tensor | readonly Tensor[])(ctx, ...args));
  const outs: Tensor[] = raw instanceof Tensor ? [raw] : [...raw];
  if (!record) return raw;
  const name = `${fn.name}Backward`;
  const node = new Node(name, edges, outs.length, (grads) => runBackward(fn, ctx, name, inputs, grads));
  node._materializeGrads = ctx._materializeGrads;
  node._outputMeta = outs.map((o) => ({ shape: o.shape, dtype: o.dtype }));
  node._saved = ctx._saved.filter((s): s is SavedTensor => s !== null);
  const wired = outs.map((o, i) => wireOutput(ctx, node, inputs, o, i));
  return raw instanceof Tensor ? wired[0] : wired;
}

/** Gives an output its gradFn: fresh outputs directly, dirty inputs by rebasing, returned inputs through an alias. */
function wireOutput(ctx: FunctionCtx, node: Node, inputs: (Tensor | null)[], out: Tensor, nr: number): Tensor {
  if (!(out instanceof Tensor)) throw new TypeError(`${node.name()}: forward must return Tensors, got ${typeof out}`);
  if (ctx._nonDifferentiable.has(out) || !isFloating(out.dtype)) return out;
  let o = out;
  if (inputs.includes(out)) {
    if (ctx._dirty.has(out)) {
      if (out._gradFn === null && out._requiresGrad) throw new RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.");
    } else {
      o = new Tensor(out._storage, [...out.shape], out._strides, out._offset, out.dtype);
    }
  }
  o._gradFn = node;
  o._outputNr = nr;
  return o;
}

function runBackward(fn: typeof Function, ctx: FunctionCtx, name: string, inputs: (Tensor | null)[], grads: Tensor[]): (Tensor | null)[] {
  const call = () => (fn.backward as (ctx: FunctionCtx, ...g: Tensor[]) => Grads)(ctx, ...grads);
  const once = fn.onceDifferentiable && isGradEnabled();
  const res = once ? noGrad(call) : call();
  const list = res instanceof Tensor || res === null || res === undefined ? [res] : [...res];
  if (list.length !== inputs.length) {
    throw new RuntimeError(`function ${name} returned an incorrect number of gradients (expected ${inputs.length}, got ${list.length})`);
  }
  const out: (Tensor | null)[] = [];
  list.forEach((g, i) => {
    if (inputs[i] === null) {
      if (g !== null && g !== undefined) {
        throw new RuntimeError(`function ${name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
      }
      return;
    }
    out.push(g === null || g === undefined ? null : once && grads.some((x) => x?.requiresGrad) ? delayedError(g) : g);
  });
  return out;
}

/** A gradient that refuses to be differentiated again (once-differentiable backward under createGraph). */
export function delayedError(g: Tensor): Tensor {
  const node = new Node("DelayedError", [], 1, () => {
    throw new RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable");
  });
  const out = new Tensor(g._storage, [...g.shape], g._strides, g._offset, g.dtype);
  out._gradFn = node;
  return out;
}
