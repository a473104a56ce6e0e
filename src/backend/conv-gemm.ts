// Convolutions as GEMMs over one batch item's columns at a time (im2col -> matmul, matmul -> col2im), built from a backend's primitives.
import type { StorageArray } from "../dtype.ts";
import { contiguousStrides, numelOf } from "../shape.ts";
import type { ConvGeometry } from "./conv-types.ts";
import type { View } from "./types.ts";

// Note [conv as GEMM]
// A convolution maps a "big" side B [N, Cb, ...bigSize] (a convolution's input, a transposed convolution's
// output) and a "small" side S [N, Cs, ...smallSize] (geometry.outSize = smallSize) through a weight
// W [Cs, Cb / G, ...kernel]; both conv's weight [O, C/G, ...] and conv_transpose's [C, O/G, ...] have this
// layout. With cols(B[n]) = im2col of one batch item, [G, R, L] where R = (Cb/G) * numel(kernel) and
// L = numel(smallSize), and Wm = W seen as [G, Cs/G, R]:
//   conv:          S[n] = Wm @ cols(B[n]) (+ bias)           (forward of a convolution)
//   convAdjoint:   B[n] = col2im(Wmᵀ @ S[n]) (+ bias)        (forward of a transposed convolution; d input)
//   convWeight:    W = Σ_n (cols(B[n]) @ S[n]ᵀ)ᵀ             (d weight of both, summed over n in order)
// One batch item's columns live in a scratch buffer reused across items and calls, so no kernel
// allocates per call beyond its first use of a size.
// Several items' columns side by side in one GEMM call (so a threaded GEMM could share the items out)
// were measured slower on W5 ([16,8,32,32] * [16,8,3,3]): 10 ms against 6, on two threads too, because
// the batch's columns leave L2; items go one at a time. A backend passes its own
// im2col/col2im/matmul/copy: ref's compose the spec, the js backend's fast ones give the same results
// (bit-identical wherever its primitives are), and the default backend's use the wasm matmul.

/** The kernels a backend supplies to the composition. */
export interface GemmPrims {
  im2col(x: View, cols: View, g: ConvGeometry): void;
  col2im(cols: View, x: View, g: ConvGeometry): void;
  matmul(a: View, b: View, out: View): void;
  copy(src: View, dst: View): void;
  fill(dst: View, value: number): void;
}

/** The three GEMM convolution kernels (see Note [conv as GEMM]); `groups` divides both channel counts. */
export interface ConvKernels {
  /** S = conv(B, W) (+ bias [Cs] per channel): writes every element of `small` [N, Cs, ...outSize]. */
  conv(big: View, w: View, bias: View | null, small: View, g: ConvGeometry, groups: number): void;
  /** The adjoint of conv in B (a transposed convolution; + bias [Cb] per channel): writes col2im(Wᵀ S) into every element of `big`. */
  convAdjoint(small: View, w: View, bias: View | null, big: View, g: ConvGeometry, groups: number): void;
  /** The gradient of conv in W: writes Σ_n S[n] cols(B[n])ᵀ into `w` [Cs, Cb / G, ...kernel]. */
  convWeight(big: View, small: View, w: View, g: ConvGeometry, groups: number): void;
}

type ArrayCtor = new (n: number) => StorageArray;
const F64 = new Float64Array(0);

/** Scratch arrays up to this many elements are kept for the next call; larger ones are the GC's after the call. */
const KEEP_MAX = 1 << 21;

/**
 * A scratch array of at least `n` elements of `like`'s type for `slot`, reused across calls (kernels are
 * synchronous and never re-entered): a fresh large typed array costs a page fault per 4 KiB on first touch,
 * more than the work for W5-sized convolutions. Kept arrays are bounded by KEEP_MAX per slot and type.
 */
const scratch = new Map<string, StorageArray>();
function scratchArray(slot: string, like: StorageArray, n: number): StorageArray {
  const Ctor = like.constructor as ArrayCtor;
  if (n > KEEP_MAX) return new Ctor(n);
  const key = `${slot}:${Ctor.name}`;
  let a = scratch.get(key);
  if (a === undefined || a.length < n) {
    a = new Ctor(Math.min(KEEP_MAX, Math.max(n, Math.floor((a?.length ?? 0) * 1.5))));
    scratch.set(key, a);
  }
  return a;
}

/** A dense row-major view of `shape` over `data` from 0. */
function dense(data: StorageArray, shape: readonly number[]): View {
  return { data, shape, strides: contiguousStrides(shape), offset: 0 };
}

/**
 * `v` seen with dim 0 dropped at batch item `n`, dim 1 split into [G, size / G] and dims 2.. merged into
 * one: [G, size / G, numel(rest)]; null when the trailing dims cannot merge (no single stride walks them).
 */
