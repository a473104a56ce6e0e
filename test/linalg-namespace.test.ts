// torch.linalg namespace ops vs PyTorch fixtures (the generated op tests call only top-level torch.<name>), plus ±inf norms and double backward.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";
import { LINALG_NORM_INFO } from "../src/ops/linalg-norm.ts";
import type { OpInfo } from "../src/ops/opinfo.ts";
import { buildSample, concreteSample, sampleFile, type BuildContext } from "./helpers/samples.ts";
import { assertClose, type Encoded } from "./helpers/close.ts";

interface Fixture {
  samples: { out: Encoded; gradFn: string | null; grads: (Encoded | null)[]; error: unknown }[];
  errors: { type: string; message: string }[];
}
const read = (name: string) => readFileSync(new URL(`./fixtures/ops/${name}`, import.meta.url), "utf8");
const fixtures = (JSON.parse(read("linalgNs.torch.json")) as { ops: Record<string, Fixture> }).ops;

type Fn = (...a: unknown[]) => unknown;
/** `torch.linalg.vectorNorm` for the name "linalg.vectorNorm". */
function resolve(name: string): Fn {
  let obj: unknown = torch;
  for (const part of name.split(".")) obj = (obj as Record<string, unknown>)[part];
  assert.equal(typeof obj, "function", `torch.${name} is not a function`);
  return obj as Fn;
}
function call(info: OpInfo, args: unknown[], kwargs: Record<string, unknown>): torch.Tensor {
  return resolve(info.name)(...(Object.keys(kwargs).length > 0 ? [...args, kwargs] : args)) as torch.Tensor;
}
/**
 * Second derivatives against finite differences of the first. (torch.autograd.gradgradcheck runs its
 * first-order function under noGrad, where autograd.grad cannot run: see the report; this re-enables grad.)
 */
function doubleBackwardCheck(fn: (...t: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[]): boolean {
  const out = torch.noGrad(() => fn(...inputs));
  const v = torch.randn(out.shape, { dtype: out.dtype }).requiresGrad_();
  const firstOrder = (...all: torch.Tensor[]) => torch.enableGrad(() => {
    const xs = all.slice(0, inputs.length);
    return torch.autograd.grad([fn(...xs)], xs, { gradOutputs: [all[inputs.length]], createGraph: true }).map((g) => g!);
  });
  return torch.autograd.gradcheck(firstOrder, [...inputs, v]);
}

const weights = (out: torch.Tensor) =>
  torch.tensor(Array.from({ length: out.numel() }, (_, i) => 0.5 + ((i * 7) % 11) / 10), { dtype: out.dtype }).reshape(out.shape);

test("linalgNs fixtures were generated from the current samples (else: tools/dump-linalg-namespace-samples.ts; gen_op_fixtures.py linalgNs)", () => {
  assert.equal(JSON.stringify(sampleFile(LINALG_NORM_INFO)) + "\n", read("linalgNs.samples.json"));
});

for (const info of LINALG_NORM_INFO) {
  const fx = fixtures[info.name];
  describe(info.name, () => {
    info.samples.forEach((sample, i) => {
      test(`sample ${i}: forward, gradFn and gradients match PyTorch; gradcheck`, () => {
        const want = fx.samples[i];
        assert.equal(want.error, null);
        const s = concreteSample(info, "samples", i, sample);
        const ctx: BuildContext = { leaves: [] };
        const { args, kwargs } = buildSample(s, ctx);
        const out = call(info, args, kwargs);
        assertClose(out, want.out, "output");
        assert.equal(out.gradFn?.name() ?? null, want.gradFn);
        out.backward(weights(out));
        ctx.leaves.forEach((leaf, k) => {
          const g = want.grads[k];
          if (g === null) assert.equal(leaf.grad, null, `grad of tensor argument ${k} should be None`);
          else assertClose(leaf.grad, g, `grad of tensor argument ${k}`);
        });
        const double = ctx.leaves.map((l) => l.detach().double().requiresGrad_());
        const fn = (...xs: torch.Tensor[]) => {
          const b = buildSample(s, { leaves: [], overrides: xs });
          return call(info, b.args, b.kwargs);
        };
        if (!JSON.stringify(sample).includes('"dtype":"float64"')) return; // float32 samples: gradcheck the float64 ones only
        assert.ok(torch.autograd.gradcheck(fn, double));
      });
    });
    info.errors.forEach((sample, i) => {
      test(`error ${i}: same exception and message as PyTorch`, () => {
        const want = fx.errors[i];
        const { args, kwargs } = buildSample(concreteSample(info, "errors", i, sample), { leaves: [] });
        assert.throws(() => call(info, args, kwargs), (e: unknown) => e instanceof Error && e.name === want.type && e.message === want.message);
      });
    });
  });
}

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
  test("nuc and ±2 matrix norms are refused (no SVD yet), not silently wrong", () => {
    assert.throws(() => torch.linalg.matrixNorm(x, "nuc"), { name: "NotImplementedError" });
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
