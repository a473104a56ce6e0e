// relu's gradient through the thresholdBackward kernel: js and ref agree on every dtype and layout, PyTorch's
// threshold_backward semantics (NaN output passes g, masked positions give +0 even for inf g), double backward.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { allocStorage, type DType } from "../src/dtype.ts";
import { rng } from "./helpers/samples.ts";

const rand = rng(2718);

test("thresholdBackward: js matches ref bit for bit (dtypes, offsets, strided and broadcast views)", () => {
  for (const dtype of ["float32", "float64", "int32"] as DType[]) {
    const n = 3 * 17, g = allocStorage(dtype, 2 * n + 3), y = allocStorage(dtype, 2 * n + 3);
    const specials = [NaN, 0, -0, Infinity, -Infinity, 2, -3];
    for (let i = 0; i < g.length; i++) {
      g[i] = rand() < 0.2 ? specials[i % specials.length] : Math.round((rand() * 2 - 1) * 100) / 8;
      y[i] = rand() < 0.2 ? specials[(i * 3) % specials.length] : Math.round((rand() * 2 - 1) * 100) / 8;
    }
    const layouts: [string, View, View][] = [
      ["dense", { data: g, shape: [3, 17], strides: [17, 1], offset: 1 }, { data: y, shape: [3, 17], strides: [17, 1], offset: 2 }],
      ["strided", { data: g, shape: [3, 17], strides: [1, 3], offset: 0 }, { data: y, shape: [3, 17], strides: [34, 2], offset: 1 }],
      ["broadcast", { data: g, shape: [3, 17], strides: [0, 1], offset: 0 }, { data: y, shape: [3, 17], strides: [17, 0], offset: 3 }],
    ];
    for (const [what, gv, yv] of layouts) {
      const a = allocStorage(dtype, n), b = allocStorage(dtype, n);
      const out = (d: typeof a): View => ({ data: d, shape: [3, 17], strides: [17, 1], offset: 0 });
      jsBackend.binary("thresholdBackward", gv, yv, out(a));
      refBackend.binary("thresholdBackward", gv, yv, out(b));
      for (let i = 0; i < n; i++) assert.ok(Object.is(a[i], b[i]), `${dtype} ${what}: element ${i}: js ${a[i]}, ref ${b[i]}`);
    }
  }
});

test("relu's gradient: g where the output is > 0 or NaN, else +0; differentiable again", () => {
  const x = torch.tensor([-1, 0, 2, NaN, -0, 3, -5]).requiresGrad_();
  const g = torch.tensor([1, 2, 3, 4, 5, Infinity, Infinity]).requiresGrad_();
  const [dx] = torch.autograd.grad([x.relu()], [x], { gradOutputs: [g], createGraph: true });
  assert.deepEqual(dx!.tolist(), [0, 0, 3, 4, 0, Infinity, 0]);
  assert.ok(Object.is((dx!.tolist() as number[])[0], 0), "+0 where masked");
  assert.equal(dx!.gradFn?.name(), "ThresholdBackwardBackward0");
  const [dg] = torch.autograd.grad([dx!.mul(torch.tensor([1, 2, 3, 4, 5, 6, 7])).sum()], [g]);
  assert.deepEqual(dg!.tolist(), [0, 0, 3, 4, 0, 6, 0]);
  const xs = torch.tensor([[-1.5, 0.5, 2], [3, -0.25, 1]], { dtype: "float64" }).requiresGrad_();
  assert.ok(torch.autograd.gradgradcheck((t: torch.Tensor) => t.relu().mul(t), [xs]));
});
