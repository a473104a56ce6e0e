// The wasm float32 sum (withWasmElementwise over js) against ref: column sums bit for bit, whole and row sums within Note [wasm sum accuracy]'s bound, NaN/±inf exactly, declined layouts and dtypes falling back.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { defaultBackend, jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { wasmSum } from "../src/backend/wasm/reduce.ts";
import { rng } from "./helpers/samples.ts";
import { dense, keptShape, reduceBoth, seededData } from "./helpers/wasm-reduce.ts";
import { assertNear, MIN_NORMAL32, ULP32 } from "./helpers/float32-near.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(2718);
const wasm = withWasmElementwise(jsBackend);
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38, -3e38, 1e-30, 7.25];
const data = (n: number, specials: number): Float32Array => seededData(rand, n, specials, SPECIALS);

/**
 * Sums x into dense outputs (from `outOffset`, sentinel-filled around) with wasm and ref; `exact`:
 * bit for bit, else within one float32 step plus 2 n 2^-53 sum|x| per output (Note [wasm sum accuracy]).
 * Returns whether the wasm kernel took the call.
 */
function check(x: View, dims: readonly number[], exact: boolean, what: string, outOffset = 0): boolean {
  const { got, want, took, outShape, m } = reduceBoth("sum", x, dims, outOffset);
  // per output: sum |x| (float64) and how many inputs it adds
  const abs = new Float64Array(m), absIn = new Float64Array(x.shape.reduce((p, q) => p * q, 1));
  refBackend.unary("abs", x, dense(absIn, x.shape));
  refBackend.reduce("sum", dense(absIn, x.shape), dense(abs, outShape));
  const n = absIn.length / m;
  if (exact) assertNear(got, want, 0, 0, what);
  else assertNear(got, want, ULP32, (i) => (i < outOffset || i >= outOffset + m ? 0 : 2 * n * 2 ** -53 * abs[i - outOffset] + MIN_NORMAL32 * ULP32), what);
  return took;
}

