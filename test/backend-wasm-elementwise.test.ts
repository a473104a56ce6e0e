// The wasm elementwise backend (withWasmElementwise over js) against ref: float32 add/sub/mul/div and
// thresholdBackward bit for bit (f32x4 arithmetic rounds exactly as ref's float64-then-float32; the mask
// keeps NaN, gives +0), across chunk boundaries, offsets, one-value (stride-0) operands, specials, and
// the declined cases (strided, other dtypes) falling back.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { wasmBinaryRows } from "../src/backend/wasm/binary-rows.ts";
import { rng } from "./helpers/samples.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(4242);
const wasm = withWasmElementwise(jsBackend);
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38, -3e38, 1e-30, 7.25];

function data(n: number): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rand() < 0.05 ? SPECIALS[Math.floor(rand() * SPECIALS.length)] : (rand() * 2 - 1) * 10;
  return d;
}

/** wasm and ref write `out` views over sentinel-filled storages; the whole storages must agree (Object.is). */
function check(op: "add" | "sub" | "mul" | "div" | "thresholdBackward", a: View, b: View, outShape: number[], outStrides: number[], outOffset: number, size: number, what: string): void {
  const got = new Float32Array(size).fill(-7.5), want = new Float32Array(size).fill(-7.5);
  wasm.binary(op, a, b, { data: got, shape: outShape, strides: outStrides, offset: outOffset });
  refBackend.binary(op, a, b, { data: want, shape: outShape, strides: outStrides, offset: outOffset });
  for (let i = 0; i < size; i++) assert.ok(Object.is(got[i], want[i]), `${op} ${what}: element ${i}: wasm ${got[i]}, ref ${want[i]}`);
}

