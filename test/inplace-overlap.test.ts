// In-place ops whose operands overlap in memory: PyTorch's refusals (internal and partial overlap) and what it allows, from tools/gen_overlap_fixtures.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";

interface Answer { values: number[] | null; error: { type: string; message: string } | null }
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/overlap.json", import.meta.url), "utf8")) as { cases: Record<string, Answer> };

const x6 = (): torch.Tensor => torch.arange(6).to("float32");
const x4 = (): torch.Tensor => torch.arange(4).to("float32").reshape([2, 2]);
const x12 = (): torch.Tensor => torch.arange(12).to("float32").reshape([3, 4]);
const expanded = (): torch.Tensor => torch.zeros(1).expand([3]);

/** The same cases as the generator's, by name. */
const CASES: Record<string, () => torch.Tensor> = {
  partial_row: () => { const x = x12(); return x.add_(x.select(0, 0)); },
  transposed_self: () => { const x = x4(); return x.add_(x.t()); },
  same_tensor: () => { const x = x4(); return x.add_(x); },
  same_view: () => { const x = x4(); return x.mul_(x.view([2, 2])); },
  column_not_dense: () => { const x = x12(); const c = x.narrow(1, 1, 1); return x.sub_(c.mul(0).add(c)); },
  shifted_copy: () => { const x = x6(); return x.narrow(0, 1, 3).copy_(x.narrow(0, 0, 3)); },
  disjoint_halves: () => { const x = x6(); return x.narrow(0, 0, 3).mul_(x.narrow(0, 3, 3)); },
  expanded_add: () => expanded().add_(1),
  expanded_fill: () => expanded().fill_(1),
  expanded_zero: () => expanded().zero_(),
  expanded_copy: () => expanded().copy_(torch.ones(3)),
  expanded_exp: () => expanded().exp_(),
  expanded_size_one: () => torch.zeros([1, 1]).expand([1, 1]).add_(1),
};

test("every fixture case has a tensorgrad twin", () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fixtures.cases).sort());
});

for (const [name, want] of Object.entries(fixtures.cases)) {
  test(`${name}: as PyTorch (${want.error === null ? "allowed" : "refused"})`, () => {
    const run = CASES[name];
    if (want.error !== null) {
      assert.throws(run, (e: Error) => e.name === want.error!.type && e.message === want.error!.message);
      return;
    }
    assert.deepEqual(run().reshape([-1]).tolist(), want.values);
  });
}
