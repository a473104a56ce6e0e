// Turns OpInfo samples into concrete values (deterministically) and into tensorgrad calls; shared by tests and tools/dump-samples.ts.
import * as torch from "tensorgrad";
import type { OpInfo, OpSample, SampleArg, TensorSpec, ValueGen } from "../../src/ops/opinfo.ts";
import { snake } from "../../src/ops/opinfo.ts";

/** A sample argument with its values fixed: what the JSON carries to PyTorch. */
export type ConcreteArg =
  | number | boolean | null | string
  | { tensor: { shape: number[]; dtype: torch.DType; values: (number | string)[]; requiresGrad: boolean; layout: "T" | null } }
  | { slice: (number | null)[] }
  | ConcreteArg[];

/** mulberry32: a tiny seeded PRNG, so samples (and other test data) are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const GENS: Record<ValueGen, (r: () => number) => number> = {
  // multiples of 1/16 (exact in float32), never 0 (kinks of abs/relu/sign)
  any: (r) => { const k = 1 + Math.floor(r() * 40); return (r() < 0.5 ? -k : k) / 16; },
  pos: (r) => (2 + Math.floor(r() * 47)) / 16,
  int: (r) => Math.floor(r() * 11) - 5,
  bool: (r) => (r() < 0.5 ? 0 : 1),
  ties: (r) => Math.floor(r() * 5) - 2,
  // inside (-1, 1), away from the ends (asin, atanh ...): multiples of 1/16 in [-7/8, 7/8]
  unit: (r) => (Math.floor(r() * 29) - 14) / 16,
  // above 1 (acosh): 1 + k/16, k in 1..32
  gt1: (r) => 1 + (1 + Math.floor(r() * 32)) / 16,
  // probabilities in (0, 1) (logit): k/16, k in 1..15
  prob: (r) => (1 + Math.floor(r() * 15)) / 16,
  // odd multiples of 1/16: never integers nor halves (floor, round ... have no kink nearby)
  odd16: (r) => { const k = 2 * Math.floor(r() * 20) + 1; return (r() < 0.5 ? -k : k) / 16; },
};

function isSpec(a: SampleArg): a is TensorSpec {
  return typeof a === "object" && a !== null && !Array.isArray(a) && "t" in a;
}

function concreteTensor(spec: TensorSpec, seed: string): ConcreteArg {
  const shape = [...spec.t];
  const n = shape.reduce((x, y) => x * y, 1);
  const dtype = spec.dtype ?? "float32";
  const gen = spec.gen ?? (dtype === "bool" ? "bool" : dtype.startsWith("int") ? "int" : "any");
  const r = rng(hash(seed));
  const values = spec.values ? [...spec.values] : Array.from({ length: n }, () => GENS[gen](r));
  return { tensor: { shape, dtype, values, requiresGrad: spec.grad ?? false, layout: spec.layout ?? null } };
}

/** Fixes every value of a sample argument. */
export function concrete(a: SampleArg, seed: string): ConcreteArg {
  if (Array.isArray(a)) return a.map((x, i) => concrete(x, `${seed}.${i}`));
  if (isSpec(a)) return concreteTensor(a, seed);
  if (typeof a === "object" && a !== null && "slice" in a) return { slice: [...(a as { slice: readonly (number | null)[] }).slice] };
  return a as number | boolean | null | string;
}

export interface ConcreteSample {
  args: ConcreteArg[];
  kwargs: Record<string, ConcreteArg>;
}

export function concreteSample(info: OpInfo, kind: "samples" | "errors", i: number, s: OpSample): ConcreteSample {
  const seed = `${info.name}/${kind}/${i}`;
  const kwargs: Record<string, ConcreteArg> = {};
  for (const [k, v] of Object.entries(s.kwargs ?? {})) kwargs[k] = concrete(v, `${seed}/${k}`);
  return { args: s.args.map((a, j) => concrete(a, `${seed}/${j}`)), kwargs };
}

/** The sample file PyTorch reads (tools/gen_op_fixtures.py). */
export function sampleFile(infos: readonly OpInfo[]): unknown {
  return {
    ops: infos.map((info) => ({
      name: info.name,
      py: info.method ? null : (info.py ?? `torch.${snake(info.name)}`),
      method: info.method ? (info.py ?? snake(info.name)) : null,
      samples: info.samples.map((s, i) => concreteSample(info, "samples", i, s)),
      errors: info.errors.map((s, i) => concreteSample(info, "errors", i, s)),
    })),
  };
}

/** Decodes a fixture number ("nan", "inf", "-inf", "-0" are strings in JSON). */
export function decode(v: number | string | boolean): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  return { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 }[v] ?? Number(v);
}

/** Collects the leaves built for a sample; `overrides` replace the requires-grad leaves in order (for gradcheck). */
export interface BuildContext {
  leaves: torch.Tensor[];
  overrides?: readonly torch.Tensor[];
  used?: number;
}

/** Builds tensorgrad arguments; `ctx.leaves` collects the tensors whose gradients the fixtures report. */
export function buildArg(a: ConcreteArg, ctx: BuildContext): unknown {
  if (Array.isArray(a)) return a.map((x) => buildArg(x, ctx));
  if (typeof a === "object" && a !== null && "slice" in a) return torch.slice(...a.slice);
  if (typeof a === "object" && a !== null && "tensor" in a) {
    const { shape, dtype, values, requiresGrad, layout } = a.tensor;
    const baseShape = layout === "T" ? [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]] : shape;
    let base: torch.Tensor;
    if (requiresGrad && ctx.overrides) {
      base = ctx.overrides[ctx.used ?? 0];
      ctx.used = (ctx.used ?? 0) + 1;
    } else {
      base = torch.tensor(values.map(decode), { dtype }).reshape(baseShape).clone();
      if (requiresGrad) base.requiresGrad_(true);
    }
    ctx.leaves.push(base);
    return layout === "T" ? base.transpose(-1, -2) : base;
  }
  return a;
}

/** Builds a whole sample's positional args and options. */
export function buildSample(s: ConcreteSample, ctx: BuildContext): { args: unknown[]; kwargs: Record<string, unknown> } {
  const args = s.args.map((a) => buildArg(a, ctx));
  const kwargs = Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [k, buildArg(v, ctx)]));
  return { args, kwargs };
}

/** Calls the op as the sample says: `torch.<name>(...args, kwargs?)` or `args[0].<name>(...)`. */
export function callOp(info: OpInfo, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const all = Object.keys(kwargs).length > 0 ? [...args, kwargs] : args;
  if (info.method) {
    const [self, ...rest] = all;
    const fn = (self as Record<string, unknown>)[info.name];
    if (typeof fn !== "function") throw new Error(`Tensor has no method ${info.name}`);
    return (fn as (...a: unknown[]) => unknown).apply(self, rest);
  }
  // a dotted name ("nn.functional.leakyRelu") walks torch's namespaces
  const fn = info.name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], torch);
  if (typeof fn !== "function") throw new Error(`torch has no function ${info.name}`);
  return (fn as (...a: unknown[]) => unknown)(...all);
}
