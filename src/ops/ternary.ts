// Three-operand elementwise ops (where, lerp, addcmul, addcdiv, clamp): broadcast three ways, composed from binary kernels.
import { isFloating, isIntegral, resultType, SCALAR_TYPE_NAME, type DType, type PromotionOperand } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes } from "../shape.ts";
import { record, type GradSpec, type Saved } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { binaryKernel, invalidCombination, notImplemented } from "./binary.ts";
import { applyInplace } from "./inplace.ts";
import { checkTensorArg, contiguousData, emptyTensor, isTensor, scalarTensor, splitOptions, type TensorLike } from "./core.ts";
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { elementwiseJvp, withJvp } from "./jvp-rules.ts";

const operand = (x: TensorLike): PromotionOperand => (isTensor(x) ? { dtype: x.dtype, dim: x.dim() } : x);

/** The promoted dtype of several operands (torch.result_type over all of them). */
function promoted(xs: readonly TensorLike[]): DType {
  return resultType(xs.map(operand));
}

/** `x` as a tensor of `dtype`: a JS number becomes a 0-d tensor (integral dtypes truncate, as a C cast). */
function wrap(x: TensorLike, dtype: DType): Tensor {
  if (isTensor(x)) return x;
  return scalarTensor(typeof x === "number" && isIntegral(dtype) ? Math.trunc(x) : x, dtype);
}

/** Broadcasts shapes left to right, as PyTorch's TensorIterator does (its size-mismatch message names the pair). */
function broadcastAll(xs: readonly Tensor[]): number[] {
  return xs.reduce<number[]>((shape, t) => broadcastShapes(shape, t.shape), []);
}

/** where(cond, x, y) with no autograd: x where cond is set, else y; the unselected value never leaks (not even NaN). */
function select(cond: Tensor, x: Tensor, y: Tensor, dtype: DType): Tensor {
  broadcastAll([cond, x, y]);
  return binaryKernel("add", binaryKernel("maskKeep", cond, x, dtype), binaryKernel("maskDrop", cond, y, dtype), dtype);
}

interface WhereParams { readonly cond: Tensor }

// d where(c, x, y) = (c, !c): the unselected branch gets an exact 0, never NaN
const WHERE: GradSpec<WhereParams> = {
  node: "WhereBackward0",
  jvp: elementwiseJvp,
  backward: ([g], s, p) => [null, s.needsGrad(1) ? g.where(p.cond, 0) : null, s.needsGrad(2) ? g.where(p.cond.logicalNot(), 0) : null],
};

const WHERE_OVERLOADS = [
  "(Tensor condition)", "(Tensor condition, Tensor input, Tensor other, *, Tensor out)", "(Tensor condition, Number self, Tensor other)",
  "(Tensor condition, Tensor input, Number other)", "(Tensor condition, Number self, Number other)",
];

/**
 * Elementwise `cond ? x : y` with three-way broadcasting; x and y may be JS numbers.
 * With `cond` alone: the indices of its nonzero elements, one int64 tensor per dim (a 0-d cond counts as 1-d).
 * @example torch.where(x.gt(0), x, 0); const [rows, cols] = torch.where(mask2d)
 */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor;
