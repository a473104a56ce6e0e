// torch.nn.functional: activations, softmax, losses, convolutions... (functional forms of the ops tables).
import type { Tensor } from "../tensor.ts";
import * as U from "../ops/unary.ts";

export { relu } from "../ops/activation.ts";
/** F.sigmoid: 1 / (1 + e^-x). */
export const sigmoid = (x: Tensor): Tensor => U.sigmoid(x);
/** F.tanh. */
export const tanh = (x: Tensor): Tensor => U.tanh(x);

// Extension areas: each op-library workstream adds its functions between its own markers.
// ---- [unary-ext] begin ----
export { relu6, leakyRelu, elu, selu, celu, gelu, silu, mish, softplus, softsign, hardtanh, hardsigmoid, hardswish, logsigmoid } from "../ops/activation.ts";
export type { InplaceOptions, LeakyReluOptions, EluOptions, HardtanhOptions, GeluOptions, SoftplusOptions } from "../ops/activation.ts";
// ---- [unary-ext] end ----
// ---- [binary-ext] begin ----
// ---- [binary-ext] end ----
// ---- [reduce-ext] begin ----
// ---- [reduce-ext] end ----
// ---- [shape-ext] begin ----
// ---- [shape-ext] end ----
// ---- [linalg-ext] begin ----
// ---- [linalg-ext] end ----
// ---- [nn-ext] begin ----
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  klDiv, cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss,
} from "../ops/loss.ts";
export type {
  LossOptions, SmoothL1Options, HuberOptions, NllOptions, CrossEntropyOptions, BceOptions, BceLogitsOptions, KlDivOptions, MarginOptions, TripletOptions,
} from "../ops/loss.ts";
export { layerNorm, groupNorm, batchNorm, instanceNorm, rmsNorm, normalize, cosineSimilarity, pairwiseDistance } from "../ops/normalization.ts";
export type {
  LayerNormOptions, GroupNormOptions, BatchNormOptions, InstanceNormOptions, RmsNormOptions, NormalizeOptions, CosineSimilarityOptions, PairwiseDistanceOptions,
} from "../ops/normalization.ts";
export { linear, bilinear, embedding, oneHot, dropout, scaledDotProductAttention } from "../ops/nn-misc.ts";
export type { EmbeddingOptions, DropoutOptions, AttentionOptions } from "../ops/nn-misc.ts";
export type { Reduction } from "../ops/nn-fused.ts";
export { softmax, logSoftmax, softmin } from "../ops/softmax.ts";
export type { SoftmaxOptions } from "../ops/softmax.ts";
export { ctcLoss } from "../ops/ctc.ts";
export type { CtcLossOptions } from "../ops/ctc.ts";
// ---- [nn-ext] end ----
// ---- [conv-ext] begin ----
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, unfold, fold } from "../ops/conv.ts";
export type { ConvOptions, ConvTransposeOptions, ConvArgs, ConvTransposeArgs, FoldOptions } from "../ops/conv.ts";
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d } from "../ops/pool.ts";
export type { MaxPoolOptions, AvgPoolOptions } from "../ops/pool.ts";
export { pad } from "../ops/pad.ts";
export type { PadMode, PadOptions } from "../ops/pad.ts";
export { interpolate, pixelShuffle, pixelUnshuffle } from "../ops/resample.ts";
export type { InterpolateOptions } from "../ops/resample.ts";
// ---- [conv-ext] end ----
