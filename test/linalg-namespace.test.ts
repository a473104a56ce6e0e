// torch.linalg checks the generated op tests cannot express: ±inf norms (JSON has no Infinity), double backward, singular-matrix gradients and errors.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

/** Second derivatives against finite differences of the first. */
const doubleBackwardCheck = (fn: (...t: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[]): boolean => torch.autograd.gradgradcheck(fn, inputs);

// The fixture format cannot carry an infinite `ord`, so ±inf norms are checked against their definitions.
describe("±inf norms", () => {
  const x = torch.tensor([[1, -3, 0.5], [2, -2, 1.5]], { dtype: "float64", requiresGrad: true });
  test("vectorNorm(±inf) is amax/amin of |x|, with PyTorch's node and even split of tied gradients", () => {
    const y = torch.linalg.vectorNorm(x, Infinity, 1);
    assert.deepEqual(y.tolist(), [3, 2]);
    assert.equal(y.gradFn?.name(), "LinalgVectorNormBackward0");
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[0, -1, 0], [0.5, -0.5, 0]]);
    assert.deepEqual(torch.linalg.vectorNorm(x, -Infinity).tolist(), 0.5);
  });
  test("matrixNorm(±inf) is the max/min row sum of |A| (AmaxBackward0/AminBackward0)", () => {
    const inf = torch.linalg.matrixNorm(x, Infinity), ninf = torch.linalg.matrixNorm(x, { ord: -Infinity, keepdim: true });
    assert.equal(inf.item(), 5.5);
    assert.equal(inf.gradFn?.name(), "AmaxBackward0");
    assert.deepEqual(ninf.tolist(), [[4.5]]);
    assert.equal(ninf.gradFn?.name(), "AminBackward0");
    assert.equal(torch.linalg.norm(x, -Infinity, 1).gradFn?.name(), "LinalgVectorNormBackward0");
  });
  test("gradcheck and double backward of the ±inf and p norms (no ties)", () => {
    const a = torch.tensor([[1, -3, 0.5], [2, -2.5, 1.5]], { dtype: "float64", requiresGrad: true });
    for (const ord of [Infinity, -Infinity, 3, 1.5, 0.5, 2]) {
      assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => torch.linalg.vectorNorm(t, ord, 1), [a]), `ord ${ord}`);
      assert.ok(doubleBackwardCheck((t: torch.Tensor) => torch.linalg.vectorNorm(t, ord, 1), [a]), `ord ${ord}`);
    }
    assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => torch.linalg.matrixNorm(t, -Infinity), [a]));
  });
  test("nuc and ±2 matrix norms come from the singular values", () => {
    const s = torch.linalg.svdvals(x);
    assert.ok(Math.abs(torch.linalg.matrixNorm(x, "nuc").item() - s.sum(-1).item()) < 1e-12);
    assert.ok(Math.abs(torch.linalg.matrixNorm(x, -2).item() - s.amin(-1).item()) < 1e-12);
  });
});

