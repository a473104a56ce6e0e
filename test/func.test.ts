// torch.func transforms against functorch (PyTorch 1.13): grad, vjp, jvp, jacrev, jacfwd, hessian, third derivatives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";

const fx = JSON.parse(readFileSync(new URL("./fixtures/func.json", import.meta.url), "utf8")) as Record<string, unknown>;
const f64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float64" });
const X = f64([0.5, -1.25, 2.0]);
const Y = f64([1.5, 0.25, -0.75]);
const M = f64([[1.0, -2.0, 0.5], [0.25, 1.5, -1.0]]);
type T = torch.Tensor;

const fScalar = (x: T) => x.tanh().mul(x).sum();
const fVec = (x: T) => M.matmul(x).tanh().mul(x.index(torch.slice(null, 2)));
const fTwo = (x: T, y: T) => x.mul(y.exp()).sum().add(x.pow(2).sum());
const softmaxNet = (x: T) => {
  const e = M.matmul(x).tanh().exp();
  return e.div(e.sum()).mul(f64([1, 2])).sum();
};

function close(actual: T | number, expected: unknown, what: string): void {
  const a = typeof actual === "number" ? [actual] : (actual.reshape(-1).tolist() as number[]);
  const e = (Array.isArray(expected) ? expected : [expected]) as number[];
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= 1e-7 + 1e-7 * Math.abs(e[i]), `${what}[${i}]: ${v} vs ${e[i]}`));
}

test("grad, argnums, gradAndValue", () => {
  close(torch.func.grad(fScalar)(X) as T, fx.grad, "grad");
  const [gx, gy] = torch.func.grad(fTwo, { argnums: [0, 1] })(X, Y) as T[];
  const want = fx.grad_argnums as number[][];
  close(gx, want[0], "grad x");
  close(gy, want[1], "grad y");
  const [g, v] = torch.func.gradAndValue(fScalar)(X);
  const gv = fx.grad_and_value as [number[], number];
  close(g as T, gv[0], "grad_and_value grad");
  close((v as T).item(), gv[1], "grad_and_value value");
  assert.equal((g as T).requiresGrad, false, "outermost results are detached");
});

test("grad composes: grad(grad(f)) of a scalar function", () => {
  const gg = torch.func.grad(torch.func.grad((s: T) => s.tanh().mul(s.pow(3))) as (s: T) => T)(f64([0.7]).reshape([]));
  close(gg as T, fx.grad_grad, "grad(grad)");
});

test("vjp and jvp", () => {
  const [, vjpFn] = torch.func.vjp(fVec, X);
  close(vjpFn(f64([1, -2]))[0], fx.vjp, "vjp");
  const [y, t] = torch.func.jvp(fVec, [X], [Y]);
  const want = fx.jvp as number[][];
  close(y, want[0], "jvp primal");
  close(t, want[1], "jvp tangent");
});

test("jacrev, jacfwd and hessian", () => {
  for (const [name, fn] of [["jacrev", torch.func.jacrev(fVec)], ["jacfwd", torch.func.jacfwd(fVec)]] as const) {
    const J = fn(X);
    const want = fx[name] as { shape: number[]; values: number[] };
    assert.deepEqual([...J.shape], want.shape);
    close(J, want.values, name);
  }
  const H = torch.func.hessian(fScalar)(X);
  const want = fx.hessian as { shape: number[]; values: number[] };
  assert.deepEqual([...H.shape], want.shape);
  close(H, want.values, "hessian");
});

test("Hessian and third derivatives through a small network (matmul, tanh, softmax)", () => {
  close(torch.func.hessian(softmaxNet)(X), fx.hessian_net, "hessian_net");
  const third = torch.func.jacfwd(torch.func.jacrev(torch.func.jacrev(softmaxNet)))(X);
  assert.deepEqual([...third.shape], [3, 3, 3]);
  close(third, fx.third_derivative, "third derivative");
});