describe("wasm float32 binary matches ref bit for bit", () => {
  wasmForEverySize();

  for (const op of ["add", "sub", "mul", "div", "thresholdBackward"] as const) {
    test(`${op}: dense, one-value operands, offsets, chunk boundaries`, () => {
      for (const n of [1, 3, 4, 5, 17, 4095, 16384, 16385, 40001]) {
        const a = data(n + 3), b = data(n + 2);
        const v = (d: Float32Array, off: number): View => ({ data: d, shape: [n], strides: [1], offset: off });
        const one = (d: Float32Array, off: number): View => ({ data: d, shape: [n], strides: [0], offset: off });
        check(op, v(a, 3), v(b, 1), [n], [1], 0, n, `n=${n} dense`);
        check(op, v(a, 0), one(b, 2), [n], [1], 2, n + 2, `n=${n} b repeated, out offset`);
        check(op, one(a, 1), v(b, 0), [n], [1], 0, n, `n=${n} a repeated`);
        check(op, one(a, 1), one(b, 0), [n], [1], 0, n, `n=${n} both repeated`);
        // an exact 1 repeated (mul copies the other operand, specials included), and values near 1
        const ones = Float32Array.of(5, 1, Math.fround(1 + 2 ** -23), -1);
        for (const at of [1, 2, 3]) {
          check(op, one(ones, at), v(a, 2), [n], [1], 0, n, `n=${n} a repeated ${ones[at]}`);
          check(op, v(b, 1), one(ones, at), [n], [1], 1, n + 1, `n=${n} b repeated ${ones[at]}`);
        }
      }
    });
    test(`${op}: rank 2, broadcast rows and strided views (declined: js kernels) agree too`, () => {
      const r = 37, c = 129, a = data(r * c * 2), b = data(r * c * 2);
      const dense = (d: Float32Array): View => ({ data: d, shape: [r, c], strides: [c, 1], offset: 0 });
      check(op, dense(a), dense(b), [r, c], [c, 1], 0, r * c, "rank 2 dense");
      check(op, dense(a), { data: b, shape: [r, c], strides: [0, 1], offset: 5 }, [r, c], [c, 1], 0, r * c, "broadcast row");
      check(op, dense(a), { data: b, shape: [r, c], strides: [0, 0], offset: 5 }, [r, c], [c, 1], 0, r * c, "one value, rank 2");
      check(op, { data: a, shape: [r, c], strides: [2 * c, 2], offset: 1 }, dense(b), [r, c], [c, 1], 0, r * c, "strided a");
      check(op, dense(a), dense(b), [r, c], [1, r], 0, r * c, "transposed out");
    });
  }

  for (const op of ["add", "sub", "mul", "div", "thresholdBackward"] as const) {
    test(`${op}: broadcast rows and columns, pitched rows, long rows, declined layouts`, () => {
      /** [r, c] out (dense from offset 2) of a op b by wasmBinaryRows (or, declined, the backend) and ref, bit for bit. */
      const rows = (a: View, b: View, r: number, c: number, taken: boolean, what: string): void => {
        const size = r * c + 4, got = new Float32Array(size).fill(-7.5), want = new Float32Array(size).fill(-7.5);
        const out = (d: Float32Array): View => ({ data: d, shape: a.shape, strides: a.shape.length === 3 ? [r * c / a.shape[0], c, 1] : [c, 1], offset: 2 });
        const took = wasmBinaryRows(op, a, b, out(got));
        assert.equal(took, taken, `${op} ${what}: taken`);
        if (!took) wasm.binary(op, a, b, out(got));
        refBackend.binary(op, a, b, out(want));
        for (let i = 0; i < size; i++) assert.ok(Object.is(got[i], want[i]), `${op} ${what}: element ${i}: wasm ${got[i]}, ref ${want[i]}`);
      };
      for (const [r, c] of [[37, 129], [1000, 65], [5, 16384], [3, 16391], [2, 40001], [300, 64]]) {
        const a = data(r * (c + 5) + 3), b = data(r * (c + 5) + 3);
        const v = (d: Float32Array, strides: number[], offset = 3): View => ({ data: d, shape: [r, c], strides, offset });
        rows(v(a, [c, 1]), v(b, [0, 1]), r, c, true, `[${r},${c}] + row`);
        rows(v(a, [0, 1], 1), v(b, [c, 1]), r, c, true, `row + [${r},${c}]`);
        rows(v(a, [c, 1]), v(b, [1, 0]), r, c, true, `[${r},${c}] + column`);
        rows(v(a, [3, 0]), v(b, [c, 1]), r, c, true, `column (pitch 3) + [${r},${c}]`);
        rows(v(a, [0, 1]), v(b, [1, 0], 0), r, c, true, `row + column [${r},${c}]`);
        rows(v(a, [c + 5, 1]), v(b, [0, 0]), r, c, true, `pitched rows + one value [${r},${c}]`);
        rows(v(a, [c + 5, 1]), v(b, [c, 1]), r, c, true, `pitched rows + rows [${r},${c}]`);
        rows(v(a, [c, -1], c - 1), v(b, [0, 1]), r, c, false, `reversed rows [${r},${c}] (declined)`);
        rows(v(a, [1, r]), v(b, [0, 1]), r, c, false, `transposed [${r},${c}] (declined)`);
      }
      const r = 6, c = 70, a = data(2 * r * c), b = data(c);
      rows({ data: a, shape: [2, r, c], strides: [r * c, c, 1], offset: 0 }, { data: b, shape: [2, r, c], strides: [0, 0, 1], offset: 0 }, 2 * r, c, true, "rank 3 + row");
      rows({ data: a, shape: [2, r, c], strides: [r * c, c, 1], offset: 0 }, { data: b, shape: [2, r, c], strides: [0, 1, 0], offset: 0 }, 2 * r, c, false, "rank 3, a middle broadcast (declined)");
      const short = data(400 * 5);
      rows({ data: short, shape: [400, 5], strides: [5, 1], offset: 0 }, { data: short, shape: [400, 5], strides: [1, 0], offset: 0 }, 400, 5, false, "column over short rows (declined)");
      rows({ data: short, shape: [400, 5], strides: [5, 1], offset: 0 }, { data: short, shape: [400, 5], strides: [0, 1], offset: 7 }, 400, 5, true, "row over short rows");
    });
  }

  test("other dtypes and ops fall back to the js kernels", () => {
    const n = 5000, a = new Float64Array(n).map(() => rand()), b = new Float64Array(n).map(() => rand());
    const got = new Float64Array(n), want = new Float64Array(n);
    const v = (d: Float64Array): View => ({ data: d, shape: [n], strides: [1], offset: 0 });
    wasm.binary("mul", v(a), v(b), v(got));
    refBackend.binary("mul", v(a), v(b), v(want));
    assert.deepEqual(got, want);
    const f = data(n), g = data(n), o1 = new Float32Array(n), o2 = new Float32Array(n);
    const w = (d: Float32Array): View => ({ data: d, shape: [n], strides: [1], offset: 0 });
    wasm.binary("maximum", w(f), w(g), w(o1));
    refBackend.binary("maximum", w(f), w(g), w(o2));
    for (let i = 0; i < n; i++) assert.ok(Object.is(o1[i], o2[i]));
  });
});
