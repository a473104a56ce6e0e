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

const f64 = { dtype: "float64" } as const;
const seeded = <R>(f: () => R): R => (torch.manualSeed(0), f());
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
  // batching rules of the second wave
  scans: [(a) => [a.cumsum(1), a.cumprod(0), ...a.cummax(-1), ...a.cummin(0)], ["A423"], 0, 0],
  sorts: [(a) => [...a.sort(1, true), a.argsort(0), ...a.topk(2, -1), ...a.kthvalue(2, 1), ...a.median(0), a.median(), ...a.round().mode(1)], ["A423"], 0, 0],
  flip_roll_tri: [(a) => [a.flip(0, 1), a.roll(1), a.roll([1, -1], [0, 1]), a.tril(), a.triu(1), a.diagonal(0, 0, 1), torch.diagEmbed(a, 1, 0, 2)], ["A423"], 1, 0],
  repeat_split: [(a) => [a.repeat(2, 1, 2), a.tile([2]), a.repeatInterleave(2, 1), ...a.chunk(2, 1), ...a.split([1, 2], -1), ...a.unbind(0)], ["A423"], 0, 0],
  index_batched_index: [(a, i, m) => [a.indexSelect(1, i), a.scatter(1, i.unsqueeze(0).expand(2, 2), 7), a.scatterAdd(1, i.unsqueeze(0).expand(2, 2), a.index(S(), S(null, 2))),
    a.indexAdd(1, i, a.index(S(), S(null, 2)), { alpha: 2 }), a.indexCopy(1, i.index(S(null, 1)), a.index(S(), S(1, 2))), a.indexFill(1, i, -1), a.maskedFill(m, 3),
    a.maskedScatter(m, a.mul(10))], ["A423", "IDX", "MASK"], 0, 0],
  index_unbatched_index: [(a, i, m) => [a.indexSelect(1, i.index(0)), a.indexAdd(1, i.index(0), a.index(S(), S(null, 2))), a.indexFill(1, i.index(0), a.sum()), a.maskedFill(m.index(0), a.amax())], ["A423", "IDX", "MASK"], I(0, null, null), 0],
  index_unbatched_self: [(a, i, m) => [a.indexSelect(2, i), a.gather(2, i.expand(4, 2, 2)), a.maskedFill(m, 0.5)], ["A423", "IDX", "MASK"], I(null, 0, 0), 0],
  ternary_grads: [(a) => vmap(grad((r: T) => r.lerp(r.exp(), 0.3).add(torch.addcmul(r, r, r.sin(), { value: 0.5 })).add(torch.addcdiv(r, r.cos(), r.exp().add(1))).sum()) as (r: T) => T)(a), ["A43"], undefined, undefined],
  conv_input: [(x, w, b) => [F.conv2d(x, w, b, { padding: 1 }), F.conv2d(x.index(0), w, null, { stride: 2 })], ["XC", "WC", "BC"], I(0, null, null), 0],
  conv_weight: [(x, w, b) => [F.conv2d(x.index(0), w, b, { groups: 2 }), F.conv2d(x.index(1, 0), w, null, { stride: 2, groups: 2 })], ["XC", "WCB", "BCB"], I(null, 0, 0), 0],
  conv_both: [(x, w, b) => F.conv2d(x, w, b, { groups: 2, padding: 1 }), ["XC", "WCB", "BCB"], 0, 0],
  conv_transpose_1d: [(x, w, x1, w1) => [F.convTranspose2d(x, w, null, { stride: 2, groups: 2 }), F.conv1d(x1, w1)], ["XC", "WT", "X1", "W1D"], I(0, 0, 0, null), 0],
  pools: [(x) => [F.maxPool2d(x, 2), F.avgPool2d(x, 3, { stride: 2, padding: 1 }), F.adaptiveAvgPool2d(x, [2, 3]), F.adaptiveMaxPool2d(x, 2),
    ...F.maxPool2d(x.index(0), 3, { stride: 2, padding: 1, returnIndices: true }), F.maxPool1d(x.index(0, 0), 2)], ["XC"], 0, 0],
  norms: [(x, w, b) => [F.layerNorm(x, [5], w, b), F.groupNorm(x, 2), F.batchNorm(x, null, null, { training: true }),
    F.batchNorm(x, torch.full([4], 0.3, { dtype: "float64" }), torch.full([4], 2, { dtype: "float64" })), F.instanceNorm(x)], ["XC", "LW", "LB"], I(0, null, null), 0],
  norms_batched_affine: [(x, w, b) => [F.layerNorm(x, [5, 5], w), F.layerNorm(x, [5], null, b)], ["XC", "LWB", "LB"], I(0, 0, null), 0],
  linalg: [(a, v) => [torch.linalg.det(a), ...torch.linalg.slogdet(a), torch.linalg.inv(a), torch.linalg.solve(a, v), torch.linalg.solve(a, v.unsqueeze(-1).expand(3, 2), { left: true }),
    torch.linalg.svdvals(a), torch.linalg.vectorNorm(a, 3, -1), torch.linalg.matrixNorm(a, 1), torch.linalg.matrixNorm(a), torch.linalg.norm(a)], ["SQ", "A43"], 0, 0],
  solve_unbatched_a: [(a, v) => [torch.linalg.solve(a.index(0), v), torch.linalg.solve(a.index(1), v.unsqueeze(-1))], ["SQ", "A43"], I(null, 0), 0],
  per_sample_conv_grads: [(w, x) => vmap(grad((ww: T, xx: T) => F.conv2d(xx, ww, null, { padding: 1 }).tanh().pow(2).sum()) as (ww: T, xx: T) => T, { inDims: I(null, 0) })(w, x), ["WC", "XC"], undefined, undefined],
  advanced_index: [(a, i) => [a.index(S(), i), a.index(i.remainder(2), i), a.index(i.remainder(2)), a.index([1, 0]).index(S(), i), a.index(i.remainder(2), S(), null)], ["A423", "IDX"], 0, 0],
  advanced_index_unbatched_self: [(a, i) => [a.index(S(), S(), i), a.index(i.remainder(2), S(), i)], ["A423", "IDX"], I(null, 0), 0],
  index_put: [(a, i) => {
    const b = a.clone().indexPut_([S(), i], a.index(0, S(null, 2)).mul(10));
    return [b, b.clone().indexPut_([i.remainder(2), i], torch.tensor(1, f64), true), torch.indexPut(a, [i.remainder(2)], a.index(1).mul(3))];
  }, ["A423", "IDX"], 0, 0], // reference: the per-sample loop (functorch 1.13 misplaces b[:, i] = batched values)
  pad_rot_diag: [(a) => [F.pad(a, [1, 2]), F.pad(a, [1, 1, -1, 2], { value: 3 }), F.pad(a, [1, 2], { mode: "reflect" }),
    a.rot90(1, [0, 1]), a.diag(-1), a.index(0).diag(1), a.trace()], ["A423"], 0, 0],
  embedding_take: [(w, i) => [F.embedding(i, w), F.embedding(i, w, 1), w.take(i.sub(1))], ["A435", "IDX"], 0, 0],
  embedding_grad: [(w, i) => vmap(grad((ww: T, ii: T) => F.embedding(ii, ww, 1).pow(2).sum()) as (ww: T, ii: T) => T)(w, i), ["A435", "IDX"], undefined, undefined],
  resample_unfold: [(x) => [F.interpolate(x, { scaleFactor: 2 }), F.interpolate(x, { size: [3, 7], mode: "bilinear", alignCorners: false }), F.pad(x, [1, 2, 2, 1], { mode: "reflect" }),
    F.pixelShuffle(x, 2), F.unfold(x, 2), F.fold(F.unfold(x, 2), [5, 5], 2), F.unfold(x.index(0), 3, { stride: 2 })], ["XC"], 0, 0],
  fused_loss_grads: [(a, b) => vmap(grad((r: T, t: T) => F.binaryCrossEntropyWithLogits(r, t).add(F.binaryCrossEntropyWithLogits(r, t, { posWeight: t.add(1), reduction: "sum" }))
    .add(F.huberLoss(r, t, { delta: 0.5 })).add(F.smoothL1Loss(r, t)).add(F.klDiv(r.logSoftmax(-1), t.softmax(-1), { reduction: "batchmean" }))) as (r: T, t: T) => T)(a, b.sigmoid()),
  ["A43", "B43"], undefined, undefined],
  cross: [(a, b, c) => [torch.linalg.cross(a, b.index(0)), torch.cross(a, b.index(2), { dim: -1 }), torch.linalg.cross(b.index(1), a, 0), torch.linalg.cross(a, c)], ["A43", "B43", "B43"], I(0, null, 0), 0],
  random_different: [(a) => seeded(() => vmap((r: T) => [r.mul(0).add(torch.rand(3, f64)), r.clone().normal_(), torch.bernoulli(r.sigmoid()), F.dropout(r.mul(0).add(1), 0.5), torch.randLike(r),
    torch.randint(0, 10, [3]), torch.normal(r, 2), torch.normal(torch.zeros(3, f64), r.abs())], { randomness: "different" })(a)), ["A43"], undefined, undefined],
  random_same: [(a) => seeded(() => vmap((r: T) => [r.add(torch.rand(3, f64)), r.clone().uniform_(), torch.randn(2, f64)], { randomness: "same" })(a)), ["A43"], undefined, undefined],
  norm_grads: [(x) => vmap(grad((r: T) => F.layerNorm(r, [5]).pow(3).sum().add(F.batchNorm(r, null, null, { training: true }).pow(3).sum())
    .add(torch.linalg.det(r.index(0, 0, S(null, 3), S(null, 3))))) as (r: T) => T)(x), ["XC"], undefined, undefined],
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
  random_same_batched_input: () => vmap((a: T) => torch.bernoulli(a.sigmoid()), { randomness: "same" })(X),
  random_different_unbatched_inplace: () => vmap((a: T) => a.add(torch.zeros(3).normal_()), { randomness: "different" })(X),
  batch_norm_running_stats: () => vmap((a: T) => F.batchNorm(a, torch.zeros(4), torch.ones(4), { training: true }))(input("XC")),
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

