// Activation functions (torch.nn.functional): elementwise kernels with parameters, PyTorch's node names, gradients in Tensor ops.
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg } from "./core.ts";
import { T, type OpInfo, type OpSample, type ValueGen } from "./opinfo.ts";
import { elementwiseJvp, withJvp } from "./jvp-rules.ts";
import {
  boolRefused, entryInfo, EXTREMES, inplaceOf, notImplemented, readArgs, relu as reluOp, select, sigmoid, tanh, erf, exp, abs,
  UNARY, unaryOp, type UnaryEntry, type UnaryParams,
} from "./unary.ts";

const SAVE_IN = { inputs: [0] };
const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_C = 0.044715;
/** SELU's constants (Klambauer et al.), as PyTorch spells them. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** Every activation with a kernel: the derivative is in the comment beside each gradient. JVP: the gradient formula on the tangent. */
export const ACTIVATION = withJvp({
  // [min, max]: d = 1 strictly inside (min, max), else 0
  hardtanh: { kernel: "hardtanh", dtype: "same", domain: "odd16", refuse: boolRefused("Bool inputs not supported for hardtanh"), node: "HardtanhBackward0", saves: SAVE_IN,
    backward: ([g], s, [lo, hi]) => { const x = s.input(0); return [g.mul(x.gt(lo).logicalAnd(x.lt(hi)))]; } },
  // [slope]: d = 1 for x > 0, else slope
  leakyRelu: { kernel: "leakyRelu", dtype: "same", refuse: notImplemented("leaky_relu_cpu", "nonFloat"), node: "LeakyReluBackward0", saves: SAVE_IN,
    backward: ([g], s, [slope]) => [g.mul(select(s.input(0).gt(0), 1, slope))] },
  // [alpha, scale, inputScale]: d = scale for x > 0, else scale alpha inputScale e^(x inputScale)
  elu: { kernel: "elu", dtype: "same", refuse: notImplemented("elu_cpu", "nonFloat"), node: "EluBackward0", saves: SAVE_IN, backward: ([g], s, p) => [g.mul(eluSlope(s.input(0), p))] },
  // d gelu x = Phi(x) + x phi(x); tanh form: 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2), t = tanh(k (x + c x^3))
  gelu: { kernel: "gelu", dtype: "same", refuse: notImplemented("GeluKernelImpl", "nonFloat"), extremes: true, node: "GeluBackward0", saves: SAVE_IN,
    backward: ([g], s, [approx]) => {
      const x = s.input(0);
      if (!approx) return [g.mul(erf(x.mul(SQRT_HALF)).add(1).mul(0.5).add(x.mul(x.square().mul(-0.5).exp()).mul(INV_SQRT_2PI)))];
      const t = tanh(x.add(x.pow(3).mul(GELU_C)).mul(SQRT_2_OVER_PI));
      const dInner = x.square().mul(3 * GELU_C).add(1).mul(SQRT_2_OVER_PI);
      return [g.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1)).mul(dInner)))];
    } },
  // d x sigmoid(x) = s (1 + x (1 - s))
  silu: { kernel: "silu", dtype: "same", refuse: notImplemented("silu_cpu", "nonFloat"), node: "SiluBackward0", saves: SAVE_IN,
    backward: ([g], s) => { const x = s.input(0), sg = sigmoid(x); return [g.mul(sg.mul(x.mul(sg.neg().add(1)).add(1)))]; } },
  // d x tanh(softplus x) = t + x sigmoid(x) (1 - t^2), t = tanh(softplus x)
  mish: { kernel: "mish", dtype: "same", refuse: notImplemented("mish_cpu", "nonFloat"), node: "MishBackward0", saves: SAVE_IN,
    backward: ([g], s) => { const x = s.input(0), t = tanh(softplusOf(x, 1, 20)); return [g.mul(t.add(x.mul(sigmoid(x)).mul(t.square().neg().add(1))))]; } },
  // [beta, threshold]: d = sigmoid(beta x), or 1 in the linear regime beta x > threshold
  softplus: { kernel: "softplus", dtype: "same", refuse: notImplemented("softplus_cpu", "nonFloat"), extremes: true, node: "SoftplusBackward0", saves: SAVE_IN,
    backward: ([g], s, [beta, threshold]) => { const x = s.input(0); return [g.mul(select(x.mul(beta).gt(threshold), 1, sigmoid(x.mul(beta))))]; } },
  // d relu6(x + 3) / 6 = 1/6 inside (-3, 3), else 0
  hardsigmoid: { kernel: "hardsigmoid", dtype: "same", domain: "odd16", refuse: notImplemented("hardsigmoid_cpu", "nonFloat"), node: "HardsigmoidBackward0", saves: SAVE_IN,
    backward: ([g], s) => { const x = s.input(0); return [g.mul(x.gt(-3).logicalAnd(x.lt(3))).div(6)]; } },
  // d x relu6(x + 3) / 6 = 0 below -3, x/3 + 1/2 on [-3, 3], 1 above
  hardswish: { kernel: "hardswish", dtype: "same", domain: "odd16", refuse: notImplemented("hardswish_cpu", "nonFloat"), node: "HardswishBackward0", saves: SAVE_IN,
    backward: ([g], s) => { const x = s.input(0); return [g.mul(x.div(3).add(0.5).mul(x.ge(-3).logicalAnd(x.le(3))).add(x.gt(3)))]; } },
  // d log sigmoid(x) = sigmoid(-x)
  logSigmoid: { kernel: "logSigmoid", dtype: "same", refuse: notImplemented("log_sigmoid_cpu", "nonFloat"), extremes: true, node: "LogSigmoidBackward0", saves: SAVE_IN,
    backward: ([g], s) => [g.mul(sigmoid(s.input(0).neg()))] },
} satisfies Record<string, UnaryEntry>, elementwiseJvp);

