// float32 add/sub/mul/div/thresholdBackward, unary exp/log/tanh/sigmoid/relu/neg/abs/sqrt/silu/gelu/softplus/erf/logSigmoid and softmax / log-softmax (forward,
// backward) on WebAssembly SIMD, through a reused arena (which binary-rows.ts and reduce.ts also drive).
//
// Note [wasm elementwise arena]
// Storage stays GC-owned JavaScript memory: each call copies its operands into one module-wide
// WebAssembly.Memory (a memcpy: Note [copies to and from shared memory]), runs the kernel, and copies
// the result out. Small and strided work streams through scratch chunks (CHUNK floats per operand, or
// a few softmax rows) at the arena's bottom; dense work of 4096 floats and more goes through the ring of resident copies above
// them (Note [resident copies]), which skips the copy-in of an operand the arena already holds, and
// runs on the thread team when large (Note [threaded elementwise]). The arena is a fixed high-water
// mark (scratch plus the 64 MiB ring), as for matmul (Note [wasm arena ownership]).
// The copies cost ~0.1 ns per float against ~1.5-2.5 ns per element for V8's scalar typed-array loops
// (V8 reloads the arrays' base and length per element and never vectorises), so at 2^20 floats the
// chunked wasm kernel runs several times faster than the js loop even after copying in and out.
//
// Arithmetic: add/sub/mul/div of two float32 values in f32x4 give exactly ref's results (computing in
// float64 and rounding once to float32 is innocuous for these ops), so binary results are bit-identical,
// as are thresholdBackward and relu/neg/abs/sqrt. exp/log/tanh/sigmoid and the softmax family compute in float32 with the
// cores of simd-math.ts (sums in float64 lanes): within a few float32 rounding steps of ref, inside
// PyTorch's float32 tolerance (see softmax-kernels.ts, unary-kernels.ts).
import type { ChainCode, View } from "../types.ts";
import type { StorageArray } from "../../dtype.ts";
import { setWriteListener } from "../../storage.ts";
import { BINARY_EMITTERS, chainName, emitElementwiseModule, type WasmBinaryCode } from "./elementwise-kernels.ts";
import { WASM_UNARY_KERNELS, wasmUnaryKernel, type WasmUnaryKernel } from "./unary-kernels.ts";
import { wasmNamespace, type WasmMemory, type WasmNamespace } from "./runtime.ts";
import { ResidentRing, residentStats, type Slot } from "./resident.ts";
import { ELEMENTWISE_FN0, elementwiseJob, runElementwise, STYLE, type ElementwiseFn } from "./elementwise-team.ts";
import { copyFloats } from "./copy-floats.ts";
import { J, type Team } from "./index.ts";

/** A module instantiated ahead of time (asynchronously: what a browser's main thread requires). */
interface Prebuilt { readonly module: object; readonly memory: WasmMemory; readonly exports: Record<string, unknown> }
/** What a helper worker needs to run the elementwise kernels on the shared arena (Note [threaded elementwise]). */
export interface SharedElementwise { readonly module: object; readonly memory: WasmMemory; readonly names: readonly string[] }
/**
 * Calls this large (floats) run on the thread team, when there is one: kernels of a few instructions per
 * element (binary, relu/neg/abs) only from 2^18, where the copy-out the caller overlaps is worth the
 * handoff; exp-based ones, sqrt and the softmax family from 2^16 (measured on W3's [128, 512] and W6).
 */
const PARALLEL_MIN = { cheap: 1 << 18, heavy: 1 << 16 };
const CHEAP_UNARY: ReadonlySet<string> = new Set(["relu", "neg", "abs"]);
/**
 * Whether the arena is made shared memory (a thread team can work on it): where shared memory exists and
 * threads are wanted (threads.ts says so before the first call). Shared memory costs a little on one
 * thread only where copies cannot be a memcpy (a browser: Note [copies to and from shared memory]).
 */
