// The js backend's softmax kernel against ref's: float64 lines exactly (Object.is per element of the
// whole output storage), float32 within float32 rounding (its softmax computes e^t with its own exp,
// ~1e-15 relative of Math.exp, so a stored value may differ from ref's by one ulp at a near-tie); NaN
// and ±inf exactly. Odd sizes, every dim, offsets, transposed and strided views, NaN/±inf lines.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { rng } from "./helpers/samples.ts";
import { contiguousStrides } from "../src/shape.ts";

const rand = rng(777);

type FDT = "float32" | "float64";
const alloc = (dt: FDT, n: number): Float32Array | Float64Array => (dt === "float32" ? new Float32Array(n) : new Float64Array(n));


/** Whole storages equal: float64 by Object.is, float32 within one float32 ulp of ref's value (NaN where ref's is). */
function assertClose(dt: FDT, got: Float32Array | Float64Array, want: Float32Array | Float64Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    if (Object.is(a, b)) continue;
    const ok = dt === "float32" && Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= Math.max(Math.abs(b) * 2 ** -23, 2 ** -149);
    assert.ok(ok, `${what}: element ${i}: js ${a}, ref ${b}`);
  }
}

/** Runs both kernels on x (a view of `data`) into an out view over a fresh sentinel-filled storage. */
function check(dt: FDT, data: Float32Array | Float64Array, x: View, dim: number, log: boolean, outSize: number,
  outShapeStrides: (shape: readonly number[]) => { strides: number[]; offset: number }, what: string): void {
  const { strides, offset } = outShapeStrides(x.shape);
  const a = alloc(dt, outSize).fill(-7.5), b = alloc(dt, outSize).fill(-7.5);
  jsBackend.softmax(x, dim, log, { data: a, shape: x.shape, strides, offset });
  refBackend.softmax(x, dim, log, { data: b, shape: x.shape, strides, offset });
  assertClose(dt, a, b, `${what} ${dt} dim=${dim} log=${log}`);
  void data;
}

const dense = (shape: readonly number[]): { strides: number[]; offset: number } => ({ strides: contiguousStrides(shape), offset: 0 });

function randomData(dt: FDT, n: number, scale: number): Float32Array | Float64Array {
  const d = alloc(dt, n);
  for (let i = 0; i < n; i++) d[i] = (rand() * 2 - 1) * scale;
  return d;
}

describe("js softmax matches ref", () => {
  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`${dt}: contiguous lines, odd sizes, every dim`, () => {
      for (const shape of [[1], [7], [3, 1], [1, 5], [5, 33], [4, 4097], [2, 3, 17], [3, 1, 9], [2, 5, 1000]]) {
        const n = shape.reduce((p, q) => p * q, 1);
        for (const scale of [1, 8, 60, 300]) {
          const data = randomData(dt, n, scale);
          for (let dim = 0; dim < shape.length; dim++) {
            for (const log of [false, true]) {
              check(dt, data, { data, shape, strides: contiguousStrides(shape), offset: 0 }, dim, log, n, dense, `shape ${shape} scale ${scale}`);
            }
          }
        }
      }
    });

    test(`${dt}: offsets, transposed and strided views, strided out`, () => {
      const rows = 6, cols = 37;
      const data = randomData(dt, 3 + rows * cols * 2, 10);
      const views: [string, View][] = [
        ["offset", { data, shape: [rows, cols], strides: [cols, 1], offset: 3 }],
        ["transposed", { data, shape: [cols, rows], strides: [1, cols], offset: 0 }],
        ["every other", { data, shape: [rows, cols], strides: [2 * cols, 2], offset: 1 }],
        ["row gap", { data, shape: [rows, cols], strides: [cols + 5, 1], offset: 2 }],
        ["broadcast row", { data, shape: [rows, cols], strides: [0, 1], offset: 4 }],
      ];
      for (const [what, x] of views) {
        for (const dim of [0, 1]) {
          for (const log of [false, true]) {
            check(dt, data, x, dim, log, rows * cols, dense, what);
            // an out with an offset and a transposed out
            check(dt, data, x, dim, log, rows * cols + 2, (s) => ({ strides: contiguousStrides(s), offset: 2 }), `${what} (out offset)`);
            check(dt, data, x, dim, log, rows * cols, (s) => ({ strides: [1, s[0]], offset: 0 }), `${what} (out transposed)`);
          }
        }
      }
    });

    test(`${dt}: NaN, ±inf, all -inf lines, underflow to subnormal and 0`, () => {
      const I = Infinity;
      const lines = [
        [-I, -I, -I], [I, 1, 2], [1, I, I], [NaN, 1, 2], [1, 2, NaN], [-I, 0, 1], [-I, -I, 5], [I, -I, 0],
        [0, -50, -87, -88, -100, -103, -104, -110, -700, -708, -709, -745, -746, -1e30],
        [1e30, -1e30, 0], [3e38, 3e38, -3e38], [0, -0, 0], [5], [-I], [NaN], [I],
      ];
      for (const line of lines) {
        const data = alloc(dt, line.length);
        data.set(line);
        for (const log of [false, true]) {
          check(dt, data, { data, shape: [1, line.length], strides: [line.length, 1], offset: 0 }, 1, log, line.length, dense, `line ${line}`);
        }
      }
    });
  }

  test("float32 [256, 4096] rows of randn-scale logits stay within float32 rounding", () => {
    const rows = 16, cols = 4096;
    const data = randomData("float32", rows * cols, 4);
    check("float32", data, { data, shape: [rows, cols], strides: [cols, 1], offset: 0 }, 1, false, rows * cols, dense, "big");
  });
});

