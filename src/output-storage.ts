// Storage for kernel outputs that the kernel writes entirely: unzeroed memory for large ones in Node, and a poison mode for tests.
//
// Note [unzeroed outputs]
// `new Float32Array(n)` zero-fills: for a 4 MB output that is a memset (or, for memory fresh from the
// OS, a page fault per 4 KB page) before the kernel overwrites every element anyway. In Node,
// `Buffer.allocUnsafeSlow` hands back malloc'd memory without the fill (measured on the 2-core VM:
// a 4 MB output written once costs ~0.17 ms this way against ~0.33 ms zeroed). The memory is still an
// ordinary GC-owned ArrayBuffer (freed when unreachable, as every storage), only not zeroed first.
// So this is only for outputs whose kernel writes every element before anything reads it; call
// sites use `outputTensor` (ops/core.ts) and keep `emptyTensor` (zeroed) where a kernel accumulates.
// Tests switch on poison (`setOutputOptions({ poison: true })`): then every output of every size is filled with
// NaN (floating) or a sentinel (integral, bool) first, so a kernel that leaves an element unwritten,
// or reads its output before writing it, shows up as a changed result (test/output-storage.test.ts
// runs every OpInfo sample both ways).
import { allocStorage, type DType, type StorageArray } from "./dtype.ts";

/** Below this many bytes zeroing is cheap and the allocation stays on V8's usual path. */
const MIN_BYTES = 1 << 16;
/** Each dtype's storage array type (int64 is stored in float64, as allocStorage does). */
const ARRAY: Record<DType, { new (buffer: ArrayBufferLike, byteOffset: number, length: number): StorageArray; readonly BYTES_PER_ELEMENT: number }> =
  { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: Float64Array, bool: Uint8Array };
const POISON: Record<DType, number> = { float32: NaN, float64: NaN, int32: -0x5a5a5a5b, int64: -0x5a5a5a5b, bool: 0xa5 };

type UnsafeAlloc = (bytes: number) => Uint8Array;
/** Node's unzeroed allocator, when this runtime has one (a browser has none, or a zeroing polyfill). */
const allocUnsafe: UnsafeAlloc | undefined = (() => {
  const B = (globalThis as { Buffer?: { allocUnsafeSlow?: UnsafeAlloc } }).Buffer;
  return typeof B?.allocUnsafeSlow === "function" ? B.allocUnsafeSlow.bind(B) : undefined;
})();

/** How outputs are allocated: `unzeroed` large ones and small ones from `slabs` (the defaults), or every one `poison`ed first (tests). */
export interface OutputOptions { readonly unzeroed: boolean; readonly slabs: boolean; readonly poison: boolean }
let options: OutputOptions = { unzeroed: true, slabs: true, poison: false };

/** Changes how outputs are allocated (tests, in-process A/B measurements); returns the previous options. */
export function setOutputOptions(o: Partial<OutputOptions>): OutputOptions {
  const prev = options;
  options = { ...options, ...o };
  return prev;
}

// Note [small output slabs]
// Every ArrayBuffer V8 makes off its heap (all but the smallest, <= 64 bytes) costs ~2-3.5 us
// (the backing store, its registration with the sweeper, external-memory accounting), more than a
// small kernel's arithmetic: a 64x64 product takes ~11 us plus 3.5 us for its 16 KB result. So small
// outputs (65 bytes to 16 KiB) are carved from a slab per power-of-two size class, sixteen pieces of
// the class's size to a slab (a typed array over a part of the slab: ~0.3 us). Pieces are never
// reused: a slab is ordinary GC-owned memory, freed when no piece of it is reachable, so a live piece
// keeps at most sixteen times its class's size alive (PyTorch's caching allocator rounds and pools
// in the same spirit). Pieces are zero, being fresh. Storages that share a slab never overlap; code
// that asks whether two arrays may overlap compares byte ranges, not buffers (js/copy.ts).
const SLAB_PIECES = 16;
const SLAB_MIN_BYTES = 65, SLAB_MAX_BYTES = 1 << 14;
/** The slab being carved for each size class (index: log2 of the class's piece size), and its next free byte. */
const slabs: { buffer: ArrayBuffer; used: number }[] = [];

/** `n` elements of `d` (bytes of them) carved from its size class's slab. */
function carve(d: DType, n: number, bytes: number): StorageArray {
  const cls = 32 - Math.clz32(bytes - 1), size = (1 << cls) * SLAB_PIECES, need = (bytes + 15) & ~15;
  let slab = slabs[cls];
  if (slab === undefined || slab.used + need > size) slab = slabs[cls] = { buffer: new ArrayBuffer(size), used: 0 };
  const at = slab.used;
  slab.used += need;
  return new ARRAY[d](slab.buffer, at, n);
}

/**
 * Storage for `n` elements of `d` whose every element the caller's kernel writes before anything reads
 * it (see Note [unzeroed outputs]): unzeroed in Node when large, carved from a slab when small (Note
 * [small output slabs]), zeroed otherwise.
 */
export function allocOutput(d: DType, n: number): StorageArray {
  if (options.poison) return allocStorage(d, n).fill(POISON[d]);
  const Ctor = ARRAY[d], bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (bytes >= SLAB_MIN_BYTES && bytes <= SLAB_MAX_BYTES && options.slabs) return carve(d, n, bytes);
  if (allocUnsafe === undefined || !options.unzeroed || bytes < MIN_BYTES) return allocStorage(d, n);
  const u = allocUnsafe(bytes), buf = u.buffer, at = u.byteOffset;
  return at % 8 === 0 ? new Ctor(buf, at, n) : allocStorage(d, n);
}

/** A copy of `data` in fresh storage of its type (unzeroed when large, as allocOutput's). */
export function copyOfArray(data: StorageArray): StorageArray {
  const d: DType = data instanceof Float32Array ? "float32" : data instanceof Int32Array ? "int32" : data instanceof Uint8Array ? "bool" : "float64";
  const out = allocOutput(d, data.length);
  out.set(data);
  return out;
}
