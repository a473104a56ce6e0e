// Singular values and vectors of small dense matrices: one-sided Jacobi (Hestenes) in float64, batched over leading dims.
import type { View } from "../types.ts";

/** Reads matrix `b` of a [..., m, n] view into a row-major float64 array. */
function readMatrix(a: View, b: number, m: number, n: number, batchOffset: (b: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  const r = a.strides.length;
  const sm = a.strides[r - 2], sn = a.strides[r - 1];
  const base = batchOffset(b);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = a.data[base + i * sm + j * sn];
  return out;
}

/**
 * The thin SVD of each matrix of `a` [..., m, n]: `s` [..., k] (descending), `u` [..., m, k] and `v` [..., n, k]
 * (all contiguous outputs, k = min(m, n)). Rotations stop when every column pair is orthogonal to 1e-15 relative.
 */
export function svd(a: View, u: View, s: View, v: View): void {
  const r = a.shape.length;
  const m = a.shape[r - 2], n = a.shape[r - 1], k = Math.min(m, n);
  const batchShape = a.shape.slice(0, r - 2);
  const batches = batchShape.reduce((x, y) => x * y, 1);
  const batchOffset = (b: number): number => {
    let off = a.offset, rest = b;
    for (let d = batchShape.length - 1; d >= 0; d--) { off += (rest % batchShape[d]) * a.strides[d]; rest = Math.floor(rest / batchShape[d]); }
    return off;
  };
  for (let b = 0; b < batches; b++) {
    const A = readMatrix(a, b, m, n, batchOffset);
    // work on the tall orientation: columns of W (rows x cols, rows >= cols)
    const tall = m >= n;
    const rows = tall ? m : n, cols = tall ? n : m;
    const W = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) W[i * cols + j] = tall ? A[i * n + j] : A[j * n + i];
    const V = new Float64Array(cols * cols);
    for (let j = 0; j < cols; j++) V[j * cols + j] = 1;
    jacobiSweeps(W, V, rows, cols);
    const norms = Array.from({ length: cols }, (_, j) => { let t = 0; for (let i = 0; i < rows; i++) t += W[i * cols + j] ** 2; return Math.sqrt(t); });
    const order = [...norms.keys()].sort((x, y) => norms[y] - norms[x]);
    for (let c = 0; c < k; c++) {
      const j = order[c], sigma = norms[j];
      s.data[s.offset + b * k + c] = sigma;
      // left vectors: W's normalised columns; right vectors: V's columns (swapped when A was wide)
      const left = tall ? u : v, right = tall ? v : u;
      const lRows = rows, rRows = cols;
      for (let i = 0; i < lRows; i++) left.data[left.offset + b * lRows * k + i * k + c] = sigma > 0 ? W[i * cols + j] / sigma : i === c ? 1 : 0;
      for (let i = 0; i < rRows; i++) right.data[right.offset + b * rRows * k + i * k + c] = V[i * cols + j];
    }
  }
}

/** Orthogonalises W's columns by plane rotations, accumulating them in V. */
function jacobiSweeps(W: Float64Array, V: Float64Array, rows: number, cols: number): void {
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < rows; i++) {
          const wp = W[i * cols + p], wq = W[i * cols + q];
          alpha += wp * wp; beta += wq * wq; gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let i = 0; i < rows; i++) {
          const wp = W[i * cols + p], wq = W[i * cols + q];
          W[i * cols + p] = c * wp - sn * wq;
          W[i * cols + q] = sn * wp + c * wq;
        }
        for (let i = 0; i < cols; i++) {
          const vp = V[i * cols + p], vq = V[i * cols + q];
          V[i * cols + p] = c * vp - sn * vq;
          V[i * cols + q] = sn * vp + c * vq;
        }
      }
    }
    if (!rotated) return;
  }
}
