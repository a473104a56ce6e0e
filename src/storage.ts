// Storage: a typed array shared by a tensor and its views, with the version counter autograd checks.
import type { StorageArray } from "./dtype.ts";

/**
 * Note [version counter]: every in-place write to a storage bumps `version`. A tensor saved for
 * backward remembers the version it was saved at; a mismatch at unpack time raises PyTorch's
 * "modified by an inplace operation" error. Views and `detach()` share the storage, hence the counter.
 */
export class Storage {
  version = 0;
  constructor(readonly data: StorageArray) {}
  bump(): void {
    this.version++;
  }
}
