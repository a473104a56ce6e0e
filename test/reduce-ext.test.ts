// Reductions, scans and sorting beyond the fixtures: named-tuple typing, inf norms, double backward, aminmax and unique gradients.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const f64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float64", requiresGrad: true });

test("named tuples destructure by name and by position, in PyTorch's order", () => {
  const x = torch.tensor([[1, 5, 2], [7, 0, 7]]);
  const r = x.max(1);
  const { values, indices } = r;
  const [v, i] = r;
  assert.deepEqual(values.tolist(), [5, 7]);
  assert.deepEqual(indices.tolist(), [1, 0]);
  assert.equal(v, values);
  assert.equal(i, indices);
  assert.equal(indices.dtype, "int64");
  const { min, max } = torch.aminmax(x);
  const [lo, hi] = x.aminmax({ dim: 0 });
  assert.deepEqual([min.item(), max.item()], [0, 7]);
  assert.deepEqual([lo.tolist(), hi.tolist()], [[1, 0, 2], [7, 5, 7]]);
  for (const r of [x.sort(), x.topk(2), x.kthvalue(1), x.median(0), x.mode(), x.cummax(1), x.cummin(0), x.min(0, true)]) {
    assert.equal([...r].length, 2);
    assert.equal(r[0], r.values);
    assert.equal(r[1], r.indices);
  }
  assert.ok(x.max() instanceof torch.Tensor && x.max().dim() === 0);
  assert.deepEqual(x.max(torch.tensor([6, 1, 3])).tolist(), [[6, 5, 3], [7, 1, 7]]);
  assert.deepEqual(torch.min(x, { dim: 1 }).indices.tolist(), [0, 1]);
});

test("norm with p = ±Infinity matches PyTorch (values and gradients; fixtures cannot carry inf as p)", () => {
  // reference numbers printed by PyTorch 1.13 for the same input and weights 1..n
  const want: [number, number | null, number | number[], number[][]][] = [
    [Infinity, null, 3, [[0, -0.5, 0.5, 0], [0, 0, 0, 0]]],
    [Infinity, 1, [3, 2], [[0, -0.5, 0.5, 0], [1, -1, 0, 0]]],
    [-Infinity, null, 0, [[0, 0, 0, 0], [0, 0, 0, 0]]],
    [-Infinity, 1, [0.5, 0], [[0, 0, 0, 1], [0, 0, 0, 0]]],
  ];
  for (const [p, dim, value, grad] of want) {
    const x = f64([[1, -3, 3, 0.5], [2, -2, -1, 0]]);
    const y = dim === null ? x.norm(p) : x.norm(p, dim);
    assert.equal(y.gradFn?.name(), "NormBackward1");
    assert.deepEqual(y.tolist(), value);
    y.mul(torch.arange(1, y.numel() + 1, { dtype: "float64" }).reshape(y.shape)).sum().backward();
    assert.deepEqual((x.grad!.tolist() as number[][]).map((r) => r.map((e) => e + 0)), grad);
  }
  assert.deepEqual(torch.tensor([3, -4]).norm({ p: Infinity }).item(), 4);
});

/**
 * Second derivatives by hand: h(x) = <grad(<fn(x), v>, x), w> with createGraph; autograd's dh/dx
 * against central differences of h. (torch.autograd.gradgradcheck evaluates its function under
 * noGrad for the finite differences, so it cannot differentiate a gradient; see the report.)
 */
function doubleBackwardOk(fn: (x: torch.Tensor) => torch.Tensor, x0: torch.Tensor): boolean {
  const vals = (x0.tolist() as number[][]).flat();
  const make = (vs: number[]) => torch.tensor(vs, { dtype: "float64", requiresGrad: true }).reshape(x0.shape);
  const h = (x: torch.Tensor) => {
    const y = fn(x);
    const v = torch.tensor(Array.from({ length: y.numel() }, (_, i) => Math.sin(1 + 1.7 * i)), { dtype: "float64" }).reshape(y.shape);
    const [gx] = torch.autograd.grad([y], [x], { gradOutputs: [v], createGraph: true });
    const w = torch.tensor(Array.from({ length: x.numel() }, (_, i) => Math.cos(0.3 + 1.3 * i)), { dtype: "float64" }).reshape(x.shape);
    return gx!.mul(w).sum();
  };
  const x = make(vals);
  const hx = h(x);
  // a gradient that does not depend on x (linear ops, selections) has a zero second derivative
  const [ana] = hx.requiresGrad ? torch.autograd.grad([hx], [x], { allowUnused: true }) : [null];
  const analytic = ana === null ? vals.map(() => 0) : (ana.reshape(-1).tolist() as number[]);
  const eps = 1e-6;
  return vals.every((_, j) => {
    const at = (d: number) => h(make(vals.map((v, k) => (k === j ? v + d : v)))).item();
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    return Math.abs(numeric - analytic[j]) <= 1e-5 + 1e-3 * Math.abs(numeric);
  });
}

