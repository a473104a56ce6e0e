// The report: the results table (medians and tensorgrad-vs-peer ratios) on stdout, and the JSON file.
import * as torch from "tensorgrad";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import os from "node:os";
import type { Metric, Options } from "./harness.ts";

/** One system's outcome on one case. */
export interface CellResult {
  status: "ok" | "n/a" | "mismatch" | "error";
  /** Why it did not run, or the error. */
  note?: string;
  /** The median the table uses (wall or CPU time, as --clock says). */
  medianMs?: number;
  wallMs?: number;
  cpuMs?: number;
  /** Mean minor page faults per repetition (the process's first writes to freshly mapped memory). */
  faults?: number;
  minMs?: number;
  reps?: number;
  /** The metric at the median (GFLOP/s, ms or µs/op). */
  value?: number;
  /** The normalised error of the check run against the float64 reference. */
  checkError?: number;
  /** The backend and kernels that ran (for tensorgrad, the kernels the check run called). */
  ran?: string;
}

export interface CaseResult {
  name: string;
  metric: Metric;
  tolerance: number;
  results: Record<string, CellResult>;
}

function fmt(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function cell(r: CellResult | undefined): string {
  if (!r) return "-";
  if (r.status === "ok") return fmt(r.value!);
  if (r.status === "n/a") return r.note ?? "n/a";
  return r.status;
}

/** tensorgrad's median time over the peer's: above 1, tensorgrad is that many times slower. */
export function ratio(c: CaseResult, peer: string): number | undefined {
  const tg = c.results.tensorgrad, p = c.results[peer];
  if (tg?.status !== "ok" || p?.status !== "ok") return undefined;
  return tg.medianMs! / p.medianMs!;
}

/** Prints the table of medians, the ratios, and what ran. */
export function printTable(cases: CaseResult[], systems: string[], clock: Options["clock"]): void {
  const peers = systems.filter((s) => s !== "tensorgrad");
  const header = ["case", "unit", ...systems, ...(systems.includes("tensorgrad") ? peers.map((p) => `tg/${p}`) : [])];
  const rows = cases.map((c) => [
    c.name, c.metric.unit, ...systems.map((s) => cell(c.results[s])),
    ...(systems.includes("tensorgrad") ? peers.map((p) => { const r = ratio(c, p); return r === undefined ? "-" : `${fmt(r)}×`; }) : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  console.log(`\nmedians of ${clock === "cpu" ? "process CPU time" : "wall time"}; GFLOP/s higher is better, ms and µs/op lower is better; tg/peer = tensorgrad time ÷ peer time (>1: tensorgrad slower)`);
  const problems = cases.flatMap((c) => Object.entries(c.results).filter(([, r]) => r.status === "mismatch" || r.status === "error").map(([s, r]) => `  ${c.name} on ${s}: ${r.status} ${r.note ?? ""}`));
  if (problems.length) console.log(`\nproblems:\n${problems.join("\n")}`);
}

/** Prints, per case, the backend and kernels tensorgrad ran, and each peer's backend once. */
export function printBackends(cases: CaseResult[], systems: string[]): void {
  console.log("\nwhat ran:");
  for (const s of systems) {
    if (s === "tensorgrad") continue;
    const ran = cases.map((c) => c.results[s]?.ran).find((r) => r);
    const skipped = cases.map((c) => c.results[s]).find((r) => r?.status === "error");
    console.log(`  ${s}: ${ran ?? `did not run (${skipped?.note ?? "skipped"})`}`);
  }
  if (!systems.includes("tensorgrad")) return;
  for (const c of cases) {
    const r = c.results.tensorgrad;
    const faults = r?.faults === undefined ? "" : `; ${r.faults} page faults per repetition (mean)`;
    console.log(`  tensorgrad ${c.name}: ${r?.ran ?? r?.note ?? "-"}${faults}`);
  }
}

/** Writes the run as JSON (machine, options, every cell, ratios). */
export function writeJson(path: string, cases: CaseResult[], systems: string[], opts: Options, totalSeconds: number): void {
  const peers = systems.filter((s) => s !== "tensorgrad");
  const doc = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    threads: torch.getNumThreads(),
    mallocEnv: { MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? null, MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? null },
    options: opts,
    totalSeconds,
    systems,
    cases: cases.map((c) => ({ ...c, ratios: Object.fromEntries(peers.map((p) => [`tensorgrad/${p}`, ratio(c, p) ?? null])) })),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
}
