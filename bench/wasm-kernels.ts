// In-process A/B timing of the wasm elementwise kernels (exp/log/tanh/sigmoid, softmax family) on data already in wasm memory.
// Usage: node --conditions=source --import tsx bench/wasm-kernels.ts [rounds] [dir ...]
// Each dir holds a variant's unary-kernels.ts and softmax-kernels.ts (default: src/backend/wasm; to
// compare against an older commit, copy its two files and simd-math.ts into a folder, pointing their
// assembler.ts import at src/backend/wasm/assembler.ts). Kernels run as elementwise.ts calls them: 16384
// floats per unary call, 4 rows of 4096 per softmax call (operands in L2), 64 calls = 2^20 floats. The
// variants run interleaved, kernel by kernel, round after round; ms per 2^20 floats, median and minimum.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { emitModule, type FunctionBuilder } from "../src/backend/wasm/assembler.ts";
import { wasmNamespace } from "../src/backend/wasm/runtime.ts";
import { refBackend } from "../src/backends.ts";

type Fns = () => { name: string; fn: FunctionBuilder }[];
type Kernel = (...args: number[]) => void;

const CHUNK = 16384, COLS = 4096, ROWS = CHUNK / COLS, CALLS = (1 << 20) / CHUNK;
const rounds = Number(process.argv[2] ?? 15);
const dirs = process.argv.length > 3 ? process.argv.slice(3) : [path.join(import.meta.dirname, "../src/backend/wasm")];

const wasm = wasmNamespace()!;
const rowsView = (d: Float32Array) => ({ data: d, shape: [ROWS, COLS], strides: [COLS, 1], offset: 0 });
const x = Float32Array.from({ length: CHUNK }, (_, i) => Math.sin(i * 7.1) * 4);
const g = Float32Array.from({ length: CHUNK }, (_, i) => Math.cos(i));
const wide = Float32Array.from({ length: CHUNK }, (_, i) => Math.sin(i * 3.7) * 10);
const y = new Float32Array(CHUNK), ly = new Float32Array(CHUNK);
refBackend.softmax(rowsView(x), 1, false, rowsView(y));
refBackend.softmax(rowsView(x), 1, true, rowsView(ly));
const B = 4 * CHUNK; // bytes per region

/** name -> [inputs per region, call] */
const CASES: Record<string, { inputs: Float32Array[]; call: (k: Record<string, Kernel>) => void }> = {};
for (const op of ["exp", "tanh", "sigmoid"]) CASES[op] = { inputs: [wide], call: (k) => k[op](0, B, B) };
CASES.log = { inputs: [x.map(Math.abs)], call: (k) => k.log(0, B, B) };
for (const kind of ["softmax", "logSoftmax"]) CASES[kind] = { inputs: [x], call: (k) => k[kind](0, 2 * B, COLS, ROWS) };
// a causal-style mask: each row's second half -inf (the exp's slow path for those vectors)
const masked = x.map((v, i) => (i % COLS >= COLS / 2 ? -Infinity : v));
CASES["softmax, half -inf"] = { inputs: [masked], call: (k) => k.softmax(0, 2 * B, COLS, ROWS) };
CASES.softmaxBackward = { inputs: [y, g], call: (k) => k.softmaxBackward(0, B, 2 * B, COLS, ROWS) };
CASES.logSoftmaxBackward = { inputs: [ly, g], call: (k) => k.logSoftmaxBackward(0, B, 2 * B, COLS, ROWS) };

interface Variant { name: string; heap: Float32Array; kernels: Record<string, Kernel> }
const variants: Variant[] = [];
for (const dir of dirs) {
  const unary = (await import(pathToFileURL(path.resolve(dir, "unary-kernels.ts")).href)) as { unaryFunctions: Fns };
  const softmax = (await import(pathToFileURL(path.resolve(dir, "softmax-kernels.ts")).href)) as { softmaxFunctions: Fns };
  const memory = new wasm.Memory({ initial: 4 });
  const bytes = emitModule([...unary.unaryFunctions(), ...softmax.softmaxFunctions()], { shared: false, maxPages: 4 });
  const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  variants.push({ name: dir, heap: new Float32Array(memory.buffer), kernels: exports as Record<string, Kernel> });
}

const median = (a: readonly number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];
const times: Record<string, number[][]> = {};
for (let r = 0; r <= rounds; r++) {
  for (const [name, c] of Object.entries(CASES)) {
    variants.forEach((v, vi) => {
      c.inputs.forEach((d, k) => v.heap.set(d, k * CHUNK));
      const t0 = performance.now();
      for (let n = 0; n < CALLS; n++) c.call(v.kernels);
      const dt = performance.now() - t0;
      if (r > 0) ((times[name] ??= variants.map(() => []))[vi]).push(dt);
    });
  }
}
console.log(`${rounds} rounds; ms per 2^20 floats, median / min; variants: ${variants.map((v, i) => `[${i}] ${v.name}`).join(", ")}`);
for (const [name, per] of Object.entries(times)) {
  console.log(`${name.padEnd(20)} ${per.map((t) => `${median(t).toFixed(3).padStart(7)} / ${Math.min(...t).toFixed(3).padStart(6)}`).join("   ")}`);
}
