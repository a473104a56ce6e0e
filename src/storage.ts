// Storage: a typed array shared by a tensor and its views, with the version counter autograd checks.
import type { StorageArray } from "./dtype.ts";

let nextSerial = 0;

/** The serial number the next storage will get (storages made later have larger ones). */
export const nextStorageSerial = (): number => nextSerial;

/**
 * Note [version counter]: every in-place write to a storage bumps `version`. A tensor saved for
 * backward remembers the version it was saved at; a mismatch at unpack time raises PyTorch's
 * "modified by an inplace operation" error. Views and `detach()` share the storage, hence the counter.
 */
export class Storage {
  version = 0;
  /** creation order, so the engine can tell a gradient made during a backward step (Note [owned gradients]) */
  readonly serial = nextSerial++;
  constructor(readonly data: StorageArray) {}
  bump(): void {
    this.version++;
  }
}
