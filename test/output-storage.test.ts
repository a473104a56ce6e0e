// Unzeroed outputs (Note [unzeroed outputs]): every OpInfo sample gives the same values and gradients with every output poisoned first.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { allOpInfos } from "../src/ops/registry.ts";
import { allocOutput, setOutputOptions } from "../src/output-storage.ts";
import { sampleResult } from "./helpers/sample-result.ts";

test("every OpInfo sample: outputs and gradients are the same with every output poisoned before its kernel", () => {
  let compared = 0;
  for (const info of allOpInfos()) {
    for (let i = 0; i < info.samples.length; i++) {
      const clean = sampleResult(info, i);
      const prev = setOutputOptions({ poison: true });
      let poisoned: string;
      try { poisoned = sampleResult(info, i); } finally { setOutputOptions(prev); }
      assert.equal(poisoned, clean, `${info.name} sample ${i}`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `only ${compared} samples compared`);
});

test("large float32 shapes (the wasm and threaded kernels): the same results with every output poisoned first", () => {
  torch.manualSeed(5);
  const x = torch.randn([70, 301]), y = torch.randn([70, 301]), row = torch.randn([301]), col = torch.randn([70, 1]);
  const w = torch.randn([160, 301]), img = torch.randn([4, 3, 40, 40]), k = torch.randn([8, 3, 3, 3]), z = torch.randn([6, 80, 30]);
  const cases: Record<string, () => torch.Tensor> = {
    "mul, add, div": () => x.mul(y).add(x).div(y.abs().add(1)),
    "row and column broadcasts": () => x.add(row).mul(col).sub(row),
    "times a repeated 1": () => x.mul(torch.ones([1]).expand([70, 301])),
    "unary": () => torch.stack([x.exp(), x.tanh(), x.sigmoid(), x.relu(), x.abs().log(), x.abs().sqrt()]),
    "sums": () => torch.cat([x.sum().reshape([1]), x.sum(0), x.sum(1), x.mean(0), z.sum(1).reshape([-1])]),
    "softmax family": () => torch.stack([torch.softmax(x, -1), torch.logSoftmax(x, -1)]),
    "matmul": () => x.matmul(w.t()),
    "conv2d": () => torch.nn.functional.conv2d(img, k, null, 1, 1),
    "backward": () => {
      const a = x.clone().requiresGrad_();
      torch.softmax(a.mul(row), -1).mul(y).sum().backward();
      return a.grad!;
    },
  };
  for (const [name, f] of Object.entries(cases)) {
    const clean = f().tolist();
    const prev = setOutputOptions({ poison: true });
    let poisoned: unknown;
    try { poisoned = f().tolist(); } finally { setOutputOptions(prev); }
    assert.deepEqual(poisoned, clean, name);
  }
});

test("poison mode fills outputs (so the comparison above can fail)", () => {
  const prev = setOutputOptions({ poison: true });
  try {
    assert.ok(Number.isNaN(allocOutput("float32", 3)[1]));
    assert.notEqual(allocOutput("int32", 2)[0], 0);
  } finally { setOutputOptions(prev); }
});

test("large outputs are full-size storage of the right type, at any alignment the allocator gives", () => {
  for (const d of ["float32", "float64", "int32", "int64", "bool"] as const) {
    const a = allocOutput(d, 100_003);
    assert.equal(a.length, 100_003);
    assert.equal(a.byteLength, 100_003 * a.BYTES_PER_ELEMENT);
  }
  for (const unzeroed of [true, false]) {
    const prev = setOutputOptions({ unzeroed });
    try { assert.equal(allocOutput("float32", 100_003).length, 100_003); } finally { setOutputOptions(prev); }
  }
  const x = torch.randn([300, 301]);
  assert.deepEqual(x.mul(2).div(2).tolist(), x.tolist());
});

test("small outputs are carved from shared slabs (Note [small output slabs]): zero, disjoint, of the right type", () => {
  for (const d of ["float32", "float64", "int32", "int64", "bool"] as const) {
    const pieces = Array.from({ length: 40 }, (_, i) => allocOutput(d, 17 + (i % 5) * 60));
    for (const p of pieces) assert.ok(p.every((v) => v === 0), `${d}: a fresh piece is zero`);
    const shared = pieces.filter((p, i) => pieces.some((q, j) => j !== i && q.buffer === p.buffer));
    assert.ok(shared.length > 10, `${d}: pieces share slabs`);
    for (const p of pieces) for (const q of pieces) {
      if (p !== q && p.buffer === q.buffer) assert.ok(p.byteOffset + p.byteLength <= q.byteOffset || q.byteOffset + q.byteLength <= p.byteOffset, `${d}: pieces overlap`);
    }
    // a slab holds at most sixteen pieces of a class's size: one live piece pins at most that much
    for (const p of pieces) assert.ok(p.buffer.byteLength <= 16 * 2 ** Math.ceil(Math.log2(p.byteLength)), `${d}: slab too large`);
  }
  // neighbours in a slab stay independent, through every copy path (the blocked transpose included)
  torch.manualSeed(6);
  const a = torch.randn([20, 30]), b = torch.randn([30, 20]);
  const at = a.t().contiguous(), bt = b.t().contiguous();
  assert.deepEqual(at.t().tolist(), a.tolist());
  assert.deepEqual(bt.t().tolist(), b.tolist());
  const prev = setOutputOptions({ slabs: false });
  try { assert.deepEqual(a.matmul(b).tolist(), torch.tensor(a.tolist()).matmul(torch.tensor(b.tolist())).tolist()); } finally { setOutputOptions(prev); }
  assert.deepEqual(a.matmul(b).tolist(), torch.tensor(a.tolist()).matmul(torch.tensor(b.tolist())).tolist());
});
