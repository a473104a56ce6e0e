// Forward-mode AD: every OpInfo whose ops declare JVP rules, rule vs generic linearity trick (float64, 1e-10); no backward in the forward pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { allOpInfos } from "../src/ops/registry.ts";
import { setJvpRulesEnabled } from "../src/autograd/forward-ad.ts";
import { runDual } from "./helpers/dual.ts";

const TOL = 1e-10;
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

test("tangents from rules are differentiable: reverse-over-forward gives a Hessian-vector product", () => {
  const { dualLevel, makeDual, unpackDual } = torch.autograd.forwardAd;
  const f = (x: torch.Tensor) => x.tanh().mul(x).sum().add(x.pow(3).sum());
  const x0 = torch.tensor([0.5, -1.25, 2], { dtype: "float64" });
  const v = torch.tensor([1.5, 0.25, -0.75], { dtype: "float64" });
  const x = x0.clone().requiresGrad_();
  const tangent = dualLevel(() => unpackDual(f(makeDual(x, v))).tangent!);
  const [hv] = torch.autograd.grad(tangent, [x]);
  const want = torch.func.hessian(f)(x0).matmul(v);
  (hv!.tolist() as number[]).forEach((h, i) => assert.ok(Math.abs(h - (want.tolist() as number[])[i]) < 1e-10, `hvp[${i}]`));
});
