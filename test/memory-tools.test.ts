// Saved-tensor hooks and activation checkpointing: same gradients, provably less saved for backward.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const { savedTensorStats, savedTensorsHooks } = torch.autograd.graph;
const { checkpoint } = torch.utils.checkpoint;

/** A segment that saves a tensor at every step when recorded normally. */
const segment = (h: torch.Tensor) => {
  let y = h;
  for (let i = 0; i < 10; i++) y = y.tanh().mul(y);
  return y;
};

test("checkpoint gives the same gradients while the graph keeps far fewer saved elements", () => {
  torch.manualSeed(0);
  const x1 = torch.randn(1000, { dtype: "float64", requiresGrad: true });
  const x2 = x1.detach().clone().requiresGrad_();
  const direct = segment(x1.mul(2)).sum();
  const ckpt = checkpoint(segment, x2.mul(2)).sum();
  const full = savedTensorStats(direct), cut = savedTensorStats(ckpt);
  assert.ok(full.elements >= 20_000, `direct graph keeps ${full.elements} elements`);
  assert.ok(cut.elements <= 2_001, `checkpointed graph keeps ${cut.elements} elements`);
  direct.backward();
  ckpt.backward();
  assert.ok(x1.grad!.sub(x2.grad!).abs().amax().item() < 1e-12);
  assert.equal(savedTensorStats(direct).elements, 0, "saved tensors are freed after backward");
});

test("checkpoint works for several inputs and outputs, and under createGraph", () => {
  const a = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const b = torch.tensor([3, 4], { dtype: "float64", requiresGrad: true });
  const [p, q] = checkpoint((u, v) => [u.mul(v), u.pow(2)], a, b);
  p.add(q).sum().backward();
  assert.deepEqual(a.grad!.tolist(), [5, 8]);
  assert.deepEqual(b.grad!.tolist(), [1, 2]);
});

test("savedTensorsHooks packs every saved tensor and unpacks it for backward", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  let packed = 0, unpacked = 0;
  const y = savedTensorsHooks(
    (t) => { packed++; return t.tolist(); },
    (p) => { unpacked++; return torch.tensor(p as number[]); },
    () => x.mul(x).exp().sum(),
  );
  assert.equal(packed, 3); // mul saves both inputs, exp its output
  y.backward();
  assert.equal(unpacked, 3);
  const expected = x.detach().mul(x.detach()).exp().mul(x.detach().mul(2));
  assert.ok(x.grad!.sub(expected).abs().amax().item() < 1e-3);
});

test("saved-tensor hooks keep the in-place version check while the original is alive", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const a = x.mul(1);
  const y = savedTensorsHooks((t) => t.clone(), (p) => p as torch.Tensor, () => a.mul(a));
  a.add_(1);
  assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
});
