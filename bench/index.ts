// The benchmark runner (`npm run bench`): checks every system against float64 references, times medians, reports.
import { caseError, measure, metricValue, parseOptions, selected, timingPlan, type Case, type Expected, type Options, type System, type TimingPlan, type Workload } from "./harness.ts";
import os from "node:os";
import { printBackends, printTable, writeJson, type CaseResult, type CellResult } from "./report.ts";
import { TensorgradSystem } from "./peers/tensorgrad.ts";
import { TfjsSystem } from "./peers/tfjs.ts";
import { JaxSystem } from "./peers/jax.ts";
import { w1 } from "./workloads/w1-matmul.ts";
import { w2 } from "./workloads/w2-elementwise.ts";
import { w3 } from "./workloads/w3-mlp.ts";
import { w4 } from "./workloads/w4-chain.ts";
import { w5 } from "./workloads/w5-conv2d.ts";
import { w6 } from "./workloads/w6-softmax.ts";

const WORKLOADS: Workload[] = [w1, w2, w3, w4, w5, w6];

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const plan = timingPlan(opts.quick);
  const tg = new TensorgradSystem();
  const all: System[] = [tg, new TfjsSystem("cpu"), new TfjsSystem("wasm"), new JaxSystem()];
  const systems = all.filter((s) => selected(opts.systems, s.id));
  // a peer that cannot start (jax-js is optional) is reported and skipped
  const unavailable = new Map<string, string>();
  for (const s of systems) {
    try { await s.activate(); } catch (e) { unavailable.set(s.id, `unavailable: ${(e as Error).message.split("\n")[0]}`); }
  }
  for (const [id, why] of unavailable) console.log(`note: ${id} skipped (${why})`);

  const load = os.loadavg()[0], cores = os.cpus().length;
  const mallocEnv = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"].filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
  console.log(`glibc malloc tuning: ${mallocEnv.length > 0 ? mallocEnv.join(" ") : "none (the default: freed large blocks go back to the OS)"}`);
  console.log(`clock: ${opts.clock}; load average ${load.toFixed(1)} on ${cores} cores${load > cores ? " (loaded machine: wall times are inflated; try --clock cpu)" : ""}`);
  const t0 = performance.now();
  const results: CaseResult[] = [];
  for (const w of WORKLOADS) {
    for (const c of w.cases()) {
      if (!selected(opts.only, w.id, w.title, c.name)) continue;
      const r0 = performance.now();
      const reference = c.reference();
      console.log(`${c.name}: float64 reference in ${(performance.now() - r0).toFixed(0)} ms`);
      const row: CaseResult = { name: c.name, metric: c.metric, tolerance: c.tolerance, results: {} };
      for (const s of systems) {
        const why = unavailable.get(s.id);
        row.results[s.id] = why ? { status: "error", note: why } : await runCell(s, tg, c, reference, plan, opts.clock);
        const r = row.results[s.id];
        const shown = r.status === "ok" ? `${metricValue(c.metric, r.medianMs!).toPrecision(4)} ${c.metric.unit} (median of ${r.reps}, err ${r.checkError!.toExponential(1)})` : `${r.status} ${r.note ?? ""}`;
        console.log(`  ${s.id.padEnd(10)} ${shown}`);
      }
      results.push(row);
    }
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  const ids = systems.map((s) => s.id);
  printTable(results, ids, opts.clock);
  printBackends(results, ids);
  writeJson(opts.json, results, ids, opts, totalSeconds);
  console.log(`total ${totalSeconds.toFixed(0)} s`);
}

/** Builds, checks (traced for tensorgrad) and times one case on one system. */
async function runCell(s: System, tg: TensorgradSystem, c: Case, reference: Expected[], plan: TimingPlan, clock: Options["clock"]): Promise<CellResult> {
  try {
    await s.activate();
    const impl = await c.build(s.id);
    if (typeof impl === "string") return { status: "n/a", note: impl };
    try {
      if (s === tg) tg.traceBegin();
      let got: ArrayLike<number>[];
      const c0 = performance.now();
      try { got = await impl.check(); } finally { if (s === tg) tg.traceEnd(); }
      const checkMs = performance.now() - c0;
      const checkError = caseError(got, reference);
      const ran = s.describe();
      if (!(checkError <= c.tolerance)) return { status: "mismatch", note: `error ${checkError.toExponential(2)} > ${c.tolerance}`, checkError, ran };
      const t = await measure(() => impl.run(), plan, checkMs);
      const ms = clock === "cpu" ? t.medianCpuMs : t.medianMs;
      return { status: "ok", medianMs: ms, wallMs: t.medianMs, cpuMs: t.medianCpuMs, faults: Math.round(t.meanFaults), minMs: t.minMs, reps: t.reps, value: metricValue(c.metric, ms), checkError, ran };
    } finally {
      impl.dispose?.();
    }
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    // a peer without a kernel for this op is "n/a", not broken
    if (/not registered for backend/.test(message)) return { status: "n/a", note: `n/a (${message.replace(/^Kernel '(\w+)'.*/, "no $1 kernel")})` };
    return { status: "error", note: message };
  }
}

await main();
