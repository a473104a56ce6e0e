// Convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d) on the backend's GEMM convolution kernels, gradients as convolutions; im2col/col2im (F.unfold/F.fold).
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { ConvGeometry } from "../backend/conv-types.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { RuntimeError } from "../errors.ts";
import { SCALAR_TYPE_NAME } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor, kview, outputTensor } from "./core.ts";
import { expandInts, fresh, intArg, linearOp, listText, mergeArgs, prod, type IntOrTuple } from "./conv-util.ts";
import { constantPad } from "./pad.ts";
// ---- [jvp-rules] begin ----
import { addTangents } from "./jvp-rules.ts";
// ---- [jvp-rules] end ----

// ---- im2col / col2im as differentiable ops ---------------------------------------------------------

/** im2col of x [N, C, ...in] (or unbatched [C, ...in]) -> [N, C * prod(kernel), prod(outSize)] (Im2ColBackward0; gradient: col2im). */
export function im2colOp(x: Tensor, g: ConvGeometry, batched = true): Tensor {
  const inSize = x.shape.slice(batched ? 2 : 1);
  return linearOp("Im2ColBackward0", x, (t) => {
    const xb = batched ? t : t.unsqueeze(0);
    const cols = outputTensor([xb.shape[0], xb.shape[1] * prod(g.kernel), prod(g.outSize)], t.dtype);
    backend().im2col(kview(xb), kview(cols), g);
    return batched ? cols : cols.squeeze(0);
  }, (gy) => col2imOp(gy, inSize, g, batched));
}

/** col2im: cols [N, C * prod(kernel), prod(outSize)] (or unbatched) summed back into [N, C, ...inSize] (Col2ImBackward0; gradient: im2col). */
export function col2imOp(cols: Tensor, inSize: readonly number[], g: ConvGeometry, batched = true): Tensor {
  return linearOp("Col2ImBackward0", cols, (t) => {
    const cb = batched ? t : t.unsqueeze(0);
    const x = emptyTensor([cb.shape[0], cb.shape[1] / prod(g.kernel), ...inSize], t.dtype);
    backend().col2im(kview(cb), kview(x), g);
    return batched ? x : x.squeeze(0);
  }, (gx) => im2colOp(gx, g, batched));
}

// ---- the convolution op ---------------------------------------------------------------------------------

interface ConvParams {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
  readonly transposed: boolean;
  readonly outputPadding: readonly number[];
}

/** Output size of a (transposed) convolution along each spatial dim. */
function convOutSize(inSize: readonly number[], kernel: readonly number[], p: ConvParams): number[] {
  return inSize.map((s, d) => p.transposed
    ? (s - 1) * p.stride[d] - 2 * p.padding[d] + p.dilation[d] * (kernel[d] - 1) + p.outputPadding[d] + 1
    : Math.floor((s + 2 * p.padding[d] - p.dilation[d] * (kernel[d] - 1) - 1) / p.stride[d]) + 1);
}

/** The im2col geometry that maps the "large" side (conv input / transposed-conv output) to the "small" one. */
function geometryOf(kernel: readonly number[], p: ConvParams, small: readonly number[]): ConvGeometry {
  return { kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, outSize: small };
}

/** Forward of a batched (transposed) convolution, without grad: one GEMM convolution kernel (Note [conv as GEMM] in backend/conv-gemm.ts). */
function convForward(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  const kernel = w.shape.slice(2), inSize = x.shape.slice(2), outSize = convOutSize(inSize, kernel, p);
  const bias = b === null ? null : kview(b);
  if (!p.transposed) {
    const y = outputTensor([x.shape[0], w.shape[0], ...outSize], x.dtype);
    backend().conv(kview(x), kview(w), bias, kview(y), geometryOf(kernel, p, outSize), p.groups);
    return y;
  }
  const y = emptyTensor([x.shape[0], w.shape[1] * p.groups, ...outSize], x.dtype);
  backend().convAdjoint(kview(x), kview(w), bias, kview(y), geometryOf(kernel, p, inSize), p.groups);
  return y;
}

