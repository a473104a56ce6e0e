// A small MLP training loop run under `node --expose-gc` by test/memory.test.ts: prints heap and graph figures as JSON.
import * as torch from "tensorgrad";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
torch.manualSeed(0);
const w1 = torch.randn(20, 16).mul(0.2).requiresGrad_();
const w2 = torch.randn(16, 4).mul(0.2).requiresGrad_();
const x = torch.randn(32, 20);
const target = torch.randint(0, 4, [32]);
const heap: Record<number, number> = {};
const saved: number[] = [];
for (let step = 1; step <= 1000; step++) {
  const loss = torch.nn.functional.crossEntropy(x.matmul(w1).relu().matmul(w2), target);
  loss.backward();
  saved.push(torch.autograd.graph.savedTensorStats(loss).tensors);
  torch.noGrad(() => {
    for (const p of [w1, w2]) { p.sub_(p.grad!.mul(0.05)); p.grad = null; }
  });
  if (step === 100 || step === 1000) { gc(); gc(); heap[step] = process.memoryUsage().heapUsed; }
}
console.log(JSON.stringify({ heap, maxSavedAfterBackward: Math.max(...saved) }));
