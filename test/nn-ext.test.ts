// torch.nn.functional beyond the fixtures: dropout's random stream, running statistics, padding gradients, double backward, rmsNorm and attention vs float64 references.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const F = torch.nn.functional;
const f64 = { dtype: "float64" as const };

function close(actual: number[], expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * (1 + Math.abs(expected[i])), `element ${i}: ${a} vs ${expected[i]}`));
}
const flat = (t: torch.Tensor): number[] => t.reshape([-1]).tolist() as number[];

test("dropout draws PyTorch's mask from the seeded generator and scales by 1/(1-p)", () => {
  torch.manualSeed(0);
  assert.deepEqual(F.dropout(torch.ones([8]), 0.5).tolist(), [0, 0, 2, 0, 0, 0, 2, 2]);
  torch.manualSeed(3);
  close(flat(F.dropout(torch.arange(6).reshape([2, 3]), 0.25)), [0, 1.3333333730697632, 0, 4, 0, 6.6666669845581055]);
});

test("dropout: statistics, identity when not training, in place, gradient is the mask", () => {
  torch.manualSeed(1);
  const x = torch.ones([20000]);
  const y = F.dropout(x, 0.3);
  const kept = (y.ne(0).sum().item()) / 20000;
  assert.ok(Math.abs(kept - 0.7) < 0.02, `kept fraction ${kept}`);
  close([y.amax().item()], [1 / 0.7]);
  close([y.mean().item()], [1], 0.03);
  const z = torch.ones([3]);
  assert.equal(F.dropout(z, 0.5, false), z);
  assert.equal(F.dropout(z, { p: 0.5, training: false }), z);
  const w = torch.ones([6]);
  const r = F.dropout(w, 0.5, { inplace: true });
  assert.equal(r, w);
  assert.ok(flat(w).every((v) => v === 0 || v === 2));
  const leaf = torch.ones([50], { requiresGrad: true });
  const out = F.dropout(leaf, 0.5);
  assert.equal(out.gradFn?.name(), "MulBackward0");
  out.sum().backward();
  assert.deepEqual(flat(leaf.grad!), flat(out.detach()));
});

test("batchNorm in training updates running stats as PyTorch (unbiased running variance)", () => {
  const rm = torch.tensor([0, 1, 2]), rv = torch.tensor([1, 2, 3]);
  const x = torch.tensor([[1, 2, 3], [4, 0, -1], [2, 2, 5], [0.5, 1, 1]]);
  F.batchNorm(x, rm, rv, { training: true, momentum: 0.2 });
  close(flat(rm), [0.375, 1.0499999523162842, 2.0]);
  close(flat(rv), [1.2791666984558105, 1.783333420753479, 3.7333333492279053]);
});

test("instanceNorm averages the per-sample running stats back into the caller's tensors", () => {
  const rm = torch.zeros([3]), rv = torch.ones([3]);
  F.instanceNorm(torch.arange(24).reshape([2, 3, 4]).pow(0.5), { runningMean: rm, runningVar: rv });
  close(flat(rm), [0.23538199067115784, 0.32569944858551025, 0.3856036067008972]);
  close(flat(rv), [0.9299166798591614, 0.9050537347793579, 0.90317702293396]);
});

test("embedding: paddingIdx rows get no gradient; maxNorm renormalizes the looked-up rows in place", () => {
  const w = torch.arange(10, f64).reshape([5, 2]).requiresGrad_();
  const idx = torch.tensor([0, 2, 0, 1], { dtype: "int64" });
  const out = F.embedding(idx, w, { paddingIdx: 0 });
  assert.equal(out.gradFn?.name(), "EmbeddingBackward0");
  out.mul(torch.tensor([[1, 2], [3, 4], [5, 6], [7, 8]], f64)).sum().backward();
  assert.deepEqual(w.grad!.tolist(), [[0, 0], [7, 8], [3, 4], [0, 0], [0, 0]]);
  const m = torch.tensor([[3, 4], [0.3, 0.4], [6, 8]]);
  F.embedding(torch.tensor([0, 2], { dtype: "int64" }), m, { maxNorm: 1 });
  close(flat(m), [0.6, 0.8, 0.3, 0.4, 0.6, 0.8]);
  // the gradient of weight w.r.t. the output is linear: double backward through EmbeddingBackward0
  const w2 = torch.randn([4, 3], f64).requiresGrad_();
  assert.ok(torch.autograd.gradgradcheck((t: torch.Tensor) => F.embedding(torch.tensor([1, 3, 1], { dtype: "int64" }), t).square(), [w2]));
});

