// Convolution and pooling kernels for the ref backend: N-d im2col/col2im and windowed max/average pooling.
import type { View } from "../types.ts";
import { numelOf } from "../../shape.ts";
import type { ConvGeometry, PoolDim } from "../conv-types.ts";

/**
 * For every (kernel position, output position) pair, the input's row-major spatial offset it reads,
 * or -1 where it falls in the padding. Laid out [numel(kernel), numel(outSize)].
 */
function tapTable(g: ConvGeometry, inSize: readonly number[]): Int32Array {
  const D = inSize.length;
  const K = numelOf(g.kernel), L = numelOf(g.outSize);
  const table = new Int32Array(K * L);
  const kIdx = new Array<number>(D).fill(0);
  for (let k = 0; k < K; k++) {
    const lIdx = new Array<number>(D).fill(0);
    for (let l = 0; l < L; l++) {
      let off = 0;
      for (let d = 0; d < D; d++) {
        const i = lIdx[d] * g.stride[d] - g.padding[d] + kIdx[d] * g.dilation[d];
        if (i < 0 || i >= inSize[d]) { off = -1; break; }
        off = off * inSize[d] + i;
      }
      table[k * L + l] = off;
      for (let d = D - 1; d >= 0 && ++lIdx[d] === g.outSize[d]; d--) lIdx[d] = 0;
    }
    for (let d = D - 1; d >= 0 && ++kIdx[d] === g.kernel[d]; d--) kIdx[d] = 0;
  }
  return table;
}

/** Strides of a dense row-major spatial block, mapped to the view's own strides: offset -> view offset. */
function spatialOffsets(v: View, first: number): Int32Array {
  const shape = v.shape.slice(first), strides = v.strides.slice(first);
  const n = numelOf(shape);
  const out = new Int32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o += idx[d] * strides[d];
    out[i] = o;
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return out;
}

/**
 * The one walk behind im2col and col2im: for every (n, c, kernel tap, output position) it either reads
 * x into cols (zeros where the tap reads padding) or, as the adjoint, adds cols back into x.
 */
function transfer(x: View, cols: View, g: ConvGeometry, adjoint: boolean): void {
  const [N, C] = x.shape;
  const table = tapTable(g, x.shape.slice(2));
  const sp = spatialOffsets(x, 2);
  const K = numelOf(g.kernel), L = numelOf(g.outSize);
  const xd = x.data, cd = cols.data;
  const [cs0, cs1, cs2] = cols.strides;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xBase = x.offset + n * x.strides[0] + c * x.strides[1];
      for (let k = 0; k < K; k++) {
        const row = cols.offset + n * cs0 + (c * K + k) * cs1;
        const t = k * L;
        for (let l = 0; l < L; l++) {
          const off = table[t + l];
          if (adjoint) {
            if (off >= 0) xd[xBase + sp[off]] += cd[row + l * cs2];
          } else {
            cd[row + l * cs2] = off < 0 ? 0 : xd[xBase + sp[off]];
          }
        }
      }
    }
  }
}

/**
 * im2col: x [N, C, ...in] -> cols [N, C * numel(kernel), numel(outSize)] (zeros where a tap reads padding);
 * row c * K + k of cols holds channel c under kernel position k.
 */
export function im2col(x: View, cols: View, g: ConvGeometry): void {
  transfer(x, cols, g, false);
}

/** col2im, the adjoint of im2col: adds each column entry of cols into x [N, C, ...in] where it was read from. */
export function col2im(cols: View, x: View, g: ConvGeometry): void {
  transfer(x, cols, g, true);
}

/** Every output position's taps: the input's row-major spatial offsets and the output's divisor factor. */
function windows(dims: readonly PoolDim[], inSize: readonly number[]): { taps: number[][]; factor: Float64Array } {
  const D = dims.length;
  const outSize = dims.map((d) => d.taps.length);
  const n = numelOf(outSize);
  const taps: number[][] = new Array(n);
  const factor = new Float64Array(n);
  const idx = new Array<number>(D).fill(0);
  for (let o = 0; o < n; o++) {
    let offs = [0];
    let f = 1;
    for (let d = 0; d < D; d++) {
      const list = dims[d].taps[idx[d]];
      const next: number[] = [];
      for (const base of offs) for (const i of list) next.push(base * inSize[d] + i);
      offs = next;
      f *= dims[d].factor[idx[d]];
    }
    taps[o] = offs;
    factor[o] = f;
    for (let d = D - 1; d >= 0 && ++idx[d] === outSize[d]; d--) idx[d] = 0;
  }
  return { taps, factor };
}

/**
 * Max pooling over planes: x [P, ...in] -> out, indices [P, ...out]. The index is the row-major offset
 * within the input plane; ties keep the first maximum, a NaN wins (the last NaN), as PyTorch's CPU kernel.
 */
export function poolMax(x: View, out: View, indices: View, dims: readonly PoolDim[]): void {
  const P = x.shape[0];
  const { taps } = windows(dims, x.shape.slice(1));
  const xs = spatialOffsets(x, 1), os = spatialOffsets(out, 1), is = spatialOffsets(indices, 1);
  const xd = x.data, od = out.data, id = indices.data;
  for (let p = 0; p < P; p++) {
    const xb = x.offset + p * x.strides[0], ob = out.offset + p * out.strides[0], ib = indices.offset + p * indices.strides[0];
    for (let o = 0; o < taps.length; o++) {
      const list = taps[o];
      let best = -Infinity, at = list.length > 0 ? list[0] : 0;
      for (const t of list) {
        const v = xd[xb + xs[t]];
        if (v > best || v !== v) { best = v; at = t; }
      }
      od[ob + os[o]] = best;
      id[ib + is[o]] = at;
    }
  }
}

/** Average pooling over planes: x [P, ...in] -> out [P, ...out]; divisor = divisorOverride or the product of the dims' factors. */
export function poolAvg(x: View, out: View, dims: readonly PoolDim[], divisorOverride: number): void {
  const P = x.shape[0];
  const { taps, factor } = windows(dims, x.shape.slice(1));
  const xs = spatialOffsets(x, 1), os = spatialOffsets(out, 1);
  const xd = x.data, od = out.data;
  for (let p = 0; p < P; p++) {
    const xb = x.offset + p * x.strides[0], ob = out.offset + p * out.strides[0];
    for (let o = 0; o < taps.length; o++) {
      let s = 0;
      for (const t of taps[o]) s += xd[xb + xs[t]];
      od[ob + os[o]] = taps[o].length === 0 ? 0 : s / (divisorOverride || factor[o]);
    }
  }
}

/** The adjoint of poolAvg: adds g [P, ...out] / divisor into every tap of gx [P, ...in]. */
export function poolAvgBackward(g: View, gx: View, dims: readonly PoolDim[], divisorOverride: number): void {
  const P = gx.shape[0];
  const { taps, factor } = windows(dims, gx.shape.slice(1));
  const xs = spatialOffsets(gx, 1), gs = spatialOffsets(g, 1);
  const xd = gx.data, gd = g.data;
  for (let p = 0; p < P; p++) {
    const xb = gx.offset + p * gx.strides[0], gb = g.offset + p * g.strides[0];
    for (let o = 0; o < taps.length; o++) {
      const v = gd[gb + gs[o]] / (divisorOverride || factor[o]);
      for (const t of taps[o]) xd[xb + xs[t]] += v;
    }
  }
}
