// Batching rules for elementwise ops: operands brought to one logical rank after the batch dim; unbatched ones broadcast as they are.
import { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { maxLevel, padAfterBatch, physicalAt, wrapResult, type Batchable } from "../batched.ts";

/**
 * Runs the elementwise op `fn` on the physical operands at the innermost level among `args` and wraps
 * its result(s). A batched operand of a lower logical rank gets size-1 dims after its batch dim, so
 * the batch dims line up; unbatched operands (numbers too) go in unchanged and broadcast from the right.
 * @example elementwise([a, b], (pa, pb) => binary("add", pa, pb))
 */
export function elementwise<A extends readonly unknown[], R extends Batchable>(args: readonly [...A], fn: (...phys: A) => R): R {
  const level = maxLevel(args);
  let rank = 0;
  for (const a of args) if (a instanceof Tensor) rank = Math.max(rank, a.dim());
  const phys = args.map((a) => {
    if (!(a instanceof Tensor)) return a;
    const p = physicalAt(a, level);
    return p === null ? a : padAfterBatch(p, rank - a.dim());
  }) as unknown as A;
  return wrapResult(fn(...phys), level);
}

/** functorch's refusal of an in-place op whose self is not batched while another operand is. */
export const INPLACE_UNBATCHED_SELF =
  "vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a Tensor `other` in extra_args that has more elements than `self`. This happened due to `other` being vmapped over but `self` not being vmapped over in a vmap. Please try to use out-of-place operators instead of inplace arithmetic. If said operator is being called inside the PyTorch framework, please file a bug report instead.";

/**
 * An in-place op on batched tensors: computes out of place with the rules (`compute(self)`), then
 * copies into self's physical value, which must be batched at the innermost level present.
 */
export function inplace<T extends Tensor>(self: T, others: readonly unknown[], compute: (old: Tensor) => Tensor): T {
  const level = maxLevel([self, ...others]);
  const p = physicalAt(self, level);
  if (p === null) throw new RuntimeError(INPLACE_UNBATCHED_SELF);
  const r = compute(self);
  copyInto(p, r, level, self.dim());
  return self;
}

/** `self.copy_(src)` with a batched self or src. */
export function copyRule<T extends Tensor>(self: T, src: Tensor): T {
  const level = maxLevel([self, src]);
  const p = physicalAt(self, level);
  if (p === null) throw new RuntimeError(INPLACE_UNBATCHED_SELF);
  copyInto(p, src, level, self.dim());
  return self;
}

function copyInto(p: Tensor, src: Tensor, level: number, rank: number): void {
  const ps = physicalAt(src, level);
  p.copy_(ps === null ? src : padAfterBatch(ps, rank - src.dim()));
}
