// float32 add/sub/mul/div/thresholdBackward, unary exp/log/tanh/sigmoid/relu/neg/abs/sqrt/silu/gelu/softplus/erf/logSigmoid and softmax / log-softmax (forward,
// backward) on WebAssembly SIMD, through a small reused arena (which binary-rows.ts and reduce.ts also drive).
//
// Note [wasm elementwise arena]
// Storage stays GC-owned JavaScript memory: each call copies its operands into one module-wide
// WebAssembly.Memory in chunks (TypedArray.set: memcpy), runs the kernel, and copies the result out.
// The arena holds nothing between calls and is bounded by the largest chunk (CHUNK floats per operand,
// or a few softmax rows), so it is a fixed high-water mark, as for matmul (Note [wasm arena ownership]).
// The copies cost ~0.1 ns per float against ~1.5-2.5 ns per element for V8's scalar typed-array loops
// (V8 reloads the arrays' base and length per element and never vectorises), so at 2^20 floats the
// chunked wasm kernel runs several times faster than the js loop even after copying in and out.
//
// Arithmetic: add/sub/mul/div of two float32 values in f32x4 give exactly ref's results (computing in
// float64 and rounding once to float32 is innocuous for these ops), so binary results are bit-identical,
// as are thresholdBackward and relu/neg/abs/sqrt. exp/log/tanh/sigmoid and the softmax family compute in float32 with the
// cores of simd-math.ts (sums in float64 lanes): within a few float32 rounding steps of ref, inside
// PyTorch's float32 tolerance (see softmax-kernels.ts, unary-kernels.ts).
import type { View } from "../types.ts";
import { BINARY_EMITTERS, emitElementwiseModule, type WasmBinaryCode } from "./elementwise-kernels.ts";
import { WASM_UNARY_KERNELS, wasmUnaryKernel, type WasmUnaryKernel } from "./unary-kernels.ts";
import { wasmNamespace, type WasmMemory, type WasmNamespace } from "./runtime.ts";

/** A module instantiated ahead of time (asynchronously: what a browser's main thread requires). */
interface Prebuilt { readonly memory: WasmMemory; readonly exports: Record<string, unknown> }
export type BinaryFn = (pa: number, pb: number, po: number, bytes: number) => void;
type UnaryFn = (px: number, po: number, bytes: number) => void;
type ForwardFn = (px: number, po: number, pitch: number, rows: number) => void;
type BackwardFn = (py: number, pg: number, po: number, pitch: number, rows: number) => void;
/** The softmax family's kernels: forward (x -> out) and backward (y, g -> out), plain or log. */
export type RowsKind = "softmax" | "logSoftmax" | "softmaxBackward" | "logSoftmaxBackward";
const isBackward = (kind: RowsKind): boolean => kind.endsWith("Backward");

const PAGE = 65536;
const MAX_PAGES = 2048; // 128 MiB: rows longer than fit decline
/** floats per operand per chunk: three chunks (a, b, out) stay in L2 */
export const CHUNK = 16384;
/** Below this many elements the js loops win (a wasm call and three copies cost ~1 µs). */
let minElements = 4096;

/** The arena and the module's exports, for the drivers in other files (wasm/reduce.ts, wasm/binary-rows.ts). */
export interface WasmArena {
  /** A float32 view of the whole arena, with room for `floats` at least, or null past the cap (views change when it grows). */
  reserve(floats: number): Float32Array | null;
  /** A float64 view of the arena as the last `reserve` left it. */
  f64(): Float64Array;
  /** An exported kernel by name. */
  exported<F>(name: string): F;
}

class Kernels implements WasmArena {
  readonly #memory: WasmMemory;
  readonly #binary: Record<WasmBinaryCode, BinaryFn>;
  readonly #unary: Record<WasmUnaryKernel, UnaryFn>;
  readonly #exports: Record<string, unknown>;
  #f32: Float32Array;
  #f64: Float64Array;

