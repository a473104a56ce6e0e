// Runs an OpInfo sample under forward-mode AD (float64, seeded tangents), with the entries' JVP rules or the generic path.
import * as torch from "tensorgrad";
import type { OpInfo } from "../../src/ops/opinfo.ts";
import { jvpCounts, setJvpRulesEnabled } from "../../src/autograd/forward-ad.ts";
import { buildSample, callOp, concreteSample, rng, type ConcreteArg } from "./samples.ts";

const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;

/** Casts every float32 tensor (and "float32" dtype argument) inside concrete args to float64. */
export function toFloat64(a: ConcreteArg): ConcreteArg {
  if (Array.isArray(a)) return a.map(toFloat64);
  if (a === "float32") return "float64";
  if (typeof a === "object" && a !== null && "tensor" in a && a.tensor.dtype === "float32") return { tensor: { ...a.tensor, dtype: "float64" } };
  return a;
}

/** Every tensor in an op's result (a tensor, a list, or a named tuple), in order. */
export function tensorsOf(out: unknown): torch.Tensor[] {
  if (out instanceof torch.Tensor) return [out];
  if (out !== null && typeof out === "object" && Symbol.iterator in out) return [...(out as Iterable<unknown>)].flatMap(tensorsOf);
  return [];
}

/** What one forward-AD run of a sample gave: each output's tangent as a flat list (null: none), or the error. */
export interface DualRun {
  tangents: (number[] | null)[];
  /** how many op outputs got their tangent from an entry's rule */
  ruleCount: number;
  error: string | null;
}

/** Replaces every floating tensor in `a` by a dual tensor with a seeded tangent. */
function dualize(a: unknown, next: () => number): unknown {
  if (a instanceof torch.Tensor) {
    if (!a.isFloatingPoint()) return a;
    const t = torch.tensor(Array.from({ length: a.numel() }, () => Math.round((next() * 4 - 2) * 16) / 16), { dtype: a.dtype }).reshape(a.shape);
    return makeDual(a, t);
  }
  if (Array.isArray(a)) return a.map((x) => dualize(x, next));
  return a;
}

/** Runs sample `i` of `info` in float64 with every floating argument dual; `rules` false forces the generic JVP. */
export function runDual(info: OpInfo, i: number, rules: boolean): DualRun {
  const s = concreteSample(info, "samples", i, info.samples[i]);
  const sample = { args: s.args.map(toFloat64), kwargs: Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [k, toFloat64(v)])) };
  const before = jvpCounts.rule;
  const prev = setJvpRulesEnabled(rules);
  try {
    torch.manualSeed(0);
    const { args, kwargs } = buildSample(sample, { leaves: [] });
    const next = rng(1000 + i);
    const tangents = dualLevel(() => {
      const dualArgs = args.map((a) => dualize(a, next));
      const dualKwargs = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, dualize(v, next)]));
      return tensorsOf(callOp(info, dualArgs, dualKwargs)).map((o) => {
        const t = o.isFloatingPoint() ? unpackDual(o).tangent : null;
        return t === null ? null : (t.reshape(-1).tolist() as number[]);
      });
    });
    return { tangents, ruleCount: jvpCounts.rule - before, error: null };
  } catch (e) {
    return { tangents: [], ruleCount: jvpCounts.rule - before, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  } finally {
    setJvpRulesEnabled(prev);
  }
}
