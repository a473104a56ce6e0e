// Loss functions of torch.nn.functional: fused nodes where PyTorch has them (MseLossBackward0, NllLossBackward0 ...), composites elsewhere.
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { IndexError, RuntimeError, ValueError } from "../errors.ts";
import { shapeText } from "../shape.ts";
import type { GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, contiguousData } from "./core.ts";
import { zerosLike } from "./creation.ts";
import { where } from "./ternary.ts";
import { logit, log1p, relu, sigmoid } from "./unary.ts";
import { scatter } from "./gather.ts";
import { softmaxKernel } from "./softmax.ts";
import { pairwiseDistance } from "./normalization.ts";
import { applyReduction, divScalar, fused, readNamed, reductionOf, torchSize, type Reduction } from "./nn-fused.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { addTangents, onlyInput, type JvpRule } from "./jvp-rules.ts";

/** The options every loss takes. */
export interface LossOptions { reduction?: Reduction }

// ---- pointwise losses with a fused node ---------------------------------------------------------

interface PointwiseParams {
  readonly reduction: Reduction;
  readonly numel: number;
  /** d loss / d input at (x, t) */
  readonly dx: (x: Tensor, t: Tensor) => Tensor;
}

/** The gradient of a reduced pointwise loss: g (over numel for mean) times the derivative; the target's is its negative. */
const POINTWISE = (node: string): GradSpec<PointwiseParams> => ({
  node, saves: { inputs: [0, 1] },
  backward: ([g], s, p) => {
    const d = p.dx(s.input(0), s.input(1)).mul(p.reduction === "mean" ? g.div(p.numel) : g);
    return [s.needsGrad(0) ? d : null, s.needsGrad(1) ? d.neg() : null];
  },
  // tangent: the reduced derivative times t_input - t_target
  jvp: ([ti, tt], s, p) => [applyReduction(p.dx(s.input(0), s.input(1)).mul(ti === null ? tt!.neg() : tt === null ? ti : ti.sub(tt)), p.reduction)],
});
const SPECS = {
  mse: POINTWISE("MseLossBackward0"), smoothL1: POINTWISE("SmoothL1LossBackward0"), huber: POINTWISE("HuberLossBackward0"),
};

/** Runs a loss of d = input - target (broadcast, as PyTorch's Python wrappers do) under one fused node. */
function pointwiseLoss(spec: GradSpec<PointwiseParams>, kernel: string, input: Tensor, target: Tensor, reduction: Reduction,
  f: (d: Tensor) => Tensor, dd: (d: Tensor) => Tensor): Tensor {
  if (!isFloating(input.dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${SCALAR_TYPE_NAME[input.dtype]}'`);
  // ---- [vmap] begin ----
  if (VM.maxLevel([input, target]) > 0) return applyReduction(f(input.sub(target)), reduction);
  // ---- [vmap] end ----
  const numel = input.sub(target).numel();
  return fused(spec, [input, target], () => applyReduction(f(input.sub(target)), reduction),
    { reduction, numel, dx: (x, t) => dd(x.sub(t)) });
}

function lossArgs<O extends object>(fn: string, input: unknown, target: unknown, args: readonly unknown[], names: readonly (keyof O & string)[], defaults: O): O {
  checkTensorArg(fn, "input", 1, input);
  checkTensorArg(fn, "target", 2, target);
  return readNamed(args, names, defaults);
}

/**
 * Mean squared error (x - y)^2, reduced.
 * @example F.mseLoss(torch.tensor([1, 2]), torch.tensor([0, 0])) // tensor(2.5000)
 */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const o = lossArgs("mse_loss", input, target, [opts], ["reduction"], { reduction: "mean" as Reduction });
  const r = reductionOf(o.reduction);
  // d (x - t)^2 = 2 (x - t)
  return pointwiseLoss(SPECS.mse, "mse_cpu", input, target, r, (d) => d.square(), (d) => d.mul(2));
}

/**
 * Mean absolute error |x - y|, reduced (composed, as in PyTorch).
 * @example F.l1Loss(torch.tensor([1, -2]), torch.tensor([0, 0])) // tensor(1.5000)
 */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const o = lossArgs("l1_loss", input, target, [opts], ["reduction"], { reduction: "mean" as Reduction });
  return applyReduction(input.sub(target).abs(), reductionOf(o.reduction));
}