/** A custom autograd.Function: its node has no batching rule (functorch 1.13 has no vmap support for them either). */
class Exp extends torch.autograd.Function {
  static override forward(ctx: torch.autograd.FunctionCtx, x: T) { const y = x.exp(); ctx.saveForBackward(y); return y; }
  static override backward(ctx: torch.autograd.FunctionCtx, g: T) { const [y] = ctx.savedTensors; return g.mul(y!); }
}

test("an op without a batching rule fails loudly, never silently", () => {
  const noRule = /vmap: this operation has no batching rule in tensorgrad yet/;
  // data-dependent output shapes (functorch refuses them too)
  assert.throws(() => vmap((a: T) => a.maskedSelect(a.gt(0)))(X), noRule);
  assert.throws(() => vmap((a: T) => a.unique())(X), noRule);
  assert.throws(() => vmap((a: T) => a.index(a.gt(0)))(X), noRule);
  // a random op without a rule for randomness "different" would draw one sample's worth
  assert.throws(() => vmap((a: T) => a.add(torch.randperm(3)), { randomness: "different" })(X), noRule);
  // an op that records a gradient without a rule (forward through parts, backward would be wrong) is refused
  assert.throws(() => vmap(grad((a: T) => Exp.apply(a).sum()) as (a: T) => T)(X), noRule);
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
  // the second wave's rules: conv (batch into N), sort, cumsum, layer norm, a batched index, per-sample gradients through them
  const WC = input("WC");
  const h = (x: T, i: T) => vmap((r: T, k: T) => {
    const y = F.layerNorm(F.conv2d(r, WC, null, { padding: 1 }), [5]).sort(-1).values.cumsum(0);
    return torch.linalg.det(y.index(0, 0, S(null, 3), S(null, 3))).add(y.indexSelect(1, k).lerp(y.index(S(), S(null, 2)), 0.3).sum());
  })(x, i);
  const hg = (x: T, i: T) => vmap(grad((r: T, k: T) => F.layerNorm(F.conv2d(r, WC), [3]).sort(-1).values.cumsum(0).indexSelect(1, k).pow(2).sum()) as (r: T, k: T) => T)(x, i);
  const xs = (n: number) => torch.randn(n, 2, 4, 5, 5, { dtype: "float64" }), is = (n: number) => torch.zeros(n, 2, { dtype: "int64" });
  assert.equal(kernelCalls(() => h(xs(1), is(1))), kernelCalls(() => h(xs(64), is(64))));
  assert.equal(kernelCalls(() => hg(xs(1), is(1))), kernelCalls(() => hg(xs(64), is(64))));
});