/** ELU's slope: scale where x > 0, else scale alpha inputScale e^(x inputScale) (exp of 0 on the positive side: no overflow). */
function eluSlope(x: Tensor, [alpha = 1, scale = 1, inputScale = 1]: UnaryParams): Tensor {
  const pos = x.gt(0);
  const negSide = exp(x.mul(pos.logicalNot()).mul(inputScale)).mul(scale * alpha * inputScale);
  return select(pos, scale, negSide);
}

function softplusOf(x: Tensor, beta: number, threshold: number): Tensor {
  return unaryOp(ACTIVATION.softplus, "softplus", x, [beta, threshold]);
}

/** Runs an activation entry, in place when asked (PyTorch's `inplace=True`, node `inplaceNode` where it differs). */
function activate(e: UnaryEntry, fn: string, x: Tensor, params: UnaryParams, inplace: boolean, inplaceNode?: string): Tensor {
  checkTensorArg(fn, "input", 1, x);
  if (!inplace) return unaryOp(e, fn, x, params);
  return inplaceOf(x, (old) => unaryOp(e, fn, old, params, inplaceNode));
}

export interface InplaceOptions { inplace?: boolean }
export interface LeakyReluOptions extends InplaceOptions { negativeSlope?: number }
export interface EluOptions extends InplaceOptions { alpha?: number }
export interface HardtanhOptions extends InplaceOptions { minVal?: number; maxVal?: number }
export interface GeluOptions { approximate?: "none" | "tanh" }
export interface SoftplusOptions { beta?: number; threshold?: number }

const INPLACE_ONLY = { inplace: "bool" } as const;
const NOT_INPLACE = { inplace: false };

/**
 * max(x, 0).
 * @example F.relu(torch.tensor([-1, 2]))  // tensor([0., 2.])
 */
export function relu(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("relu", INPLACE_ONLY, 1, args, NOT_INPLACE);
  checkTensorArg("relu", "input", 1, x);
  return inplace ? inplaceOf(x, reluOp) : reluOp(x);
}

