// A loop of deferred elementwise results (read, never read, inputs written in place after) run under `node --expose-gc` by test/deferred.test.ts: prints heap figures as JSON.
import * as torch from "tensorgrad";
import { deferStats, setDeferThreshold } from "../../src/ops/deferred.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
setDeferThreshold(1);
torch.manualSeed(0);
const w = torch.randn(5000), x = torch.randn(5000), b = torch.randn(5000);
const heap: Record<number, number> = {}, buffers: Record<number, number> = {};
for (let step = 1; step <= 1000; step++) {
  const y = w.mul(x).add(b);
  y.sum().item();
  w.mul(2).sub(b).div(x); // a chain and a third op, never read
  w.sub_(y.mul(1e-6)); // w is read by unread deferred results: each write copies it once
  if (step === 100 || step === 1000) { gc(); gc(); heap[step] = process.memoryUsage().heapUsed; buffers[step] = process.memoryUsage().arrayBuffers; }
}
console.log(JSON.stringify({ heap, buffers, deferred: deferStats.deferred, chained: deferStats.chained }));
