// Two-thread wasm matmul (Node): a helper worker takes half the M panels, over shared wasm memory.
import { createWasmMatmul, DEFAULT_BLOCKING, DEFAULT_LAYOUT, DEFAULT_SHAPE, hasRelaxedSimd, J, runBlocks,
  setDefaultWasmMatmul, type Helper, type WasmMatmul } from "./index.ts";

// Note [wasm helper thread]
// enableWasmThreads() (async: a worker starts asynchronously) swaps the process-wide kernel for one
// whose arena is a shared WebAssembly.Memory, and starts one worker that instantiates the same module
// on that memory. Per large product the main thread packs both operands (serially), writes the job
// (runBlocks' parameters) into a SharedArrayBuffer, bumps a sequence word and notifies; both threads
// run runBlocks on disjoint M panels (disjoint C rows, no further sync); the main thread then blocks
// in Atomics.wait until the worker's done word matches, and unpacks C. Everything stays synchronous
// for the caller. Atomics.wait is forbidden on a browser's main thread, so this is Node-only (the
// worker is created through node:worker_threads, imported lazily so the browser build never loads it).
// The worker is unref'd: it never keeps the process alive.

interface NodeWorker {
  postMessage(value: unknown): void;
  once(event: "message" | "error", listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads { Worker: new (source: string, options: { eval: boolean }) => NodeWorker }

/** control words: [0] job sequence number, [1] last finished sequence number, then the job */
const SEQ = 0, DONE = 1, JOB = 2;

const workerSource = (runBlocksSource: string) => `
const { parentPort } = require("node:worker_threads");
const runBlocks = ${runBlocksSource};
parentPort.once("message", ({ module, memory, control }) => {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = [instance.exports.tiles, instance.exports.tilesRowsA];
  const c = new Int32Array(control);
  parentPort.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(c, ${SEQ}, seen);
    seen = Atomics.load(c, ${SEQ});
    if (seen < 0) return;
    const job = c.subarray(${JOB}, ${JOB + J.size});
    runBlocks(fns[job[${J.fn}]], job);
    Atomics.store(c, ${DONE}, seen);
    Atomics.notify(c, ${DONE});
  }
});`;

class WorkerHelper implements Helper {
  readonly #c: Int32Array;
  #seq = 0;
  constructor(control: SharedArrayBuffer) { this.#c = new Int32Array(control); }
  start(job: Int32Array): void {
    this.#c.set(job, JOB);
    Atomics.store(this.#c, SEQ, ++this.#seq);
    Atomics.notify(this.#c, SEQ);
  }
  /** Makes the worker leave its loop. */
  stop(): void {
    Atomics.store(this.#c, SEQ, -1);
    Atomics.notify(this.#c, SEQ);
  }
  finish(): void {
    for (;;) {
      const done = Atomics.load(this.#c, DONE);
      if (done === this.#seq) return;
      Atomics.wait(this.#c, DONE, done);
    }
  }
}

let enabled: { kernel: WasmMatmul; worker: NodeWorker; helper: WorkerHelper; previous: WasmMatmul | undefined } | undefined;

/**
 * Runs large float32 products on two threads (Node only): resolves true once the helper worker is
 * ready, false where worker threads, shared memory or wasm SIMD are unavailable.
 *
 * @example
 * await enableWasmThreads();
 * wasmMatmul(a, b, out); // products of 128^3 multiply-adds and more now split M across two threads
 */
export async function enableWasmThreads(): Promise<boolean> {
  if (enabled) return true;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node || typeof SharedArrayBuffer === "undefined") return false;
  const kernel = createWasmMatmul({ ...DEFAULT_SHAPE, fma: hasRelaxedSimd() }, DEFAULT_BLOCKING, DEFAULT_LAYOUT, true);
  if (!kernel) return false;
  const specifier = "node:worker_threads";
  const { Worker } = (await import(specifier)) as WorkerThreads;
  const worker = new Worker(workerSource(runBlocks.toString()), { eval: true });
  worker.unref();
  const control = new SharedArrayBuffer(4 * (JOB + J.size));
  const ready = new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", (e) => reject(e));
  });
  worker.postMessage({ module: kernel.module, memory: kernel.memory, control });
  await ready;
  const helper = new WorkerHelper(control);
  kernel.setHelper(helper);
  enabled = { kernel, worker, helper, previous: setDefaultWasmMatmul(kernel) };
  return true;
}

/** Stops the helper worker and returns to the single-thread kernel. */
export async function disableWasmThreads(): Promise<void> {
  if (!enabled) return;
  const { kernel, worker, helper, previous } = enabled;
  enabled = undefined;
  kernel.setHelper(undefined);
  setDefaultWasmMatmul(previous);
  helper.stop();
  await worker.terminate();
}
