// Wraps a backend so that large float32 add/sub/mul/div (row / column broadcasts included), sums / max / min, unary ops and activations and last-dim softmax / log-softmax run on wasm SIMD.
import type { Backend, BinaryCode, ChainCode, ReduceCode, UnaryCode, View } from "../types.ts";
import { isDense } from "../ref/strided.ts";
import { numelOf } from "../../shape.ts";
import { wasmBinary, wasmChain, wasmSoftmaxRows, wasmUnary } from "./elementwise.ts";
import { wasmBinaryRows } from "./binary-rows.ts";
import { isWasmReduce, wasmReduce } from "./reduce.ts";

/** 1 when `v` is dense row-major, 0 when every stride is 0 (one value repeated), else -1. */
function denseOrRepeated(v: View): number {
  if (isDense(v)) return 1;
  for (let i = 0; i < v.strides.length; i++) if (v.strides[i] !== 0 && v.shape[i] !== 1) return -1;
  return 0;
}

/** Dense float32 rows along the last dim of every view: [rows, n], else null. */
function float32Rows(views: readonly View[], dim: number): [number, number] | null {
  const shape = views[0].shape, nd = shape.length;
  if (nd === 0 || dim !== nd - 1) return null;
  for (const v of views) if (!(v.data instanceof Float32Array) || !isDense(v)) return null;
  const n = shape[nd - 1];
  return n === 0 ? null : [numelOf(shape) / n, n];
}

/**
 * `base` with float32 add/sub/mul/div of dense, one-value, repeated-row or repeated-column operands into a
 * dense output (binary-rows.ts), float32 sums / max / min of dense tensors over any dims (reduce.ts), float32
 * chains of two of add/sub/mul/div over dense or one-value operands, float32
 * exp/log/tanh/sigmoid/relu/neg/abs/sqrt/silu/gelu/softplus/erf/logSigmoid of dense views (parameters only in the forms
 * wasmUnaryKernel lists), and float32 softmax / log-softmax and their
 * backward along a dense last dim, run by wasm/elementwise.ts when large enough (see
 * Note [wasm elementwise arena]); everything else, and every declined call, is base's. `base` must be a
 * plain-object backend (its kernels are copied, not bound).
 *
 * @example
 * import { jsBackend } from "../js/index.ts";
 * setBackend(withWasmElementwise(jsBackend));
 */
export function withWasmElementwise(base: Backend): Backend {
  return {
    ...base,
    name: `${base.name}+wasm-elementwise`,
    binary(op: BinaryCode, a: View, b: View, out: View): void {
      if (!isDense(out)) { base.binary(op, a, b, out); return; }
      const sa = denseOrRepeated(a), sb = denseOrRepeated(b);
      const done = sa < 0 || sb < 0 ? wasmBinaryRows(op, a, b, out) : wasmBinary(op, a, sa, b, sb, out, numelOf(out.shape));
      if (!done) base.binary(op, a, b, out);
    },
    binaryChain(inner: ChainCode, outer: ChainCode, swap: boolean, x: View, y: View, z: View, out: View): boolean {
      const steps = [denseOrRepeated(x), denseOrRepeated(y), denseOrRepeated(z)];
      return isDense(out) && !steps.includes(-1) && wasmChain(inner, outer, swap, [x, y, z], steps, out, numelOf(out.shape));
    },
    reduce(op: ReduceCode, x: View, out: View): void {
      if (!isWasmReduce(op) || !wasmReduce(op, x, out)) base.reduce(op, x, out);
    },
    unary(op: UnaryCode, x: View, out: View, params?: readonly number[]): void {
      if (!isDense(x) || !isDense(out) || !wasmUnary(op, x, out, numelOf(out.shape), params)) base.unary(op, x, out, params);
    },
    softmax(x: View, dim: number, log: boolean, out: View): void {
      const rows = float32Rows([x, out], dim);
      if (rows === null || !wasmSoftmaxRows(log ? "logSoftmax" : "softmax", x.data as Float32Array, x.offset, null, 0,
        out.data as Float32Array, out.offset, rows[0], rows[1])) {
        base.softmax(x, dim, log, out);
      }
    },
    softmaxBackward(y: View, g: View, dim: number, log: boolean, out: View): void {
      const rows = float32Rows([y, g, out], dim);
      if (rows === null || !wasmSoftmaxRows(log ? "logSoftmaxBackward" : "softmaxBackward", y.data as Float32Array, y.offset,
        g.data as Float32Array, g.offset, out.data as Float32Array, out.offset, rows[0], rows[1])) {
        base.softmaxBackward(y, g, dim, log, out);
      }
    },
  };
}
