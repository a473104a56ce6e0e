// The wasm float32 activation kernels (silu, gelu both forms, softplus, logSigmoid, erf, mish, elu) against ref: stated float32-step bounds, specials exactly, declines.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import * as torch from "tensorgrad";
import type { Backend, UnaryCode, View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { CHUNK } from "../src/backend/wasm/elementwise.ts";
import { wasmUnaryKernel } from "../src/backend/wasm/unary-kernels.ts";
import { rng } from "./helpers/samples.ts";
import { assertNear, ULP32 } from "./helpers/float32-near.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(4242);
const wasm = withWasmElementwise(jsBackend);
const K = 0.7978845608028654;
/** Results below the normal range pass through subnormal intermediates: within 2^-140 (512 subnormal steps; PyTorch's atol is 1e-5). */
const TINY = 2 ** -140;

interface Case { op: UnaryCode; params?: number[]; label: string; steps: number; exact?: number[]; extra?: (x: number, ref: number) => number }
/**
 * The stated bounds: |wasm - ref| <= steps ULP32 |ref| + TINY (+ extra). gelu's tanh form rounds its exponent
 * t = 2k (x + 0.044715 x^3) to float32, so its error grows with |t| (steps ULP32 |ref| |t|); and ref's own
 * 0.5 x (1 + tanh(...)) cancels in float64 for x < 0 (error up to |x| 2^-53, where the result is ~0).
 */
const CASES: Case[] = [
  { op: "silu", label: "silu", steps: 3 },
  { op: "softplus", label: "softplus", steps: 3, exact: [20, 19.999998092651367, 20.000001907348633, 30] },
  { op: "softplus", params: [1, 20], label: "softplus(1, 20)", steps: 3, exact: [20, 19.999998092651367, 20.000001907348633, 30] },
  { op: "logSigmoid", label: "logSigmoid", steps: 3 },
  { op: "erf", label: "erf", steps: 2, exact: [3.95, -3.95, 4, -4, 4.1, -4.1] },
  { op: "gelu", params: [0], label: "gelu", steps: 5, exact: [-14.8, -15, 14.8, 15] },
  { op: "mish", label: "mish", steps: 3 },
  { op: "elu", label: "elu", steps: 2, exact: [-17.5, -18, -20, -1e-8, 1e-8, 5] },
  { op: "elu", params: [1, 1, 1], label: "elu(1, 1, 1)", steps: 2 },
  { op: "gelu", params: [1], label: "gelu tanh", steps: 3,
    extra: (x, r) => 3 * ULP32 * Math.abs(r) * Math.max(0, Math.abs(2 * K * (x + 0.044715 * x ** 3)) - 1) + Math.abs(x) * 2 ** -53 },
];

/** Inputs whose results every kernel gives exactly as ref (NaN, infinities, signed zeros, saturated or linear regions, subnormal x). */
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 3e38, -3e38, 1e-45, -1e-45, 1e-40, -1e-40, 1000, -1000, 200, -200];
/** Thresholds and their neighbourhoods: the branch points of the kernels (erf's 1 and 4, gelu's sqrt2 / 2 and 14.8, exp's ranges). */
const NEAR = [19.999998092651367, 20.000001907348633, 20, -20, 3.9, 4, 4.1, -14.8, -14.2, -13.2, 14.8, 0.5, -0.5, 1, -1, Math.SQRT2, -Math.SQRT2,
  0.7071067690849304, -0.7071067690849304, -87.3, -88.8, -103.9, -104.1, 87.3, 88.8, 104.1, -9, 9, 17.5, -17.5];

/** Values over many magnitudes (both signs, uniform in log scale up to 1e3), specials and thresholds sprinkled in. */
function data(n: number): Float32Array {
  const pool = [...SPECIALS, ...NEAR], d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rand() < 0.05 ? pool[Math.floor(rand() * pool.length)] : 10 ** (rand() * 11 - 8) * (rand() < 0.5 ? -1 : 1);
  d.set(pool.slice(0, Math.min(n, pool.length)));
  return d;
}

const view = (d: Float32Array, n: number, offset: number): View => ({ data: d, shape: [n], strides: [1], offset });

/** Runs the case on wasm and ref over x[xo, xo+n) into outputs at `oo` (sentinels around), then checks the bound. */
function check(c: Case, x: Float32Array, xo: number, n: number, oo: number, what: string): void {
  const got = new Float32Array(n + oo + 1).fill(-7.5), want = new Float32Array(n + oo + 1).fill(-7.5);
  wasm.unary(c.op, view(x, n, xo), view(got, n, oo), c.params);
  refBackend.unary(c.op, view(x, n, xo), view(want, n, oo), c.params);
  const xi = (i: number): number => (i >= oo && i < oo + n ? x[xo + i - oo] : 0);
  assertNear(got, want, c.steps * ULP32, (i) => TINY + (c.extra?.(xi(i), want[i]) ?? 0), `${c.label} ${what}`);
}

