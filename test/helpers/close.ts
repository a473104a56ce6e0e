// Tensor comparison with torch.testing.assert_close's default tolerances, against fixture encodings.
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { decode } from "./samples.ts";

/** A tensor as fixtures encode it. */
export interface Encoded {
  shape: number[];
  dtype: torch.DType;
  values: (number | string | boolean)[];
}

const TOL: Record<torch.DType, [number, number]> = {
  float32: [1.3e-6, 1e-5], float64: [1e-7, 1e-7], int32: [0, 0], int64: [0, 0], bool: [0, 0],
};

/** Asserts `actual` matches the fixture: shape, dtype, and values within PyTorch's default tolerances. */
export function assertClose(actual: unknown, expected: Encoded, what: string): void {
  assert.ok(actual instanceof torch.Tensor, `${what}: expected a Tensor, got ${String(actual)}`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  const flat = actual.reshape(-1).tolist() as (number | boolean)[];
  const want = expected.values.map(decode);
  const [rtol, atol] = TOL[expected.dtype];
  flat.forEach((a, i) => {
    const x = Number(a), y = want[i];
    const ok = Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
    assert.ok(ok, `${what}: element ${i}: got ${x}, PyTorch has ${y}`);
  });
}
