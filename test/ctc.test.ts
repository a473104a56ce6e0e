// CTC loss beyond the fixtures: gradcheck through log_softmax (PyTorch's gradient assumes one), the refused second derivative, empty inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const F = torch.nn.functional;
const logits = (shape: number[]) => torch.randn(shape, { dtype: "float64" }).requiresGrad_();
const padded = torch.tensor([[1, 2, 2], [3, 1, 0]], { dtype: "int64" });

test("ctcLoss gradient (CtcLossBackward0) passes gradcheck with respect to the logits of a log_softmax", () => {
  torch.manualSeed(3);
  const x = logits([6, 2, 4]);
  for (const reduction of ["mean", "sum", "none"] as const) {
    const fn = (t: torch.Tensor) => F.ctcLoss(t.logSoftmax(2), padded, [6, 4], [3, 2], { reduction });
    assert.ok(torch.autograd.gradcheck(fn, [x]), reduction);
  }
  const concat = torch.tensor([1, 2, 2, 3, 1], { dtype: "int64" });
  assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => F.ctcLoss(t.logSoftmax(2), concat, [5, 6], [3, 2], { blank: 0, reduction: "sum" }), [x]));
  const y = logits([5, 3]); // unbatched, blank 2
  assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => F.ctcLoss(t.logSoftmax(1), torch.tensor([0, 1, 1], { dtype: "int64" }), [5], [3], 2, "none"), [y]));
  // an infinite loss with zeroInfinity: that sample contributes nothing
  assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => F.ctcLoss(t.logSoftmax(2), padded, [6, 1], [3, 2], { zeroInfinity: true }), [x]));
});

test("ctcLoss is differentiable once: the second derivative raises PyTorch's error", () => {
  const lp = torch.randn([5, 2, 4], { dtype: "float64" }).logSoftmax(2).detach().requiresGrad_();
  const loss = F.ctcLoss(lp, padded, [5, 4], [3, 2], { reduction: "sum" });
  assert.equal(loss.gradFn?.name(), "SumBackward0");
  const g = torch.autograd.grad([loss], [lp], { createGraph: true })[0]!;
  assert.equal(g.gradFn?.name(), "NotImplemented");
  assert.throws(() => g.sum().backward(), (e: unknown) => e instanceof torch.errors.RuntimeError && e.message === "derivative for aten::_ctc_loss_backward is not implemented");
  const plain = torch.autograd.grad([F.ctcLoss(lp, padded, [5, 4], [3, 2])], [lp])[0]!;
  assert.equal(plain.requiresGrad, false);
});

test("an empty input: loss 0 for an empty target, inf otherwise (later PyTorch; 1.13 reads out of bounds)", () => {
  const lp = torch.randn([4, 2, 3]).logSoftmax(2).requiresGrad_();
  const loss = F.ctcLoss(lp, torch.tensor([[1, 2], [0, 0]], { dtype: "int64" }), [0, 0], [2, 0], { reduction: "none" });
  assert.deepEqual(loss.tolist(), [Infinity, 0]);
  F.ctcLoss(lp, torch.tensor([[1, 2], [0, 0]], { dtype: "int64" }), [4, 0], [2, 0], { reduction: "sum" }).backward();
  assert.deepEqual(lp.grad!.select(1, 1).tolist(), [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
});