export function where(cond: Tensor, x?: TensorLike, y?: TensorLike): Tensor | Tensor[] {
  checkTensorArg("where", "condition", 1, cond);
  if (x === undefined && y === undefined) return nonzeroIndices(cond);
  if (x === undefined || y === undefined) throw invalidCombination("where", [cond, x ?? y], WHERE_OVERLOADS);
  if (cond.dtype !== "bool") {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${SCALAR_TYPE_NAME[cond.dtype]}`);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([cond, x, y]) > 0) return VM.elementwise([cond, x, y], (c, a, b) => where(c, a, b));
  // ---- [vmap] end ----
  const dtype = promoted([x, y]);
  const tx = wrap(x, dtype), ty = wrap(y, dtype);
  return record(WHERE, [cond, tx, ty], [select(cond, tx, ty, dtype)], { cond })[0];
}

/** C++ type names in PyTorch's "expected dtype float for `end`" messages. */
/** The row-major multi-indices of the nonzero elements, as one int64 tensor per dim. */
function nonzeroIndices(cond: Tensor): Tensor[] {
  const shape = cond.dim() === 0 ? [1] : cond.shape;
  const data = contiguousData(cond);
  const hits: number[] = [];
  for (let i = 0; i < data.length && i < cond.numel(); i++) if (data[i] !== 0) hits.push(i);
  return shape.map((_, d) => {
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const out = emptyTensor([hits.length], "int64");
    hits.forEach((flat, k) => { out._storage.data[k] = Math.floor(flat / stride) % shape[d]; });
    return out;
  });
}

const CPP_NAME: Record<DType, string> = { float32: "float", float64: "double", int32: "int", int64: "long int", bool: "bool" };

interface LerpParams { readonly weight: number }

// d lerp(a, b, w) = (1 - w, w, b - a)
const LERP = withJvp({
  scalar: {
    node: "LerpBackward0",
    backward: ([g], s, p) => [s.needsGrad(0) ? g.mul(1 - p.weight) : null, s.needsGrad(1) ? g.mul(p.weight) : null],
  } satisfies GradSpec<LerpParams>,
  tensor: {
    node: "LerpBackward1", saves: { inputs: [0, 1, 2] },
    backward: ([g], s) => {
      const a = s.input(0), b = s.input(1), w = s.input(2);
      return [s.needsGrad(0) ? g.mul(w.neg().add(1)) : null, s.needsGrad(1) ? g.mul(w) : null, s.needsGrad(2) ? g.mul(b.sub(a)) : null];
    },
  } satisfies GradSpec<LerpParams>,
}, elementwiseJvp);

/**
 * start + weight (end - start), computed as PyTorch does (from `end` when weight >= 0.5, so weight 1 gives end exactly).
 * start, end (and a tensor weight) must share a floating dtype.
 * @example torch.lerp(torch.zeros(3), torch.ones(3), 0.25) // tensor([0.2500, 0.2500, 0.2500])
 */
export function lerp(start: Tensor, end: Tensor, ...rest: (TensorLike | { weight?: TensorLike })[]): Tensor {
  const [pos, opts] = splitOptions<{ weight: TensorLike }>(rest);
  const weight = (pos[0] ?? opts.weight) as TensorLike | undefined;
  checkTensorArg("lerp", "input", 1, start);
  checkTensorArg("lerp", "end", 2, end);
  if (weight === undefined) throw new TypeError("lerp() missing required argument 'weight' (pos 3)");
  const dtype = start.dtype;
  if (end.dtype !== dtype) throw new RuntimeError(`expected dtype ${CPP_NAME[dtype]} for \`end\` but got dtype ${CPP_NAME[end.dtype]}`);
  if (isTensor(weight) && weight.dtype !== dtype) {
    throw new RuntimeError(`expected dtype ${CPP_NAME[dtype]} for \`weight\` but got dtype ${CPP_NAME[weight.dtype]}`);
  }
  if (!isFloating(dtype)) throw notImplemented(isTensor(weight) ? "lerp_kernel_tensor" : "lerp_kernel_scalar", dtype);
  const w = wrap(weight, dtype);
  broadcastAll([start, end, w]);
  // ---- [vmap] begin ----
  if (VM.maxLevel([start, end, weight]) > 0) return VM.elementwise([start, end, weight], (a, b, c) => lerp(a, b, c));
  // ---- [vmap] end ----
  const diff = binaryKernel("sub", end, start, dtype);
  const low = binaryKernel("add", start, binaryKernel("mul", w, diff, dtype), dtype);
  const oneMinusW = binaryKernel("sub", scalarTensor(1, dtype), w, dtype);
  const high = binaryKernel("sub", end, binaryKernel("mul", diff, oneMinusW, dtype), dtype);
  const out = select(binaryKernel("lt", w, scalarTensor(0.5, dtype), "bool"), low, high, dtype);
  if (isTensor(weight)) return record(LERP.tensor, [start, end, weight], [out], { weight: 0 })[0];
  return record(LERP.scalar, [start, end], [out], { weight: Number(weight) })[0];
}

