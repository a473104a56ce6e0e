// The backward engine: iterative topological traversal from the roots, gradient buffers, hooks, accumulation.
import { RuntimeError } from "../errors.ts";
import { shapeEquals, shapeText } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { AccumulateGrad, type Edge, type Node } from "./node.ts";
import { gradientEdge } from "./record.ts";
import { setGradEnabled } from "./grad-mode.ts";
import { sumTo } from "../ops/reduce.ts";
import { checkAnomaly, isAnomalyEnabled } from "./anomaly.ts";
import { onesLike, zeros, zerosLike } from "../ops/creation.ts";
import { isFloating } from "../dtype.ts";
import { nextStorageSerial, type Storage } from "../storage.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Options of `backward` and `torch.autograd.backward`. */
export interface BackwardOptions {
  /** keep saved tensors so the graph can be backpropagated again (default: createGraph) */
  retainGraph?: boolean;
  /** record the backward pass itself, for higher-order gradients */
  createGraph?: boolean;
  /** accumulate only into these tensors */
  inputs?: Tensor | readonly Tensor[];
}

/** Options of `torch.autograd.grad`. */
export interface GradOptions {
  gradOutputs?: Tensor | null | readonly (Tensor | null)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

interface Target {
  readonly tensor: Tensor;
  readonly edge: Edge;
}

/** Note [engine]: one run of the engine over the graph reachable from `roots`. */
interface Run {
  roots: Edge[];
  rootGrads: Tensor[];
  keepGraph: boolean;
  createGraph: boolean;
  /** where gradients are captured instead of (or besides) executing nodes; null: accumulate into leaves */
  targets: Target[] | null;
  /** accumulate into `.grad` (backward) or return the captured gradients (grad) */
  accumulate: boolean;
}

/** Builds the root edges and their initial gradients, with PyTorch's checks and messages. */
function prepareRoots(outputs: readonly Tensor[], grads: readonly (Tensor | null | undefined)[]): { edges: Edge[]; rootGrads: Tensor[] } {
  const edges: Edge[] = [];
  const rootGrads: Tensor[] = [];
  outputs.forEach((out, i) => {
    const edge = gradientEdge(out);
    if (edge === null) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    let g = grads[i] ?? null;
    if (g === null) {
      if (out.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
      g = onesLike(out);
    } else if (!shapeEquals(g.shape, out.shape)) {
      throw new RuntimeError(`Mismatch in shape: grad_output[${i}] has a shape of ${torchSize(g.shape)} and output[${i}] has a shape of ${torchSize(out.shape)}.`);
    }
    edges.push(edge);
    rootGrads.push(g);
  });
  return { edges, rootGrads };
}

const torchSize = (s: readonly number[]) => `torch.Size(${shapeText(s)})`;

let lastRunId = 0;
/** Runs in progress (a hook or a checkpoint may start a backward inside a backward). */
const activeRuns = new Set<number>();

/**
 * Stamps every node reachable from the roots with this run's id and counts the edges leading into it
 * (iteratively). Returns the nodes. Note [engine]: the counts and gradient buffers live on the nodes.
 */
function countDependencies(roots: readonly Edge[], runId: number): Node[] {
  const nodes: Node[] = [];
  const visit = (n: Node): boolean => {
    if (n._runId === runId) return false;
    if (activeRuns.has(n._runId)) throw new RuntimeError("a backward started inside another backward reached a node of the outer one; this reentrant use is not supported");
    n._runId = runId;
    n._deps = 0;
    n._buffer = null;
    nodes.push(n);
    return true;
  };
  const stack: Node[] = [];
  for (const e of roots) if (visit(e.node)) stack.push(e.node);
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const e of node._next) {
      if (e === null) continue;
      const fresh = visit(e.node);
      e.node._deps++;
      if (fresh) stack.push(e.node);
    }
  }
  return nodes;
}

/** Nodes from which some target lies further down: the only ones worth executing when targets are given. */
function neededNodes(nodes: readonly Node[], targets: readonly Target[]): Set<Node> {
  const targetNodes = new Set(targets.map((t) => t.edge.node));
  const needed = new Set<Node>();
  // reverse topological order = process children before parents: iterative post-order DFS
  const state = new Map<Node, 0 | 1>();
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: [Node, number][] = [[start, 0]];
    state.set(start, 0);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node._next.length) {
        top[1]++;
        const e = node._next[i];
        if (e !== null && !state.has(e.node)) { state.set(e.node, 0); stack.push([e.node, 0]); }
        continue;
      }
      stack.pop();
      state.set(node, 1);
      if (node._next.some((e) => e !== null && (needed.has(e.node) || targetNodes.has(e.node)))) needed.add(node);
    }
  }
  return needed;
}

