// Second derivatives of the unary and activation ops (gradgradcheck in float64), and the erf kernel against known values.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { UNARY_INFO } from "../src/ops/unary.ts";
import { ACTIVATION_INFO } from "../src/ops/activation.ts";
import { erf, erfc } from "../src/backend/ref/special.ts";
import { buildSample, callOp, concreteSample, type BuildContext, type ConcreteArg } from "./helpers/samples.ts";

const double = (a: ConcreteArg): ConcreteArg =>
  typeof a === "object" && a !== null && "tensor" in a && a.tensor.dtype === "float32" ? { tensor: { ...a.tensor, dtype: "float64" } } : a;

// every differentiable op's first float64-castable sample that requires grad: its gradient is itself differentiable
for (const info of [...UNARY_INFO, ...ACTIVATION_INFO]) {
  if (info.noGrad || info.method) continue;
  const i = info.samples.findIndex((s) => JSON.stringify(s).includes('"grad":true'));
  if (i < 0) continue;
  test(`${info.name}: gradgradcheck in float64`, () => {
    const s = concreteSample(info, "samples", i, info.samples[i]);
    const d = { args: s.args.map(double), kwargs: Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [k, double(v)])) };
    const probe: BuildContext = { leaves: [] };
    buildSample(d, probe);
    const f = (xs: torch.Tensor[]) => {
      const { args, kwargs } = buildSample(d, { leaves: [], overrides: xs });
      return callOp(info, args, kwargs) as torch.Tensor;
    };
    const inputs = probe.leaves.filter((l) => l.requiresGrad);
    const v = torch.sin(torch.arange(f(inputs).numel(), { dtype: "float64" }).add(1)).reshape(f(inputs).shape);
    // the first-order gradient as a function of the inputs, recorded even inside gradcheck's no-grad probes
    // (torch.autograd.gradgradcheck cannot do this yet: see the report)
    const firstOrder = (...xs: torch.Tensor[]) => torch.enableGrad(() => {
      const [g] = torch.autograd.grad([f(xs)], xs, { gradOutputs: [v], createGraph: true, allowUnused: true });
      return g ?? torch.zerosLike(xs[0]);
    });
    assert.ok(torch.autograd.gradcheck(firstOrder, inputs));
  });
}

test("erf and erfc match reference values to 1e-14 relative, tails included", () => {
  // values from Abramowitz & Stegun / mpmath
  const cases: [number, number, number][] = [
    [0.5, 0.5204998778130465, 0.4795001221869535],
    [1, 0.8427007929497149, 0.15729920705028513],
    [2, 0.9953222650189527, 0.004677734981047266],
    [-1.5, -0.9661051464753108, 1.9661051464753108],
    [5, 0.9999999999984626, 1.5374597944280349e-12],
    [10, 1, 2.088487583762545e-45],
  ];
  for (const [x, e, c] of cases) {
    assert.ok(Math.abs(erf(x) - e) <= 1e-14 * Math.abs(e), `erf(${x})`);
    assert.ok(Math.abs(erfc(x) - c) <= 1e-14 * Math.abs(c), `erfc(${x})`);
  }
  assert.ok(Number.isNaN(erf(NaN)));
  assert.equal(erf(Infinity), 1);
  assert.equal(erfc(-Infinity), 2);
});

test("activations accept their parameters positionally and by name (API.md)", () => {
  const F = torch.nn.functional;
  const x = torch.tensor([-2, -0.5, 0.5, 2]);
  assert.deepEqual(F.leakyRelu(x, 0.2).tolist(), F.leakyRelu(x, { negativeSlope: 0.2 }).tolist());
  assert.deepEqual(F.hardtanh(x, -1, 0.25).tolist(), F.hardtanh(x, { minVal: -1, maxVal: 0.25 }).tolist());
  assert.deepEqual(F.softplus(x, 2, 1).tolist(), F.softplus(x, { beta: 2, threshold: 1 }).tolist());
  assert.deepEqual(torch.logit(x.sigmoid(), 0.1).tolist(), x.sigmoid().logit({ eps: 0.1 }).tolist());
  assert.throws(() => F.elu(x, { alfa: 1 } as never), /elu\(\) got an unexpected keyword argument 'alfa'/);
});
