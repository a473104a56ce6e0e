// Resident copies: a ring in the wasm arena holding copies of large float32 arrays, so an operand used again unchanged is not copied in again.
//
// Note [resident copies]
// Storage is GC-owned JavaScript memory (Note [wasm elementwise arena]), so every wasm kernel copies its
// operands in. For large elementwise work those copies cost as much as the kernel: a*b+c over 2^20
// floats copies a, b, c and a*b in (16 MB) around 0.3 ms of arithmetic. The ring keeps, for each
// array a kernel read whole or wrote whole, a copy in the arena, looked up by the array's identity
// (a WeakMap: a copy never keeps its array alive). A kernel finding its operand there reads the
// copy; a result is computed into a fresh slot, copied out to its storage (eagerly: storage stays the
// truth, and nothing needs the GC to tell us when a tensor dies), and remembered as that array's copy.
//
// A copy is valid until its array is written. Results are written once, whole, before anyone else sees
// them; every later write into an existing storage is an in-place one, which bumps the storage's
// version (Note [version counter]), and `Storage.bump` tells the ring to forget the array's copy
// (gradcheck's perturbations bump too). Direct writes to `_storage.data` after a tensor is handed out
// are outside the contract. The check mode (`setResidentCheck`) compares every copy a kernel reuses
// with its array bit for bit and throws on a difference; the test suite runs the op library's samples
// with it (test/backend-wasm-resident.test.ts).
//
// Slots (64-byte aligned) are handed out at a head that sweeps round the ring; a slot in the head's way
// is evicted, unless a kernel reused it since the head last passed, in which case the head skips it
// once (a second chance: a*b+c's a, b and c stay put while the results stream past them, where plain
// first-in first-out re-copied them every eighth step). The slots one call takes never evict each
// other as long as its operands and result together fill at most half the ring: larger work keeps to
// the chunked path.
// The ring is 64 MiB of the arena above the scratch chunks (measured against 24 and 32 MiB: the
// larger ring keeps W2's and W6's inputs between steps; a*b+c over 2^20 floats runs 1.8x faster with
// it than through the chunks). Where the scratch must grow past the ring's base (a long softmax
// row), the ring forgets everything and moves up.
import type { StorageArray } from "../../dtype.ts";

/**
 * One copy: bytes [at, at + bytes) of the arena; `live` until evicted or its array is written; `reused`
 * since the head last passed it; `pinned` while the call that staged it allocates (never evicted then).
 */
export interface Slot { readonly at: number; readonly bytes: number; live: boolean; reused: boolean; pinned: boolean }

const ALIGN = 64;
/** The ring's size in bytes (setResidentBytes). */
let ringBytes = 64 << 20;
/** The rings made (one per arena; tests make more), so a new size reaches them; held weakly. */
const rings: WeakRef<ResidentRing>[] = [];

/** Sets the ring's size (tests use small rings; a multiple of 64 bytes), forgetting every copy; returns the previous size. */
export function setResidentBytes(bytes: number): number {
  const prev = ringBytes;
  ringBytes = bytes;
  for (const ref of rings) { const r = ref.deref(); if (r) r.rebase(r.base); }
  return prev;
}

let enabled = true;
/** Turns the ring on (the default) or off (every call copies its operands in); returns the previous setting. */
export function setResidentCopies(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

let check = false;
/** Turns on (or off) comparing every reused copy with its array; returns the previous setting. */
export function setResidentCheck(on: boolean): boolean {
  const prev = check;
  check = on;
  return prev;
}

/** Counters, for tests and the bench: copies reused, arrays copied in, results kept, calls run on the thread team. */
export const residentStats = { hits: 0, misses: 0, kept: 0, threaded: 0 };

export class ResidentRing {
  #base: number;
  #head: number;
  /** the slots in the ring, by position; those from #next on lie at or after the head */
  #slots: Slot[] = [];
  #next = 0;
  #byArray = new WeakMap<StorageArray, Slot>();

  constructor(base: number) {
    this.#base = base;
    this.#head = base;
    rings.push(new WeakRef(this));
  }

  get base(): number { return this.#base; }
  get end(): number { return this.#base + ringBytes; }

  /** Whether work over `floats` floats in all (operands and result) may use the ring. */
  fits(floats: number): boolean { return enabled && 8 * floats <= ringBytes; }

  /** Forgets every copy and moves the ring to start at `base`. */
  rebase(base: number): void {
    for (const slot of this.#slots) slot.live = false;
    this.#slots = [];
    this.#next = 0;
    this.#byArray = new WeakMap();
    this.#base = base;
    this.#head = base;
  }

  /** Forgets the copy of `data` (it was written). */
  forget(data: StorageArray): void {
    const slot = this.#byArray.get(data);
    if (slot === undefined) return;
    slot.live = false;
    this.#byArray.delete(data);
  }

  /**
   * A fresh slot of `floats` floats at the head, which sweeps round the ring: a slot in the way is
   * evicted, unless it was reused since the head last passed it (then the head skips it, once).
   */
  alloc(floats: number): Slot {
    const bytes = Math.ceil((4 * floats) / ALIGN) * ALIGN, slots = this.#slots;
    for (let wraps = 0; ;) {
      if (this.#head + bytes > this.end) {
        this.#head = this.#base;
        this.#next = 0;
        wraps++;
      }
      const next = slots[this.#next];
      if (next === undefined || next.at >= this.#head + bytes) break;
      if (wraps > 3) throw new Error("tensorgrad internal error: the resident ring is all pinned (Note [resident copies])");
      if (next.pinned || (next.live && next.reused && wraps < 2)) {
        if (!next.pinned) next.reused = false;
        this.#head = next.at + next.bytes;
        this.#next++;
      } else {
        next.live = false;
        slots.splice(this.#next, 1);
      }
    }
    const slot: Slot = { at: this.#head, bytes, live: true, reused: false, pinned: false };
    slots.splice(this.#next++, 0, slot);
    this.#head += bytes;
    return slot;
  }

  /** Remembers `slot` (live, holding all of `data`) as the copy of `data`. */
  keep(data: Float32Array, slot: Slot): void {
    this.#byArray.set(data, slot);
  }

  /** A live copy of the whole of `data`, if any and the ring is on (marked reused); in check mode, compared with `data` first. */
  find(data: Float32Array, heap: Float32Array): Slot | undefined {
    const slot = this.#byArray.get(data);
    if (slot === undefined || !slot.live || !enabled) return undefined;
    if (check) verify(data, heap, slot.at);
    residentStats.hits++;
    slot.reused = true;
    return slot;
  }
}

/** Throws when the arena's copy at byte `at` differs from `data` in any bit. */
function verify(data: Float32Array, heap: Float32Array, at: number): void {
  const want = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const have = new Uint32Array(heap.buffer, at, data.length);
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== have[i]) throw new Error(`tensorgrad internal error: a resident copy is stale at element ${i} of ${want.length} (Note [resident copies])`);
  }
}
