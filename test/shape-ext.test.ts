// Scenarios of the shape-ext families that one OpInfo call cannot show: in-place on multi-output views, several outputs in one backward.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const multiViewMessage = (n: number, node: string) =>
  `Output ${n} of ${node} is a view and is being modified inplace. This view is the output of a function that returns multiple views. ` +
  "Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.";

// messages checked against PyTorch 1.13
test("in-place on an output of unbind / split / chunk raises PyTorch's multi-output view error", () => {
  const x = torch.randn(3, 2, { requiresGrad: true });
  const cases: [() => unknown, string][] = [
    [() => x.unbind()[0].add_(1), multiViewMessage(0, "UnbindBackward0")],
    [() => x.split(1)[0].add_(1), multiViewMessage(0, "SplitBackward0")],
    [() => x.split([1, 2])[1].mul_(2), multiViewMessage(1, "SplitWithSizesBackward0")],
    [() => x.chunk(3)[2].zero_(), multiViewMessage(2, "SplitBackward0")],
    [() => x.mul(1).unbind(1)[1].add_(1), multiViewMessage(1, "UnbindBackward0")],
  ];
  for (const [f, message] of cases) assert.throws(f, (e: unknown) => e instanceof torch.errors.RuntimeError && e.message === message);
});

test("views from unbind made under noGrad keep the no_grad view error; without grad in-place is allowed", () => {
  const y = torch.randn(3, 2, { requiresGrad: true }).mul(1);
  const b = torch.noGrad(() => y.unbind()[0]);
  assert.throws(() => b.add_(1), /A view was created in no_grad mode/);
  const plain = torch.zeros(2, 2);
  plain.unbind()[1].add_(1);
  assert.deepEqual(plain.tolist(), [[0, 0], [1, 1]]);
});

test("gradients from several outputs of split and unbind meet in one backward", () => {
  const x = torch.arange(6).reshape(3, 2).requiresGrad_();
  const [a, b] = x.split([1, 2]);
  a.mul(2).sum().add(b.mul(3).sum()).backward();
  assert.deepEqual(x.grad!.tolist(), [[2, 2], [3, 3], [3, 3]]);
  const z = torch.arange(6).reshape(3, 2).requiresGrad_();
  const [, second] = z.unbind(1);
  second.sum().backward();
  assert.deepEqual(z.grad!.tolist(), [[0, 1], [0, 1], [0, 1]]);
});

test("cat promotes dtypes and sends each input its gradient in its own dtype", () => {
  const a = torch.ones(2, { requiresGrad: true });
  const b = torch.ones(1, { dtype: "float64", requiresGrad: true });
  const c = torch.cat([a, b, torch.tensor([1], { dtype: "int32" })]);
  assert.equal(c.dtype, "float64");
  c.mul(torch.tensor([1, 2, 3, 4], { dtype: "float64" })).sum().backward();
  assert.equal(a.grad!.dtype, "float32");
  assert.deepEqual(a.grad!.tolist(), [1, 2]);
  assert.deepEqual(b.grad!.tolist(), [3]);
});

test("scatter_add with a src larger than its index: untouched src elements get zero gradient (PyTorch 1.13 refuses)", () => {
  const src = torch.tensor([1, 2, 3, 4, 5], { requiresGrad: true });
  const out = torch.zeros(3).scatterAdd(0, torch.tensor([2, 2, 0], { dtype: "int64" }), src);
  assert.deepEqual(out.tolist(), [3, 0, 3]);
  out.mul(torch.tensor([1, 10, 100])).sum().backward();
  assert.deepEqual(src.grad!.tolist(), [100, 100, 1, 0, 0]);
});

test("nonzero and maskedSelect agree on positions; take wraps negative indices", () => {
  const x = torch.tensor([[0, 3], [4, 0]]);
  assert.deepEqual((x.nonzero() as torch.Tensor).tolist(), [[0, 1], [1, 0]]);
  assert.deepEqual(x.maskedSelect(x.ne(0)).tolist(), [3, 4]);
  assert.deepEqual(x.take(torch.tensor([-1, 1], { dtype: "int64" })).tolist(), [0, 3]);
});
