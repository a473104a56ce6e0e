// scatter of the js backend: scatter-add (sum, self included) without ref's per-slot hit counts; the rest is ref's.
//
// Exactness: ref walks index's shape in row-major order and, for "sum" with includeSelf, each hit does
// dst[slot] = dst[slot] + src[i] (its hit count only matters for "mean" and for dropping self): the same walk
// and the same additions in the same order here, so results are bit-identical. Max-pooling's backward and every
// gather's gradient are scatter-adds: ref's Map of hit counts costs far more than the additions.
import type { Backend, View } from "../types.ts";
import { forEach3 } from "../ref/strided.ts";

type Scatter = Backend["scatter"];

/** scatter (see ref's): op "sum" with includeSelf as plain additions along ref's walk, else `fallback`. */
export function scatter(op: Parameters<Scatter>[0], dst: View, dim: number, index: View, src: View,
  opts: Parameters<Scatter>[5], fallback: Scatter): void {
  if (op !== "sum" || !opts.includeSelf || index.shape.length === 0) { fallback(op, dst, dim, index, src, opts); return; }
  const dd = dst.data, id = index.data, sd = src.data, step = dst.strides[dim];
  // dst walked over index's shape with no step along `dim`: the slot before the indexed step
  const base: View = { data: dd, shape: index.shape, strides: dst.strides.map((s, d) => (d === dim ? 0 : s)), offset: dst.offset };
  forEach3(index.shape, base, index, src, (io, ii, is) => { dd[io + id[ii] * step] += sd[is]; });
}