// The two directions between a convolution's big side (its input) and small side (its output), with
// weight w [small channels, big channels / groups, ...kernel], as differentiable ops.

/** big -> small: the convolution, cut to `smallSize` (a transposed convolution's input gradient can come out longer). */
function toSmall(big: Tensor, w: Tensor, p: ConvParams, smallSize: readonly number[]): Tensor {
  let y = convolution(big, w, null, { ...p, transposed: false, outputPadding: p.padding.map(() => 0) });
  smallSize.forEach((n, d) => { if (y.shape[d + 2] !== n) y = y.narrow(d + 2, 0, n); });
  return y;
}

/** small -> big: the transposed convolution, its output padding chosen to give `bigSize`. */
function toBig(small: Tensor, w: Tensor, p: ConvParams, bigSize: readonly number[]): Tensor {
  const kernel = w.shape.slice(2), smallSize = small.shape.slice(2);
  const outputPadding = bigSize.map((n, d) => n - ((smallSize[d] - 1) * p.stride[d] - 2 * p.padding[d] + p.dilation[d] * (kernel[d] - 1) + 1));
  return convolution(small, w, null, { ...p, transposed: true, outputPadding });
}

interface ConvWeightParams { readonly p: ConvParams; readonly kernel: readonly number[] }

// d w of a convolution, Σ_n small[n] im2col(big[n])ᵀ: bilinear in (big, small), so its gradients are the two
// directions above with the incoming gradient as weight: d big = toBig(small, g), d small = toSmall(big, g)
const CONV_WEIGHT_SPEC: GradSpec<ConvWeightParams> = {
  node: "ConvolutionBackwardBackward0",
  saves: { inputs: [0, 1] },
  backward: ([g], s, { p }) => {
    const big = s.input(0), small = s.input(1);
    return [
      s.needsGrad(0) ? toBig(small, g, p, big.shape.slice(2)) : null,
      s.needsGrad(1) ? toSmall(big, g, p, small.shape.slice(2)) : null,
    ];
  },
};

/** The weight gradient of a convolution between `big` and `small` (one GEMM kernel, differentiable again). */
function convWeight(big: Tensor, small: Tensor, p: ConvParams, kernel: readonly number[]): Tensor {
  const gw = outputTensor([small.shape[1], big.shape[1] / p.groups, ...kernel], big.dtype);
  backend().convWeight(kview(big), kview(small), kview(gw), geometryOf(kernel, p, small.shape.slice(2)), p.groups);
  return record(CONV_WEIGHT_SPEC, [big, small], [fresh([big, small], gw)], { p, kernel })[0];
}

const CONV_SPEC: GradSpec<ConvParams> = {
  node: "ConvolutionBackward0",
  saves: { inputs: [0, 1] },
  // ---- [jvp-rules] begin ----
  // bilinear in (x, w), plus the bias: conv(tx, w) + conv(x, tw) + tb
  jvp: ([tx, tw, tb], s, p) => {
    const y = addTangents(tx && convolution(tx, s.input(1), null, p), tw && convolution(s.input(0), tw, null, p));
    return [addTangents(y, tb && tb.reshape(-1, ...s.output(0).shape.slice(2).map(() => 1)))];
  },
  // ---- [jvp-rules] end ----
  backward: ([gy], s, p) => {
    const x = s.input(0), w = s.input(1);
    const kernel = w.shape.slice(2), inSize = x.shape.slice(2), outSize = gy.shape.slice(2);
    // a convolution maps x (big) to y (small); a transposed one y (big) to x (small)
    const gx = !s.needsGrad(0) ? null : p.transposed ? toSmall(gy, w, p, inSize) : toBig(gy, w, p, inSize);
    const gw = !s.needsGrad(1) ? null : p.transposed ? convWeight(gy, x, p, kernel) : convWeight(x, gy, p, kernel);
    const gb = s.needsGrad(2) ? gy.sum([0, ...outSize.map((_, d) => d + 2)]) : null;
    return [gx, gw, gb];
  },
};

