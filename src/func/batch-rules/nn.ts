// Batching rules for torch.nn.functional's convolutions and normalizations: the batch folded into N, into channels, or into conv groups.
import type { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { batchSizeAt, materialize, maxLevel, noRuleMessage, physicalAt, wrap } from "../batched.ts";
import { foldInto } from "./fold.ts";

/** What the convolution rule needs of the op's checked parameters. */
interface Groups { readonly groups: number; readonly transposed: boolean }

/**
 * A (transposed) convolution of an [N, C, ...] input with a batched operand (after the op's logical
 * checks). An unbatched weight: the batch folds into N (a batched bias is added after). A batched
 * weight: the batch folds into the channels and into the groups (B * groups), the weights and biases
 * of the samples stacked along the output (input, for transposed) channels.
 */
export function convRule<P extends Groups>(x: Tensor, w: Tensor, b: Tensor | null, p: P, fn: (x: Tensor, w: Tensor, b: Tensor | null, p: P) => Tensor): Tensor {
  const level = maxLevel([x, w, b]), size = batchSizeAt([x, w, b], level);
  const bBatched = b !== null && physicalAt(b, level) !== null;
  if (physicalAt(w, level) === null) {
    const px = physicalAt(x, level);
    const out = px === null ? fn(x, w, bBatched ? null : b, p) : wrap(foldInto(px, 0, (q) => fn(q, w, bBatched ? null : b, p)), level);
    return bBatched ? out.add(b!.reshape([-1, ...new Array<number>(x.dim() - 2).fill(1)])) : out;
  }
  const pw = physicalAt(w, level)!;
  const pb = b === null ? null : materialize(b, level, size).reshape(-1);
  const q = { ...p, groups: p.groups * size };
  const out = foldInto(materialize(x, level, size), 1, (px) => fn(px, pw.reshape([-1, ...pw.shape.slice(2)]), pb, q));
  return wrap(out, level);
}

/** How a normalization's input is folded: batch dim as one more leading dim, into N, or into the channels. */
export type NormFold = "leading" | "intoN" | "intoC";

/**
 * A normalization (layer/group/batch norm) with a batched operand: `norm` runs on the folded physical
 * input; unbatched weight and bias go to it as they are, batched ones (and all of them when folding
 * into the channels) are applied after, in batched ops, through `affineView` (the logical [C] -> [C, 1, ...]).
 */
export function normRule(x: Tensor, weight: Tensor | null, bias: Tensor | null, fold: NormFold, norm: (p: Tensor, w: Tensor | null, b: Tensor | null) => Tensor, affineView: (t: Tensor) => Tensor): Tensor {
  const level = maxLevel([x, weight, bias]), size = batchSizeAt([x, weight, bias], level);
  const after = fold === "intoC" || [weight, bias].some((t) => t !== null && physicalAt(t, level) !== null);
  const w = after ? null : weight, b = after ? null : bias;
  const px = materialize(x, level, size);
  let out = wrap(fold === "leading" ? norm(px, w, b) : foldInto(px, fold === "intoN" ? 0 : 1, (q) => norm(q, w, b)), level);
  if (after && weight !== null) out = out.mul(affineView(weight));
  if (after && bias !== null) out = out.add(affineView(bias));
  return out;
}

/** functorch's refusal of training-mode batch norm on a batched input with unbatched running statistics. */
const BATCH_NORM_RUNNING =
  "Batch norm got a batched tensor as input while the running_mean or running_var, which will be updated in place, were not batched.\nIf you are using a module and do not need eval mode, please set `track_running_stats` to be False.If you are using a prebuilt module and do not need eval mode, please see the functorch website for resources on how to patch your module to work with vmap";

/**
 * batch_norm with a batched operand: training without running statistics normalizes each sample over
 * its own N and spatial dims (batch folded into the channels); eval with unbatched running statistics
 * folds the batch into N. Training with unbatched running statistics is refused as functorch does.
 */
export function batchNormRule(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, training: boolean,
  norm: (p: Tensor, rm: Tensor | null, rv: Tensor | null, w: Tensor | null, b: Tensor | null) => Tensor, affineView: (t: Tensor) => Tensor): Tensor {
  if (maxLevel([runningMean, runningVar]) > 0) throw new RuntimeError(noRuleMessage("batch norm with batched running statistics"));
  if (training && (runningMean !== null || runningVar !== null)) throw new RuntimeError(BATCH_NORM_RUNNING);
  return normRule(x, weight, bias, training ? "intoC" : "intoN", (p, w, b) => norm(p, runningMean, runningVar, w, b), affineView);
}
