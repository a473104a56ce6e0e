// In-place arithmetic with nothing to record writes straight into self (Note [in-place]): same values as
// the out-of-place op, and the cases it must leave to the out-of-place path (aliasing, overlap) still right.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const ops = ["add_", "sub_", "mul_", "div_"] as const;
const outOfPlace = { add_: "add", sub_: "sub", mul_: "mul", div_: "div" } as const;

test("direct in-place writes equal the out-of-place results (numbers, same-shape and broadcast tensors, strided self)", () => {
  torch.manualSeed(4);
  for (const dtype of ["float32", "float64"] as const) {
    for (const op of ops) {
      const base = torch.randn([5, 6], { dtype });
      for (const self of [base.clone(), base.clone().t().contiguous().t(), base.clone().narrow(1, 1, 4)]) {
        const [r, c] = self.shape;
        for (const other of [2.5, torch.randn([r, c], { dtype }).add(3), torch.randn([c], { dtype }).add(3), torch.randn([r, 1], { dtype }).add(3)]) {
          const s = self.clone();
          const want = (s[outOfPlace[op]] as (x: torch.Tensor | number) => torch.Tensor).call(s, other);
          const v0 = self._version;
          const got = (self[op] as (x: torch.Tensor | number) => torch.Tensor).call(self, other);
          assert.equal(got, self);
          assert.ok(self._version > v0, "the version counter moves");
          assert.ok(torch.equal(self, want), `${op} ${dtype}`);
        }
      }
    }
  }
});

test("aliasing cases keep the out-of-place semantics; partial overlap is refused", () => {
  const x = torch.tensor([1, 2, 3, 4]);
  x.add_(x);
  assert.deepEqual(x.tolist(), [2, 4, 6, 8]);
  // a shifted view of self is refused, as PyTorch does (test/inplace-overlap.test.ts has the message)
  const y = torch.tensor([1, 2, 3, 4]);
  assert.throws(() => y.narrow(0, 1, 3).add_(y.narrow(0, 0, 3)), { name: "RuntimeError" });
  assert.deepEqual(y.tolist(), [1, 2, 3, 4]);
  const i = torch.tensor([1, 2], { dtype: "int32" });
  i.mul_(3);
  assert.deepEqual(i.tolist(), [3, 6]);
  assert.throws(() => i.div_(2), { name: "RuntimeError" });
  // a parameter update under noGrad: the direct path, no graph
  const w = torch.tensor([1, 2], { requiresGrad: true });
  torch.noGrad(() => w.sub_(torch.tensor([0.5, 0.5])));
  assert.deepEqual(w.tolist(), [0.5, 1.5]);
  assert.equal(w.gradFn, null);
  assert.equal(w.isLeaf, true);
});