/**
 * min(max(x, 0), 6), recorded as HardtanhBackward0 as in PyTorch.
 * @example F.relu6(torch.tensor([-1, 3, 7]))  // tensor([0., 3., 6.])
 */
export function relu6(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("relu6", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.hardtanh, "relu6", x, [0, 6], inplace);
}

/**
 * x where x > 0, else negativeSlope · x.
 * @example F.leakyRelu(torch.tensor([-1, 2]), 0.2)  // tensor([-0.2000,  2.0000])
 */
export function leakyRelu(x: Tensor, ...args: (number | boolean | LeakyReluOptions)[]): Tensor {
  const o = readArgs("leaky_relu", { negativeSlope: "Number", inplace: "bool" }, 2, args, { negativeSlope: 0.01, inplace: false });
  return activate(ACTIVATION.leakyRelu, "leaky_relu", x, [o.negativeSlope], o.inplace, "LeakyReluBackward1");
}

/**
 * x where x > 0, else alpha (e^x - 1).
 * @example F.elu(torch.tensor([-1, 2]))  // tensor([-0.6321,  2.0000])
 */
export function elu(x: Tensor, ...args: (number | boolean | EluOptions)[]): Tensor {
  const o = readArgs("elu", { alpha: "Number", inplace: "bool" }, 2, args, { alpha: 1, inplace: false });
  return activate(ACTIVATION.elu, "elu", x, [o.alpha, 1, 1], o.inplace, "EluBackward1");
}

/**
 * scale · elu(x, alpha) with SELU's fixed constants.
 * @example F.selu(torch.tensor([-1, 2]))  // tensor([-1.1113,  2.1014])
 */
export function selu(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("selu", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.elu, "selu", x, [SELU_ALPHA, SELU_SCALE, 1], inplace, "EluBackward1");
}

/**
 * x where x > 0, else alpha (e^(x/alpha) - 1).
 * @example F.celu(torch.tensor([-1, 2]), 2)  // tensor([-0.7869,  2.0000])
 */
export function celu(x: Tensor, ...args: (number | boolean | EluOptions)[]): Tensor {
  const o = readArgs("celu", { alpha: "Number", inplace: "bool" }, 2, args, { alpha: 1, inplace: false });
  checkTensorArg("celu", "input", 1, x);
  if (o.alpha === 0) throw new RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU");
  return activate({ ...ACTIVATION.elu, node: "CeluBackward0" }, "celu", x, [o.alpha, 1, 1 / o.alpha], o.inplace, "CeluBackward1");
}

/**
 * x Φ(x) (Φ: the standard normal CDF), or its tanh approximation with `{ approximate: "tanh" }` (keyword-only).
 * @example F.gelu(torch.tensor([-1, 1]))  // tensor([-0.1587,  0.8413])
 */
export function gelu(x: Tensor, opts?: GeluOptions): Tensor {
  const { approximate } = readArgs("gelu", { approximate: "str" }, 0, opts === undefined ? [] : [opts], { approximate: "none" as string });
  checkTensorArg("gelu", "input", 1, x);
  if (approximate !== "none" && approximate !== "tanh") throw new RuntimeError("approximate argument must be either none or tanh.");
  return unaryOp(ACTIVATION.gelu, "gelu", x, [approximate === "tanh" ? 1 : 0]);
}

/**
 * x · sigmoid(x) (swish).
 * @example F.silu(torch.tensor([-1, 2]))  // tensor([-0.2689,  1.7616])
 */
export function silu(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("silu", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.silu, "silu", x, [], inplace);
}

/**
 * x · tanh(softplus(x)).
 * @example F.mish(torch.tensor([-1, 2]))  // tensor([-0.3034,  1.9440])
 */
export function mish(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("mish", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.mish, "mish", x, [], inplace);
}

