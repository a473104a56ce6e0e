// Normalization in torch.nn.functional: layerNorm, groupNorm, batchNorm (fused Native*Backward0 nodes), instanceNorm, rmsNorm, normalize, distances.
import { RuntimeError, ValueError } from "../errors.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { noGrad } from "../autograd/grad-mode.ts";
import type { GradSpec } from "../autograd/record.ts";
import { normalizeDim, shapeText } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg } from "./core.ts";
import { fused, readNamed, torchSize } from "./nn-fused.ts";
import { addTangents } from "./jvp-rules.ts";

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** x̂ = (x - mean) / sqrt(var + eps) over `dims` (biased variance), with the reciprocal std. */
function standardize(x: Tensor, dims: number[], eps: number): { xhat: Tensor; rstd: Tensor } {
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  const rstd = centered.square().mean(dims, true).add(eps).rsqrt();
  return { xhat: centered.mul(rstd), rstd };
}

/** d x̂ / dx applied to `gh`: rstd (gh - mean(gh) - x̂ mean(gh x̂)) over `dims`. */
function standardizeBackward(gh: Tensor, xhat: Tensor, rstd: Tensor, dims: number[]): Tensor {
  return gh.sub(gh.mean(dims, true)).sub(xhat.mul(gh.mul(xhat).mean(dims, true))).mul(rstd);
}

/** Sums a gradient down to an affine parameter's shape (the parameter lies along `keep`). */
const sumTo = (t: Tensor, keep: number[], shape: readonly number[]): Tensor => {
  const dims = range(0, t.dim()).filter((d) => !keep.includes(d));
  return (dims.length ? t.sum(dims) : t).reshape([...shape]);
};

interface AffineNormParams {
  /** per-sample view of x the statistics are taken over, and its normalized dims */
  readonly view: (x: Tensor) => Tensor;
  readonly dims: number[];
  readonly eps: number;
  /** weight / bias seen broadcastable to x, and the dims of x they lie along */
  readonly affineView: (w: Tensor) => Tensor;
  readonly affineDims: number[];
  /** fixed statistics (batch norm in eval mode): x̂ = (x - mean) rstd with no gradient through them */
  readonly fixed: { mean: Tensor; rstd: Tensor } | null;
}

function normalized(x: Tensor, p: AffineNormParams): { xhat: Tensor; rstd: Tensor } {
  if (p.fixed) return { xhat: x.sub(p.fixed.mean).mul(p.fixed.rstd), rstd: p.fixed.rstd };
  const { xhat, rstd } = standardize(p.view(x), p.dims, p.eps);
  return { xhat: xhat.reshape([...x.shape]), rstd };
}

/** y = x̂ w + b; gradients of x (through the statistics), w and b. Saves only the tensors given. */
const affineNormSpec = (node: string, hasW: boolean, hasB: boolean): GradSpec<AffineNormParams> => ({
  node, saves: { inputs: [0, ...(hasW ? [1] : []), ...(hasB ? [2] : [])] },
  backward: ([g], s, p) => {
    const x = s.input(0);
    const w = hasW ? s.input(1) : null;
    const gh = w === null ? g : g.mul(p.affineView(w));
    let dx: Tensor | null = null;
    if (s.needsGrad(0)) {
      if (p.fixed) dx = gh.mul(p.fixed.rstd);
      else {
        const v = p.view(x);
        const st = standardize(v, p.dims, p.eps);
        dx = standardizeBackward(gh.reshape([...v.shape]), st.xhat, st.rstd, p.dims).reshape([...x.shape]);
      }
    }
    const dw = w && s.needsGrad(1) ? sumTo(g.mul(normalized(x, p).xhat), p.affineDims, w.shape) : null;
    const db = hasB && s.needsGrad(2) ? sumTo(g, p.affineDims, s.input(2).shape) : null;
    return [dx, dw, db];
  },
  // tangent: x̂'s Jacobian is symmetric (standardizeBackward applied to t), then w; plus x̂ t_w + t_b
  jvp: ([tx, tw, tb], s, p) => {
    const x = s.input(0);
    let dxhat: Tensor | null = null;
    if (tx !== null) {
      if (p.fixed) dxhat = tx.mul(p.fixed.rstd);
      else {
        const st = standardize(p.view(x), p.dims, p.eps);
        dxhat = standardizeBackward(p.view(tx), st.xhat, st.rstd, p.dims).reshape([...x.shape]);
      }
      if (hasW) dxhat = dxhat.mul(p.affineView(s.input(1)));
    }
    const fromW = tw === null ? null : normalized(x, p).xhat.mul(p.affineView(tw));
    return [addTangents(addTangents(dxhat, fromW), tb === null ? null : p.affineView(tb))];
  },
});

