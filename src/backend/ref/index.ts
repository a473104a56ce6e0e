// The ref backend: plain loops over typed arrays, the executable spec every faster backend is tested against.
import type { Backend, BinaryCode, ReduceCode, UnaryCode, View } from "../types.ts";
import { BINARY_FNS, UNARY_FNS } from "./scalar.ts";
import { forEach3, isDense } from "./strided.ts";
import { numelOf } from "../../shape.ts";
// Extension areas (imports):
// ---- [nn-ext-imports] begin ----
import { softmax } from "./softmax.ts";
// ---- [nn-ext-imports] end ----
// ---- [softmax-fast-imports] begin ----
import { softmaxBackward } from "./softmax.ts";
// ---- [softmax-fast-imports] end ----
// ---- [conv-ext-imports] begin ----
import { col2im, im2col, poolAvg, poolAvgBackward, poolMax } from "./conv.ts";
// ---- [conv-ext-imports] end ----
// ---- [conv-fast-imports] begin ----
import { convKernels } from "../conv-gemm.ts";
// ---- [conv-fast-imports] end ----
// ---- [linalg-ext-imports] begin ----
import { luFactor, luSolve } from "./lu.ts";
import { svd } from "./svd.ts";
// ---- [linalg-ext-imports] end ----
import { indexGather, indexPut } from "./index-kernels.ts";
import { gather, nonzero, scatter } from "./gather.ts";
import * as lines from "./lines.ts";

/** Both views dense with the same strides: a flat loop is exact. */
function sameDense(x: View, out: View): boolean {
  return isDense(x) && isDense(out) && x.strides.every((s, i) => s === out.strides[i] || x.shape[i] === 1);
}

function unary(op: UnaryCode, x: View, out: View, params: readonly number[] = []): void {
  const f0 = UNARY_FNS[op];
  const f = (v: number): number => f0(v, params);
  const xd = x.data, od = out.data;
  if (sameDense(x, out)) {
    const n = numelOf(out.shape), xo = x.offset, oo = out.offset;
    for (let i = 0; i < n; i++) od[oo + i] = f(xd[xo + i]);
    return;
  }
  forEach3(out.shape, x, out, out, (ix, io) => { od[io] = f(xd[ix]); });
}

function binary(op: BinaryCode, a: View, b: View, out: View): void {
  const f = BINARY_FNS[op];
  const ad = a.data, bd = b.data, od = out.data;
  if (sameDense(a, out) && sameDense(b, out)) {
    const n = numelOf(out.shape), ao = a.offset, bo = b.offset, oo = out.offset;
    for (let i = 0; i < n; i++) od[oo + i] = f(ad[ao + i], bd[bo + i]);
    return;
  }
  forEach3(out.shape, a, b, out, (ia, ib, io) => { od[io] = f(ad[ia], bd[ib]); });
}

const REDUCERS: Record<ReduceCode, { init: number; step: (acc: number, x: number) => number }> = {
  sum: { init: 0, step: (acc, x) => acc + x },
  prod: { init: 1, step: (acc, x) => acc * x },
  max: { init: -Infinity, step: (acc, x) => (x > acc || x !== x ? x : acc) },
  min: { init: Infinity, step: (acc, x) => (x < acc || x !== x ? x : acc) },
};

/** Reduces `x` into `out`, whose reduced dims have size 1: accumulate through a stride-0 view of out. */
function reduce(op: ReduceCode, x: View, out: View): void {
  const { init, step } = REDUCERS[op];
  const n = numelOf(out.shape);
  const acc = new Float64Array(n).fill(init);
  const accStrides = new Array<number>(out.shape.length);
  let s = 1;
  for (let i = out.shape.length - 1; i >= 0; i--) { accStrides[i] = out.shape[i] === 1 ? 0 : s; s *= out.shape[i]; }
  const accView: View = { data: acc, shape: x.shape, strides: accStrides, offset: 0 };
  const xd = x.data;
  forEach3(x.shape, x, accView, accView, (ix, ia) => { acc[ia] = step(acc[ia], xd[ix]); });
  copy({ data: acc, shape: out.shape, strides: accStrides, offset: 0 }, out);
}

function copy(src: View, dst: View): void {
  const sd = src.data, dd = dst.data;
  if (sameDense(src, dst)) {
    const n = numelOf(dst.shape);
    if (sd.constructor === dd.constructor || !(dd instanceof Uint8Array)) {
      for (let i = 0; i < n; i++) dd[dst.offset + i] = sd[src.offset + i];
      return;
    }
  }
  if (dd instanceof Uint8Array) {
    forEach3(dst.shape, src, dst, dst, (is, id) => { dd[id] = sd[is] !== 0 ? 1 : 0; });
    return;
  }
  forEach3(dst.shape, src, dst, dst, (is, id) => { dd[id] = sd[is]; });
}

function fill(dst: View, value: number): void {
  const dd = dst.data;
  forEach3(dst.shape, dst, dst, dst, (i) => { dd[i] = value; });
}

/** Batched a [B, M, K] @ b [B, K, N] with an i-k-j loop over a float64 accumulator row. */
function matmul(a: View, b: View, out: View): void {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const ad = a.data, bd = b.data, od = out.data;
  const [as0, as1, as2] = a.strides, [bs0, bs1, bs2] = b.strides, [os0, os1, os2] = out.strides;
  const row = new Float64Array(N);
  for (let bt = 0; bt < B; bt++) {
    for (let i = 0; i < M; i++) {
      row.fill(0);
      const aRow = a.offset + bt * as0 + i * as1;
      for (let k = 0; k < K; k++) {
        const av = ad[aRow + k * as2];
        const bRow = b.offset + bt * bs0 + k * bs1;
        for (let j = 0; j < N; j++) row[j] += av * bd[bRow + j * bs2];
      }
      const oRow = out.offset + bt * os0 + i * os1;
      for (let j = 0; j < N; j++) od[oRow + j * os2] = row[j];
    }
  }
}

export const refBackend: Backend = {
  name: "ref", copy, fill, unary, binary, reduce, matmul,
  // Extension areas: each op-library workstream adds its kernels between its own markers.
  // ---- [reduce-ext] begin ----
  sort: lines.sort, select: lines.select, scan: lines.scan,
  // ---- [reduce-ext] end ----
  // ---- [shape-ext] begin ----
  gather, scatter, nonzero,
  // ---- [shape-ext] end ----
  // ---- [index-ext] begin ----
  indexGather, indexPut,
  // ---- [index-ext] end ----
  // ---- [linalg-ext] begin ----
  luFactor, luSolve, svd,
  // ---- [linalg-ext] end ----
  // ---- [nn-ext] begin ----
  softmax,
  // ---- [nn-ext] end ----
  // ---- [softmax-fast] begin ----
  softmaxBackward,
  // ---- [softmax-fast] end ----
  // ---- [conv-ext] begin ----
  im2col, col2im, poolMax, poolAvg, poolAvgBackward,
  // ---- [conv-ext] end ----
  // ---- [conv-fast] begin ----
  ...convKernels({ im2col, col2im, matmul, copy, fill }),
  // ---- [conv-fast] end ----
};