export interface SmoothL1Options extends LossOptions { beta?: number }
/**
 * 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta 0: the L1 loss).
 * @example F.smoothL1Loss(torch.tensor([0.5, 3]), torch.tensor([0, 0])) // tensor(1.3125)
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const o = lossArgs("smooth_l1_loss", input, target, [opts], ["reduction", "beta"], { reduction: "mean" as Reduction, beta: 1 });
  const r = reductionOf(o.reduction);
  if (o.beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
  const beta = o.beta;
  const inside = (d: Tensor) => d.abs().lt(beta);
  // d = d / beta inside, sign(d) outside
  return pointwiseLoss(SPECS.smoothL1, "smooth_l1_cpu", input, target, r,
    (d) => where(inside(d), d.square().mul(0.5 / beta), d.abs().sub(0.5 * beta)),
    (d) => where(inside(d), d.div(beta), d.sign()));
}

export interface HuberOptions extends LossOptions { delta?: number }
/**
 * 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
 * @example F.huberLoss(torch.tensor([0.5, 3]), torch.tensor([0, 0])) // tensor(1.3125)
 */
export function huberLoss(input: Tensor, target: Tensor, ...args: (Reduction | number | HuberOptions)[]): Tensor {
  const o = lossArgs("huber_loss", input, target, args, ["reduction", "delta"], { reduction: "mean" as Reduction, delta: 1 });
  const r = reductionOf(o.reduction);
  if (o.delta <= 0) throw new RuntimeError("huber_loss does not support non-positive values for delta.");
  const delta = o.delta;
  const inside = (d: Tensor) => d.abs().lt(delta);
  // d = d inside, delta sign(d) outside
  return pointwiseLoss(SPECS.huber, "huber_cpu", input, target, r,
    (d) => where(inside(d), d.square().mul(0.5), d.abs().sub(0.5 * delta).mul(delta)),
    (d) => where(inside(d), d, d.sign().mul(delta)));
}

// ---- negative log likelihood and cross entropy ---------------------------------------------------

export interface NllOptions extends LossOptions { weight?: Tensor | null; ignoreIndex?: number }

interface NllParams {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly target: Tensor;
}

/** Per-element class weights (0 where ignored) and the clamped class indices, for [N, C, ...] input. */
function nllWeights(x: Tensor, p: NllParams): { w: Tensor; idx: Tensor } {
  const valid = p.target.ne(p.ignoreIndex);
  const idx = where(valid, p.target, 0);
  const w = (p.weight === null ? valid.to(x.dtype) : p.weight.to(x.dtype).indexSelect(0, idx.flatten()).reshape(idx.shape).mul(valid));
  return { w, idx };
}

/** A [C] input (0-d target) seen as a batch of one. */
const batched = (x: Tensor): Tensor => (x.dim() === 1 ? x.unsqueeze(0) : x);

/** d nll / dx: -w g at the target class (g over the total weight for mean), zero elsewhere. */
function nllBackward(g: Tensor, x0: Tensor, p: NllParams): Tensor {
  const x = batched(x0);
  const { w, idx } = nllWeights(x, p);
  const scale = p.reduction === "mean" ? g.div(w.sum()) : g;
  const onehot = scatter(zerosLike(x), 1, idx.unsqueeze(1), 1);
  return onehot.mul(w.mul(scale.reshape(p.reduction === "none" ? [...w.shape] : [])).neg().unsqueeze(1)).reshape([...x0.shape]);
}

/** The loss itself: -w x[target], reduced. Linear in x, so also its JVP (the loss of the tangent). */
function nllValue(x: Tensor, p: NllParams): Tensor {
  const { w, idx } = nllWeights(batched(x), p);
  const losses = batched(x).gather(1, idx.unsqueeze(1)).squeeze(1).mul(w).neg();
  if (p.reduction === "none") return x.dim() === 1 ? losses.reshape([]).clone() : losses;
  return p.reduction === "sum" ? losses.sum() : losses.sum().div(w.sum());
}

const nllSpec = (node: string): GradSpec<NllParams> => ({
  node, saves: { inputs: [0] }, backward: ([g], s, p) => [nllBackward(g, s.input(0), p)], jvp: ([t], _s, p) => [t && nllValue(t, p)],
});
const NLL = nllSpec("NllLossBackward0"), NLL2D = nllSpec("NllLoss2DBackward0");

