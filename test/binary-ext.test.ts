// Binary/ternary elementwise ops beyond the fixtures: where's NaN-free gradients, the double-where idiom, double backward, in-place clamp.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const f64 = (values: number[]) => torch.tensor(values, { dtype: "float64", requiresGrad: true });

test("where: the unselected branch gets exactly 0 gradient, even where its forward value is inf or nan", () => {
  const x = torch.tensor([1.5, Infinity, -2, NaN], { requiresGrad: true });
  const y = torch.tensor([NaN, 2.5, -Infinity, 0.5], { requiresGrad: true });
  const cond = torch.tensor([true, false, true, false]);
  const out = torch.where(cond, x, y);
  assert.deepEqual(out.tolist(), [1.5, 2.5, -2, 0.5]);
  out.backward(torch.tensor([Infinity, 1, 2, 3]));
  assert.deepEqual(x.grad!.tolist(), [Infinity, 0, 2, 0]);
  assert.deepEqual(y.grad!.tolist(), [0, 1, 0, 3]);
});

test("where: the double-where idiom keeps log's gradient finite, a single where does not (as in PyTorch)", () => {
  const x = torch.tensor([0, 2], { requiresGrad: true });
  const mask = x.gt(0);
  torch.where(mask, torch.where(mask, x, 1).log(), 0).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [0, 0.5]);
  const z = torch.tensor([0, 2], { requiresGrad: true });
  torch.where(z.gt(0), z.log(), 0).sum().backward();
  assert.ok(Number.isNaN((z.grad!.tolist() as number[])[0]));
});

test("double backward through the new ops matches finite differences", () => {
  const a = f64([2.5625, -3.5625, 1.3125]), b = f64([0.75, -1.5, 2.25]), w = f64([0.2, 0.7, 0.4]);
  const cases: [string, (...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
    ["atan2", (p, q) => torch.atan2(p, q), [a, b]],
    ["hypot", (p, q) => torch.hypot(p, q), [a, b]],
    ["remainder", (p, q) => torch.remainder(p, q).mul(p), [a, b]],
    ["fmod", (p, q) => torch.fmod(p, q).mul(q), [a, b]],
    ["copysign", (p, q) => torch.copysign(p, q).mul(p), [a, b]],
    ["lerp", (p, q, r) => torch.lerp(p, q, r), [a, b, w]],
    ["addcdiv", (p, q, r) => torch.addcdiv(p, q, r, { value: 0.5 }), [w, a, b]],
    ["addcmul", (p, q, r) => torch.addcmul(p, q, r, { value: -2 }), [w, a, b]],
    ["clamp", (p, q, r) => torch.clamp(p.mul(p), q, r), [a, b, w]],
    ["where", (p, q) => torch.where(p.gt(0), p.mul(q), q.mul(q)), [a, b]],
    ["fmax", (p, q) => torch.fmax(p, q).mul(p), [a, b]],
  ];
  for (const [name, fn, inputs] of cases) {
    // first-order gradients (weighted by a fixed vector), recorded so that gradcheck differentiates them again;
    // enableGrad: gradcheck's finite differences run under noGrad (the shared gradgradcheck trips on that)
    const weights = torch.tensor([0.5, -1.25, 0.75], { dtype: "float64" });
    const sumOfGrads = (xs: torch.Tensor[]): torch.Tensor => {
      const grads = torch.autograd.grad(fn(...xs), xs, { gradOutputs: [weights], createGraph: true });
      return grads.map((g) => g!.sum()).reduce((a, b) => a.add(b));
    };
    const firstOrder = (...xs: torch.Tensor[]): torch.Tensor => torch.enableGrad(() => sumOfGrads(xs));
    assert.ok(torch.autograd.gradcheck(firstOrder, inputs), name);
  }
});

test("clamp_ rewrites history in place; integer division by zero raises ZeroDivisionError", () => {
  const leaf = torch.tensor([-2, 0.5, 3], { requiresGrad: true });
  const y = leaf.mul(1);
  y.clamp_(-1, 1);
  assert.equal(y.gradFn!.name(), "ClampBackward1");
  y.sum().backward();
  assert.deepEqual(leaf.grad!.tolist(), [0, 1, 0]);
  const ints = torch.tensor([7, -7], { dtype: "int64" });
  assert.deepEqual(torch.div(ints, 2, { roundingMode: "floor" }).tolist(), [3, -4]);
  assert.throws(() => torch.remainder(ints, torch.tensor([1, 0], { dtype: "int64" })), { name: "RuntimeError", message: "ZeroDivisionError" });
  assert.deepEqual(torch.div(torch.tensor([7, -7]), 0).tolist(), [Infinity, -Infinity]);
});

test("method and function forms agree; allclose and equal return booleans", () => {
  const a = torch.tensor([1.5, -2.5]), b = torch.tensor([0.5, 2]);
  assert.deepEqual(a.remainder(b).tolist(), torch.remainder(a, b).tolist());
  assert.deepEqual(a.clip({ min: -1 }).tolist(), torch.clip(a, -1).tolist());
  assert.deepEqual(a.where(a.gt(0), b).tolist(), torch.where(a.gt(0), a, b).tolist());
  assert.equal(a.allclose(a.add(1e-9)), true);
  assert.equal(torch.equal(a, b), false);
});