let wantShared = false;
const canShare = (): boolean => wantShared && typeof SharedArrayBuffer !== "undefined";
/** Asks for a shared arena when it is made (it is made once, on the first call); threads.ts calls this. */
export function preferSharedElementwise(on: boolean): void { wantShared = on; }
export type BinaryFn = (pa: number, pb: number, po: number, bytes: number) => void;
type UnaryFn = (px: number, po: number, bytes: number) => void;
type ForwardFn = (px: number, po: number, pitch: number, rows: number) => void;
type BackwardFn = (py: number, pg: number, po: number, pitch: number, rows: number) => void;
/** The softmax family's kernels: forward (x -> out) and backward (y, g -> out), plain or log. */
export type RowsKind = "softmax" | "logSoftmax" | "softmaxBackward" | "logSoftmaxBackward";
const isBackward = (kind: RowsKind): boolean => kind.endsWith("Backward");

const PAGE = 65536;
/** Where the ring of resident copies starts, above the scratch chunks (it moves up when a call needs more scratch). */
const RING_BASE = 4 * PAGE;
const MAX_PAGES = 2048; // 128 MiB: rows longer than fit decline
/** floats per operand per chunk: three chunks (a, b, out) stay in L2 */
export const CHUNK = 16384;
/** Below this many elements the js loops win (a wasm call and three copies cost ~1 µs). */
let minElements = 4096;

/** A dense float32 operand: its array and the offset its `n` elements start at. */
type Operand = readonly [Float32Array, number];
/** An operand as a kernel reads it from the ring: its first element's byte offset, and the slot holding it. */
interface Staged { readonly ptr: number; readonly slot: Slot }

/** The arena and the module's exports, for the drivers in other files (wasm/reduce.ts, wasm/binary-rows.ts). */
export interface WasmArena {
  /** A float32 view of the whole arena, with room for `floats` at least, or null past the cap (views change when it grows). */
  reserve(floats: number): Float32Array | null;
  /** The byte offset of element 0 of a resident copy of all of `data` (Note [resident copies]), or -1. */
  resident(data: Float32Array): number;
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
  /** copies of large arrays above the scratch chunks (Note [resident copies]) */
  readonly #ring = new ResidentRing(RING_BASE);

  /** the compiled module, its exported kernels' names (a helper thread instantiates it on the same memory), and the thread team */
  readonly module: object;
  readonly names: readonly string[];
  /** each kernel's index in `names` (a team job names its kernel by index) */
  readonly #index: ReadonlyMap<string, number>;
  #team: Team | undefined;
  readonly #job = new Int32Array(32);

