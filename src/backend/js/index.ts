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
};
