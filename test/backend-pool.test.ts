// The js pooling kernels against ref's, bit for bit (Object.is over whole storages): random 1-d/2-d/3-d windows
// (empty, overlapping, strided, duplicated factors), ties, NaN and ±inf, offsets, transposed and gapped views.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import type { PoolDim } from "../src/backend/conv-types.ts";
import { contiguousStrides, numelOf } from "../src/shape.ts";
import { rng } from "./helpers/samples.ts";

const rand = rng(9090);
type FDT = "float32" | "float64";
type Arr = Float32Array | Float64Array;
type Layout = "C" | "T" | "pad";
const alloc = (dt: FDT | "int64", n: number): Arr => (dt === "float32" ? new Float32Array(n) : new Float64Array(n));
const int = (n: number) => Math.floor(rand() * n);

function layoutStrides(shape: readonly number[], layout: Layout): number[] {
  if (layout === "pad") return contiguousStrides(shape).map((s) => 2 * s);
  if (layout === "C" || shape.length < 3) return contiguousStrides(shape);
  const r = shape.length, st = contiguousStrides([...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]]);
  return [...st.slice(0, r - 2), st[r - 1], st[r - 2]];
}

/** A view in `layout` over data: small integers (ties), with NaN and ±inf sprinkled in when `specials`. */
function dataView(dt: FDT, shape: readonly number[], layout: Layout, specials: boolean): View {
  const data = alloc(dt, 2 * numelOf(shape) + 4);
  for (let i = 0; i < data.length; i++) {
    const u = rand();
    data[i] = specials && u < 0.05 ? NaN : specials && u < 0.08 ? Infinity : specials && u < 0.11 ? -Infinity : int(5) - 2 + (u < 0.5 ? 0 : rand());
  }
  return { data, shape, strides: layoutStrides(shape, layout), offset: 4 };
}

/** Two identical sentinel-filled outputs. */
function outPair(dt: FDT | "int64", shape: readonly number[], layout: Layout): [View, View] {
  const mk = (): View => ({ data: alloc(dt, 2 * numelOf(shape) + 3).fill(-3.25), shape, strides: layoutStrides(shape, layout), offset: 3 });
  return [mk(), mk()];
}

/** One dim of random windows over an input of size n: each output a sorted run of taps (some empty), a positive factor. */
function randomDim(n: number): PoolDim {
  const out = 1 + int(5);
  const taps: number[][] = [], factor: number[] = [];
  for (let o = 0; o < out; o++) {
    const start = int(n + 1), step = 1 + int(2), len = rand() < 0.1 ? 0 : 1 + int(3);
    const list: number[] = [];
    for (let j = 0; j < len && start + j * step < n; j++) list.push(start + j * step);
    taps.push(list);
    factor.push(1 + int(4));
  }
  return { taps, factor };
}

function same(a: View, b: View, what: string): void {
  const x = a.data as Arr, y = b.data as Arr;
  for (let i = 0; i < y.length; i++) assert.ok(Object.is(x[i], y[i]), `${what}: element ${i}: js ${x[i]}, ref ${y[i]}`);
}

describe("js pooling kernels are ref's, bit for bit", () => {
  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`poolMax, poolAvg, poolAvgBackward ${dt}`, () => {
      for (let trial = 0; trial < 60; trial++) {
        const D = 1 + (trial % 3), P = 1 + int(3);
        const inSize = Array.from({ length: D }, () => 1 + int(7));
        const dims = inSize.map(randomDim), outSize = dims.map((d) => d.taps.length);
        const layout = (["C", "T", "pad"] as const)[int(3)], outLayout = (["C", "T", "pad"] as const)[int(3)];
        const what = `${dt} D${D} P${P} in ${inSize} out ${outSize} ${layout}/${outLayout}`;
        const x = dataView(dt, [P, ...inSize], layout, trial % 2 === 0);
        const [a, b] = outPair(dt, [P, ...outSize], outLayout), [ia, ib] = outPair("int64", [P, ...outSize], outLayout);
        jsBackend.poolMax(x, a, ia, dims); refBackend.poolMax(x, b, ib, dims);
        same(a, b, `poolMax ${what}`); same(ia, ib, `poolMax indices ${what}`);
        const divisor = trial % 4 === 0 ? 3 : 0;
        const [c, d] = outPair(dt, [P, ...outSize], outLayout);
        jsBackend.poolAvg(x, c, dims, divisor); refBackend.poolAvg(x, d, dims, divisor);
        same(c, d, `poolAvg ${what}`);
        const g = dataView(dt, [P, ...outSize], layout, false);
        const [e, f] = outPair(dt, [P, ...inSize], outLayout);
        jsBackend.poolAvgBackward(g, e, dims, divisor); refBackend.poolAvgBackward(g, f, dims, divisor);
        same(e, f, `poolAvgBackward ${what}`);
      }
    });
  }
});

describe("js scatter-add (max pooling's backward) is ref's, bit for bit", () => {
  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`scatter sum ${dt}, every dim, duplicates, strided views; other modes fall back`, () => {
      for (let trial = 0; trial < 40; trial++) {
        const rank = 1 + (trial % 3);
        const dstShape = Array.from({ length: rank }, () => 1 + int(5));
        const dim = int(rank);
        const idxShape = dstShape.map((n, d) => (d === dim ? 1 + int(6) : 1 + int(n)));
        const layout = (["C", "T", "pad"] as const)[int(3)];
        const index: View = { data: new Float64Array(numelOf(idxShape)).map(() => int(dstShape[dim])), shape: idxShape, strides: contiguousStrides(idxShape), offset: 0 };
        const src = dataView(dt, idxShape, layout, trial % 2 === 0);
        for (const [op, includeSelf] of [["sum", true], ["sum", false], ["amax", true]] as const) {
          const [a, b] = outPair(dt, dstShape, layout);
          jsBackend.scatter(op, a, dim, index, src, { includeSelf, integral: false });
          refBackend.scatter(op, b, dim, index, src, { includeSelf, integral: false });
          same(a, b, `scatter ${op} self=${includeSelf} ${dt} dst ${dstShape} dim ${dim} index ${idxShape} ${layout}`);
        }
      }
    });
  }
});
