// float32 matmul on a WebAssembly SIMD kernel: packs strided views into wasm memory, runs register tiles, writes back.
import type { Backend, View } from "../types.ts";
import { emitMatmulModule, type KernelShape } from "./kernel.ts";
import { wasmNamespace, type WasmInstance, type WasmMemory, type WasmNamespace } from "./runtime.ts";
import { copyFloats } from "./copy-floats.ts";

// Note [wasm arena ownership]
// The GC cannot see wasm linear memory, and a synchronous training loop never runs finalizers, so
// nothing here is allocated per call. One module instance owns one WebAssembly.Memory: the scratch
// arena. Each call lays its packed A, packed B and padded C out from address 0, growing the memory
// to the call's need when it is larger than any earlier call's (memory.grow), and leaves it there
// for the next call. The arena is therefore bounded by the largest single matmul seen (capped at
// MAX_ARENA_BYTES: bigger calls decline and fall back), holds no data between calls, and is never
// freed (wasm memory cannot shrink) -- a fixed high-water mark, not a leak. Calls are synchronous
// and non-reentrant, so one arena serves every caller on a thread.


/** A module compiled and instantiated ahead of time (asynchronously: what a browser's main thread requires). */
interface Prebuilt {
  readonly module: object;
  readonly instance: WasmInstance;
  readonly memory: WasmMemory;
}
/** A packer `(src, pitch, dst, panels, kp)` (bytes for addresses and pitch): Note [wasm packing]. */
type PackFn = (src: number, pitch: number, dst: number, panels: number, kp: number) => void;
export type TilesFn = (a: number, b: number, c: number, nm: number, nn: number, kc: number,
  aStride: number, bStride: number, cStride: number, accumulate: number, aRow: number, bK: number) => void;

const PAGE = 65536;
const MAX_PAGES = 16384; // 1 GiB
const MAX_ARENA_BYTES = MAX_PAGES * PAGE;

/** Cache blocking (in elements): K block (A/B panels' depth) and M block (A block kept in L2). */
export interface Blocking { readonly kc: number; readonly mc: number }

// Note [wasm layouts]
// Each operand reaches the kernel in one of two layouts. "packed": A as MR-row panels [k][MR], B as
// NR-column panels [k][NR], zero-padded, gathered element by element from any strides (the general
// case, and the fast one for large products: every tile streams contiguous memory). "rows": the
// operand's rows copied as they are (one TypedArray.set per row, or one for the whole matrix), pitch
// Kp for A and Np for B; only for row-contiguous views. Copying is O(n^2) against O(n^3) work, but
// at n = 64 element-wise packing costs as much as the kernel, so small products use rows. In rows
// layout the padding rows/columns (M..Mp, N..Np) hold stale arena data; that is harmless because
// f32x4 lanes never mix (a stale A row only reaches its own C row, a stale B column its own C column,
// both discarded), while the K padding (K..Kp), which every output reads, is always zeroed.

/** Which layout each operand uses when row-contiguous ("auto": rows when M*N*K <= rowsMaxMacs); others are packed. */
export interface LayoutPolicy { readonly a: "auto" | "packed" | "rows"; readonly b: "auto" | "packed" | "rows"; readonly rowsMaxMacs: number }

/** Slots of a job: the blocked loop's parameters (addresses and strides in bytes, counts in elements/panels). */
export const J = {
  fn: 0, a: 1, aK: 2, aStride: 3, aRow: 4, b: 5, bK: 6, bStride: 7, c: 8, cStride: 9,
  mr: 10, nn: 11, Kp: 12, kc: 13, mc: 14, p0: 15, p1: 16,
  // a team job over several batch items: how many, and the bytes between items' A, B and C (0: shared)
  items: 17, aItem: 18, bItem: 19, cItem: 20, size: 21,
} as const;

/**
 * The cache-blocked loop over K blocks and M blocks for the M panels [p0, p1), calling the kernel once
 * per block. Self-contained (no closure): its source is also the helper worker's (threads.ts).
 */
export function runBlocks(tiles: TilesFn, p: Int32Array): void {
  const mr = p[10], nn = p[11], Kp = p[12], kc = p[13], mc = p[14], p0 = p[15], p1 = p[16];
  const aStride = p[3], aRow = p[4], bK = p[6], bStride = p[7], cStride = p[9];
  for (let k0 = 0; k0 < Kp; k0 += kc) {
    const kb = Math.min(kc, Kp - k0);
    const aAt = p[1] + k0 * p[2], bAt = p[5] + k0 * bK;
    for (let q = p0; q < p1; q += mc / mr) {
      const nm = Math.min(mc / mr, p1 - q);
      tiles(aAt + q * aStride, bAt, p[8] + q * mr * cStride, nm, nn, kb, aStride, bStride, cStride, k0 > 0 ? 1 : 0, aRow, bK);
    }
  }
}

