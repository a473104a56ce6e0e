// Pooling: max_pool1d/2d (indices), avg_pool1d/2d, adaptive_avg_pool1d/2d, adaptive_max_pool2d over windowed kernels.
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { PoolDim } from "../backend/conv-types.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, kview } from "./core.ts";
import { scatterAdd } from "./gather.ts";
import { boolArg, expandInts, intArg, linearOp, listText, mergeArgs, prod, type IntOrTuple } from "./conv-util.ts";

// ---- windows ---------------------------------------------------------------------------------------------------

/** PyTorch's pooling_output_shape (ceil mode drops a last window that would start in the right padding). */
function pooledSize(n: number, k: number, pad: number, stride: number, dilation: number, ceil: boolean): number {
  const span = n + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceil && (out - 1) * stride >= n + pad) out--;
  return out;
}

/** Max pooling taps along one dim: input positions o * stride - pad + j * dilation inside the input. */
function maxDim(n: number, out: number, k: number, pad: number, stride: number, dilation: number): PoolDim {
  const taps = Array.from({ length: out }, (_, o) => {
    const list: number[] = [];
    for (let j = 0; j < k; j++) { const i = o * stride - pad + j * dilation; if (i >= 0 && i < n) list.push(i); }
    return list;
  });
  return { taps, factor: taps.map(() => 1) };
}

/** Average pooling taps along one dim, with the divisor factor (window size counting padding, or not). */
function avgDim(n: number, out: number, k: number, pad: number, stride: number, countIncludePad: boolean): PoolDim {
  const taps: number[][] = [], factor: number[] = [];
  for (let o = 0; o < out; o++) {
    const start = o * stride - pad, end = Math.min(start + k, n + pad);
    const lo = Math.max(start, 0), hi = Math.min(end, n);
    taps.push(Array.from({ length: Math.max(hi - lo, 0) }, (_, j) => lo + j));
    factor.push(countIncludePad ? end - start : hi - lo);
  }
  return { taps, factor };
}

/** Adaptive pooling taps along one dim: [floor(o n / out), ceil((o + 1) n / out)). */
function adaptiveDim(n: number, out: number): PoolDim {
  const taps = Array.from({ length: out }, (_, o) => {
    const lo = Math.floor((o * n) / out), hi = Math.ceil(((o + 1) * n) / out);
    return Array.from({ length: hi - lo }, (_, j) => lo + j);
  });
  return { taps, factor: taps.map((t) => t.length) };
}

// ---- ops -------------------------------------------------------------------------------------------------------------

interface MaxParams { readonly indices: Tensor; readonly rank: number }

const MAX_SPECS = new Map<string, GradSpec<MaxParams>>();
/** The max-pool gradient: g scatter-added at the indices of each plane (differentiable: its gradient gathers). */
function maxSpec(node: string): GradSpec<MaxParams> {
  let spec = MAX_SPECS.get(node);
  if (spec === undefined) {
    spec = {
      node,
      saves: { inputs: [0] },
      backward: ([g], s, p) => {
        const x = s.input(0), split = x.dim() - p.rank;
        const P = prod(x.shape.slice(0, split));
        const flat = emptyTensor([P, prod(x.shape.slice(split))], g.dtype);
        return [scatterAdd(flat, 1, p.indices.reshape(P, -1), g.reshape(P, -1)).reshape(x.shape)];
      },
      // tangent: the input's tangent at each window's argmax
      jvp: ([t], s, p) => {
        if (t === null) return [null];
        const P = prod(t.shape.slice(0, t.dim() - p.rank));
        return [t.reshape(P, -1).gather(1, p.indices.reshape(P, -1)).reshape([...s.output(0).shape])];
      },
    };
    MAX_SPECS.set(node, spec);
  }
  return spec;
}

/** Max over each window of the last dims.length dims: [values, int64 indices] recorded as `node`. */
function maxPoolOp(node: string, x: Tensor, dims: readonly PoolDim[]): [Tensor, Tensor] {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.leadingRule(x, (p) => maxPoolOp(node, p, dims));
  // ---- [vmap] end ----
  const D = dims.length, lead = x.shape.slice(0, x.dim() - D), inSize = x.shape.slice(x.dim() - D);
  const outSize = dims.map((d) => d.taps.length);
  const values = emptyTensor([...lead, ...outSize], x.dtype);
  const indices = emptyTensor([...lead, ...outSize], "int64");
  const P = prod(lead);
  noGrad(() => {
    const xs = x.reshape(P, ...inSize);
    backend().poolMax(kview(xs), kview(values.view(P, ...outSize)), kview(indices.view(P, ...outSize)), dims);
  });
  record(maxSpec(node), [x], [values], { indices, rank: D });
  return [values, indices];
}