  constructor(wasm: WasmNamespace, prebuilt?: Prebuilt) {
    this.#memory = prebuilt?.memory ?? arenaMemory(wasm);
    this.module = prebuilt?.module ?? new wasm.Module(emitElementwiseModule(MAX_PAGES, canShare()));
    const exports = prebuilt?.exports ?? new wasm.Instance(this.module, { env: { memory: this.#memory } }).exports;
    this.names = Object.keys(exports).filter((k) => typeof exports[k] === "function");
    this.#index = new Map(this.names.map((name, i) => [name, i]));
    this.#binary = Object.fromEntries(Object.keys(BINARY_EMITTERS).map((op) => [op, exports[op] as BinaryFn])) as Record<WasmBinaryCode, BinaryFn>;
    this.#unary = Object.fromEntries(WASM_UNARY_KERNELS.map((op) => [op, exports[op] as UnaryFn])) as Record<WasmUnaryKernel, UnaryFn>;
    this.#exports = exports;
    this.#f32 = new Float32Array(this.#memory.buffer);
    this.#f64 = new Float64Array(this.#memory.buffer);
  }

  reserve(floats: number): Float32Array | null {
    const bytes = floats * 4;
    if (bytes > MAX_PAGES * PAGE) return null;
    // scratch growing into the ring moves the ring up (forgetting its copies)
    if (bytes > this.#ring.base) this.#ring.rebase(Math.ceil(bytes / PAGE) * PAGE);
    return this.#grow(bytes);
  }

  /** The arena's float32 view with at least `bytes` bytes (growing the memory). */
  #grow(bytes: number): Float32Array {
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.#f32.buffer !== this.#memory.buffer) {
      this.#f32 = new Float32Array(this.#memory.buffer);
      this.#f64 = new Float64Array(this.#memory.buffer);
    }
    return this.#f32;
  }

  resident(data: Float32Array): number {
    return this.#ring.end > this.#memory.buffer.byteLength ? -1 : this.#ring.find(data, this.#f32)?.at ?? -1;
  }

  forget(data: Float32Array): void { this.#ring.forget(data); }

  /** The arena's view covering the ring, when work over `floats` floats in all may use it; else null. */
  #ringHeap(floats: number): Float32Array | null {
    const ring = this.#ring;
    // a page past the ring: a kernel reading a view that ends a slot reads up to 12 bytes beyond it
    return ring.fits(floats) && ring.end + PAGE <= MAX_PAGES * PAGE ? this.#grow(ring.end + PAGE) : null;
  }

  /**
   * Ring slots for a result of `n` floats and for each operand (null: none there): a live copy of the
   * operand's whole array, else a fresh slot it is copied into (remembered when it is the whole array).
   * The call's slots are pinned while it allocates, so none evicts another.
   */
  #stage(heap: Float32Array, operands: readonly (Operand | null)[], n: number): [Slot, (Staged | null)[]] {
    const ring = this.#ring, pinned: Slot[] = [];
    const pin = (slot: Slot): Slot => { slot.pinned = true; pinned.push(slot); return slot; };
    const out = pin(ring.alloc(n));
    const staged: (Staged | null)[] = [];
    for (let i = 0; i < operands.length; i++) {
      const op = operands[i];
      const same = op === null ? -1 : operands.findIndex((o, j) => j < i && o !== null && o[0] === op[0] && o[1] === op[1]);
      if (op === null || same >= 0) { staged.push(op === null ? null : staged[same]); continue; }
      const [x, ix] = op, found = ring.find(x, heap);
      if (found !== undefined) { staged.push({ ptr: found.at + 4 * ix, slot: pin(found) }); continue; }
      const slot = pin(ring.alloc(n));
      copyFloats(heap, slot.at >> 2, x.subarray(ix, ix + n));
      if (ix === 0 && x.length === n) ring.keep(x, slot);
      residentStats.misses++;
      staged.push({ ptr: slot.at, slot });
    }
    for (const slot of pinned) slot.pinned = false;
    return [out, staged];
  }

  /** Copies the result slot out to o[io, io + n) and keeps it as o's copy when that is all of o. */
  #publish(heap: Float32Array, out: Slot, o: Float32Array, io: number, n: number): void {
    copyFloats(o, io, heap.subarray(out.at >> 2, (out.at >> 2) + n));
    this.#keepResult(out, o, io, n);
  }