describe("double backward through composite products", () => {
  const r = (...s: number[]) => torch.randn(s, { dtype: "float64" }).requiresGrad_();
  test("einsum (diagonal, contraction, ellipsis), tensordot, kron, cross, addmm, baddbmm, addmv", () => {
    torch.manualSeed(0);
    const cases: [string, (...t: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
      ["einsum iij,jk", (a, b) => torch.einsum("iij,jk->ik", a, b), [r(2, 2, 3), r(3, 2)]],
      ["einsum ...ij,...jk", (a, b) => torch.einsum("...ij,...jk", a, b), [r(2, 2, 3), r(3, 2)]],
      ["tensordot", (a, b) => torch.tensordot(a, b, 2), [r(2, 3, 2), r(3, 2, 2)]],
      ["kron", (a, b) => torch.kron(a, b), [r(2, 2), r(2)]],
      ["cross", (a, b) => torch.cross(a, b, 1), [r(2, 3), r(2, 3)]],
      ["addmm", (c, a, b) => torch.addmm(c, a, b, { beta: 0.5, alpha: 2 }), [r(3), r(2, 2), r(2, 3)]],
      ["baddbmm", (c, a, b) => torch.baddbmm(c, a, b, { alpha: -1 }), [r(2, 1, 3), r(2, 2, 2), r(2, 2, 3)]],
      ["addmv", (c, a, b) => torch.addmv(c, a, b, { beta: 2 }), [r(2), r(2, 3), r(3)]],
    ];
    for (const [name, fn, inputs] of cases) assert.ok(doubleBackwardCheck(fn, inputs), name);
  });
});

describe("LU-based ops (det, slogdet, inv, solve, lu_factor)", () => {
  const a = torch.tensor([[2, 0.5, -0.25], [0.375, -2, 0.5], [0.125, 0.25, 2]], { dtype: "float64", requiresGrad: true });
  const b = torch.tensor([[1, -2], [0.5, 3], [2, 1]], { dtype: "float64", requiresGrad: true });
  test("double backward: det, logabsdet, inv, solve (left, right, vector), lu_factor", () => {
    const cases: [string, (...t: torch.Tensor[]) => torch.Tensor, torch.Tensor[]][] = [
      ["det", (x) => torch.linalg.det(x), [a]],
      ["logabsdet", (x) => torch.linalg.slogdet(x).logabsdet, [a]],
      ["inv", (x) => torch.linalg.inv(x), [a]],
      ["solve", (x, y) => torch.linalg.solve(x, y), [a, b]],
      ["solve left=false", (x, y) => torch.linalg.solve(x, y.mT, { left: false }), [a, b]],
      ["solve vector", (x, y) => torch.linalg.solve(x, y.select(1, 0)), [a, b]],
      ["lu_factor", (x) => torch.linalg.luFactor(x).LU, [a]],
    ];
    for (const [name, fn, inputs] of cases) assert.ok(doubleBackwardCheck(fn, inputs), name);
  });
  test("det of a singular matrix is 0, and its gradient is the cofactor matrix (later PyTorch; 1.13 returned zeros)", () => {
    const s = torch.tensor([[1, 2, 3], [2, 4, 6], [1, 1, 1]], { dtype: "float64", requiresGrad: true });
    const d = torch.linalg.det(s);
    assert.ok(d.item() === 0, "det is ±0"); // -0 here, as in PyTorch
    d.backward();
    // C_ij = (-1)^(i+j) det(minor_ij)
    assert.deepEqual(s.grad!.add(0).tolist(), [[-2, 4, -2], [1, -2, 1], [0, 0, 0]]); // add(0): -0 to 0
    assert.ok(torch.autograd.gradcheck((x: torch.Tensor) => torch.linalg.det(x), [s.detach().requiresGrad_()]));
  });
  test("slogdet is a named tuple; a gradient reaching only sign leaves A's gradient undefined", () => {
    const x = a.detach().requiresGrad_();
    const { sign, logabsdet } = torch.linalg.slogdet(x);
    const [s2, l2] = torch.slogdet(x);
    assert.equal(sign.item(), s2.item());
    assert.equal(logabsdet.item(), l2.item());
    assert.ok(Math.abs(sign.item() * Math.exp(logabsdet.item()) - torch.det(x).item()) < 1e-12);
    sign.backward();
    assert.equal(x.grad, null);
  });
  test("singular inputs throw LinAlgError (a RuntimeError named _LinAlgError) from inv and solve", () => {
    const z = torch.zeros(2, 2);
    assert.throws(() => torch.inverse(z), (e: unknown) => e instanceof torch.linalg.LinAlgError && e instanceof torch.errors.RuntimeError && e.name === "_LinAlgError");
    assert.throws(() => torch.linalg.solve(z, torch.ones(2)), /The solver failed because the input matrix is singular/);
  });
  test("inv and solve agree with their definitions on a broadcast batch", () => {
    const batch = torch.stack([a.detach(), a.detach().mT]);
    const eye = torch.eye(3, { dtype: "float64" });
    assert.ok(torch.linalg.inv(batch).matmul(batch).sub(eye).abs().max().item() < 1e-12);
    const x = torch.linalg.solve(batch, b.detach());
    assert.ok(batch.matmul(x).sub(b.detach()).abs().max().item() < 1e-12);
    const { LU, pivots } = torch.linalg.luFactor(batch);
    assert.equal(pivots.dtype, "int32");
    assert.deepEqual(LU.shape, [2, 3, 3]);
  });
});