/** Loss over [N, C, ...] input and [N, ...] int64 target, checked: a fused NllLoss(2D)Backward0 node. */
function nllCore(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  const c = batched(x).shape[1];
  if (weight !== null && (weight.numel() !== c || weight.dim() !== 1)) {
    throw new RuntimeError(`weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${shapeText(weight.shape)}`);
  }
  if (target.dtype !== "int64") throw new RuntimeError(`expected scalar type Long but found ${SCALAR_TYPE_NAME[target.dtype]}`);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, target, weight]) > 0) return VM.nllRule(x, target, weight, ignoreIndex, reduction);
  // ---- [vmap] end ----
  for (const v of contiguousData(target)) if (v !== ignoreIndex && (v < 0 || v >= c)) throw new IndexError(`Target ${v} is out of bounds.`);
  const p: NllParams = { reduction, weight, ignoreIndex, target: x.dim() === 1 ? target.reshape([1]) : target };
  return fused(x.dim() === 4 ? NLL2D : NLL, [x], () => nllValue(x, p), p);
}

/** PyTorch's nll_loss_nd: shape checks, then [C] / [N, C] / [N, C, H, W] directly, other ranks through a [N, C, 1, -1] view. */
function nllNd(x: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  if (x.dim() < 1) throw new ValueError(`Expected 1 or more dimensions (got ${x.dim()})`);
  if (x.dim() !== 1 && target.dim() > 0 && x.shape[0] !== target.shape[0]) {
    throw new ValueError(`Expected input batch_size (${x.shape[0]}) to match target batch_size (${target.shape[0]}).`);
  }
  if (x.dim() <= 2) {
    if (target.dim() > 1) throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
    return nllCore(x, target, weight, ignoreIndex, reduction);
  }
  if (x.dim() === 4) {
    if (target.dim() !== 3) throw new RuntimeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.dim()}`);
    if (x.shape[0] !== target.shape[0] || x.shape[2] !== target.shape[1] || x.shape[3] !== target.shape[2]) {
      throw new RuntimeError(`size mismatch (got input: ${shapeText(x.shape)} , target: ${shapeText(target.shape)}`);
    }
    return nllCore(x, target, weight, ignoreIndex, reduction);
  }
  const outSize = [x.shape[0], ...x.shape.slice(2)];
  if (target.dim() !== outSize.length || target.shape.some((s, i) => s !== outSize[i])) {
    throw new RuntimeError(`Expected target size ${shapeText(outSize)}, got ${shapeText(target.shape)}`);
  }
  const [n, c] = x.shape;
  const out = nllCore(x.contiguous().view(n, c, 1, -1), target.contiguous().view(n, 1, -1), weight, ignoreIndex, reduction);
  return reduction === "none" ? out.view(outSize) : out;
}

const NLL_NAMES = ["weight", "ignoreIndex", "reduction"] as const;
const NLL_DEFAULTS = { weight: null as Tensor | null, ignoreIndex: -100, reduction: "mean" as Reduction };

/**
 * Negative log likelihood of log-probabilities `input` [N, C, ...] at int64 class indices `target` [N, ...].
 * @example F.nllLoss(torch.tensor([[-1, -2], [-3, -0.5]]), torch.tensor([0, 1], { dtype: "int64" })) // tensor(0.7500)
 */
export function nllLoss(input: Tensor, target: Tensor, ...args: (Tensor | null | NllOptions)[]): Tensor {
  const o = lossArgs<typeof NLL_DEFAULTS>("nll_loss", input, target, args, [...NLL_NAMES], NLL_DEFAULTS);
  return nllNd(input, target, o.weight, o.ignoreIndex, reductionOf(o.reduction));
}

export interface CrossEntropyOptions extends NllOptions { labelSmoothing?: number }

/**
 * Cross entropy of logits `input` [N, C, ...] (or [C]) against class indices (int64 [N, ...]) or class
 * probabilities (same shape as input), via a stable log-softmax.
 * @example F.crossEntropy(torch.tensor([[2, 0], [0, 2]]), torch.tensor([0, 1], { dtype: "int64" })) // tensor(0.1269)
 */
export function crossEntropy(input: Tensor, target: Tensor, ...args: (Tensor | null | CrossEntropyOptions)[]): Tensor {
  const o = lossArgs("cross_entropy", input, target, args, [...NLL_NAMES, "labelSmoothing"], { ...NLL_DEFAULTS, labelSmoothing: 0 });
  const r = reductionOf(o.reduction);
  const ls = o.labelSmoothing, weight = o.weight;
  const classDim = input.dim() === 1 ? 0 : 1;
  const checkLs = () => {
    if (!(ls >= 0 && ls <= 1)) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${pyFloat(ls)}`);
  };
  const sameShape = input.dim() === target.dim() && input.shape.every((s, i) => s === target.shape[i]);
  const nClasses = input.shape[classDim] ?? 1;
  const wView = weight === null ? null : weight.view(input.shape.map((_, i) => (i === classDim ? weight.numel() : 1)));
  if (sameShape) {
    if (!isFloating(target.dtype)) throw new RuntimeError(`Expected floating point type for target with class probabilities, got ${SCALAR_TYPE_NAME[target.dtype]}`);
    if (o.ignoreIndex >= 0) throw new RuntimeError("ignore_index is not supported for floating point target");
    checkLs();
    if (weight !== null && (weight.dim() !== 1 || weight.numel() !== nClasses)) {
      throw new RuntimeError(`cross_entropy: weight tensor should be defined either for all ${nClasses} classes or no classes but got weight tensor of shape: ${shapeText(weight.shape)}`);
    }
    const logp = softmaxKernel("logSoftmax", input, classDim, null);
    const t = ls > 0 ? target.mul(1 - ls).add(ls / nClasses) : target;
    const prod = wView === null ? logp.mul(t) : logp.mul(t).mul(wView);
    if (r === "none") return prod.sum(classDim).neg();
    if (r === "sum") return prod.sum().neg();
    return divScalar(prod.sum().neg(), input.numel() / nClasses);
  }
  const logp = softmaxKernel("logSoftmax", input, classDim, null);
  if (ls === 0) return nllNd(logp, target, weight, o.ignoreIndex, r);
  checkLs();
  const nll = nllNd(logp, target, weight, o.ignoreIndex, r);
  const ignore = target.eq(o.ignoreIndex);
  const smooth = (wView === null ? logp : logp.mul(wView)).sum(classDim).neg().maskedFill(ignore, 0);
  let ret: Tensor;
  if (r === "none") ret = smooth;
  else if (r === "sum") ret = smooth.sum();
  else if (weight !== null) ret = smooth.sum().div(weight.gather(0, target.maskedSelect(ignore.logicalNot()).flatten()).sum());
  else ret = smooth.mean();
  return nll.mul(1 - ls).add(ret.mul(ls / nClasses));
}