/** addcmul / addcdiv's keyword-only `value`. */
export interface AddcOptions {
  readonly value?: number;
}

interface AddcParams { readonly value: number }

const ADDC = withJvp({
  // d (x + v t1 t2) = (1, v t2, v t1)
  addcmul: {
    node: "AddcmulBackward0", saves: { inputs: [1, 2] },
    backward: ([g], s, p) => [g, s.needsGrad(1) ? g.mul(s.input(2)).mul(p.value) : null, s.needsGrad(2) ? g.mul(s.input(1)).mul(p.value) : null],
  },
  // d (x + v t1 / t2) = (1, v / t2, -v t1 / t2^2)
  addcdiv: {
    node: "AddcdivBackward0", saves: { inputs: [1, 2] },
    backward: ([g], s, p) => {
      const t1 = s.input(1), t2 = s.input(2);
      return [g, s.needsGrad(1) ? g.mul(p.value).div(t2) : null, s.needsGrad(2) ? g.mul(p.value).mul(t1).div(t2.mul(t2)).neg() : null];
    },
  },
} satisfies Record<string, GradSpec<AddcParams>>, elementwiseJvp);

const ADDCDIV_INTEGER =
  "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. " +
  "The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as " +
  "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.";

function addc(name: "addcmul" | "addcdiv", self: Tensor, t1: Tensor, t2: Tensor, opts: AddcOptions = {}): Tensor {
  checkTensorArg(name, "input", 1, self);
  checkTensorArg(name, "tensor1", 2, t1);
  checkTensorArg(name, "tensor2", 3, t2);
  if (name === "addcdiv" && isIntegral(t1.dtype, true) && isIntegral(t2.dtype, true)) throw new RuntimeError(ADDCDIV_INTEGER);
  const value = opts.value ?? 1;
  const dtype = promoted([self, t1, t2]);
  if (dtype === "bool") throw notImplemented(`${name}_cpu_out`, dtype);
  broadcastAll([self, t1, t2]);
  // ---- [vmap] begin ----
  if (VM.maxLevel([self, t1, t2]) > 0) return VM.elementwise([self, t1, t2], (a, b, c) => addc(name, a, b, c, opts));
  // ---- [vmap] end ----
  // PyTorch's order: self + value * t1 (* or /) t2, the value cast to the compute dtype
  const scaled = binaryKernel("mul", wrap(value, dtype), t1, dtype);
  const out = binaryKernel("add", self, binaryKernel(name === "addcmul" ? "mul" : "div", scaled, t2, dtype), dtype);
  return record(ADDC[name], [self, t1, t2], [out], { value })[0];
}

/**
 * self + value * tensor1 * tensor2, broadcast three ways.
 * @example torch.addcmul(x, a, b, { value: 0.5 })
 */
export const addcmul = (self: Tensor, t1: Tensor, t2: Tensor, opts?: AddcOptions): Tensor => addc("addcmul", self, t1, t2, opts);
/**
 * self + value * tensor1 / tensor2 (tensor1 and tensor2 may not both be integral).
 * @example torch.addcdiv(x, a, b, { value: 0.5 })
 */
export const addcdiv = (self: Tensor, t1: Tensor, t2: Tensor, opts?: AddcOptions): Tensor => addc("addcdiv", self, t1, t2, opts);

/** A clamp bound: a number, a tensor, or none. */
export type Bound = TensorLike | null | undefined;
/** clamp's bounds as options. */
export interface ClampOptions {
  readonly min?: Bound;
  readonly max?: Bound;
}