/** Average over each window: a linear op whose adjoint (the backward kernel) is again a linear op. */
function avgPoolOp(node: string, x: Tensor, dims: readonly PoolDim[], divisorOverride: number): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.leadingRule(x, (p) => avgPoolOp(node, p, dims, divisorOverride));
  // ---- [vmap] end ----
  const D = dims.length, lead = x.shape.slice(0, x.dim() - D), inSize = x.shape.slice(x.dim() - D);
  const outSize = dims.map((d) => d.taps.length);
  const P = prod(lead);
  return linearOp(node, x, (t) => {
    const out = emptyTensor([...lead, ...outSize], t.dtype);
    backend().poolAvg(kview(t.reshape(P, ...inSize)), kview(out.view(P, ...outSize)), dims, divisorOverride);
    return out;
  }, (g) => avgPoolAdjointOp(node, g, dims, divisorOverride, inSize));
}

function avgPoolAdjointOp(node: string, g: Tensor, dims: readonly PoolDim[], divisorOverride: number, inSize: readonly number[]): Tensor {
  const D = dims.length, lead = g.shape.slice(0, g.dim() - D), outSize = g.shape.slice(g.dim() - D);
  const P = prod(lead);
  return linearOp(node.replace("Backward0", "BackwardBackward0"), g, (t) => {
    const gx = emptyTensor([...lead, ...inSize], t.dtype);
    backend().poolAvgBackward(kview(t.reshape(P, ...outSize)), kview(gx.view(P, ...inSize)), dims, divisorOverride);
    return gx;
  }, (h) => avgPoolOp(node, h, dims, divisorOverride));
}

// ---- public functions ---------------------------------------------------------------------------------------------

/** Options of F.maxPool1d/2d. */
export interface MaxPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  returnIndices?: boolean;
}
/** Options of F.avgPool1d/2d. */
export interface AvgPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}
type PoolArg = IntOrTuple | boolean | null | undefined;

/** Reads an int-or-pair argument of a 2-D pooling, with PyTorch's "single int, or a tuple of two ints" message. */
function pair(fn: string, name: string, v: unknown, fallback: number[] | null): number[] {
  if ((v === undefined || v === null || (Array.isArray(v) && v.length === 0)) && fallback) return fallback;
  const out = expandInts(fn, name, v, 2, 0);
  if (out.length !== 2) throw new RuntimeError(`${fn}: ${name} must either be a single int, or a tuple of two ints`);
  return out;
}

function outputTooSmall(x: Tensor, outSize: readonly number[]): never {
  const C = x.shape[x.dim() - 3];
  throw new RuntimeError(`Given input size: (${[C, ...x.shape.slice(-2)].join("x")}). Calculated output size: (${[C, ...outSize].join("x")}). Output size is too small`);
}

interface PoolGeometry { k: number[]; s: number[]; p: number[]; dl: number[]; ceil: boolean; out: number[] }

