// Batching rules for random ops under vmap's randomness modes: "same" draws one sample's worth for every sample, "different" draws once for the whole physical tensor.
import type { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { activeLevels, maxLevel, noRuleMessage, physicalAt, wrap, type VmapLevel } from "../batched.ts";
import { batchAtActiveLevels } from "./autograd.ts";

const ERROR_MODE = "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap";
const SAME_BATCHED = "Vmap does not currently support same randomness with a batched tensor input. Please file an issue with functorch";
const DIFFERENT_UNBATCHED = "vmap: Cannot ask for different inplace randomness on an unbatched tensor. This will appear like same randomness. If this is necessary for your usage, please file an issue with functorch.";

/** Set while a rule runs the op on physical values (the op's own check then lets it through). */
let drawing = false;

/** Whether a random op must take its rule: inside vmap, and not already inside a rule's physical call. */
export const inVmap = (): boolean => activeLevels().length > 0 && !drawing;

function physically<R>(fn: () => R): R {
  drawing = true;
  try {
    return fn();
  } finally {
    drawing = false;
  }
}

function refuseErrorMode(): readonly VmapLevel[] {
  const levels = activeLevels();
  if (levels.some((l) => l.randomness === "error")) throw new RuntimeError(ERROR_MODE);
  return levels;
}

const allDifferent = (levels: readonly VmapLevel[]): boolean => levels.every((l) => l.randomness === "different");

/**
 * The check of a random op without a rule: refused in "error" mode (functorch's text) and under
 * "different" (it would draw one sample's worth); under "same" its unbatched draw is right as it is.
 */
export function checkRandomness(): void {
  if (!inVmap() || !refuseErrorMode().some((l) => l.randomness === "different")) return;
  throw new RuntimeError(noRuleMessage("a random op without a rule for randomness='different'"));
}

/**
 * A fresh random tensor of the logical `shape` (rand, randn, randint and their *Like): under
 * "different" levels `draw` makes one tensor with their batch sizes in front, wrapped at them
 * (outermost first); "same" levels share the draw.
 * @example randomFresh(shape, (s) => rand(s, o))
 */
export function randomFresh(shape: readonly number[], draw: (shape: number[]) => Tensor): Tensor {
  const different = refuseErrorMode().filter((l) => l.randomness === "different");
  const out = physically(() => draw([...different.map((l) => l.size), ...shape]));
  return different.reduce((t, l) => wrap(t, l.level), out);
}

/** Peels every active level off `x` (batched at all of them): its innermost physical value. */
function peel(x: Tensor, levels: readonly VmapLevel[]): Tensor {
  return [...levels].reverse().reduce((t, l) => physicalAt(t, l.level) ?? t, x);
}

/**
 * An in-place sampler (normal_, uniform_, bernoulli_, random_) on `self`: under "same" one logical
 * draw is copied into every sample (the in-place rule); under "different" self must be batched at
 * every level (functorch's refusal otherwise) and its physical value is filled in one draw.
 */
export function randomInplace<T extends Tensor>(self: T, fill: (t: Tensor) => unknown): T {
  const levels = refuseErrorMode();
  if (!allDifferent(levels) && levels.some((l) => l.randomness === "different")) {
    throw new RuntimeError(noRuleMessage("an in-place random op under nested vmaps mixing randomness 'same' and 'different'"));
  }
  if (allDifferent(levels) && levels.some((l, k) => physicalAt(peel(self, levels.slice(k + 1)), l.level) === null)) throw new RuntimeError(DIFFERENT_UNBATCHED);
  physically(() => fill(allDifferent(levels) ? peel(self, levels) : self));
  return self;
}

/**
 * A random op drawing per element of its input (bernoulli(probs)): under "same" a batched input is
 * refused (functorch's text) and an unbatched one drawn once; under "different" the input is
 * batched at every level and the physical op draws once for all samples.
 */
export function randomPerElement(input: Tensor, draw: (t: Tensor) => Tensor): Tensor {
  const levels = refuseErrorMode();
  if (levels.every((l) => l.randomness === "same")) {
    if (maxLevel([input]) > 0) throw new RuntimeError(SAME_BATCHED);
    return physically(() => draw(input));
  }
  if (!allDifferent(levels)) throw new RuntimeError(noRuleMessage("a random op under nested vmaps mixing randomness 'same' and 'different'"));
  const out = physically(() => draw(peel(batchAtActiveLevels(input), levels)));
  return levels.reduce((t, l) => wrap(t, l.level), out);
}

/**
 * torch.normal with tensor means or stds: standard draws of their broadcast shape (per element, as
 * randomPerElement), then `* std + mean` in batched ops, PyTorch's order.
 */
export function normalRule(mean: number | Tensor, std: number | Tensor, draw: (like: Tensor) => Tensor): Tensor {
  const parts = [mean, std].filter((t): t is Tensor => typeof t !== "number");
  const carrier = parts.map((t) => t.mul(0)).reduce((a, b) => a.add(b));
  return randomPerElement(carrier, draw).mul(std).add(mean);
}