describe("wasm float32 activation kernels match ref", () => {
  wasmForEverySize();

  test("the kernels' forms: defaults and the parameters they compute; other parameters have none", () => {
    assert.equal(wasmUnaryKernel("gelu"), "gelu");
    assert.equal(wasmUnaryKernel("gelu", [0]), "gelu");
    assert.equal(wasmUnaryKernel("gelu", [1]), "geluTanh");
    assert.equal(wasmUnaryKernel("gelu", [0.5]), undefined);
    assert.equal(wasmUnaryKernel("softplus"), "softplus");
    assert.equal(wasmUnaryKernel("softplus", [1]), "softplus");
    assert.equal(wasmUnaryKernel("softplus", [1, 20]), "softplus");
    assert.equal(wasmUnaryKernel("softplus", [2, 20]), undefined);
    assert.equal(wasmUnaryKernel("softplus", [1, 10]), undefined);
    assert.equal(wasmUnaryKernel("silu", [1]), undefined);
    assert.equal(wasmUnaryKernel("erf"), "erf");
    assert.equal(wasmUnaryKernel("elu", [1, 1, 1]), "elu");
    assert.equal(wasmUnaryKernel("elu", [1]), "elu");
    assert.equal(wasmUnaryKernel("elu", [1.6732632423543772, 1.0507009873554805, 1]), undefined);
    assert.equal(wasmUnaryKernel("elu", [2, 1, 0.5]), undefined);
    assert.equal(wasmUnaryKernel("mish"), "mish");
  });

  test("the public functions reach the kernels: defaults, gelu's tanh flag, celu(1) as elu; other parameters do not", () => {
    const seen: string[] = [];
    const spy: Backend = { ...wasm, unary(op, x, out, params) { seen.push(wasmUnaryKernel(op, params) ?? `-${op}`); wasm.unary(op, x, out, params); } };
    const F = torch.nn.functional, x = torch.tensor(Array.from(data(999)).map((v) => (Number.isFinite(v) ? v : 0)));
    const prev = torch.backends.setBackend(spy);
    try {
      for (const y of [F.silu(x), F.gelu(x), F.gelu(x, { approximate: "tanh" }), F.softplus(x), F.logsigmoid(x), torch.erf(x), F.mish(x), F.elu(x), F.celu(x),
        F.softplus(x, 2), F.elu(x, 0.5), F.selu(x)]) assert.equal(y.shape[0], 999);
    } finally { torch.backends.setBackend(prev); }
    assert.deepEqual(seen, ["silu", "gelu", "geluTanh", "softplus", "logSigmoid", "erf", "mish", "elu", "elu", "-softplus", "-elu", "-elu"]);
  });

  for (const c of CASES) {
    test(`${c.label}: odd sizes, offsets, chunk boundaries, specials`, () => {
      for (const n of [1, 3, 4, 5, 31, CHUNK - 1, CHUNK, CHUNK + 5, 2 * CHUNK + 7]) {
        const x = data(n + 3);
        check(c, x, 3, n, 0, `n=${n} x offset`);
        check(c, x, 0, n, 2, `n=${n} out offset`);
      }
    });

    test(`${c.label}: every 1021st float32 in [-20, 20], a fine grid over [-120, 120], and extremes`, () => {
      const bits = new Int32Array(1), f = new Float32Array(bits.buffer), xs: number[] = [];
      for (const sign of [0, 1 << 31]) for (let i = 0; ; i += 1021) { bits[0] = i | sign; if (!(Math.abs(f[0]) <= 20)) break; xs.push(f[0]); }
      for (let t = -120; t < 120; t += 0.00097) xs.push(t);
      xs.push(...SPECIALS, ...NEAR);
      const x = Float32Array.from(xs);
      check(c, x, 0, x.length, 0, "sweep");
    });

    test(`${c.label}: NaN, infinities, signed zeros, huge and subnormal inputs, saturated regions as ref's exactly`, () => {
      const x = Float32Array.from([...SPECIALS, ...(c.exact ?? [])]);
      const got = new Float32Array(x.length), want = new Float32Array(x.length);
      wasm.unary(c.op, view(x, x.length, 0), view(got, x.length, 0), c.params);
      refBackend.unary(c.op, view(x, x.length, 0), view(want, x.length, 0), c.params);
      for (let i = 0; i < x.length; i++) assert.ok(Object.is(got[i], want[i]), `${c.label}(${x[i]}): wasm ${got[i]}, ref ${want[i]}`);
    });
  }

  test("parameters the kernels do not take, strided views and float64 fall back to the js kernels", () => {
    const n = 5000, x = data(2 * n), a = new Float32Array(n), b = new Float32Array(n);
    const cases: [UnaryCode, View, number[] | undefined][] = [
      ["softplus", view(x, n, 0), [2, 20]], ["softplus", view(x, n, 0), [1, 5]], ["gelu", view(x, n, 0), [0.5]],
      ["silu", view(x, n, 0), [1]], ["elu", view(x, n, 0), [1.6732632423543772, 1.0507009873554805, 1]], ["elu", view(x, n, 0), [2, 1, 0.5]],
      ["mish", view(x, n, 0), [1]], ["hardswish", view(x, n, 0), undefined],
      ["gelu", { data: x, shape: [n], strides: [2], offset: 1 }, [0]], ["erf", { data: x, shape: [n], strides: [2], offset: 1 }, undefined],
    ];
    for (const [op, xv, params] of cases) {
      wasm.unary(op, xv, view(a, n, 0), params);
      jsBackend.unary(op, xv, view(b, n, 0), params);
      for (let i = 0; i < n; i++) assert.ok(Object.is(a[i], b[i]), `${op}(${params?.join(",") ?? ""}): element ${i}`);
    }
    const d = Float64Array.from(x.subarray(0, n)), o1 = new Float64Array(n), o2 = new Float64Array(n);
    const w = (q: Float64Array): View => ({ data: q, shape: [n], strides: [1], offset: 0 });
    wasm.unary("gelu", w(d), w(o1), [0]);
    jsBackend.unary("gelu", w(d), w(o2), [0]);
    assert.deepEqual(o1, o2);
  });
});
