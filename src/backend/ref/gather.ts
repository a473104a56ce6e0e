// Ref kernels of the gather/scatter family: gather along a dim, scatter with a reduction, nonzero positions.
import type { Backend, View } from "../types.ts";

/** How scatter combines: overwrite, or one of scatter_reduce's reductions. */
export type ScatterCode = Parameters<Backend["scatter"]>[0];
/** scatter_reduce's include_self, and floor division of "mean" for integral dtypes. */
export type ScatterOptions = Parameters<Backend["scatter"]>[5];
import { forEach3 } from "./strided.ts";

/** `v` seen over `shape` with its stride along `dim` zeroed: the walk position before the indexed step. */
function alongDim(v: View, shape: readonly number[], dim: number): View {
  const strides = [...v.strides];
  strides[dim] = 0;
  return { data: v.data, shape, strides, offset: v.offset };
}

/** A 0-d view as a 1-element 1-d view (gather/scatter index along dim 0). */
function atLeast1d(v: View): View {
  return v.shape.length > 0 ? v : { ...v, shape: [1], strides: [1] };
}

/** out[i] = x[i with i[dim] replaced by index[i]]; out and index share a shape (indices already checked). */
export function gather(x0: View, dim: number, index0: View, out0: View): void {
  const [x, index, out] = [x0, index0, out0].map(atLeast1d);
  const xd = x.data, id = index.data, od = out.data;
  const step = x.strides[dim];
  const xs = alongDim(x, index.shape, dim);
  forEach3(index.shape, xs, index, out, (ix, ii, io) => { od[io] = xd[ix + id[ii] * step]; });
}

const COMBINE: Record<Exclude<ScatterCode, "set" | "mean">, (acc: number, v: number) => number> = {
  sum: (acc, v) => acc + v,
  prod: (acc, v) => acc * v,
  amax: (acc, v) => (v > acc || v !== v ? v : acc),
  amin: (acc, v) => (v < acc || v !== v ? v : acc),
};

/**
 * dst[i with i[dim] replaced by index[i]] (op)= src[i] over index's shape. With `includeSelf` false a
 * slot's old value is dropped the first time it is hit; "mean" divides each hit slot by its count
 * (floor division for integral storage when `integral`).
 */
export function scatter(op: ScatterCode, dst0: View, dim: number, index0: View, src0: View, opts: ScatterOptions): void {
  const [dst, index, src] = [dst0, index0, src0].map(atLeast1d);
  const dd = dst.data, id = index.data, sd = src.data;
  const step = dst.strides[dim];
  const ds = alongDim(dst, index.shape, dim);
  if (op === "set") {
    forEach3(index.shape, ds, index, src, (io, ii, is) => { dd[io + id[ii] * step] = sd[is]; });
    return;
  }
  const combine = COMBINE[op === "mean" ? "sum" : op];
  const hits = new Map<number, number>();
  forEach3(index.shape, ds, index, src, (io, ii, is) => {
    const at = io + id[ii] * step;
    const n = hits.get(at) ?? 0;
    dd[at] = n === 0 && !opts.includeSelf ? sd[is] : combine(dd[at], sd[is]);
    hits.set(at, n + 1);
  });
  if (op !== "mean") return;
  for (const [at, n] of hits) {
    const q = dd[at] / (n + (opts.includeSelf ? 1 : 0));
    dd[at] = opts.integral ? Math.floor(q) : q;
  }
}

/** Row-major positions (within x's shape) of x's non-zero elements. */
export function nonzero(x: View): number[] {
  const xd = x.data, out: number[] = [];
  let k = 0;
  forEach3(x.shape, x, x, x, (ix) => { if (xd[ix] !== 0) out.push(k); k++; });
  return out;
}