test("double backward through the new gradients, zeros included", () => {
  // zeros in rows 0 and 2; no ties along either dim (selection gradients jump at ties)
  const zeros = () => f64([[2, 0, 3], [0.5, -0.75, -1.5], [1, 2, 0]]);
  const cases: [string, (x: torch.Tensor) => torch.Tensor][] = [
    ["cumprod with zeros", (x) => x.cumprod(1)],
    ["cumprod without zeros", (x) => x.add(5).cumprod(0)],
    ["prod with zeros (all)", (x) => x.prod()],
    ["prod with zeros (dim)", (x) => x.prod(1)],
    ["prod with one zero (all)", (x) => x.narrow(0, 0, 2).prod()],
    ["cumprod with zeros along dim 0", (x) => x.cumprod(0)],
    ["cumsum", (x) => x.cumsum(0)],
    ["max(dim)", (x) => x.max(1).values],
    ["sort", (x) => x.sort(0, true).values],
    ["topk", (x) => x.topk(2).values],
    ["cummax", (x) => x.cummax(1).values],
    ["logsumexp", (x) => x.logsumexp(1)],
    ["var", (x) => x.var(0)],
    ["std", (x) => x.add(1).std(1)],
    ["norm p=3", (x) => x.add(0.3).norm(3, 1)],
    ["median(dim)", (x) => x.median(1).values],
  ];
  for (const [name, fn] of cases) {
    assert.ok(torch.autograd.gradcheck(fn, [zeros()]), name);
    assert.ok(doubleBackwardOk(fn, zeros()), name);
  }
});

test("aminmax gradient splits each of min and max evenly among ties (AminmaxBackward0, PyTorch >= 2.0)", () => {
  const x = torch.tensor([[1, 3, 3], [0, 0, 2]], { requiresGrad: true });
  const { min, max } = torch.aminmax(x, { dim: 1 });
  assert.equal(min.gradFn?.name(), "AminmaxBackward0");
  min.sum().add(max.sum()).backward();
  assert.deepEqual(x.grad!.tolist(), [[1, 0.5, 0.5], [0.5, 0.5, 1]]);
});

test("unique is not differentiable, as in PyTorch (backward raises NotImplementedError)", () => {
  const x = torch.tensor([3, 1, 3], { requiresGrad: true });
  const u = torch.unique(x) as torch.Tensor;
  assert.equal(u.gradFn?.name(), "Unique2Backward0");
  assert.throws(() => u.sum().backward(), (e: unknown) => e instanceof torch.errors.NotImplementedError && e.message === "the derivative for '_unique2' is not implemented.");
  const ud = torch.unique(x.reshape([3, 1]), { dim: 0 }) as torch.Tensor;
  assert.equal(ud.gradFn?.name(), "UniqueDimBackward0");
  assert.deepEqual(ud.tolist(), [[1], [3]]);
  assert.throws(() => ud.sum().backward(), (e: unknown) => e instanceof torch.errors.NotImplementedError && e.message === "the derivative for 'unique_dim' is not implemented.");
});

test("max()/min() without dim split the gradient among ties, max(dim) sends it to the returned index", () => {
  const x = torch.tensor([2, 5, 5, 1], { requiresGrad: true });
  x.max().backward();
  assert.deepEqual(x.grad!.tolist(), [0, 0.5, 0.5, 0]);
  const y = torch.tensor([2, 5, 5, 1], { requiresGrad: true });
  y.max(0).values.backward();
  assert.deepEqual(y.grad!.tolist(), [0, 1, 0, 0]);
});