function poolGeometry(fn: string, x: Tensor, kernelSize: unknown, o: Record<string, unknown>, withDilation: boolean): PoolGeometry {
  const k = pair(fn, "kernel_size", kernelSize, null);
  const s = pair(fn, "stride", o.stride, k);
  const p = pair(fn, "padding", o.padding, null);
  const dl = withDilation ? pair(fn, "dilation", o.dilation, [1, 1]) : [1, 1];
  const ceil = boolArg(fn, "ceil_mode", o.ceilMode, false);
  if (s.some((v) => v === 0)) throw new RuntimeError("stride should not be zero");
  if (k.some((v) => v <= 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kH: ${k[0]} kW: ${k[1]}`);
  if (s.some((v) => v < 0)) throw new RuntimeError(`stride should be greater than zero, but got dH: ${s[0]} dW: ${s[1]}`);
  if (dl.some((v) => v <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got dilationH: ${dl[0]} dilationW: ${dl[1]}`);
  if (p.some((v, d) => v > Math.floor(k[d] / 2))) {
    const d = p.findIndex((v, i) => v > Math.floor(k[i] / 2));
    throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${p[d]} and kernel_size=${k[d]}`);
  }
  const inSize = x.shape.slice(-2);
  const out = inSize.map((n, d) => pooledSize(n, k[d], p[d], s[d], dl[d], ceil));
  if (out.some((v) => v < 1)) outputTooSmall(x, out);
  return { k, s, p, dl, ceil, out };
}

function maxPool2dImpl(fn: string, x: Tensor, kernelSize: unknown, o: Record<string, unknown>): [Tensor, Tensor] {
  const g = poolGeometry(fn, x, kernelSize, o, true);
  const inSize = x.shape.slice(-2);
  const dims = inSize.map((n, d) => maxDim(n, g.out[d], g.k[d], g.p[d], g.s[d], g.dl[d]));
  return maxPoolOp("MaxPool2DWithIndicesBackward0", x, dims);
}

/** Lifts a 1-D pooling to 2-D: [.., L] -> [.., 1, L], pooled with a 1-wide window, then squeezed back. */
function lift1d(o: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const n of names) {
    const v = o[n];
    if (v === undefined || v === null) continue;
    const one = Array.isArray(v) ? v : [v];
    out[n] = [n === "padding" ? 0 : 1, ...one];
  }
  return out;
}

/**
 * 2-D max pooling of input [N, C, H, W] (or [C, H, W]); `returnIndices` also returns the int64 argmax positions (flat within each H x W plane).
 * @example F.maxPool2d(torch.randn(1, 1, 4, 4), 2)
 * @example const [values, indices] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true })
 */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | MaxPoolOptions)[]): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | MaxPoolOptions)[]): Tensor | [Tensor, Tensor] {
  checkTensorArg("max_pool2d", "input", 1, input);
  const o = mergeArgs(args, ["stride", "padding", "dilation", "ceilMode", "returnIndices"]);
  if ((input.dim() !== 3 && input.dim() !== 4) || input.numel() === 0) throw new RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input");
  const res = maxPool2dImpl("max_pool2d", input, kernelSize, o);
  return boolArg("max_pool2d", "return_indices", o.returnIndices, false) ? res : res[0];
}

/**
 * 1-D max pooling of input [N, C, L] (or [C, L]).
 * @example F.maxPool1d(torch.randn(1, 2, 8), 3, { stride: 2, padding: 1 })
 */
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | MaxPoolOptions)[]): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | MaxPoolOptions)[]): Tensor | [Tensor, Tensor] {
  checkTensorArg("max_pool1d", "input", 1, input);
  const o = mergeArgs(args, ["stride", "padding", "dilation", "ceilMode", "returnIndices"]);
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new RuntimeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${listText(input.shape)}`);
  }
  const k = expandInts("max_pool1d", "kernel_size", kernelSize, 1, 1)[0];
  const p = expandInts("max_pool1d", "padding", o.padding, 1, 0)[0];
  if (p > Math.floor(k / 2)) throw new RuntimeError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  const [v, i] = maxPool2dImpl("max_pool1d", input.unsqueeze(-2), [1, k], lift1d(o, ["stride", "padding", "dilation"]));
  return boolArg("max_pool1d", "return_indices", o.returnIndices, false) ? [v.squeeze(-2), i.squeeze(-2)] : v.squeeze(-2);
}

function avgPool2dImpl(fn: string, x: Tensor, kernelSize: unknown, o: Record<string, unknown>): Tensor {
  const g = poolGeometry(fn, x, kernelSize, o, false);
  const countIncludePad = boolArg(fn, "count_include_pad", o.countIncludePad, true);
  const override = o.divisorOverride ?? null;
  if (override !== null && override === 0) throw new RuntimeError("divisor must be not zero");
  const inSize = x.shape.slice(-2);
  const dims = inSize.map((n, d) => avgDim(n, g.out[d], g.k[d], g.p[d], g.s[d], countIncludePad));
  return avgPoolOp("AvgPool2DBackward0", x, dims, intArg(fn, "divisor_override", override, 0));
}

