// Connectionist temporal classification loss (torch.nn.functional.ctc_loss): alpha/beta recursions in log space, float64 accumulation.
import { isFloating, isIntegral, SCALAR_TYPE_NAME } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { isGradEnabled } from "../autograd/grad-mode.ts";
import { Node } from "../autograd/node.ts";
import type { Tensor } from "../tensor.ts";
import { contiguousData, emptyTensor, isTensor, rawReshape, scalarTensor } from "./core.ts";
import { where } from "./ternary.ts";
import { readNamed, reductionOf, type Reduction } from "./nn-fused.ts";
import { T, type OpInfo } from "./opinfo.ts";

/** Options of ctcLoss (also accepted positionally after the lengths, in this order). */
export interface CtcLossOptions {
  blank?: number;
  reduction?: Reduction;
  /** losses that are infinite (no alignment fits) become 0, and so do their gradients */
  zeroInfinity?: boolean;
}

/** What the backward needs: the forward's log-probabilities, alignments and per-sample results. */
interface CtcState {
  readonly lp: Float64Array;
  readonly shape: readonly [number, number, number];
  readonly dtype: Tensor["dtype"];
  /** each sample's extended label sequence l' (blank, l1, blank, l2, ..., blank) */
  readonly labels: readonly number[][];
  readonly inputLengths: readonly number[];
  /** log alpha of each sample, [inputLength, labels.length] row-major */
  readonly alphas: readonly Float64Array[];
  readonly nll: Float64Array;
  readonly zeroInfinity: boolean;
}

const LOG0 = -Infinity;