test("Hessian-vector product with autograd.grad and createGraph", () => {
  const x = X.clone().requiresGrad_();
  const [g] = torch.autograd.grad(fScalar(x), x, { createGraph: true });
  const [hv] = torch.autograd.grad(g!, x, { gradOutputs: Y });
  const H = f64((fx.hessian as { values: number[] }).values).reshape(3, 3);
  close(hv!, H.matmul(Y).tolist() as number[], "hvp");
});

test("grad refuses non-scalar outputs and integer inputs", () => {
  assert.throws(() => torch.func.grad((x: T) => x.mul(2))(X), /Expected f\(\*args\) to return a scalar Tensor/);
  assert.throws(() => torch.func.grad((x: T) => x.sum())(torch.tensor([1, 2], { dtype: "int64" })), /real- or complex-valued inputs/);
});

test("gradcheck and gradgradcheck pass on smooth functions and catch a wrong gradient", () => {
  const x = torch.tensor([[0.5, -1], [2, 0.25]], { dtype: "float64", requiresGrad: true });
  const w = torch.tensor([[1, 2], [3, -4]], { dtype: "float64", requiresGrad: true });
  assert.ok(torch.autograd.gradcheck((a: T, b: T) => a.mm(b).tanh(), [x, w]));
  assert.ok(torch.autograd.gradgradcheck((a: T, b: T) => a.mm(b).tanh(), [x, w]));
  class Wrong extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, a: T) { return a.pow(2); }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: T) { return g.mul(3); }
  }
  assert.throws(() => torch.autograd.gradcheck((a: T) => Wrong.apply(a), [x]), { name: "GradcheckError", message: /Jacobian mismatch for output 0 with respect to input 0/ });
  assert.equal(torch.autograd.gradcheck((a: T) => Wrong.apply(a), [x], { raiseException: false }), false);
});

test("forward-mode AD: dual tensors give the JVP of PyTorch's forward_ad", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const fMixed = (x: T) => {
    const a = x.reshape(1, 3).expand(2, 3).mul(M);
    const b = torch.cat([a.max(1).values, a.logsumexp(1), a.index(torch.slice(), 1)]);
    return torch.where(b.gt(0), b.exp(), b.pow(2)).cumsum(0).div(x.abs().sum().add(1));
  };
  const want = fx.forward_ad as Record<string, number[]>;
  for (const [name, f] of [["vec", fVec], ["net", softmaxNet], ["mixed", fMixed]] as const) {
    const tangent = dualLevel(() => unpackDual(f(makeDual(X, Y))).tangent);
    close(tangent!, want[name], `forward AD ${name}`);
  }
  // the same JVP through torch.func.jvp (reverse mode twice)
  close(torch.func.jvp(fVec, [X], [Y])[1], want.vec, "func.jvp");
  assert.throws(() => makeDual(X, Y), /no level exists/);
  dualLevel(() => {
    assert.throws(() => makeDual(X, f64([1, 2])), /different size/);
    const d = makeDual(X.clone(), Y);
    d.mul_(2); // in-place ops carry the tangent too
    close(unpackDual(d).tangent!, Y.mul(2).tolist() as number[], "in-place tangent");
  });
});

test("svdvals: second derivatives through the SVD's own gradient (wide, tall, square, batched)", () => {
  const a = torch.tensor([[3, 1], [0.5, -1], [2, 0.25]], { dtype: "float64", requiresGrad: true });
  const s = torch.linalg.svdvals(a);
  for (const m of [a, a.detach().t().contiguous().requiresGrad_(), torch.tensor([[2, -1, 0.5], [1, 3, 0], [0.25, 1, -2]], { dtype: "float64", requiresGrad: true })]) {
    assert.ok(torch.autograd.gradgradcheck((x: T) => torch.linalg.svdvals(x), [m]));
    assert.ok(torch.autograd.gradgradcheck((x: T) => torch.linalg.matrixNorm(x, "nuc"), [m]));
  }
  // nuclear norm = sum of singular values; 2-norm = the largest
  close(torch.linalg.matrixNorm(a, "nuc"), s.sum().item(), "nuc");
  close(torch.linalg.matrixNorm(a, 2), s.amax().item(), "2-norm");
});