/**
 * log(1 + e^(beta x)) / beta, and x itself where beta x > threshold.
 * @example F.softplus(torch.tensor([-1, 30]))  // tensor([ 0.3133, 30.0000])
 */
export function softplus(x: Tensor, ...args: (number | SoftplusOptions)[]): Tensor {
  const o = readArgs("softplus", { beta: "Number", threshold: "Number" }, 2, args, { beta: 1, threshold: 20 });
  checkTensorArg("softplus", "input", 1, x);
  return softplusOf(x, o.beta, o.threshold);
}

/**
 * x / (1 + |x|), composed as in PyTorch (DivBackward0).
 * @example F.softsign(torch.tensor([-1, 3]))  // tensor([-0.5000,  0.7500])
 */
export function softsign(x: Tensor): Tensor {
  checkTensorArg("softsign", "input", 1, x);
  return x.div(abs(x).add(1));
}

/**
 * x clamped to [minVal, maxVal].
 * @example F.hardtanh(torch.tensor([-2, 0.5, 2]))  // tensor([-1.0000,  0.5000,  1.0000])
 */
export function hardtanh(x: Tensor, ...args: (number | boolean | HardtanhOptions)[]): Tensor {
  const o = readArgs("hardtanh", { minVal: "Number", maxVal: "Number", inplace: "bool" }, 3, args, { minVal: -1, maxVal: 1, inplace: false });
  return activate(ACTIVATION.hardtanh, "hardtanh", x, [o.minVal, o.maxVal], o.inplace);
}

/**
 * relu6(x + 3) / 6.
 * @example F.hardsigmoid(torch.tensor([-4, 0, 1.5]))  // tensor([0.0000, 0.5000, 0.7500])
 */
export function hardsigmoid(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("hardsigmoid", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.hardsigmoid, "hardsigmoid", x, [], inplace);
}

/**
 * x · relu6(x + 3) / 6.
 * @example F.hardswish(torch.tensor([-4, 1, 4]))  // tensor([-0.0000, 0.6667, 4.0000])
 */
export function hardswish(x: Tensor, ...args: (boolean | InplaceOptions)[]): Tensor {
  const { inplace } = readArgs("hardswish", INPLACE_ONLY, 1, args, NOT_INPLACE);
  return activate(ACTIVATION.hardswish, "hardswish", x, [], inplace);
}

/**
 * log(sigmoid(x)) = -softplus(-x), without overflow.
 * @example F.logsigmoid(torch.tensor([-100, 0]))  // tensor([-100.0000,   -0.6931])
 */
export function logsigmoid(x: Tensor): Tensor {
  return unaryOp(ACTIVATION.logSigmoid, "log_sigmoid", x);
}

// ---- samples ----------------------------------------------------------------------------------

const F = "nn.functional.";
const plain = (gen: ValueGen = "any") => T([2, 3], { gen });
/** In-place forms: on a plain tensor, and refused on a leaf that requires grad. */
const inplaceSamples = (params: OpSample["kwargs"] = {}, gen: ValueGen = "any"): { samples: OpSample[]; errors: OpSample[] } => ({
  samples: [{ args: [plain(gen)], kwargs: { ...params, inplace: true } }],
  errors: [{ args: [T([3], { grad: true })], kwargs: { ...params, inplace: true } }],
});
const merge = (...parts: { samples?: OpSample[]; errors?: OpSample[] }[]) => ({
  samples: parts.flatMap((p) => p.samples ?? []), errors: parts.flatMap((p) => p.errors ?? []),
});

