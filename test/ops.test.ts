// Generated op tests: every OpInfo sample against PyTorch's fixtures (values, gradFn, gradients), gradcheck in float64, error samples.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";
import { allOpInfos, opFamilies } from "../src/ops/registry.ts";
import type { OpInfo } from "../src/ops/opinfo.ts";
import { buildSample, callOp, concreteSample, sampleFile, type BuildContext, type ConcreteArg } from "./helpers/samples.ts";
import { assertClose, type Encoded } from "./helpers/close.ts";

interface SampleResult {
  out: Encoded | Encoded[] | number | boolean | null;
  gradFn: string | null;
  grads: (Encoded | null)[];
  error: { type: string; message: string } | null;
}
interface Fixtures {
  ops: Record<string, { samples: SampleResult[]; errors: { type: string | null; message: string | null }[] }>;
}

/**
 * Node names that changed on purpose after PyTorch 1.13 (the fixtures' version): we follow the later
 * PyTorch. 2.0 made `reshape` of a viewable tensor a plain `view` (no more `_reshape_alias`).
 */
const LATER_PYTORCH: Record<string, string> = {
  ReshapeAliasBackward0: "ViewBackward0",
  // Extension areas: each op-library workstream adds its entries between its own markers (with a comment saying why).
  // ---- [unary-ext] begin ----
  // ---- [unary-ext] end ----
  // ---- [binary-ext] begin ----
  // ---- [binary-ext] end ----
  // ---- [reduce-ext] begin ----
  // ---- [reduce-ext] end ----
  // ---- [shape-ext] begin ----
  // ---- [shape-ext] end ----
  // ---- [index-ext] begin ----
  // ---- [index-ext] end ----
  // ---- [linalg-ext] begin ----
  // ---- [linalg-ext] end ----
  // ---- [nn-ext] begin ----
  // ---- [nn-ext] end ----
  // ---- [conv-ext] begin ----
  // ---- [conv-ext] end ----
};

const families = opFamilies();
const readFixture = (name: string) => readFileSync(new URL(`./fixtures/ops/${name}`, import.meta.url), "utf8");
const fixtures: Fixtures = { ops: {} };
for (const family of Object.keys(families)) Object.assign(fixtures.ops, (JSON.parse(readFixture(`${family}.torch.json`)) as Fixtures).ops);
const infos = allOpInfos();
const tally = { forward: 0, gradients: 0, gradFn: 0, gradcheck: 0, gradgradcheck: 0, errors: 0 };

for (const [family, list] of Object.entries(families)) {
  test(`${family}: fixtures were generated from the current samples (else: npm run fixtures:samples; python3 tools/gen_op_fixtures.py ${family})`, () => {
    assert.equal(JSON.stringify(sampleFile(list)) + "\n", readFixture(`${family}.samples.json`));
  });
}

/** The weights PyTorch's fixtures backpropagate: 0.5 + ((i * 7) % 11) / 10. */
function weights(out: torch.Tensor): torch.Tensor {
  const n = out.numel();
  const w = Array.from({ length: n }, (_, i) => 0.5 + ((i * 7) % 11) / 10);
  return torch.tensor(w, { dtype: out.dtype }).reshape(out.shape);
}

function build(info: OpInfo, kind: "samples" | "errors", i: number) {
  const ctx: BuildContext = { leaves: [] };
  return { ...buildSample(concreteSample(info, kind, i, info[kind][i]), ctx), leaves: ctx.leaves };
}

function firstTensor(out: unknown): torch.Tensor | null {
  if (out instanceof torch.Tensor) return out;
  if (Array.isArray(out)) return out.find((o) => o instanceof torch.Tensor) ?? null;
  return null;
}

/** Casts every floating tensor inside concrete args to float64 (gradcheck runs in double). */
function toDouble(a: ConcreteArg): ConcreteArg {
  if (Array.isArray(a)) return a.map(toDouble);
  if (a === "float32") return "float64";
  if (typeof a === "object" && a !== null && "tensor" in a && a.tensor.dtype === "float32") return { tensor: { ...a.tensor, dtype: "float64" } };
  return a;
}

