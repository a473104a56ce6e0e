// Worker threads for the wasm kernels: helper workers take shares of a matmul's M panels or of a large elementwise call, over shared wasm memory.
import { RuntimeError } from "../../errors.ts";
import { createWasmMatmul, DEFAULT_BLOCKING, DEFAULT_LAYOUT, DEFAULT_SHAPE, hasRelaxedSimd, J, runBlocks,
  setAutoThreads, setDefaultWasmMatmul, type Team, type WasmMatmul } from "./index.ts";
import { preferSharedElementwise, setElementwiseAutoThreads, setElementwiseTeam, sharedElementwise, type SharedElementwise } from "./elementwise.ts";
import { ELEMENTWISE_FN0, runElementwise } from "./elementwise-team.ts";

// Note [wasm helper threads]
// A thread team is n - 1 helper workers plus the calling thread. Starting it swaps the process-wide
// kernel for one whose arena is a shared WebAssembly.Memory, and starts the workers, each of which
// instantiates the same module on that memory. Per large product the main thread packs both operands
// (serially), writes the job (runBlocks' parameters) into the team's SharedArrayBuffer, bumps the
// sequence word and notifies. The M panels are cut into chunks that every thread, the caller
// included, claims one at a time from a shared counter (claimChunks), so a helper the OS has not
// scheduled yet costs nothing: the caller simply takes more chunks. Chunks write disjoint C rows.
// The counter carries the job's epoch, so a helper waking late for an old job claims nothing of the
// next one. Each finished chunk is marked with the job's epoch; before each chunk it claims, and while it
// waits for the last ones, the caller copies every finished chunk's C rows out to the result (until none
// is left to copy), so the copy (with the page faults of a fresh result) overlaps the helpers' work
// instead of following it.
// Between jobs a helper polls the sequence word for 0.2 ms before it sleeps in Atomics.wait: a wake-up
// from the wait took tens of microseconds on the 2-core VM, and in a loop of large ops the next job comes
// sooner (mul over 2^20 floats 9% faster, a*b+c 4-9%, a 256^3 product 3-4%, softmax 2-3%); the cost is
// at most 0.2 ms of one core after the last job.
// Everything stays synchronous for the caller, the start included: the main thread waits
// (Atomics.wait) for the workers' ready count, so a synchronous training loop gets the team on its
// first large product (the default in Node: see `getNumThreads`). Atomics.wait is forbidden on a
// browser's main thread and workers there are separate scripts, so this is Node-only;
// `node:worker_threads` is reached through process.getBuiltinModule (Node >= 20.16), so the browser
// build never loads it. Workers are unref'd: they never keep the process alive.

