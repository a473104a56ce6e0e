// Advanced-indexing kernels of the ref backend: gather (x[indices]) and put / accumulate (x[indices] = v, += v).
import type { View } from "../types.ts";

/** Storage position of every element of `v`, in row-major order of its shape. */
export function offsetsOf(v: View): Float64Array {
  let n = 1;
  for (const s of v.shape) n *= s;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const nd = v.shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = v.offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      off += v.strides[d];
      if (++idx[d] < v.shape[d]) break;
      off -= v.strides[d] * v.shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Where each element of the indexing result lives in the indexed storage: `base` has the result's
 * shape (stride 0 on the broadcast index dims), each index view is broadcast to it too and holds
 * non-negative in-range positions along the dim whose stride is `indexStrides[k]`.
 */
function targets(base: View, indices: readonly View[], indexStrides: readonly number[]): Float64Array {
  const pos = offsetsOf(base);
  indices.forEach((ix, k) => {
    const at = offsetsOf(ix), d = ix.data, s = indexStrides[k];
    for (let i = 0; i < pos.length; i++) pos[i] += d[at[i]] * s;
  });
  return pos;
}

/** out[i] = src.data[target(i)] for every element i of the result (see `targets`). */
export function indexGather(src: View, indices: readonly View[], indexStrides: readonly number[], out: View): void {
  const pos = targets(src, indices, indexStrides), o = offsetsOf(out);
  const sd = src.data, od = out.data;
  for (let i = 0; i < pos.length; i++) od[o[i]] = sd[pos[i]];
}

/**
 * dst.data[target(i)] = values[i] (or += with `accumulate`), in row-major order so that with
 * repeated targets and no accumulation the last write wins. `values` is broadcast to the result shape.
 */
export function indexPut(dst: View, indices: readonly View[], indexStrides: readonly number[], values: View, accumulate: boolean): void {
  const pos = targets(dst, indices, indexStrides), v = offsetsOf(values);
  const dd = dst.data, vd = values.data;
  const isBool = dd instanceof Uint8Array;
  for (let i = 0; i < pos.length; i++) {
    const x = accumulate ? dd[pos[i]] + vd[v[i]] : vd[v[i]];
    dd[pos[i]] = isBool ? Number(x !== 0) : x;
  }
}
