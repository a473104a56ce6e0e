// Elementwise binary ops with broadcasting and type promotion: one table entry each, one dispatcher.
import { backend } from "../backend/index.ts";
import type { BinaryCode } from "../backend/types.ts";
import { isFloating, resultType, type DType } from "../dtype.ts";
import { broadcastShapes } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { broadcastView, checkTensorArg, emptyTensor, isTensor, kview, scalarTensor, type TensorLike } from "./core.ts";
import { snake, T, type OpInfo, type OpSample, type ValueGen } from "./opinfo.ts";

/** "promote": result_type; "float": result_type, then integers to the default float; "bool": comparisons. */
type BinaryDType = "promote" | "float" | "bool";

interface BinaryParams {
  readonly alpha: number;
}

interface BinaryEntry extends GradSpec<BinaryParams> {
  readonly kernel: BinaryCode;
  readonly dtype: BinaryDType;
}

const none = () => [null, null];
const comparison = (kernel: BinaryCode, node: string): BinaryEntry => ({ kernel, dtype: "bool", node, backward: none });

/** Gradient share of `a` in maximum/minimum: 1 where it wins, 1/2 on ties (PyTorch's rule). */
function winnerShare(a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return wins(a, b).to(a.dtype).add(a.eq(b).to(a.dtype).mul(0.5));
}

export const BINARY = {
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
  eq: comparison("eq", "EqBackward0"),
  ne: comparison("ne", "NeBackward0"),
  lt: comparison("lt", "LtBackward0"),
  le: comparison("le", "LeBackward0"),
  gt: comparison("gt", "GtBackward0"),
  ge: comparison("ge", "GeBackward0"),
  logicalAnd: comparison("logicalAnd", "LogicalAndBackward0"),
  logicalOr: comparison("logicalOr", "LogicalOrBackward0"),
  logicalXor: comparison("logicalXor", "LogicalXorBackward0"),
} satisfies Record<string, BinaryEntry>;

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

/** Runs binary op `name` with broadcasting and promotion, recording it for autograd. */
export function binary(name: BinaryName, a: TensorLike, b: TensorLike, alpha = 1): Tensor {
  return runBinary(BINARY[name], a, b, alpha);
}

function runBinary(e: BinaryEntry, a: TensorLike, b: TensorLike, alpha: number): Tensor {
  const { compute, out: outDType } = binaryDTypes(e.dtype, a, b);
  const ta = asOperand(a, compute), tb = asOperand(b, compute);
  const shape = broadcastShapes(ta.shape, tb.shape);
  let vb = broadcastView(tb, shape);
  if (alpha !== 1) {
    const scaled = emptyTensor(shape, compute);
    backend().binary("mul", vb, broadcastView(scalarTensor(alpha, compute), shape), kview(scaled));
    vb = kview(scaled);
  }
  if (e.kernel === "pow" && !isFloating(compute)) checkIntegerPow(tb);
  const res = emptyTensor(shape, outDType);
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
const POW_SCALAR = {
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
} satisfies Record<string, BinaryEntry>;

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

/** Samples of the binary ops. */
export const BINARY_INFO: OpInfo[] = [
  binaryInfo("add", binarySamples("any"), [{ args: [g([3]), g([3])], kwargs: { alpha: 2 } }]),
  binaryInfo("sub", binarySamples("any"), [{ args: [g([3]), g([3])], kwargs: { alpha: -1.5 } }]),
  binaryInfo("mul", binarySamples("any")),
  binaryInfo("div", binarySamples("any")),
  binaryInfo("maximum", [{ args: [g([2, 3], "ties"), g([2, 3], "ties")] }, { args: [g([2, 3], "ties"), g([3], "ties")] }]),
  binaryInfo("minimum", [{ args: [g([2, 3], "ties"), g([2, 3], "ties")] }, { args: [g([2, 1], "ties"), g([3], "ties")] }]),
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
];