/** Python's repr of a float (1.5, 2.0). */
const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

// ---- binary cross entropy -------------------------------------------------------------------------

export interface BceOptions extends LossOptions { weight?: Tensor | null }

interface BceParams { readonly reduction: Reduction; readonly weight: Tensor | null; readonly numel: number }

/** Scales a pointwise derivative by the weight and the upstream gradient (over numel for mean). */
function scaleGrad(d: Tensor, g: Tensor, p: BceParams): Tensor {
  const w = p.weight === null ? d : d.mul(p.weight);
  return w.mul(p.reduction === "mean" ? g.div(p.numel) : g);
}

/**
 * Elementwise losses (input and target of one shape) then reduced: Σ_i ∂ℓ/∂x_i ⊙ t_i, the partials being the
 * gradient formula at a cotangent of ones (weight and 1/numel included), summed unless reduction is "none".
 */
const reducedPointwiseJvp: JvpRule<BceParams> = function (tangents, s, p) {
  const cotangent = zerosLike(s.output(0)).add(1);
  let sum: Tensor | null = null;
  for (let i = 0; i < tangents.length; i++) {
    const t = tangents[i];
    const partial = t === null ? null : this.backward([cotangent], onlyInput(s, i), p)[i] ?? null;
    sum = addTangents(sum, partial && t && partial.mul(t));
  }
  return [sum !== null && p.reduction !== "none" ? sum.sum() : sum];
};

const BCE_EPS = 1e-12;
const BCE: GradSpec<BceParams> = {
  node: "BinaryCrossEntropyBackward0", saves: { inputs: [0, 1] }, jvp: reducedPointwiseJvp,
  backward: ([g], s, p) => {
    const x = s.input(0), t = s.input(1);
    // d/dx = (x - t) / max(x (1 - x), eps); d/dt = log(1 - x) - log(x) = -logit(x)
    return [
      s.needsGrad(0) ? scaleGrad(x.sub(t).div(x.mul(x.neg().add(1)).clampMin(BCE_EPS)), g, p) : null,
      s.needsGrad(1) ? scaleGrad(logit(x).neg(), g, p) : null,
    ];
  },
};

