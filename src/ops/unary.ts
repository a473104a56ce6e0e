// Elementwise unary ops: one table entry each (kernel, PyTorch node name, saves, gradient), one dispatcher.
import { backend } from "../backend/index.ts";
import type { UnaryCode } from "../backend/types.ts";
import { isFloating, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, kview } from "./core.ts";
import { snake, T, type OpInfo, type OpSample, type ValueGen } from "./opinfo.ts";

/** How an op picks its output dtype from its input's. */
type DTypeRule = "same" | "float" | "bool" | "noBool";

interface UnaryEntry extends GradSpec<void> {
  readonly kernel: UnaryCode;
  /** "float": integer inputs promote to the default float (PyTorch's promotes_int_to_float) */
  readonly dtype: DTypeRule;
  /** sample values: "pos" for ops defined on x > 0 */
  readonly domain?: ValueGen;
}

const NO_SAVES = {};

/** Every unary op: the derivative is in the comment beside each gradient. */
export const UNARY = {
  // d(-x) = -1
  neg: { kernel: "neg", dtype: "noBool", node: "NegBackward0", saves: NO_SAVES, backward: ([g]) => [g.neg()] },
  // d|x| = sign(x)
  abs: { kernel: "abs", dtype: "same", node: "AbsBackward0", saves: { inputs: [0] }, backward: ([g], s) => [g.mul(s.input(0).sign())] },
  // d sign(x) = 0
  sign: { kernel: "sign", dtype: "same", node: "SignBackward0", saves: NO_SAVES, backward: ([g]) => [g.mul(0)] },
  // d e^x = e^x
  exp: { kernel: "exp", dtype: "float", node: "ExpBackward0", saves: { outputs: [0] }, backward: ([g], s) => [g.mul(s.output(0))] },
  // d log x = 1/x
  log: { kernel: "log", dtype: "float", domain: "pos", node: "LogBackward0", saves: { inputs: [0] }, backward: ([g], s) => [g.div(s.input(0))] },
  // d sqrt x = 1 / (2 sqrt x)
  sqrt: { kernel: "sqrt", dtype: "float", domain: "pos", node: "SqrtBackward0", saves: { outputs: [0] }, backward: ([g], s) => [g.div(s.output(0).mul(2))] },
  // d tanh x = 1 - tanh^2 x
  tanh: { kernel: "tanh", dtype: "float", node: "TanhBackward0", saves: { outputs: [0] }, backward: ([g], s) => [g.mul(s.output(0).square().neg().add(1))] },
  // d sigmoid x = s (1 - s)
  sigmoid: { kernel: "sigmoid", dtype: "float", node: "SigmoidBackward0", saves: { outputs: [0] }, backward: ([g], s) => { const y = s.output(0); return [g.mul(y.mul(y.neg().add(1)))]; } },
  // d relu x = [x > 0]
  relu: { kernel: "relu", dtype: "same", node: "ReluBackward0", saves: { outputs: [0] }, backward: ([g], s) => [g.mul(s.output(0).gt(0))] },
  // not differentiable (bool output)
  logicalNot: { kernel: "logicalNot", dtype: "bool", node: "LogicalNotBackward0", saves: NO_SAVES, backward: () => [null] },
} satisfies Record<string, UnaryEntry>;

export type UnaryName = keyof typeof UNARY;

function outDType(rule: DTypeRule, d: DType): DType {
  switch (rule) {
    case "same": return d;
    case "float": return isFloating(d) ? d : "float32";
    case "bool": return "bool";
    case "noBool":
      if (d === "bool") throw new RuntimeError(`Negation, the \`-\` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the \`~\` or \`logical_not()\` operator instead.`);
      return d;
  }
  return rule satisfies never;
}

/** Runs unary op `name` on `x`, recording it for autograd. */
export function unary(name: UnaryName, x: Tensor): Tensor {
  const e: UnaryEntry = UNARY[name];
  checkTensorArg(snake(name), "input", 1, x);
  const out = emptyTensor(x.shape, outDType(e.dtype, x.dtype));
  backend().unary(e.kernel, kview(x), kview(out));
  return record(e, [x], [out], undefined)[0];
}

export const neg = (x: Tensor): Tensor => unary("neg", x);
export const abs = (x: Tensor): Tensor => unary("abs", x);
export const sign = (x: Tensor): Tensor => unary("sign", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const logicalNot = (x: Tensor): Tensor => unary("logicalNot", x);
/** x * x, recorded as PowBackward0 as in PyTorch. */
export const square = (x: Tensor): Tensor => x.pow(2);

const unarySamples = (gen: ValueGen, dtypeRule: DTypeRule): OpSample[] => [
  { args: [T([2, 3], { gen, grad: true })] },
  { args: [T([4], { dtype: "float64", gen, grad: true })] },
  { args: [T([3, 2], { gen, grad: true, layout: "T" })] },
  { args: [T([], { dtype: "float64", gen, grad: true })] },
  { args: [T([5], { dtype: dtypeRule === "bool" ? "bool" : "int32", gen: dtypeRule === "bool" ? "bool" : "int" })] },
];

/** Samples of every unary op, generated from its entry. */
export const UNARY_INFO: OpInfo[] = (Object.keys(UNARY) as UnaryName[]).map((name) => {
  const e: UnaryEntry = UNARY[name];
  const errors: OpSample[] = [{ args: [2] }];
  if (e.dtype === "noBool") errors.push({ args: [T([2], { dtype: "bool", gen: "bool" })] });
  return { name, samples: unarySamples(e.domain ?? "any", e.dtype), errors, noGrad: e.dtype === "bool" };
});
