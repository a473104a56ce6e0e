// Forward-mode AD: every OpInfo whose ops declare JVP rules, rule vs generic linearity trick (float64, 1e-10); no backward in the forward pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";
import { allOpInfos } from "../src/ops/registry.ts";
import { jvpCounts, setJvpRulesEnabled } from "../src/autograd/forward-ad.ts";

type T = torch.Tensor;
import { runDual } from "./helpers/dual.ts";

const TOL = 1e-10;
/** Ops whose rule the generic path cannot reproduce: checked against PyTorch's forward_ad fixtures instead (below). */
const PYTORCH_ONLY: Record<string, string> = {
  "nn.functional.embedding": "rows at paddingIdx get no gradient, but PyTorch's JVP (auto_linear) reads them like any row",
  "linalg.slogdet": "the generic path fails on the sign output (its VJP ignores the sign's cotangent); its tangent is 0",
  slogdet: "the generic path fails on the sign output (its VJP ignores the sign's cotangent); its tangent is 0",
};
const withRules: string[] = [];

function assertSameTangents(a: (number[] | null)[], b: (number[] | null)[], what: string): void {
  assert.equal(a.length, b.length, `${what}: number of outputs`);
  a.forEach((ta, k) => {
    const tb = b[k];
    assert.equal(ta === null, tb === null, `${what}: output ${k} has a tangent in one path only`);
    if (ta === null || tb === null) return;
    assert.equal(ta.length, tb.length, `${what}: output ${k} tangent size`);
    ta.forEach((x, j) => {
      const y = tb[j];
      const ok = Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= TOL * (1 + Math.abs(y));
      assert.ok(ok, `${what}: output ${k} tangent[${j}]: rule ${x}, generic ${y}`);
    });
  });
}

for (const info of allOpInfos()) {
  test(`${info.name}: explicit JVP rules agree with the generic JVP`, (t) => {
    const differs = PYTORCH_ONLY[info.name];
    if (differs !== undefined) {
      withRules.push(info.name);
      return t.skip(differs);
    }
    let compared = 0;
    info.samples.forEach((_, i) => {
      const rule = runDual(info, i, true);
      if (rule.ruleCount === 0) return;
      const generic = runDual(info, i, false);
      assert.equal(rule.error, generic.error, `sample ${i}: errors differ`);
      if (rule.error === null) assertSameTangents(rule.tangents, generic.tangents, `sample ${i}`);
      compared++;
    });
    if (compared === 0) t.skip("no explicit JVP rule on this op's path");
    else withRules.push(info.name);
  });
}

test("the ops the issue names use explicit rules", () => {
  const required = [
    "neg", "exp", "tanh", "sigmoid", "relu", "nn.functional.gelu", "add", "sub", "mul", "div", "pow", "maximum", "atan2", "where", "clamp", "lerp",
    "addcmul", "sum", "mean", "prod", "amax", "max", "var", "std", "logsumexp", "norm", "view", "reshape", "permute", "transpose", "expand",
    "squeeze", "unsqueeze", "narrow", "select", "cat", "stack", "flip", "matmul", "mm", "bmm", "mv", "dot", "addmm", "softmax", "logSoftmax",
  ];
  const missing = required.filter((n) => !withRules.includes(n));
  assert.deepEqual(missing, [], `ops without an explicit JVP rule on their path: ${missing.join(", ")}`);
  console.log(`OpInfos whose ops run explicit JVP rules: ${withRules.length}`);
});

/** How many graph nodes `fn` creates: the sequence numbers of two probe nodes around it. */
function nodesCreatedBy(fn: () => void): number {
  const leaf = torch.ones(1, { requiresGrad: true });
  const probe = () => leaf.mul(2).gradFn!._sequenceNr; // the leaf's AccumulateGrad is made by the first probe
  const before = probe();
  fn();
  return probe() - before - 1;
}

test("an op with a JVP rule runs no backward during the forward pass; the generic path does", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const x = torch.tensor([[0.5, -1], [2, 0.25]], { dtype: "float64" });
  const w = torch.tensor([[1, 2], [3, -4]], { dtype: "float64" });
  const v = torch.ones([2, 2], { dtype: "float64" });
  const run = () => dualLevel(() => unpackDual(torch.nn.functional.softmax(makeDual(x, v).matmul(w).tanh(), 1).sum()).tangent!.item());
  let withRule = 0, generic = 0;
  assert.equal(nodesCreatedBy(() => { withRule = run(); }), 0, "rules: no graph node");
  const prev = setJvpRulesEnabled(false);
  try {
    assert.ok(nodesCreatedBy(() => { generic = run(); }) > 0, "the generic path builds a throwaway graph");
  } finally {
    setJvpRulesEnabled(prev);
  }
  assert.ok(Math.abs(withRule - generic) < 1e-12, `${withRule} vs ${generic}`);
});

