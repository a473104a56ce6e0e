// Batched matmul of the js backend: packed panels, cache blocking over K and M, a 4x4 register-tiled
// micro-kernel with float64 accumulators.
//
// Exactness: every output element is accumulated in float64, starting from 0, adding a[i,k]*b[k,j]
// for k = 0, 1, ..., K-1 in order, exactly as ref's i-k-j loop does (blocking over K only pauses the
// sum in a float64 scratch), and the sum is cast into `out` once. So results are bit-identical to ref
// for every dtype and layout; the packing makes transposed or strided operands as fast as dense ones.
import type { StorageArray } from "../../dtype.ts";
import type { View } from "../types.ts";

const MR = 4, NR = 4;
/** K block: a 4-row A slice and a 4-column B slice of KC doubles each stay in L1. */
const KC = 256;
/** M block: MC x KC doubles of packed A (128 KiB) stay in L2 while every B panel passes over them. */
const MC = 64;

let packA: Float64Array = new Float64Array(0), packB: Float64Array = new Float64Array(0), cAcc: Float64Array = new Float64Array(0);

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, Math.floor(buf.length * 1.5)));
}

/** Packs rows [0, M) of a (offset `o`, row stride `s1`, column stride `s2`) as ceil(M/4) panels [K][4], zero-padded. */
function packRows(d: StorageArray, o: number, s1: number, s2: number, M: number, K: number, dst: Float64Array): void {
  const panels = Math.ceil(M / MR);
  for (let ip = 0; ip < panels; ip++) {
    const base = ip * K * MR;
    for (let r = 0; r < MR; r++) {
      const i = ip * MR + r;
      let q = base + r;
      if (i < M) {
        let src = o + i * s1;
        for (let k = 0; k < K; k++, q += MR, src += s2) dst[q] = d[src];
      } else {
        for (let k = 0; k < K; k++, q += MR) dst[q] = 0;
      }
    }
  }
}

/**
 * acc[ci..] (4x4 tile, row stride ldc) (+)= Σ_k ap[pa + 4k + r] * bp[pb + 4k + c] over k < kc.
 * `first`: start the sums at 0, else continue those stored.
 */
function kernel4x4(ap: Float64Array, pa: number, bp: Float64Array, pb: number, kc: number, acc: Float64Array, ci: number, ldc: number, first: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  if (!first) {
    let q = ci;
    c00 = acc[q]; c01 = acc[q + 1]; c02 = acc[q + 2]; c03 = acc[q + 3]; q += ldc;
    c10 = acc[q]; c11 = acc[q + 1]; c12 = acc[q + 2]; c13 = acc[q + 3]; q += ldc;
    c20 = acc[q]; c21 = acc[q + 1]; c22 = acc[q + 2]; c23 = acc[q + 3]; q += ldc;
    c30 = acc[q]; c31 = acc[q + 1]; c32 = acc[q + 2]; c33 = acc[q + 3];
  }
  for (let k = 0; k < kc; k++, pa += 4, pb += 4) {
    const a0 = ap[pa], a1 = ap[pa + 1], a2 = ap[pa + 2], a3 = ap[pa + 3];
    const b0 = bp[pb], b1 = bp[pb + 1], b2 = bp[pb + 2], b3 = bp[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  let q = ci;
  acc[q] = c00; acc[q + 1] = c01; acc[q + 2] = c02; acc[q + 3] = c03; q += ldc;
  acc[q] = c10; acc[q + 1] = c11; acc[q + 2] = c12; acc[q + 3] = c13; q += ldc;
  acc[q] = c20; acc[q + 1] = c21; acc[q + 2] = c22; acc[q + 3] = c23; q += ldc;
  acc[q] = c30; acc[q + 1] = c31; acc[q + 2] = c32; acc[q + 3] = c33;
}

/** One batch: out[M,N] = a[M,K] @ b[K,N] given as strided windows. */
function matmul2d(ad: StorageArray, ao: number, as1: number, as2: number, bd: StorageArray, bo: number, bs1: number, bs2: number,
  od: StorageArray, oo: number, os1: number, os2: number, M: number, K: number, N: number): void {
  const mp = Math.ceil(M / MR), np = Math.ceil(N / NR);
  const ldc = np * NR;
  packA = grow(packA, mp * MR * K);
  packB = grow(packB, np * NR * K);
  cAcc = grow(cAcc, mp * MR * ldc);
  const ap = packA, bp = packB, acc = cAcc;
  packRows(ad, ao, as1, as2, M, K, ap);
  // B's columns are the rows of bᵀ
  packRows(bd, bo, bs2, bs1, N, K, bp);
  if (K === 0) acc.fill(0, 0, mp * MR * ldc);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = Math.min(KC, K - pc), first = pc === 0;
    for (let ic = 0; ic < mp; ic += MC / MR) {
      const ie = Math.min(ic + MC / MR, mp);
      for (let jp = 0; jp < np; jp++) {
        const pb = (jp * K + pc) * NR;
        for (let ip = ic; ip < ie; ip++) kernel4x4(ap, (ip * K + pc) * MR, bp, pb, kc, acc, ip * MR * ldc + jp * NR, ldc, first);
      }
    }
  }
  for (let i = 0; i < M; i++) {
    let q = i * ldc, o = oo + i * os1;
    for (let j = 0; j < N; j++, q++, o += os2) od[o] = acc[q];
  }
}

/** Below this many multiply-adds ref's plain loop wins (no packing, no scratch). */
const SMALL = 4096;

export function matmul(a: View, b: View, out: View, small: (a: View, b: View, out: View) => void): void {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  if (M * N * K < SMALL) { small(a, b, out); return; }
  const [as0, as1, as2] = a.strides, [bs0, bs1, bs2] = b.strides, [os0, os1, os2] = out.strides;
  for (let t = 0; t < B; t++) {
    matmul2d(a.data, a.offset + t * as0, as1, as2, b.data, b.offset + t * bs0, bs1, bs2, out.data, out.offset + t * os0, os1, os2, M, K, N);
  }
}
