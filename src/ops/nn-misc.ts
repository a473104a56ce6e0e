// torch.nn.functional odds and ends: linear, bilinear, embedding (EmbeddingBackward0), oneHot, dropout, scaledDotProductAttention.
import { IndexError, RuntimeError, ValueError } from "../errors.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { noGrad } from "../autograd/grad-mode.ts";
import type { GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, contiguousData, isTensor } from "./core.ts";
import { emptyLike, ones, zeros } from "./creation.ts";
import { addmm } from "./linalg-ext.ts";
import { einsum } from "./einsum.ts";
import { softmaxKernel } from "./softmax.ts";
import type { Generator } from "../random.ts";
import { fused, readNamed } from "./nn-fused.ts";

/**
 * x Wᵀ + b, recorded as PyTorch records it (AddmmBackward0 for 2-D input with bias, a view of one
 * addmm for contiguous 3-D input with bias, else matmul then add).
 * @example F.linear(torch.ones([1, 2]), torch.tensor([[1, 2]]), torch.tensor([0.5])) // tensor([[3.5000]])
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null | { bias?: Tensor | null } = null): Tensor {
  checkTensorArg("linear", "input", 1, input);
  checkTensorArg("linear", "weight", 2, weight);
  const b = isTensor(bias) ? bias : bias?.bias ?? null;
  if (b !== null && input.dim() === 2) return addmm(b, input, weight.t());
  if (b !== null && input.dim() === 3 && input.isContiguous()) {
    const [n, m, k] = input.shape;
    const out = addmm(b, input.view([n * m, k]), weight.t());
    return out.view([n, m, out.shape[1]]);
  }
  const out = input.matmul(weight.t());
  return b === null ? out : out.add(b);
}

/**
 * y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o].
 * @example F.bilinear(torch.ones([1, 2]), torch.ones([1, 2]), torch.ones([1, 2, 2]), torch.zeros([1])) // tensor([[4.]])
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensorArg("bilinear", "input1", 1, input1);
  checkTensorArg("bilinear", "input2", 2, input2);
  checkTensorArg("bilinear", "weight", 3, weight);
  if (input1.dim() !== input2.dim()) throw new RuntimeError(`bilinear(): input dimensions do not match: got ${input1.dim()} and ${input2.dim()}`);
  for (let i = 0; i < input1.dim() - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) throw new RuntimeError(`bilinear(): input batch dimensions do not match at dim ${i}: got ${input1.shape[i]} and ${input2.shape[i]}`);
  }
  const i1 = input1.shape[input1.dim() - 1], i2 = input2.shape[input2.dim() - 1];
  if (i1 !== weight.shape[1]) throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${i1} but expected ${weight.shape[1]}`);
  if (i2 !== weight.shape[2]) throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${i2} but expected ${weight.shape[2]}`);
  if (bias !== null && bias.shape[0] !== weight.shape[0]) {
    throw new RuntimeError(`bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${weight.shape[0]}`);
  }
  const lead = input1.shape.slice(0, -1);
  const y = einsum("bi,oij,bj->bo", input1.reshape([-1, i1]), weight, input2.reshape([-1, i2])).reshape([...lead, weight.shape[0]]);
  return bias === null ? y : y.add(bias);
}

export interface EmbeddingOptions { paddingIdx?: number | null; maxNorm?: number | null; normType?: number }

interface EmbeddingParams { readonly indices: Tensor; readonly paddingIdx: number; readonly rows: number }

const EMBEDDING: GradSpec<EmbeddingParams> = {
  node: "EmbeddingBackward0",
  // d weight: each output row's gradient added to the row it was read from (none to paddingIdx)
  backward: ([g], _s, p) => {
    const idx = p.indices.reshape([-1]);
    const d = g.shape[g.dim() - 1];
    const rows = g.reshape([-1, d]).mul(idx.ne(p.paddingIdx).unsqueeze(1));
    return [zeros([p.rows, d], { dtype: g.dtype }).indexAdd(0, idx, rows)];
  },
  // linear in the weight: the tangent's rows read at the same indices
  jvp: ([t], s, p) => [t && t.indexSelect(0, p.indices.reshape([-1])).reshape([...s.output(0).shape])],
};

const TENSOR_TYPE: Record<string, string> = { float32: "FloatTensor", float64: "DoubleTensor", bool: "BoolTensor", int32: "IntTensor", int64: "LongTensor" };

/**
 * Rows of `weight` [V, D] at the int indices `input`: shape input.shape + [D]. Rows at `paddingIdx`
 * get no gradient; `maxNorm` renormalizes the looked-up rows of weight in place first.
 * @example F.embedding(torch.tensor([1, 0], { dtype: "int64" }), torch.tensor([[0, 1], [2, 3]])) // tensor([[2., 3.], [0., 1.]])
 */
