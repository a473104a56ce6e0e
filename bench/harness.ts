// The benchmark harness: shared types, seeded data, command-line options, result checking and median timing.

/** Which way a workload's metric improves. */
export type Metric = { unit: "GFLOP/s"; flops: number } | { unit: "ms" } | { unit: "µs/op"; ops: number };

/** One system's prepared implementation of one case. */
export interface Impl {
  /** Runs once from freshly prepared inputs and returns the flat values (one array per checked output). */
  check(): Promise<ArrayLike<number>[]>;
  /** One timed repetition; must leave the result materialised (read back or computed eagerly). */
  run(): void | Promise<void>;
  /** Frees what the system does not free by itself. */
  dispose?(): void;
}

/** A system a case runs on: tensorgrad or a peer adapter. */
export interface System {
  readonly id: string;
  /** Prepares the system (initialises a backend); throws or returns a reason when it cannot run. */
  activate(): Promise<void>;
  /** The backend / kernel that actually ran, filled in after the case's check run. */
  describe(): string;
}

/** A row of the table: one workload at one size. */
export interface Case {
  /** e.g. "W1 matmul n=256" */
  readonly name: string;
  readonly metric: Metric;
  /** The expected outputs in float64, in the order `Impl.check` returns them. */
  reference(): Expected[];
  /** Normalised tolerance: max |got - want| / max |want| (float32 arithmetic). */
  readonly tolerance: number;
  /** Builds this case for a system; returns a reason string when the system lacks the op. */
  build(systemId: string): Promise<Impl | string>;
}

/** Reference values; `index` picks output positions when only some are computed in float64. */
export interface Expected {
  readonly values: Float64Array;
  readonly index?: Int32Array;
}

/** A workload (one file each): a named family of cases. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  cases(): Case[];
}

// ---- options ---------------------------------------------------------------------------------

export interface Options {
  quick: boolean;
  /** Workload filters ("W1", "matmul", ...); empty runs all. */
  only: string[];
  /** System filters ("tensorgrad", "tfjs-wasm", ...); empty runs all. */
  systems: string[];
  json: string;
  /** Which time the table uses: wall clock (default) or this process's CPU time (robust on a loaded machine). */
  clock: "wall" | "cpu";
}

/** Parses `--quick`, `--systems a,b`, `--json path` and positional workload names. */
export function parseOptions(argv: readonly string[]): Options {
  const opts: Options = { quick: false, only: [], systems: [], json: "bench/results/latest.json", clock: "wall" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--systems") opts.systems.push(...(argv[++i] ?? "").split(","));
    else if (a === "--json") opts.json = argv[++i] ?? opts.json;
    else if (a === "--clock") {
      const c = argv[++i];
      if (c !== "wall" && c !== "cpu") throw new Error("--clock takes wall or cpu");
      opts.clock = c;
    }
    else if (a === "--help" || a === "-h") {
      console.log("usage: npm run bench -- [--quick] [--systems tensorgrad,tfjs-cpu,tfjs-wasm,jax-wasm] [--json path] [--clock wall|cpu] [W1 W3 softmax ...]");
      process.exit(0);
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else opts.only.push(...a.split(","));
  }
  return opts;
}

/** Whether `name` is selected by the filters (case-insensitive substring; empty selects all). */
export function selected(filters: readonly string[], ...names: string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => names.some((n) => n.toLowerCase().includes(f.toLowerCase())));
}

// ---- data ------------------------------------------------------------------------------------

/** Deterministic float32 data in [lo, hi) (mulberry32), identical for every system. */
export function seededData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

// ---- checking --------------------------------------------------------------------------------

/** The worst `normalisedError` over a case's outputs; a missing output gives Infinity. */
export function caseError(got: readonly ArrayLike<number>[], want: readonly Expected[]): number {
  if (got.length !== want.length) return Infinity;
  return Math.max(...want.map((w, i) => normalisedError(got[i], w)));
}

/** max |got - want| / max |want| over the reference positions; NaN/length mismatch gives Infinity. */
export function normalisedError(got: ArrayLike<number>, want: Expected): number {
  const { values, index } = want;
  if (!index && got.length !== values.length) return Infinity;
  let scale = 0, err = 0;
  for (let i = 0; i < values.length; i++) {
    const g = got[index ? index[i] : i];
    const d = Math.abs(g - values[i]);
    if (!(d <= Number.MAX_VALUE)) return Infinity;
    if (d > err) err = d;
    scale = Math.max(scale, Math.abs(values[i]));
  }
  return err / (scale || 1);
}

// ---- timing ----------------------------------------------------------------------------------

export interface TimingPlan {
  warmup: number;
  minReps: number;
  maxReps: number;
  /** Stop adding repetitions once this much time went into them (after minReps). */
  budgetMs: number;
}

export interface Timing {
  /** Median wall-clock time of one repetition. */
  medianMs: number;
  minMs: number;
  /** Median CPU time (user + system, all of this process's threads) of one repetition. */
  medianCpuMs: number;
  /** Mean minor page faults (whole process) per repetition: first writes to freshly mapped memory (they come in bursts). */
  meanFaults: number;
  reps: number;
  samplesMs: number[];
}

/** The plan for a run: `--quick` trades repetitions for time. */
export function timingPlan(quick: boolean): TimingPlan {
  return quick ? { warmup: 1, minReps: 2, maxReps: 10, budgetMs: 400 } : { warmup: 2, minReps: 5, maxReps: 50, budgetMs: 1500 };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Warms up, then repeats `run` and returns median times of one repetition. `firstMs` is how long the
 * check run took (it already warmed the case up): a case slower than the budget skips the warmup and
 * takes 3 repetitions (1 with --quick), one slower than 4 budgets 2.
 */
export async function measure(run: () => void | Promise<void>, plan: TimingPlan, firstMs: number): Promise<Timing> {
  const slow = firstMs > plan.budgetMs;
  const fixedReps = !slow ? 0 : plan.minReps < 5 ? 1 : firstMs > 4 * plan.budgetMs ? 2 : 3;
  if (!slow) {
    // warm up by count AND time: V8 only optimises a hot function after many calls, and a fast case's few runs are not enough
    const w0 = performance.now();
    for (let i = 0; (i < plan.warmup || performance.now() - w0 < plan.budgetMs / 3) && performance.now() - w0 < plan.budgetMs; i++) await run();
  }
  const samples: number[] = [], cpu: number[] = [], faults: number[] = [];
  const t0 = performance.now();
  const more = (): boolean => fixedReps
    ? samples.length < fixedReps
    : samples.length < plan.maxReps && (samples.length < plan.minReps || performance.now() - t0 < plan.budgetMs);
  while (more()) {
    const f = process.resourceUsage().minorPageFault;
    const c = process.cpuUsage();
    const s = performance.now();
    await run();
    samples.push(performance.now() - s);
    const dc = process.cpuUsage(c);
    cpu.push((dc.user + dc.system) / 1000);
    faults.push(process.resourceUsage().minorPageFault - f);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), medianCpuMs: median(cpu), meanFaults: faults.reduce((x, y) => x + y, 0) / faults.length, reps: samples.length, samplesMs: samples };
}
/** The metric's value for a median time. */
export function metricValue(metric: Metric, ms: number): number {
  switch (metric.unit) {
    case "GFLOP/s": return metric.flops / (ms * 1e6);
    case "ms": return ms;
    case "µs/op": return (ms * 1000) / metric.ops;
  }
}