interface NodeWorker {
  postMessage(value: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads { Worker: new (source: string, options: { eval: boolean; execArgv: string[] }) => NodeWorker }
interface NodeOs { availableParallelism?(): number; cpus(): unknown[] }
type NodeProcess = { getBuiltinModule?(id: string): unknown; env?: Record<string, string | undefined> };

/**
 * Control words: [0] job sequence number (-1: stop), [1] next chunk (epoch << 16 | index), [2] chunks
 * done, [3] workers ready, [4] chunk count, [5] panels per chunk, [6] the epoch of the last job a helper
 * failed in (a kernel trapped), then the job (J), then one word per chunk: the epoch of the job whose
 * chunk it finished last.
 */
const SEQ = 0, NEXT = 1, DONE = 2, READY = 3, CHUNKS = 4, CHUNK_PANELS = 5, FAILED = 6, JOB = 7, FLAGS = JOB + J.size;
/** How long a helper polls for the next job before it sleeps (ms; see Note [wasm helper threads]). */
const SPIN_MS = 0.2;
/** How long the caller sleeps between looks at the failure word while it waits for helpers (ms). */
const WAIT_SLICE_MS = 20;
/** At most this many chunks per job (more panels make bigger chunks). */
const MAX_CHUNKS = 1024;
/** The slots claimChunks reads, handed to it as data (its source also runs in the workers). */
const SLOTS = { NEXT, DONE, CHUNKS, CHUNK_PANELS, JOB, FLAGS, size: J.size, p0: J.p0, p1: J.p1,
  a: J.a, b: J.b, c: J.c, aItem: J.aItem, bItem: J.bItem, cItem: J.cItem } as const;
type Slots = typeof SLOTS;
/** How long the first large product waits for the workers to start before running on one thread. */
const START_TIMEOUT_MS = 10_000;
/** The default team size's cap: the main thread packs serially, so more threads pay less and less. */
const DEFAULT_MAX_THREADS = 4;

/**
 * Claims chunks of job `epoch`'s M panels until none is left, running each with runBlocks; marks each
 * finished chunk with the epoch and counts it in DONE; `after` (the caller's thread only) runs after
 * each chunk. Self-contained (its source also runs in the workers).
 */
export function claimChunks<F>(tiles: F, c: Int32Array, epoch: number, run: (fn: F, job: Int32Array) => void, L: Slots, after?: () => void): void {
  const job = c.slice(L.JOB, L.JOB + L.size);
  const chunks = c[L.CHUNKS], per = c[L.CHUNK_PANELS], p0 = job[L.p0], p1 = job[L.p1], tag = epoch & 0x7fff;
  const a0 = job[L.a], b0 = job[L.b], c0 = job[L.c], perItem = Math.ceil((p1 - p0) / per);
  for (;;) {
    const v = Atomics.load(c, L.NEXT);
    if (v >>> 16 !== tag || (v & 0xffff) >= chunks) return;
    if (Atomics.compareExchange(c, L.NEXT, v, v + 1) !== v) continue;
    // chunk i: panels [p0 + k per, ...) of batch item `item` (Note [wasm batch items])
    const i = v & 0xffff, item = Math.floor(i / perItem), k = i - item * perItem;
    job[L.p0] = p0 + k * per;
    job[L.p1] = Math.min(p1, p0 + (k + 1) * per);
    job[L.a] = a0 + item * job[L.aItem]; job[L.b] = b0 + item * job[L.bItem]; job[L.c] = c0 + item * job[L.cItem];
    run(tiles, job);
    Atomics.store(c, L.FLAGS + i, epoch);
    Atomics.add(c, L.DONE, 1);
    Atomics.notify(c, L.DONE);
    if (after) after();
  }
}

/** The worker's code: `receive` is how the platform hands it the first message (Node or browser). */
const workerSource = (platform: "node" | "browser") => `
const runBlocks = ${runBlocks.toString()};
const runElementwise = ${runElementwise.toString()};
const claimChunks = ${claimChunks.toString()};
const slots = ${JSON.stringify(SLOTS)};
const start = ({ module, memory, control, elementwise }) => {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  // the matmul tiles, then the elementwise kernels by name (Note [threaded elementwise])
  const fns = [instance.exports.tiles, instance.exports.tilesRowsA];
  if (elementwise) {
    const ew = new WebAssembly.Instance(elementwise.module, { env: { memory: elementwise.memory } });
    for (const name of elementwise.names) fns.push(ew.exports[name]);
  }
  const c = new Int32Array(control);
  Atomics.add(c, ${READY}, 1);
  Atomics.notify(c, ${READY});
  ${platform === "node" ? "" : "postMessage(\"ready\");"}
  let seen = 0;
  for (;;) {
    // a short spin before sleeping: the next job of a loop of large ops comes within microseconds, and
    // waking from Atomics.wait costs tens (Note [wasm helper threads])
    const until = performance.now() + ${SPIN_MS};
    while (Atomics.load(c, ${SEQ}) === seen && performance.now() < until);
    Atomics.wait(c, ${SEQ}, seen);
    seen = Atomics.load(c, ${SEQ});
    if (seen < 0) return;
    const f = c[${JOB + J.fn}];
    try {
      claimChunks(fns[f], c, seen, f >= ${ELEMENTWISE_FN0} ? runElementwise : runBlocks, slots);
    } catch {
      // the chunk stays unfinished: tell the caller, which would otherwise wait for it forever
      Atomics.store(c, ${FAILED}, seen);
      Atomics.notify(c, ${DONE});
    }
  }
};
${platform === "node" ? "process.getBuiltinModule(\"node:worker_threads\").parentPort.once(\"message\", start);" : "onmessage = (e) => { onmessage = null; start(e.data); };"}`;

/** A platform's worker: started from source text, sent one message, ended. */
interface TeamWorker {
  postMessage(value: unknown): void;
  terminate(): unknown;
}

/** The caller's thread plus helper workers over one control block. */
class WorkerTeam implements Team {
  readonly size: number;
  readonly #workers: TeamWorker[] = [];
  readonly #c: Int32Array;
  #seq = 0;
  constructor(spawn: () => TeamWorker, kernel: WasmMatmul, size: number, elementwise: SharedElementwise | undefined) {
    this.size = size;
    const control = new SharedArrayBuffer(4 * (FLAGS + MAX_CHUNKS));
    this.#c = new Int32Array(control);
    try {
      for (let i = 1; i < size; i++) {
        const worker = spawn();
        this.#workers.push(worker);
        worker.postMessage({ module: kernel.module, memory: kernel.memory, control, elementwise });
      }
    } catch (e) {
      for (const w of this.#workers) w.terminate();
      throw e;
    }
  }
  /** The workers, for a platform that waits for them asynchronously. */
  get workers(): readonly TeamWorker[] { return this.#workers; }
  /** Waits (blocking) until every worker has instantiated the module; false on timeout. */
  awaitReady(deadline: number): boolean {
    for (;;) {
      const ready = Atomics.load(this.#c, READY);
      if (ready === this.#workers.length) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.#c, READY, ready, left);
    }
  }
  get maxItems(): number { return MAX_CHUNKS; }
  run<F>(tiles: F, job: Int32Array, finished: (item: number, p0: number, p1: number) => void,
    runner: (fn: F, job: Int32Array) => void = runBlocks as unknown as (fn: F, job: Int32Array) => void): void {
    const c = this.#c;
    const panels = job[J.p1] - job[J.p0], items = job[J.items];
    // about four chunks per thread, at most one M block (runBlocks' inner block) and one item each, at most MAX_CHUNKS
    const fair = Math.min(job[J.mc] / job[J.mr], Math.ceil((items * panels) / (4 * this.size)));
    const per = Math.min(panels, Math.max(1, Math.ceil((items * panels) / MAX_CHUNKS), fair));
    const perItem = Math.ceil(panels / per), chunks = items * perItem;
    const epoch = ++this.#seq & 0x7fffffff;
    c.set(job, JOB);
    c[CHUNKS] = chunks; c[CHUNK_PANELS] = per;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, (epoch & 0x7fff) << 16);
    Atomics.store(c, SEQ, epoch);
    Atomics.notify(c, SEQ);
    // hand each finished chunk (any thread's) to `finished` on this thread as soon as it is seen, before
    // this thread claims a chunk and while it waits for the last ones (Note [wasm helper threads])
    // chunks are claimed in order: only [low, claimed) can hold finished, unhandled ones
    const handled = new Uint8Array(chunks);
    let left = chunks, low = 0;
    const drain = (): boolean => {
      const claimed = Math.min(chunks, Atomics.load(c, NEXT) & 0xffff), before = left;
      while (low < claimed && handled[low] === 1) low++;
      for (let i = low; i < claimed; i++) {
        if (handled[i] === 0 && Atomics.load(c, FLAGS + i) === epoch) {
          handled[i] = 1;
          left--;
          const item = Math.floor(i / perItem), k = i - item * perItem;
          finished(item, job[J.p0] + k * per, Math.min(job[J.p1], job[J.p0] + (k + 1) * per));
        }
      }
      return left < before;
    };
    // copying out comes first: drained again until nothing more has finished, so the copies left after the
    // last chunk (the tail nobody overlaps) stay few (mul over 2^20 floats: ~8% faster than one drain per chunk)
    claimChunks(tiles, c, epoch, runner, SLOTS, () => { while (drain()); });
    for (;;) {
      const done = Atomics.load(c, DONE);
      drain();
      if (left === 0) return;
      if (Atomics.load(c, FAILED) === epoch) throw new RuntimeError("a helper thread failed on its share of a wasm kernel's work (Note [wasm helper threads])");
      if (done === Atomics.load(c, DONE)) Atomics.wait(c, DONE, done, WAIT_SLICE_MS);
    }
  }
  /** Makes the workers leave their loop and ends them. */
  stop(): void {
    Atomics.store(this.#c, SEQ, -1);
    Atomics.notify(this.#c, SEQ);
    for (const w of this.#workers) w.terminate();
  }
}

/** Registers (or clears) the team's start on the first large product or elementwise call. */
function setAuto(start: (() => void) | undefined): void {
  setAutoThreads(start);
  setElementwiseAutoThreads(start);
}

const proc = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;
const builtin = <T>(id: string): T | undefined => proc()?.getBuiltinModule?.(id) as T | undefined;

/** Threads the machine offers to a team: Node's cores; a cross-origin-isolated browser worker's; else 1. */
function machineThreads(): number {
  if (typeof SharedArrayBuffer === "undefined") return 1;
  if (builtin<WorkerThreads>("node:worker_threads")) {
    const os = builtin<NodeOs>("node:os");
    return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
  }
  const g = globalThis as unknown as BrowserScope & { navigator?: { hardwareConcurrency?: number } };
  return g.WorkerGlobalScope && g.crossOriginIsolated ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1;
}

/** The running team, if any. */
let team: { kernel: WasmMatmul; team: WorkerTeam; previous: WasmMatmul | undefined } | undefined;
/** The team size asked for (setNumThreads), or null for the default. */
let requested: number | null = null;

/** A shared-memory kernel for a team, or undefined where wasm SIMD or shared memory is missing. */
function sharedKernel(): WasmMatmul | undefined {
  if (typeof SharedArrayBuffer === "undefined") return undefined;
  return createWasmMatmul({ ...DEFAULT_SHAPE, fma: hasRelaxedSimd() }, DEFAULT_BLOCKING, DEFAULT_LAYOUT, true);
}

function install(kernel: WasmMatmul, t: WorkerTeam, elementwise: boolean): void {
  kernel.setTeam(t);
  if (elementwise) setElementwiseTeam(t);
  team = { kernel, team: t, previous: setDefaultWasmMatmul(kernel) };
}

/** Starts a team of `n` threads (n - 1 workers) synchronously (Node); false where that is impossible. */
function startTeam(n: number): boolean {
  const wt = builtin<WorkerThreads>("node:worker_threads");
  const kernel = n >= 2 && wt ? sharedKernel() : undefined;
  if (!wt || !kernel) return false;
  const spawn = () => {
    // no inherited Node options: a loader such as tsx, or --input-type=module (which would make this
    // script a module, without require), has no business in a worker that only runs wasm
    const w = new wt.Worker(workerSource("node"), { eval: true, execArgv: [] });
    w.unref();
    return w;
  };
  let t: WorkerTeam | undefined;
  const elementwise = sharedElementwise();
  try {
    t = new WorkerTeam(spawn, kernel, n, elementwise);
    if (!t.awaitReady(Date.now() + START_TIMEOUT_MS)) throw new Error("a matmul worker did not start in time");
  } catch {
    t?.stop();
    return false;
  }
  install(kernel, t, elementwise !== undefined);
  return true;
}

/** The browser's worker API, as far as a team needs it. */
interface BrowserScope {
  Worker: new (url: string) => TeamWorker & { onmessage: ((e: unknown) => void) | null; onerror: ((e: unknown) => void) | null };
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
}

/**
 * Starts a team of `n` threads in a browser worker (asynchronously: nested workers start only once the
 * creating thread yields). Needs a cross-origin-isolated page (shared memory); a page's main thread
 * stays single-threaded (Atomics.wait is forbidden there). Resolves to whether the team runs.
 */
async function startBrowserTeam(n: number): Promise<boolean> {
  const g = globalThis as unknown as BrowserScope;
  if (n < 2 || !g.WorkerGlobalScope || !g.crossOriginIsolated || typeof g.Worker !== "function") return false;
  const kernel = sharedKernel();
  if (!kernel) return false;
  const url = g.URL.createObjectURL(new g.Blob([workerSource("browser")], { type: "text/javascript" }));
  const ready: Promise<void>[] = [];
  const elementwise = sharedElementwise();
  let t: WorkerTeam | undefined;
  try {
    t = new WorkerTeam(() => {
      const w = new g.Worker(url);
      ready.push(new Promise<void>((resolve, reject) => { w.onmessage = () => resolve(); w.onerror = reject; }));
      return w;
    }, kernel, n, elementwise);
    await Promise.all(ready);
  } catch {
    t?.stop();
    return false;
  }
  install(kernel, t, elementwise !== undefined);
  return true;
}

/**
 * Starts the thread team now: synchronously in Node, asynchronously in a browser worker of a
 * cross-origin-isolated page (`torch.backends.init` calls this). Resolves to the team's size (1: none).
 */
export async function startThreads(n = getNumThreads()): Promise<number> {
  if (team && team.team.size === n) return n;
  stopTeam();
  setAuto(undefined);
  // an elementwise arena made from now on is shared, so the team can take its large calls too
  if (n > 1) preferSharedElementwise(true);
  if (n > 1) startTeam(n) || (await startBrowserTeam(n));
  return team ? team.team.size : 1;
}

function stopTeam(): void {
  if (!team) return;
  const { kernel, team: t, previous } = team;
  team = undefined;
  kernel.setTeam(undefined);
  setElementwiseTeam(undefined);
  setDefaultWasmMatmul(previous);
  t.stop();
}

/**
 * How many threads large float32 matrix products run on (torch.get_num_threads). In Node the default is
 * the machine's cores (at most 4), started on the first large product; in a browser, 1.
 * @example torch.getNumThreads() // 2 on a two-core machine
 */
export function getNumThreads(): number {
  if (team) return team.team.size;
  return requested ?? Math.min(DEFAULT_MAX_THREADS, machineThreads());
}

/**
 * Sets how many threads large float32 matrix products use (torch.set_num_threads); 1 runs everything on
 * the calling thread. Where workers are unavailable (browsers) the products stay on one thread.
 * @example torch.setNumThreads(1); // no helper workers
 */
export function setNumThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new RuntimeError(`set_num_threads expects an int, but got ${typeof n === "number" ? "float" : typeof n}`);
  if (n < 1) throw new RuntimeError("set_num_threads expects a positive integer");
  requested = n;
  preferSharedElementwise(n > 1);
  if (team && team.team.size !== n) stopTeam();
  setAuto(n > 1 && !team ? autoStart : undefined);
}

/** Starts the team the first time a product is large enough (registered with the kernel as its auto-start). */
function autoStart(): void {
  setAuto(undefined);
  const n = getNumThreads();
  if (!team && n > 1) startTeam(n);
}

// the default: a team on the first large product, where the machine has more than one core;
// TENSORGRAD_NUM_THREADS (like OMP_NUM_THREADS) sets the size from the environment
const fromEnv = Number(proc()?.env?.TENSORGRAD_NUM_THREADS ?? NaN);
if (Number.isInteger(fromEnv) && fromEnv >= 1) requested = fromEnv;
if (getNumThreads() > 1) {
  setAuto(autoStart);
  preferSharedElementwise(true);
}

/**
 * Runs large float32 products on at least two threads now: true once the helper workers are ready,
 * false where worker threads, shared memory or wasm SIMD are unavailable. Kept for explicit control;
 * Node does this by default on the first large product (see `setNumThreads`).
 * @example await enableWasmThreads(); // products of 128^3 multiply-adds and more split M across two threads
 */
export async function enableWasmThreads(): Promise<boolean> {
  return (await startThreads(Math.max(2, getNumThreads()))) > 1;
}

/** Stops the helper workers and returns to the single-thread kernel (until the next setNumThreads). */
export async function disableWasmThreads(): Promise<void> {
  setAuto(undefined);
  stopTeam();
}
