// Elementwise unary math ops: one table entry each (kernel, PyTorch node name, saves, gradient), one dispatcher.
import { backend } from "../backend/index.ts";
import type { UnaryCode } from "../backend/types.ts";
import { thresholdBackward } from "./threshold-backward.ts";
import { isFloating, SCALAR_TYPE_NAME, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, outputTensor, kview, pyTypeName, splitOptions } from "./core.ts";
import { applyInplace } from "./inplace.ts";
import { snake, T, type OpInfo, type OpSample, type ValueGen } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { elementwiseJvp, withJvp } from "./jvp-rules.ts";

/** An op's numeric parameters, as the kernel and the gradient read them. */
export type UnaryParams = readonly number[];

/** How an op picks its output dtype: "float": integer and bool inputs promote to the default float. */
type DTypeRule = "same" | "float" | "bool";

/** A unary op: its kernel, dtype rule, refused input dtypes, node name, saves and gradient. */
export interface UnaryEntry extends GradSpec<UnaryParams> {
  readonly kernel: UnaryCode;
  readonly dtype: DTypeRule;
  /** PyTorch's error message for an input dtype it refuses (null: accepted) */
  readonly refuse?: (d: DType) => string | null;
  /** sample values: "pos" for ops defined on x > 0, "unit" on (-1, 1) ... */
  readonly domain?: ValueGen;
  /** add a sample with nan / ±inf / large values */
  readonly extremes?: boolean;
}

const NO_SAVES = {};
/** Shared default for parameterless ops (saves an array per op; params are only read). */
const NO_PARAMS: UnaryParams = Object.freeze([]);
const SAVE_IN = { inputs: [0] };
const SAVE_OUT = { outputs: [0] };

/** PyTorch's `"<kernel>" not implemented for '<Type>'` for the dtypes `which` names. */
export function notImplemented(kernel: string, which: "bool" | "nonFloat"): (d: DType) => string | null {
  return (d) => (d === "bool" || (which === "nonFloat" && !isFloating(d)) ? `"${kernel}" not implemented for '${SCALAR_TYPE_NAME[d]}'` : null);
}
/** A fixed message for bool inputs. */
export const boolRefused = (message: string) => (d: DType): string | null => (d === "bool" ? message : null);

/** where(c, a, b) in differentiable Tensor ops; a and b must be finite (0 · inf would be NaN). */
export function select(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const notCond = cond.logicalNot();
  const pa = typeof a === "number" ? cond.mul(a) : a.mul(cond);
  const pb = typeof b === "number" ? notCond.mul(b) : b.mul(notCond);
  return pa.add(pb);
}

const LN2 = Math.LN2, LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
// gradients of piecewise-constant ops are 0 everywhere (PyTorch: zeros_like(grad))
const zeroGrad = { saves: NO_SAVES, backward: ([g]: Tensor[]) => [g.mul(0)] };