function asGroups(v: View, n: number | null, G: number): View | null {
  const sh = n === null ? v.shape : v.shape.slice(1), st = n === null ? v.strides : v.strides.slice(1);
  const offset = v.offset + (n === null ? 0 : n * v.strides[0]);
  let inner = 1, stride = 1;
  for (let d = sh.length - 1; d >= 1; d--) {
    if (sh[d] === 1) continue;
    if (inner !== 1 && st[d] !== stride * inner) return null;
    if (inner === 1) stride = st[d];
    inner *= sh[d];
  }
  return { data: v.data, shape: [G, sh[0] / G, inner], strides: [st[0] * (sh[0] / G), st[0], stride], offset };
}

/** `v` as [G, size / G, rest] (see asGroups), copied into scratch `slot` when its trailing dims cannot merge. */
function readGroups(p: GemmPrims, v: View, n: number | null, G: number, slot: string): View {
  const direct = asGroups(v, n, G);
  if (direct !== null) return direct;
  const item = n === null ? v : { data: v.data, shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + n * v.strides[0] };
  const tmp = dense(scratchArray(slot, v.data, numelOf(item.shape)), item.shape);
  p.copy(item, tmp);
  return asGroups(tmp, null, G) as View;
}

/** Runs `body` on `v` as [G, size / G, rest] at batch item `n`, through a dense scratch copied out after when it cannot merge. */
function writeGroups(p: GemmPrims, v: View, n: number | null, G: number, body: (out: View) => void): void {
  const direct = asGroups(v, n, G);
  if (direct !== null) { body(direct); return; }
  const item = n === null ? v : { data: v.data, shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + n * v.strides[0] };
  const tmp = dense(scratchArray("out", v.data, numelOf(item.shape)), item.shape);
  body(asGroups(tmp, null, G) as View);
  p.copy(tmp, item);
}

/** Batch item `n` of `v` as a batch of one: [1, ...v.shape[1..]]. */
function item(v: View, n: number): View {
  return { data: v.data, shape: [1, ...v.shape.slice(1)], strides: v.strides, offset: v.offset + n * v.strides[0] };
}

/** Channel `c` of batch item `n` of `v`: its spatial dims. */
function plane(v: View, n: number, c: number): View {
  return { data: v.data, shape: v.shape.slice(2), strides: v.strides.slice(2), offset: v.offset + n * v.strides[0] + c * v.strides[1] };
}

/** The scratch columns of one batch item: the view im2col/col2im see ([1, Cb * K, L]) and the GEMM's ([G, R, L]). */
function columns(big: View, g: ConvGeometry, G: number): { flat: View; grouped: View } {
  const K = numelOf(g.kernel), L = numelOf(g.outSize), rows = big.shape[1] * K;
  const data = scratchArray("cols", big.data, rows * L);
  return {
    flat: { data, shape: [1, rows, L], strides: [rows * L, L, 1], offset: 0 },
    grouped: { data, shape: [G, rows / G, L], strides: [(rows / G) * L, L, 1], offset: 0 },
  };
}

/** out [G, C/G, L] += bias [C] along its channels (a float add per element, as the broadcast add it replaces). */
function addBias(out: View, bias: View | null): void {
  if (bias === null) return;
  const [G, Cg, L] = out.shape, od = out.data, bd = bias.data, [s0, s1, s2] = out.strides;
  for (let gi = 0; gi < G; gi++) {
    for (let c = 0; c < Cg; c++) {
      const v = bd[bias.offset + (gi * Cg + c) * bias.strides[0]];
      let q = out.offset + gi * s0 + c * s1;
      for (let l = 0; l < L; l++, q += s2) od[q] += v;
    }
  }
}

/** Swaps the last two dims of a 3-d view. */
const transposed = (v: View): View => ({ data: v.data, shape: [v.shape[0], v.shape[2], v.shape[1]], strides: [v.strides[0], v.strides[2], v.strides[1]], offset: v.offset });

/**
 * With stride 1, the adjoint is itself a convolution of S: with the kernel flipped, the weight's two channel
 * dims swapped and padding d(k-1) - p, B[n] = W' @ cols'(S[n]) (a gather and a GEMM instead of a GEMM and
 * a scatter-add: col2im's adds run element by element, im2col's copies as whole runs). The geometry of that
 * convolution, or null where it does not apply (a stride, padding beyond d(k-1), output padding on B).
 */
function adjointAsConv(g: ConvGeometry, bigSize: readonly number[]): ConvGeometry | null {
  const padding = g.kernel.map((k, d) => g.dilation[d] * (k - 1) - g.padding[d]);
  const ok = g.stride.every((s) => s === 1) && padding.every((q) => q >= 0) &&
    bigSize.every((n, d) => n === g.outSize[d] + padding[d] - g.padding[d]);
  return ok ? { kernel: g.kernel, stride: g.stride, padding, dilation: g.dilation, outSize: bigSize } : null;
}