// Note [wasm batch items]
// A batched product whose items are each below the thread threshold (PARALLEL_MIN_MACS) but large
// together (many small bmm items: 64 products of 64x64x64 run 4x faster on two threads) is shared out by item instead of
// by M panel: every item's operands are packed first, each into its own arena region (a broadcast
// operand once), then one team job carries the item count and the bytes between items' regions, and
// its chunks are (item, panel range) pairs; each finished chunk's C rows are copied out as they come.
// Only when all items fit in half the arena's cap; otherwise the items run one after another.

/** Threads sharing the M panels of a product, or of several batch items' products (threads.ts); the calling thread takes part. */
export interface Team {
  /** how many threads, the caller's included */
  readonly size: number;
  /** the most batch items one job may carry */
  readonly maxItems: number;
  /**
   * Runs panels [p0, p1) of each of the job's `items` batch items on every thread of the team, calling
   * `finished` on the caller's thread for each finished range of an item's panels (in any order);
   * returns when all are done and handed over. `fn` runs each chunk through `runner`: runBlocks for the
   * matmul tiles (the default), runElementwise for an elementwise kernel (Note [threaded elementwise]).
   */
  run<F>(fn: F, job: Int32Array, finished: (item: number, p0: number, p1: number) => void, runner?: (fn: F, job: Int32Array) => void): void;
}

/** Products smaller than this stay on one thread (the handoff costs a few microseconds). */
const PARALLEL_MIN_MACS = 128 ** 3;

/** One instantiated kernel and its arena. */
export class WasmMatmul {
  readonly shape: KernelShape;
  readonly blocking: Blocking;
  readonly layout: LayoutPolicy;
  readonly #memory: WasmMemory;
  readonly #tiles: TilesFn;
  readonly #tilesRowsA: TilesFn;
  readonly #job = new Int32Array(J.size);
  readonly #packers = new Map<number, { copy: PackFn; transpose: PackFn }>();
  #f32: Float32Array;
  #team: Team | undefined;

  /** The compiled module and its memory, which a helper thread instantiates too (threads.ts). */
  readonly module: object;
  readonly memory: WasmMemory;

