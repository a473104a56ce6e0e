// Deferred float32 add/sub/mul/div results: computed when first read, so that two in a row run as one pass (Note [deferred elementwise]).
//
// Note [deferred elementwise]
// A large float32 `a op b` (add, sub, mul or div of a tensor and a same-shape tensor or a JS number,
// each tensor a whole contiguous storage; nothing recorded for autograd) returns at once a tensor whose storage is deferred: its array
// is computed on the first read of `Storage.data`, which every kernel, printer and `tolist` goes through.
// When the deferred result is itself an operand of the next such op, as `a*b` is in `a*b + c`, the
// second result is deferred as the chain `(a*b) + c` of the leaves a, b, c, and computed in one pass
// (Backend.binaryChain: read a, b, c, write once) when read; `a*b`, read by nobody, is never computed.
// For a bare `a*b+c` over 2^20 floats that halves the memory traffic and the fresh storage, the two
// costs of such an expression here (bench W2). Each op is still rounded to float32 on its own, so the
// values are exactly the eager ops' values; a chain is never extended further (a third op reads the
// chain's computed array), so a deferred result holds at most three input arrays alive.
//
// What makes deferring invisible:
// - Inputs are read later, so a write to an input must not reach a deferred result. Deferred results
//   read each input through its storage's Handle; every in-place write calls `Storage.beforeWrite()`
//   first (ops/inplace.ts, gradcheck), which, while deferred results not yet computed read the storage,
//   gives them a copy of its array as it was (one copy per write, however many read it). Deferred
//   results nobody will read still count as readers (nothing tells us they are garbage in a synchronous
//   loop), so the first write to such an input pays that one copy. That is the usual case for a chain's
//   first two inputs: the `a*b` of `a*b + c` stays an unread reader of a and b, so `y = w.mul(x).add(b);
//   ...; w.sub_(lr)` copies w once per step, into unzeroed memory by a memcpy (over 1,600 such steps
//   of 2^20 floats that measured about even with running the ops eagerly).
// - Only ops that record nothing defer: no input requires grad with grad mode on, and forward AD is off.
//   A deferred tensor used later by a recorded op, saved for backward or printed is simply computed then.
// - Only a backend with `binaryChain` (the wasm one) defers; the `ref` spec and the js backend run eagerly.
// Like an asynchronous CUDA op in PyTorch, the work shows up where the result is first needed: a timing
// of `a.mul(b)` alone measures almost nothing, and the W2 bench reads its result every repetition.
import { backend } from "../backend/index.ts";
import { CHAIN_CODES, type ChainCode, type View } from "../backend/types.ts";
import type { StorageArray } from "../dtype.ts";
import { isForwardAdEnabled } from "../autograd/forward-ad.ts";
import { needsGrad } from "../autograd/record.ts";
import { allocOutput } from "../output-storage.ts";
import { Storage, type Deferred, type Handle } from "../storage.ts";
import { Tensor } from "../tensor.ts";
import { contiguousStrides } from "../shape.ts";

/** Below this many elements ops run eagerly (a deferred result costs an object or two; fusing pays on large arrays). */
let minElements = 1 << 18;

/** Sets the element count from which results are deferred (tests use 1; Infinity turns deferring off); returns the previous one. */
export function setDeferThreshold(n: number): number {
  const prev = minElements;
  minElements = n;
  return prev;
}

/** How many results were deferred, and how many of them as chains (tests check that deferring happened). */
export const deferStats = { deferred: 0, chained: 0 };

const CHAIN_OPS: ReadonlySet<string> = new Set<string>(CHAIN_CODES);

/** What a deferred result reads: all of a storage's array through its handle, or a JS number (rounded to float32). */
type Leaf = Handle | number;

/** A new reader of all of `s`'s array (s is not deferred). */
function readerOf(s: Storage): Handle {
  let h = s._handle;
  if (h === null) h = s._handle = { data: s.data, readers: 0 };
  h.readers++;
  return h;
}

/** A new reader of a leaf another deferred result reads. */
function addReader(l: Leaf): Leaf {
  if (typeof l !== "number") l.readers++;
  return l;
}

function release(l: Leaf): void {
  if (typeof l !== "number") l.readers--;
}

/** `n` dense elements of `data` as a kernel view. */
const dense = (data: StorageArray, n: number): View => ({ data, shape: [n], strides: [1], offset: 0 });

