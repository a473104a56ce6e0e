// The wasm float32 softmax family (softmax, log-softmax, forward and backward over dense last-dim rows)
// against ref: within a few float32 steps (bounds below say why), NaN/±inf exactly; odd row lengths,
// rows of length 1, several rows per chunk and rows longer than a chunk, offsets, NaN/±inf/-inf rows.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { contiguousStrides } from "../src/shape.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { rng } from "./helpers/samples.ts";
import { assertNear, MIN_NORMAL32, ULP32 } from "./helpers/float32-near.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(31337);
const wasm = withWasmElementwise(jsBackend);
const I = Infinity;
const SHAPES = [[1, 1], [6, 1], [1, 7], [3, 3], [2, 4], [4, 8], [5, 5], [7, 33], [3, 4097], [2, 20000], [2, 3, 129]];
const SPECIAL_LINES = [[-I, -I, -I], [I, 1, 2], [1, I, I], [NaN, 1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8, NaN], [-I, 0, 1], [-I, -I, 5],
  [I, -I, 0], [0, -50, -87, -88, -100, -103, -104, -110, -700, -708, -709, -745, -1e30], [3e38, 3e38, -3e38], [0, -0, 0], [5], [-I], [NaN], [I],
  [1e30, -1e30, 0, -I, 2, -I, 3, 4, 5, -I, -I]];

const dense = (data: Float32Array, shape: readonly number[], offset = 0): View => ({ data, shape, strides: contiguousStrides(shape), offset });

function randomData(n: number, scale: number): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = (rand() * 2 - 1) * scale;
  return d;
}

/**
 * Per storage index i (dense rows of `cols` from `offset`): t_i = x_i - m (m the row's max) and the
 * row's w = sum |t_j| e^t_j / sum e^t_j. Rounding t to float32 (as PyTorch's float32 kernel does) costs
 * e^t a relative |t| 2^-24, hence the sum s a relative <= w 2^-24.
 */
function shiftErrors(x: Float32Array, offset: number, cols: number, n: number): { t: Float64Array; w: Float64Array } {
  const t = new Float64Array(n), w = new Float64Array(n);
  for (let r = 0; r < n; r += cols) {
    let m = -I, num = 0, den = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[offset + r + j]);
    for (let j = 0; j < cols; j++) {
      t[r + j] = x[offset + r + j] - m;
      const e = Math.exp(t[r + j]);
      if (e > 0) { num += Math.abs(t[r + j]) * e; den += e; }
    }
    w.fill(den > 0 ? num / den : 0, r, r + cols);
  }
  return { t, w };
}

/**
 * Forward of `x` (dense rows from offset 1) into outputs at offset 2 of sentinel storages, wasm vs ref:
 * a few float32 steps of the result (exp core, 1/s, product; log-softmax's (x - m) - log s cannot
 * cancel: both terms <= 0) plus the float32 shift's share (see shiftErrors): softmax (|t_i| + w) 2^-24
 * relative, log-softmax w 2^-24 absolute.
 */
function checkForward(x: Float32Array, shape: readonly number[], log: boolean, what: string): void {
  const n = shape.reduce((p, q) => p * q, 1), cols = shape[shape.length - 1];
  const a = new Float32Array(n + 3).fill(-7.5), b = new Float32Array(n + 3).fill(-7.5);
  wasm.softmax(dense(x, shape, 1), shape.length - 1, log, dense(a, shape, 2));
  refBackend.softmax(dense(x, shape, 1), shape.length - 1, log, dense(b, shape, 2));
  const { t, w } = shiftErrors(x, 1, cols, n);
  const atol = (i: number): number => {
    if (i < 2 || i >= n + 2 || !Number.isFinite(t[i - 2])) return 0;
    return (log ? w[i - 2] : (Math.abs(t[i - 2]) + w[i - 2]) * Math.abs(b[i])) * 2 ** -24 + MIN_NORMAL32;
  };
  assertNear(a, b, 4 * ULP32, atol, `wasm ${log ? "log-softmax" : "softmax"} ${what}`);
}

/**
 * Softmax backward of dense y, g rows, wasm vs ref: 2 float32 steps of the result (out = y ((g - s_hi) -
 * s_lo): three roundings against ref's one) plus |y| times the float64 sum's reordering (1e-15 sum |g y|).
 */
function checkSoftmaxBackward(y: Float32Array, g: Float32Array, shape: readonly number[], what: string): void {
  const n = y.length, cols = shape[shape.length - 1];
  const a = new Float32Array(n).fill(-7.5), b = new Float32Array(n).fill(-7.5);
  wasm.softmaxBackward(dense(y, shape), dense(g, shape), shape.length - 1, false, dense(a, shape));
  refBackend.softmaxBackward(dense(y, shape), dense(g, shape), shape.length - 1, false, dense(b, shape));
  assertNear(a, b, 2 * ULP32, (i) => {
    const row = i - (i % cols);
    let mag = 0;
    for (let j = 0; j < cols; j++) mag += Math.abs(g[row + j] * y[row + j]);
    return 1e-15 * mag * Math.abs(y[i]);
  }, `wasm softmaxBackward ${what}`);
}