interface ClampParams { readonly min: number | null; readonly max: number | null }

/** `g` where `keep`, else 0. */
const keepWhere = (g: Tensor, keep: Tensor): Tensor => g.where(keep, 0);

const and = (a: Tensor | null, b: Tensor | null): Tensor => (a && b ? a.logicalAnd(b) : (a ?? b)!);

// d clamp(x, lo, hi) / dx = [lo <= x <= hi]
const CLAMP_SCALAR = withJvp({
  clamp: { node: "ClampBackward1", saves: { inputs: [0] }, backward: ([g], s, p) => [keepWhere(g, inRange(s.input(0), p))] },
  clampMin: { node: "ClampMinBackward0", saves: { inputs: [0] }, backward: ([g], s, p) => [keepWhere(g, inRange(s.input(0), p))] },
  clampMax: { node: "ClampMaxBackward0", saves: { inputs: [0] }, backward: ([g], s, p) => [keepWhere(g, inRange(s.input(0), p))] },
} satisfies Record<string, GradSpec<ClampParams>>, elementwiseJvp);

function inRange(x: Tensor, p: ClampParams): Tensor {
  return and(p.min === null ? null : x.ge(p.min), p.max === null ? null : x.le(p.max));
}

/**
 * Tensor bounds (PyTorch's clamp_backward_min_max): x gets g where lo <= x <= hi; lo where x < lo
 * (and lo < hi when both are given); hi where x > hi (or hi < lo).
 */
function clampTensorGrads(g: Tensor, s: Saved, lo: number | null, hi: number | null): (Tensor | null)[] {
  const x = s.input(0);
  const min = lo === null ? null : s.input(lo), max = hi === null ? null : s.input(hi);
  const grads: (Tensor | null)[] = [keepWhere(g, and(min && x.ge(min), max && x.le(max)))];
  if (min) grads.push(s.needsGrad(1) ? keepWhere(g, and(x.lt(min), max && min.lt(max))) : null);
  if (max) {
    const i = grads.length;
    grads.push(s.needsGrad(i) ? keepWhere(g, min ? x.gt(max).logicalOr(max.lt(min)) : x.gt(max)) : null);
  }
  return grads;
}

const CLAMP_TENSOR = withJvp({
  clamp: { node: "ClampBackward0", saves: { inputs: [0, 1, 2] }, backward: ([g], s) => clampTensorGrads(g, s, 1, 2) },
  clampMinOnly: { node: "ClampBackward0", saves: { inputs: [0, 1] }, backward: ([g], s) => clampTensorGrads(g, s, 1, null) },
  clampMaxOnly: { node: "ClampBackward0", saves: { inputs: [0, 1] }, backward: ([g], s) => clampTensorGrads(g, s, null, 1) },
  clampMin: { node: "ClampMinBackward1", saves: { inputs: [0, 1] }, backward: ([g], s) => clampTensorGrads(g, s, 1, null) },
  clampMax: { node: "ClampMaxBackward1", saves: { inputs: [0, 1] }, backward: ([g], s) => clampTensorGrads(g, s, null, 1) },
} satisfies Record<string, GradSpec<void>>, elementwiseJvp);

type ClampName = "clamp" | "clampMin" | "clampMax";

/** Parses clamp's `(min, max)` positionally or as `{ min, max }`. */
function clampBounds(args: readonly (Bound | ClampOptions)[]): [Bound, Bound] {
  const [pos, opts] = splitOptions<ClampOptions>(args);
  return [(pos[0] ?? opts.min) as Bound, (pos[1] ?? opts.max) as Bound];
}

