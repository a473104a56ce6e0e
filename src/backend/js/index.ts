// The js backend: ref's kernels with fast paths in plain JavaScript (no WebAssembly, no `new Function`,
// so it runs anywhere ref does, CSP-restricted pages included). Every kernel it overrides gives results
// bit-identical to ref (same arithmetic in the same order; see each file's header); the rest is ref's.
import type { Backend } from "../types.ts";
import { refBackend } from "../ref/index.ts";
import { binary, unary } from "./elementwise.ts";
import { reduce } from "./reduce.ts";
import { copy, fill } from "./copy.ts";
import { matmul } from "./matmul.ts";
import { softmax, softmaxBackward } from "./softmax.ts";
// ---- [conv-fast-imports] begin ----
import { col2im, im2col } from "./conv.ts";
import { poolAvg, poolAvgBackward, poolMax } from "./pool.ts";
import { scatter } from "./scatter.ts";
import { convKernels, type GemmPrims } from "../conv-gemm.ts";
import type { View } from "../types.ts";
import type { ConvGeometry } from "../conv-types.ts";
// ---- [conv-fast-imports] end ----

// ---- [conv-fast] begin ----
/** The js backend's conv primitives, with `mm` as the GEMM (the default backend passes the wasm matmul). */
export function jsConvPrims(mm: (a: View, b: View, out: View) => void): GemmPrims {
  return {
    im2col: (x: View, cols: View, g: ConvGeometry) => im2col(x, cols, g, refBackend.im2col),
    col2im: (cols: View, x: View, g: ConvGeometry) => col2im(cols, x, g, refBackend.col2im),
    matmul: mm,
    copy,
    fill,
  };
}
const convPrims = jsConvPrims((a, b, out) => matmul(a, b, out, refBackend.matmul));
// ---- [conv-fast] end ----

export const jsBackend: Backend = {
  ...refBackend,
  name: "js",
  copy,
  fill,
  unary,
  binary,
  reduce,
  matmul: (a, b, out) => matmul(a, b, out, refBackend.matmul),
  softmax: (x, dim, log, out) => softmax(x, dim, log, out, refBackend.softmax),
  softmaxBackward: (y, g, dim, log, out) => softmaxBackward(y, g, dim, log, out, refBackend.softmaxBackward),
  // ---- [conv-fast] begin ----
  im2col: convPrims.im2col,
  col2im: convPrims.col2im,
  ...convKernels(convPrims),
  poolMax: (x, out, indices, dims) => poolMax(x, out, indices, dims, refBackend.poolMax),
  poolAvg: (x, out, dims, divisor) => poolAvg(x, out, dims, divisor, refBackend.poolAvg),
  poolAvgBackward: (g, gx, dims, divisor) => poolAvgBackward(g, gx, dims, divisor, refBackend.poolAvgBackward),
  scatter: (op, dst, dim, index, src, opts) => scatter(op, dst, dim, index, src, opts, refBackend.scatter),
  // ---- [conv-fast] end ----
};
