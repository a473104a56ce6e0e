// LU factorization with partial pivoting (LAPACK getrf's conventions) and the LU solve, batched over leading dims.
import type { StorageArray } from "../../dtype.ts";
import type { View } from "../types.ts";

/** Storage offsets of every matrix (the last `inner` dims) of `v`, in row-major batch order. */
function batchOffsets(v: View, inner: number): number[] {
  const lead = v.shape.length - inner;
  let offsets = [v.offset];
  for (let d = 0; d < lead; d++) {
    const next: number[] = [];
    for (const o of offsets) for (let i = 0; i < v.shape[d]; i++) next.push(o + i * v.strides[d]);
    offsets = next;
  }
  return offsets;
}

/** A scratch buffer that rounds like `data` (float32 math stays float32). */
function scratch(data: StorageArray, n: number): Float32Array | Float64Array {
  return data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/**
 * For each m×n matrix of `a` (shape [..., m, n]): P A = L U with partial pivoting, written packed into
 * `lu` (unit L below the diagonal, U on and above), 1-based row interchanges into `pivots` [..., min(m, n)]
 * (row j was swapped with row pivots[j] - 1, in order) and into `info` [...] 0, or the 1-based index of
 * the first exactly-zero pivot (the factorization still completes, as LAPACK's does).
 */
export function luFactor(a: View, lu: View, pivots: View, info: View): void {
  const r = a.shape.length, m = a.shape[r - 2], n = a.shape[r - 1], k = Math.min(m, n);
  const [as0, as1] = [a.strides[r - 2], a.strides[r - 1]], [ls0, ls1] = [lu.strides[r - 2], lu.strides[r - 1]];
  const pStride = pivots.strides[r - 2];
  const aOff = batchOffsets(a, 2), lOff = batchOffsets(lu, 2), pOff = batchOffsets(pivots, 1), iOff = batchOffsets(info, 0);
  const w = scratch(lu.data, m * n);
  aOff.forEach((ao, b) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[i * n + j] = a.data[ao + i * as0 + j * as1];
    let status = 0;
    for (let j = 0; j < k; j++) {
      let p = j, best = Math.abs(w[j * n + j]);
      for (let i = j + 1; i < m; i++) {
        const v = Math.abs(w[i * n + j]);
        if (v > best) { best = v; p = i; }
      }
      pivots.data[pOff[b] + j * pStride] = p + 1;
      if (w[p * n + j] === 0) {
        if (status === 0) status = j + 1; // the column below is all zero: nothing to eliminate
        continue;
      }
      if (p !== j) for (let c = 0; c < n; c++) { const t = w[j * n + c]; w[j * n + c] = w[p * n + c]; w[p * n + c] = t; }
      const d = w[j * n + j];
      for (let i = j + 1; i < m; i++) {
        const l = (w[i * n + j] /= d);
        if (l !== 0) for (let c = j + 1; c < n; c++) w[i * n + c] -= l * w[j * n + c];
      }
    }
    info.data[iOff[b]] = status;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) lu.data[lOff[b] + i * ls0 + j * ls1] = w[i * n + j];
  });
}

/**
 * Solves A X = B (or Aᵀ X = B with `adjoint`) for each batch, given A's packed `lu` [..., n, n] and
 * `pivots` [..., n] from luFactor; `b` and `out` are [..., n, k] (all with the same batch shape: broadcast
 * batches come as stride-0 views). A zero pivot gives inf/nan, as division does.
 */
export function luSolve(lu: View, pivots: View, b: View, out: View, adjoint: boolean): void {
  const r = b.shape.length, n = b.shape[r - 2], k = b.shape[r - 1];
  const [ls0, ls1] = [lu.strides[r - 2], lu.strides[r - 1]], pStride = pivots.strides[r - 2];
  const [bs0, bs1] = [b.strides[r - 2], b.strides[r - 1]], [os0, os1] = [out.strides[r - 2], out.strides[r - 1]];
  const lOff = batchOffsets(lu, 2), pOff = batchOffsets(pivots, 1), bOff = batchOffsets(b, 2), oOff = batchOffsets(out, 2);
  const x = scratch(out.data, n);
  const swap = (i: number, p: number) => { const t = x[i]; x[i] = x[p]; x[p] = t; };
  bOff.forEach((bo, t) => {
    const L = (i: number, j: number) => lu.data[lOff[t] + i * ls0 + j * ls1];
    const piv = (j: number) => pivots.data[pOff[t] + j * pStride] - 1;
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < n; i++) x[i] = b.data[bo + i * bs0 + c * bs1];
      if (!adjoint) {
        for (let j = 0; j < n; j++) swap(j, piv(j)); // P B
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) x[i] -= L(i, j) * x[j]; // unit L
        for (let i = n - 1; i >= 0; i--) {
          for (let j = i + 1; j < n; j++) x[i] -= L(i, j) * x[j];
          x[i] /= L(i, i);
        }
      } else {
        for (let i = 0; i < n; i++) { // Uᵀ
          for (let j = 0; j < i; j++) x[i] -= L(j, i) * x[j];
          x[i] /= L(i, i);
        }
        for (let i = n - 1; i >= 0; i--) for (let j = i + 1; j < n; j++) x[i] -= L(j, i) * x[j]; // unit Lᵀ
        for (let j = n - 1; j >= 0; j--) swap(j, piv(j)); // Pᵀ
      }
      for (let i = 0; i < n; i++) out.data[oOff[t] + i * os0 + c * os1] = x[i];
    }
  });
}
