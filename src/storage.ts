// Storage: a typed array shared by a tensor and its views, with the version counter autograd checks.
import type { StorageArray } from "./dtype.ts";

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
 * Note [version counter]: every in-place write to a storage bumps `version`. A tensor saved for
 * backward remembers the version it was saved at; a mismatch at unpack time raises PyTorch's
 * "modified by an inplace operation" error. Views and `detach()` share the storage, hence the counter.
 * Whatever writes into an existing storage's array calls `bump()` after it (a freshly made result,
 * written before anyone else sees it, needs not).
 */
export class Storage {
  version = 0;
  /** creation order, so the engine can tell a gradient made during a backward step (Note [owned gradients]) */
  readonly serial = nextSerial++;
  constructor(readonly data: StorageArray) {}
  bump(): void {
    this.version++;
    noteWrite(this.data);
  }
}
