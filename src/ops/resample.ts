// Separable resampling: per-dim index maps with optional linear weights (interpolate nearest/linear/bilinear, reflect/replicate pad), pixel shuffle.
import { RuntimeError, ValueError, NotImplementedError } from "../errors.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, emptyTensor } from "./core.ts";
import { indexAdd, indexSelect } from "./gather.ts";
import { boolArg, linearOp, mergeArgs } from "./conv-util.ts";

/** One dim of a separable map: out[..., i, ...] = sum over taps t of weight[t][i] * x[..., index[t][i], ...]. */
export interface DimMap {
  readonly dim: number;
  readonly inSize: number;
  readonly index: readonly (readonly number[])[];
  /** one weight list per tap; absent: a single unweighted tap (a pure gather) */
  readonly weight?: readonly (readonly number[])[];
}

const longTensor = (values: readonly number[]): Tensor => {
  const t = emptyTensor([values.length], "int64");
  t._storage.data.set(values);
  return t;
};

/** A weight list shaped to broadcast along `dim` of a rank-`rank` tensor. */
function weightAlong(values: readonly number[], dim: number, rank: number, like: Tensor): Tensor {
  const t = emptyTensor(Array.from({ length: rank }, (_, k) => (k === dim ? values.length : 1)), like.dtype);
  t._storage.data.set(values);
  return t;
}

function applyMaps(x: Tensor, maps: readonly DimMap[]): Tensor {
  let y = x;
  for (const m of maps) {
    const taps = m.index.map((idx, t) => {
      const picked = indexSelect(y, m.dim, longTensor(idx));
      return m.weight ? picked.mul(weightAlong(m.weight[t], m.dim, y.dim(), y)) : picked;
    });
    y = taps.reduce((a, b) => a.add(b));
  }
  return y;
}

/** The adjoint of applyMaps: index_add each tap's (weighted) gradient back, dims in reverse order. */
function adjointMaps(g: Tensor, maps: readonly DimMap[]): Tensor {
  let y = g;
  for (const m of [...maps].reverse()) {
    const shape = y.shape.map((s, k) => (k === m.dim ? m.inSize : s));
    y = m.index.map((idx, t) => {
      const src = m.weight ? y.mul(weightAlong(m.weight[t], m.dim, y.dim(), y)) : y;
      return indexAdd(emptyTensor(shape, y.dtype), m.dim, longTensor(idx), src);
    }).reduce((a, b) => a.add(b));
  }
  return y;
}

/** `maps` applied to x as one node named `node`; the gradient (index_add) is differentiable again. */
export function separableMap(node: string, x: Tensor, maps: readonly DimMap[]): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.leadingRule(x, (p) => separableMap(node, p, maps.map((m) => ({ ...m, dim: m.dim + 1 }))));
  // ---- [vmap] end ----
  return linearOp(node, x, (t) => applyMaps(t, maps), (g) => adjointMaps(g, maps));
}

// ---- interpolate --------------------------------------------------------------------------------------------

/** Options of F.interpolate. */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: "nearest" | "linear" | "bilinear";
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
  antialias?: boolean;
}

/** PyTorch's nearest source index (float32 arithmetic, as the CPU kernel). */
function nearestIndex(inSize: number, outSize: number, scale: number | null): number[] {
  const s = Math.fround(scale !== null && scale > 0 ? 1 / scale : inSize / outSize);
  return Array.from({ length: outSize }, (_, o) => {
    if (outSize === inSize) return o;
    if (outSize === 2 * inSize) return o >> 1;
    return Math.min(Math.floor(Math.fround(o * s)), inSize - 1);
  });
}

/** PyTorch's linear taps: two source indices and their weights per output index. */
function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): [number[], number[], number[], number[]] {
  const i0: number[] = [], i1: number[] = [], w0: number[] = [], w1: number[] = [];
  const ratio = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? ratio * o : Math.max(ratio * (o + 0.5) - 0.5, 0);
    const a = Math.floor(src);
    const lambda = src - a;
    i0.push(a); i1.push(a + (a < inSize - 1 ? 1 : 0));
    w0.push(1 - lambda); w1.push(lambda);
  }
  return [i0, i1, w0, w1];
}

const MODE_DIMS: Record<string, number> = { linear: 1, bilinear: 2 };
const NODE_D = ["", "1D", "2D", "3D"];

/**
 * Resizes the spatial dims of input [N, C, ...spatial] to `size` (or by `scaleFactor`): modes "nearest", "linear" (3-D), "bilinear" (4-D, alignCorners).
 * @example F.interpolate(torch.randn(1, 1, 2, 2), { scaleFactor: 2, mode: "bilinear", alignCorners: false }) // [1, 1, 4, 4]
 */