/** Every unary math op: the derivative is in the comment beside each gradient. JVP: the gradient formula on the tangent. */
export const UNARY = withJvp({
  // d(-x) = -1
  neg: { kernel: "neg", dtype: "same", node: "NegBackward0", saves: NO_SAVES, backward: ([g]) => [g.neg()],
    refuse: boolRefused("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.") },
  // d|x| = sign(x)
  abs: { kernel: "abs", dtype: "same", refuse: notImplemented("abs_cpu", "bool"), node: "AbsBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(s.input(0).sign())] },
  // d sign(x) = 0
  sign: { kernel: "sign", dtype: "same", node: "SignBackward0", ...zeroGrad },
  // d e^x = e^x
  exp: { kernel: "exp", dtype: "float", extremes: true, node: "ExpBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0))] },
  // d 2^x = 2^x ln 2
  exp2: { kernel: "exp2", dtype: "float", node: "Exp2Backward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).mul(LN2))] },
  // d (e^x - 1) = e^x = y + 1
  expm1: { kernel: "expm1", dtype: "float", node: "Expm1Backward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).add(1))] },
  // d log x = 1/x
  log: { kernel: "log", dtype: "float", domain: "pos", extremes: true, node: "LogBackward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0))] },
  // d log2 x = 1 / (x ln 2)
  log2: { kernel: "log2", dtype: "float", domain: "pos", node: "Log2Backward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0).mul(LN2))] },
  // d log10 x = 1 / (x ln 10)
  log10: { kernel: "log10", dtype: "float", domain: "pos", node: "Log10Backward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0).mul(LN10))] },
  // d log(1 + x) = 1 / (1 + x)
  log1p: { kernel: "log1p", dtype: "float", domain: "pos", node: "Log1PBackward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0).add(1))] },
  // d sqrt x = 1 / (2 sqrt x)
  sqrt: { kernel: "sqrt", dtype: "float", domain: "pos", extremes: true, node: "SqrtBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.div(s.output(0).mul(2))] },
  // d x^(-1/2) = -x^(-3/2) / 2 = -y^3 / 2
  rsqrt: { kernel: "rsqrt", dtype: "float", domain: "pos", node: "RsqrtBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).pow(3).mul(-0.5))] },
  // d (1/x) = -1/x^2 = -y^2
  reciprocal: { kernel: "reciprocal", dtype: "float", node: "ReciprocalBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).square().neg())] },
  // d sin x = cos x
  sin: { kernel: "sin", dtype: "float", node: "SinBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(cos(s.input(0)))] },
  // d cos x = -sin x
  cos: { kernel: "cos", dtype: "float", node: "CosBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(sin(s.input(0)).neg())] },
  // d tan x = 1 + tan^2 x
  tan: { kernel: "tan", dtype: "float", domain: "unit", node: "TanBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).square().add(1))] },
  // d asin x = 1 / sqrt(1 - x^2)
  asin: { kernel: "asin", dtype: "float", domain: "unit", node: "AsinBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(rsqrt(s.input(0).square().neg().add(1)))] },
  // d acos x = -1 / sqrt(1 - x^2)
  acos: { kernel: "acos", dtype: "float", domain: "unit", node: "AcosBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(rsqrt(s.input(0).square().neg().add(1)).neg())] },
  // d atan x = 1 / (1 + x^2)
  atan: { kernel: "atan", dtype: "float", node: "AtanBackward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0).square().add(1))] },
  // d sinh x = cosh x
  sinh: { kernel: "sinh", dtype: "float", node: "SinhBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(cosh(s.input(0)))] },
  // d cosh x = sinh x
  cosh: { kernel: "cosh", dtype: "float", node: "CoshBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(sinh(s.input(0)))] },
  // d tanh x = 1 - tanh^2 x
  tanh: { kernel: "tanh", dtype: "float", extremes: true, node: "TanhBackward0", saves: SAVE_OUT, backward: ([g], s) => [g.mul(s.output(0).square().neg().add(1))] },
  // d asinh x = 1 / sqrt(x^2 + 1)
  asinh: { kernel: "asinh", dtype: "float", node: "AsinhBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(rsqrt(s.input(0).square().add(1)))] },
  // d acosh x = 1 / sqrt(x^2 - 1)
  acosh: { kernel: "acosh", dtype: "float", domain: "gt1", node: "AcoshBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(rsqrt(s.input(0).square().sub(1)))] },
  // d atanh x = 1 / (1 - x^2)
  atanh: { kernel: "atanh", dtype: "float", domain: "unit", node: "AtanhBackward0", saves: SAVE_IN, backward: ([g], s) => [g.div(s.input(0).square().neg().add(1))] },
  // d sigmoid x = s (1 - s)
  sigmoid: { kernel: "sigmoid", dtype: "float", extremes: true, node: "SigmoidBackward0", saves: SAVE_OUT, backward: ([g], s) => { const y = s.output(0); return [g.mul(y.mul(y.neg().add(1)))]; } },
  // d log(x / (1 - x)) = 1 / (x (1 - x)); with eps >= 0: 0 outside [eps, 1 - eps] (where the input was clamped)
  logit: { kernel: "logit", dtype: "float", domain: "prob", node: "LogitBackward0", saves: SAVE_IN, backward: ([g], s, p) => {
    const x = s.input(0);
    if (p[0] < 0) return [g.div(x.mul(x.neg().add(1)))];
    const [lo, hi] = p;
    const inside = x.ge(lo).logicalAnd(x.le(hi));
    const xs = select(inside, x, 0.5); // a safe stand-in outside, where the gradient is 0
    return [g.mul(inside).div(xs.mul(xs.neg().add(1)))];
  } },
  // d erf x = 2/sqrt(pi) e^(-x^2)
  erf: { kernel: "erf", dtype: "float", extremes: true, node: "ErfBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(s.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI))] },
  // d erfc x = -2/sqrt(pi) e^(-x^2)
  erfc: { kernel: "erfc", dtype: "float", node: "ErfcBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(s.input(0).square().neg().exp().mul(-TWO_OVER_SQRT_PI))] },
  // piecewise constant: d = 0
  floor: { kernel: "floor", dtype: "same", domain: "odd16", extremes: true, refuse: notImplemented("floor_vml_cpu", "bool"), node: "FloorBackward0", ...zeroGrad },
  ceil: { kernel: "ceil", dtype: "same", domain: "odd16", refuse: notImplemented("ceil_vml_cpu", "bool"), node: "CeilBackward0", ...zeroGrad },
  round: { kernel: "round", dtype: "same", domain: "odd16", refuse: notImplemented("round_vml_cpu", "bool"), node: "RoundBackward0", ...zeroGrad },
  trunc: { kernel: "trunc", dtype: "same", domain: "odd16", refuse: notImplemented("trunc_vml_cpu", "bool"), node: "TruncBackward0", ...zeroGrad },
  // d (x - trunc x) = 1
  frac: { kernel: "frac", dtype: "same", domain: "odd16", refuse: notImplemented("frac_cpu", "nonFloat"), node: "FracBackward0", saves: NO_SAVES, backward: ([g]) => [g] },
  // d = 1 where x is finite, else 0
  nanToNum: { kernel: "nanToNum", dtype: "same", node: "NanToNumBackward0", saves: SAVE_IN, backward: ([g], s) => [g.mul(isfinite(s.input(0)))] },
  // not differentiable (bool outputs)
  isnan: { kernel: "isnan", dtype: "bool", extremes: true, node: "IsnanBackward0", saves: NO_SAVES, backward: () => [null] },
  isinf: { kernel: "isinf", dtype: "bool", extremes: true, node: "IsinfBackward0", saves: NO_SAVES, backward: () => [null] },
  isfinite: { kernel: "isfinite", dtype: "bool", extremes: true, node: "IsfiniteBackward0", saves: NO_SAVES, backward: () => [null] },
  logicalNot: { kernel: "logicalNot", dtype: "bool", node: "LogicalNotBackward0", saves: NO_SAVES, backward: () => [null] },
  // d relu x = [x > 0]
  relu: { kernel: "relu", dtype: "same", refuse: boolRefused("Boolean inputs not supported for relu"), node: "ReluBackward0", saves: SAVE_OUT, backward: ([g], s) => [thresholdBackward(g, s.output(0))] },
} satisfies Record<string, UnaryEntry>, elementwiseJvp);

export type UnaryName = keyof typeof UNARY;

function outDType(e: UnaryEntry, d: DType): DType {
  const refused = e.refuse?.(d) ?? null;
  if (refused !== null) throw new RuntimeError(refused);
  switch (e.dtype) {
    case "same": return d;
    case "float": return isFloating(d) ? d : "float32";
    case "bool": return "bool";
  }
  return e.dtype satisfies never;
}

/**
 * Runs the op `e` on `x` with its numeric `params`, recording it for autograd. `fn` names the
 * PyTorch function in argument errors; `node` overrides the entry's node name (in-place forms).
 */
export function unaryOp(e: UnaryEntry, fn: string, x: Tensor, params: UnaryParams = NO_PARAMS, node?: string): Tensor {
  checkTensorArg(fn, "input", 1, x);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.elementwise([x], (p) => unaryOp(e, fn, p, params, node));
  // ---- [vmap] end ----
  const out = outputTensor(x.shape, outDType(e, x.dtype));
  backend().unary(e.kernel, kview(x), kview(out), params);
  return record(node === undefined ? e : { ...e, node }, [x], [out], params)[0];
}

/** Runs unary op `name` on `x`, recording it for autograd. */
export function unary(name: UnaryName, x: Tensor, params: UnaryParams = NO_PARAMS): Tensor {
  return unaryOp(UNARY[name], snake(name), x, params);
}

/** The schema types of PyTorch arguments (Scalar is "Number"; "?": optional, null allowed), as its TypeErrors name them. */
type ArgKind = "Number" | "float" | "float?" | "int?" | "bool" | "str";

function kindMatches(kind: ArgKind, v: unknown): boolean {
  if (v === null) return kind.endsWith("?");
  if (kind === "bool") return typeof v === "boolean";
  if (kind === "str") return typeof v === "string";
  if (kind.startsWith("int")) return Number.isInteger(v);
  return typeof v === "number";
}

/**
 * Reads PyTorch-style arguments after the input: positionals in PyTorch's order (`kinds`' key
 * order, `positional` of them), or by camelCase name in a trailing options object (API.md).
 * Missing ones keep their `defaults`; a wrong type is PyTorch's TypeError.
 */
export function readArgs<O extends Record<string, number | boolean | string | null>>(
  fn: string, kinds: { readonly [K in keyof O]: ArgKind }, positional: number, args: readonly unknown[], defaults: O,
): O {
  const [pos, opts] = splitOptions<Record<string, unknown>>(args);
  const names = Object.keys(kinds) as (keyof O & string)[];
  if (pos.length > positional) {
    throw new TypeError(`${fn}() takes from 1 to ${positional + 1} positional arguments but ${pos.length + 1} were given`);
  }
  for (const k of Object.keys(opts)) {
    if (!(k in kinds)) throw new TypeError(`${fn}() got an unexpected keyword argument '${snake(k)}'`);
  }
  const out: O = { ...defaults };
  names.forEach((n, i) => {
    const v = i < pos.length ? pos[i] : opts[n];
    if (v === undefined) return;
    if (!kindMatches(kinds[n], v)) {
      const where = i < pos.length ? ` (position ${i + 2})` : "";
      throw new TypeError(`${fn}(): argument '${snake(n)}'${where} must be ${kinds[n].replace("?", "")}, not ${pyTypeName(v)}`);
    }
    out[n] = v as O[typeof n];
  });
  return out;
}

export const neg = (x: Tensor): Tensor => unary("neg", x);
export const abs = (x: Tensor): Tensor => unary("abs", x);
export const sign = (x: Tensor): Tensor => unary("sign", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const exp2 = (x: Tensor): Tensor => unary("exp2", x);
export const expm1 = (x: Tensor): Tensor => unary("expm1", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const log2 = (x: Tensor): Tensor => unary("log2", x);
export const log10 = (x: Tensor): Tensor => unary("log10", x);
export const log1p = (x: Tensor): Tensor => unary("log1p", x);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x);
export const reciprocal = (x: Tensor): Tensor => unary("reciprocal", x);
export const sin = (x: Tensor): Tensor => unary("sin", x);
export const cos = (x: Tensor): Tensor => unary("cos", x);
export const tan = (x: Tensor): Tensor => unary("tan", x);
export const asin = (x: Tensor): Tensor => unary("asin", x);
export const acos = (x: Tensor): Tensor => unary("acos", x);
export const atan = (x: Tensor): Tensor => unary("atan", x);
export const sinh = (x: Tensor): Tensor => unary("sinh", x);
export const cosh = (x: Tensor): Tensor => unary("cosh", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const asinh = (x: Tensor): Tensor => unary("asinh", x);
export const acosh = (x: Tensor): Tensor => unary("acosh", x);
export const atanh = (x: Tensor): Tensor => unary("atanh", x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const erf = (x: Tensor): Tensor => unary("erf", x);
export const erfc = (x: Tensor): Tensor => unary("erfc", x);
export const floor = (x: Tensor): Tensor => unary("floor", x);
export const ceil = (x: Tensor): Tensor => unary("ceil", x);
export const trunc = (x: Tensor): Tensor => unary("trunc", x);
export const frac = (x: Tensor): Tensor => unary("frac", x);
export const isnan = (x: Tensor): Tensor => unary("isnan", x);
export const isinf = (x: Tensor): Tensor => unary("isinf", x);
export const isfinite = (x: Tensor): Tensor => unary("isfinite", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const logicalNot = (x: Tensor): Tensor => unary("logicalNot", x);
/** x * x, recorded as PowBackward0 as in PyTorch. */
export const square = (x: Tensor): Tensor => x.pow(2);

export interface LogitOptions { eps?: number | null }
/**
 * log(x / (1 - x)), with x first clamped to [eps, 1 - eps] when `eps` is given.
 * @example torch.logit(torch.tensor([0.25, 0.5]))          // tensor([-1.0986,  0.0000])
 * @example torch.logit(torch.tensor([0, 1]), { eps: 1e-6 }) // tensor([-13.8155,  13.8023])
 */
export function logit(x: Tensor, ...args: (number | null | LogitOptions)[]): Tensor {
  const { eps } = readArgs("logit", { eps: "float?" }, 1, args, { eps: null as number | null });
  checkTensorArg("logit", "input", 1, x);
  if (eps === null || eps < 0) return unary("logit", x, [-1]);
  // PyTorch computes eps and 1 - eps in the input's precision (float32: 1 - 1e-6 rounds to 0.99999899)
  const r = x.dtype === "float64" ? (v: number) => v : Math.fround;
  return unary("logit", x, [r(eps), r(1 - r(eps))]);
}

export interface RoundOptions { decimals?: number }
/**
 * Rounds half to even; `decimals` (keyword-only in PyTorch) rounds to that many decimal places.
 * @example torch.round(torch.tensor([0.5, 1.5, 2.5]))              // tensor([0., 2., 2.])
 * @example torch.round(torch.tensor([1.25, 3.14159]), { decimals: 2 }) // tensor([1.2500, 3.1400])
 */
export function round(x: Tensor, opts?: RoundOptions): Tensor {
  const { decimals } = readArgs("round", { decimals: "int?" }, 0, opts === undefined ? [] : [opts], { decimals: null as number | null });
  if (decimals === null) return unary("round", x);
  checkTensorArg("round", "input", 1, x);
  if (!isFloating(x.dtype)) throw new RuntimeError(`"round_cpu" not implemented for '${SCALAR_TYPE_NAME[x.dtype]}'`);
  return unaryOp({ ...UNARY.round, node: "RoundBackward1" }, "round", x, [decimals]);
}

export interface NanToNumOptions { nan?: number; posinf?: number | null; neginf?: number | null }
const FLOAT_MAX: Partial<Record<DType, number>> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };
/**
 * Replaces NaN by `nan` (0), +inf by `posinf` and -inf by `neginf` (default: the dtype's largest finite values).
 * @example torch.nanToNum(torch.tensor([NaN, Infinity, -1]), 0, 5) // tensor([ 0.,  5., -1.])
 */
export function nanToNum(x: Tensor, ...args: (number | null | NanToNumOptions)[]): Tensor {
  const o = readArgs("nan_to_num", { nan: "float?", posinf: "float?", neginf: "float?" }, 3, args,
    { nan: 0 as number | null, posinf: null as number | null, neginf: null as number | null });
  checkTensorArg("nan_to_num", "input", 1, x);
  const big = FLOAT_MAX[x.dtype] ?? Infinity;
  return unary("nanToNum", x, [o.nan ?? 0, o.posinf ?? big, o.neginf ?? -big]);
}

/** Runs `op(self)` and writes the result into self (PyTorch's `<op>_`), with PyTorch's in-place checks. */
export function inplaceOf<S extends Tensor>(self: S, op: (old: Tensor) => Tensor): S {
  return applyInplace(self, [], op);
}

// ---- samples ----------------------------------------------------------------------------------

/** The standard samples of a unary op: float32 / float64, 0-d, non-contiguous, and an int or bool input. */
export const unarySamples = (gen: ValueGen, intInput: "int32" | "bool" | null, kwargs?: OpSample["kwargs"]): OpSample[] => [
  { args: [T([2, 3], { gen, grad: true })], kwargs },
  { args: [T([4], { dtype: "float64", gen, grad: true })], kwargs },
  { args: [T([3, 2], { gen, grad: true, layout: "T" })], kwargs },
  { args: [T([], { dtype: "float64", gen, grad: true })], kwargs },
  ...(intInput === null ? [] : [{ args: [T([5], { dtype: intInput, gen: intInput === "bool" ? "bool" : "int" })], kwargs }]),
];

/** nan, ±inf, ±0 and large values (no grad: gradcheck cannot run through them). */
export const EXTREMES = T([8], { values: ["nan", "inf", "-inf", 0, -0.5, 30, -30, 100] });

/** The dtypes an entry refuses, as error samples. */
export function refusalSamples(e: Pick<UnaryEntry, "refuse">, kwargs?: OpSample["kwargs"]): OpSample[] {
  return (["bool", "int64"] as const).filter((d) => e.refuse?.(d)).map((d) => ({ args: [T([3], { dtype: d })], kwargs }));
}

/** Samples of an entry: the standard ones, extremes, refused dtypes as errors. */
export function entryInfo(
  name: string, e: Pick<UnaryEntry, "dtype" | "refuse" | "domain" | "extremes">,
  extra: { py?: string; samples?: OpSample[]; errors?: OpSample[]; kwargs?: OpSample["kwargs"]; noScalarError?: boolean } = {},
): OpInfo {
  const intInput = e.dtype === "bool" ? "bool" : e.refuse?.("int32") ? null : e.refuse?.("bool") ? "int32" : "bool";
  const samples = [...unarySamples(e.domain ?? "any", intInput, extra.kwargs), ...(e.extremes ? [{ args: [EXTREMES], kwargs: extra.kwargs }] : []), ...(extra.samples ?? [])];
  if (intInput === "bool" && e.dtype !== "bool") samples.push({ args: [T([5], { dtype: "int32" })], kwargs: extra.kwargs });
  const errors: OpSample[] = [...(extra.noScalarError ? [] : [{ args: [2], kwargs: extra.kwargs }]), ...refusalSamples(e, extra.kwargs), ...(extra.errors ?? [])];
  return { name, ...(extra.py ? { py: extra.py } : {}), samples, errors, noGrad: e.dtype === "bool" };
}

const plain = (gen: ValueGen = "any") => T([2, 3], { gen });
const ROUND_SAMPLES: OpSample[] = [
  { args: [T([6], { values: [0.5, 1.5, 2.5, -0.5, -2.5, 3.5] })] },
  { args: [T([2, 3], { gen: "odd16", grad: true })], kwargs: { decimals: 1 } },
  { args: [T([4], { dtype: "float64", values: [1.2549, -3.14159, 1234.5678, 0.0512], grad: true })], kwargs: { decimals: 2 } },
  { args: [T([3], { values: [1234.5, -1250, 49.9] })], kwargs: { decimals: -2 } },
];
/** In-place methods with samples (the others share their code path). */
const INPLACE_METHODS = ["abs_", "exp_", "log_", "sqrt_", "sin_", "sigmoid_", "floor_", "relu_", "reciprocal_", "erf_", "tanh_", "round_", "logit_", "nanToNum_"] as const;
const INPLACE_SAMPLES: Partial<Record<(typeof INPLACE_METHODS)[number], OpSample[]>> = {
  log_: [{ args: [plain("pos")] }],
  sqrt_: [{ args: [plain("pos")] }],
  round_: [{ args: [plain("odd16")], kwargs: { decimals: 1 } }],
  logit_: [{ args: [plain("prob"), 0.25] }],
  nanToNum_: [{ args: [T([4], { values: ["nan", "inf", "-inf", 2] }), 1.5] }],
};

/** Samples of every unary op, generated from its entry, plus the parametrised forms and in-place methods. */
export const UNARY_INFO: OpInfo[] = [
  ...(Object.keys(UNARY) as UnaryName[]).filter((n) => n !== "logit" && n !== "nanToNum" && n !== "round").map((name) => entryInfo(name, UNARY[name])),
  entryInfo("round", UNARY.round, { samples: ROUND_SAMPLES, errors: [{ args: [T([3], { dtype: "int32" })], kwargs: { decimals: 1 } }] }),
  entryInfo("logit", UNARY.logit, {
    samples: [
      { args: [T([2, 3], { gen: "prob", grad: true }), 0.2] },
      { args: [T([4], { dtype: "float64", values: [0.0625, 0.5, 0.75, 0.9375], grad: true })], kwargs: { eps: 0.125 } },
      { args: [T([4], { values: [0, 1, -0.5, 1.5] })] },
      { args: [T([4], { values: [0, 1, 0.5, 1e-7] }), 1e-6] },
    ],
    errors: [{ args: [T([3]), "a"] }],
  }),
  entryInfo("nanToNum", UNARY.nanToNum, {
    samples: [
      { args: [T([5], { values: ["nan", "inf", "-inf", 1.5, -2] })] },
      { args: [T([5], { dtype: "float64", values: ["nan", "inf", "-inf", 1.5, -2], grad: true }), 1, 2, -3] },
      { args: [T([5], { values: ["nan", "inf", "-inf", 1.5, -2], grad: true })], kwargs: { posinf: 7.5 } },
    ],
  }),
  ...INPLACE_METHODS.map((name): OpInfo => ({
    name, method: true, py: snake(name),
    samples: INPLACE_SAMPLES[name] ?? [{ args: [plain()] }],
    errors: [{ args: [T([3], { grad: true })] }, ...(name === "exp_" ? [{ args: [T([3], { dtype: "int32" })] }] : [])],
  })),
];
