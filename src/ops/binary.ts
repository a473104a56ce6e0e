// Elementwise binary ops with broadcasting and type promotion: one table entry each, one dispatcher.
import { noteWrite } from "../storage.ts";
import { backend } from "../backend/index.ts";
import type { BinaryCode, View } from "../backend/types.ts";
import { allocStorage, isFloating, isIntegral, resultType, SCALAR_TYPE_NAME, type DType, type StorageArray } from "../dtype.ts";
import { broadcastShapes, shapeEquals } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { RuntimeError } from "../errors.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { broadcastView, checkTensorArg, isTensor, outputTensor, kview, pyTypeName, scalarTensor, type TensorLike } from "./core.ts";
import { snake, T, type OpInfo, type OpSample, type SampleArg, type TensorSpec, type ValueGen } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { elementwiseJvp, withJvp } from "./jvp-rules.ts";
import { deferBinary } from "./deferred.ts";

/** "promote": result_type; "float": result_type, then integers to the default float; "bool": comparisons. */
type BinaryDType = "promote" | "float" | "bool";

interface BinaryParams {
  readonly alpha: number;
}

interface BinaryEntry extends GradSpec<BinaryParams> {
  readonly kernel: BinaryCode;
  readonly dtype: BinaryDType;
  /** integer division: an integral zero divisor raises PyTorch's `RuntimeError: ZeroDivisionError` */
  readonly intDivision?: boolean;
  /** PyTorch's kernel name and the compute dtypes it has no kernel for (`"hypot_cpu" not implemented for 'Long'`) */
  readonly unsupported?: { readonly name: string; readonly dtypes: readonly DType[] };
}

const none = () => [null, null];
const comparison = (kernel: BinaryCode, node: string): BinaryEntry => ({ kernel, dtype: "bool", node, backward: none });

const zeroGrads = ([g]: Tensor[], s: { needsGrad(i: number): boolean }) => [s.needsGrad(0) ? g.mul(0) : null, s.needsGrad(1) ? g.mul(0) : null];
const NO_BOOL = ["bool"] as const;
const NO_INTEGRAL = ["bool", "int32", "int64"] as const;

/** Gradient of fmax/fmin's `a`: where a wins or ties, or b is NaN (PyTorch gives ties to `a`). */
const fKeepsA = (a: Tensor, b: Tensor, max: boolean): Tensor => (max ? a.ge(b) : a.le(b)).logicalOr(b.ne(b));

/** Gradient share of `a` in maximum/minimum: 1 where it wins, 1/2 on ties (PyTorch's rule). */
function winnerShare(a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return wins(a, b).to(a.dtype).add(a.eq(b).to(a.dtype).mul(0.5));
}