export function interpolate(input: Tensor, ...args: readonly (number | readonly number[] | string | boolean | null | undefined | InterpolateOptions)[]): Tensor {
  checkTensorArg("interpolate", "input", 1, input);
  const o = mergeArgs(args, ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor", "antialias"]);
  const mode = (o.mode ?? "nearest") as string;
  const D = input.dim() - 2;
  const alignCornersArg = o.alignCorners ?? null;
  if (mode === "nearest" && alignCornersArg !== null) {
    throw new ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  const alignCorners = boolArg("interpolate", "align_corners", alignCornersArg, false);
  const size = o.size ?? null, scaleFactor = o.scaleFactor ?? null;
  if (size !== null && scaleFactor !== null) throw new ValueError("only one of size or scale_factor should be defined");
  if (size === null && scaleFactor === null) throw new ValueError("either size or scale_factor should be defined");
  const inSize = input.shape.slice(2);
  let outSize: number[], scales: (number | null)[];
  if (size !== null) {
    outSize = typeof size === "number" ? inSize.map(() => size) : [...(size as number[])];
    if (outSize.length !== D) {
      throw new ValueError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${JSON.stringify(inSize).replace(/,/g, ", ")} and output size of ${JSON.stringify(outSize).replace(/,/g, ", ")}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
    scales = outSize.map(() => null);
  } else {
    const sf = typeof scaleFactor === "number" ? inSize.map(() => scaleFactor) : [...(scaleFactor as number[])];
    if (sf.length !== D) {
      throw new ValueError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${JSON.stringify(inSize).replace(/,/g, ", ")} and scale_factor of shape ${JSON.stringify(sf).replace(/,/g, ", ")}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
    outSize = inSize.map((s, d) => Math.floor(s * sf[d]));
    scales = o.recomputeScaleFactor === true ? outSize.map(() => null) : sf;
  }
  const supported = D >= 1 && D <= 3 && (mode === "nearest" || MODE_DIMS[mode] !== undefined);
  if (!supported) {
    if (mode in MODE_DIMS && D >= 1 && D <= 3) throw new NotImplementedError(`Got ${input.dim()}D input, but ${mode} mode needs ${MODE_DIMS[mode] + 2}D input`);
    throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  if (mode !== "nearest" && MODE_DIMS[mode] !== D) throw new NotImplementedError(`Got ${input.dim()}D input, but ${mode} mode needs ${MODE_DIMS[mode] + 2}D input`);
  if (outSize.some((s) => s <= 0)) {
    const names = D === 1 ? ["W"] : D === 2 ? ["H", "W"] : ["D", "H", "W"];
    const text = (v: readonly number[]) => v.map((x, i) => `${names[i]}: ${x}`).join(", ");
    throw new RuntimeError(`Input and output sizes should be greater than 0, but got input (${text(inSize)}) output (${text(outSize)})`);
  }
  const maps: DimMap[] = inSize.map((n, d) => {
    if (mode === "nearest") return { dim: d + 2, inSize: n, index: [nearestIndex(n, outSize[d], scales[d])] };
    const [i0, i1, w0, w1] = linearTaps(n, outSize[d], alignCorners, scales[d]);
    return { dim: d + 2, inSize: n, index: [i0, i1], weight: [w0, w1] };
  });
  const node = mode === "nearest" ? `UpsampleNearest${NODE_D[D]}Backward1` : mode === "linear" ? "UpsampleLinear1DBackward1" : "UpsampleBilinear2DBackward1";
  return separableMap(node, input, maps);
}

// ---- pixel shuffle -------------------------------------------------------------------------------------------

function shuffle(x: Tensor, r: number): Tensor {
  const lead = x.shape.slice(0, -3), [C, H, W] = x.shape.slice(-3), n = lead.length;
  const y = x.reshape(...lead, C / (r * r), r, r, H, W);
  const perm = [...lead.keys(), n, n + 3, n + 1, n + 4, n + 2];
  return y.permute(perm).reshape(...lead, C / (r * r), H * r, W * r);
}

function unshuffle(x: Tensor, r: number): Tensor {
  const lead = x.shape.slice(0, -3), [C, H, W] = x.shape.slice(-3), n = lead.length;
  const y = x.reshape(...lead, C, H / r, r, W / r, r);
  const perm = [...lead.keys(), n, n + 2, n + 4, n + 1, n + 3];
  return y.permute(perm).reshape(...lead, C * r * r, H / r, W / r);
}

/**
 * Rearranges [*, C * r^2, H, W] into [*, C, H * r, W * r].
 * @example F.pixelShuffle(torch.randn(1, 8, 2, 2), 2) // [1, 2, 4, 4]
 */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  checkTensorArg("pixel_shuffle", "input", 1, input);
  if (input.dim() < 3) throw new RuntimeError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s)`);
  if (upscaleFactor <= 0) throw new RuntimeError(`pixel_shuffle expects a positive upscale_factor, but got ${upscaleFactor}`);
  const c = input.shape[input.dim() - 3], r2 = upscaleFactor * upscaleFactor;
  if (c % r2 !== 0) {
    throw new RuntimeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r2}`);
  }
  // ---- [vmap] begin ----
  if (input._batched !== undefined) return VM.leadingRule(input, (p) => pixelShuffle(p, upscaleFactor));
  // ---- [vmap] end ----
  return linearOp("PixelShuffleBackward0", input, (t) => shuffle(t, upscaleFactor), (g) => pixelUnshuffle(g, upscaleFactor));
}

/**
 * Rearranges [*, C, H * r, W * r] into [*, C * r^2, H, W] (the inverse of pixelShuffle).
 * @example F.pixelUnshuffle(torch.randn(1, 2, 4, 4), 2) // [1, 8, 2, 2]
 */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  checkTensorArg("pixel_unshuffle", "input", 1, input);
  if (input.dim() < 3) throw new RuntimeError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s)`);
  if (downscaleFactor <= 0) throw new RuntimeError(`pixel_unshuffle expects a positive downscale_factor, but got ${downscaleFactor}`);
  const [h, w] = input.shape.slice(-2);
  if (h % downscaleFactor !== 0) throw new RuntimeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${downscaleFactor}`);
  if (w % downscaleFactor !== 0) throw new RuntimeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${downscaleFactor}`);
  // ---- [vmap] begin ----
  if (input._batched !== undefined) return VM.leadingRule(input, (p) => pixelUnshuffle(p, downscaleFactor));
  // ---- [vmap] end ----
  return linearOp("PixelUnshuffleBackward0", input, (t) => unshuffle(t, downscaleFactor), (g) => pixelShuffle(g, downscaleFactor));
}
