// torch.func.vmap against functorch (PyTorch 1.13): batching rules, inDims/outDims, nesting, composition with grad/jacrev/jvp, errors; no per-sample loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";
import { backend, setBackend, type Backend } from "../src/backend/index.ts";

type T = torch.Tensor;
interface Fx { shape: number[]; dtype: string; values: number[] }
type Out = Fx | Out[];
const fx = JSON.parse(readFileSync(new URL("./fixtures/vmap.json", import.meta.url), "utf8")) as {
  inputs: Record<string, Fx>; cases: Record<string, Out>; errors: Record<string, { type: string; message: string }>;
};
const input = (n: string): T => {
  const f = fx.inputs[n];
  return torch.tensor(f.values, { dtype: f.dtype as torch.DType }).reshape(f.shape);
};
const { vmap, grad, jacrev, jvp, hessian } = torch.func;
const F = torch.nn.functional;
const I = (...xs: (number | null)[]) => xs;
const S = torch.slice;
const [W1, B1, W2, B2] = ["W1", "B1", "W2", "B2"].map(input);

function check(actual: T | readonly unknown[], expected: Out, what: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what}: expected an array`);
    const a = actual as readonly unknown[];
    assert.equal(a.length, expected.length, `${what}: outputs`);
    expected.forEach((e, i) => check(a[i] as T, e, `${what}[${i}]`));
    return;
  }
  const t = actual as T;
  assert.deepEqual(t.shape, expected.shape, `${what}: shape`);
  assert.equal(t.dtype, expected.dtype, `${what}: dtype`);
  const got = t.reshape(-1).tolist() as number[];
  got.forEach((v, i) => assert.ok(Math.abs(v - expected.values[i]) <= 1e-9 + 1e-7 * Math.abs(expected.values[i]), `${what}[${i}]: ${v} vs ${expected.values[i]}`));
}

const mlpLoss = (w1: T, b1: T, w2: T, b2: T, x: T, y: T) => F.crossEntropy(F.linear(F.linear(x, w1, b1).tanh(), w2, b2).unsqueeze(0), y.unsqueeze(0));

type Case = [(...a: T[]) => T | T[], string[], torch.func.InDims | undefined, torch.func.OutDims | undefined];
const CASES: Record<string, Case> = {
  unary_chain: [(a) => a.sin().exp().tanh().sigmoid().relu(), ["A43"], 0, 0],
  binary_broadcast: [(a, b) => a.mul(b).add(a.div(b.abs().add(1))).sub(a.pow(2)), ["A43", "V3"], I(0, null), 0],
  in1_out1: [(a) => a.relu().mul(2).add(a.exp()), ["A34"], 1, 1],
  negative_dims: [(a) => a.sum(-1), ["A423"], -1, -1],
  reductions: [(a) => torch.stack([a.sum(), a.mean(), a.amax(), a.amin(), a.prod(), a.var(), a.std(), a.logsumexp(0).sum(), a.norm(), a.max(), a.min()]), ["A423"], 0, 0],
  reduce_dims: [(a) => a.sum(1, true).add(a.mean(-1, true).mul(a.var(0).unsqueeze(0))).sub(a.std(-1, true, true)).add(a.amax(0).unsqueeze(0)), ["A423"], 0, 0],
  max_dim: [(a) => [...a.max(1), ...a.min(-1), a.argmax(0), a.argmax()], ["A423"], 0, 0],
  views: [(a) => a.reshape(6).view(2, 3).t().unsqueeze(0).expand(2, 3, 2).permute(2, 0, 1).flatten().narrow(0, 1, 8).squeeze(), ["A423"], 0, 0],
  transpose_select: [(a) => a.transpose(0, 1).select(1, -1).add(a.mT.sum(-1)), ["A423"], 0, 0],
  index: [(a) => torch.cat([a.index(1, S(null, null, 2)), a.index(S(), 0), a.index(-1), a.index("...", 1), a.index(null, 0, S(1, null)).reshape(-1)]), ["A423"], 1, 0],
  matmul_unbatched_other: [(a, b) => [a.matmul(b), a.index(0).matmul(b), b.t().matmul(a.index(0)), a.matmul(b.index(S(), 0)), a.index(0).matmul(b.index(S(), 0))], ["A435", "M52"], I(1, null), 0],
  matmul_both_batched: [(a, b) => [a.matmul(b), a.index(0).matmul(b), a.matmul(b.index(S(), 0)), a.index(0).matmul(b.index(S(), 0)), torch.bmm(a.unsqueeze(0), b.unsqueeze(0)), torch.mm(a, b), torch.mv(a, b.index(S(), 0)), torch.dot(a.index(1), b.index(S(), 1))], ["A435", "B452"], 0, 0],
  matmul_batched_right: [(a, b) => [a.matmul(b), a.matmul(b.index(S(), 0)), a.index(0, 0).matmul(b)], ["A435", "B452"], I(null, 0), 0],
  einsum: [(a, b) => torch.einsum("ij,jk->ik", a, b), ["A435", "B452"], 0, 0],
  softmax: [(a) => [a.softmax(-1), a.logSoftmax(0)], ["A423"], 0, 0],
  cat_stack: [(a, b) => [torch.cat([a, b], 0), torch.stack([a, b], -1), torch.cat([b, a], -1)], ["A43", "V3"], I(0, null), [0, 1, -1]],
  where_clamp: [(a, b) => torch.where(a.gt(0), a, b).clamp(-0.5, 0.5).add(a.clamp({ min: b })).add(a.clamp({ max: 0.25 })), ["A43", "V3"], I(0, null), 0],
  inplace: [(a, b) => a.clone().mul_(2).add_(b).sub_(1), ["A43", "V3"], I(0, null), 0],
  nn_composites: [(x, y) => F.mseLoss(F.linear(x, W1, B1).relu(), torch.ones(4, { dtype: "float64" })).add(F.crossEntropy(F.linear(x, W1, B1).unsqueeze(0), y.unsqueeze(0))), ["XS", "YS"], 0, 0],
  zeros_like: [(a) => torch.zerosLike(a).add(torch.onesLike(a).mul(a)).add(torch.fullLike(a, 2)), ["A43"], 0, 0],
  nested: [(a, b) => vmap(vmap((u: T, v: T) => u.mul(v).sum(), { inDims: I(0, null) }), { inDims: I(null, 0) })(a, b), ["A43", "B43"], undefined, undefined],
  nested_out_dims: [(a) => vmap(vmap((u: T) => u.exp().mul(u.sum()), { outDims: 1 }), { inDims: 1 })(a), ["A423"], undefined, undefined],
  per_sample_grads: [(w1, b1, w2, b2, x, y) => vmap(grad(mlpLoss, { argnums: [0, 1, 2, 3] }) as (...a: T[]) => T[], { inDims: I(null, null, null, null, 0, 0) })(w1, b1, w2, b2, x, y), ["W1", "B1", "W2", "B2", "XS", "YS"], undefined, undefined],
  grad_of_vmap: [(a) => grad((t: T) => vmap((r: T) => r.sin().mul(r).sum())(t).pow(2).sum())(a) as T, ["A43"], undefined, undefined],
  vmap_jacrev: [(a) => vmap(jacrev((r: T) => r.tanh().mul(r.sum())))(a), ["A43"], undefined, undefined],
  vmap_jvp: [(a, b) => vmap((p: T, t: T) => jvp((r: T) => r.sin().mul(r.sum()), [p], [t])[1])(a, b), ["A43", "B43"], undefined, undefined],
  vmap_hessian: [(a) => vmap(hessian((r: T) => r.tanh().mul(r).sum()))(a), ["A43"], undefined, undefined],
};

test("every fixture case has a TypeScript twin", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fx.cases).sort());
});

for (const [name, [fn, args, inDims, outDims]] of Object.entries(CASES)) {
  test(`vmap ${name} matches functorch`, () => {
    const xs = args.map(input);
    const out = inDims === undefined ? fn(...xs) : vmap(fn, { inDims, outDims })(...xs);
    check(out, fx.cases[name], name);
  });
}

const X = input("A43");
const ERRORS: Record<string, () => unknown> = {
  batch_sizes: () => vmap((a: T, b: T) => a.add(b))(X, torch.randn(2, 3)),
  in_dim_range: () => vmap((a: T) => a, { inDims: 2 })(X),
  in_dim_negative_range: () => vmap((a: T) => a, { inDims: -3 })(X),
  in_dims_structure: () => vmap((a: T) => a, { inDims: [0, 0] })(X),
  in_dims_nested_structure: () => vmap((a: T, _b: T[]) => a, { inDims: [0, [0, 0]] })(X, [X]),
  in_dims_none: () => vmap((a: T) => a, { inDims: null })(X),
  no_tensor: () => vmap((a: T) => a, { inDims: [null] })(X),
  non_tensor_input: () => vmap((a: number) => torch.tensor(a))(3),
  no_inputs: () => vmap(() => X)(),
  non_tensor_output: () => vmap((_a: T) => 3 as unknown as T)(X),
  out_dim_range: () => vmap((a: T) => a, { outDims: 2 })(X),
  out_dims_structure: () => vmap((a: T) => [a, a], { outDims: [0, 0, 0] })(X),
  randomness_error: () => vmap((a: T) => a.add(torch.rand(3)))(X),
  randomness_value: () => vmap((a: T) => a, { randomness: "foo" as "same" })(X),
  item: () => vmap((a: T) => torch.tensor(a.sum().item()))(X),
  backward: () => vmap((a: T) => { a.sum().backward(); return a; })(X.clone().requiresGrad_()),
  logical_dim_range: () => vmap((a: T) => a.sum(5))(X),
};

test("errors carry functorch's exception class and message", () => {
  assert.deepEqual(Object.keys(ERRORS).sort(), Object.keys(fx.errors).sort());
  for (const [name, f] of Object.entries(ERRORS)) {
    const want = fx.errors[name];
    assert.throws(f, (e: Error) => {
      assert.equal(e.name, want.type, `${name}: class (${e.message})`);
      assert.equal(e.message.replaceAll("<lambda>", "<lambda>"), want.message, name);
      return true;
    }, name);
  }
});

test("an op without a batching rule fails loudly, never silently", () => {
  const noRule = /vmap: this operation has no batching rule in tensorgrad yet/;
  assert.throws(() => vmap((a: T) => a.cumsum(0))(X), noRule);
  assert.throws(() => vmap((a: T) => a.sort().values)(X), noRule);
  // an op that records a gradient without a rule (forward through parts, backward would be wrong) is refused
  assert.throws(() => vmap(grad((a: T) => a.lerp(a.exp(), 0.3).sum()) as (a: T) => T)(X), noRule);
  // torch.autograd.grad w.r.t. an unbatched tensor of a batched output would sum the samples
  const w = torch.randn(3, { dtype: "float64", requiresGrad: true });
  assert.throws(() => vmap((a: T) => torch.autograd.grad(a.mul(w).sum(), [w])[0]!)(X), /not batched is not supported/);
  // randomness "same": one draw shared by every sample
  torch.manualSeed(0);
  const r = vmap((a: T) => a.mul(0).add(torch.rand(3, { dtype: "float64" })), { randomness: "same" })(X);
  assert.ok(r.index(0).equal(r.index(3)));
});

/** Kernel calls made while running `fn`, counted through a wrapper around the backend. */
function kernelCalls(fn: () => unknown): number {
  const base = backend();
  let calls = 0;
  const counting = new Proxy(base, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === "function" ? (...a: unknown[]) => { calls++; return (v as (...b: unknown[]) => unknown).apply(target, a); } : v;
    },
  }) as Backend;
  setBackend(counting);
  try {
    fn();
  } finally {
    setBackend(base);
  }
  return calls;
}

test("no per-sample loop: the kernel count does not depend on the batch size", () => {
  const f = (x: T, y: T) => vmap(grad(mlpLoss, { argnums: [0, 2] }) as (...a: T[]) => T[], { inDims: I(null, null, null, null, 0, 0) })(W1, B1, W2, B2, x, y);
  const g = (a: T) => vmap((r: T) => r.softmax(-1).matmul(W1).sum(0).tanh())(a);
  const xs1 = torch.randn(1, 3, { dtype: "float64" }), xs64 = torch.randn(64, 3, { dtype: "float64" });
  const ys1 = torch.tensor([1], { dtype: "int64" }), ys64 = torch.zeros(64, { dtype: "int64" });
  assert.equal(kernelCalls(() => f(xs1, ys1)), kernelCalls(() => f(xs64, ys64)));
  assert.equal(kernelCalls(() => g(torch.randn(1, 5, 4, { dtype: "float64" }))), kernelCalls(() => g(torch.randn(64, 5, 4, { dtype: "float64" }))));
});

// Property: for random covered ops, vmap(f)(x) equals stacking f over the samples (a test oracle only).
const OPS: ((a: T, b: T) => T)[] = [
  (a) => a.exp(), (a) => a.abs().sqrt(), (a) => F.gelu(a), (a) => F.silu(a), (a) => F.leakyRelu(a, 0.1), (a) => F.softplus(a),
  (a, b) => a.add(b), (a, b) => a.mul(b.t()).sum(-1, true), (a, b) => a.maximum(b), (a, b) => torch.atan2(a, b), (a, b) => a.ge(b).to("float64").add(a),
  (a) => a.sum(0), (a) => a.mean(-1, true), (a) => a.var(1), (a) => a.norm(1), (a) => a.logsumexp(-1), (a) => a.max(0).values,
  (a) => a.t().reshape(-1), (a) => a.unsqueeze(1).expand(3, 2, 3).flatten(0, 1), (a) => a.index(S(1, null), -1), (a) => a.narrow(1, 1, 2).contiguous(),
  (a, b) => a.matmul(b), (a, b) => a.index(0).matmul(b), (a) => a.softmax(0), (a) => a.logSoftmax(-1), (a, b) => torch.cat([a, b.t()], 0),
  (a, b) => torch.stack([a, b.t()], 1), (a) => torch.where(a.gt(0), a, a.neg().exp()), (a) => a.clamp(-0.3, 0.4),
];

test("property: vmap(f)(x) equals stack(f(x[i]))", () => {
  torch.manualSeed(7);
  for (let trial = 0; trial < 60; trial++) {
    const k = Math.floor(Math.random() * OPS.length), k2 = Math.floor(Math.random() * OPS.length);
    const op = OPS[k], op2 = OPS[k2];
    const f = (a: T, b: T) => {
      const y = op(a, b);
      return y.shape.length === 2 && y.shape[0] === 3 && y.shape[1] === 3 ? op2(y, b.t()) : y;
    };
    const xs = torch.randn(5, 3, 3, { dtype: "float64" }), ys = torch.randn(5, 3, 3, { dtype: "float64" });
    const inDims: torch.func.InDims = Math.random() < 0.5 ? [0, 0] : [0, null];
    const batched = vmap(f, { inDims })(xs, inDims[1] === null ? ys.index(0) : ys);
    const each = torch.stack([0, 1, 2, 3, 4].map((i) => f(xs.index(i), inDims[1] === null ? ys.index(0) : ys.index(i))));
    assert.ok(batched.allclose(each, 1e-10, 1e-12), `ops ${k}, ${k2}`);
  }
});