test("double backward of the fused nodes (gradgradcheck in float64)", () => {
  torch.manualSeed(0);
  const x = torch.randn([3, 4], f64).requiresGrad_();
  const t = torch.tensor([0, 3, 1], { dtype: "int64" });
  const p = torch.rand([3, 4], f64).requiresGrad_();
  const w = torch.randn([4], f64).requiresGrad_(), b = torch.randn([4], f64).requiresGrad_();
  const cases: [string, (...a: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
    ["softmax", (a) => torch.softmax(a, 1), [x]],
    ["logSoftmax", (a) => torch.logSoftmax(a, 0), [x]],
    ["crossEntropy", (a) => F.crossEntropy(a, t, { labelSmoothing: 0.1 }), [x]],
    ["nllLoss", (a) => F.nllLoss(a.logSoftmax(1), t, { reduction: "none" }), [x]],
    ["mseLoss", (a, c) => F.mseLoss(a, c), [x, p]],
    ["huberLoss", (a, c) => F.huberLoss(a, c, { delta: 0.5 }), [x, p]],
    ["bceWithLogits", (a, c) => F.binaryCrossEntropyWithLogits(a, c, { posWeight: torch.full([4], 2, f64) }), [x, p]],
    ["bce", (a, c) => F.binaryCrossEntropy(a.sigmoid(), c), [x, p]],
    ["layerNorm", (a, c, d) => F.layerNorm(a, [4], c, d), [x, w, b]],
    ["groupNorm", (a, c, d) => F.groupNorm(a.reshape([1, 4, 3]), 2, c, d), [x, w, b]],
    ["batchNorm", (a, c, d) => F.batchNorm(a, null, null, c, d, true), [x, w, b]],
  ];
  for (const [name, fn, inputs] of cases) assert.ok(torch.autograd.gradgradcheck(fn, inputs), name);
});

test("Tensor methods softmax / logSoftmax and torch functions agree", () => {
  const x = torch.tensor([[1, 2, 3], [0, -1, 5]]);
  assert.deepEqual(x.softmax(1).tolist(), torch.softmax(x, { dim: 1 }).tolist());
  assert.deepEqual(x.logSoftmax(-1).tolist(), F.logSoftmax(x, -1).tolist());
  close(flat(x.softmax(0, "float64")), flat(F.softmax(x.double(), 0)), 1e-12);
});

/** RMS norm over the last dim with plain loops, in float64. */
function rmsRef(rows: number[][], w: number[], eps: number): number[] {
  return rows.flatMap((r) => {
    const ms = r.reduce((s, v) => s + v * v, 0) / r.length;
    return r.map((v, j) => (v / Math.sqrt(ms + eps)) * w[j]);
  });
}

test("rmsNorm (not in PyTorch 1.13) matches a plain-loop float64 reference and gradchecks", () => {
  const rows = [[1, -2, 3], [0.5, 0.25, -4]];
  const w = [0.5, 2, -1];
  const out = F.rmsNorm(torch.tensor(rows, f64), [3], torch.tensor(w, f64), { eps: 1e-5 });
  close(flat(out), rmsRef(rows, w, 1e-5), 1e-12);
  // default eps: the dtype's machine epsilon
  close(flat(F.rmsNorm(torch.tensor(rows, f64), 3)), rmsRef(rows, [1, 1, 1], 2.220446049250313e-16), 1e-12);
  const x = torch.randn([2, 3, 4], f64).requiresGrad_(), ww = torch.randn([3, 4], f64).requiresGrad_();
  assert.ok(torch.autograd.gradcheck((a: torch.Tensor, c: torch.Tensor) => F.rmsNorm(a, [3, 4], c), [x, ww]));
  assert.throws(() => F.rmsNorm(torch.ones([2, 3]), [4]), /Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]/);
});

/** softmax(q kᵀ scale + mask) v with plain loops in float64 for one [L, E] x [S, E] x [S, Ev] head; mask[i][j] false drops j. */
function attentionRef(q: number[][], k: number[][], v: number[][], scale: number, mask?: (i: number, j: number) => boolean): number[] {
  return q.flatMap((qi, i) => {
    const s = k.map((kj, j) => (mask && !mask(i, j) ? -Infinity : qi.reduce((acc, x, e) => acc + x * kj[e], 0) * scale));
    const m = Math.max(...s);
    const ex = s.map((x) => Math.exp(x - m));
    const z = ex.reduce((a, b) => a + b, 0);
    return v[0].map((_, c) => ex.reduce((acc, p, j) => acc + (p / z) * v[j][c], 0));
  });
}

test("scaledDotProductAttention (not in PyTorch 1.13) matches a float64 reference, with masks, causal and scale", () => {
  torch.manualSeed(0);
  const q = torch.randn([3, 4], f64), k = torch.randn([5, 4], f64), v = torch.randn([5, 2], f64);
  const [qa, ka, va] = [q, k, v].map((t) => t.tolist() as number[][]);
  close(flat(F.scaledDotProductAttention(q, k, v)), attentionRef(qa, ka, va, 0.5), 1e-12);
  close(flat(F.scaledDotProductAttention(q, k, v, { scale: 0.3 })), attentionRef(qa, ka, va, 0.3), 1e-12);
  const keep = (i: number, j: number) => (i + 2 * j) % 3 !== 1;
  const boolMask = torch.tensor(Array.from({ length: 3 }, (_, i) => Array.from({ length: 5 }, (_, j) => keep(i, j))));
  close(flat(F.scaledDotProductAttention(q, k, v, { attnMask: boolMask })), attentionRef(qa, ka, va, 0.5, keep), 1e-12);
  const floatMask = torch.where(boolMask, 0, -Infinity).double();
  close(flat(F.scaledDotProductAttention(q, k, v, floatMask)), attentionRef(qa, ka, va, 0.5, keep), 1e-12);
  const q5 = torch.randn([5, 4], f64);
  close(flat(F.scaledDotProductAttention(q5, k, v, { isCausal: true })), attentionRef(q5.tolist() as number[][], ka, va, 0.5, (i, j) => j <= i), 1e-12);
  // batched heads: each [2, 3] slice is attention of its own
  const qb = torch.randn([2, 3, 3, 4], f64), kb = torch.randn([2, 3, 5, 4], f64), vb = torch.randn([2, 3, 5, 2], f64);
  const ob = F.scaledDotProductAttention(qb, kb, vb);
  close(flat(ob.index(1, 2)), attentionRef(qb.index(1, 2).tolist() as number[][], kb.index(1, 2).tolist() as number[][], vb.index(1, 2).tolist() as number[][], 0.5), 1e-12);
  const inputs = [q, k, v].map((t) => t.clone().requiresGrad_());
  assert.ok(torch.autograd.gradcheck((a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) => F.scaledDotProductAttention(a, b, c, { attnMask: boolMask }), inputs));
  assert.ok(torch.autograd.gradgradcheck((a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) => F.scaledDotProductAttention(a, b, c), inputs));
});
