// Storage: a typed array shared by a tensor and its views (computed on first read when deferred), with the version counter autograd checks.
import type { StorageArray } from "./dtype.ts";
import { copyOfArray } from "./output-storage.ts";

let nextSerial = 0;

/** Told of every in-place write to a storage's array (a backend keeping copies forgets them: Note [resident copies]). */
let writeListener: ((data: StorageArray) => void) | undefined;

/** Tells the listener that `data` was written in place: `Storage.bump` does, and so does code writing an internal scratch array it reuses. */
export function noteWrite(data: StorageArray): void {
  if (writeListener !== undefined) writeListener(data);
}

/** Sets the one listener told of in-place writes (`noteWrite`); returns the previous one. */
export function setWriteListener(listener: ((data: StorageArray) => void) | undefined): ((data: StorageArray) => void) | undefined {
  const prev = writeListener;
  writeListener = listener;
  return prev;
}

/** The serial number the next storage will get (storages made later have larger ones). */
export const nextStorageSerial = (): number => nextSerial;

/**
 * How a deferred result's inputs are read (Note [deferred elementwise] in ops/deferred.ts): the array
 * of a storage as it was when the results were deferred. `readers` counts the deferred results not yet
 * computed that read it; a write to the storage first gives them a copy (`Storage.beforeWrite`).
 */
export interface Handle { data: StorageArray; readers: number }

/** The computation of a deferred result: called once, on the first read of its storage's array. */
export interface Deferred { run(): StorageArray }

/**
 * Note [version counter]: every in-place write to a storage bumps `version`. A tensor saved for
 * backward remembers the version it was saved at; a mismatch at unpack time raises PyTorch's
 * "modified by an inplace operation" error. Views and `detach()` share the storage, hence the counter.
 * Whatever writes into an existing storage's array calls `beforeWrite()` before it and `bump()` after
 * it (a freshly made result, written before anyone else sees it, needs neither).
 */
export class Storage {
  version = 0;
  /** creation order, so the engine can tell a gradient made during a backward step (Note [owned gradients]) */
  readonly serial = nextSerial++;
  /** @internal the array, or null while the storage is a deferred result not yet computed */
  _data: StorageArray | null;
  /** @internal the computation of a deferred result, until it runs */
  _deferred: Deferred | null;
  /** @internal the handle deferred results read this storage through, while some may (Note [deferred elementwise]) */
  _handle: Handle | null = null;

  /** `data`, or (null) the elements `deferred` computes on the first read of `data`. */
  constructor(data: StorageArray | null, deferred: Deferred | null = null) {
    this._data = data;
    this._deferred = deferred;
  }

  /** A storage whose elements `deferred` computes on the first read of `data`. */
  static deferred(deferred: Deferred): Storage { return new Storage(null, deferred); }

  /** The elements: a deferred result is computed on the first read. */
  get data(): StorageArray {
    const d = this._data;
    return d !== null ? d : this.#settle();
  }

  #settle(): StorageArray {
    const data = this._deferred!.run();
    this._data = data;
    this._deferred = null;
    return data;
  }

  /** Whether the elements are still to be computed (a deferred result nobody has read). */
  get pending(): boolean { return this._deferred !== null; }

  /** Called before an in-place write: deferred results still to read this storage get a copy of it first. */
  beforeWrite(): void {
    const h = this._handle;
    if (h === null) return;
    this._handle = null;
    if (h.readers > 0) h.data = copyOfArray(h.data);
  }

  bump(): void {
    this.version++;
    noteWrite(this.data);
  }
}