// Property: for random covered ops, vmap(f)(x) equals stacking f over the samples (a test oracle only).
const OPS: ((a: T, b: T) => T)[] = [
  (a) => a.exp(), (a) => a.abs().sqrt(), (a) => F.gelu(a), (a) => F.silu(a), (a) => F.leakyRelu(a, 0.1), (a) => F.softplus(a),
  (a, b) => a.add(b), (a, b) => a.mul(b.t()).sum(-1, true), (a, b) => a.maximum(b), (a, b) => torch.atan2(a, b), (a, b) => a.ge(b).to("float64").add(a),
  (a) => a.sum(0), (a) => a.mean(-1, true), (a) => a.var(1), (a) => a.norm(1), (a) => a.logsumexp(-1), (a) => a.max(0).values,
  (a) => a.t().reshape(-1), (a) => a.unsqueeze(1).expand(3, 2, 3).flatten(0, 1), (a) => a.index(S(1, null), -1), (a) => a.narrow(1, 1, 2).contiguous(),
  (a, b) => a.matmul(b), (a, b) => a.index(0).matmul(b), (a) => a.softmax(0), (a) => a.logSoftmax(-1), (a, b) => torch.cat([a, b.t()], 0),
  (a, b) => torch.stack([a, b.t()], 1), (a) => torch.where(a.gt(0), a, a.neg().exp()), (a) => a.clamp(-0.3, 0.4),
  (a) => a.cumsum(0), (a) => a.cummax(1).values, (a) => a.sort(1, true).values, (a) => a.argsort(0).to("float64"), (a) => a.topk(2, 0).values, (a) => a.median(1).values,
  (a) => a.flip(0), (a) => a.roll(1, 1), (a) => a.tril(), (a) => a.triu(1), (a) => a.diagonal(), (a) => a.repeat(1, 2), (a) => a.chunk(2, 1)[1],
  (a) => a.indexSelect(1, torch.tensor([2, 0, 2], { dtype: "int64" })), (a, b) => a.maskedFill(b.gt(0), 0), (a, b) => a.scatterAdd(1, b.gt(0).to("int64"), b),
  (a, b) => a.lerp(b, 0.3), (a, b) => torch.addcmul(a, a, b, { value: 0.5 }), (a) => torch.linalg.inv(a.add(torch.eye(3, { dtype: "float64" }).mul(4))),
  (a) => torch.linalg.det(a).reshape(1), (a) => F.layerNorm(a, [3]), (a) => F.avgPool1d(a.unsqueeze(0), 2).squeeze(0),
  (a, b) => a.index(S(), b.gt(0).to("int64")).sum(-1), (a) => F.pad(a, [1, 0], { mode: "reflect" }), (a) => F.pad(a, [1, 1], { mode: "circular" }), (a) => a.rot90(), (a) => a.trace().reshape(1), (a, b) => a.clone().indexPut_([b.gt(0).to("int64").index(0)], b.index(1)),
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
