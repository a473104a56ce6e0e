import * as torch from "tensorgrad";
function run() {
  const x = torch.tensor([1.5], { requiresGrad: true });
  let y = x;
  for (let i = 0; i < 1000; i++) y = (i % 2 ? y.mul(1.0001) : y.add(0.001));
  y.sum().backward();
}
for (let i = 0; i < 20; i++) run();
const t0 = performance.now();
const N = 300;
for (let i = 0; i < N; i++) run();
console.log(`${((performance.now() - t0) / N / 1000 * 1000).toFixed(2)} µs per op`);