/**
 * -w (t log x + (1 - t) log(1 - x)) for probabilities x, each log clamped at -100 as in PyTorch.
 * @example F.binaryCrossEntropy(torch.tensor([0.5, 0.9]), torch.tensor([1, 1])) // tensor(0.3993)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, ...args: (Tensor | null | BceOptions)[]): Tensor {
  const o = lossArgs("binary_cross_entropy", input, target, args, ["weight", "reduction"], { weight: null as Tensor | null, reduction: "mean" as Reduction });
  const r = reductionOf(o.reduction);
  if (input.dim() !== target.dim() || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new ValueError(`Using a target size (${torchSize(target.shape)}) that is different to the input size (${torchSize(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
  const weight = o.weight === null ? null : o.weight.expand(target.shape);
  if (input.lt(0).logicalOr(input.gt(1)).any().item()) throw new RuntimeError("all elements of input should be between 0 and 1");
  return fused(BCE, [input, target], () => {
    const l = target.mul(input.log().clampMin(-100)).add(target.neg().add(1).mul(input.neg().add(1).log().clampMin(-100))).neg();
    return applyReduction(weight === null ? l : l.mul(weight), r);
  }, { reduction: r, weight, numel: input.numel() });
}

export interface BceLogitsOptions extends BceOptions { posWeight?: Tensor | null }

interface BceLogitsParams extends BceParams { readonly posWeight: Tensor | null }

/** softplus(-x) = max(-x, 0) + log1p(e^-|x|), without overflow. */
const softplusNeg = (x: Tensor): Tensor => relu(x.neg()).add(log1p(x.abs().neg().exp()));

const BCE_LOGITS: GradSpec<BceLogitsParams> = {
  node: "BinaryCrossEntropyWithLogitsBackward0", saves: { inputs: [0, 1] }, jvp: reducedPointwiseJvp,
  backward: ([g], s, p) => {
    const x = s.input(0), t = s.input(1), pw = p.posWeight;
    // loss = (1 - t) x + (1 + (pw - 1) t) softplus(-x)
    // d/dx = (1 + (pw - 1) t) sigmoid(x) - pw t; d/dt = -x + (pw - 1) softplus(-x)
    const dx = pw === null ? sigmoid(x).sub(t) : pw.mul(t).sub(t).add(1).mul(sigmoid(x)).sub(pw.mul(t));
    const dt = pw === null ? x.neg() : pw.sub(1).mul(softplusNeg(x)).sub(x);
    return [s.needsGrad(0) ? scaleGrad(dx, g, p) : null, s.needsGrad(1) ? scaleGrad(dt, g, p) : null];
  },
};

/**
 * Binary cross entropy of logits, stable for large |x|: (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), times weight.
 * @example F.binaryCrossEntropyWithLogits(torch.tensor([0, 100]), torch.tensor([1, 1])) // tensor(0.3466)
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, ...args: (Tensor | null | BceLogitsOptions)[]): Tensor {
  const o = lossArgs("binary_cross_entropy_with_logits", input, target, args, ["weight", "reduction", "posWeight"],
    { weight: null as Tensor | null, reduction: "mean" as Reduction, posWeight: null as Tensor | null });
  const r = reductionOf(o.reduction);
  if (input.dim() !== target.dim() || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new ValueError(`Target size (${torchSize(target.shape)}) must be the same as input size (${torchSize(input.shape)})`);
  }
  const { weight, posWeight: pw } = o;
  return fused(BCE_LOGITS, [input, target], () => {
    const lw = pw === null ? null : pw.sub(1).mul(target).add(1);
    const sp = softplusNeg(input);
    const l = target.neg().add(1).mul(input).add(lw === null ? sp : lw.mul(sp));
    return applyReduction(weight === null ? l : l.mul(weight), r);
  }, { reduction: r, weight, posWeight: pw, numel: input.sub(target).numel() });
}

// ---- composite losses ------------------------------------------------------------------------------

export interface KlDivOptions { reduction?: Reduction | "batchmean"; logTarget?: boolean }

/**
 * Kullback-Leibler divergence for log-probabilities `input`: t (log t - x), or e^t (t - x) with `logTarget`.
 * "batchmean" divides the sum by the batch size.
 * @example F.klDiv(torch.tensor([-1, -1]), torch.tensor([0.5, 0.5]), { reduction: "sum" }) // tensor(1.3069)
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const o = lossArgs("kl_div", input, target, [opts], ["reduction", "logTarget"], { reduction: "mean" as Reduction | "batchmean", logTarget: false });
  const batchmean = o.reduction === "batchmean";
  const r = batchmean ? "sum" : reductionOf(o.reduction);
  let out: Tensor;
  if (o.logTarget) out = target.exp().mul(target.sub(input));
  else {
    // xlogy(t, t): 0 where t == 0 (log of 1 there keeps the gradient finite)
    const zero = target.eq(0);
    out = target.mul(where(zero, 1, target).log()).sub(target.mul(input));
  }
  const red = applyReduction(out, r);
  return batchmean && input.dim() !== 0 ? red.div(input.shape[0]) : red;
}

export interface MarginOptions extends LossOptions { margin?: number }

/** The argument checks and options shared by the two-input margin losses. */
function marginArgs(fn: string, input1: unknown, input2: unknown, target: unknown, opts: MarginOptions): { margin: number; reduction: Reduction } {
  checkTensorArg(fn, "input1", 1, input1);
  checkTensorArg(fn, "input2", 2, input2);
  checkTensorArg(fn, "target", 3, target);
  return readNamed([opts], ["margin", "reduction"], { margin: 0, reduction: "mean" as Reduction });
}