/** Samples of every activation (functional forms, torch.* forms, in-place forms). */
export const ACTIVATION_INFO: OpInfo[] = [
  entryInfo(`${F}relu`, UNARY.relu, { samples: [{ args: [EXTREMES] }] }),
  entryInfo(`${F}relu6`, ACTIVATION.hardtanh, merge(inplaceSamples({}, "odd16"), { samples: [{ args: [T([4], { values: [-1, 3, 6.5, 7] })] }] })),
  entryInfo(`${F}leakyRelu`, ACTIVATION.leakyRelu, merge(
    { samples: [{ args: [T([2, 3], { grad: true }), 0.2] }, { args: [T([4], { dtype: "float64", grad: true })], kwargs: { negativeSlope: -0.5 } }] },
    inplaceSamples({ negativeSlope: 0.1 }),
  )),
  entryInfo(`${F}elu`, ACTIVATION.elu, merge(
    { samples: [{ args: [T([2, 3], { grad: true }), 0.5] }, { args: [T([4], { dtype: "float64", grad: true })], kwargs: { alpha: 2 } }, { args: [EXTREMES] }] },
    inplaceSamples({ alpha: 1.5 }),
  )),
  entryInfo(`${F}selu`, ACTIVATION.elu, merge(inplaceSamples())),
  entryInfo("selu", ACTIVATION.elu),
  entryInfo(`${F}celu`, ACTIVATION.elu, merge(
    { samples: [{ args: [T([2, 3], { grad: true }), 0.5] }, { args: [T([4], { dtype: "float64", grad: true })], kwargs: { alpha: 2 } }] },
    inplaceSamples({ alpha: 1.5 }),
    { errors: [{ args: [T([3])], kwargs: { alpha: 0 } }] },
  )),
  entryInfo("celu", ACTIVATION.elu, { samples: [{ args: [T([2, 3], { grad: true }), 0.5] }] }),
  entryInfo(`${F}gelu`, ACTIVATION.gelu, {
    samples: [
      { args: [T([2, 3], { grad: true })], kwargs: { approximate: "tanh" } },
      { args: [T([4], { dtype: "float64", grad: true })], kwargs: { approximate: "tanh" } },
      { args: [T([6], { values: [-10, -6, 0, 6, 10, -0.5] })], kwargs: { approximate: "tanh" } },
    ],
    errors: [{ args: [T([3])], kwargs: { approximate: "fast" } }],
  }),
  entryInfo(`${F}silu`, ACTIVATION.silu, merge(inplaceSamples(), { samples: [{ args: [EXTREMES] }] })),
  entryInfo(`${F}mish`, ACTIVATION.mish, merge(inplaceSamples(), { samples: [{ args: [EXTREMES] }] })),
  entryInfo(`${F}softplus`, ACTIVATION.softplus, {
    samples: [
      { args: [T([2, 3], { grad: true }), 2] },
      { args: [T([4], { dtype: "float64", grad: true })], kwargs: { beta: 0.5, threshold: 1 } },
      { args: [T([4], { values: [1, 2, 3, 30] }), 1, 2] },
    ],
  }),
  // PyTorch's softsign is Python (input / (input.abs() + 1)): a number input raises AttributeError, which JS has no class for
  entryInfo(`${F}softsign`, { dtype: "float", refuse: notImplemented("abs_cpu", "bool") }, { noScalarError: true }),
  entryInfo(`${F}hardtanh`, ACTIVATION.hardtanh, merge(
    { samples: [{ args: [T([2, 3], { gen: "odd16", grad: true }), -0.5, 2] }, { args: [T([4], { dtype: "float64", gen: "odd16", grad: true })], kwargs: { minVal: 0, maxVal: 0.5 } }, { args: [EXTREMES] }] },
    inplaceSamples({}, "odd16"),
  )),
  entryInfo(`${F}hardsigmoid`, ACTIVATION.hardsigmoid, merge(inplaceSamples(), { samples: [{ args: [T([4], { values: [-4, -3, 3, 5] })] }] })),
  entryInfo(`${F}hardswish`, ACTIVATION.hardswish, merge(inplaceSamples(), { samples: [{ args: [T([4], { values: [-4, -3, 3, 5] })] }] })),
  entryInfo(`${F}logsigmoid`, ACTIVATION.logSigmoid),
];