/** A batched (transposed) convolution with checked arguments, as one ConvolutionBackward0 node. */
function convolution(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): Tensor {
  // ---- [vmap] begin ----
  if (VM.maxLevel([x, w, b]) > 0) return VM.convRule(x, w, b, p, convolution);
  // ---- [vmap] end ----
  const out = fresh([x, w], noGrad(() => convForward(x, w, b, p)));
  return record(CONV_SPEC, [x, w, b], [out], p)[0];
}

// ---- argument checks with PyTorch's messages ----------------------------------------------------------------

const TYPE_NAME = (t: Tensor) => SCALAR_TYPE_NAME[t.dtype];

function checkConvShapes(x: Tensor, w: Tensor, b: Tensor | null, p: ConvParams): void {
  const D = w.dim() - 2;
  const name = (k: string, v: readonly number[]) => {
    if (v.length !== D) throw new RuntimeError(`expected ${k} to be a single integer value or a list of ${D} values to match the convolution dimensions, but got ${k}=${listText(v)}`);
  };
  name("stride", p.stride); name("padding", p.padding); name("dilation", p.dilation);
  if (p.transposed) name("output_padding", p.outputPadding);
  if (p.padding.some((v) => v < 0)) throw new RuntimeError("negative padding is not supported");
  if (p.outputPadding.some((v) => v < 0)) throw new RuntimeError("negative output_padding is not supported");
  if (p.stride.some((v) => v <= 0)) throw new RuntimeError("non-positive stride is not supported");
  if (p.dilation.some((v) => v <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got ${listText(p.dilation)}`);
  if (p.groups <= 0) throw new RuntimeError("non-positive groups is not supported");
  if (x.dtype !== w.dtype) throw new RuntimeError(`expected scalar type ${TYPE_NAME(x)} but found ${TYPE_NAME(w)}`);
  if (b !== null && b.dtype !== x.dtype) throw new RuntimeError(`expected scalar type ${TYPE_NAME(x)} but found ${TYPE_NAME(b)}`);
  if (w.shape[0] % p.groups !== 0) {
    throw new RuntimeError(`Given groups=${p.groups}, expected weight to be divisible by ${p.groups} at dimension 0, but got weight of size [${listText(w.shape)}] instead`);
  }
  const kernel = w.shape.slice(2);
  if (!p.transposed) {
    const C = w.shape[1] * p.groups;
    if (x.shape[1] !== C) {
      throw new RuntimeError(`Given groups=${p.groups}, weight of size ${listText(w.shape)}, expected input${listText(x.shape)} to have ${C} channels, but got ${x.shape[1]} channels instead`);
    }
    if (b !== null && (b.dim() !== 1 || b.shape[0] !== w.shape[0])) {
      throw new RuntimeError(`Given weight of size ${listText(w.shape)}, expected bias to be 1-dimensional with ${w.shape[0]} elements, but got bias of size ${listText(b.shape)} instead`);
    }
    const padded = x.shape.slice(2).map((s, d) => s + 2 * p.padding[d]);
    const dilated = kernel.map((k, d) => p.dilation[d] * (k - 1) + 1);
    if (padded.some((s, d) => s < dilated[d])) {
      throw new RuntimeError(`Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${dilated.join(" x ")}). Kernel size can't be greater than actual input size`);
    }
  } else {
    if (x.shape[1] !== w.shape[0]) {
      throw new RuntimeError(`Given transposed=1, weight of size ${listText(w.shape)}, expected input${listText(x.shape)} to have ${w.shape[0]} channels, but got ${x.shape[1]} channels instead`);
    }
    const O = w.shape[1] * p.groups;
    if (b !== null && (b.dim() !== 1 || b.shape[0] !== O)) {
      throw new RuntimeError(`Given transposed=1, weight of size ${listText(w.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${listText(b.shape)} instead`);
    }
    const dims = ["height", "width", "depth"];
    const label = D === 1 ? ["width"] : D === 2 ? dims.slice(0, 2) : ["depth", "height", "width"];
    if (p.outputPadding.some((op, d) => op >= p.stride[d] && op >= p.dilation[d])) {
      const part = (k: string, v: readonly number[]) => v.map((x, d) => `${k}_${label[d]}: ${x}`).join(" ");
      throw new RuntimeError(`output padding must be smaller than either stride or dilation, but got ${part("output_padding", p.outputPadding)} ${part("stride", p.stride)} ${part("dilation", p.dilation)}`);
    }
  }
  const out = convOutSize(x.shape.slice(2), kernel, p);
  if (out.some((s) => s <= 0)) {
    throw new RuntimeError(`Given input size per channel: (${x.shape.slice(2).join(" x ")}). Calculated output size per channel: (${out.join(" x ")}). Output size is too small`);
  }
}