function runClamp(name: ClampName, fn: string, x: Tensor, min: Bound, max: Bound): Tensor {
  checkTensorArg(fn, "input", 1, x);
  const lo = min ?? null, hi = max ?? null;
  if (lo === null && hi === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const tensors = isTensor(lo) || isTensor(hi);
  if (tensors && ((lo !== null && !isTensor(lo)) || (hi !== null && !isTensor(hi)))) {
    throw invalidCombination(fn, [x, lo, hi], ["(Tensor input, Tensor min, Tensor max, *, Tensor out)", "(Tensor input, Number min, Number max, *, Tensor out)"]);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, lo, hi]) > 0) return VM.elementwise([x, lo, hi], (px, plo, phi) => runClamp(name, fn, px, plo, phi));
  // ---- [vmap] end ----
  const bounds = [lo, hi].filter((b): b is TensorLike => b !== null);
  const dtype = promoted([x, ...bounds]);
  if (dtype === "bool") throw notImplemented(tensors ? "clamp_cpu" : "clamp_scalar_cpu", dtype);
  const tlo = lo === null ? null : wrap(lo, dtype), thi = hi === null ? null : wrap(hi, dtype);
  broadcastAll([x, ...(tlo ? [tlo] : []), ...(thi ? [thi] : [])]);
  // NaN in x or in a bound propagates, as PyTorch's min(max(x, lo), hi); at least one bound makes a fresh tensor
  let out = x;
  if (tlo) out = binaryKernel("maximum", out, tlo, dtype);
  if (thi) out = binaryKernel("minimum", out, thi, dtype);
  if (!tensors) return record(CLAMP_SCALAR[name], [x], [out], { min: lo === null ? null : Number(lo), max: hi === null ? null : Number(hi) })[0];
  const spec = name !== "clamp" ? CLAMP_TENSOR[name] : tlo && thi ? CLAMP_TENSOR.clamp : tlo ? CLAMP_TENSOR.clampMinOnly : CLAMP_TENSOR.clampMaxOnly;
  return record(spec, [x, ...[tlo, thi].filter((t): t is Tensor => t !== null)], [out], undefined)[0];
}

/**
 * Limits every element to [min, max]; either bound may be null, a number or a tensor (both of one kind).
 * @example torch.clamp(x, -1, 1); torch.clamp(x, { min: 0 }); x.clamp(lo, hi)
 */
export function clamp(x: Tensor, ...bounds: (Bound | ClampOptions)[]): Tensor {
  const [min, max] = clampBounds(bounds);
  return runClamp("clamp", "clamp", x, min, max);
}

/**
 * clamp, in place.
 * @example x.clamp_(0, 1)
 */
export function clamp_<T extends Tensor>(self: T, ...bounds: (Bound | ClampOptions)[]): T {
  const [min, max] = clampBounds(bounds);
  return applyInplace(self, [min ?? null, max ?? null], (old) => runClamp("clamp", "clamp_", old, min, max));
}

/**
 * max(x, min) (ClampMinBackward0/1).
 * @example torch.clampMin(x, 0)
 */
export const clampMin = (x: Tensor, min: TensorLike): Tensor => runClamp("clampMin", "clamp_min", x, min, null);
/**
 * min(x, max) (ClampMaxBackward0/1).
 * @example torch.clampMax(x, 1)
 */
export const clampMax = (x: Tensor, max: TensorLike): Tensor => runClamp("clampMax", "clamp_max", x, null, max);

// ---- samples ------------------------------------------------------------------------------------
type Vals = readonly (number | string)[];
const v = (shape: number[], values: Vals, opts: Omit<TensorSpec, "t" | "values"> = {}) => T(shape, { values, ...opts });
const vg = (shape: number[], values: Vals, opts: Omit<TensorSpec, "t" | "values"> = {}) => v(shape, values, { grad: true, ...opts });
const x = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const mask = (shape: number[]) => T(shape, { dtype: "bool", gen: "bool" });
const mismatch3 = (a: number[], b: number[], c: number[]): OpSample => ({ args: [T(a), T(b), T(c)] });
// bounds that are never a multiple of 1/16, so no generated value sits on clamp's kinks
const LO3: Vals = [-0.53, 0.27, -1.1];
const HI3: Vals = [0.61, 1.3, -1.7];