/** Every binary op (JVP: each operand's gradient formula on its tangent, summed). */
export const BINARY = withJvp({
  // d(a + alpha b) = (1, alpha)
  add: { kernel: "add", dtype: "promote", node: "AddBackward0", backward: ([g], _s, p) => [g, p.alpha === 1 ? g : g.mul(p.alpha)] },
  // d(a - alpha b) = (1, -alpha)
  sub: { kernel: "sub", dtype: "promote", node: "SubBackward0", backward: ([g], _s, p) => [g, p.alpha === 1 ? g.neg() : g.mul(-p.alpha)] },
  // d(ab) = (b, a)
  mul: {
    kernel: "mul", dtype: "promote", node: "MulBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => [s.needsGrad(0) ? g.mul(s.input(1)) : null, s.needsGrad(1) ? g.mul(s.input(0)) : null],
  },
  // d(a/b) = (1/b, -a/b^2)
  div: {
    kernel: "div", dtype: "float", node: "DivBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => [s.needsGrad(0) ? g.div(s.input(1)) : null, s.needsGrad(1) ? g.mul(s.input(0)).div(s.input(1).square()).neg() : null],
  },
  // d(a^b) = (b a^(b-1), a^b log a), with the b-gradient 0 where a == 0 and b >= 0
  pow: {
    kernel: "pow", dtype: "promote", node: "PowBackward1", saves: { inputs: [0, 1], outputs: [0] },
    backward: ([g], s) => {
      const a = s.input(0), b = s.input(1);
      const ga = s.needsGrad(0) ? g.mul(b.mul(a.pow(b.sub(1)))) : null;
      const gb = s.needsGrad(1) ? g.mul(s.output(0).mul(a.log())).mul(a.ne(0).logicalOr(b.lt(0))) : null;
      return [ga, gb];
    },
  },
  // d max(a, b): to the larger, split evenly on ties
  maximum: {
    kernel: "maximum", dtype: "promote", node: "MaximumBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => [g.mul(winnerShare(s.input(0), s.input(1), (a, b) => a.gt(b))), g.mul(winnerShare(s.input(1), s.input(0), (a, b) => a.gt(b)))],
  },
  minimum: {
    kernel: "minimum", dtype: "promote", node: "MinimumBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => [g.mul(winnerShare(s.input(0), s.input(1), (a, b) => a.lt(b))), g.mul(winnerShare(s.input(1), s.input(0), (a, b) => a.lt(b)))],
  },
  // ---- [binary-ext] ops: rounding division, remainders, NaN-ignoring extrema, atan2, hypot, copysign
  // div with rounding_mode=None given explicitly: PyTorch records it as DivBackward2
  divTrue: {
    kernel: "div", dtype: "float", node: "DivBackward2", saves: { inputs: [0, 1] },
    backward: ([g], s) => [s.needsGrad(0) ? g.div(s.input(1)) : null, s.needsGrad(1) ? g.mul(s.input(0)).div(s.input(1).square()).neg() : null],
  },
  // d trunc(a/b) = d floor(a/b) = 0 (piecewise constant), PyTorch's grad * 0
  divTrunc: { kernel: "divTrunc", dtype: "promote", node: "DivBackward2", intDivision: true, unsupported: { name: "div_trunc_cpu", dtypes: NO_BOOL }, backward: zeroGrads },
  divFloor: { kernel: "divFloor", dtype: "promote", node: "DivBackward2", intDivision: true, unsupported: { name: "div_floor_cpu", dtypes: NO_BOOL }, backward: zeroGrads },
  // d (a - b floor(a/b)) = (1, -floor(a/b))
  remainder: {
    kernel: "remainder", dtype: "promote", node: "RemainderBackward1", intDivision: true, unsupported: { name: "remainder_cpu", dtypes: NO_BOOL }, saves: { inputs: [0, 1] },
    backward: ([g], s) => [g, s.needsGrad(1) ? g.mul(s.input(0).div(s.input(1), { roundingMode: "floor" })).neg() : null],
  },
  // d (a - b trunc(a/b)) = (1, -trunc(a/b))
  fmod: {
    kernel: "fmod", dtype: "promote", node: "FmodBackward1", intDivision: true, unsupported: { name: "fmod_cpu", dtypes: NO_BOOL }, saves: { inputs: [0, 1] },
    backward: ([g], s) => [g, s.needsGrad(1) ? g.mul(s.input(0).div(s.input(1), { roundingMode: "trunc" })).neg() : null],
  },
  // d fmax(a, b): to a where a >= b or b is NaN, else to b
  fmax: {
    kernel: "fmax", dtype: "promote", node: "FmaxBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => { const keepA = fKeepsA(s.input(0), s.input(1), true); return [g.where(keepA, 0), g.where(keepA.logicalNot(), 0)]; },
  },
  fmin: {
    kernel: "fmin", dtype: "promote", node: "FminBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => { const keepA = fKeepsA(s.input(0), s.input(1), false); return [g.where(keepA, 0), g.where(keepA.logicalNot(), 0)]; },
  },
  // d atan2(a, b) = (b, -a) / (a^2 + b^2)
  atan2: {
    kernel: "atan2", dtype: "float", node: "Atan2Backward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => {
      const a = s.input(0), b = s.input(1);
      const scaled = g.div(a.square().add(b.square()));
      return [s.needsGrad(0) ? scaled.mul(b) : null, s.needsGrad(1) ? scaled.mul(a).neg() : null];
    },
  },
  // d hypot(a, b) = (a, b) / hypot(a, b)
  hypot: {
    kernel: "hypot", dtype: "promote", node: "HypotBackward0", unsupported: { name: "hypot_cpu", dtypes: NO_INTEGRAL }, saves: { inputs: [0, 1], outputs: [0] },
    backward: ([g], s) => {
      const scaled = g.div(s.output(0));
      return [s.needsGrad(0) ? scaled.mul(s.input(0)) : null, s.needsGrad(1) ? scaled.mul(s.input(1)) : null];
    },
  },
  // d copysign(a, b) = (copysign(a, b) / a, 0), with 0 where a == 0
  copysign: {
    kernel: "copysign", dtype: "float", node: "CopysignBackward0", saves: { inputs: [0], outputs: [0] },
    backward: ([g], s) => [copysignGrad(g, s.input(0), s.output(0)), s.needsGrad(1) ? g.mul(0) : null],
  },
  // ---- [binary-ext] end of ops
  eq: comparison("eq", "EqBackward0"),
  ne: comparison("ne", "NeBackward0"),
  lt: comparison("lt", "LtBackward0"),
  le: comparison("le", "LeBackward0"),
  gt: comparison("gt", "GtBackward0"),
  ge: comparison("ge", "GeBackward0"),
  logicalAnd: comparison("logicalAnd", "LogicalAndBackward0"),
  logicalOr: comparison("logicalOr", "LogicalOrBackward0"),
  logicalXor: comparison("logicalXor", "LogicalXorBackward0"),
} satisfies Record<string, BinaryEntry>, elementwiseJvp);