test("tangents from rules are differentiable: reverse-over-forward and forward-over-reverse give Hessian-vector products", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const f = (x: torch.Tensor) => x.tanh().mul(x).sum().add(x.pow(3).sum());
  const x0 = torch.tensor([0.5, -1.25, 2], { dtype: "float64" });
  const v = torch.tensor([1.5, 0.25, -0.75], { dtype: "float64" });
  const x = x0.clone().requiresGrad_();
  const tangent = dualLevel(() => unpackDual(f(makeDual(x, v))).tangent!);
  const [hv] = torch.autograd.grad(tangent, [x]);
  const want = torch.func.hessian(f)(x0).matmul(v).tolist() as number[];
  (hv!.tolist() as number[]).forEach((h, i) => assert.ok(Math.abs(h - want[i]) < 1e-10, `reverse-over-forward hvp[${i}]`));
  // forward-over-reverse: the tangent of the gradient (its backward ops carry tangents too)
  const gradTangent = dualLevel(() => {
    const xd = makeDual(x0.clone().requiresGrad_(), v);
    const [g] = torch.autograd.grad(f(xd), [xd], { createGraph: true });
    return unpackDual(g!).tangent!;
  });
  (gradTangent.tolist() as number[]).forEach((h, i) => assert.ok(Math.abs(h - want[i]) < 1e-10, `forward-over-reverse hvp[${i}]`));
});

test("composites whose ops all have rules match PyTorch's forward_ad (fixtures), with no generic JVP on the way", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const fx = JSON.parse(readFileSync(new URL("./fixtures/func.json", import.meta.url), "utf8")) as { forward_ad: Record<string, number[]> };
  const f64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: "float64" });
  const X = f64([0.5, -1.25, 2.0]), Y = f64([1.5, 0.25, -0.75]);
  const M = f64([[1.0, -2.0, 0.5], [0.25, 1.5, -1.0]]), W = f64([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]), B = f64([0.1, -0.2]);
  const F = torch.nn.functional;
  const head = (x: T) => x.index(torch.slice(null, 2));
  const composites: Record<string, (x: T) => T> = {
    mlp: (x) => F.softmax(x.reshape(1, 3).matmul(W).add(B).tanh().matmul(W.t()), 1).mul(f64([1, 2, 3])),
    reductions: (x) => {
      const a = M.mul(x);
      return torch.stack([x.prod(), x.var(), x.std(), x.norm(), x.norm(3), x.amax(), x.logsumexp(0), a.max(1).values.sum(),
        a.sum(1).mean(), a.var({ dim: 0, correction: 0 }).sum(), F.logSoftmax(a, 1).index(1, 2)]);
    },
    binary: (x) => torch.atan2(x, Y).add(torch.pow(x.abs().add(1), x)).add(torch.maximum(x, x.flip(0))).add(torch.where(x.gt(0), x.mul(x), x.neg()))
      .add(torch.clamp(x, -1, 1)).add(torch.lerp(x, x.exp(), 0.3)).add(torch.addcmul(x, x, x, { value: 0.5 })).add(x.div(x.sin().add(2))),
    movement: (x) => {
      const a = M.mul(x).t();
      return torch.cat([a.flip(0).reshape(-1), a.permute(1, 0).narrow(0, 1, 1).reshape(-1), a.select(1, 0), torch.stack([x, x.sin()]).sum(0),
        torch.addmm(head(x), M, x.unsqueeze(1).expand(3, 2)).reshape(-1), torch.dot(x, x.cos()).mul(head(x).matmul(M)),
        M.matmul(x).mul(x.index(torch.slice(1, null))), torch.bmm(a.unsqueeze(0), M.unsqueeze(0)).reshape(-1)]);
    },
    embedding: (x) => F.embedding(torch.tensor([[0, 2], [1, 1]], { dtype: "int64" }), M.t().mul(x.unsqueeze(1)), { paddingIdx: 1 }),
    linalg: (x) => {
      const a = torch.outer(head(x), x.index(torch.slice(1, null))).add(torch.diag(head(x))).add(torch.eye(2, { dtype: "float64" }).mul(2));
      const { sign, logabsdet } = torch.linalg.slogdet(a);
      return torch.cat([torch.linalg.det(a).reshape(1), logabsdet.reshape(1), sign.reshape(1), torch.linalg.inv(a).reshape(-1),
        torch.linalg.solve(a, head(x)), torch.linalg.solve(a, a.mul(x.index(0))).reshape(-1)]);
    },
  };
  for (const [name, f] of Object.entries(composites)) {
    const generic = jvpCounts.generic;
    const tangent = dualLevel(() => unpackDual(f(makeDual(X, Y))).tangent!);
    assert.equal(jvpCounts.generic, generic, `${name}: an op on the way used the generic JVP`);
    const want = fx.forward_ad[name];
    const got = tangent.reshape(-1).tolist() as number[];
    assert.equal(got.length, want.length, `${name}: size`);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-10 * (1 + Math.abs(want[i])), `${name}[${i}]: ${v} vs PyTorch ${want[i]}`));
  }
});

test("an in-place op recorded for autograd pushes the old self's tangent (not a stale one)", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const w = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  for (const rules of [true, false]) {
    const prev = setJvpRulesEnabled(rules);
    try {
      const t = dualLevel(() => {
        const y = makeDual(torch.tensor([3, 4], { dtype: "float64" }), torch.tensor([1, 1], { dtype: "float64" })).mul(1);
        y.mul_(w); // recorded (w requires grad): the op reads a snapshot of y
        return unpackDual(y).tangent!.tolist();
      });
      assert.deepEqual(t, [1, 2], `rules ${rules}`);
    } finally {
      setJvpRulesEnabled(prev);
    }
  }
});
