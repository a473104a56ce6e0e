// Shared pieces of the wasm reduction tests: dense views, seeded data with specials, and one reduce run on wasm (or its fallback) and on ref.
import type { View } from "../../src/backend/types.ts";
import { jsBackend, refBackend } from "../../src/backends.ts";
import { contiguousStrides } from "../../src/shape.ts";
import { withWasmElementwise } from "../../src/backend/wasm/with-elementwise.ts";
import { wasmReduce, type WasmReduceCode } from "../../src/backend/wasm/reduce.ts";

const wasm = withWasmElementwise(jsBackend);

/** A dense row-major view of `shape` over `data` from `offset`. */
export const dense = (data: Float32Array | Float64Array | Int32Array, shape: readonly number[], offset = 0): View =>
  ({ data, shape, strides: contiguousStrides(shape), offset });

/** `shape` with the dims in `dims` set to 1. */
export const keptShape = (shape: readonly number[], dims: readonly number[]): number[] => shape.map((s, i) => (dims.includes(i) ? 1 : s));

/** n floats: uniform in (-10, 10), each one of `specials` with probability `p`. */
export function seededData(rand: () => number, n: number, p: number, specials: readonly number[]): Float32Array {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rand() < p ? specials[Math.floor(rand() * specials.length)] : (rand() * 2 - 1) * 10;
  return d;
}

/**
 * Reduces x over `dims` into dense outputs (from `outOffset`, sentinel-filled around) on the wasm kernel
 * (the wrapped js backend where it declines) and on ref.
 */
export function reduceBoth(op: WasmReduceCode, x: View, dims: readonly number[], outOffset = 0):
  { got: Float32Array; want: Float32Array; took: boolean; outShape: number[]; m: number } {
  const outShape = keptShape(x.shape, dims), m = outShape.reduce((p, q) => p * q, 1);
  const got = new Float32Array(m + outOffset + 2).fill(-7.5), want = got.slice();
  const took = wasmReduce(op, x, dense(got, outShape, outOffset));
  if (!took) wasm.reduce(op, x, dense(got, outShape, outOffset));
  refBackend.reduce(op, x, dense(want, outShape, outOffset));
  return { got, want, took, outShape, m };
}
