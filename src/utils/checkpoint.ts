// torch.utils.checkpoint: trade compute for memory by recomputing a segment's forward during backward.
import { Tensor } from "../tensor.ts";
import { Function, type FunctionCtx } from "../autograd/function.ts";
import { backward } from "../autograd/engine.ts";
import { enableGrad } from "../autograd/grad-mode.ts";

type Segment = (...args: Tensor[]) => Tensor | readonly Tensor[];

/** The recomputing Function: forward keeps only the inputs; backward replays `fn` with recording on. */
class Checkpoint extends Function {
  static override forward(ctx: FunctionCtx, fn: Segment, ...args: Tensor[]): Tensor | readonly Tensor[] {
    ctx.fn = fn;
    ctx.saveForBackward(...args);
    return fn(...args);
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const saved = ctx.savedTensors as Tensor[];
    const inputs = saved.map((t) => {
      const d = t.detach();
      d.requiresGrad_(t.requiresGrad);
      return d;
    });
    const outs = enableGrad(() => (ctx.fn as Segment)(...inputs));
    const list = outs instanceof Tensor ? [outs] : [...outs];
    const live = list.map((o, i) => ({ o, g: grads[i] })).filter((p) => p.o.requiresGrad && p.g !== null);
    if (live.length > 0) backward(live.map((p) => p.o), live.map((p) => p.g), { inputs: inputs.filter((t) => t.requiresGrad) });
    return [null, ...inputs.map((t) => (t.requiresGrad ? t.grad : null))];
  }
}

/**
 * Runs `fn(...args)` without keeping its intermediate values for backward; they are recomputed when
 * backward reaches this segment (torch.utils.checkpoint.checkpoint). Random draws inside `fn` are
 * drawn again on recomputation (PyTorch's preserve_rng_state is not implemented yet).
 * @example const y = torch.utils.checkpoint.checkpoint((h) => h.tanh().mul(h).exp(), x);
 */
export function checkpoint<R extends Tensor | readonly Tensor[]>(fn: (...args: Tensor[]) => R, ...args: Tensor[]): R {
  return Checkpoint.apply(fn as Segment, ...args) as R;
}