  /** Keeps the result slot as o's copy when the result is all of o. */
  #keepResult(out: Slot, o: Float32Array, io: number, n: number): void {
    if (io === 0 && o.length === n) {
      this.#ring.keep(o, out);
      residentStats.kept++;
    }
  }

  /** o[io..io+n) = x[ix..ix+n) (`times a repeated 1`): a copy, which shares x's resident copy when both are whole. */
  copy(x: Float32Array, ix: number, o: Float32Array, io: number, n: number): void {
    o.set(x.subarray(ix, ix + n), io);
    if (ix === 0 && io === 0 && x.length === n && o.length === n) {
      const found = this.#ring.find(x, this.#f32);
      if (found !== undefined) this.#ring.keep(o, found);
    }
  }

  f64(): Float64Array { return this.#f64; }

  exported<F>(name: string): F { return this.#exports[name] as F; }

  /** The arena's memory, when it is shared (a thread team can use it). */
  get sharedMemory(): WasmMemory | undefined {
    return typeof SharedArrayBuffer !== "undefined" && this.#memory.buffer instanceof SharedArrayBuffer ? this.#memory : undefined;
  }

  setTeam(team: Team | undefined): void { this.#team = team; }

  /**
   * Runs kernel `name` over `units` units of `unit` bytes from the staged operands into the result slot
   * (`perChunk` units at a time: a repeated operand's scratch holds one chunk), then copies the `n`
   * result floats out to o[io..): on the thread team for large calls, each finished chunk copied out as
   * it comes (Note [threaded elementwise]), else on this thread.
   */
  #runStaged(name: string, style: number, a: number, aStep: number, b: number, bStep: number, out: Slot,
    unit: number, units: number, pitch: number, perChunk: number, heap: Float32Array, o: Float32Array, io: number, n: number, pitchStep = 0): void {
    const fn = this.#exports[name] as ElementwiseFn;
    const job = elementwiseJob(this.#job, ELEMENTWISE_FN0 + this.#index.get(name)!, style, a, aStep, b, bStep, out.at, unit, units, pitch, perChunk, pitchStep);
    const cheap = style === STYLE.binary || style === STYLE.chain || (style === STYLE.unary && CHEAP_UNARY.has(name));
    const parallel = n >= (cheap ? PARALLEL_MIN.cheap : PARALLEL_MIN.heavy);
    if (parallel && this.#team === undefined && autoThreads !== undefined) autoThreads();
    const team = this.#team;
    if (team !== undefined && parallel) {
      const base = out.at >> 2, per = unit >> 2;
      team.run(fn, job, (_item, p0, p1) => {
        const f1 = Math.min(n, p1 * per);
        copyFloats(o, io + p0 * per, heap.subarray(base + p0 * per, base + f1));
      }, runElementwise);
      residentStats.threaded++;
      this.#keepResult(out, o, io, n);
      return;
    }
    for (let p0 = 0; p0 < units; p0 += perChunk) {
      job[J.p0] = p0;
      job[J.p1] = Math.min(units, p0 + perChunk);
      runElementwise(fn, job);
    }
    this.#publish(heap, out, o, io, n);
  }

  /** o[io..io+n) = a op b, each operand dense from its offset or (stride 0) one repeated value. */
  binary(op: WasmBinaryCode, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number,
    o: Float32Array, io: number, n: number): void {
    if (sa + sb > 0 && this.#binaryResident(op, a, ia, sa, b, ib, sb, o, io, n)) return;
    const heap = this.reserve(3 * CHUNK)!;
    const fn = this.#binary[op];
    if (sa === 0) heap.fill(a[ia], 0, CHUNK);
    if (sb === 0) heap.fill(b[ib], CHUNK, 2 * CHUNK);
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      if (sa !== 0) copyFloats(heap, 0, a.subarray(ia + s, ia + s + m));
      if (sb !== 0) copyFloats(heap, CHUNK, b.subarray(ib + s, ib + s + m));
      fn(0, 4 * CHUNK, 8 * CHUNK, 16 * Math.ceil(m / 4));
      copyFloats(o, io + s, heap.subarray(2 * CHUNK, 2 * CHUNK + m));
    }
  }

  /** binary() through the ring (Note [resident copies]); false when the ring declines. */
  #binaryResident(op: WasmBinaryCode, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number,
    o: Float32Array, io: number, n: number): boolean {
    const heap = this.#ringHeap(3 * n);
    if (heap === null) return false;
    const [out, [pa, pb]] = this.#stage(heap, [sa !== 0 ? [a, ia] : null, sb !== 0 ? [b, ib] : null], n);
    // a repeated value: one chunk of it in the scratch, read again for each chunk
    if (pa === null) heap.fill(a[ia], 0, CHUNK);
    if (pb === null) heap.fill(b[ib], CHUNK, 2 * CHUNK);
    this.#runStaged(op, STYLE.binary, pa?.ptr ?? 0, pa === null ? 0 : 1, pb?.ptr ?? 4 * CHUNK, pb === null ? 0 : 1, out,
      16, Math.ceil(n / 4), 0, CHUNK / 4, heap, o, io, n);
    return true;
  }

  /**
   * o[io..io+n) = outer(inner(x, y), z) (outer(z, inner(x, y)) when `swap`), each operand dense from its
   * offset or one repeated value, through the ring; false when it declines.
   */
  chain(inner: ChainCode, outer: ChainCode, swap: boolean, operands: readonly (Operand | number)[], o: Float32Array, io: number, n: number): boolean {
    const heap = this.#ringHeap(4 * n);
    if (heap === null) return false;
    const [out, staged] = this.#stage(heap, operands.map((v) => typeof v === "number" ? null : v), n);
    // a repeated value: one chunk of it in operand k's scratch chunk, read again for each chunk
    const ptr = operands.map((v, k) => {
      if (typeof v !== "number") return staged[k]!.ptr;
      heap.fill(v, k * CHUNK, (k + 1) * CHUNK);
      return 4 * k * CHUNK;
    });
    const step = operands.map((v) => typeof v === "number" ? 0 : 1);
    this.#runStaged(chainName(inner, outer, swap), STYLE.chain, ptr[0], step[0], ptr[1], step[1], out, 16, Math.ceil(n / 4), ptr[2],
      CHUNK / 4, heap, o, io, n, step[2]);
    return true;
  }

  /** o[io..io+n) = op(x[ix..ix+n)). */
  unary(op: WasmUnaryKernel, x: Float32Array, ix: number, o: Float32Array, io: number, n: number): void {
    const ring = this.#ringHeap(2 * n);
    if (ring !== null) {
      const [out, [px]] = this.#stage(ring, [[x, ix]], n);
      this.#runStaged(op, STYLE.unary, px!.ptr, 1, 0, 0, out, 16, Math.ceil(n / 4), 0, CHUNK / 4, ring, o, io, n);
      return;
    }
    const heap = this.reserve(2 * CHUNK)!;
    const fn = this.#unary[op];
    for (let s = 0; s < n; s += CHUNK) {
      const m = Math.min(CHUNK, n - s);
      copyFloats(heap, 0, x.subarray(ix + s, ix + s + m));
      fn(0, 4 * CHUNK, 16 * Math.ceil(m / 4));
      copyFloats(o, io + s, heap.subarray(CHUNK, CHUNK + m));
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
    const backward = isBackward(kind), fn = this.#exports[kind] as ForwardFn & BackwardFn;
    // unpadded rows run through the ring (Note [resident copies])
    const ring = pitch === n ? this.#ringHeap(3 * rows * n) : null;
    if (ring !== null) {
      const [out, [px, pg]] = this.#stage(ring, [[x, ix], g === null ? null : [g, ig]], rows * n);
      this.#runStaged(kind, backward ? STYLE.rowsBackward : STYLE.rowsForward, px!.ptr, 1, pg?.ptr ?? 0, pg === null ? 0 : 1, out,
        4 * pitch, rows, pitch, Math.max(1, Math.floor(CHUNK / pitch)), ring, o, io, rows * n);
      return true;
    }
    const per = Math.max(1, Math.floor(CHUNK / pitch));
    // regions: x (or y) [per*pitch], g [per*pitch], out [per*pitch]
    const span = per * pitch;
    const heap = this.reserve(3 * span);
    if (heap === null) return false;
    const pad = backward ? 0 : -Infinity;
    if (pitch !== n) for (let r = 0; r < per; r++) { heap.fill(pad, r * pitch + n, (r + 1) * pitch); heap.fill(0, span + r * pitch + n, span + (r + 1) * pitch); }
    for (let r0 = 0; r0 < rows; r0 += per) {
      const k = Math.min(per, rows - r0);
      copyRowsIn(heap, 0, pitch, x, ix + r0 * n, n, k);
      if (g !== null) copyRowsIn(heap, span, pitch, g, ig + r0 * n, n, k);
      if (backward) fn(0, 4 * span, 8 * span, pitch, k);
      else fn(0, 8 * span, pitch, k);
      const out = 2 * span;
      if (pitch === n) copyFloats(o, io + r0 * n, heap.subarray(out, out + k * n));
      else for (let r = 0; r < k; r++) copyFloats(o, io + (r0 + r) * n, heap.subarray(out + r * pitch, out + r * pitch + n));
    }
    return true;
  }
}