const whereSamples: OpSample[] = [
  { args: [mask([2, 3]), x([2, 3]), x([2, 3])] },
  { args: [mask([2, 1]), x([1, 3]), x([3])] },
  { args: [mask([3]), x([3]), 0] },
  { args: [mask([3]), -1.5, x([2, 3], { dtype: "float64" })] },
  { args: [mask([4]), 1, 0] },
  { args: [mask([4]), 1.5, -2.5] },
  // the unselected branch holds inf and nan: its gradient is exactly 0, and the output is clean
  { args: [v([4], [1, 0, 1, 0], { dtype: "bool" }), vg([4], [1.5, "inf", -2, "nan"]), vg([4], ["nan", 2.5, "-inf", 0.5])] },
  { args: [mask([2, 2]), x([2, 2]), x([2, 2], { dtype: "float64" })] },
  { args: [mask([3]), T([3], { dtype: "int64" }), x([3])] },
  { args: [mask([3]), T([3], { dtype: "int32" }), 2] },
  { args: [mask([3, 2]), x([3, 2], { layout: "T" }), x([2])] },
  { args: [v([2, 3], [1, 0, 0, 1, 1, 0], { dtype: "bool" })] },
  { args: [v([4], [0, 1.5, -2, 0])] },
  { args: [v([2, 2], [0, 3, 0, 4], { dtype: "int64", layout: "T" })] },
  { args: [v([], [1], { dtype: "bool" })] },
  { args: [v([2, 2], [0, 0, 0, 0], { dtype: "bool" })] },
];

const lerpSamples: OpSample[] = [
  { args: [x([2, 3]), x([2, 3]), 0.3] },
  { args: [x([2, 3]), x([3]), 0.75] },
  { args: [x([2, 3], { dtype: "float64" }), x([2, 3], { dtype: "float64" }), 1] },
  { args: [x([2, 3]), x([2, 3]), x([2, 3], { gen: "pos" })] },
  { args: [x([2, 1]), x([1, 3]), vg([3], [0.2, 0.5, 0.9])] },
  { args: [x([3, 2], { layout: "T" }), x([3, 2]), vg([], [0.6])] },
  { args: [x([3]), x([3])], kwargs: { weight: -0.5 } },
];

const addcSamples = (divides: boolean): OpSample[] => [
  { args: [x([2, 3]), x([2, 3]), x([2, 3])] },
  { args: [x([3]), x([2, 1]), x([1, 3])], kwargs: { value: 0.5 } },
  { args: [x([2, 3], { dtype: "float64" }), x([2, 3], { dtype: "float64" }), x([3], { dtype: "float64" })], kwargs: { value: -2 } },
  { args: [x([3, 2], { layout: "T" }), x([3, 2]), x([2])] },
  { args: [T([3], { dtype: "int64" }), x([3]), x([3])], kwargs: { value: 2 } },
  { args: [x([3]), x([3], { dtype: "float64" }), divides ? x([3]) : T([3], { dtype: "int32" })] },
  ...(divides ? [] : [{ args: [T([3], { dtype: "int64" }), T([3], { dtype: "int64" }), T([3], { dtype: "int32" })], kwargs: { value: 3 } }]),
];