describe("wasm float32 sum matches ref", () => {
  wasmForEverySize();

  test("all elements: odd lengths, chunk boundaries, offsets, specials", () => {
    for (const n of [1, 2, 3, 15, 16, 17, 63, 4095, 16384, 16385, 40001, (1 << 20) + 3]) {
      for (const specials of [0, 0.01]) {
        const x = data(n + 5, specials);
        // one element: nothing to add (a copy: declined)
        assert.equal(check(dense(x, [n], 5), [0], false, `n=${n} specials=${specials}`, 1), n > 1, `n=${n}: taken`);
        assert.equal(check(dense(x, [n]), [0], false, `n=${n} at 0`), n > 1, `n=${n}: taken`);
      }
    }
  });

  test("sums in float64: float32 accumulation would lose every small term", () => {
    const n = 40001, x = new Float32Array(n).fill(1);
    x[0] = 2 ** 25; x[n - 1] = -(2 ** 25);
    const out = new Float32Array(1);
    assert.ok(wasmSum(dense(x, [n]), dense(out, [1])));
    assert.equal(out[0], n - 2);
  });

  test("rows (trailing dims), columns (leading dims, bit for bit), several rows per chunk and rows longer than one", () => {
    for (const [r, c] of [[5, 7], [2049, 9], [3, 4], [33, 129], [128, 512], [7, 16384], [3, 16385], [4, 40001], [1001, 1], [1, 1001]]) {
      const x = data(r * c + 3, 0.005);
      // reducing a size-1 dim is a copy: declined
      assert.equal(check(dense(x, [r, c], 3), [1], false, `[${r},${c}] rows`, 2), c > 1, `[${r},${c}] rows taken`);
      assert.equal(check(dense(x, [r, c], 3), [0], true, `[${r},${c}] columns`, 1), r > 1, `[${r},${c}] columns taken`);
      assert.ok(check(dense(x, [r, c]), [0, 1], false, `[${r},${c}] all`), `[${r},${c}] all taken`);
    }
  });

  test("higher rank: trailing, leading, middle and alternating runs; size-1 dims; small column blocks and short walked rows decline", () => {
    const x = data(4 * 6 * 10 * 3, 0.01), v = dense(x, [4, 6, 10, 3]);
    assert.ok(check(v, [1, 2, 3], false, "trailing three"));
    assert.ok(check(v, [0, 1], true, "leading two"));
    assert.ok(check(v, [3], false, "last"));
    assert.ok(check(v, [0, 2], false, "alternating, last kept in blocks of 30 (declined)") === false);
    assert.ok(check(v, [1, 3], false, "alternating, last reduced in rows of 3 (declined)") === false);
    assert.ok(check(v, [0, 1, 2], true, "all but the last"));
    assert.ok(check(dense(x, [1, 24, 1, 30]), [3], false, "size-1 dims"));
    assert.ok(check(dense(x, [1, 24, 1, 30]), [0, 1, 2], true, "size-1 dims, leading"));
    const y = data(3 * 7 * 20 * 61 + 1, 0.005), w = dense(y, [3, 7, 20, 61], 1);
    assert.ok(check(w, [1], true, "a middle dim (blocks of 7 x 61)", 3));
    assert.ok(check(w, [0, 2], true, "alternating, last kept (blocks of 20 x 61)", 3));
    assert.ok(check(w, [1, 3], false, "alternating, last reduced", 3));
    assert.ok(check(w, [0, 2, 3], false, "all but dim 1 (a conv bias gradient)", 3));
    assert.ok(check(dense(data(2 * 3 * 20000, 0), [2, 3, 20000]), [1], true, "middle, rows longer than a chunk"));
  });

  test("declined: strided input or output, other dtypes (the js kernel runs, bit for bit with ref)", () => {
    const x = data(50 * 70, 0.01);
    const t: View = { data: x, shape: [70, 50], strides: [1, 70], offset: 0 };
    assert.ok(!check(t, [0], true, "transposed, dim 0"));
    assert.ok(!check(t, [0, 1], true, "transposed, all"));
    assert.ok(!check({ data: x, shape: [25, 70], strides: [140, 1], offset: 0 }, [1], true, "every other row"));
    const stridedOut = new Float32Array(140);
    assert.ok(!wasmSum(dense(x, [50, 70]), { data: stridedOut, shape: [1, 70], strides: [140, 2], offset: 0 }));
    const f64 = new Float64Array(5000).map(() => rand()), i32 = new Int32Array(5000).map(() => Math.floor(rand() * 100));
    for (const [src, out] of [[f64, new Float64Array(1)], [i32, new Float64Array(1)], [data(5000, 0), new Float64Array(1)]] as const) {
      const got = out.slice(), want = out.slice();
      const gv: View = { data: got, shape: [1], strides: [1], offset: 0 }, wv: View = { data: want, shape: [1], strides: [1], offset: 0 };
      assert.ok(!wasmSum(dense(src, [5000]), gv));
      wasm.reduce("sum", dense(src, [5000]), gv);
      refBackend.reduce("sum", dense(src, [5000]), wv);
      assert.deepEqual(got, want);
    }
  });

  test("prod is base's (max and min: backend-wasm-minmax.test.ts)", () => {
    const x = data(4097, 0.01);
    for (const op of ["prod"] as const) {
      const got = new Float32Array(1), want = new Float32Array(1);
      wasm.reduce(op, dense(x, [4097]), dense(got, [1]));
      refBackend.reduce(op, dense(x, [4097]), dense(want, [1]));
      assert.ok(Object.is(got[0], want[0]), op);
    }
  });
});

test("the default backend sums and averages large float32 tensors on wasm (sum, mean, bias-style dims)", () => {
  const x = data(300 * 700, 0);
  const t = torch.tensor(x).reshape([300, 700]);
  const want = (dims: number[], mean: boolean): Float32Array => {
    const outShape = keptShape([300, 700], dims), m = outShape.reduce((p, q) => p * q, 1), acc = new Float64Array(m);
    refBackend.reduce("sum", dense(x, [300, 700]), dense(acc, outShape));
    return new Float32Array(acc.map((v) => (mean ? Math.fround(v) / (x.length / m) : v)));
  };
  const got = (r: torch.Tensor): Float32Array => new Float32Array(r.reshape([-1]).tolist() as number[]);
  const sumAll = new Float32Array(1);
  assert.ok(wasmSum(dense(x, [300, 700]), dense(sumAll, [1, 1])), "taken at the default threshold");
  assertNear(got(t.sum()), want([0, 1], false), ULP32, 1e-3, "sum()");
  assertNear(got(t.mean()), want([0, 1], true), 2 * ULP32, 1e-8, "mean()");
  assertNear(got(t.sum(0)), want([0], false), 0, 0, "sum(0)");
  assertNear(got(t.mean(1)), want([1], true), 2 * ULP32, 1e-8, "mean(1)");
  assert.notEqual(defaultBackend.reduce, jsBackend.reduce);
});