/** W [Cs, Cb/G, ...kernel] -> W' [G, Cb/G, (Cs/G) * K] (kernel taps reversed), dense in scratch. */
function flippedWeight(p: GemmPrims, w: View, G: number): View {
  const [Cs, Cbg] = w.shape, Csg = Cs / G, K = numelOf(w.shape.slice(2));
  const src = dense(scratchArray("w", w.data, Cs * Cbg * K), w.shape);
  p.copy(w, src);
  const out = dense(scratchArray("wflip", w.data, Cs * Cbg * K), [G, Cbg, Csg * K]);
  const sd = src.data, od = out.data;
  for (let s = 0; s < Cs; s++) {
    const grp = Math.floor(s / Csg), cs = s % Csg;
    for (let cb = 0; cb < Cbg; cb++) {
      const from = (s * Cbg + cb) * K, to = ((grp * Cbg + cb) * Csg + cs) * K;
      for (let k = 0; k < K; k++) od[to + k] = sd[from + K - 1 - k];
    }
  }
  return out;
}

/**
 * Options of the composition: `float32AdjointAsConv` runs float32 stride-1 adjoints as flipped convolutions
 * (another summation order: for a backend whose float32 GEMM differs from ref's anyway).
 */
export interface ConvKernelOptions { readonly float32AdjointAsConv?: boolean }

/**
 * The GEMM convolution kernels over `p`'s primitives (see Note [conv as GEMM]).
 * @example
 * const k = convKernels({ im2col, col2im, matmul, copy, fill }); // e.g. ref's kernels
 * k.conv(x, w, null, y, { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], outSize: [8, 8] }, 1);
 */
export function convKernels(p: GemmPrims, opts: ConvKernelOptions = {}): ConvKernels {
  /** dst[n] = wm @ im2col(src[n]) (+ bias) for every batch item n: a convolution, or a stride-1 adjoint as one. */
  const gatherGemm = (wm: View, src: View, dst: View, g: ConvGeometry, G: number, bias: View | null): void => {
    const cols = columns(src, g, G);
    for (let n = 0; n < src.shape[0]; n++) {
      p.im2col(item(src, n), cols.flat, g);
      writeGroups(p, dst, n, G, (o) => { p.matmul(wm, cols.grouped, o); addBias(o, bias); });
    }
  };
  return {
    conv(big, w, bias, small, g, G) {
      gatherGemm(readGroups(p, w, null, G, "w"), big, small, g, G, bias);
    },
    convAdjoint(small, w, bias, big, g, G) {
      const flip = opts.float32AdjointAsConv && big.data instanceof Float32Array ? adjointAsConv(g, big.shape.slice(2)) : null;
      if (flip !== null) {
        gatherGemm(flippedWeight(p, w, G), small, big, flip, G, bias);
        return;
      }
      const wt = transposed(readGroups(p, w, null, G, "w"));
      const cols = columns(big, g, G);
      for (let n = 0; n < big.shape[0]; n++) {
        p.matmul(wt, readGroups(p, small, n, G, "in"), cols.grouped);
        // col2im adds into big[n]: start it at zero, or at each channel's bias
        if (bias === null) p.fill(item(big, n), 0);
        else for (let c = 0; c < big.shape[1]; c++) p.fill(plane(big, n, c), bias.data[bias.offset + c * bias.strides[0]]);
        p.col2im(cols.flat, item(big, n), g);
      }
    },
    convWeight(big, small, w, g, G) {
      const total = numelOf(w.shape);
      const acc = scratchArray("acc", F64, total).fill(0, 0, total);
      const part = dense(scratchArray("part", w.data, total), [G, w.shape[0] / G, total / w.shape[0]]);
      const cols = columns(big, g, G);
      for (let n = 0; n < big.shape[0]; n++) {
        p.im2col(item(big, n), cols.flat, g);
        // (cols [G, R, L] @ S[n]ᵀ [G, L, Cs/G]) written transposed: part [G, Cs/G, R]
        p.matmul(cols.grouped, transposed(readGroups(p, small, n, G, "in")), transposed(part));
        addInto(acc, part.data, total);
      }
      finishWeight(w, G, acc);
    },
  };

  /** Writes the float64 sums into w as [G, Cs / G, rest]. */
  function finishWeight(w: View, G: number, acc: StorageArray): void {
    writeGroups(p, w, null, G, (out) => {
      const [A, B, C] = out.shape, od = out.data;
      for (let a = 0, i = 0; a < A; a++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++, i++) od[out.offset + a * out.strides[0] + b * out.strides[1] + c * out.strides[2]] = acc[i];
    });
  }
}

/** acc[0, n) += part[0, n). */
function addInto(acc: StorageArray, part: StorageArray, n: number): void {
  for (let i = 0; i < n; i++) acc[i] += part[i];
}