/** log(exp(a) + exp(b)), exact for -inf arguments. */
function logAdd(a: number, b: number): number {
  if (a === LOG0) return b;
  if (b === LOG0) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * One log-space recursion over the extended labels (alpha forward in time, beta backward): entry s at
 * step t sums s, its neighbour and, across a blank between two different labels, the second neighbour.
 */
function recursion(state: Pick<CtcState, "lp" | "shape">, b: number, labels: readonly number[], len: number, forward: boolean): Float64Array {
  const [, n, c] = state.shape;
  const S = labels.length;
  const lp = (t: number, k: number) => state.lp[(t * n + b) * c + k];
  const out = new Float64Array(len * S).fill(LOG0);
  if (len === 0) return out;
  const t0 = forward ? 0 : len - 1, step = forward ? -1 : 1, dir = forward ? 1 : -1;
  const first = forward ? 0 : S - 1;
  out[t0 * S + first] = lp(t0, labels[first]);
  if (S > 1) out[t0 * S + first + dir] = lp(t0, labels[first + dir]);
  for (let t = t0 - step; forward ? t < len : t >= 0; t -= step) {
    const prev = (t + step) * S;
    for (let s = 0; s < S; s++) {
      let v = out[prev + s];
      const s1 = s - dir, s2 = s - 2 * dir;
      if (s1 >= 0 && s1 < S) v = logAdd(v, out[prev + s1]);
      if (s2 >= 0 && s2 < S && labels[s] !== labels[s2]) v = logAdd(v, out[prev + s2]); // blanks equal blanks: skipped
      out[t * S + s] = v === LOG0 ? LOG0 : v + lp(t, labels[s]);
    }
  }
  return out;
}

const CTC_SPEC: GradSpec<CtcState> = {
  node: "CtcLossBackward0",
  backward: ([g], _s, p) => {
    const grad = ctcGrad(p, contiguousData(g));
    return [isGradEnabled() ? refusesSecondDerivative(grad) : grad];
  },
};

/**
 * PyTorch's CtcLossBackward0: (exp(lp) - exp(log(sum_{s: l'_s = c} alpha beta) + nll - lp)) * g for t below
 * the sample's input length, 0 after it. The exp(lp) term makes it the gradient with respect to the logits
 * under a log_softmax (what PyTorch returns), not the plain derivative with respect to `logProbs`.
 */
function ctcGrad(p: CtcState, gr: ArrayLike<number>): Tensor {
  const [, n, c] = p.shape;
  const grad = emptyTensor(p.shape, p.dtype);
  const out = grad._storage.data;
  for (let b = 0; b < n; b++) {
    const len = p.inputLengths[b], nll = p.nll[b];
    if (p.zeroInfinity && nll === Infinity) continue;
    const labels = p.labels[b], S = labels.length;
    const alpha = p.alphas[b], beta = recursion(p, b, labels, len, false);
    const lcab = new Float64Array(c);
    for (let t = 0; t < len; t++) {
      lcab.fill(LOG0);
      for (let s = 0; s < S; s++) lcab[labels[s]] = logAdd(lcab[labels[s]], alpha[t * S + s] + beta[t * S + s]);
      for (let k = 0; k < c; k++) {
        const i = (t * n + b) * c + k, lp = p.lp[i];
        out[i] = (Math.exp(lp) - Math.exp(lcab[k] + nll - lp)) * gr[b];
      }
    }
  }
  return grad;
}

/** The gradient as PyTorch gives it under createGraph: a NotImplemented node that raises when differentiated. */
function refusesSecondDerivative(grad: Tensor): Tensor {
  const node = new Node("NotImplemented", [], 1, () => {
    throw new RuntimeError("derivative for aten::_ctc_loss_backward is not implemented");
  });
  const out = rawReshape(grad, grad.shape);
  out._gradFn = node;
  return out;
}

/** Lengths given as a list of ints or an integral tensor. */
function lengthList(x: Tensor | readonly number[], name: string): number[] {
  if (!isTensor(x)) return [...x];
  if (!isIntegral(x.dtype)) throw new RuntimeError(`${name} must be integral`);
  return Array.from(contiguousData(x));
}

const CHECKED = "(while checking arguments for ctc_loss_cpu)";

/** Each sample's target labels, with PyTorch's checks of the padded ([N, S]) and concatenated (1-D) layouts. */
function targetLists(targets: Tensor, targetLengths: readonly number[], batch: number): number[][] {
  for (const l of targetLengths) {
    if (l < 0) throw new RuntimeError(`Expected target_lengths to have value at least 0, but got value ${l} ${CHECKED}`);
  }
  const data = Array.from(contiguousData(targets), Math.trunc); // PyTorch converts the targets to int64
  const sizeError = (dim: number, want: string, got: number) =>
    new RuntimeError(`Expected tensor to have size ${want} at dimension ${dim}, but got size ${got} for argument #2 'targets' ${CHECKED}`);
  if (targets.dim() === 1) {
    const total = targetLengths.reduce((a, l) => a + l, 0);
    if (targets.shape[0] !== total) throw sizeError(0, `${total}`, targets.shape[0]);
    let pos = 0;
    return targetLengths.map((l) => data.slice(pos, (pos += l)));
  }
  if (targets.shape[0] !== batch) throw sizeError(0, `${batch}`, targets.shape[0]);
  const width = targets.shape[1], longest = Math.max(0, ...targetLengths);
  if (width < longest) throw sizeError(1, `at least ${longest}`, width);
  return targetLengths.map((l, b) => data.slice(b * width, b * width + l));
}

/** Per-sample negative log-likelihoods [N] of logProbs [T, N, C], recorded as CtcLossBackward0. */
function ctcLossPerSample(lp3: Tensor, targets: Tensor, inputLengths: readonly number[], targetLengths: readonly number[],
  blank: number, zeroInfinity: boolean): Tensor {
  if (lp3.dim() !== 3) throw new RuntimeError(`Expected 3-dimensional tensor, but got ${lp3.dim()}-dimensional tensor for argument #1 'log_probs' ${CHECKED}`);
  if (targets.dim() < 1 || targets.dim() > 2) {
    throw new RuntimeError(`Expected 1 to 2 dimensions, but got ${targets.dim()}-dimensional tensor for argument #2 'targets' ${CHECKED}`);
  }
  const [T, N, C] = lp3.shape;
  if (!(blank >= 0 && blank < C)) throw new RuntimeError("blank must be in label range");
  if (inputLengths.length !== N) throw new RuntimeError("input_lengths must be of size batch_size");
  if (targetLengths.length !== N) throw new RuntimeError("target_lengths must be of size batch_size");
  const tg = targetLists(targets, targetLengths, N);
  for (const l of inputLengths) {
    if (l < 0) throw new RuntimeError(`Expected input_lengths to have value at least 0, but got value ${l} ${CHECKED}`);
    if (l > T) throw new RuntimeError(`Expected input_lengths to have value at most ${T}, but got value ${l} ${CHECKED}`);
  }
  for (const v of tg.flat()) {
    if (v < 0 || v >= C) throw new RuntimeError(`ctc_loss: target label ${v} is out of range [0, ${C})`);
  }
  const state = { lp: Float64Array.from(contiguousData(lp3)), shape: [T, N, C] as [number, number, number] };
  const labels = tg.map((l) => [blank, ...l.flatMap((v) => [v, blank])]);
  const alphas = labels.map((ls, b) => recursion(state, b, ls, inputLengths[b], true));
  const nll = new Float64Array(N);
  labels.forEach((ls, b) => {
    const len = inputLengths[b], S = ls.length, a = alphas[b];
    nll[b] = len === 0 ? (S === 1 ? 0 : Infinity) : -logAdd(a[(len - 1) * S + S - 1], S > 1 ? a[(len - 1) * S + S - 2] : LOG0);
  });
  const out = emptyTensor([N], lp3.dtype);
  out._storage.data.set(nll);
  return record(CTC_SPEC, [lp3], [out], { ...state, dtype: lp3.dtype, labels, inputLengths, alphas, nll, zeroInfinity })[0];
}

/**
 * The CTC loss of log-probabilities `logProbs` ([T, N, C], or [T, C] for one sequence; normally a
 * log_softmax output) against `targets` (padded [N, S] or the N sequences concatenated, 1-D), with
 * `inputLengths` / `targetLengths` (lists of ints or integral tensors). `reduction` "mean" divides each
 * loss by its target length (at least 1), then averages. Differentiable once with respect to `logProbs`,
 * with PyTorch's gradient (which assumes a log_softmax before it); a second derivative raises.
 * @example
 * const lp = torch.randn([5, 2, 4]).logSoftmax(2);
 * F.ctcLoss(lp, torch.tensor([[1, 2], [3, 0]]), [5, 4], [2, 1]) // a scalar
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[],
  ...args: (number | string | boolean | CtcLossOptions)[]): Tensor {
  const o = readNamed<Required<CtcLossOptions>>(args, ["blank", "reduction", "zeroInfinity"], { blank: 0, reduction: "mean", zeroInfinity: false });
  const reduction = reductionOf(o.reduction);
  const il = lengthList(inputLengths, "input_lengths"), tl = lengthList(targetLengths, "target_lengths");
  const batched = logProbs.dim() === 3;
  const lp3 = batched ? logProbs : logProbs.unsqueeze(1);
  if (!isFloating(lp3.dtype)) throw new RuntimeError(`"ctc_loss_cpu" not implemented for '${SCALAR_TYPE_NAME[lp3.dtype]}'`);
  let res = ctcLossPerSample(lp3, targets, il, tl, o.blank, o.zeroInfinity);
  if (o.zeroInfinity) res = where(res.eq(Infinity), scalarTensor(0, res.dtype), res);
  if (reduction === "mean") {
    const lengths = emptyTensor([tl.length], res.dtype);
    lengths._storage.data.set(tl.map((l) => Math.max(l, 1)));
    return res.div(lengths).mean();
  }
  if (reduction === "sum") return res.sum();
  return batched ? res : res.squeeze(0);
}

// ---- samples ------------------------------------------------------------------------------------

/**
 * Valid log-probabilities for a [..., C] input (a log_softmax of deterministic logits): the fixture
 * generator passes tensors as given, and PyTorch's gradient assumes normalised rows.
 */
function logProbValues(shape: readonly number[], seed: number): number[] {
  const c = shape[shape.length - 1], n = shape.reduce((a, b) => a * b, 1);
  const logits = Array.from({ length: n }, (_, i) => 1.5 * Math.sin(1.3 * i + seed) + 0.5 * Math.cos(0.7 * i * seed));
  const out: number[] = [];
  for (let r = 0; r < n; r += c) {
    const row = logits.slice(r, r + c), m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    out.push(...row.map((v) => v - lse));
  }
  return out;
}
const LP = (shape: number[], seed = 1, dtype: "float32" | "float64" = "float32", grad = true) =>
  T(shape, { values: logProbValues(shape, seed), dtype, grad });
const long = (values: number[], shape = [values.length]) => T(shape, { dtype: "int64", values });
const PADDED = long([1, 2, 2, 3, 1, 0], [2, 3]);

/**
 * Samples of ctcLoss. noGrad: PyTorch's gradient is exp(lp) - (alpha beta term), the gradient with respect
 * to the logits under a log_softmax, not the derivative with respect to log_probs itself, so a numerical
 * gradcheck on log_probs cannot agree with it; test/ctc.test.ts gradchecks through logSoftmax instead
 * (the gradients are still compared with PyTorch's here). noGradGrad: PyTorch's CtcLossBackward0 has no
 * double backward (its gradient raises "derivative for aten::_ctc_loss_backward is not implemented").
 */
export const CTC_INFO: OpInfo[] = [
  {
    name: "nn.functional.ctcLoss", py: "torch.nn.functional.ctc_loss", noGrad: true, noGradGrad: true,
    samples: [
      { args: [LP([5, 2, 4]), PADDED, [5, 4], [3, 2]] },
      { args: [LP([5, 2, 4], 2, "float64"), PADDED, [5, 4], [3, 2]], kwargs: { reduction: "sum" } },
      { args: [LP([5, 2, 4], 3), long([1, 2, 2, 3, 1]), long([5, 4]), long([3, 2])], kwargs: { reduction: "none" } },
      // blank = 3, repeated labels need a blank between them
      { args: [LP([6, 2, 4], 4, "float64"), long([0, 0, 1, 2, 2, 2], [2, 3]), [6, 6], [3, 3]], kwargs: { blank: 3, reduction: "none" } },
      // unbatched: [T, C] with 1-D or padded [1, S] targets
      { args: [LP([5, 4], 5), long([1, 2, 2]), [5], [3]], kwargs: { reduction: "none" } },
      { args: [LP([5, 4], 6), long([1, 3, 0, 0], [1, 4]), [5], [2]] },
      // empty targets and shorter inputs (an empty input is left to test/ctc.test.ts: PyTorch 1.13 reads out of
      // bounds there; later PyTorch gives 0 for an empty target, inf otherwise, as here)
      { args: [LP([5, 3, 4], 7, "float64"), long([0, 0, 3, 1, 2, 0], [3, 2]), [3, 5, 2], [0, 2, 0]] },
      { args: [LP([5, 3, 4], 7), long([0, 0, 3, 1, 2, 0], [3, 2]), [3, 5, 1], [0, 2, 0]], kwargs: { reduction: "none" } },
      // no alignment fits the second sample (infinite loss): zeroInfinity zeroes it and its gradient
      { args: [LP([5, 2, 4], 8), PADDED, [5, 1], [3, 2]], kwargs: { reduction: "none", zeroInfinity: true } },
      { args: [LP([5, 2, 4], 8, "float64"), PADDED, [5, 1], [3, 2]], kwargs: { zeroInfinity: true } },
      { args: [LP([5, 2, 4], 8, "float32", false), PADDED, [5, 1], [3, 2]], kwargs: { reduction: "none" } },
      // int32 targets and lengths, positional blank / reduction / zeroInfinity
      { args: [LP([4, 2, 3], 9), T([2, 2], { dtype: "int32", values: [1, 2, 2, 0] }), T([2], { dtype: "int32", values: [4, 3] }), T([2], { dtype: "int32", values: [2, 1] }), 0, "sum", false] },
    ],
    errors: [
      { args: [LP([5, 2, 4]), PADDED, [5, 4], [3, 2]], kwargs: { blank: 4 } },
      { args: [LP([5, 2, 4]), PADDED, [5], [3, 2]] },
      { args: [LP([5, 2, 4]), PADDED, [5, 4], [3]] },
      { args: [LP([5, 2, 4]), PADDED, [6, 4], [3, 2]] },
      { args: [LP([5, 2, 4]), PADDED, [5, 4], [4, 2]] },
      { args: [LP([5, 2, 4]), long([1, 2, 2, 3]), [5, 4], [3, 2]] },
      { args: [LP([5, 2, 4]), long([1, 2, 2, 3, 1, 0], [1, 2, 3]), [5, 4], [3, 2]] },
      { args: [LP([5, 2, 4]), long([1, 2, 2], [1, 3]), [5, 4], [3, 2]] },
      { args: [T([5, 2, 4], { dtype: "int64" }), PADDED, [5, 4], [3, 2]] },
      { args: [LP([5, 2, 4]), PADDED, T([2], { values: [5, 4] }), long([3, 2])] },
      { args: [LP([5, 2, 4]), PADDED, long([5, 4]), T([2], { values: [3, 2] })] },
      { args: [LP([5, 2, 4]), PADDED, [5, 4], [3, 2]], kwargs: { reduction: "foo" } },
      { args: [T([1, 5, 2, 4]), PADDED, [5, 4], [3, 2]] },
    ],
  },
];
