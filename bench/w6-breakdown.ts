// Where W6's time goes (softmax fwd+bwd [256, 4096] float32): the whole step, its kernels on reused outputs, and fresh 4 MB outputs.
// Usage: node --conditions=source --import tsx bench/w6-breakdown.ts [rounds]
// Rows run interleaved, round after round, in one process; medians and minima of this process's CPU
// time and of wall time, and minor page faults per repetition (a fresh Float32Array's pages fault in
// on first write; a reused one's do not). To see the page faults' share, run it again with glibc
// keeping freed memory mapped: MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=2147483647 (on the
// loaded 2-core VM of Session 7 the step's median CPU time fell from ~45-70 ms to ~7 ms, kernels ~6 ms).
import * as torch from "../src/index.ts";
import { getBackend, jsBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";

const R = 256, C = 4096, N = R * C;
const x = new Float32Array(N).map((_, i) => Math.sin(i * 7.1) * 4), g = new Float32Array(N).map((_, i) => Math.cos(i));
const X = torch.tensor(x).reshape([R, C]).requiresGrad_(), G = torch.tensor(g).reshape([R, C]);
const be = getBackend();
const rows = (d: Float32Array): View => ({ data: d, shape: [R, C], strides: [C, 1], offset: 0 });
const [y, yg, ones, dx] = [0, 1, 2, 3].map(() => new Float32Array(N));
const total = new Float32Array(1), one = new Float32Array([1]);

const CASES: Record<string, () => void> = {
  "W6 step (fresh outputs)": () => { const p = torch.nn.functional.softmax(X, -1); p.mul(G).sum().backward(); X.grad = null; },
  "its kernels, reused outputs": () => {
    be.softmax(rows(x), 1, false, rows(y));
    be.binary("mul", rows(y), rows(g), rows(yg));
    be.reduce("sum", rows(yg), { data: total, shape: [1, 1], strides: [1, 1], offset: 0 });
    be.binary("mul", { data: one, shape: [R, C], strides: [0, 0], offset: 0 }, rows(g), rows(ones));
    be.softmaxBackward(rows(y), rows(ones), 1, false, rows(dx));
  },
  "softmax forward kernel": () => { be.softmax(rows(x), 1, false, rows(y)); },
  "softmax forward, js kernel": () => { jsBackend.softmax(rows(x), 1, false, rows(y)); },
  "softmax backward kernel": () => { be.softmaxBackward(rows(y), rows(ones), 1, false, rows(dx)); },
  "mul kernel": () => { be.binary("mul", rows(y), rows(g), rows(yg)); },
  "sum kernel": () => { be.reduce("sum", rows(yg), { data: total, shape: [1, 1], strides: [1, 1], offset: 0 }); },
  "sum, js kernel": () => { jsBackend.reduce("sum", rows(yg), { data: total, shape: [1, 1], strides: [1, 1], offset: 0 }); },
  "4 fresh 4 MB arrays written": () => { for (let k = 0; k < 4; k++) new Float32Array(N).set(x); },
  "4 reused 4 MB arrays written": () => { for (const o of [y, yg, ones, dx]) o.set(x); },
};

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const faults = (): number => process.resourceUsage().minorPageFault;
const median = (a: readonly number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];

const rounds = Number(process.argv[2] ?? 21);
const cpu: Record<string, number[]> = {}, wall: Record<string, number[]> = {}, pf: Record<string, number[]> = {};
for (let r = 0; r <= rounds; r++) {
  for (const [name, run] of Object.entries(CASES)) {
    const f0 = faults(), c0 = cpuMs(), w0 = performance.now();
    run();
    const dc = cpuMs() - c0, dw = performance.now() - w0, df = faults() - f0;
    if (r === 0) continue; // warm-up
    (cpu[name] ??= []).push(dc); (wall[name] ??= []).push(dw); (pf[name] ??= []).push(df);
  }
}
console.log(`backend ${be.name}; ${rounds} rounds; ms (median / min); page faults (median)`);
for (const name of Object.keys(CASES)) {
  const f = (a: number[]): string => `${median(a).toFixed(2).padStart(7)} / ${Math.min(...a).toFixed(2).padStart(6)}`;
  console.log(`${name.padEnd(30)} cpu ${f(cpu[name])}   wall ${f(wall[name])}   faults ${median(pf[name])}`);
}
