// Copies floats between the wasm arena and storage arrays, by a plain memcpy in Node when either side is shared memory.
//
// Note [copies to and from shared memory]
// When the arena is a SharedArrayBuffer (a thread team shares it), V8 copies to and from it with
// relaxed word-by-word moves (`TypedArray.prototype.set` and `Buffer.copy` alike), as the memory
// model asks of racy access: 4 MB took ~0.175 ms on the 2-core VM, against ~0.078 ms for the libc
// memcpy an unshared copy gets. Node's `Buffer.prototype.fill` with a buffer as the fill value is a
// plain memcpy whatever the memory (the fill value is copied once when it is as long as the
// range), so copies of 512 floats or more that touch shared memory go through it (it wins from ~1K
// floats in cache, 3-4x at 16K-64K). It is sound here: the arena range
// copied is never written by a helper while it is copied (a chunk is copied out only after the team
// has finished it; operands are copied in before the team starts), and the two ranges never overlap
// (one is in the arena, the other in a storage array, or both in the arena at distinct slots).
// Elsewhere (a browser, small copies, unshared memory) it is `set`.

/** Below this many floats the two views and the call cost more than they save (the memcpy wins from ~1K floats, in cache). */
const MIN_FLOATS = 512;

type Fill = (this: Uint8Array, value: Uint8Array) => Uint8Array;
/**
 * Node's Buffer.prototype.fill (a memcpy when given a buffer), when this runtime is Node itself: Deno's and
 * Bun's Node layers have their own fill, which need not be a memcpy.
 */
const nodeFill: Fill | undefined = (() => {
  const g = globalThis as { process?: { versions?: { node?: string; bun?: string } }; Deno?: unknown };
  const versions = g.process?.versions;
  if (typeof versions?.node !== "string" || versions.bun !== undefined || g.Deno !== undefined) return undefined;
  const B = (globalThis as { Buffer?: { prototype: { fill?: Fill } } }).Buffer;
  return typeof B?.prototype.fill === "function" ? B.prototype.fill : undefined;
})();

let plainCopies = nodeFill !== undefined;

/** Turns the memcpy path on or off (in-process A/B measurements, tests); returns the previous setting. */
export function setPlainCopies(on: boolean): boolean {
  const prev = plainCopies;
  plainCopies = on && nodeFill !== undefined;
  return prev;
}

const isShared = (a: Float32Array): boolean => typeof SharedArrayBuffer !== "undefined" && a.buffer instanceof SharedArrayBuffer;

/** `dst.set(src, at)` for ranges that do not overlap: a memcpy when either lies in shared memory (Node). */
export function copyFloats(dst: Float32Array, at: number, src: Float32Array): void {
  const n = src.length;
  if (plainCopies && n >= MIN_FLOATS && (isShared(dst) || isShared(src))) {
    if (at < 0 || at + n > dst.length) throw new RangeError("offset is out of bounds");
    const to = new Uint8Array(dst.buffer, dst.byteOffset + 4 * at, 4 * n);
    nodeFill!.call(to, new Uint8Array(src.buffer, src.byteOffset, 4 * n));
    return;
  }
  dst.set(src, at);
}