/** js and ref softmaxBackward on (y, g) views into sentinel-filled dense outputs: bit-identical, NaN included. */
function checkBackward(dt: FDT, y: View, g: View, dim: number, log: boolean, what: string): void {
  const n = y.shape.reduce((p, q) => p * q, 1);
  const out = (d: Float32Array | Float64Array): View => ({ data: d, shape: y.shape, strides: contiguousStrides(y.shape), offset: 0 });
  const a = alloc(dt, n).fill(-7.5), b = alloc(dt, n).fill(-7.5);
  jsBackend.softmaxBackward(y, g, dim, log, out(a));
  refBackend.softmaxBackward(y, g, dim, log, out(b));
  for (let i = 0; i < n; i++) assert.ok(Object.is(a[i], b[i]), `${what} ${dt} dim=${dim} log=${log}: element ${i}: js ${a[i]}, ref ${b[i]}`);
}

describe("js softmaxBackward matches ref bit for bit", () => {
  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`${dt}: dense, odd sizes, every dim, strided and broadcast views, NaN/inf`, () => {
      for (const shape of [[1], [7], [3, 1], [5, 33], [2, 3, 17], [3, 1, 9], [2, 4097]]) {
        const n = shape.reduce((p, q) => p * q, 1);
        const y = randomData(dt, n, 1), g = randomData(dt, n, 3);
        for (let dim = 0; dim < shape.length; dim++) {
          for (const log of [false, true]) {
            const v = (data: Float32Array | Float64Array): View => ({ data, shape, strides: contiguousStrides(shape), offset: 0 });
            checkBackward(dt, v(y), v(g), dim, log, `shape ${shape}`);
          }
        }
      }
      const rows = 5, cols = 19;
      const y = randomData(dt, 2 + rows * cols * 2, 1), g = randomData(dt, 2 + rows * cols * 2, 2);
      y[7] = NaN; g[11] = Infinity; y[30] = -Infinity;
      const views: [string, View, View][] = [
        ["offsets", { data: y, shape: [rows, cols], strides: [cols, 1], offset: 2 }, { data: g, shape: [rows, cols], strides: [cols, 1], offset: 1 }],
        ["transposed y", { data: y, shape: [rows, cols], strides: [1, rows], offset: 0 }, { data: g, shape: [rows, cols], strides: [cols, 1], offset: 0 }],
        ["every other g", { data: y, shape: [rows, cols], strides: [cols, 1], offset: 0 }, { data: g, shape: [rows, cols], strides: [2 * cols, 2], offset: 1 }],
        ["broadcast g", { data: y, shape: [rows, cols], strides: [cols, 1], offset: 0 }, { data: g, shape: [rows, cols], strides: [0, 1], offset: 3 }],
      ];
      for (const [what, yv, gv] of views) for (const dim of [0, 1]) for (const log of [false, true]) checkBackward(dt, yv, gv, dim, log, what);
      const s = { data: y, shape: [], strides: [], offset: 4 }, t = { data: g, shape: [], strides: [], offset: 5 };
      for (const log of [false, true]) checkBackward(dt, s, t, 0, log, "0-d");
    });
  }
});
