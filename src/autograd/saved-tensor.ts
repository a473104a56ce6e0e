// Saved tensors: what a node keeps for backward, with the version check, freeing, and saved-tensor hooks.
import { RuntimeError } from "../errors.ts";
import { TENSOR_TYPE_NAME } from "../dtype.ts";
import type { Tensor } from "../tensor.ts";
import { isInferenceModeEnabled, noGrad } from "./grad-mode.ts";

const ERR_BACKWARD_TWICE =
  "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
  "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True " +
  "if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

/** A pack/unpack pair of torch.autograd.graph.savedTensorsHooks. */
export interface SavedTensorHooks {
  pack(t: Tensor): unknown;
  unpack(packed: unknown): Tensor;
}

/** Innermost last; the innermost pair packs every tensor saved while it is active. */
const hookStack: SavedTensorHooks[] = [];

/**
 * Runs `fn` with hooks that transform every tensor saved for backward: `pack` when saved,
 * `unpack` when backward needs it (torch.autograd.graph.saved_tensors_hooks).
 * @example torch.autograd.graph.savedTensorsHooks((t) => t.to("float64"), (p) => (p as torch.Tensor).float(), () => f(x))
 */
export function savedTensorsHooks<T>(pack: (t: Tensor) => unknown, unpack: (packed: unknown) => Tensor, fn: () => T): T {
  hookStack.push({ pack, unpack });
  try {
    const r = fn();
    if (r instanceof Promise) throw new TypeError("savedTensorsHooks() takes a synchronous callback");
    return r;
  } finally {
    hookStack.pop();
  }
}

/**
 * A tensor saved for backward, with the version it had then (Note [version counter] in storage.ts).
 * Under saved-tensor hooks only the packed value is held (plus a weak reference for the version check).
 */
export class SavedTensor {
  readonly #version: number;
  #tensor: Tensor | null;
  #packed: { value: unknown; hooks: SavedTensorHooks; weak: WeakRef<Tensor> } | null = null;
  #released = false;
  /** for a saved output: the node that produced it and which output; inputs report their current gradFn */
  readonly #origin: { name: string; outputNr: number } | null;
  /** number of elements, for graph statistics */
  readonly numel: number;

  constructor(tensor: Tensor, origin: { name: string; outputNr: number } | null = null) {
    if (tensor._isInference && !isInferenceModeEnabled()) {
      throw new RuntimeError("Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.");
    }
    this.#version = tensor._storage.version;
    this.#origin = origin;
    this.numel = tensor.numel();
    const hooks = hookStack[hookStack.length - 1];
    if (hooks) {
      this.#tensor = null;
      this.#packed = { value: noGrad(() => hooks.pack(tensor)), hooks, weak: new WeakRef(tensor) };
    } else {
      this.#tensor = tensor;
    }
  }

  /** Whether backward still holds this value (false once freed). */
  get alive(): boolean {
    return !this.#released;
  }

  unpack(): Tensor {
    if (this.#released) throw new RuntimeError(ERR_BACKWARD_TWICE);
    const original = this.#tensor ?? this.#packed!.weak.deref() ?? null;
    if (original !== null) this.#checkVersion(original);
    if (this.#tensor !== null) return this.#tensor;
    const { value, hooks } = this.#packed!;
    return noGrad(() => hooks.unpack(value));
  }

  #checkVersion(t: Tensor): void {
    const now = t._storage.version;
    if (now === this.#version) return;
    const origin = this.#origin ?? (t._gradFn ? { name: t._gradFn.name(), outputNr: t._outputNr } : null);
    const which = origin ? `, which is output ${origin.outputNr} of ${origin.name},` : "";
    throw new RuntimeError(
      "one of the variables needed for gradient computation has been modified by an inplace operation: " +
        `[${TENSOR_TYPE_NAME[t.dtype]} [${t.shape.join(", ")}]]${which} is at version ${now}; expected version ${this.#version} instead. ` +
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).",
    );
  }

  release(): void {
    this.#released = true;
    this.#tensor = null;
    this.#packed = null;
  }
}
