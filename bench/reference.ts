// Float64 reference math in plain JavaScript: what every system's float32 result is checked against.
import type { Expected } from "./harness.ts";

/** C = A B for row-major A [n, k], B [k, n2], computed only for the rows in `rows` (all when omitted). */
export function matmulRows(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, n2: number, rows?: number[]): Expected {
  const rs = rows ?? [...Array(n).keys()];
  const values = new Float64Array(rs.length * n2);
  const index = new Int32Array(rs.length * n2);
  const acc = new Float64Array(n2);
  rs.forEach((i, r) => {
    acc.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      for (let j = 0; j < n2; j++) acc[j] += av * b[p * n2 + j];
    }
    for (let j = 0; j < n2; j++) { values[r * n2 + j] = acc[j]; index[r * n2 + j] = i * n2 + j; }
  });
  return rows ? { values, index } : { values };
}

/** out[i, j] = sum_p a[i, p] * b[j, p]: a [m, k] times b [n, k] transposed, as F.linear does. */
function matmulNT(a: Float64Array, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
    out[i * n + j] = s;
  }
  return out;
}

/** The MLP's parameters and batch (float32 values, PyTorch layouts: weight [out, in]). */
export interface MlpData {
  sizes: number[];
  batch: number;
  x: Float32Array;
  /** One-hot targets [batch, classes]. */
  onehot: Float32Array;
  weights: Float32Array[];
  biases: Float32Array[];
}

/**
 * Loss and gradients of mean softmax cross-entropy of a ReLU MLP: [loss], then dW, db per layer.
 */
export function mlpLossAndGrads(d: MlpData): Expected[] {
  const { sizes, batch: B } = d;
  const L = sizes.length - 1;
  const acts: Float64Array[] = [Float64Array.from(d.x)];
  for (let l = 0; l < L; l++) {
    const z = matmulNT(acts[l], d.weights[l], B, sizes[l], sizes[l + 1]);
    for (let i = 0; i < z.length; i++) {
      z[i] += d.biases[l][i % sizes[l + 1]];
      if (l < L - 1 && !(z[i] > 0)) z[i] = 0;
    }
    acts.push(z);
  }
  const C = sizes[L], logits = acts[L];
  let loss = 0;
  let dz = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, logits[i * C + j]);
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(logits[i * C + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < C; j++) {
      const y = d.onehot[i * C + j];
      loss -= (y * (logits[i * C + j] - lse)) / B;
      dz[i * C + j] = (Math.exp(logits[i * C + j] - lse) - y) / B;
    }
  }
  const grads: Expected[] = [];
  for (let l = L - 1; l >= 0; l--) {
    const nin = sizes[l], nout = sizes[l + 1], a = acts[l];
    const dw = new Float64Array(nout * nin), db = new Float64Array(nout);
    for (let i = 0; i < B; i++) for (let o = 0; o < nout; o++) {
      const g = dz[i * nout + o];
      if (g === 0) continue;
      db[o] += g;
      for (let p = 0; p < nin; p++) dw[o * nin + p] += g * a[i * nin + p];
    }
    grads.unshift({ values: dw }, { values: db });
    if (l === 0) break;
    const da = new Float64Array(B * nin);
    for (let i = 0; i < B; i++) for (let o = 0; o < nout; o++) {
      const g = dz[i * nout + o];
      if (g === 0) continue;
      for (let p = 0; p < nin; p++) da[i * nin + p] += g * d.weights[l][o * nin + p];
    }
    for (let i = 0; i < da.length; i++) if (!(a[i] > 0)) da[i] = 0;
    dz = da;
  }
  return [{ values: Float64Array.of(loss) }, ...grads];
}

/** The elementwise chain of W4: a cycle of mul, add, exp, log. */
export const CHAIN_CYCLE = [
  { op: "mul", c: 1.01 }, { op: "add", c: 0.01 }, { op: "exp", c: 0 }, { op: "log", c: 0 },
] as const;

/** Value and derivative of the W4 chain of `n` ops from x0. */
export function chainValueAndGrad(x0: number, n: number): Expected[] {
  let y = x0, dy = 1;
  for (let i = 0; i < n; i++) {
    const { op, c } = CHAIN_CYCLE[i % CHAIN_CYCLE.length];
    if (op === "mul") { y *= c; dy *= c; }
    else if (op === "add") y += c;
    else if (op === "exp") { y = Math.exp(y); dy *= y; }
    else { dy /= y; y = Math.log(y); }
  }
  return [{ values: Float64Array.of(y) }, { values: Float64Array.of(dy) }];
}

/** 2-D convolution (cross-correlation), stride 1, zero padding `pad`, NCHW / OIHW: y, then dx and dw of sum(y * g). */
export function conv2dAndGrads(x: Float32Array, w: Float32Array, g: Float32Array, xs: number[], ws: number[], pad: number): Expected[] {
  const [N, C, H, W] = xs, [O, , KH, KW] = ws;
  const OH = H + 2 * pad - KH + 1, OW = W + 2 * pad - KW + 1;
  const y = new Float64Array(N * O * OH * OW), dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
    const wi = ((o * C + c) * KH + kh) * KW + kw, wv = w[wi];
    let dwAcc = 0;
    for (let oh = 0; oh < OH; oh++) {
      const ih = oh + kh - pad;
      if (ih < 0 || ih >= H) continue;
      for (let ow = 0; ow < OW; ow++) {
        const iw = ow + kw - pad;
        if (iw < 0 || iw >= W) continue;
        const xi = ((n * C + c) * H + ih) * W + iw, yi = ((n * O + o) * OH + oh) * OW + ow;
        y[yi] += wv * x[xi];
        dx[xi] += wv * g[yi];
        dwAcc += x[xi] * g[yi];
      }
    }
    dw[wi] += dwAcc;
  }
  return [{ values: y }, { values: dx }, { values: dw }];
}

/** Softmax over the last dim of x [rows, cols], then dx of sum(softmax(x) * g). */
export function softmaxAndGrad(x: Float32Array, g: Float32Array, rows: number, cols: number): Expected[] {
  const y = new Float64Array(x.length), dx = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity, s = 0, dot = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
    for (let j = 0; j < cols; j++) { y[o + j] = Math.exp(x[o + j] - m); s += y[o + j]; }
    for (let j = 0; j < cols; j++) { y[o + j] /= s; dot += y[o + j] * g[o + j]; }
    for (let j = 0; j < cols; j++) dx[o + j] = y[o + j] * (g[o + j] - dot);
  }
  return [{ values: y }, { values: dx }];
}
