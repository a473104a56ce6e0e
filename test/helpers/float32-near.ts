// Elementwise closeness of float32 storages for the wasm kernels' tests: NaN and ±inf exactly, finite values within rtol/atol.
import assert from "node:assert/strict";

/** A float32 step (2^-23, one ulp at 1) and the smallest normal float32 (results below it may flush to zero). */
export const ULP32 = 2 ** -23, MIN_NORMAL32 = 2 ** -126;

/**
 * Asserts got[i] is within `atol(i) + rtol |want[i]|` of want[i] for every i (the whole storage,
 * sentinels included); NaN must meet NaN and an infinity the same infinity. `atol` may depend on i.
 */
export function assertNear(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number | ((i: number) => number), what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    if (Object.is(a, b)) continue;
    const ok = Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= (typeof atol === "number" ? atol : atol(i)) + rtol * Math.abs(b);
    assert.ok(ok, `${what}: element ${i}: got ${a}, ref ${b}`);
  }
}
