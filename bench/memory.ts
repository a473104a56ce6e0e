// Memory check (`npm run bench:memory`, under node --expose-gc): resident memory of the W3 training loop, no dispose.
import { makeMlpData, tensorgradMlp } from "./workloads/w3-mlp.ts";

function parseSteps(argv: readonly string[]): number {
  const i = argv.indexOf("--steps");
  const n = i >= 0 ? Number(argv[i + 1]) : 1000;
  if (!Number.isInteger(n) || n < 1) throw new Error("--steps takes a positive integer");
  return n;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function main(): void {
  const steps = parseSteps(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.log("note: run under node --expose-gc (npm run bench:memory) for post-GC figures");
  const marks = new Set([1, 10, 100, 1000, 10000, steps].filter((s) => s <= steps));
  const m = tensorgradMlp(makeMlpData());
  const rows: { step: number; rss: number; heapUsed: number; external: number; arrayBuffers: number; loss: number }[] = [];
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = m.forwardBackward();
    m.sgd();
    if (!marks.has(step)) continue;
    gc?.();
    const u = process.memoryUsage();
    rows.push({ step, rss: u.rss, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers, loss: loss.item() });
    console.log(`step ${String(step).padStart(6)}: rss ${mb(u.rss)}, heapUsed ${mb(u.heapUsed)}, arrayBuffers ${mb(u.arrayBuffers)}, loss ${loss.item().toFixed(4)}, ${((performance.now() - t0) / step).toFixed(0)} ms/step`);
  }
  const at = (s: number): (typeof rows)[number] | undefined => rows.find((r) => r.step === s);
  const a = at(100), b = at(steps);
  if (a && b && b.step > a.step) {
    console.log(`step 100 -> ${steps}: rss ${mb(b.rss - a.rss)}, heapUsed ${mb(b.heapUsed - a.heapUsed)}, arrayBuffers ${mb(b.arrayBuffers - a.arrayBuffers)}`);
  }
}

main();