for (const info of infos) {
  const fx = fixtures.ops[info.name];
  describe(info.name, () => {
    test("has samples and PyTorch fixtures", () => {
      assert.ok(info.samples.length > 0, "no samples");
      assert.ok(fx, "no fixtures: regenerate test/fixtures/ops.json");
      assert.equal(fx.samples.length, info.samples.length);
      assert.equal(fx.errors.length, info.errors.length);
    });
    info.samples.forEach((_, i) => {
      test(`sample ${i}: forward, gradFn and gradients match PyTorch`, () => {
        const want = fx.samples[i];
        assert.equal(want.error, null, `PyTorch raised on this sample: ${JSON.stringify(want.error)}`);
        const { args, kwargs, leaves } = build(info, "samples", i);
        const out = callOp(info, args, kwargs);
        if (Array.isArray(want.out)) {
          (want.out as Encoded[]).forEach((e, k) => assertClose((out as unknown[])[k], e, `output ${k}`));
        } else if (want.out !== null && typeof want.out === "object") {
          assertClose(out, want.out, "output");
        } else {
          assert.equal(out, want.out);
        }
        tally.forward++;
        const t = firstTensor(out);
        assert.equal(t?.gradFn?.name() ?? null, want.gradFn === null ? null : (LATER_PYTORCH[want.gradFn] ?? want.gradFn), "gradFn name");
        tally.gradFn++;
        if (t && t.requiresGrad && t.isFloatingPoint()) {
          t.backward(weights(t));
          leaves.forEach((leaf, k) => {
            const g = want.grads[k];
            if (g === null) assert.equal(leaf.grad, null, `grad of tensor argument ${k} should be None`);
            else assertClose(leaf.grad, g, `grad of tensor argument ${k}`);
          });
          tally.gradients++;
        }
      });
      const sample = info.samples[i];
      const usesTies = JSON.stringify(sample).includes('"ties"');
      const hasGrad = JSON.stringify(sample).includes('"grad":true');
      if (!info.noGrad && hasGrad && !usesTies) {
        test(`sample ${i}: gradcheck and gradgradcheck in float64`, () => {
          const s = concreteSample(info, "samples", i, sample);
          const double = { args: s.args.map(toDouble), kwargs: Object.fromEntries(Object.entries(s.kwargs).map(([k, v]) => [k, toDouble(v)])) };
          const probe: BuildContext = { leaves: [] };
          buildSample(double, probe);
          const inputs = probe.leaves.filter((l) => l.requiresGrad);
          // rebuilt from scratch at every call, so in-place ops start from the same values
          const fn = (...xs: torch.Tensor[]) => {
            const { args, kwargs } = buildSample(double, { leaves: [], overrides: xs });
            return firstTensor(callOp(info, args, kwargs))!;
          };
          assert.ok(torch.autograd.gradcheck(fn, inputs));
          tally.gradcheck++;
          if (info.noGradGrad || sample.skipGradGrad) return;
          assert.ok(torch.autograd.gradgradcheck(fn, inputs));
          tally.gradgradcheck++;
        });
      }
    });
    info.errors.forEach((_, i) => {
      test(`error ${i}: same exception and message as PyTorch`, () => {
        const want = fx.errors[i];
        assert.notEqual(want.type, null, "PyTorch did not raise on this error sample");
        const { args, kwargs } = build(info, "errors", i);
        assert.throws(() => callOp(info, args, kwargs), (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.equal(e.name, want.type);
          assert.equal(e.message, want.message);
          return true;
        });
        tally.errors++;
      });
    });
  });
}

after(() => {
  console.log(`op checks passed: forward ${tally.forward}, gradFn ${tally.gradFn}, gradients ${tally.gradients}, gradcheck ${tally.gradcheck}, gradgradcheck ${tally.gradgradcheck}, errors ${tally.errors} (over ${infos.length} ops)`);
});
