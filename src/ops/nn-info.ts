// Samples of torch.nn.functional's losses, normalizations and odds and ends (OpInfo lists, checked against PyTorch).
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";

const F = "nn.functional.";
const py = (name: string): string => `torch.nn.functional.${name}`;
const g = (shape: number[], opts: Parameters<typeof T>[1] = {}): TensorSpec => T(shape, { grad: true, ...opts });
const long = (values: number[], shape: number[] = [values.length]): TensorSpec => T(shape, { dtype: "int64", values });
const op = (name: string, pyName: string, samples: OpSample[], errors: OpSample[], extra: Partial<OpInfo> = {}): OpInfo =>
  ({ name: `${F}${name}`, py: py(pyName), samples, errors, ...extra });

/** Logits far beyond exp's range, where only the stable forms stay finite. */
const BIG_LOGITS = g([3, 4], { values: [1e4, -1e4, 0, 1, -1e4, -1e4, 3, 2, 50, 0, 1, -40] });

const reductions = (a: () => TensorSpec, b: () => TensorSpec, kw: Record<string, number> = {}): OpSample[] =>
  (["mean", "sum", "none"] as const).map((reduction) => ({ args: [a(), b()], kwargs: { ...kw, reduction } }));

const pointwiseSamples = (kw: Record<string, number> = {}): OpSample[] => [
  ...reductions(() => g([2, 3]), () => g([2, 3]), kw),
  { args: [g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" })], kwargs: kw },
  { args: [g([3, 4], { layout: "T" }), T([3, 4])], kwargs: kw },
  { args: [g([2, 4]), g([4])], kwargs: { ...kw, reduction: "sum" } },
];
const pointwiseErrors: OpSample[] = [{ args: [T([3, 4]), T([3, 5])] }, { args: [T([3]), T([3])], kwargs: { reduction: "foo" } }];

const X34 = () => g([3, 4]);
const TGT = () => long([0, 2, 1]);

/** Samples of the losses. */
export const LOSS_INFO: OpInfo[] = [
  op("mseLoss", "mse_loss", pointwiseSamples(), [...pointwiseErrors, { args: [T([2], { dtype: "int64" }), T([2], { dtype: "int64" })] }]),
  op("l1Loss", "l1_loss", pointwiseSamples().map((s, i) => (i === 5 ? { ...s, skipGradGrad: "an input equals its target: |x - y| has a kink there" } : s)), pointwiseErrors),
  op("smoothL1Loss", "smooth_l1_loss", [...pointwiseSamples(), ...pointwiseSamples({ beta: 0.5 }).slice(0, 3), { args: [g([2, 3]), g([2, 3])], kwargs: { beta: 0 }, skipGradGrad: "beta = 0 is L1: the second derivative is 0/0 (NaN in PyTorch too)" }],
    [{ args: [T([3]), T([3])], kwargs: { beta: -1 } }]),
  op("huberLoss", "huber_loss", [...pointwiseSamples(), ...pointwiseSamples({ delta: 0.5 }).slice(0, 3), { args: [g([2, 3]), g([2, 3]), "sum", 0.25] }],
    [{ args: [T([3]), T([3])], kwargs: { delta: 0 } }, { args: [T([3]), T([3]), "foo"] }]),
  op("nllLoss", "nll_loss", [
    { args: [X34(), TGT()] }, { args: [g([3, 4], { dtype: "float64" }), TGT()], kwargs: { reduction: "sum" } },
    { args: [X34(), TGT()], kwargs: { reduction: "none" } }, { args: [X34(), TGT(), T([4], { gen: "pos" })] },
    { args: [X34(), long([0, 1, 1])], kwargs: { ignoreIndex: 1, weight: T([4], { gen: "pos" }) } },
    { args: [X34(), long([0, 1, 1])], kwargs: { ignoreIndex: 1, reduction: "none" } },
    { args: [g([4, 3], { layout: "T" }), long([2, 0, 2, 1])] }, { args: [g([4]), long([2], [])] },
    { args: [g([4]), long([2], [])], kwargs: { reduction: "none" } },
    { args: [g([2, 3, 2, 2]), long([0, 1, 2, 2, 1, 0, 0, 1], [2, 2, 2])] },
    { args: [g([2, 3, 2, 2]), long([0, 1, 2, 2, 1, 0, 0, 1], [2, 2, 2])], kwargs: { reduction: "none", weight: T([3], { gen: "pos" }) } },
    { args: [g([2, 3, 4]), long([0, 1, 2, 2, 1, 0, 0, 1], [2, 4])], kwargs: { reduction: "none" } },
    { args: [g([2, 3, 4]), long([0, 1, 2, 2, 1, 0, 0, 1], [2, 4])], kwargs: { ignoreIndex: 0 } },
  ], [
    { args: [T([3, 4]), T([3])] }, { args: [T([3, 4]), long([0, 1])] }, { args: [T([3, 4]), long([0, 5, 1])] },
    { args: [T([3, 4]), long([0, -1, 1])] }, { args: [T([3, 4]), TGT(), T([3])] }, { args: [T([3, 4]), T([3], { dtype: "int32", values: [0, 1, 2] })] },
    { args: [T([3, 4]), TGT()], kwargs: { reduction: "foo" } }, { args: [T([2, 3, 4, 5]), T([2, 4, 4], { dtype: "int64", gen: "bool" })] },
    { args: [T([2, 3, 4]), T([2, 4, 1], { dtype: "int64", gen: "bool" })] },
  ]),
  op("crossEntropy", "cross_entropy", [
    { args: [X34(), TGT()] }, { args: [g([3, 4], { dtype: "float64" }), TGT()], kwargs: { reduction: "sum" } },
    { args: [X34(), TGT()], kwargs: { reduction: "none", weight: T([4], { gen: "pos" }) } },
    { args: [BIG_LOGITS, TGT()], kwargs: { reduction: "none" } }, { args: [BIG_LOGITS, TGT()] },
    { args: [g([2, 3], { values: ["-inf", 0, 1, 2, "-inf", 0] }), long([1, 0])], kwargs: { reduction: "none" } },
    { args: [X34(), long([0, 1, 1])], kwargs: { ignoreIndex: 1 } }, { args: [g([4, 3], { layout: "T" }), long([2, 0, 2, 1])] },
    { args: [g([4]), long([2], [])] }, { args: [g([2, 3, 2, 2]), long([0, 1, 2, 2, 1, 0, 0, 1], [2, 2, 2])] },
    { args: [X34(), g([3, 4], { gen: "prob" })] }, { args: [X34(), T([3, 4], { gen: "prob" })], kwargs: { reduction: "none", weight: T([4], { gen: "pos" }) } },
    { args: [X34(), T([3, 4], { gen: "prob" })], kwargs: { reduction: "sum", labelSmoothing: 0.2 } },
    { args: [X34(), TGT()], kwargs: { labelSmoothing: 0.1 } }, { args: [X34(), TGT()], kwargs: { labelSmoothing: 0.1, reduction: "none" } },
    { args: [X34(), long([0, 1, 1])], kwargs: { labelSmoothing: 0.2, ignoreIndex: 1, reduction: "sum" } },
    { args: [X34(), long([0, 1, 3])], kwargs: { labelSmoothing: 0.2, weight: T([4], { gen: "pos" }) } },
  ], [
    { args: [T([3, 4]), T([3, 5], { gen: "prob" })] }, { args: [T([3, 4]), long([0, 1])] }, { args: [T([3, 4]), T([3], { dtype: "int32", values: [0, 1, 2] })] },
    { args: [T([3, 4]), T([3, 4], { gen: "prob" })], kwargs: { ignoreIndex: 1 } }, { args: [T([3, 4]), TGT()], kwargs: { labelSmoothing: 1.5 } },
    { args: [T([3, 4]), T([3])] }, { args: [T([3, 4]), long([0, 4, 1])] },
  ]),
  op("binaryCrossEntropy", "binary_cross_entropy", [
    { args: [g([2, 3], { gen: "prob" }), g([2, 3], { gen: "prob" })] },
    { args: [g([3, 4], { gen: "prob", dtype: "float64" }), T([3, 4], { gen: "prob", dtype: "float64" })], kwargs: { reduction: "none" } },
    { args: [g([2, 3], { gen: "prob" }), T([2, 3], { gen: "bool", dtype: "float32" }), T([3], { gen: "pos" })], kwargs: { reduction: "sum" } },
    { args: [T([4], { values: [0, 1, 0, 1] }), T([4], { values: [1, 0, 0, 1] })], kwargs: { reduction: "none" } },
    { args: [g([3, 2], { gen: "prob", layout: "T" }), T([3, 2], { gen: "prob" })] },
  ], [
    { args: [T([3, 4], { gen: "prob" }), T([3], { gen: "prob" })] }, { args: [T([3], { values: [0.5, 1.5, 0.2] }), T([3], { gen: "prob" })] },
  ]),
  op("binaryCrossEntropyWithLogits", "binary_cross_entropy_with_logits", [
    { args: [g([2, 3]), g([2, 3], { gen: "prob" })] }, { args: [g([3, 4], { dtype: "float64" }), g([3, 4], { gen: "prob", dtype: "float64" })], kwargs: { reduction: "none" } },
    { args: [X34(), T([3, 4], { gen: "prob" })], kwargs: { weight: T([4], { gen: "pos" }), posWeight: T([4], { gen: "pos" }), reduction: "sum" } },
    { args: [X34(), g([3, 4], { gen: "prob" })], kwargs: { posWeight: T([4], { gen: "pos" }) } },
    { args: [BIG_LOGITS, T([3, 4], { gen: "prob" })], kwargs: { reduction: "none" } },
    { args: [g([3, 4], { layout: "T" }), T([3, 4], { gen: "prob" })] },
  ], [{ args: [T([3, 4]), T([3], { gen: "prob" })] }, { args: [T([3]), T([3])], kwargs: { reduction: "batchmean" } }]),
  op("klDiv", "kl_div", [
    ...(["mean", "sum", "none", "batchmean"] as const).map((reduction) => ({ args: [X34(), T([3, 4], { gen: "prob" })], kwargs: { reduction } })),
    { args: [g([2, 3], { dtype: "float64" }), g([2, 3], { gen: "prob", dtype: "float64" })], kwargs: { reduction: "sum" } },
    { args: [X34(), g([3, 4])], kwargs: { reduction: "batchmean", logTarget: true } },
    { args: [g([4]), T([4], { values: [0, 0.5, 0.25, 0.25] })], kwargs: { reduction: "sum" } },
  ], [{ args: [T([3]), T([3])], kwargs: { reduction: "foo" } }, { args: [T([3, 4]), T([2, 4])], kwargs: { reduction: "sum" } }]),
  op("cosineEmbeddingLoss", "cosine_embedding_loss", [
    { args: [X34(), X34(), long([1, -1, 1])] }, { args: [X34(), X34(), long([-1, -1, 1])], kwargs: { margin: -0.5, reduction: "none" } },
    { args: [g([4], { dtype: "float64" }), g([4], { dtype: "float64" }), long([1], [])], kwargs: { reduction: "sum" } },
  ], [{ args: [T([3, 4]), T([3, 4]), T([2])] }, { args: [T([2, 3, 4]), T([2, 3, 4]), T([2])] }]),
  op("marginRankingLoss", "margin_ranking_loss", [
    { args: [g([4]), g([4]), T([4], { values: [1, -1, 1, -1] })] },
    { args: [g([2, 3], { dtype: "float64" }), g([2, 3], { dtype: "float64" }), T([2, 3], { values: [1, -1, 1, -1, 1, 1], dtype: "float64" })], kwargs: { margin: 0.3, reduction: "none" } },
  ], [{ args: [T([3, 4]), T([3, 4]), T([2])] }, { args: [T([3, 4]), T([4]), T([3, 4])] }]),
  op("tripletMarginLoss", "triplet_margin_loss", [
    { args: [X34(), X34(), X34()] }, { args: [X34(), X34(), X34()], kwargs: { margin: 2, p: 1, swap: true, reduction: "none" } },
    { args: [g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" })], kwargs: { reduction: "sum" } },
  ], [{ args: [T([3, 4]), T([3, 4]), T([3])] }]),
];

/** Samples of the normalizations and distances. */
export const NORMALIZATION_INFO: OpInfo[] = [
  op("layerNorm", "layer_norm", [
    { args: [g([2, 3]), [3]] }, { args: [g([2, 3, 4], { dtype: "float64" }), [3, 4], g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" })] },
    { args: [g([2, 3]), [3]], kwargs: { weight: g([3]), bias: g([3]), eps: 0.1 } }, { args: [g([3, 4], { layout: "T" }), [4], g([4])] },
    { args: [g([2, 3]), [3]], kwargs: { bias: g([3]) } }, { args: [g([2, 3]), [2, 3]] },
  ], [
    { args: [T([3, 4]), [5]] }, { args: [T([3, 4]), [4], T([3])] },
  ]),
  op("groupNorm", "group_norm", [
    { args: [g([2, 4, 3]), 2] }, { args: [g([2, 4, 3], { dtype: "float64" }), 2, g([4], { dtype: "float64" }), g([4], { dtype: "float64" })] },
    { args: [g([2, 6]), 3], kwargs: { weight: g([6]), eps: 0.01 } }, { args: [g([2, 2, 2, 2]), 1], kwargs: { weight: g([2]), bias: g([2]) } },
  ], [{ args: [T([2, 4, 3]), 3] }, { args: [T([2, 4, 3]), 2, T([3])] }]),
  op("batchNorm", "batch_norm", [
    { args: [g([4, 3]), T([3]), T([3], { gen: "pos" })], kwargs: { training: true } },
    { args: [g([4, 3]), T([3]), T([3], { gen: "pos" })] },
    { args: [g([2, 3, 4], { dtype: "float64" }), null, null, g([3], { dtype: "float64" }), g([3], { dtype: "float64" }), true, 0.2, 0.001] },
    { args: [g([2, 3, 4]), T([3]), T([3], { gen: "pos" }), g([3]), g([3])], kwargs: { training: false } },
    { args: [g([4, 3], { layout: "T" }), T([3]), T([3], { gen: "pos" })], kwargs: { training: true, momentum: 0.5 } },
  ], [
    { args: [T([3, 4]), T([3]), T([4])], kwargs: { training: true } }, { args: [T([3, 4]), T([4]), T([3])], kwargs: { training: true } },
    { args: [T([1, 4]), T([4]), T([4])], kwargs: { training: true } }, { args: [T([3, 4]), T([4]), T([4]), T([3])], kwargs: { training: true } },
    { args: [T([3, 4]), null, null] },
  ]),
  op("instanceNorm", "instance_norm", [
    { args: [g([2, 3, 4])] }, { args: [g([2, 3, 2, 2], { dtype: "float64" })], kwargs: { weight: g([3], { dtype: "float64" }), bias: g([3], { dtype: "float64" }) } },
    { args: [g([2, 3, 4])], kwargs: { runningMean: T([3]), runningVar: T([3], { gen: "pos" }), useInputStats: false } },
    { args: [g([2, 3, 4])], kwargs: { runningMean: T([3]), runningVar: T([3], { gen: "pos" }) } },
  ], [{ args: [T([2, 4, 1])] }]),
  op("normalize", "normalize", [
    { args: [X34()] }, { args: [g([3, 4], { dtype: "float64" })], kwargs: { p: 1, dim: 0 } }, { args: [g([4, 3], { layout: "T" })], kwargs: { dim: -1 } },
    { args: [T([2, 2], { values: [0, 0, 1, 2] })] },
  ], [{ args: [T([3, 4])], kwargs: { dim: 2 } }]),
  op("cosineSimilarity", "cosine_similarity", [
    { args: [X34(), X34()] }, { args: [g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" })], kwargs: { dim: 0 } },
    { args: [g([4]), X34()], kwargs: { dim: -1 } }, { args: [g([2, 3, 4]), g([2, 3, 4])], kwargs: { dim: 2, eps: 0.001 } },
  ], [{ args: [T([3, 4]), T([2, 4])] }]),
  op("pairwiseDistance", "pairwise_distance", [
    { args: [X34(), X34()] }, { args: [g([3, 4], { dtype: "float64" }), g([3, 4], { dtype: "float64" })], kwargs: { p: 1, keepdim: true } },
    { args: [g([4]), g([2, 3, 4])] }, { args: [X34(), X34()], kwargs: { p: 3, eps: 0.01 } },
  ], [{ args: [T([3, 4]), T([2, 4])] }]),
];

/** Samples of linear, bilinear, embedding, oneHot and dropout (its random mask is tested in test/nn-ext.test.ts). */
export const NN_MISC_INFO: OpInfo[] = [
  op("linear", "linear", [
    { args: [X34(), g([5, 4]), g([5])] }, { args: [X34(), g([5, 4])] }, { args: [g([2, 3, 4]), g([5, 4]), g([5])] },
    { args: [g([2, 3, 4]), g([5, 4])] }, { args: [g([4]), g([5, 4]), g([5])] }, { args: [g([4]), g([5, 4])] },
    { args: [g([2, 3, 4], { layout: "T" }), g([5, 4]), g([5])] },
    { args: [g([3, 4], { dtype: "float64" }), g([2, 4], { dtype: "float64" }), g([2], { dtype: "float64" })] },
  ], [{ args: [T([3, 4]), T([5, 3])] }, { args: [T([3]), T([5, 4])] }]),
  op("bilinear", "bilinear", [
    { args: [g([3, 2]), g([3, 4]), g([5, 2, 4]), g([5])] },
    { args: [g([2, 3, 2], { dtype: "float64" }), g([2, 3, 3], { dtype: "float64" }), g([2, 2, 3], { dtype: "float64" }), g([2], { dtype: "float64" })] },
    { args: [g([3, 2]), g([3, 4]), g([5, 2, 4])] },
  ], [{ args: [T([3, 4]), T([3, 4]), T([2, 3, 4])] }, { args: [T([3, 4]), T([2, 4]), T([2, 4, 4])] }, { args: [T([3, 4]), T([3, 4]), T([2, 4, 4]), T([3])] }]),
  op("embedding", "embedding", [
    { args: [long([0, 2, 4, 2, 1, 2], [2, 3]), g([5, 3])] }, // paddingIdx: forward only here (its row gets no gradient, which gradcheck would flag); test/nn-ext.test.ts checks the gradient
    { args: [long([0, 2, 0, 1]), T([5, 3], { dtype: "float64" })], kwargs: { paddingIdx: 0 } },
    { args: [long([4, 2, 4]), T([5, 2])], kwargs: { paddingIdx: -1 } }, { args: [T([3], { dtype: "int32", values: [1, 1, 3] }), g([4, 2])] },
    { args: [long([3], []), g([4, 2])] },
  ], [
    { args: [long([0, 5]), T([5, 3])] }, { args: [T([2], { values: [0, 1] }), T([5, 3])] }, { args: [long([0, 1]), T([4])] },
    { args: [long([0, -1]), T([5, 3])] },
  ]),
  op("oneHot", "one_hot", [
    { args: [long([0, 2, 1, 2]), 3] }, { args: [long([0, 3, 1])] }, { args: [long([0, 2, 1, 4, 1, 1], [2, 3]), 6] }, { args: [long([1], []), 2] },
  ], [
    { args: [T([2], { values: [0, 1] }), 3] }, { args: [long([0, 3]), 3] }, { args: [long([0, -1]), 3] },
    { args: [T([2], { dtype: "int32", values: [0, 1] }), 3] },
  ], { noGrad: true }),
  op("dropout", "dropout", [
    { args: [X34()], kwargs: { training: false } }, { args: [X34(), 0] }, { args: [X34(), 0.5, false] }, { args: [X34(), 1] },
    { args: [T([3, 4]), 1], kwargs: { inplace: true } }, { args: [T([0, 3]), 0.5] },
  ], [{ args: [T([3]), 1.5] }, { args: [T([3]), -0.1] }]),
];