export type BinaryName = keyof typeof BINARY;

const operand = (x: TensorLike) => (isTensor(x) ? { dtype: x.dtype, dim: x.dim() } : x);

/** The dtype the kernel computes in and the dtype it writes. */
export function binaryDTypes(rule: BinaryDType, a: TensorLike, b: TensorLike): { compute: DType; out: DType } {
  const compute = resultType([operand(a), operand(b)]);
  if (rule === "bool") return { compute, out: "bool" };
  if (rule === "float" && !isFloating(compute)) return { compute: "float32", out: "float32" };
  return { compute, out: compute };
}

/** Wraps a JS scalar as a 0-d tensor of the compute dtype (PyTorch's wrapped number). */
export function asOperand(x: TensorLike, dtype: DType): Tensor {
  return isTensor(x) ? x : scalarTensor(x, dtype);
}

/** copysign's gradient of its magnitude operand: sign ratio, 0 where the input is 0. */
function copysignGrad(g: Tensor, a: Tensor, out: Tensor): Tensor {
  return g.mul(out.div(a).where(a.ne(0), 0));
}

/** Runs binary op `name` with broadcasting and promotion, recording it for autograd. */
export function binary(name: BinaryName, a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return runBinary(BINARY[name], a, b, alpha);
}

/** Computes `kernel(a, b)` into a fresh tensor of `dtype`, broadcasting; no autograd (a building block). */
export function binaryKernel(kernel: BinaryCode, a: Tensor, b: Tensor, dtype: DType): Tensor {
  // ---- [vmap] begin ----
  if (a._batched !== undefined || b._batched !== undefined) return VM.elementwise([a, b], (pa, pb) => binaryKernel(kernel, pa, pb, dtype));
  // ---- [vmap] end ----
  const shape = broadcastShapes(a.shape, b.shape);
  const res = outputTensor(shape, dtype);
  backend().binary(kernel, broadcastView(a, shape), broadcastView(b, shape), kview(res));
  return res;
}

/** PyTorch's refusal of a dtype its kernel lacks. */
export function notImplemented(kernel: string, dtype: DType): RuntimeError {
  return new RuntimeError(`"${kernel}" not implemented for '${SCALAR_TYPE_NAME[dtype]}'`);
}

/** Whether the gradient rule of `e` reads its second operand (so a JS-number one must become a tensor). */
const savesOther = (e: BinaryEntry): boolean => e.saves?.inputs?.includes(1) ?? false;

/** Per-dtype one-element scratch holding a JS-number operand, rounded to the compute dtype as a 0-d tensor would be. */
const SCALAR_SCRATCH: Record<DType, StorageArray> = {
  float32: allocStorage("float32", 1), float64: allocStorage("float64", 1), int32: allocStorage("int32", 1),
  int64: allocStorage("int64", 1), bool: allocStorage("bool", 1),
};

/** Stride-0 strides per rank, shared (views are read-only to kernels). */
const ZERO_STRIDES: (readonly number[])[] = [];
const zeroStrides = (n: number): readonly number[] => (ZERO_STRIDES[n] ??= new Array<number>(n).fill(0));

/** A JS number broadcast to `shape` as a kernel view: from its 0-d tensor `held` when one exists, else a scratch cell. */
function numberView(v: number, dtype: DType, shape: readonly number[], held: Tensor | null): View {
  let data: StorageArray;
  if (held === null) {
    data = SCALAR_SCRATCH[dtype];
    data[0] = v;
    noteWrite(data);
  } else {
    data = held._storage.data;
  }
  return { data, shape, strides: zeroStrides(shape.length), offset: 0 };
}

function runBinary(e: BinaryEntry, a: TensorLike, b: TensorLike, alpha: number): Tensor {
  // ---- [vmap] begin ----
  if ((a as Tensor)._batched !== undefined || (b as Tensor)._batched !== undefined) return VM.elementwise([a, b], (pa, pb) => runBinary(e, pa, pb, alpha));
  // ---- [vmap] end ----
  if (alpha === 1 && isTensor(a)) {
    // Fast paths for per-op overhead (bench W4: about a third of a tiny op's time went to resultType's
    // operand objects, broadcastShapes, broadcastView and a fresh 0-d tensor per JS number). Same
    // dtypes, shapes and kernel calls as the general path below.
    if (typeof b === "number" && isFloating(a.dtype)) return floatTensorAndNumber(e, a, b);
    if (isTensor(b) && a.dtype === b.dtype && isFloating(a.dtype)) return sameDTypeTensors(e, a, b);
  }
  return generalBinary(e, a, b, alpha);
}