  constructor(wasm: WasmNamespace, shape: KernelShape, blocking: Blocking, layout: LayoutPolicy, shared = false, prebuilt?: Prebuilt) {
    this.shape = shape;
    this.layout = layout;
    // kc must be a multiple of the unroll; mc a multiple of MR
    this.blocking = { kc: Math.max(shape.unroll, blocking.kc - (blocking.kc % shape.unroll)), mc: Math.max(shape.mr, blocking.mc - (blocking.mc % shape.mr)) };
    this.#memory = this.memory = prebuilt?.memory ?? new wasm.Memory({ initial: 16, maximum: MAX_PAGES, shared });
    this.module = prebuilt?.module ?? new wasm.Module(emitMatmulModule(shape, { shared, maxPages: MAX_PAGES }));
    const instance = prebuilt?.instance ?? new wasm.Instance(this.module, { env: { memory: this.#memory } });
    this.#tiles = instance.exports.tiles as TilesFn;
    this.#tilesRowsA = instance.exports.tilesRowsA as TilesFn;
    for (const w of [shape.mr, shape.nr]) {
      const copy = instance.exports[`packCopy${w}`], transpose = instance.exports[`packT${w}`];
      if (copy !== undefined) this.#packers.set(w, { copy: copy as PackFn, transpose: transpose as PackFn });
    }
    this.#f32 = new Float32Array(this.#memory.buffer);
  }

  /** Attaches (or detaches) the thread team that shares the M panels of large products. */
  setTeam(team: Team | undefined): void { this.#team = team; }

  /** Bytes of the arena now (its high-water mark). */
  get arenaBytes(): number { return this.#memory.buffer.byteLength; }

  /**
   * Computes out = a @ b (float32 views, shapes [B,M,K] x [B,K,N] -> [B,M,N]); false when the arena would be
   * too large. Operands whose rows are contiguous (stride 1 along the row) and small enough (`rowsMaxMacs`)
   * are copied in as plain rows (TypedArray.set: memcpy) instead of packed panel by panel; see Note [wasm layouts].
   */
  run(a: View, b: View, out: View): boolean {
    const { mr, nr, unroll } = this.shape;
    const [B, M, K] = a.shape;
    const N = b.shape[2];
    // K padded to a multiple of 4 as well: packT transposes 4x4 blocks (the padding is zeroed, adding nothing)
    const Kp = roundUp(K, lcm4(unroll)), Mp = roundUp(M, mr), Np = roundUp(N, nr);
    // A rows whose pitch is a multiple of 2 KiB would share L1 sets: pad the pitch (Note [wasm layouts])
    const aPitch = Kp % 512 === 0 ? Kp + 16 : Kp;
    const aFloats = roundUp(Mp * aPitch, 16), bFloats = roundUp(Np * Kp, 16), cFloats = roundUp(Mp * Np, 16);
    const [as0, as1, as2] = a.strides, [bs0, bs1, bs2] = b.strides, [os0, os1, os2] = out.strides;
    const team = this.#team, macs = M * N * K, panels = Mp / mr;
    // items each below the thread threshold but large together are shared out whole (Note [wasm batch items])
    const regions = (n: number): number => n * ((as0 !== 0 ? aFloats : 0) + (bs0 !== 0 ? bFloats : 0) + cFloats) + aFloats + bFloats;
    const byItems = team !== undefined && B > 1 && B <= team.maxItems && macs < PARALLEL_MIN_MACS && B * macs >= PARALLEL_MIN_MACS &&
      4 * regions(B) <= MAX_ARENA_BYTES / 2;
    const byPanels = team !== undefined && panels >= 2 && macs >= PARALLEL_MIN_MACS;
    const items = byItems ? B : 1;
    const aCount = as0 !== 0 ? items : 1, bCount = bs0 !== 0 ? items : 1;
    const aBase = 0, bBase = aCount * aFloats, cBase = bBase + bCount * bFloats, stageBase = cBase + items * cFloats;
    const bytes = 4 * (stageBase + Math.max(Mp, Np) * Kp);
    if (bytes > MAX_ARENA_BYTES) return false;
    this.#reserve(bytes);
    const f32 = this.#f32;
    const ad = a.data as Float32Array, bd = b.data as Float32Array, od = out.data as Float32Array;
    const small = macs <= this.layout.rowsMaxMacs;
    const aRows = as2 === 1 && (this.layout.a === "rows" || (this.layout.a === "auto" && small));
    const bRows = bs2 === 1 && (this.layout.b === "rows" || (this.layout.b === "auto" && small));
    const tiles = aRows ? this.#tilesRowsA : this.#tiles;
    /** Copies batch item bt's operands into region `slot` of each operand; a broadcast operand (batch stride 0) only once. */
    const load = (bt: number, slot: number): void => {
      if (bt === 0 || as0 !== 0) {
        const at = aBase + (as0 !== 0 ? slot : 0) * aFloats, off = a.offset + bt * as0;
        if (aRows) copyRows(f32, at, aPitch, ad, off, as1, as2, M, K, M, true);
        else if (!this.#packWasm(at, ad, off, as1, as2, M, K, Kp, mr, stageBase)) packA(f32, at, ad, off, as1, as2, M, K, Kp, mr);
      }
      if (bt === 0 || bs0 !== 0) {
        const at = bBase + (bs0 !== 0 ? slot : 0) * bFloats, off = b.offset + bt * bs0;
        if (bRows) copyRows(f32, at, Np, bd, off, bs1, bs2, K, N, Kp, false);
        else if (!this.#packWasm(at, bd, off, bs2, bs1, N, K, Kp, nr, stageBase)) packB(f32, at, bd, off, bs1, bs2, K, N, Kp, nr);
      }
    };
    /** Rows [r0, r1) of region `slot`'s C out to batch item bt of the result. */
    const unpack = (bt: number, slot: number, r0: number, r1: number): void => {
      if (r1 > r0) unpackC(f32, cBase + slot * cFloats + r0 * Np, Np, od, out.offset + bt * os0 + r0 * os1, os1, os2, r1 - r0, N);
    };
    const job = this.#job;
    job[J.fn] = aRows ? 1 : 0;
    job[J.a] = 4 * aBase; job[J.aK] = aRows ? 4 : 4 * mr; job[J.aStride] = aRows ? 4 * aPitch * mr : 4 * Kp * mr; job[J.aRow] = 4 * aPitch;
    job[J.b] = 4 * bBase; job[J.bK] = bRows ? 4 * Np : 4 * nr; job[J.bStride] = bRows ? 4 * nr : 4 * Kp * nr;
    job[J.c] = 4 * cBase; job[J.cStride] = 4 * Np;
    job[J.mr] = mr; job[J.nn] = Np / nr; job[J.Kp] = Kp; job[J.kc] = this.blocking.kc; job[J.mc] = this.blocking.mc;
    job[J.p0] = 0; job[J.p1] = panels;
    job[J.items] = items; job[J.aItem] = aCount > 1 ? 4 * aFloats : 0; job[J.bItem] = bCount > 1 ? 4 * bFloats : 0; job[J.cItem] = 4 * cFloats;
    if (byItems) {
      for (let bt = 0; bt < B; bt++) load(bt, bt);
      team.run(tiles, job, (bt, p0, p1) => unpack(bt, bt, p0 * mr, Math.min(M, p1 * mr)));
      return true;
    }
    for (let bt = 0; bt < B; bt++) {
      load(bt, 0);
      if (byPanels) team.run(tiles, job, (_, p0, p1) => unpack(bt, 0, p0 * mr, Math.min(M, p1 * mr)));
      else {
        runBlocks(tiles, job);
        unpack(bt, 0, 0, M);
      }
    }
    return true;
  }

  /**
   * Packs X (P rows of the panel dim with stride `sp`, K along k with stride `sk`, from `off`) into
   * [Kp][w] panels at `dst` (floats) on the wasm packers, staging its rows at `stage` first
   * (Note [wasm packing]); false (nothing written) when neither stride is 1 or no packer has width w.
   */
  #packWasm(dst: number, xd: Float32Array, off: number, sp: number, sk: number, P: number, K: number, Kp: number,
    w: number, stage: number): boolean {
    const packer = this.#packers.get(w);
    if (packer === undefined || (sk !== 1 && sp !== 1)) return false;
    const f32 = this.#f32, Pp = roundUp(P, w);
    if (sk === 1) {
      // staged rows run along k: P rows of K, pitch Kp, zero-padded to Pp rows
      copyRows(f32, stage, Kp, xd, off, sp, 1, P, K, Pp, true);
      packer.transpose(4 * stage, 4 * Kp, 4 * dst, Pp / w, Kp);
    } else {
      // staged rows run along the panel dim: K rows of P, pitch Pp, zero-padded to Kp rows
      copyRows(f32, stage, Pp, xd, off, sk, 1, K, P, Kp, true);
      packer.copy(4 * stage, 4 * Pp, 4 * dst, Pp / w, Kp);
    }
    return true;
  }

  #reserve(bytes: number): void {
    const have = this.#memory.buffer.byteLength;
    if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / PAGE));
    // grow detaches the old buffer: refresh the view whenever the buffer changed
    if (this.#f32.byteLength !== this.#memory.buffer.byteLength) this.#f32 = new Float32Array(this.#memory.buffer);
  }
}

/** The least common multiple of `m` and 4 (m a positive integer). */
function lcm4(m: number): number {
  return m % 4 === 0 ? m : m % 2 === 0 ? 2 * m : 4 * m;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/** A [M,K] (strides s1, s2 from `off`) -> panels of MR rows, each [Kp][MR], zero-padded to Mp rows and Kp. */
function packA(f32: Float32Array, base: number, ad: Float32Array, off: number, s1: number, s2: number,
  M: number, K: number, Kp: number, mr: number): void {
  const panels = Math.ceil(M / mr);
  for (let p = 0; p < panels; p++) {
    const d0 = base + p * Kp * mr, i0 = p * mr, rows = Math.min(mr, M - i0);
    if (Math.abs(s2) <= Math.abs(s1)) {
      // rows contiguous along k: read each row along k
      for (let r = 0; r < rows; r++) {
        let s = off + (i0 + r) * s1, d = d0 + r;
        for (let k = 0; k < K; k++, s += s2, d += mr) f32[d] = ad[s];
      }
    } else {
      // columns contiguous along m: read MR consecutive rows per k
      for (let k = 0; k < K; k++) {
        const s = off + i0 * s1 + k * s2, d = d0 + k * mr;
        for (let r = 0; r < rows; r++) f32[d + r] = ad[s + r * s1];
      }
    }
    for (let r = rows; r < mr; r++) for (let k = 0; k < K; k++) f32[d0 + k * mr + r] = 0;
    f32.fill(0, d0 + K * mr, d0 + Kp * mr);
  }
}

/**
 * B [K,N] (strides s1, s2 from `off`) -> panels of NR columns, each [Kp][NR], zero-padded to Np columns and Kp:
 * exactly packA of Bᵀ [N,K] (strides s2, s1), whose NR-row panels are B's NR-column panels.
 */
function packB(f32: Float32Array, base: number, bd: Float32Array, off: number, s1: number, s2: number,
  K: number, N: number, Kp: number, nr: number): void {
  packA(f32, base, bd, off, s2, s1, N, K, Kp, nr);
}

/**
 * X [R,C] (strides s1, s2 = 1 from `off`) -> rows of pitch `pitch` at `base`, then zeroes the K padding, which
 * every output reads: rows R..Rp (B: k >= K) and, with `zeroTails`, columns C..pitch (A: k >= K). Other
 * padding stays stale (see Note [wasm layouts]).
 */
function copyRows(f32: Float32Array, base: number, pitch: number, xd: Float32Array, off: number, s1: number, s2: number,
  R: number, C: number, Rp: number, zeroTails: boolean): void {
  if (s2 !== 1) throw new Error("copyRows: rows must be contiguous");
  if (s1 === C && pitch === C) copyFloats(f32, base, xd.subarray(off, off + R * C));
  else for (let r = 0; r < R; r++) copyFloats(f32, base + r * pitch, xd.subarray(off + r * s1, off + r * s1 + C));
  if (zeroTails && pitch > C) {
    for (let r = 0; r < R; r++) f32.fill(0, base + r * pitch + C, base + (r + 1) * pitch);
  }
  f32.fill(0, base + R * pitch, base + Rp * pitch);
}

/** Padded C [Mp][Np] -> the output view's [M,N] window. */
function unpackC(f32: Float32Array, base: number, Np: number, od: Float32Array, off: number, s1: number, s2: number,
  M: number, N: number): void {
  if (s2 === 1 && s1 === N && N === Np) {
    copyFloats(od, off, f32.subarray(base, base + M * N));
    return;
  }
  for (let i = 0; i < M; i++) {
    const src = base + i * Np, dst = off + i * s1;
    if (s2 === 1) copyFloats(od, dst, f32.subarray(src, src + N));
    else for (let j = 0; j < N; j++) od[dst + j * s2] = f32[src + j];
  }
}

// ---- the default kernel --------------------------------------------------------------------------

/** Default tile shape and blocking, chosen by measurement (bench/wasm-matmul.ts). */
export const DEFAULT_SHAPE: Omit<KernelShape, "fma"> = { mr: 4, nr: 8, unroll: 1 };
export const DEFAULT_BLOCKING: Blocking = { kc: 256, mc: 128 };
// rows layout up to 256^3 multiply-adds: at n = 64 it doubles throughput (no element-wise packing);
// at n = 1024 packed is 1.5x faster (A rows 4 KiB apart alias in L1, B rows a page apart miss the TLB)
export const DEFAULT_LAYOUT: LayoutPolicy = { a: "auto", b: "auto", rowsMaxMacs: 256 ** 3 };

/**
 * Below this many multiply-adds (M*N*K per batch) wasmMatmul declines. Measured against ref: wasm wins
 * from n = 8 (512), ref wins at n = 4; re-tune against a faster JS kernel with setWasmMatmulThreshold.
 */
let threshold = 512;

/** Instantiates a kernel; undefined where WebAssembly SIMD is unavailable (or the shape does not validate). */
export function createWasmMatmul(shape: KernelShape, blocking: Blocking = DEFAULT_BLOCKING,
  layout: LayoutPolicy = DEFAULT_LAYOUT, shared = false): WasmMatmul | undefined {
  const wasm = wasmNamespace();
  if (!wasm || !wasm.validate(emitMatmulModule(shape, { shared, maxPages: MAX_PAGES }))) return undefined;
  return new WasmMatmul(wasm, shape, blocking, layout, shared);
}

/** Whether the engine accepts relaxed-SIMD fused multiply-add (Node 20: only with --experimental-wasm-relaxed-simd). */
export function hasRelaxedSimd(): boolean {
  const wasm = wasmNamespace();
  return !!wasm && wasm.validate(emitMatmulModule({ ...DEFAULT_SHAPE, fma: true }, { shared: false, maxPages: MAX_PAGES }));
}

let instance: WasmMatmul | undefined | null = null; // null: not tried yet; undefined: unavailable

/** The process-wide kernel (created on first use), or undefined where wasm SIMD is unavailable. */
export function defaultWasmMatmul(): WasmMatmul | undefined {
  if (instance === null) {
    try {
      instance = createWasmMatmul({ ...DEFAULT_SHAPE, fma: hasRelaxedSimd() });
    } catch {
      // e.g. a browser main thread that refuses synchronous compilation: the caller's kernel runs instead
      instance = undefined;
    }
  }
  return instance;
}

/** Whether the process-wide kernel is loaded (without trying to load it). */
export function isWasmMatmulLoaded(): boolean {
  return instance !== null && instance !== undefined;
}

/**
 * Loads the process-wide kernel asynchronously (WebAssembly.compile + instantiate): needed on a
 * browser's main thread, which refuses synchronous compilation of all but tiny modules; optional in
 * Node, where the kernel also loads synchronously on first use. Resolves to whether it is available.
 */
export async function loadWasmMatmul(): Promise<boolean> {
  if (isWasmMatmulLoaded()) return true;
  const wasm = wasmNamespace();
  const shape = { ...DEFAULT_SHAPE, fma: hasRelaxedSimd() };
  const bytes = emitMatmulModule(shape, { shared: false, maxPages: MAX_PAGES });
  if (!wasm || !wasm.validate(bytes)) {
    instance = undefined;
    return false;
  }
  const memory = new wasm.Memory({ initial: 16, maximum: MAX_PAGES });
  const module = await wasm.compile(bytes);
  const inst = await wasm.instantiate(module, { env: { memory } });
  instance = new WasmMatmul(wasm, shape, DEFAULT_BLOCKING, DEFAULT_LAYOUT, false, { module, instance: inst, memory });
  return true;
}

/** Called on the first product large enough for threads (threads.ts registers its team start here). */
let autoThreads: (() => void) | undefined;

/** Registers (or clears) the hook that starts the thread team on the first large product. */
export function setAutoThreads(start: (() => void) | undefined): void {
  autoThreads = start;
}

/** Replaces the process-wide kernel (threads.ts installs a shared-memory one); returns the previous one. */
export function setDefaultWasmMatmul(kernel: WasmMatmul | undefined): WasmMatmul | undefined {
  const prev = defaultWasmMatmul();
  instance = kernel;
  return prev;
}

/** Sets the size threshold (multiply-adds per batch) below which wasmMatmul declines; returns the previous one. */
export function setWasmMatmulThreshold(macs: number): number {
  const prev = threshold;
  threshold = macs;
  return prev;
}

/**
 * out = a @ b on the WebAssembly SIMD kernel, when it applies: all three views float32, every dim
 * non-zero, M*N*K at or above the threshold, wasm SIMD available. Returns false (writing nothing)
 * when it declines, so the caller runs its own kernel.
 *
 * @example
 * const a = { data: new Float32Array([1, 2, 3, 4]), shape: [1, 2, 2], strides: [4, 2, 1], offset: 0 };
 * const out = { data: new Float32Array(4), shape: [1, 2, 2], strides: [4, 2, 1], offset: 0 };
 * setWasmMatmulThreshold(0);
 * wasmMatmul(a, a, out); // true; out.data is [7, 10, 15, 22]
 */
export function wasmMatmul(a: View, b: View, out: View): boolean {
  if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && out.data instanceof Float32Array)) return false;
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  if (B === 0 || M === 0 || N === 0 || K === 0 || M * N * K < threshold) return false;
  if (autoThreads !== undefined && B * M * N * K >= PARALLEL_MIN_MACS) autoThreads();
  const kernel = defaultWasmMatmul();
  return kernel !== undefined && kernel.run(a, b, out);
}

/**
 * `base` with matmul tried on wasm first (wasmMatmul), delegating to base.matmul when it declines;
 * every other kernel is base's own (bound to base, so class-based backends keep working).
 *
 * @example
 * import { refBackend } from "../ref/index.ts";
 * setBackend(withWasmMatmul(refBackend));
 */
export function withWasmMatmul(base: Backend): Backend {
  const wrapped: Record<string, unknown> = {};
  for (let o: object | null = base; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === "constructor" || key in wrapped) continue;
      const v = (base as unknown as Record<string, unknown>)[key];
      wrapped[key] = typeof v === "function" ? (v as (...args: unknown[]) => unknown).bind(base) : v;
    }
  }
  wrapped.name = `${base.name}+wasm-matmul`;
  wrapped.matmul = (a: View, b: View, out: View): void => {
    if (!wasmMatmul(a, b, out)) base.matmul(a, b, out);
  };
  return wrapped as unknown as Backend;
}
