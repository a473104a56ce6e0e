// In-process A/B timing of float32 activations: the js backend's kernels against the wasm ones (withWasmElementwise), per 2^20 floats.
// Usage: node --conditions=source --import tsx bench/wasm-activation-ab.ts [rounds]
// Both run through Backend.unary on the same dense 2^20-float input (values in [-6, 6], as activations
// see), interleaved op by op, round after round (the first round is a warm-up); ms median / min per call.
import { jsBackend } from "../src/backends.ts";
import type { Backend, UnaryCode, View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";

const N = 1 << 20, rounds = Number(process.argv[2] ?? 15);
const x = Float32Array.from({ length: N }, (_, i) => Math.sin(i * 7.1) * 6), out = new Float32Array(N);
const view = (d: Float32Array): View => ({ data: d, shape: [N], strides: [1], offset: 0 });
const CASES: [string, UnaryCode, number[] | undefined][] = [
  ["silu", "silu", undefined], ["gelu", "gelu", [0]], ["gelu tanh", "gelu", [1]], ["softplus", "softplus", [1, 20]],
  ["logSigmoid", "logSigmoid", undefined], ["erf", "erf", undefined], ["mish", "mish", undefined], ["elu", "elu", [1, 1, 1]], ["sigmoid (before)", "sigmoid", undefined],
];
const systems: [string, Backend][] = [["js", jsBackend], ["wasm", withWasmElementwise(jsBackend)]];
const times = new Map<string, number[][]>();
for (let r = 0; r <= rounds; r++) {
  for (const [label, op, params] of CASES) {
    systems.forEach(([, b], si) => {
      const t0 = performance.now();
      b.unary(op, view(x), view(out), params);
      const dt = performance.now() - t0;
      if (r > 0) { if (!times.has(label)) times.set(label, systems.map(() => [])); times.get(label)![si].push(dt); }
    });
  }
}
const median = (a: readonly number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`${rounds} rounds; ms per 2^20 floats, median / min: ${systems.map(([n]) => n).join(" | ")} | speedup of medians`);
for (const [label, per] of times) {
  const m = per.map(median);
  console.log(`${label.padEnd(18)} ${per.map((t, i) => `${m[i].toFixed(2).padStart(7)} / ${Math.min(...t).toFixed(2).padStart(6)}`).join("   ")}   ${(m[0] / m[1]).toFixed(1)}x`);
}