  constructor(wasm: WasmNamespace, prebuilt?: Prebuilt) {
    this.#memory = prebuilt?.memory ?? arenaMemory(wasm);
    const exports = prebuilt?.exports ?? new wasm.Instance(new wasm.Module(emitElementwiseModule(MAX_PAGES)), { env: { memory: this.#memory } }).exports;
    this.#binary = Object.fromEntries(Object.keys(BINARY_EMITTERS).map((op) => [op, exports[op] as BinaryFn])) as Record<WasmBinaryCode, BinaryFn>;
    this.#unary = Object.fromEntries(WASM_UNARY_KERNELS.map((op) => [op, exports[op] as UnaryFn])) as Record<WasmUnaryKernel, UnaryFn>;
    this.#exports = exports;
    this.#f32 = new Float32Array(this.#memory.buffer);
    this.#f64 = new Float64Array(this.#memory.buffer);
  }

  reserve(floats: number): Float32Array | null {
    const bytes = floats * 4, have = this.#memory.buffer.byteLength;
    if (bytes > MAX_PAGES * PAGE) return null;
    if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.#f32.buffer !== this.#memory.buffer) {
      this.#f32 = new Float32Array(this.#memory.buffer);
      this.#f64 = new Float64Array(this.#memory.buffer);
    }
    return this.#f32;
  }

  f64(): Float64Array { return this.#f64; }

  exported<F>(name: string): F { return this.#exports[name] as F; }

  /** o[io..io+n) = a op b, each operand dense from its offset or (stride 0) one repeated value. */
  binary(op: WasmBinaryCode, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number,
    o: Float32Array, io: number, n: number): void {
    const heap = this.reserve(3 * CHUNK)!;
    const fn = this.#binary[op];
    if (sa === 0) heap.fill(a[ia], 0, CHUNK);
    if (sb === 0) heap.fill(b[ib], CHUNK, 2 * CHUNK);
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      if (sa !== 0) heap.set(a.subarray(ia + s, ia + s + m), 0);
      if (sb !== 0) heap.set(b.subarray(ib + s, ib + s + m), CHUNK);
      fn(0, 4 * CHUNK, 8 * CHUNK, 16 * Math.ceil(m / 4));
      o.set(heap.subarray(2 * CHUNK, 2 * CHUNK + m), io + s);
    }
  }

  /** o[io..io+n) = op(x[ix..ix+n)). */
  unary(op: WasmUnaryKernel, x: Float32Array, ix: number, o: Float32Array, io: number, n: number): void {
    const heap = this.reserve(2 * CHUNK)!;
    const fn = this.#unary[op];
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      heap.set(x.subarray(ix + s, ix + s + m), 0);
      fn(0, 4 * CHUNK, 16 * Math.ceil(m / 4));
      o.set(heap.subarray(CHUNK, CHUNK + m), io + s);
    }
  }

  /**
   * A softmax-family kernel over `rows` dense rows of `n` (x, or y with `g` for the backward ones): rows
   * are copied in with a pitch padded to a multiple of 8 (pad: -inf for x, 0 for y and g), a few at a
   * time. False (nothing written) when a row is too long.
   */
  rows(kind: RowsKind, x: Float32Array, ix: number, g: Float32Array | null, ig: number,
    o: Float32Array, io: number, rows: number, n: number): boolean {
    const pitch = 8 * Math.ceil(n / 8);
    const per = Math.max(1, Math.floor(CHUNK / pitch));
    // regions: x (or y) [per*pitch], g [per*pitch], out [per*pitch]
    const span = per * pitch;
    const heap = this.reserve(3 * span);
    if (heap === null) return false;
    const backward = isBackward(kind), pad = backward ? 0 : -Infinity;
    if (pitch !== n) for (let r = 0; r < per; r++) { heap.fill(pad, r * pitch + n, (r + 1) * pitch); heap.fill(0, span + r * pitch + n, span + (r + 1) * pitch); }
    const fn = this.#exports[kind] as ForwardFn & BackwardFn;
    for (let r0 = 0; r0 < rows; r0 += per) {
      const k = Math.min(per, rows - r0);
      copyRowsIn(heap, 0, pitch, x, ix + r0 * n, n, k);
      if (g !== null) copyRowsIn(heap, span, pitch, g, ig + r0 * n, n, k);
      if (backward) fn(0, 4 * span, 8 * span, pitch, k);
      else fn(0, 8 * span, pitch, k);
      const out = 2 * span;
      if (pitch === n) o.set(heap.subarray(out, out + k * n), io + r0 * n);
      else for (let r = 0; r < k; r++) o.set(heap.subarray(out + r * pitch, out + r * pitch + n), io + (r0 + r) * n);
    }
    return true;
  }
}

/** Copies `k` rows of `n` floats from src (dense from `off`) to the arena at `base` with row pitch `pitch`. */
function copyRowsIn(heap: Float32Array, base: number, pitch: number, src: Float32Array, off: number, n: number, k: number): void {
  if (pitch === n) heap.set(src.subarray(off, off + k * n), base);
  else for (let r = 0; r < k; r++) heap.set(src.subarray(off + r * n, off + (r + 1) * n), base + r * pitch);
}

let kernels: Kernels | undefined | null = null; // null: not tried yet; undefined: unavailable

const arenaMemory = (wasm: WasmNamespace): WasmMemory => new wasm.Memory({ initial: (3 * CHUNK * 4) / PAGE + 1, maximum: MAX_PAGES });

/**
 * Loads the kernels asynchronously (WebAssembly.compile + instantiate): a browser's main thread refuses
 * synchronous compilation of modules over 4 KB, which this one is; Node also loads them on first use.
 * `torch.backends.init()` calls this. Resolves to whether they are available.
 */
export async function loadWasmElementwise(): Promise<boolean> {
  if (kernels) return true;
  const wasm = wasmNamespace();
  const bytes = emitElementwiseModule(MAX_PAGES);
  if (!wasm || !wasm.validate(bytes)) {
    kernels = undefined;
    return false;
  }
  const memory = arenaMemory(wasm);
  const { exports } = await wasm.instantiate(await wasm.compile(bytes), { env: { memory } });
  kernels = new Kernels(wasm, { memory, exports });
  return true;
}

function instance(): Kernels | undefined {
  if (kernels === null) {
    const wasm = wasmNamespace();
    try {
      kernels = wasm && wasm.validate(emitElementwiseModule(MAX_PAGES)) ? new Kernels(wasm) : undefined;
    } catch {
      // a browser main thread that refuses synchronous compilation: the js kernels run instead
      kernels = undefined;
    }
  }
  return kernels;
}

/** The arena for a float32 call over `n` elements, or undefined when the wasm kernels decline it (too small, unavailable). */
export function wasmArena(n: number): WasmArena | undefined {
  return n < minElements ? undefined : instance();
}

/** Sets the element count below which the wasm kernels decline; returns the previous one (tests use 0). */
export function setWasmElementwiseThreshold(n: number): number {
  const prev = minElements;
  minElements = n;
  return prev;
}

/** Whether `op` has a wasm binary kernel. */
export const isWasmBinary = (op: string): op is WasmBinaryCode => op in BINARY_EMITTERS;

/**
 * out = a op b for float32 views already collapsed to one dim (`n` elements from the offsets, strides
 * sa/sb of 1 or 0, out dense), when op is add/sub/mul/div and n is large enough. Returns false (writing
 * nothing) when it declines.
 */
export function wasmBinary(op: string, a: View, sa: number, b: View, sb: number, out: View, n: number): boolean {
  if (n < minElements || !isWasmBinary(op)) return false;
  const ad = a.data, bd = b.data, od = out.data;
  if (!(ad instanceof Float32Array && bd instanceof Float32Array && od instanceof Float32Array)) return false;
  // times a repeated exact 1 (the gradient of a sum, expanded): the other operand's values, bit for bit
  if (op === "mul" && sa + sb === 1 && (sa === 0 ? ad[a.offset] : bd[b.offset]) === 1) {
    const [src, at] = sa === 0 ? [bd, b.offset] : [ad, a.offset];
    od.set(src.subarray(at, at + n), out.offset);
    return true;
  }
  const k = instance();
  if (k === undefined) return false;
  k.binary(op, ad, a.offset, sa, bd, b.offset, sb, od, out.offset, n);
  return true;
}

/**
 * out = op(x; params) for dense float32 x and out of `n` elements when op has a wasm kernel for these
 * parameters (see wasmUnaryKernel) and n is large enough; else false.
 */
export function wasmUnary(op: string, x: View, out: View, n: number, params?: readonly number[]): boolean {
  const kernel = n < minElements ? undefined : wasmUnaryKernel(op, params);
  if (kernel === undefined) return false;
  const xd = x.data, od = out.data;
  if (!(xd instanceof Float32Array && od instanceof Float32Array)) return false;
  const k = instance();
  if (k === undefined) return false;
  k.unary(kernel, xd, x.offset, od, out.offset, n);
  return true;
}

/**
 * A softmax-family kernel over `rows` dense float32 rows of `n`: forward kinds read x (g null), backward
 * kinds read y and g; false when it declines.
 */
export function wasmSoftmaxRows(kind: RowsKind, x: Float32Array, ix: number, g: Float32Array | null, ig: number,
  o: Float32Array, io: number, rows: number, n: number): boolean {
  if (rows * n < minElements) return false;
  const k = instance();
  return k !== undefined && k.rows(kind, x, ix, g, ig, o, io, rows, n);
}