/** Options of F.convNd (every positional parameter also by name). */
export interface ConvOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple | "same" | "valid";
  dilation?: IntOrTuple;
  groups?: number;
}
/** Options of F.convTransposeNd. */
export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

/** Adds the batch dim to an unbatched input (and removes it after), refusing other ranks with PyTorch's message. */
function batched(fn: string, x: Tensor, D: number, body: (xb: Tensor) => Tensor): Tensor {
  if (x.dim() !== D + 1 && x.dim() !== D + 2) {
    throw new RuntimeError(`Expected ${D + 1}D (unbatched) or ${D + 2}D (batched) input to ${fn}, but got input of size: ${listText(x.shape)}`);
  }
  return x.dim() === D + 1 ? body(x.unsqueeze(0)).squeeze(0) : body(x);
}

function convNd(D: number, fn: string, x: Tensor, w: Tensor, rest: readonly unknown[]): Tensor {
  checkTensorArg(fn, "input", 1, x);
  checkTensorArg(fn, "weight", 2, w);
  const o = mergeArgs(rest, ["bias", "stride", "padding", "dilation", "groups"]);
  const b = (o.bias ?? null) as Tensor | null;
  if (b !== null) checkTensorArg(fn, "bias", 3, b);
  const n = Math.max(w.dim() - 2, 0);
  const stride = expandInts(fn, "stride", o.stride, n, 1);
  const dilation = expandInts(fn, "dilation", o.dilation, n, 1);
  const groups = intArg(fn, "groups", o.groups, 1);
  return batched(fn, x, D, (xb) => {
    let padding: number[];
    let input = xb;
    if (o.padding === "valid") padding = new Array<number>(n).fill(0);
    else if (o.padding === "same") {
      if (stride.some((s) => s !== 1)) throw new RuntimeError("padding='same' is not supported for strided convolutions");
      const kernel = w.shape.slice(2);
      const total = kernel.map((k, d) => dilation[d] * (k - 1));
      padding = total.map((t) => Math.floor(t / 2));
      // an odd total pads one more on the right, as a separate constant pad of the input
      if (total.some((t) => t % 2 === 1)) {
        const extra: number[] = [];
        for (let d = n - 1; d >= 0; d--) extra.push(0, total[d] % 2);
        input = constantPad(xb, extra, 0);
      }
    } else if (typeof o.padding === "string") throw new RuntimeError(`Invalid padding string: '${o.padding}'`);
    else padding = expandInts(fn, "padding", o.padding, n, 0);
    const p: ConvParams = { stride, padding, dilation, groups, transposed: false, outputPadding: new Array<number>(n).fill(0) };
    checkConvShapes(input, w, b, p);
    return convolution(input, w, b, p);
  });
}

function convTransposeNd(D: number, fn: string, x: Tensor, w: Tensor, rest: readonly unknown[]): Tensor {
  checkTensorArg(fn, "input", 1, x);
  checkTensorArg(fn, "weight", 2, w);
  const o = mergeArgs(rest, ["bias", "stride", "padding", "outputPadding", "groups", "dilation"]);
  const b = (o.bias ?? null) as Tensor | null;
  if (b !== null) checkTensorArg(fn, "bias", 3, b);
  const n = Math.max(w.dim() - 2, 0);
  if (typeof o.padding === "string") throw new TypeError(`${fn}(): argument 'padding' must be tuple of ints, not str`);
  const p: ConvParams = {
    stride: expandInts(fn, "stride", o.stride, n, 1),
    padding: expandInts(fn, "padding", o.padding, n, 0),
    dilation: expandInts(fn, "dilation", o.dilation, n, 1),
    groups: intArg(fn, "groups", o.groups, 1),
    transposed: true,
    outputPadding: expandInts(fn, "output_padding", o.outputPadding, n, 0),
  };
  return batched(fn, x, D, (xb) => {
    checkConvShapes(xb, w, b, p);
    return convolution(xb, w, b, p);
  });
}

