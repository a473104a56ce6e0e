// F.pad: constant (ConstantPadNdBackward0), reflect / replicate (index maps), circular (slice copies, as PyTorch's CopySlices).
import { NotImplementedError, RuntimeError } from "../errors.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import type { Tensor } from "../tensor.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { checkTensorArg, emptyTensor } from "./core.ts";
import { linearOp, listText, mergeArgs } from "./conv-util.ts";
import { separableMap, type DimMap } from "./resample.ts";

/** F.pad's modes. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";
/** Options of F.pad. */
export interface PadOptions {
  mode?: PadMode;
  value?: number | null;
}

/** [left, right] pads per dim, from PyTorch's last-dim-first flat list: entry d is dim (rank - 1 - d). */
const pairs = (pad: readonly number[]): [number, number][] => Array.from({ length: pad.length / 2 }, (_, i) => [pad[2 * i], pad[2 * i + 1]]);

/**
 * Constant padding (negative pads crop): one ConstantPadNdBackward0 node whose gradient is the opposite pad of g.
 */
export function constantPad(x: Tensor, pad: readonly number[], value: number): Tensor {
  const rank = x.dim();
  const shape = [...x.shape];
  pairs(pad).forEach(([l, r], i) => {
    const d = rank - 1 - i;
    shape[d] = x.shape[d] + l + r;
  });
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.leadingRule(x, (p) => constantPad(p, pad, value));
  // ---- [vmap] end ----
  // PyTorch crops negative pads first (dims in order, left then right), with narrow's message
  for (let d = rank - pad.length / 2; d < rank; d++) {
    let size = x.shape[d];
    const [l, r] = pairs(pad)[rank - 1 - d];
    for (const [start, cut] of [[-l, l], [0, r]]) {
      if (cut >= 0) continue;
      if (size + cut < 0 || start > size) throw new RuntimeError(`start (${start}) + length (${size + cut}) exceeds dimension size (${size}).`);
      size += cut;
    }
  }
  // padding with a value is affine: its tangent (the linear part) pads with 0
  const padWith = (v: number) => (t: Tensor) => {
    const out = emptyTensor(shape, t.dtype);
    if (v !== 0) out.fill_(v);
    let dst = out, src = t;
    pairs(pad).forEach(([l, r], i) => {
      const d = rank - 1 - i;
      const keep = t.shape[d] + Math.min(l, 0) + Math.min(r, 0);
      if (keep <= 0) return;
      dst = dst.narrow(d, Math.max(l, 0), keep);
      src = src.narrow(d, Math.max(-l, 0), keep);
    });
    if (shape.every((s) => s > 0) && pairs(pad).every(([l, r], i) => t.shape[rank - 1 - i] + Math.min(l, 0) + Math.min(r, 0) > 0)) dst.copy_(src);
    return out;
  };
  return linearOp("ConstantPadNdBackward0", x, padWith(value), (g) => constantPad(g, pad.map((p) => -p), 0), padWith(0));
}

/** Index maps of reflect / replicate padding for the padded dims. */
function padMaps(x: Tensor, pad: readonly number[], mode: "reflect" | "replicate"): DimMap[] {
  const rank = x.dim();
  return pairs(pad).map(([l, r], i) => {
    const d = rank - 1 - i, n = x.shape[d];
    const index = Array.from({ length: n + l + r }, (_, k) => {
      const s = k - l;
      if (mode === "replicate") return Math.min(Math.max(s, 0), n - 1);
      return s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s;
    });
    return { dim: d, inSize: n, index: [index] };
  });
}

/** Circular padding as PyTorch 1.13 builds it: the core copied in, then each side copied from the opposite end. */
function circularPad(x: Tensor, pad: readonly number[]): Tensor {
  const rank = x.dim(), p = pairs(pad);
  p.forEach(([l, r], i) => {
    const n = x.shape[rank - 1 - i];
    if (l > n || r > n) throw new RuntimeError("Padding value causes wrapping around more than once.");
  });
  const shape = [...x.shape];
  p.forEach(([l, r], i) => { shape[rank - 1 - i] += l + r; });
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.leadingRule(x, (q) => circularPad(q, pad));
  // ---- [vmap] end ----
  const out = noGrad(() => emptyTensor(shape, x.dtype));
  let dst = out, src = x;
  p.forEach(([l, r], i) => {
    const d = rank - 1 - i;
    dst = dst.narrow(d, Math.max(l, 0), shape[d] - Math.max(l, 0) - Math.max(r, 0));
    src = src.narrow(d, Math.max(-l, 0), x.shape[d] - Math.max(-l, 0) - Math.max(-r, 0));
  });
  dst.copy_(src);
  p.forEach(([l, r], i) => {
    const d = rank - 1 - i, n = shape[d];
    if (l > 0) out.narrow(d, 0, l).copy_(out.narrow(d, n - l - Math.max(r, 0), l));
    if (r > 0) out.narrow(d, n - r, r).copy_(out.narrow(d, Math.max(l, 0), r));
  });
  return out;
}

/**
 * Pads input; `pad` lists (left, right) pairs from the last dim backwards, as PyTorch. Modes: "constant"
 * (`value`; negative pads crop), "reflect", "replicate", "circular" (these pad the last 1, 2 or 3 dims of a batched or unbatched input).
 * @example F.pad(torch.ones(1, 2, 2), [1, 1, 0, 1], { mode: "reflect" })
 */
export function pad(input: Tensor, pad: readonly number[], ...args: readonly (PadMode | number | null | undefined | PadOptions)[]): Tensor {
  checkTensorArg("pad", "input", 1, input);
  const o = mergeArgs(args, ["mode", "value"]);
  const mode = (o.mode ?? "constant") as string;
  const value = (o.value ?? null) as number | null;
  if (pad.length % 2 !== 0) throw new RuntimeError("Padding length must be divisible by 2");
  if (pad.length / 2 > input.dim()) throw new RuntimeError("Padding length too large");
  if (mode === "constant") return constantPad(input, pad, value ?? 0);
  if (value !== null && value !== 0) throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  const D = pad.length / 2, rank = input.dim();
  if (!(rank === D + 1 || rank === D + 2) || D > 3) {
    if (mode !== "reflect" && mode !== "replicate" && mode !== "circular") throw new NotImplementedError(`Unrecognised padding mode ${mode}`);
    throw new NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  if (mode === "circular") return circularPad(input, pad);
  if (mode !== "reflect" && mode !== "replicate") throw new NotImplementedError(`Unrecognised padding mode ${mode}`);
  const spatial = input.shape.slice(rank - D);
  if (input.numel() === 0 || spatial.some((s) => s === 0)) {
    throw new RuntimeError(`Expected ${D + 1}D or ${D + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${listText(input.shape)}`);
  }
  if (mode === "reflect") {
    pairs(pad).forEach(([l, r], i) => {
      const d = rank - 1 - i;
      if (l >= input.shape[d] || r >= input.shape[d]) {
        throw new RuntimeError(`Argument #${D === 3 ? 8 : 4}: Padding size should be less than the corresponding input dimension, but got: padding (${l}, ${r}) at dimension ${d} of input ${D === 2 ? rank : listText(input.shape)}`);
      }
    });
  }
  const node = `${mode === "reflect" ? "Reflection" : "Replication"}Pad${D}DBackward0`;
  return separableMap(node, input, padMaps(input, pad, mode));
}
