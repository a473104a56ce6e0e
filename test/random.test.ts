// PyTorch's CPU random streams after manualSeed: rand, randint and float32 randn bit for bit, float64 randn within libm rounding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";

const fx = (JSON.parse(readFileSync(new URL("./fixtures/autograd.json", import.meta.url), "utf8")) as Record<string, Record<string, number[]>>).random_streams;

/** |a - b| <= atol + rtol |b| elementwise. */
function close(a: number[], b: number[], rtol: number, atol: number): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= atol + rtol * Math.abs(b[i]));
}

for (const seed of [0, 7, 2024]) {
  test(`seed ${seed}: the same draws as PyTorch, in PyTorch's order`, () => {
    torch.manualSeed(seed);
    assert.deepEqual(torch.rand(5).tolist(), fx[`rand${seed}`]);
    assert.deepEqual(torch.rand(3, { dtype: "float64" }).tolist(), fx[`rand64_${seed}`]);
    assert.deepEqual(torch.randn(7).tolist(), fx[`randn_small${seed}`]);
    // >= 16 elements: PyTorch's AVX2 Box-Muller, replayed bit for bit (src/random-simd.ts)
    assert.deepEqual(torch.randn(37).tolist(), fx[`randn_large${seed}`]);
    // float64 uses glibc's log/cos/sin, which V8's Math functions match only to the last bit
    assert.ok(close(torch.randn(20, { dtype: "float64" }).tolist() as number[], fx[`randn64_${seed}`], 1e-7, 1e-7));
    assert.deepEqual(torch.randint(0, 10, [6]).tolist(), fx[`randint${seed}`]);
  });
}

test("a Generator has its own stream", () => {
  const g = new torch.Generator().manualSeed(0);
  torch.manualSeed(1);
  assert.deepEqual(torch.rand(5, { generator: g }).tolist(), fx.rand0);
});