describe("wasm float32 softmax family matches ref", () => {
  wasmForEverySize();

  for (const log of [false, true]) {
    test(`${log ? "log-softmax" : "softmax"} forward: odd lengths, offsets, chunks, NaN/±inf rows`, () => {
      for (const shape of SHAPES) {
        const n = shape.reduce((p, q) => p * q, 1);
        for (const scale of [1, 10, 120]) checkForward(randomData(n + 1, scale), shape, log, `${shape} scale ${scale}`);
      }
      for (const line of SPECIAL_LINES) checkForward(new Float32Array([0, ...line]), [1, line.length], log, `line ${line}`);
      // special rows among ordinary ones, several rows per chunk
      // masked rows: long -inf stretches (whole vector pairs below the exp's range) after ordinary values
      const masked = randomData(3 * 41, 30).map((v, i) => (i % 41 > 8 && i % 41 !== 37 ? -I : v));
      checkForward(new Float32Array([0, ...masked]), [3, 41], log, "masked rows");
      const rows = SPECIAL_LINES.filter((l) => l.length === 3);
      checkForward(new Float32Array([0, ...rows.flat(), ...randomData(30, 5)]), [rows.length + 10, 3], log, "mixed rows");
    });
  }

  test("softmax backward: within 2 float32 steps of ref (float32 y ((g - s_hi) - s_lo)) plus the sum's reordering", () => {
    for (const shape of SHAPES) {
      const n = shape.reduce((p, q) => p * q, 1);
      const y = randomData(n, 1), g = randomData(n + 3, 5);
      y[0] = NaN;
      checkSoftmaxBackward(y, g.subarray(3), shape, `${shape}`);
    }
  });

  test("softmax backward: g and s nearly cancelling keep float32 accuracy relative to the result", () => {
    for (const [rows, cols] of [[4, 8], [3, 333], [2, 4096]]) {
      const x = randomData(rows * cols, 3), y = new Float32Array(rows * cols), g = new Float32Array(rows * cols);
      refBackend.softmax(dense(x, [rows, cols]), 1, false, dense(y, [rows, cols]));
      // g = c (1 + small noise): s ~ c, g - s ~ c * noise, the result a few orders below |g y|
      for (let i = 0; i < g.length; i++) g[i] = (1 + (i % cols) * 7 + 0.5) * (1 + (rand() - 0.5) * 2 ** -10);
      for (let r = 0; r < rows; r++) g.fill(g[r * cols + 3] * 1.0001, r * cols + 5, r * cols + 9);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += g[r * cols + j] * y[r * cols + j];
        g.fill(Math.fround(s), r * cols, r * cols + 3); // exactly f32(s): g - s is s's own rounding
      }
      checkSoftmaxBackward(y, g, [rows, cols], `cancelling ${rows}x${cols}`);
    }
  });

  test("softmax backward: s past float32 (float64 pass), infinite and NaN s, ±inf and NaN in g", () => {
    const lines: [number[], number[]][] = [
      [[1e-10, 1], [3.4e38, -1e38]], [[1e-30, 1e-30, 1e10], [3e38, -3e38, 1e25]], [[1e30, 1e-30], [1e30, 3e38]],
      [[0.5, 0.5], [I, 1]], [[0, 1], [I, 1]], [[0.25, 0.75], [-I, I]], [[0.5, 0.5, 0], [NaN, 1, 2]], [[NaN, 0.5], [1, 2]],
      [[0.5, 0.5, 0, 0, 0, 0, 0, 0, 0], [2, 3, 1, 2, 3, 4, 5, 6, 7]],
    ];
    for (const [y, g] of lines) checkSoftmaxBackward(Float32Array.from(y), Float32Array.from(g), [1, y.length], `y ${y} g ${g}`);
  });

  test("log-softmax backward: g - e^y s in float32, a few float32 steps of |g| + |e^y s|", () => {
    for (const shape of SHAPES) {
      const n = shape.reduce((p, q) => p * q, 1), cols = shape[shape.length - 1];
      const y = randomData(n + 2, 6).map((v) => -Math.abs(v)), g = randomData(n + 3, 5);
      y[5] = NaN; y[2] = -I;
      const a = new Float32Array(n + 1).fill(-7.5), b = new Float32Array(n + 1).fill(-7.5);
      wasm.softmaxBackward(dense(y, shape, 2), dense(g, shape, 3), shape.length - 1, true, dense(a, shape, 1));
      refBackend.softmaxBackward(dense(y, shape, 2), dense(g, shape, 3), shape.length - 1, true, dense(b, shape, 1));
      assertNear(a, b, 4 * ULP32, (i) => {
        if (i === 0) return 0;
        const row = i - 1 - ((i - 1) % cols);
        let s = 0;
        for (let j = 0; j < cols; j++) s += g[3 + row + j];
        return 4 * ULP32 * (Math.abs(g[i + 2]) + Math.exp(y[i + 1]) * Math.abs(s)) + MIN_NORMAL32;
      }, `wasm logSoftmaxBackward ${shape}`);
    }
  });

  test("float64 and non-last dims are declined to the js kernels (bit-identical paths)", () => {
    const shape = [3, 50], data = randomData(150, 5);
    for (const log of [false, true]) {
      const a = new Float32Array(150), b = new Float32Array(150);
      wasm.softmax(dense(data, shape), 0, log, dense(a, shape));
      jsBackend.softmax(dense(data, shape), 0, log, dense(b, shape));
      assert.deepEqual(a, b);
      const d = Float64Array.from(data), c = new Float64Array(150), e = new Float64Array(150);
      const v = (q: Float64Array): View => ({ data: q, shape, strides: [50, 1], offset: 0 });
      wasm.softmax(v(d), 1, log, v(c));
      jsBackend.softmax(v(d), 1, log, v(e));
      assert.deepEqual(c, e);
    }
  });
});
