// conv-ext: double backward (gradgradcheck) through convolutions, pooling, padding and resampling; the W5 timing budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const F = torch.nn.functional;
const rnd = (...shape: number[]) => torch.randn(shape, { dtype: "float64", requiresGrad: true });

test("double backward: conv2d / conv_transpose2d with stride, padding, dilation, groups, bias", () => {
  torch.manualSeed(0);
  const x = rnd(1, 4, 4, 3), w = rnd(4, 2, 3, 2), b = rnd(4), wt = rnd(4, 1, 2, 3);
  assert.ok(torch.autograd.gradgradcheck((a, c, d) => F.conv2d(a, c, d, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }), [x, w, b]));
  assert.ok(torch.autograd.gradgradcheck((a, c) => F.convTranspose2d(a, c, null, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [x, wt]));
  assert.ok(torch.autograd.gradgradcheck((a, c) => F.conv1d(a, c, null, { padding: "same" }), [rnd(1, 2, 6), rnd(3, 2, 4)]));
});

test("double backward: pooling, padding, resampling, fold", () => {
  torch.manualSeed(1);
  const x = rnd(1, 1, 5, 4);
  assert.ok(torch.autograd.gradgradcheck((a) => F.maxPool2d(a, 2, { stride: 1 }), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.avgPool2d(a, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.adaptiveAvgPool2d(a, [3, 4]), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.pad(a, [1, 2, 2, 1], { mode: "reflect" }), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.pad(a, [1, 2, -1, 1], { value: 2 }), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.interpolate(a, { size: [7, 4], mode: "bilinear", alignCorners: true }), [x]));
  assert.ok(torch.autograd.gradgradcheck((a) => F.fold(F.unfold(a, 2, { padding: 1 }), [5, 4], 2, { padding: 1 }), [x]));
});

test("torch.conv2d is F.conv2d; max pooling picks the first of tied maxima", () => {
  const x = torch.tensor([[[[1, 3, 3, 0]]]]);
  const w = torch.ones(1, 1, 1, 2);
  assert.deepEqual(torch.conv2d(x, w).tolist(), F.conv2d(x, w).tolist());
  const [, idx] = F.maxPool2d(x, [1, 4], { returnIndices: true });
  assert.deepEqual(idx.tolist(), [[[[1]]]]);
});

test("W5: conv2d [16,8,32,32] * [16,8,3,3] pad 1, forward + backward, well under a second on the ref backend", () => {
  const x = torch.randn(16, 8, 32, 32, { requiresGrad: true }), w = torch.randn(16, 8, 3, 3, { requiresGrad: true });
  F.conv2d(x, w, null, { padding: 1 }).sum().backward(); // warm-up
  const t0 = performance.now();
  F.conv2d(x, w, null, { padding: 1 }).sum().backward();
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