/** A leaf as a kernel view of `n` elements: dense, or one value repeated. */
const leafView = (l: Leaf, n: number): View =>
  typeof l === "number" ? { data: Float32Array.of(l), shape: [n], strides: [0], offset: 0 } : dense(l.data, n);

/** `x op y`, computed on the first read. */
class DeferredBinary implements Deferred {
  constructor(readonly op: ChainCode, readonly x: Leaf, readonly y: Leaf, readonly n: number) {}
  run(): StorageArray {
    const { x, y, n } = this, out = allocOutput("float32", n);
    backend().binary(this.op, leafView(x, n), leafView(y, n), dense(out, n));
    release(x);
    release(y);
    return out;
  }
}

/** `outer(x inner y, z)`, or `outer(z, x inner y)` when `swap`: one pass on read. */
class DeferredChain implements Deferred {
  constructor(readonly inner: ChainCode, readonly outer: ChainCode, readonly swap: boolean,
    readonly x: Leaf, readonly y: Leaf, readonly z: Leaf, readonly n: number) {}
  run(): StorageArray {
    const { x, y, z, n } = this, out = allocOutput("float32", n), b = backend();
    const vx = leafView(x, n), vy = leafView(y, n), vz = leafView(z, n), vo = dense(out, n);
    if (b.binaryChain === undefined || !b.binaryChain(this.inner, this.outer, this.swap, vx, vy, vz, vo)) {
      // the two ops one after the other, the intermediate in the output (binary reads an element before it writes it)
      b.binary(this.inner, vx, vy, vo);
      b.binary(this.outer, this.swap ? vz : vo, this.swap ? vo : vz, vo);
    }
    release(x);
    release(y);
    release(z);
    return out;
  }
}

/** Whether `t` is a JS number or all of a computed float32 storage of `n` elements, in order. */
const isWhole = (t: Tensor | number, n: number): boolean => typeof t === "number" ||
  (t._offset === 0 && t._storage._data !== null && t._storage._data.length === n && t.isContiguous());

/** `t` as a new reader's leaf (t is whole). */
const leafOf = (t: Tensor | number): Leaf => typeof t === "number" ? Math.fround(t) : readerOf(t._storage);

/** The not-yet-computed single op behind `t`, when `t` is all of it in order. */
function pendingBinary(t: Tensor | number, n: number): DeferredBinary | null {
  if (typeof t === "number") return null;
  const d = t._storage._deferred;
  return d instanceof DeferredBinary && d.n === n && t._offset === 0 && t.isContiguous() ? d : null;
}

/**
 * `a op b` as a deferred result (a tensor of a's shape), or null when this call runs eagerly: a float32
 * tensor and a float32 tensor of its shape or a JS number, op add/sub/mul/div, large, nothing to record,
 * a backend that chains (see Note [deferred elementwise]).
 */
export function deferBinary(op: string, a: Tensor, b: Tensor | number): Tensor | null {
  if (a.dtype !== "float32" || (typeof b !== "number" && b.dtype !== "float32")) return null;
  const n = a.numel();
  if (n < minElements || !CHAIN_OPS.has(op) || backend().binaryChain === undefined) return null;
  if (isForwardAdEnabled() || needsGrad([a, typeof b === "number" ? null : b])) return null;
  const code = op as ChainCode;
  let deferred: Deferred;
  const pa = pendingBinary(a, n), pb = pa === null ? pendingBinary(b, n) : null;
  // a deferred operand this call does not take into its chain (a chain, or the second of two) is computed now
  if (pa === null) settle(a);
  if (pb === null) settle(b);
  if (pa !== null && isWhole(b, n)) {
    deferred = new DeferredChain(pa.op, code, false, addReader(pa.x), addReader(pa.y), leafOf(b), n);
  } else if (pb !== null && isWhole(a, n)) {
    deferred = new DeferredChain(pb.op, code, true, addReader(pb.x), addReader(pb.y), leafOf(a), n);
  } else if (isWhole(a, n) && isWhole(b, n)) {
    deferred = new DeferredBinary(code, leafOf(a), leafOf(b), n);
  } else {
    return null;
  }
  deferStats.deferred++;
  if (deferred instanceof DeferredChain) deferStats.chained++;
  return new Tensor(Storage.deferred(deferred), [...a.shape], contiguousStrides(a.shape), 0, "float32");
}

/** Computes `t`'s elements if they are deferred. */
function settle(t: Tensor | number): void {
  if (typeof t !== "number" && t._storage._deferred !== null) void t._storage.data;
}