/** The fused forward: x̂ w + b. Missing weight/bias are saved as absent inputs. */
function affineNorm(node: string, x: Tensor, w: Tensor | null, b: Tensor | null, p: AffineNormParams): Tensor {
  return fused(affineNormSpec(node, w !== null, b !== null), [x, w, b], () => {
    let y = normalized(x, p).xhat;
    if (w) y = y.mul(p.affineView(w));
    if (b) y = y.add(p.affineView(b));
    return y._base === null ? y : y.clone();
  }, p);
}

export interface LayerNormOptions { weight?: Tensor | null; bias?: Tensor | null; eps?: number }

/**
 * Normalizes over the trailing `normalizedShape` dims (mean 0, variance 1, biased), then scales by
 * `weight` and shifts by `bias`.
 * @example F.layerNorm(torch.tensor([[1, 2, 3]]), [3]) // tensor([[-1.2247,  0.0000,  1.2247]])
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], ...args: (Tensor | null | number | LayerNormOptions)[]): Tensor {
  checkTensorArg("layer_norm", "input", 1, x);
  const o = readNamed(args, ["weight", "bias", "eps"], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  const ns = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const k = ns.length, lead = x.dim() - k;
  const sameShape = (t: Tensor) => t.dim() === k && t.shape.every((s, i) => s === ns[i]);
  if (o.weight && !sameShape(o.weight)) {
    throw new RuntimeError(`Expected weight to be of same shape as normalized_shape, but got weight of shape ${shapeText(o.weight.shape)} and normalized_shape = ${shapeText(ns)}`);
  }
  if (o.bias && !sameShape(o.bias)) {
    throw new RuntimeError(`Expected bias to be of same shape as normalized_shape, but got bias of shape ${shapeText(o.bias.shape)} and normalized_shape = ${shapeText(ns)}`);
  }
  if (lead < 0 || ns.some((s, i) => x.shape[lead + i] !== s)) {
    throw new RuntimeError(`Given normalized_shape=${shapeText(ns)}, expected input with shape [*, ${ns.join(", ")}], but got input of size${shapeText(x.shape)}`);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, o.weight, o.bias]) > 0) return VM.normRule(x, o.weight, o.bias, "leading", (p, w, b) => layerNorm(p, ns, w, b, o.eps), (t) => t);
  // ---- [vmap] end ----
  const dims = range(lead, x.dim());
  return affineNorm("NativeLayerNormBackward0", x, o.weight, o.bias, { view: (t) => t, dims, eps: o.eps, affineView: (w) => w, affineDims: dims, fixed: null });
}

/** A per-channel parameter [C] seen as [C, 1, ...] against an [N, C, ...] input. */
const channelView = (ndim: number) => (w: Tensor): Tensor => w.reshape([w.numel(), ...new Array<number>(Math.max(0, ndim - 2)).fill(1)]);

export interface GroupNormOptions { weight?: Tensor | null; bias?: Tensor | null; eps?: number }

/**
 * Splits the C channels of [N, C, ...] into `numGroups` groups and normalizes each group of each sample.
 * @example F.groupNorm(torch.tensor([[1, 3, 2, 6]]), 2) // tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
 */