/** Trailing arguments of F.convNd: bias, stride, padding, dilation, groups, positionally and/or as a trailing options object. */
export type ConvArgs = readonly (Tensor | null | undefined | IntOrTuple | string | ConvOptions)[];
/** Trailing arguments of F.convTransposeNd: bias, stride, padding, outputPadding, groups, dilation. */
export type ConvTransposeArgs = readonly (Tensor | null | undefined | IntOrTuple | ConvTransposeOptions)[];

/**
 * 1-D convolution (cross-correlation) of input [N, C, L] (or [C, L]) with weight [O, C / groups, k].
 * @example F.conv1d(torch.randn(2, 3, 8), torch.randn(4, 3, 3), null, { padding: 1 })
 */
export const conv1d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(1, "conv1d", input, weight, args);
/**
 * 2-D convolution of input [N, C, H, W] (or [C, H, W]) with weight [O, C / groups, kH, kW]; padding may be "same" or "valid".
 * @example F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), null, { stride: 2, padding: 1 })
 */
export const conv2d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(2, "conv2d", input, weight, args);
/**
 * 3-D convolution of input [N, C, D, H, W] (or unbatched) with weight [O, C / groups, kD, kH, kW].
 * @example F.conv3d(torch.randn(1, 2, 4, 4, 4), torch.randn(3, 2, 2, 2, 2))
 */
export const conv3d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(3, "conv3d", input, weight, args);
/**
 * 1-D transposed convolution of input [N, C, L] with weight [C, O / groups, k].
 * @example F.convTranspose1d(torch.randn(2, 3, 4), torch.randn(3, 2, 3), null, { stride: 2 })
 */