/**
 * 2-D average pooling of input [N, C, H, W] (or [C, H, W]).
 * @example F.avgPool2d(torch.randn(1, 1, 4, 4), 2, { countIncludePad: false })
 */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | AvgPoolOptions)[]): Tensor {
  checkTensorArg("avg_pool2d", "input", 1, input);
  const o = mergeArgs(args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"]);
  if ((input.dim() !== 3 && input.dim() !== 4) || input.numel() === 0) throw new RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input");
  return avgPool2dImpl("avg_pool2d", input, kernelSize, o);
}

/**
 * 1-D average pooling of input [N, C, L] (or [C, L]).
 * @example F.avgPool1d(torch.randn(1, 2, 8), 2)
 */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (PoolArg | AvgPoolOptions)[]): Tensor {
  checkTensorArg("avg_pool1d", "input", 1, input);
  const o = mergeArgs(args, ["stride", "padding", "ceilMode", "countIncludePad"]);
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new RuntimeError(`Expected 2 to 3 dimensions, but got ${input.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`);
  }
  const k = expandInts("avg_pool1d", "kernel_size", kernelSize, 1, 1)[0];
  return avgPool2dImpl("avg_pool1d", input.unsqueeze(-2), [1, k], lift1d(o, ["stride", "padding"])).squeeze(-2);
}

/** Adaptive output sizes: null keeps the input's size; negative sizes refused. */
function adaptiveSizes(fn: string, x: Tensor, outputSize: unknown, n: number): number[] {
  const raw = outputSize === null || typeof outputSize === "number" ? new Array<unknown>(n).fill(outputSize) : (outputSize as unknown[]);
  if (raw.length !== n) throw new RuntimeError(`${fn}: output_size must be ${n}`);
  const sizes = raw.map((v, d) => (v === null ? x.shape[x.dim() - n + d] : intArg(fn, "output_size", v, 0)));
  return sizes;
}

/**
 * Adaptive 2-D average pooling of input [N, C, H, W] (or [C, H, W]) to `outputSize` (null entries keep the input's size).
 * @example F.adaptiveAvgPool2d(torch.randn(1, 3, 7, 5), [2, 3])
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  checkTensorArg("adaptive_avg_pool2d", "input", 1, input);
  if (input.dim() !== 3 && input.dim() !== 4) throw new RuntimeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${listText(input.shape)}`);
  const out = adaptiveSizes("adaptive_avg_pool2d", input, outputSize, 2);
  if (out.some((v) => v < 0)) throw new RuntimeError(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${out.join(", ")}}`);
  if (out[0] === 1 && out[1] === 1) return input.mean([-1, -2], true);
  const inSize = input.shape.slice(-2);
  return avgPoolOp("AdaptiveAvgPool2DBackward0", input, inSize.map((n, d) => adaptiveDim(n, out[d])), 0);
}

/**
 * Adaptive 1-D average pooling of input [N, C, L] (or [C, L]).
 * @example F.adaptiveAvgPool1d(torch.randn(1, 2, 7), 3)
 */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  checkTensorArg("adaptive_avg_pool1d", "input", 1, input);
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new RuntimeError(`Expected 2 to 3 dimensions, but got ${input.dim()}-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)`);
  }
  const [n] = expandInts("adaptive_avg_pool1d", "output_size", outputSize, 1, 1);
  return adaptiveAvgPool2d(input.unsqueeze(-2), [1, n]).squeeze(-2);
}

/**
 * Adaptive 2-D max pooling of input [N, C, H, W] (or [C, H, W]); `returnIndices` also returns the argmax positions.
 * @example F.adaptiveMaxPool2d(torch.randn(1, 3, 7, 5), 2)
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices: true | { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices?: boolean | { returnIndices?: boolean }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices?: boolean | { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  checkTensorArg("adaptive_max_pool2d", "input", 1, input);
  const o = mergeArgs([returnIndices], ["returnIndices"]);
  if (input.dim() !== 3 && input.dim() !== 4) throw new RuntimeError(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${listText(input.shape)}`);
  const out = adaptiveSizes("adaptive_max_pool2d", input, outputSize, 2);
  if (out.some((v) => v < 0)) throw new RuntimeError(`Trying to create tensor with negative dimension ${out.find((v) => v < 0)}: ${listText([...input.shape.slice(0, -2), ...out])}`);
  const inSize = input.shape.slice(-2);
  const res = maxPoolOp("AdaptiveMaxPool2DBackward0", input, inSize.map((n, d) => adaptiveDim(n, out[d])));
  return boolArg("adaptive_max_pool2d", "return_indices", o.returnIndices, false) ? res : res[0];
}
