// Folding a batch dim into another dim of the physical value and back: the shared move of the nn batching rules (vmap dim into N, into channels).
import type { Tensor } from "../../tensor.ts";
import { wrap } from "../batched.ts";

/**
 * Runs `fn` on physical `p` ([B, ...]) with its batch dim merged into dim `into` of the logical shape
 * (0 = N, 1 = channels): [B, d0, ..., d_into, ...] becomes [d0, ..., B * d_into, ...] (B outermost in
 * the merged dim), and `fn`'s result is split back the same way, its batch dim returned to 0.
 * @example foldInto(p, 0, (q) => maxPool2d(q, 2)) // [B, N, C, H, W] pooled as [B * N, C, H, W]
 */
export function foldInto(p: Tensor, into: number, fn: (q: Tensor) => Tensor): Tensor {
  const b = p.shape[0];
  const moved = into === 0 ? p : p.movedim(0, into);
  const merged = moved.shape.slice(0, into).concat([b * moved.shape[into + 1]], moved.shape.slice(into + 2));
  const r = fn(moved.reshape(merged));
  const split = r.reshape([...r.shape.slice(0, into), b, r.shape[into] / b, ...r.shape.slice(into + 1)]);
  return into === 0 ? split : split.movedim(into, 0);
}

/**
 * An op on [N, C, ...] inputs that also takes an unbatched [C, ...] one (of rank `unbatchedRank`),
 * on the batched `x`: an unbatched sample's batch dim is N; a batched sample's folds into N.
 * @example intoN(x, 3, (q) => im2colOp(q, g, true)) // F.unfold
 */
export function intoN(x: Tensor, unbatchedRank: number, fn: (q: Tensor) => Tensor): Tensor {
  const { value, level } = x._batched!;
  return wrap(x.dim() === unbatchedRank ? fn(value) : foldInto(value, 0, fn), level);
}
