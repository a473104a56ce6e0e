// copy and fill of the js backend. Casting is ref's: typed-array assignment, except that a bool
// (Uint8Array) destination stores `v !== 0 ? 1 : 0` from any other array type. Strided copies walk
// row-major like ref, so even overlapping source and destination give ref's result; the two
// reordering fast paths (TypedArray.set, blocked transposes) run only on distinct buffers.
import type { StorageArray } from "../../dtype.ts";
import type { View } from "../types.ts";
import { collapse, forEachRow, type Plan } from "./iter.ts";

/** d[id + i*sd] = s[is + i*ss] for i < n (typed-array assignment casts). */
function copyLoop(s: StorageArray, is: number, ss: number, d: StorageArray, id: number, sd: number, n: number): void {
  for (let i = 0; i < n; i++, is += ss, id += sd) d[id] = s[is];
}

/** Into a bool destination: 1 for any non-zero (NaN included). */
function copyToBoolLoop(s: StorageArray, is: number, ss: number, d: StorageArray, id: number, sd: number, n: number): void {
  for (let i = 0; i < n; i++, is += ss, id += sd) d[id] = s[is] !== 0 ? 1 : 0;
}

const TILE = 32;

/** A 2-D tile-by-tile copy of the plan's last two dims (rows `m`, columns `n`), for transposed layouts. */
function copyBlocked2d(s: StorageArray, so: number, s0: number, s1: number, d: StorageArray, dO: number, d0: number, d1: number, m: number, n: number): void {
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, m);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, n);
      for (let i = i0; i < i1; i++) {
        let is = so + i * s0 + j0 * s1, id = dO + i * d0 + j0 * d1;
        for (let j = j0; j < j1; j++, is += s1, id += d1) d[id] = s[is];
      }
    }
  }
}

export function copy(src: View, dst: View): void {
  const p = collapse(dst.shape, src.strides, dst.strides, dst.strides);
  if (p === null) return;
  const sd = src.data, dd = dst.data;
  const toBool = dd instanceof Uint8Array && !(sd instanceof Uint8Array);
  // (`.buffer` is read only on the large fast paths: it would move a small on-heap array off the heap)
  // (storages may share a buffer without overlapping: Note [small output slabs])
  const distinct = (): boolean => sd !== dd && (sd.buffer !== dd.buffer || sd.byteOffset + sd.byteLength <= dd.byteOffset || dd.byteOffset + dd.byteLength <= sd.byteOffset);
  const r = p.shape.length - 1;
  if (r < 0) { dd[dst.offset] = toBool ? (sd[src.offset] !== 0 ? 1 : 0) : sd[src.offset]; return; }
  const n = p.shape[r], ss = p.a[r], ds = p.b[r];
  if (r === 0 && ss === 1 && ds === 1 && n >= 64 && !toBool && distinct()) {
    // one dense run: TypedArray.set casts exactly as element assignment does
    dd.set(sd.subarray(src.offset, src.offset + n), dst.offset);
    return;
  }
  if (r >= 1 && !toBool && ss !== 1 && ds === 1 && p.a[r - 1] < ss && p.shape[r - 1] >= 8 && n >= 8 && distinct()) {
    // a transpose (the source walks its columns): copy 32x32 tiles so both sides stay in cache
    const m = p.shape[r - 1], s0 = p.a[r - 1], d0 = p.b[r - 1];
    if (r === 1) { copyBlocked2d(sd, src.offset, s0, ss, dd, dst.offset, d0, ds, m, n); return; }
    const outer: Plan = { shape: p.shape.slice(0, r), a: p.a.slice(0, r), b: p.b.slice(0, r), c: p.c.slice(0, r) };
    forEachRow(outer, src.offset, dst.offset, 0, (is, id) => copyBlocked2d(sd, is, s0, ss, dd, id, d0, ds, m, n));
    return;
  }
  const loop = toBool ? copyToBoolLoop : copyLoop;
  if (r === 0) { loop(sd, src.offset, ss, dd, dst.offset, ds, n); return; }
  forEachRow(p, src.offset, dst.offset, 0, (is, id) => loop(sd, is, ss, dd, id, ds, n));
}

export function fill(dst: View, value: number): void {
  const p = collapse(dst.shape, dst.strides, dst.strides, dst.strides);
  if (p === null) return;
  const dd = dst.data, r = p.shape.length - 1;
  if (r < 0) { dd[dst.offset] = value; return; }
  const n = p.shape[r], s = p.a[r];
  const run = (i: number): void => {
    if (s === 1) dd.fill(value, i, i + n);
    else for (let k = 0; k < n; k++, i += s) dd[i] = value;
  };
  if (r === 0) run(dst.offset);
  else forEachRow(p, dst.offset, 0, 0, run);
}
