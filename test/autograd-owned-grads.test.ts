// A leaf's first gradient is kept without a copy only when the engine alone holds it (Note [owned gradients]):
// gradients passed through, given by the caller, seen by hooks or shared between inputs are still copied.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import type { Tensor } from "tensorgrad";

const storageOf = (t: Tensor | null): unknown => (t as unknown as { _storage: { data: unknown } })._storage.data;

describe("leaf gradients: stolen only when the engine owns them", () => {
  test("a rule's fresh result becomes .grad without a copy; later backward passes accumulate into it", () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [2, 2, 2]);
    x.mul(3).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [5, 5, 5]);
  });

  test("one gradient passed to two inputs (add) gives each its own storage", () => {
    const a = torch.tensor([1, 2], { requiresGrad: true }), b = torch.tensor([3, 4], { requiresGrad: true });
    const w = torch.tensor([5, 6]);
    a.add(b).mul(w).sum().backward();
    assert.notEqual(storageOf(a.grad), storageOf(b.grad));
    a.grad!.add_(1);
    assert.deepEqual(b.grad!.tolist(), [5, 6]);
  });

  test("the caller's gradient, and a view of it passed through, are copied", () => {
    const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const g = torch.tensor([1, 1, 1, 1]);
    x.reshape([4]).backward(g);
    assert.notEqual(storageOf(x.grad), storageOf(g));
    g.mul_(7);
    assert.deepEqual(x.grad!.tolist(), [[1, 1], [1, 1]]);
    const y = torch.tensor([1, 2], { requiresGrad: true });
    const gy = torch.tensor([3, 4]);
    y.mul(1).backward(gy);
    gy.zero_();
    assert.deepEqual(y.grad!.tolist(), [3, 4]);
  });

  test("a gradient a hook saw is copied", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    let seen: Tensor | null = null;
    x.registerHook((g) => { seen = g; });
    x.mul(2).sum().backward();
    assert.notEqual(storageOf(x.grad), storageOf(seen));
    x.grad!.add_(10);
    assert.deepEqual(seen!.tolist(), [2, 2]);
  });

  test("a gradient captured by torch.autograd.grad for a non-leaf is not also stolen downstream", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const [gh] = torch.autograd.grad(h.mul(2).sum(), [h], { retainGraph: true });
    assert.deepEqual(gh!.tolist(), [2, 2]);
    h.mul(2).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [6, 6]);
    assert.deepEqual(gh!.tolist(), [2, 2]);
  });

  test("linear's weight gradient arrives in the weight's layout and is stored without a copy", () => {
    torch.manualSeed(1);
    const x = torch.randn([5, 4]), w = torch.randn([3, 4], { requiresGrad: true }), b = torch.randn([3], { requiresGrad: true });
    const copies = { n: 0 };
    const inner = torch.backends.getBackend();
    const counting = { ...inner, copy: (src: Parameters<typeof inner.copy>[0], dst: Parameters<typeof inner.copy>[1]) => { copies.n++; inner.copy(src, dst); } };
    const loss = torch.nn.functional.linear(x, w, b).tanh().sum();
    const prev = torch.backends.setBackend(counting);
    try { loss.backward(); } finally { torch.backends.setBackend(prev); }
    assert.equal(copies.n, 0);
    assert.deepEqual(w.grad!.stride(), [4, 1]);
    const want = torch.tanh(x.matmul(w.detach().t()).add(b.detach())).square().neg().add(1).t().matmul(x);
    assert.ok(torch.allclose(w.grad!, want, { rtol: 1e-5, atol: 1e-6 }));
  });

  test("a pass-through view of a gradient captured for a non-leaf input is copied, not shared", () => {
    const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const h = x.t();
    h.mul(torch.tensor([[1, 2], [3, 4], [5, 6]])).sum().backward({ inputs: [h, x] });
    assert.deepEqual(x.grad!.tolist(), [[1, 3, 5], [2, 4, 6]]);
    x.grad!.zero_();
    assert.deepEqual(h.grad!.tolist(), [[1, 2], [3, 4], [5, 6]]);
  });
});