export function groupNorm(x: Tensor, numGroups: number, ...args: (Tensor | null | number | GroupNormOptions)[]): Tensor {
  checkTensorArg("group_norm", "input", 1, x);
  const o = readNamed(args, ["weight", "bias", "eps"], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  if (x.dim() < 2) throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${x.dim()}`);
  const [n, c] = x.shape;
  if (c % numGroups !== 0) {
    throw new RuntimeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${shapeText(x.shape)} and num_groups=${numGroups}`);
  }
  for (const [name, t] of [["weight", o.weight], ["bias", o.bias]] as const) {
    if (t && (t.dim() !== 1 || t.numel() !== c)) {
      throw new RuntimeError(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${shapeText(t.shape)} and input of shape ${shapeText(x.shape)}`);
    }
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, o.weight, o.bias]) > 0) return VM.normRule(x, o.weight, o.bias, "intoN", (p, w, b) => groupNorm(p, numGroups, w, b, o.eps), channelView(x.dim()));
  // ---- [vmap] end ----
  return affineNorm("NativeGroupNormBackward0", x, o.weight, o.bias, {
    view: (t) => t.reshape([n, numGroups, -1]), dims: [2], eps: o.eps, affineView: channelView(x.dim()), affineDims: [1], fixed: null,
  });
}

export interface BatchNormOptions {
  weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number;
}

/** Python's batch-size check: more than one value per channel when training. */
function verifyBatchSize(x: Tensor): void {
  const per = x.shape[0] * x.shape.slice(2).reduce((a, b) => a * b, 1);
  if (per === 1) throw new ValueError(`Expected more than 1 value per channel when training, got input size ${torchSize(x.shape)}`);
}

/**
 * Normalizes each channel of [N, C, ...] over the batch and spatial dims. In training mode uses the
 * batch statistics and updates `runningMean`/`runningVar` in place (momentum; unbiased variance for
 * the running value); in eval mode uses the running statistics.
 * @example F.batchNorm(torch.tensor([[1], [3]]), null, null, { training: true }) // tensor([[-1.0000], [ 1.0000]])
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, ...args: (Tensor | null | boolean | number | BatchNormOptions)[]): Tensor {
  checkTensorArg("batch_norm", "input", 1, x);
  const o = readNamed(args, ["weight", "bias", "training", "momentum", "eps"],
    { weight: null as Tensor | null, bias: null as Tensor | null, training: false, momentum: 0.1, eps: 1e-5 });
  if (o.training) verifyBatchSize(x);
  const c = x.dim() > 1 ? x.shape[1] : 1;
  const check = (name: string, t: Tensor | null, evalRequired: boolean) => {
    if (t) {
      if (t.numel() !== c) throw new RuntimeError(`${name} should contain ${c} elements not ${t.numel()}`);
    } else if (evalRequired && !o.training) throw new RuntimeError(`${name} must be defined in evaluation mode`);
  };
  check("running_mean", runningMean, true);
  check("running_var", runningVar, true);
  check("weight", o.weight, false);
  check("bias", o.bias, false);
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, runningMean, runningVar, o.weight, o.bias]) > 0) return VM.batchNormRule(x, runningMean, runningVar, o.weight, o.bias, o.training, (p, rm, rv, w, b) => batchNorm(p, rm, rv, { ...o, weight: w, bias: b }), channelView(x.dim()));
  // ---- [vmap] end ----
  const view = channelView(x.dim());
  const dims = range(0, x.dim()).filter((d) => d !== 1);
  let fixed: AffineNormParams["fixed"] = null;
  if (!o.training && runningMean && runningVar) {
    fixed = noGrad(() => ({ mean: view(runningMean.to(x.dtype)), rstd: view(runningVar.to(x.dtype).add(o.eps).rsqrt()) }));
  }
  const out = affineNorm("NativeBatchNormBackward0", x, o.weight, o.bias, { view: (t) => t, dims, eps: o.eps, affineView: view, affineDims: [1], fixed });
  if (o.training && (runningMean || runningVar)) {
    noGrad(() => {
      const n = x.numel() / c;
      const mean = x.mean(dims);
      const m = o.momentum;
      if (runningMean) runningMean.mul_(1 - m).add_(mean.mul(m));
      if (runningVar) runningVar.mul_(1 - m).add_(x.sub(view(mean)).square().sum(dims).div(n - 1).mul(m));
    });
  }
  return out;
}

export interface InstanceNormOptions extends BatchNormOptions { runningMean?: Tensor | null; runningVar?: Tensor | null; useInputStats?: boolean }

/**
 * Normalizes each channel of each sample of [N, C, ...] over its spatial dims (batch norm on a [1, N*C, ...] view).
 * @example F.instanceNorm(torch.tensor([[[1, 3]]])) // tensor([[[-1.0000,  1.0000]]])
 */
export function instanceNorm(x: Tensor, opts: InstanceNormOptions = {}): Tensor {
  checkTensorArg("instance_norm", "input", 1, x);
  const o = readNamed([opts], ["runningMean", "runningVar", "weight", "bias", "useInputStats", "momentum", "eps"], {
    runningMean: null as Tensor | null, runningVar: null as Tensor | null, weight: null as Tensor | null, bias: null as Tensor | null,
    useInputStats: true, momentum: 0.1, eps: 1e-5,
  });
  if (o.useInputStats) {
    const spatial = x.shape.slice(2).reduce((a, b) => a * b, 1);
    if (spatial === 1) throw new ValueError(`Expected more than 1 spatial element when training, got input size ${torchSize(x.shape)}`);
  }
  const [b, c] = x.shape;
  const rep = (t: Tensor | null) => (t === null ? null : t.repeat(b));
  const rm = rep(o.runningMean), rv = rep(o.runningVar);
  const out = batchNorm(x.contiguous().view([1, b * c, ...x.shape.slice(2)]), rm, rv,
    { weight: rep(o.weight), bias: rep(o.bias), training: o.useInputStats, momentum: o.momentum, eps: o.eps });
  noGrad(() => {
    if (o.runningMean && rm) o.runningMean.copy_(rm.view([b, c]).mean(0));
    if (o.runningVar && rv) o.runningVar.copy_(rv.view([b, c]).mean(0));
  });
  return out.view([...x.shape]);
}

export interface RmsNormOptions { weight?: Tensor | null; eps?: number | null }

/**
 * x / sqrt(mean(x^2) + eps) over the trailing `normalizedShape` dims, times `weight` (eps defaults to the dtype's machine epsilon).
 * @example F.rmsNorm(torch.tensor([[3, 4]]), [2]) // tensor([[0.8485, 1.1314]])
 */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], ...args: (Tensor | null | number | RmsNormOptions)[]): Tensor {
  checkTensorArg("rms_norm", "input", 1, x);
  const o = readNamed(args, ["weight", "eps"], { weight: null as Tensor | null, eps: null as number | null });
  const ns = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const lead = x.dim() - ns.length;
  if (lead < 0 || ns.some((s, i) => x.shape[lead + i] !== s)) {
    throw new RuntimeError(`Given normalized_shape=${shapeText(ns)}, expected input with shape [*, ${ns.join(", ")}], but got input of size${shapeText(x.shape)}`);
  }
  const eps = o.eps ?? (x.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const y = x.mul(x.square().mean(range(lead, x.dim()), true).add(eps).rsqrt());
  return o.weight ? y.mul(o.weight) : y;
}

export interface NormalizeOptions { p?: number; dim?: number; eps?: number }

/**
 * x / max(‖x‖_p, eps) along `dim`.
 * @example F.normalize(torch.tensor([[3, 4]])) // tensor([[0.6000, 0.8000]])
 */
export function normalize(x: Tensor, ...args: (number | NormalizeOptions)[]): Tensor {
  checkTensorArg("normalize", "input", 1, x);
  const o = readNamed(args, ["p", "dim", "eps"], { p: 2, dim: 1, eps: 1e-12 });
  return x.div(x.norm(o.p, o.dim, true).clampMin(o.eps).expandAs(x));
}

export interface CosineSimilarityOptions { dim?: number; eps?: number }

/**
 * cos of the angle between x1 and x2 along `dim` (broadcast), each norm clamped below at eps.
 * @example F.cosineSimilarity(torch.tensor([[1, 0]]), torch.tensor([[1, 1]])) // tensor([0.7071])
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: (number | CosineSimilarityOptions)[]): Tensor {
  checkTensorArg("cosine_similarity", "x1", 1, x1);
  checkTensorArg("cosine_similarity", "x2", 2, x2);
  const o = readNamed(args, ["dim", "eps"], { dim: 1, eps: 1e-8 });
  const a = x1.dtype === "float32" || x1.dtype === "float64" ? x1 : x1.to("float32");
  const b = x2.dtype === "float32" || x2.dtype === "float64" ? x2 : x2.to("float32");
  const shape = a.add(b).shape;
  const ea = a.expand([...shape]), eb = b.expand([...shape]);
  const dim = normalizeDim(o.dim, shape.length);
  // the clamp at eps changes the value only (PyTorch clamps the norms under no_grad)
  const clamped = (n: Tensor) => n.add(noGrad(() => n.detach().clampMin(o.eps).sub(n.detach())));
  const n1 = clamped(ea.norm(2, dim, true)), n2 = clamped(eb.norm(2, dim, true));
  return ea.div(n1).mul(eb.div(n2)).sum(dim);
}

export interface PairwiseDistanceOptions { p?: number; eps?: number; keepdim?: boolean }

/**
 * ‖x1 - x2 + eps‖_p along the last dim.
 * @example F.pairwiseDistance(torch.tensor([[0, 0]]), torch.tensor([[3, 4]])) // tensor([5.0000])
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: (number | boolean | PairwiseDistanceOptions)[]): Tensor {
  checkTensorArg("pairwise_distance", "x1", 1, x1);
  checkTensorArg("pairwise_distance", "x2", 2, x2);
  const o = readNamed(args, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
  const outDim = Math.max(x1.dim(), x2.dim());
  return x1.sub(x2).add(o.eps).norm(o.p, outDim - 1, o.keepdim);
}
