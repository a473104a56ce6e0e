// PyTorch-named error classes: RuntimeError, IndexError, ValueError, NotImplementedError.

/** Base for errors named after PyTorch's Python exceptions; `name` is the class name. */
class TorchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** PyTorch's `RuntimeError`. */
export class RuntimeError extends TorchError {}
/** PyTorch's `IndexError`. */
export class IndexError extends TorchError {}
/** PyTorch's `ValueError`. */
export class ValueError extends TorchError {}
/** PyTorch's `NotImplementedError`. */
export class NotImplementedError extends TorchError {}