/** Copies `k` rows of `n` floats from src (dense from `off`) to the arena at `base` with row pitch `pitch`. */
function copyRowsIn(heap: Float32Array, base: number, pitch: number, src: Float32Array, off: number, n: number, k: number): void {
  if (pitch === n) copyFloats(heap, base, src.subarray(off, off + k * n));
  else for (let r = 0; r < k; r++) copyFloats(heap, base + r * pitch, src.subarray(off + r * n, off + (r + 1) * n));
}

let kernels: Kernels | undefined | null = null; // null: not tried yet; undefined: unavailable

const arenaMemory = (wasm: WasmNamespace): WasmMemory => new wasm.Memory({ initial: (3 * CHUNK * 4) / PAGE + 1, maximum: MAX_PAGES, shared: canShare() });

/** Starts the thread team on the first large call (threads.ts registers it), or undefined. */
let autoThreads: (() => void) | undefined;
export function setElementwiseAutoThreads(start: (() => void) | undefined): void { autoThreads = start; }

/** Attaches (or detaches) the thread team large calls run on (threads.ts). */
export function setElementwiseTeam(team: Team | undefined): void { instance()?.setTeam(team); }

/** The module, shared memory and kernel names a helper worker instantiates, or undefined where the arena is not shared. */
export function sharedElementwise(): SharedElementwise | undefined {
  const k = instance(), memory = k?.sharedMemory;
  return k && memory ? { module: k.module, memory, names: k.names } : undefined;
}