/**
 * A floating tensor op a JS number: promotion gives a's dtype (a number never outranks a floating
 * tensor), and no integer checks apply. The number becomes a 0-d tensor only when the gradient rule
 * saves it; otherwise the kernel reads it from a scratch cell and the graph gets no edge for it (as
 * for a wrapped number, which never requires grad).
 */
function floatTensorAndNumber(e: BinaryEntry, a: Tensor, b: number): Tensor {
  const compute = a.dtype;
  if (e.unsupported?.dtypes.includes(compute)) throw notImplemented(e.unsupported.name, compute);
  const deferred = deferBinary(e.kernel, a, b);
  if (deferred !== null) return record(e, [a, null], [deferred], ALPHA_ONE)[0];
  const tb = savesOther(e) ? scalarTensor(b, compute) : null;
  const res = outputTensor(a.shape, e.dtype === "bool" ? "bool" : compute);
  backend().binary(e.kernel, kview(a), numberView(b, compute, a.shape, tb), kview(res));
  return record(e, [a, tb], [res], ALPHA_ONE)[0];
}

/** Two floating tensors of one dtype: that dtype is the result type; broadcast only when the shapes differ. */
function sameDTypeTensors(e: BinaryEntry, a: Tensor, b: Tensor): Tensor {
  const compute = a.dtype;
  if (e.unsupported?.dtypes.includes(compute)) throw notImplemented(e.unsupported.name, compute);
  const outDType = e.dtype === "bool" ? "bool" : compute;
  if (shapeEquals(a.shape, b.shape)) {
    const deferred = deferBinary(e.kernel, a, b);
    if (deferred !== null) return record(e, [a, b], [deferred], ALPHA_ONE)[0];
    const res = outputTensor(a.shape, outDType);
    backend().binary(e.kernel, kview(a), kview(b), kview(res));
    return record(e, [a, b], [res], ALPHA_ONE)[0];
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const res = outputTensor(shape, outDType);
  backend().binary(e.kernel, broadcastView(a, shape), broadcastView(b, shape), kview(res));
  return record(e, [a, b], [res], ALPHA_ONE)[0];
}

const ALPHA_ONE: BinaryParams = Object.freeze({ alpha: 1 });

/**
 * `self (op)= other` written straight into self's storage (no autograd, no temporary): only for a
 * floating self with no promotion, no broadcast of self, no overlap of self with itself (stride 0) and
 * an `other` that is a JS number or a tensor of self's dtype in other storage. False: nothing written,
 * the caller computes out of place.
 */
export function binaryInto(name: BinaryName, self: Tensor, other: TensorLike, alpha: number): boolean {
  const e: BinaryEntry = BINARY[name];
  if (alpha !== 1 || e.dtype === "bool" || !isFloating(self.dtype) || e.unsupported?.dtypes.includes(self.dtype)) return false;
  for (let d = 0; d < self.shape.length; d++) if (self._strides[d] === 0 && self.shape[d] > 1) return false;
  const out = kview(self);
  if (typeof other === "number") {
    backend().binary(e.kernel, out, numberView(other, self.dtype, self.shape, null), out);
    return true;
  }
  if (!isTensor(other) || other.dtype !== self.dtype || other._storage === self._storage) return false;
  if (!shapeEquals(broadcastShapes(self.shape, other.shape), self.shape)) return false;
  backend().binary(e.kernel, out, broadcastView(other, self.shape), out);
  return true;
}

function generalBinary(e: BinaryEntry, a: TensorLike, b: TensorLike, alpha: number): Tensor {
  const { compute, out: outDType } = binaryDTypes(e.dtype, a, b);
  if (e.unsupported?.dtypes.includes(compute)) throw notImplemented(e.unsupported.name, compute);
  const ta = asOperand(a, compute), tb = asOperand(b, compute);
  if (e.intDivision && isIntegral(compute) && tb.eq(0).any().item()) throw new RuntimeError("ZeroDivisionError");
  const shape = broadcastShapes(ta.shape, tb.shape);
  let vb = broadcastView(tb, shape);
  if (alpha !== 1) {
    const scaled = outputTensor(shape, compute);
    backend().binary("mul", vb, broadcastView(scalarTensor(alpha, compute), shape), kview(scaled));
    vb = kview(scaled);
  }
  if (e.kernel === "pow" && !isFloating(compute)) checkIntegerPow(tb);
  const res = outputTensor(shape, outDType);
  backend().binary(e.kernel, broadcastView(ta, shape), vb, kview(res));
  return record(e, [ta, tb], [res], { alpha })[0];
}

function checkIntegerPow(exponent: Tensor): void {
  if (exponent.lt(0).any().item()) throw new RuntimeError("Integers to negative integer powers are not allowed.");
}

/** logical_and / logical_or / logical_xor: tensors only, as in PyTorch. */
export function logical(name: "logicalAnd" | "logicalOr" | "logicalXor", a: Tensor, b: Tensor): Tensor {
  checkTensorArg(snake(name), "input", 1, a);
  checkTensorArg(snake(name), "other", 2, b);
  return binary(name, a, b);
}

/** pow with a JS-number exponent (PowBackward0) or a JS-number base (PowBackward2), as PyTorch names them. */
const POW_SCALAR = withJvp({
  // d x^e = e x^(e-1); 0 when e == 0
  exponent: {
    kernel: "pow", dtype: "promote", node: "PowBackward0", saves: { inputs: [0, 1] },
    backward: ([g], s) => {
      const e = s.input(1).item();
      return [e === 0 ? g.mul(0) : g.mul(s.input(0).pow(e - 1).mul(e)), null];
    },
  },
  // d c^x = c^x log c; 0 where c == 0 and x >= 0
  base: {
    kernel: "pow", dtype: "promote", node: "PowBackward2", saves: { inputs: [0, 1], outputs: [0] },
    backward: ([g], s) => {
      const c = s.input(0).item();
      const grad = g.mul(s.output(0).mul(Math.log(c)));
      return [null, c === 0 ? grad.mul(s.input(1).lt(0)) : grad];
    },
  },
} satisfies Record<string, BinaryEntry>, elementwiseJvp);

/**
 * a ** b with PyTorch's three node names: PowBackward0 (number exponent), PowBackward1 (two tensors),
 * PowBackward2 (number base).
 * @example torch.pow(x, 2); torch.pow(2, x); x.pow(y)
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (isTensor(a) && !isTensor(b)) return runBinary(POW_SCALAR.exponent, a, b, 1);
  if (!isTensor(a) && isTensor(b)) return runBinary(POW_SCALAR.base, a, b, 1);
  return binary("pow", a, b);
}

/** remainder / fmod / copysign with a JS-number `other`: PyTorch's Scalar overloads and their node names. */
const SCALAR_OTHER = {
  // d (a mod c) / da = 1
  remainder: { ...BINARY.remainder, node: "RemainderBackward0", saves: {}, backward: ([g]) => [g, null] },
  fmod: { ...BINARY.fmod, node: "FmodBackward0", saves: {}, backward: ([g]) => [g, null] },
  // d copysign(a, c) / da = copysign(a, c) / a, 0 where a == 0
  copysign: { ...BINARY.copysign, node: "CopysignBackward1", backward: ([g], s) => [copysignGrad(g, s.input(0), s.output(0)), null] },
} satisfies Record<string, BinaryEntry>;

/** The binary ops whose Tensor-and-number form PyTorch records under another node name. */
export type ScalarOtherName = keyof typeof SCALAR_OTHER;

/** Runs `name` with PyTorch's node name for a JS-number second operand. */
export function withScalarOther(name: ScalarOtherName, a: TensorLike, b: TensorLike): Tensor {
  return isTensor(a) && !isTensor(b) ? runBinary(SCALAR_OTHER[name], a, b, 1) : binary(name, a, b);
}

const TENSOR_OR_NUMBER_OTHER = ["(Tensor input, Tensor other, *, Tensor out)", "(Tensor input, Number other, *, Tensor out)"];

/** PyTorch's argument-parser TypeError for positional arguments that match no overload. */
export function invalidCombination(fn: string, got: readonly unknown[], overloads: readonly string[]): TypeError {
  const types = got.map((x) => (isTensor(x) ? "Tensor" : pyTypeName(x))).join(", ");
  return new TypeError(`${fn}() received an invalid combination of arguments - got (${types}), but expected one of:\n${overloads.map((o) => ` * ${o}\n`).join("")}`);
}

/** div's rounding modes: keyword-only in PyTorch, so options-only here. */
export interface DivOptions {
  /** "trunc" (towards zero, as C), "floor" (as Python's //), or null (true division, recorded as DivBackward2) */
  readonly roundingMode?: "trunc" | "floor" | null;
}

/**
 * a / b: true division (integers promote to float), or rounded with `roundingMode`
 * (integers stay integral; an integral zero divisor raises `RuntimeError: ZeroDivisionError`).
 * @example torch.div(torch.tensor([-7, 7], { dtype: "int64" }), 2, { roundingMode: "floor" }) // tensor([-4,  3])
 */
export function div(a: TensorLike, b: TensorLike, opts?: DivOptions): Tensor {
  if (opts === undefined || opts.roundingMode === undefined) return binary("div", a, b);
  const mode: unknown = opts.roundingMode;
  if (mode === null) return binary("divTrue", a, b);
  if (mode === "trunc") return binary("divTrunc", a, b);
  if (mode === "floor") return binary("divFloor", a, b);
  throw new RuntimeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${String(mode)}'`);
}

/**
 * Python's `a // b` (floor division). Not differentiable (PyTorch 1.13 has no derivative for it).
 * @example torch.floorDivide(torch.tensor([-7.0, 7.0]), 2) // tensor([-4.,  3.])
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return noGrad(() => binary("divFloor", a, b));
}

/**
 * Python's `a % b`: the result has the sign of the divisor.
 * @example torch.remainder(torch.tensor([-3.0, 3.0]), 2) // tensor([1., 1.])
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return withScalarOther("remainder", a, b);
}

/**
 * C's fmod: the result has the sign of the dividend.
 * @example torch.fmod(torch.tensor([-3.0, 3.0]), 2) // tensor([-1.,  1.])
 */
export function fmod(a: Tensor, b: TensorLike): Tensor {
  if (!isTensor(a)) throw invalidCombination("fmod", [a, b], TENSOR_OR_NUMBER_OTHER);
  return withScalarOther("fmod", a, b);
}

/**
 * |a| with the sign of b (integers promote to float).
 * @example torch.copysign(torch.tensor([1.0, 2.0]), -1) // tensor([-1., -2.])
 */
export function copysign(a: Tensor, b: TensorLike): Tensor {
  if (!isTensor(a)) throw invalidCombination("copysign", [a, b], TENSOR_OR_NUMBER_OTHER);
  return withScalarOther("copysign", a, b);
}

/**
 * A tensor-only binary op (fmax, fmin, atan2, hypot): PyTorch refuses numbers with a TypeError.
 * @example torch.fmax(torch.tensor([NaN, 1]), torch.tensor([2, NaN])) // tensor([2., 1.])
 */
export function tensorBinary(name: "fmax" | "fmin" | "atan2" | "hypot", a: Tensor, b: Tensor): Tensor {
  checkTensorArg(name, "input", 1, a);
  checkTensorArg(name, "other", 2, b);
  return binary(name, a, b);
}

const g = (shape: number[], gen: ValueGen = "any", dtype?: "float64" | "int32" | "int64" | "bool") => T(shape, { gen, grad: !dtype || dtype === "float64", ...(dtype ? { dtype } : {}) });

const binarySamples = (gen: ValueGen, genB: ValueGen = gen): OpSample[] => [
  { args: [g([2, 3], gen), g([2, 3], genB)] },
  { args: [g([2, 3], gen), g([3], genB)] },
  { args: [g([2, 1], gen), g([1, 3], genB)] },
  { args: [g([3], gen), 2] },
  { args: [g([3], gen), 0.5] },
  { args: [2, g([3], genB)] },
  { args: [g([2, 2], gen), g([2, 2], genB, "float64")] },
  { args: [g([3], "int", "int32"), g([3], genB)] },
  { args: [g([3], "int", "int32"), g([3], "int", "int64")] },
  { args: [T([3, 2], { gen, grad: true, layout: "T" }), g([3, 2], genB)] },
  { args: [g([], gen, "float64"), g([2], genB)] },
];
const mismatch: OpSample = { args: [T([3]), T([4])] };

const binaryInfo = (name: BinaryName, samples: OpSample[], extra: OpSample[] = []): OpInfo => ({
  name, samples: [...samples, ...extra], errors: [mismatch], noGrad: BINARY[name].dtype === "bool",
});

// ---- [binary-ext] samples: explicit values keep a / b away from integers (remainder's gradient jumps there)
type Vals = readonly (number | string)[];
// numerators are odd multiples of 1/16 and every divisor an even one, so no ratio is an integer
const A6: Vals = [2.5625, -3.5625, 1.3125, -0.4375, 4.1875, -2.0625];
const B6: Vals = [0.75, 1.5, -0.375, -1.25, 2.25, 0.625];
const B3: Vals = [0.75, -1.5, 2.25];
const v = (shape: number[], values: Vals, opts: Omit<TensorSpec, "t" | "values"> = {}) => T(shape, { values, ...opts });
const vg = (shape: number[], values: Vals, opts: Omit<TensorSpec, "t" | "values"> = {}) => v(shape, values, { grad: true, ...opts });
const I6: Vals = [7, -7, 5, -5, 0, 3];
const J6: Vals = [2, 2, -3, -3, 4, -1];

/** Division-like ops: broadcasting, numbers, float64, non-contiguous, signs, ints, and float zero divisors (inf/nan). */
const divisionSamples = (numberFirst: "grad" | "plain" | "none" = "grad"): OpSample[] => [
  { args: [vg([2, 3], A6), vg([2, 3], B6)] },
  { args: [vg([2, 3], A6), vg([3], B3)] },
  { args: [vg([2, 1], [2.5625, -3.5625]), vg([1, 3], B3)] },
  { args: [vg([2, 3], A6), 2] },
  { args: [vg([2, 3], A6), -0.75] },
  ...(numberFirst === "none" ? [] : [{ args: [3, (numberFirst === "grad" ? vg : v)([3], B3)] }]),
  { args: [vg([2, 3], A6, { dtype: "float64" }), vg([2, 3], B6, { dtype: "float64" })] },
  { args: [vg([3, 2], A6, { layout: "T" }), vg([3, 2], B6)] },
  { args: [vg([], [-2.5625], { dtype: "float64" }), vg([3], B3)] },
  { args: [v([6], I6, { dtype: "int64" }), v([6], J6, { dtype: "int64" })] },
  { args: [v([6], I6, { dtype: "int32" }), -3] },
  { args: [v([6], I6, { dtype: "int32" }), v([6], J6, { dtype: "int64" })] },
  { args: [v([6], I6, { dtype: "int64" }), 2.5] },
  { args: [v([6], [5, -5, 0, 1.5, "inf", "nan"]), v([6], [0, 0, 0, "-0", 2, 1])] },
  { args: [v([4], [3, -3, 2.5, "-inf"]), v([4], ["inf", "inf", "-inf", 2])] },
];
const intZero: OpSample = { args: [v([3], [4, -4, 1], { dtype: "int64" }), v([3], [2, 0, 1], { dtype: "int64" })] };
const boolPair: OpSample = { args: [T([2], { dtype: "bool", gen: "bool" }), T([2], { dtype: "bool", gen: "bool" })] };
const numberOther: OpSample = { args: [T([3]), 2] };
const modes = (mode: string | null): OpSample[] => [
  { args: [vg([2, 3], A6), vg([2, 3], B6)], kwargs: { roundingMode: mode } },
  { args: [vg([2, 3], A6), 2], kwargs: { roundingMode: mode } },
  { args: [vg([3, 2], A6, { layout: "T", dtype: "float64" }), vg([2], [1.5, -0.625], { dtype: "float64" })], kwargs: { roundingMode: mode } },
  { args: [v([6], I6, { dtype: "int64" }), v([6], J6, { dtype: "int64" })], kwargs: { roundingMode: mode } },
  { args: [v([6], I6, { dtype: "int32" }), 4], kwargs: { roundingMode: mode } },
  { args: [v([6], [5, -5, 0, 1.5, "inf", "nan"]), v([6], [0, 0, 0, "-0", 2, 1])], kwargs: { roundingMode: mode } },
];
/** fmax / fmin: NaN on either side (gradient-checked), and ties, signed zeros and NaN pairs (not). */
const extremaSamples: OpSample[] = [
  { args: [g([2, 3], "ties"), g([2, 3], "ties")] },
  { args: [g([2, 3], "ties"), g([3], "ties")] },
  { args: [vg([4], ["nan", 1, 2.5, -1]), vg([4], [1, "nan", -2, 0.5])] },
  { args: [vg([2, 2], ["nan", 1, 2.5, -1], { dtype: "float64", layout: "T" }), vg([2], [-3, 0.5], { dtype: "float64" })] },
  { args: [v([4], ["nan", "-0", 0, 2]), v([4], ["nan", 0, "-0", 2])] },
  { args: [v([4], [3, -1, 0, 2], { dtype: "int64" }), v([4], [1, -2, 0, 5], { dtype: "int32" })] },
  { args: [v([3], [0, 1, 1], { dtype: "bool" }), v([3], [1, 0, 1], { dtype: "bool" })] },
];

const noGradArg = (a: SampleArg): SampleArg => (isTensorSpec(a) ? { ...a, grad: false } : a);

const BINARY_EXT_INFO: OpInfo[] = [
  { name: "trueDivide", samples: divisionSamples(), errors: [mismatch] },
  { name: "floorDivide", noGrad: true, samples: divisionSamples().map((s) => ({ args: s.args.map(noGradArg) })), errors: [mismatch, intZero, boolPair] },
  // remainder(number, tensor) has no derivative in PyTorch 1.13
  { name: "remainder", samples: divisionSamples("plain"), errors: [mismatch, intZero, boolPair, { args: [v([2], [1, 2], { dtype: "int32" }), 0] }] },
  { name: "fmod", samples: divisionSamples("none"), errors: [mismatch, intZero, boolPair, { args: [3, T([2])] }] },
  { name: "fmax", samples: extremaSamples, errors: [mismatch, numberOther] },
  { name: "fmin", samples: extremaSamples, errors: [mismatch, numberOther] },
  { name: "atan2", samples: [...binarySamples("any").filter((s) => s.args.every(isTensorSpec)), { args: [v([4], [0, "-0", 1, "nan"]), v([4], [-1, -1, 0, 2])] }], errors: [mismatch, numberOther] },
  {
    name: "hypot",
    samples: [...binarySamples("any").filter((s) => s.args.every((a) => isTensorSpec(a) && a.dtype !== "int32")), { args: [v([3], ["inf", 3, "nan"]), v([3], ["nan", 4, 1])] }],
    errors: [mismatch, numberOther, { args: [T([2], { dtype: "int64" }), T([2], { dtype: "int64" })] }],
  },
  {
    name: "copysign",
    samples: [...binarySamples("any").filter((s) => isTensorSpec(s.args[0])), { args: [v([5], [1, -2, 3, "nan", 0]), v([5], ["-0", 0, "nan", -1, -1])] }, { args: [v([3], [1, -2, 3], { dtype: "int64" }), -2] }],
    errors: [mismatch, { args: [2, T([3])] }],
  },
];

function isTensorSpec(a: SampleArg): a is TensorSpec {
  return typeof a === "object" && a !== null && "t" in a;
}

/** Samples of the binary ops. *//** Samples of the binary ops. */
export const BINARY_INFO: OpInfo[] = [
  binaryInfo("add", binarySamples("any"), [{ args: [g([3]), g([3])], kwargs: { alpha: 2 } }]),
  binaryInfo("sub", binarySamples("any"), [{ args: [g([3]), g([3])], kwargs: { alpha: -1.5 } }]),
  binaryInfo("mul", binarySamples("any")),
  {
    ...binaryInfo("div", [...binarySamples("any"), ...modes("trunc"), ...modes("floor"), ...modes(null)]),
    errors: [mismatch, { args: [T([3]), T([3])], kwargs: { roundingMode: "round" } }, { ...intZero, kwargs: { roundingMode: "floor" } }, { ...intZero, kwargs: { roundingMode: "trunc" } }],
  },
  binaryInfo("maximum", [{ args: [g([2, 3], "ties"), g([2, 3], "ties")] }, { args: [g([2, 3], "ties"), g([3], "ties")] }, { args: [g([2, 3]), g([3])] }]),
  binaryInfo("minimum", [{ args: [g([2, 3], "ties"), g([2, 3], "ties")] }, { args: [g([2, 1], "ties"), g([3], "ties")] }, { args: [g([2, 1]), g([3], "any", "float64")] }]),
  ...(["eq", "ne", "lt", "le", "gt", "ge"] as const).map((n) =>
    binaryInfo(n, [...binarySamples("ties").filter((s) => typeof s.args[0] !== "number"), { args: [g([4], "bool", "bool"), g([4], "bool", "bool")] }])),
  ...(["logicalAnd", "logicalOr", "logicalXor"] as const).map((name): OpInfo => ({
    name, noGrad: true,
    samples: [...binarySamples("ties").filter((s) => s.args.every((a) => typeof a !== "number")), { args: [g([4], "bool", "bool"), g([4], "bool", "bool")] }],
    errors: [mismatch, { args: [g([3]), 2] }, { args: [1.5, g([3])] }],
  })),
  {
    name: "pow",
    samples: [
      { args: [g([2, 3], "pos"), g([2, 3], "any")] },
      { args: [g([2, 3], "pos"), g([3], "any")] },
      { args: [g([2, 3], "any"), 2] },
      { args: [g([4], "pos", "float64"), 0.5] },
      { args: [g([4], "any"), 3] },
      { args: [g([4], "any"), 0] },
      { args: [2, g([3], "any")] },
      { args: [g([3], "int", "int64"), 2] },
    ],
    errors: [mismatch, { args: [g([3], "int", "int64"), -1] }],
  },
  ...BINARY_EXT_INFO,
];
