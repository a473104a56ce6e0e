// The wasm float32 unary kernels against ref: relu/neg/abs/sqrt bit for bit, exp/log/tanh/sigmoid within a
// few float32 steps (PyTorch's float32 tolerance is looser); chunk boundaries, offsets, specials, declines.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { UnaryCode, View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { rng } from "./helpers/samples.ts";
import { assertNear, MIN_NORMAL32, ULP32 } from "./helpers/float32-near.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(9191);
const wasm = withWasmElementwise(jsBackend);
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1.2e-38, 3e38, -3e38, 88.7, 88.72, 88.73, 89, -87.3, -87.34, -88,
  -103, 0.62, -0.62, 0.63, 1e-6, -1e-6, 1, -1, 2, 0.5, 87, -87, 87.00001, -87.00001, -103.9, -104, -150, 44, -44];

/** Values over many magnitudes (uniform in log scale, both signs), with specials sprinkled in. */
function data(n: number, positive: boolean): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = rand() < 0.05 ? SPECIALS[Math.floor(rand() * SPECIALS.length)] : 10 ** (rand() * 12 - 8) * (rand() < 0.5 ? -1 : 1);
    d[i] = positive && rand() < 0.9 ? Math.abs(v) : v;
  }
  d.set(SPECIALS.slice(0, Math.min(n, SPECIALS.length)));
  return d;
}

/** rtol per op: 0 = bit-identical; results below the normal range may flush to zero (atol) for the transcendental ones. */
const RTOL: Partial<Record<UnaryCode, number>> = { relu: 0, neg: 0, abs: 0, sqrt: 0, exp: 2 * ULP32, log: 2 * ULP32, tanh: 2 * ULP32, sigmoid: 2 * ULP32 };

function check(op: UnaryCode, x: View, n: number, outOffset: number, what: string): void {
  const got = new Float32Array(n + outOffset + 1).fill(-7.5), want = new Float32Array(n + outOffset + 1).fill(-7.5);
  const out = (d: Float32Array): View => ({ data: d, shape: x.shape, strides: [1], offset: outOffset });
  wasm.unary(op, x, out(got));
  refBackend.unary(op, x, out(want));
  const rtol = RTOL[op]!;
  if (rtol === 0) for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${op} ${what}: element ${i}: wasm ${got[i]}, ref ${want[i]}`);
  else assertNear(got, want, rtol, MIN_NORMAL32, `${op} ${what}`);
}

describe("wasm float32 unary kernels match ref", () => {
  wasmForEverySize();

  for (const op of Object.keys(RTOL) as UnaryCode[]) {
    test(`${op}: odd sizes, offsets, chunk boundaries, specials`, () => {
      for (const n of [1, 3, 4, 5, 31, 16384, 16389, 40001]) {
        const x = data(n + 3, op === "log" || op === "sqrt");
        check(op, { data: x, shape: [n], strides: [1], offset: 3 }, n, 0, `n=${n} x offset`);
        check(op, { data: x, shape: [n], strides: [1], offset: 0 }, n, 2, `n=${n} out offset`);
      }
    });
  }

  test("the whole float32 range of exp, log, tanh and sigmoid, bit patterns stepped", () => {
    const bits = new Int32Array(1 << 16);
    for (let i = 0; i < bits.length; i++) bits[i] = (i << 16) | (i * 40503 & 0xffff);
    const x = new Float32Array(bits.buffer);
    for (const op of ["exp", "log", "tanh", "sigmoid"] as const) check(op, { data: x, shape: [x.length], strides: [1], offset: 0 }, x.length, 0, "bit sweep");
  });

  test("sigmoid's far negative tail: subnormal results within a subnormal step of ref's, then 0", () => {
    const ts: number[] = [];
    for (let t = -106; t < -85; t += 0.0037) ts.push(t, rand() * 4 - 2);
    ts.push(-Infinity, -1000, -104.5, NaN);
    const x = Float32Array.from(ts), got = new Float32Array(x.length), want = new Float32Array(x.length);
    const v = (d: Float32Array): View => ({ data: d, shape: [d.length], strides: [1], offset: 0 });
    wasm.unary("sigmoid", v(x), v(got));
    refBackend.unary("sigmoid", v(x), v(want));
    assertNear(got, want, 2 * ULP32, 2 ** -149, "sigmoid tail");
    for (let i = 0; i < x.length; i++) if (x[i] < -90 && x[i] > -103) assert.ok(got[i] > 0, `sigmoid(${x[i]}) is ${got[i]}: ref's is subnormal`);
  });

  test("exp at the range's edges: subnormal results within a subnormal step of ref's, 0 and inf where ref has them", () => {
    // t swept through [-106, -85] and [86, 90], every other lane an ordinary value: vectors mix both paths
    const ts: number[] = [];
    for (let t = -106; t < -85; t += 0.0037) ts.push(t, rand() * 4 - 2);
    for (let t = 86; t < 90; t += 0.0011) ts.push(t, rand() * 4 - 2);
    ts.push(...new Array<number>(21).fill(-Infinity), ...new Array<number>(13).fill(-1000), -104.5, -103.99, NaN, ...new Array<number>(9).fill(-200));
    const x = Float32Array.from(ts), got = new Float32Array(x.length), want = new Float32Array(x.length);
    const v = (d: Float32Array): View => ({ data: d, shape: [d.length], strides: [1], offset: 0 });
    wasm.unary("exp", v(x), v(got));
    refBackend.unary("exp", v(x), v(want));
    assertNear(got, want, 2 * ULP32, 2 ** -149, "exp edges");
    for (let i = 0; i < x.length; i++) {
      if (x[i] < -104 || x[i] > 88.8) assert.ok(Object.is(got[i], want[i]), `exp(${x[i]}): wasm ${got[i]}, ref ${want[i]}`);
    }
  });

  test("strided views, parameters, float64 and other ops fall back to the js kernels", () => {
    const n = 5000, x = data(2 * n, false), a = new Float32Array(n), b = new Float32Array(n);
    const v = (d: Float32Array): View => ({ data: d, shape: [n], strides: [1], offset: 0 });
    for (const [op, xv, params] of [["exp", { data: x, shape: [n], strides: [2], offset: 1 }, undefined], ["sin", v(x), undefined],
      ["leakyRelu", v(x), [0.1]]] as [UnaryCode, View, number[] | undefined][]) {
      wasm.unary(op, xv, v(a), params);
      jsBackend.unary(op, xv, v(b), params);
      for (let i = 0; i < n; i++) assert.ok(Object.is(a[i], b[i]), `${op}: element ${i}`);
    }
    const d = Float64Array.from(x.subarray(0, n)), o1 = new Float64Array(n), o2 = new Float64Array(n);
    const w = (q: Float64Array): View => ({ data: q, shape: [n], strides: [1], offset: 0 });
    wasm.unary("tanh", w(d), w(o1));
    refBackend.unary("tanh", w(d), w(o2));
    assert.deepEqual(o1, o2);
  });
});
