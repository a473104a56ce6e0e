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

/** How outputs are allocated: `unzeroed` large ones (the default), or every one `poison`ed first (tests). */
export interface OutputOptions { readonly unzeroed: boolean; readonly poison: boolean }
let options: OutputOptions = { unzeroed: true, poison: false };

/** Changes how outputs are allocated (tests, in-process A/B measurements); returns the previous options. */
export function setOutputOptions(o: Partial<OutputOptions>): OutputOptions {
  const prev = options;
  options = { ...options, ...o };
  return prev;
}

/**
 * Storage for `n` elements of `d` whose every element the caller's kernel writes before anything reads
 * it (see Note [unzeroed outputs]): unzeroed in Node when large, zeroed otherwise.
 */
export function allocOutput(d: DType, n: number): StorageArray {
  if (options.poison) return allocStorage(d, n).fill(POISON[d]);
  const Ctor = ARRAY[d], bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (allocUnsafe === undefined || !options.unzeroed || bytes < MIN_BYTES) return allocStorage(d, n);
  const u = allocUnsafe(bytes), buf = u.buffer, at = u.byteOffset;
  return at % 8 === 0 ? new Ctor(buf, at, n) : allocStorage(d, n);
}