export const convTranspose1d = (input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor => convTransposeNd(1, "conv_transpose1d", input, weight, args);
/**
 * 2-D transposed convolution of input [N, C, H, W] with weight [C, O / groups, kH, kW].
 * @example F.convTranspose2d(torch.randn(1, 3, 4, 4), torch.randn(3, 2, 3, 3), null, { stride: 2, outputPadding: 1 })
 */
export const convTranspose2d = (input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor => convTransposeNd(2, "conv_transpose2d", input, weight, args);
/**
 * 3-D transposed convolution of input [N, C, D, H, W] with weight [C, O / groups, kD, kH, kW].
 * @example F.convTranspose3d(torch.randn(1, 2, 2, 2, 2), torch.randn(2, 1, 2, 2, 2))
 */
export const convTranspose3d = (input: Tensor, weight: Tensor, ...args: ConvTransposeArgs): Tensor => convTransposeNd(3, "conv_transpose3d", input, weight, args);

// ---- F.unfold / F.fold (4-D im2col, 3-D columns) -----------------------------------------------------------

/** Options of F.unfold / F.fold. */
export interface FoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

function foldGeometry(fn: string, kernelSize: unknown, o: Record<string, unknown>): Omit<ConvGeometry, "outSize"> {
  const kernel = expandInts(fn, "kernel_size", kernelSize, 2, 1);
  const dilation = expandInts(fn, "dilation", o.dilation, 2, 1);
  const padding = expandInts(fn, "padding", o.padding, 2, 0);
  const stride = expandInts(fn, "stride", o.stride, 2, 1);
  if (kernel.some((k) => k <= 0)) throw new RuntimeError(`kernel size should be greater than zero, but got kernel_height: ${kernel[0]} kernel_width: ${kernel[1]}`);
  if (dilation.some((k) => k <= 0)) throw new RuntimeError(`dilation should be greater than zero, but got dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`);
  if (padding.some((k) => k < 0)) throw new RuntimeError(`padding should be non-negative, but got pad_height: ${padding[0]} pad_width: ${padding[1]}`);
  if (stride.some((k) => k <= 0)) throw new RuntimeError(`stride should be greater than zero, but got stride_height: ${stride[0]} stride_width: ${stride[1]}`);
  return { kernel, dilation, padding, stride };
}

/**
 * im2col: input [N, C, H, W] (or [C, H, W]) -> [N, C * kH * kW, L], one column per sliding-window position.
 * @example F.unfold(torch.randn(1, 2, 4, 4), 2, { stride: 2 }) // [1, 8, 4]
 */
export function unfold(input: Tensor, kernelSize: IntOrTuple, ...args: readonly (IntOrTuple | FoldOptions | undefined)[]): Tensor {
  checkTensorArg("im2col", "input", 1, input);
  const o = mergeArgs(args, ["dilation", "padding", "stride"]);
  const g = foldGeometry("im2col", kernelSize, o);
  if (input.dim() !== 3 && input.dim() !== 4) throw new RuntimeError(`Expected 3D or 4D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${listText(input.shape)}`);
  const x = input.dim() === 3 ? input.unsqueeze(0) : input;
  const [H, W] = x.shape.slice(2);
  const outSize = [H, W].map((s, d) => Math.floor((s + 2 * g.padding[d] - (g.dilation[d] * (g.kernel[d] - 1) + 1)) / g.stride[d]) + 1);
  if (outSize.some((s) => s < 1)) {
    throw new RuntimeError(`Given input with spatial size (${H}, ${W}), kernel_size=(${g.kernel.join(", ")}), dilation=(${g.dilation.join(", ")}), padding=(${g.padding.join(", ")}), calculated shape of the array of sliding blocks as (${outSize.join(", ")}), but its components must be at least one.`);
  }
  // ---- [vmap] begin ----
  if (input._batched !== undefined) return VM.intoN(input, 3, (q) => im2colOp(q, { ...g, outSize }, true));
  // ---- [vmap] end ----
  return im2colOp(input, { ...g, outSize }, input.dim() === 4);
}

/**
 * col2im, the adjoint of unfold: input [N, C * kH * kW, L] (or [C * kH * kW, L]) summed into [N, C, ...outputSize].
 * @example F.fold(torch.ones(1, 4, 9), [4, 4], 2) // [1, 1, 4, 4]
 */
export function fold(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, ...args: readonly (IntOrTuple | FoldOptions | undefined)[]): Tensor {
  checkTensorArg("col2im", "input", 1, input);
  const o = mergeArgs(args, ["dilation", "padding", "stride"]);
  const size = expandInts("col2im", "output_size", outputSize, 2, 1);
  const g = foldGeometry("col2im", kernelSize, o);
  if (size.some((k) => k <= 0)) throw new RuntimeError(`output_size should be greater than zero, but got output_height: ${size[0]} output_width: ${size[1]}`);
  if (input.dim() !== 2 && input.dim() !== 3) throw new RuntimeError(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${listText(input.shape)}`);
  const cols = input.dim() === 2 ? input.unsqueeze(0) : input;
  const K = prod(g.kernel);
  if (cols.shape[1] % K !== 0) {
    throw new RuntimeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${cols.shape[1]} and kernel_size=(${g.kernel.join(", ")}).`);
  }
  const blocks = size.map((s, d) => Math.floor((s + 2 * g.padding[d] - (g.dilation[d] * (g.kernel[d] - 1) + 1)) / g.stride[d]) + 1);
  if (blocks.some((b) => b < 1) || prod(blocks) !== cols.shape[2]) {
    throw new RuntimeError(`Given output_size=(${size.join(", ")}), kernel_size=(${g.kernel.join(", ")}), dilation=(${g.dilation.join(", ")}), padding=(${g.padding.join(", ")}), stride=(${g.stride.join(", ")}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${blocks.join(" * ")} = ${prod(blocks)}, but got input.size(2)=${cols.shape[2]}.`);
  }
  // ---- [vmap] begin ----
  if (input._batched !== undefined) return VM.intoN(input, 2, (q) => col2imOp(q, size, { ...g, outSize: blocks }, true));
  // ---- [vmap] end ----
  return col2imOp(input, size, { ...g, outSize: blocks }, input.dim() === 3);
}