export function embedding(input: Tensor, weight: Tensor, ...args: (number | null | EmbeddingOptions)[]): Tensor {
  checkTensorArg("embedding", "input", 1, input);
  checkTensorArg("embedding", "weight", 2, weight);
  const o = readNamed(args, ["paddingIdx", "maxNorm", "normType"], { paddingIdx: null as number | null, maxNorm: null as number | null, normType: 2 });
  const v = weight.shape[0] ?? 0;
  let pad = -1;
  if (o.paddingIdx !== null) {
    if (o.paddingIdx >= v || o.paddingIdx < -v) throw new RuntimeError("Padding_idx must be within num_embeddings");
    pad = o.paddingIdx < 0 ? o.paddingIdx + v : o.paddingIdx;
  }
  if (weight.dim() !== 2) throw new RuntimeError("'weight' must be 2-D");
  if (input.dtype !== "int64" && input.dtype !== "int32") {
    throw new RuntimeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${TENSOR_TYPE[input.dtype]} instead (while checking arguments for embedding)`);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([input, weight]) > 0 && o.maxNorm === null) return VM.embeddingRule(input.to("int64"), weight, pad);
  // ---- [vmap] end ----
  for (const i of contiguousData(input)) if (i < 0 || i >= v) throw new IndexError("index out of range in self");
  const idx = input.to("int64");
  if (o.maxNorm !== null) renormRows(weight, idx, o.maxNorm, o.normType);
  return fused(EMBEDDING, [weight], () => weight.indexSelect(0, idx.reshape([-1])).reshape([...input.shape, weight.shape[1]]),
    { indices: idx, paddingIdx: pad, rows: v });
}

/** PyTorch's embedding_renorm_: each referenced row with norm > maxNorm is scaled by maxNorm / (norm + 1e-7), in place, untracked. */
function renormRows(weight: Tensor, idx: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    for (const r of new Set(contiguousData(idx))) {
      const row = weight.select(0, r);
      const n = row.norm(normType).item();
      if (n > maxNorm) row.mul_(maxNorm / (n + 1e-7));
    }
  });
}

/**
 * int64 one-hot encoding: shape input.shape + [numClasses] (-1: max + 1).
 * @example F.oneHot(torch.tensor([0, 2], { dtype: "int64" }), 3) // tensor([[1, 0, 0], [0, 0, 1]])
 */
export function oneHot(input: Tensor, numClasses: number | { numClasses?: number } = -1): Tensor {
  checkTensorArg("one_hot", "tensor", 1, input);
  let n = typeof numClasses === "number" ? numClasses : numClasses.numClasses ?? -1;
  if (input.dtype !== "int64") throw new RuntimeError("one_hot is only applicable to index tensor.");
  const data = contiguousData(input);
  if (n === -1) {
    if (data.length === 0) throw new RuntimeError("Can not infer total number of classes from empty tensor.");
    n = Math.max(...data) + 1;
  }
  for (const v of data) {
    if (v < 0) throw new RuntimeError("Class values must be non-negative.");
    if (v >= n) throw new RuntimeError("Class values must be smaller than num_classes.");
  }
  return zeros([...input.shape, n], { dtype: "int64" }).scatter(-1, input.unsqueeze(-1), 1);
}

export interface DropoutOptions { p?: number; training?: boolean; inplace?: boolean; generator?: Generator }

/**
 * Zeroes each element with probability p (a bernoulli(1 - p) mask from the generator) and scales the
 * rest by 1 / (1 - p); `training: false` (or p = 0) returns the input itself.
 * @example torch.manualSeed(0); F.dropout(torch.ones(4), 0.5) // elements 0 or 2
 */
export function dropout(input: Tensor, ...args: (number | boolean | DropoutOptions)[]): Tensor {
  checkTensorArg("dropout", "input", 1, input);
  const o = readNamed(args, ["p", "training", "inplace"], { p: 0.5, training: true, inplace: false, generator: undefined as Generator | undefined });
  if (o.p < 0 || o.p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${o.p}`);
  if (o.p === 0 || !o.training || input.numel() === 0) return input;
  let noise: Tensor;
  if (o.p === 1) noise = zeros([], { dtype: input.dtype });
  else {
    noise = emptyLike(input);
    noise.bernoulli_(1 - o.p, o.generator ? { generator: o.generator } : {});
    noise.div_(1 - o.p);
  }
  return o.inplace ? input.mul_(noise) : input.mul(noise);
}

export interface AttentionOptions {
  attnMask?: Tensor | null; dropoutP?: number; isCausal?: boolean; scale?: number | null; generator?: Generator;
}

/**
 * softmax(q kᵀ · scale + mask) v over the last two dims (scale: 1 / sqrt(E)); a bool mask keeps the
 * positions where it is true, a float mask is added; `isCausal` keeps j <= i.
 * @example F.scaledDotProductAttention(torch.ones([1, 2, 4]), torch.ones([1, 3, 4]), torch.ones([1, 3, 4])).shape // [1, 2, 4]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, ...args: (Tensor | null | number | boolean | AttentionOptions)[]): Tensor {
  checkTensorArg("scaled_dot_product_attention", "query", 1, q);
  checkTensorArg("scaled_dot_product_attention", "key", 2, k);
  checkTensorArg("scaled_dot_product_attention", "value", 3, v);
  const o = readNamed(args, ["attnMask", "dropoutP", "isCausal", "scale"],
    { attnMask: null as Tensor | null, dropoutP: 0, isCausal: false, scale: null as number | null, generator: undefined as Generator | undefined });
  if (o.isCausal && o.attnMask !== null) throw new RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  const l = q.shape[q.dim() - 2], s = k.shape[k.dim() - 2];
  const scale = o.scale ?? 1 / Math.sqrt(q.shape[q.dim() - 1]);
  let scores = q.matmul(k.transpose(-2, -1)).mul(scale);
  const mask = o.isCausal ? ones([l, s], { dtype: "bool" }).tril() : o.attnMask;
  if (mask !== null) scores = mask.dtype === "bool" ? scores.maskedFill(mask.logicalNot(), -Infinity) : scores.add(mask);
  let attn = softmaxKernel("softmax", scores, -1, null);
  if (o.dropoutP > 0) attn = dropout(attn, o.dropoutP, { training: true, generator: o.generator });
  return attn.matmul(v);
}