/** A max-heap on sequence numbers: among ready nodes, the most recently created runs first (as PyTorch). */
class ReadyQueue {
  readonly #heap: Node[] = [];
  get size(): number { return this.#heap.length; }
  push(n: Node): void {
    const h = this.#heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]._sequenceNr >= h[i]._sequenceNr) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): Node {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l]._sequenceNr > h[m]._sequenceNr) m = l;
        if (r < h.length && h[r]._sequenceNr > h[m]._sequenceNr) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

// Note [owned gradients]
// A leaf's first gradient is stored as its `.grad`; PyTorch's AccumulateGrad steals the tensor when
// nothing else references it, else clones it. We cannot count references, so the engine tracks the
// gradients only it holds: those a built-in rule (a GradSpec, no post-hooks) returned in storage
// allocated during that rule's call, whole and unshared with its other results, plus the sums and
// reductions the engine makes itself. Anything else (the root gradient, a rule passing its incoming
// gradient or a view of it through, a custom Function's result, anything a hook saw) is cloned.
// (a flag on the tensor: a WeakSet's ephemeron bookkeeping cost ~5% of a chain of tiny ops)
const owned = {
  add(t: Tensor): void { t._engineOwned = true; },
  has(t: Tensor): boolean { return t._engineOwned; },
  delete(t: Tensor): boolean { const was = t._engineOwned; t._engineOwned = false; return was; },
};

/**
 * Marks the results of `node`'s backward that only the engine holds; `mark` is the storage serial before
 * the call, `passed` the storages of the owned gradients the rule received (a whole view of one, such as
 * TBackward0's transpose, is still the engine's alone once the rule has returned).
 */
function markOwned(node: Node, results: readonly (Tensor | null)[], mark: number, passed: readonly Storage[] | null): void {
  if (node._spec === null || node._postHooks !== null) return;
  for (let i = 0; i < results.length; i++) {
    const g = results[i];
    if (g === null || g === undefined || g._offset !== 0 || g.numel() !== g._storage.data.length) continue;
    if (g._storage.serial < mark && !(passed !== null && passed.includes(g._storage))) continue;
    let alone = true;
    for (let j = 0; j < results.length && alone; j++) if (j !== i && results[j]?._storage === g._storage) alone = false;
    if (alone) owned.add(g);
  }
}

/** Sums a gradient into a buffer slot. */
function accumulateInto(buf: (Tensor | null)[], i: number, g: Tensor): void {
  const prev = buf[i];
  if (prev === null || prev === undefined) buf[i] = g;
  else owned.add((buf[i] = prev.add(g)));
}

/** Reduces a gradient to the shape and dtype its edge expects (the engine's job, not each rule's). */
function fitToEdge(node: Node, index: number, g: Tensor, e: Edge): Tensor {
  let out = g;
  if (!shapeEquals(out.shape, e.shape)) {
    if (!expandableTo(e.shape, out.shape)) {
      throw new RuntimeError(`Function ${node.name()} returned an invalid gradient at index ${index} - got ${shapeText(out.shape)} but expected shape compatible with ${shapeText(e.shape)}`);
    }
    out = sumTo(out, e.shape);
  }
  if (out.dtype !== e.dtype) out = out.to(e.dtype);
  return out;
}

function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((s, i) => s === 1 || s === target[i + lead]);
}

/** Applies a tensor's hooks and retainGrad to the gradient arriving at (node, outputNr). */
function applyPreHooks(node: Node, nr: number, g: Tensor): Tensor {
  let out = g;
  for (const hook of node._tensorPreHooks?.get(nr) ?? []) out = hook(out) ?? out;
  const retained = node._retained?.get(nr);
  if (retained) retained._grad = retained._grad === null ? out.detach().clone() : retained._grad.add(out.detach());
  return out;
}

/**
 * Stores a leaf's gradient: the first one (copied unless `own`: only the engine holds it, Note [owned
 * gradients], and no hook saw it), then summed.
 */
/** Whether `g` is laid out as `leaf` (same strides on every dim of size > 1): a stolen gradient keeps the leaf's layout. */
function sameLayout(g: Tensor, leaf: Tensor): boolean {
  for (let d = 0; d < g.shape.length; d++) if (g.shape[d] > 1 && g._strides[d] !== leaf._strides[d]) return false;
  return true;
}

function accumulateLeaf(leaf: Tensor, g: Tensor, createGraph: boolean, own = false): void {
  let grad = g;
  const hooks = leaf._hooks ?? [];
  for (const hook of hooks) grad = hook(grad) ?? grad;
  if (leaf._grad === null) {
    leaf._grad = createGraph ? grad : own && hooks.length === 0 && sameLayout(grad, leaf) ? grad.detach() : grad.detach().clone();
  } else if (createGraph) {
    leaf._grad = leaf._grad.add(grad);
  } else {
    leaf._grad.add_(grad.detach());
  }
  for (const hook of leaf._postAccumulateHooks ?? []) hook(leaf);
}

/** Runs the engine; returns the captured gradient per target (null where none arrived). */
function execute(run: Run): (Tensor | null)[] {
  const runId = ++lastRunId;
  activeRuns.add(runId);
  try {
    // the whole run records the backward pass only under createGraph
    return setGradEnabled(run.createGraph, () => executeRun(run, runId));
  } finally {
    activeRuns.delete(runId);
  }
}

/** The gradient buffer of `node` in this run, created on first use. */
function bufferOf(node: Node): (Tensor | null)[] {
  // a literal for the common single-output node: cheaper than a filled holey array (bench W4)
  return (node._buffer ??= node._numOutputs === 1 ? [null] : new Array<Tensor | null>(node._numOutputs).fill(null));
}

function executeRun(run: Run, runId: number): (Tensor | null)[] {
  const nodes = countDependencies(run.roots, runId);
  const needed = run.targets ? neededNodes(nodes, run.targets) : null;
  const captured: (Tensor | null)[] = (run.targets ?? []).map(() => null);
  const targetAt = new Map<Node, Map<number, number[]>>();
  (run.targets ?? []).forEach((t, k) => {
    const m = targetAt.get(t.edge.node) ?? new Map<number, number[]>();
    m.set(t.edge.inputNr, [...(m.get(t.edge.inputNr) ?? []), k]);
    targetAt.set(t.edge.node, m);
  });
  const ready = new ReadyQueue();
  run.roots.forEach((e, i) => accumulateInto(bufferOf(e.node), e.inputNr, run.rootGrads[i]));
  for (const node of nodes) if (node._deps === 0) ready.push(node);
  const executed: Node[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    const buf = node._buffer ?? [];
    node._buffer = null;
    // without tensor hooks or retainGrad the buffer (all slots filled, null where no gradient) is the gradients list
    const grads = node._tensorPreHooks === null && node._retained === null ? buf : buf.map((g, nr) => (g === null || g === undefined ? null : applyPreHooks(node, nr, g)));
    const targetsHere = targetAt.size > 0 ? targetAt.get(node) : undefined;
    if (targetsHere) {
      for (const [nr, ks] of targetsHere) for (const k of ks) { const g = grads[nr] ?? null; captured[k] = g; if (g) owned.delete(g); }
    }
    let results: (Tensor | null)[] = NO_RESULTS;
    if (node instanceof AccumulateGrad) {
      const g = grads[0];
      if (run.accumulate && (!run.targets || targetsHere) && g) accumulateLeaf(node.variable, g, run.createGraph, grads === buf && owned.has(g));
    } else {
      if (run.accumulate && targetsHere) accumulateTargets(run, targetsHere, grads);
      if ((needed === null || needed.has(node)) && hasAny(grads)) {
        // a rule may pass its incoming gradients through (add): they are no longer the engine's alone,
        // though what the rule returns of them may be (markOwned)
        // (only where no hook or retainGrad saw them: grads === buf)
        let passed: Storage[] | null = null;
        for (let i = 0; i < grads.length; i++) { const g = grads[i]; if (g && owned.delete(g) && grads === buf) (passed ??= []).push(g._storage); }
        const mark = nextStorageSerial();
        results = callBackward(node, grads);
        markOwned(node, results, mark, passed);
        executed.push(node);
      }
    }
    const next = node._next;
    for (let i = 0; i < next.length; i++) {
      const e = next[i];
      if (e === null) continue;
      const g = results[i];
      if (g !== null && g !== undefined) {
        const fit = fitToEdge(node, i, g, e);
        // a reduced or cast gradient is the engine's own tensor (unless a mere view of one it does not own)
        if (fit !== g && (fit._storage !== g._storage || owned.has(g))) owned.add(fit);
        accumulateInto(bufferOf(e.node), e.inputNr, fit);
      }
      if (--e.node._deps === 0) ready.push(e.node);
    }
  }
  if (!run.keepGraph) for (const n of executed) n._release();
  return captured;
}

const NO_RESULTS: (Tensor | null)[] = [];
const NO_HOOKS: readonly never[] = [];

function hasAny(grads: readonly (Tensor | null)[]): boolean {
  for (let i = 0; i < grads.length; i++) if (grads[i] !== null && grads[i] !== undefined) return true;
  return false;
}

/** `backward(inputs=[non-leaf])` accumulates into that tensor's `.grad`. */
function accumulateTargets(run: Run, here: Map<number, number[]>, grads: (Tensor | null)[]): void {
  for (const [nr, ks] of here) {
    const g = grads[nr];
    if (g) for (const k of ks) accumulateLeaf(run.targets![k].tensor, g, run.createGraph);
  }
}

/** Calls a node's backward (pre-hooks, zeros for missing output gradients, post-hooks); the run set the grad mode. */
function callBackward(node: Node, grads: (Tensor | null)[]): (Tensor | null)[] {
  let outs = grads;
  for (const hook of node._preHooks ?? NO_HOOKS) outs = hook(outs) ?? outs;
  let full = outs;
  if (outs.length > 1 && node._materializeGrads) {
    const present = outs.find((g) => g !== null);
    if (present) full = outs.map((g, i) => g ?? zerosFor(node, i, present));
  }
  let results = node._apply(full as Tensor[]);
  if (results.length !== node._next.length) {
    throw new RuntimeError(`Function ${node.name()} returned an invalid number of gradients - expected ${node._next.length}, but got ${results.length}`);
  }
  for (const hook of node._postHooks ?? NO_HOOKS) results = hook(results, outs) ?? results;
  if (isAnomalyEnabled()) checkAnomaly(node, results);
  return results;
}

/** Zeros standing in for output `i`'s missing gradient, with that output's own shape and dtype. */
function zerosFor(node: Node, i: number, like: Tensor): Tensor {
  const meta = node._outputMeta[i];
  return meta ? zeros([...meta.shape], { dtype: isFloating(meta.dtype) ? meta.dtype : like.dtype }) : zerosLike(like);
}

const asList = <T>(x: T | readonly T[] | null | undefined): T[] => (x === null || x === undefined ? [] : Array.isArray(x) ? [...(x as T[])] : [x as T]);

/**
 * Computes the gradients of `tensors` w.r.t. the graph leaves and accumulates them into `.grad`
 * (torch.autograd.backward).
 */
export function backward(tensors: Tensor | readonly Tensor[], grads?: Tensor | null | readonly (Tensor | null)[], options: BackwardOptions = {}): void {
  const outs = asList(tensors);
  // ---- [vmap] begin ----
  VM.refuseBackward(outs);
  // ---- [vmap] end ----
  const { edges, rootGrads } = prepareRoots(outs, asList(grads));
  const createGraph = options.createGraph ?? false;
  const inputs = options.inputs === undefined ? null : asList(options.inputs);
  if (inputs !== null && inputs.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
  const targets = inputs?.map((t) => targetOf(t)) ?? null;
  execute({ roots: edges, rootGrads, keepGraph: options.retainGraph ?? createGraph, createGraph, targets, accumulate: true });
}

function targetOf(t: Tensor): Target {
  const edge = gradientEdge(t);
  if (edge === null) throw new RuntimeError("One of the differentiated Tensors does not require grad");
  return { tensor: t, edge };
}

/**
 * The gradients of `outputs` w.r.t. `inputs`, returned rather than accumulated (torch.autograd.grad).
 * @example const [dx] = torch.autograd.grad(y, [x], { createGraph: true });
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = asList(outputs);
  const ins = asList(inputs);
  // ---- [vmap] begin ----
  if (VM.anyBatchedGrad(outs, ins, options.gradOutputs)) return VM.batchedGrad(outs, ins, options, (o, i, opts) => grad(o, i, opts as GradOptions));
  // ---- [vmap] end ----
  const { edges, rootGrads } = prepareRoots(outs, asList(options.gradOutputs));
  const targets = ins.map((t) => targetOf(t));
  const createGraph = options.createGraph ?? false;
  const captured = execute({ roots: edges, rootGrads, keepGraph: options.retainGraph ?? createGraph, createGraph, targets, accumulate: false });
  return captured.map((g) => {
    if (g === null && !options.allowUnused) {
      throw new RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
    }
    return g === null ? null : createGraph ? g : g.detach();
  });
}

