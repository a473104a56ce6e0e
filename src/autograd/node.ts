// Autograd graph nodes: Node (a gradFn), AccumulateGrad for leaves, edges and saved tensors.
import type { DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import type { SavedTensor } from "./saved-tensor.ts";
import type { Tensor } from "../tensor.ts";
import { forwardStack } from "./anomaly.ts";

/** Where a gradient goes: input `inputNr` of `node`, plus the metadata of the tensor it is for. */
export interface Edge {
  readonly node: Node;
  readonly inputNr: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A hook on a gradient: may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;
/** `Node.registerPrehook`: sees the gradients of the node's outputs; may return replacements. */
export type NodePreHook = (gradOutputs: readonly (Tensor | null)[]) => (Tensor | null)[] | void | undefined;
/** `Node.registerHook`: sees the gradients the node computed for its inputs, and those of its outputs; may return replacements. */
export type NodeHook = (gradInputs: readonly (Tensor | null)[], gradOutputs: readonly (Tensor | null)[]) => (Tensor | null)[] | void | undefined;

/** Adds `item` to `list` and returns a handle that removes it. */
export function addRemovable<T>(list: T[], item: T): RemovableHandle {
  list.push(item);
  return { remove: () => { const i = list.indexOf(item); if (i >= 0) list.splice(i, 1); } };
}

/** What `registerHook` returns. */
export interface RemovableHandle {
  remove(): void;
}

let nextSequenceNr = 0;
const NO_SAVED: (SavedTensor | undefined)[] = [];

/**
 * A backward function in the graph (PyTorch's `grad_fn`). `name()` is PyTorch's class name,
 * `nextFunctions` the (node, inputNr) pairs its gradients flow to.
 */
export class Node {
  readonly #name: string;
  /** one per differentiable input; null where that input needs no gradient */
  readonly _next: (Edge | null)[];
  readonly _numOutputs: number;
  readonly _sequenceNr = nextSequenceNr++;
  /**
   * Saved tensors. Nodes recorded from a GradSpec keep input i at index i and output j at index
   * `_next.length + j` (read back through `input(i)` / `output(j)`); others keep a plain list.
   */
  _saved: (SavedTensor | undefined)[] = NO_SAVED;
  /** the op's gradient rule and non-tensor arguments (nodes recorded from a GradSpec) */
  _spec: { backward(grads: Tensor[], saved: Node, params: unknown): (Tensor | null)[] } | null = null;
  _params: unknown = undefined;
  /** Note [engine]: per-run bookkeeping lives on the node, stamped with the run's id */
  _runId = 0;
  _deps = 0;
  _buffer: (Tensor | null)[] | null = null;
  /** tensor hooks, per output: run on the gradient of that output before this node */
  _tensorPreHooks: Map<number, GradHook[]> | null = null;
  /** non-leaf tensors that asked for retainGrad, per output */
  _retained: Map<number, Tensor> | null = null;
  /** shape and dtype of each output, to materialise zeros for outputs that got no gradient */
  _outputMeta: readonly { readonly shape: readonly number[]; readonly dtype: DType }[] = [];
  _preHooks: NodePreHook[] | null = null;
  _postHooks: NodeHook[] | null = null;
  /** missing output gradients are passed as zeros (false: as null, for setMaterializeGrads(false)) */
  _materializeGrads = true;
  /** the JavaScript stack of the forward call that made this node (anomaly mode only) */
  _forwardStack: string | null = null;
  #backward: ((grads: Tensor[]) => (Tensor | null)[]) | null;

  constructor(name: string, next: (Edge | null)[], numOutputs: number, backward: ((grads: Tensor[]) => (Tensor | null)[]) | null) {
    this.#name = name;
    this._next = next;
    this._numOutputs = numOutputs;
    this.#backward = backward;
    this._forwardStack = forwardStack();
  }

  /** PyTorch's node name, e.g. `"MulBackward0"`. */
  name(): string {
    return this.#name;
  }

  /** The nodes this one sends gradients to, as `[node, inputNr]` pairs (`[null, 0]` for inputs without grad). */
  get nextFunctions(): readonly (readonly [Node | null, number])[] {
    return this._next.map((e) => (e === null ? ([null, 0] as const) : ([e.node, e.inputNr] as const)));
  }

  /** Computes the gradients of the inputs from those of the outputs. */
  _apply(grads: Tensor[]): (Tensor | null)[] {
    if (this._spec !== null) return this._spec.backward(grads, this, this._params);
    if (this.#backward === null) throw new RuntimeError(`${this.#name} has no backward function`);
    return this.#backward(grads);
  }

  /** Saved input `i`, checked against in-place modification (for gradient rules). */
  input(i: number): Tensor {
    return this.#savedAt(i, "input");
  }

  /** Saved output `j`, checked against in-place modification (for gradient rules). */
  output(j: number): Tensor {
    return this.#savedAt(this._next.length + j, "output");
  }

  /** Whether input `i` needs a gradient (a rule may skip computing the others). */
  needsGrad(i: number): boolean {
    return this._next[i] !== null;
  }

  #savedAt(k: number, kind: string): Tensor {
    const s = this._saved[k];
    if (s === undefined) throw new RuntimeError(`${this.#name}: ${kind} ${kind === "input" ? k : k - this._next.length} was not saved for backward`);
    return s.unpack();
  }

  /** Frees the saved tensors (after a backward without retainGraph). */
  _release(): void {
    for (const s of this._saved) s?.release();
  }

  _addTensorPreHook(outputNr: number, hook: GradHook): RemovableHandle {
    this._tensorPreHooks ??= new Map();
    const list = this._tensorPreHooks.get(outputNr) ?? [];
    this._tensorPreHooks.set(outputNr, list);
    return addRemovable(list, hook);
  }

  /** Runs `hook(gradOutputs)` before this node computes; it may return replacement gradients. */
  registerPrehook(hook: NodePreHook): RemovableHandle {
    return addRemovable((this._preHooks ??= []), hook);
  }

  /** Runs `hook(gradInputs, gradOutputs)` after this node computed; it may return replacement input gradients. */
  registerHook(hook: NodeHook): RemovableHandle {
    return addRemovable((this._postHooks ??= []), hook);
  }

  toString(): string {
    return `<${this.#name} object>`;
  }
}

/** The node that stores a leaf's gradient into `.grad`. Its name is PyTorch's: `torch::autograd::AccumulateGrad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super("torch::autograd::AccumulateGrad", [], 1, null);
  }
}
