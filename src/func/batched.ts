// vmap's batched tensors: a Tensor of the per-sample (logical) shape over poisoned storage, carrying its physical value and level.
import { Tensor } from "../tensor.ts";
import { Storage } from "../storage.ts";
import { RuntimeError } from "../errors.ts";
import { contiguousStrides, shapeText } from "../shape.ts";

/**
 * Note [batched tensors]: inside `vmap`, a mapped tensor is a `Tensor` whose `shape` is the logical
 * per-sample shape and whose `_batched` holds `{ value, level }`: `value` is the physical tensor with
 * the batch dim at physical dim 0 (so a logical dim d >= 0 is physical dim d + 1, and a negative dim
 * means the same dim in both). Its storage is poisoned: reading the elements throws, so an op with no
 * batching rule fails loudly instead of computing garbage.
 *
 * Levels: every vmap call takes a fresh level, increasing with nesting. A tensor batched at several
 * levels is a wrapper of the innermost level whose `value` is batched at the outer levels (the
 * innermost batch dim is the outermost wrapper). A rule runs at the highest level among its inputs:
 * inputs batched there contribute their `value`, the others are used as they are (they may still be
 * batched at outer levels, where the recursive call on the physical values handles them).
 *
 * Autograd lives on the physical tensors only: rules call the public ops on physical values (which
 * record there), a wrapper mirrors its value's requiresGrad, and torch.autograd.grad with batched
 * tensors is translated to the physical graph (batch-rules/autograd.ts). A wrapper never gets a
 * gradFn of its own; an op that would record one (it has no rule) is refused (Note in record.ts).
 *
 * Randomness: random ops take their rules in batch-rules/random.ts. Under "different" a fresh draw
 * gets the batch sizes of those levels in front and is wrapped at them (one draw, as functorch, so
 * the values equal functorch's for the same seed); under "same" the draw is one sample's worth.
 */
export interface Batched {
  readonly value: Tensor;
  readonly level: number;
}

/** One active vmap: its level, batch size and randomness mode. */
export interface VmapLevel {
  readonly level: number;
  readonly size: number;
  readonly randomness: "error" | "same" | "different";
}

const active: VmapLevel[] = [];
let nextLevel = 1;

/** Runs `fn` with a fresh vmap level of `size` pushed; pops it even when `fn` throws. */
export function withLevel<R>(size: number, randomness: VmapLevel["randomness"], fn: (level: number) => R): R {
  const level = nextLevel++;
  active.push({ level, size, randomness });
  try {
    return fn(level);
  } finally {
    active.pop();
  }
}

/** The active vmap levels, outermost first. */
export const activeLevels = (): readonly VmapLevel[] => active;

/** The message for an op that has no batching rule. */
export function noRuleMessage(what: string): string {
  return `vmap: this operation has no batching rule in tensorgrad yet: ${what}. Move it out of the vmapped function, or write it with the ops that have rules (see src/func/batch-rules/).`;
}

function poisonedStorage(shape: readonly number[]): Storage {
  const s = new Storage(new Float32Array(0));
  Object.defineProperty(s, "data", {
    get(): never {
      throw new RuntimeError(noRuleMessage(`it reads the elements of a batched tensor (per-sample shape ${shapeText(shape)})`));
    },
  });
  return s;
}

/** The logical tensor of physical `value` (batch dim 0) at `level`. */
export function wrap(value: Tensor, level: number): Tensor {
  const shape = value.shape.slice(1);
  const t = new Tensor(poisonedStorage(shape), shape, contiguousStrides(shape), 0, value.dtype);
  t._batched = { value, level };
  t._requiresGrad = value.requiresGrad;
  return t;
}

/** Whether `x` is a batched tensor. */
export function isBatched(x: unknown): x is Tensor & { _batched: Batched } {
  return x instanceof Tensor && x._batched !== undefined;
}

/** The highest level among the batched tensors in `xs` (nested arrays searched too); 0 when none. */
export function maxLevel(xs: readonly unknown[]): number {
  let level = 0;
  for (const x of xs) {
    if (Array.isArray(x)) level = Math.max(level, maxLevel(x));
    else if (x instanceof Tensor && x._batched !== undefined) level = Math.max(level, x._batched.level);
  }
  return level;
}

/** `x`'s physical value when batched at `level`, else null. */
export function physicalAt(x: Tensor, level: number): Tensor | null {
  return x._batched !== undefined && x._batched.level === level ? x._batched.value : null;
}

/** The batch size at `level` seen among `xs`. */
export function batchSizeAt(xs: readonly unknown[], level: number): number {
  for (const x of xs) {
    if (Array.isArray(x)) {
      const n = batchSizeAt(x, level);
      if (n >= 0) return n;
    } else if (x instanceof Tensor) {
      const p = physicalAt(x, level);
      if (p !== null) return p.shape[0];
    }
  }
  return -1;
}

/** `x` batched at `level`: its physical value, or `x` expanded along a new batch dim 0 of `size`. */
export function materialize(x: Tensor, level: number, size: number): Tensor {
  return physicalAt(x, level) ?? x.unsqueeze(0).expand([size, ...x.shape]);
}

/** What a rule's physical call may return: tensors, arrays of them, named tuples. */
export type Batchable = Tensor | readonly Tensor[];

/** Wraps a rule's physical result(s) at `level`, keeping arrays (and named tuples' field names). */
export function wrapResult<R extends Batchable>(r: R, level: number): R {
  if (r instanceof Tensor) return wrap(r, level) as R;
  const out = r.map((t) => wrap(t, level));
  const names = Object.getOwnPropertyNames(r).filter((k) => k !== "length" && !/^\d+$/.test(k));
  for (const n of names) {
    const i = r.indexOf((r as unknown as Record<string, Tensor>)[n]);
    Object.defineProperty(out, n, { value: out[i], enumerable: false });
  }
  return (Object.isFrozen(r) ? Object.freeze(out) : out) as unknown as R;
}

/** `p` with `k` size-1 dims inserted after the batch dim. */
export function padAfterBatch(p: Tensor, k: number): Tensor {
  let q = p;
  for (let i = 0; i < k; i++) q = q.unsqueeze(1);
  return q;
}