/**
 * Loads the kernels asynchronously (WebAssembly.compile + instantiate): a browser's main thread refuses
 * synchronous compilation of modules over 4 KB, which this one is; Node also loads them on first use.
 * `torch.backends.init()` calls this. Resolves to whether they are available.
 */
export async function loadWasmElementwise(): Promise<boolean> {
  if (kernels) return true;
  const wasm = wasmNamespace();
  const bytes = emitElementwiseModule(MAX_PAGES, canShare());
  if (!wasm || !wasm.validate(bytes)) {
    kernels = undefined;
    return false;
  }
  const memory = arenaMemory(wasm), module = await wasm.compile(bytes);
  const { exports } = await wasm.instantiate(module, { env: { memory } });
  kernels = new Kernels(wasm, { module, memory, exports });
  return true;
}

function instance(): Kernels | undefined {
  if (kernels === null) {
    const wasm = wasmNamespace();
    try {
      kernels = wasm && wasm.validate(emitElementwiseModule(MAX_PAGES, canShare())) ? new Kernels(wasm) : undefined;
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

/** Tells the ring that `data` was written in place (Storage.bump's listener). */
function forgetWritten(data: StorageArray): void {
  if (kernels && data instanceof Float32Array) kernels.forget(data);
}
setWriteListener(forgetWritten);

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
  const k = instance();
  if (op === "mul" && sa + sb === 1 && (sa === 0 ? ad[a.offset] : bd[b.offset]) === 1) {
    const [src, at] = sa === 0 ? [bd, b.offset] : [ad, a.offset];
    if (k === undefined) od.set(src.subarray(at, at + n), out.offset);
    else k.copy(src, at, od, out.offset, n);
    return true;
  }
  if (k === undefined) return false;
  k.binary(op, ad, a.offset, sa, bd, b.offset, sb, od, out.offset, n);
  return true;
}

/**
 * out = outer(inner(x, y), z), or outer(z, inner(x, y)) when `swap`, for float32 views of `n` elements,
 * each dense (step 1) or one repeated value (step 0), into a dense `out`, when n is large enough (Note
 * [deferred elementwise] in ops/deferred.ts); false when it declines.
 */
export function wasmChain(inner: ChainCode, outer: ChainCode, swap: boolean, views: readonly View[], steps: readonly number[], out: View, n: number): boolean {
  const od = out.data;
  if (n < minElements || !(od instanceof Float32Array)) return false;
  const operands: (Operand | number)[] = [];
  for (let k = 0; k < views.length; k++) {
    const d = views[k].data;
    if (!(d instanceof Float32Array)) return false;
    operands.push(steps[k] === 0 ? d[views[k].offset] : [d, views[k].offset]);
  }
  const k = instance();
  return k !== undefined && k.chain(inner, outer, swap, operands, od, out.offset, n);
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