const clampSamples: OpSample[] = [
  { args: [x([2, 3]), -0.55, 0.3] },
  { args: [x([2, 3])], kwargs: { min: -0.55 } },
  { args: [x([2, 3])], kwargs: { max: 0.3 } },
  { args: [x([2, 3]), null, 0.3] },
  { args: [x([4]), 0.7, -0.3] },
  { args: [x([2, 3]), vg([3], LO3), vg([3], HI3)] },
  { args: [x([2, 3]), vg([2, 1], [-0.53, 0.27]), vg([3], HI3)] },
  { args: [x([2, 3])], kwargs: { min: vg([3], LO3) } },
  { args: [x([2, 3]), null, vg([3], HI3)] },
  { args: [x([3, 2], { layout: "T", dtype: "float64" }), -0.55, 0.3] },
  { args: [v([4], ["nan", 1, -3, 0.25]), -0.5, 0.5] },
  { args: [v([3], [0.2, 1, -3]), v([3], ["nan", 0, 0]), v([3], [1, "nan", 1])] },
  { args: [T([5], { dtype: "int64" }), -1, 2] },
  { args: [T([5], { dtype: "int32" }), -1.5, 2.5] },
  { args: [T([3], { dtype: "bool", gen: "bool" }), 0, 1] },
];
const clampErrors: OpSample[] = [
  { args: [T([3])] },
  { args: [T([3]), null, null] },
  { args: [T([3]), 1, T([3])] },
  { args: [T([3]), T([2]), T([3])] },
  { args: [T([3], { dtype: "bool", gen: "bool" }), true, true] },
];

/** Samples of where, lerp, addcmul, addcdiv and the clamps. */
export const TERNARY_INFO: OpInfo[] = [
  {
    name: "where", samples: whereSamples,
    errors: [
      { args: [T([3]), T([3]), T([3])] },
      { args: [T([3], { dtype: "int64" }), T([3]), T([3])] },
      { args: [mask([2]), T([3]), T([3])] },
      { args: [mask([3]), T([3]), T([2])] },
      { args: [mask([3]), T([3])] },
    ],
  },
  {
    name: "lerp", samples: lerpSamples,
    errors: [
      { args: [T([3]), T([3], { dtype: "float64" }), 0.5] },
      { args: [T([3]), T([3]), T([3], { dtype: "float64" })] },
      { args: [T([3], { dtype: "int64" }), T([3], { dtype: "int64" }), 0.5] },
      { args: [T([3], { dtype: "int64" }), T([3], { dtype: "int64" }), T([3], { dtype: "int64" })] },
      mismatch3([3], [2], [3]),
      mismatch3([3], [3], [2]),
    ],
  },
  { name: "addcmul", samples: addcSamples(false), errors: [mismatch3([2], [3], [3]), mismatch3([3], [3], [2]), { args: [T([2], { dtype: "bool" }), T([2], { dtype: "bool" }), T([2], { dtype: "bool" })] }] },
  { name: "addcdiv", samples: addcSamples(true), errors: [mismatch3([3], [2], [3]), { args: [T([3]), T([3], { dtype: "int64" }), T([3], { dtype: "int32" })] }] },
  { name: "clamp", samples: clampSamples, errors: clampErrors },
  { name: "clip", samples: clampSamples.slice(0, 6), errors: clampErrors.slice(0, 1) },
  {
    name: "clampMin", samples: [{ args: [x([2, 3]), 0.3] }, { args: [x([2, 3]), vg([3], LO3)] }, { args: [T([4], { dtype: "int64" }), 1] }],
    errors: [{ args: [T([3]), T([2])] }],
  },
  {
    name: "clampMax", samples: [{ args: [x([2, 3]), 0.3] }, { args: [x([2, 3]), vg([3], HI3)] }, { args: [T([4], { dtype: "int32" }), 1.5] }],
    errors: [{ args: [T([3]), T([2])] }],
  },
  {
    name: "clamp_", method: true,
    samples: [{ args: [T([2, 3]), -0.55, 0.3] }, { args: [T([2, 3]), vg([3], LO3)] }, { args: [T([2, 3])], kwargs: { max: vg([3], HI3) } }, { args: [T([3, 2], { layout: "T" }), 0.3] }],
    errors: [{ args: [x([3]), 0, 1] }, { args: [T([3]), T([2, 3])] }, { args: [T([3]), null, null] }],
  },
];