/**
 * 1 - cos(x1, x2) where target is 1, max(0, cos - margin) where it is -1 (rows of 2-D inputs, or 1-D vectors).
 * @example F.cosineEmbeddingLoss(torch.tensor([[1, 0]]), torch.tensor([[0, 1]]), torch.tensor([1])) // tensor(1.)
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const o = marginArgs("cosine_embedding_loss", input1, input2, target, opts);
  const r = reductionOf(o.reduction);
  const td = target.dim();
  if (td > 1) throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
  const want = td === 1 ? 2 : 1;
  if (input1.dim() !== want || input2.dim() !== want) {
    throw new RuntimeError(`${td}D target tensor expects ${want}D input tensors, but found inputs with sizes ${shapeText(input1.shape)} and ${shapeText(input2.shape)}.`);
  }
  const EPS = 1e-12;
  const prod = input1.mul(input2).sum(td);
  const m1 = input1.mul(input1).sum(td).add(EPS), m2 = input2.mul(input2).sum(td).add(EPS);
  const cos = prod.div(m1.mul(m2).sqrt());
  const zeros = zerosLike(cos);
  const pos = where(target.eq(1), cos.neg().add(1), zeros);
  const neg = where(target.eq(-1), cos.sub(o.margin).clampMin(0), zeros);
  return applyReduction(pos.add(neg), r);
}

/**
 * max(0, -target (x1 - x2) + margin), reduced.
 * @example F.marginRankingLoss(torch.tensor([1, 2]), torch.tensor([2, 1]), torch.tensor([1, 1])) // tensor(0.5000)
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const o = marginArgs("margin_ranking_loss", input1, input2, target, opts);
  const r = reductionOf(o.reduction);
  if (input1.dim() !== input2.dim() || input1.dim() !== target.dim()) {
    throw new RuntimeError(`margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${torchSize(input1.shape)}, input2: ${torchSize(input2.shape)}, target: ${torchSize(target.shape)} `);
  }
  return applyReduction(target.neg().mul(input1.sub(input2)).add(o.margin).clampMin(0), r);
}

export interface TripletOptions extends MarginOptions { p?: number; eps?: number; swap?: boolean }

/**
 * max(0, margin + d(a, p) - d(a, n)) with pairwise p-norm distances (`swap`: d(a, n) := min(d(a, n), d(p, n))).
 * @example F.tripletMarginLoss(torch.tensor([[0, 0]]), torch.tensor([[0, 1]]), torch.tensor([[0, 3]])) // tensor(0.)
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletOptions = {}): Tensor {
  checkTensorArg("triplet_margin_loss", "anchor", 1, anchor);
  checkTensorArg("triplet_margin_loss", "positive", 2, positive);
  checkTensorArg("triplet_margin_loss", "negative", 3, negative);
  const o = readNamed([opts], ["margin", "p", "eps", "swap", "reduction"], { margin: 1, p: 2, eps: 1e-6, swap: false, reduction: "mean" as Reduction });
  const r = reductionOf(o.reduction);
  if (anchor.dim() !== positive.dim() || positive.dim() !== negative.dim()) {
    throw new RuntimeError(`All inputs should have same dimension but got ${anchor.dim()}D, ${positive.dim()}D and ${negative.dim()}D inputs.`);
  }
  const dPos = pairwiseDistance(anchor, positive, { p: o.p, eps: o.eps });
  let dNeg = pairwiseDistance(anchor, negative, { p: o.p, eps: o.eps });
  if (o.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, { p: o.p, eps: o.eps }));
  return applyReduction(dPos.add(o.margin).sub(dNeg).clampMin(0), r);
}

export type { Reduction };
