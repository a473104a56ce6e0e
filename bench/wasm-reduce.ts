// A/B of the wasm sum / max / min, broadcast-binary and unrolled binary kernels against what they replace, in one process, interleaved.
// Usage: node --conditions=source --import tsx bench/wasm-reduce.ts [rounds]
// With OLD_SRC=/path/to/an/older/checkout/src/index.ts (e.g. `git archive <commit> src | tar -x -C /tmp/old`,
// plus a node_modules link) the W3 and W6 steps also run on that older library, interleaved with this one.
// Each row is one sample per round (its body repeated `reps` times); medians and minima of wall time per repetition.
// ONLY=<text> keeps the rows whose name contains it (e.g. ONLY=step).
import * as torch from "../src/index.ts";
import { jsBackend } from "../src/backends.ts";
import type { Backend, BinaryCode, ReduceCode, View } from "../src/backend/types.ts";
import { emitModule, FunctionBuilder, I32 } from "../src/backend/wasm/assembler.ts";
import { BINARY_EMITTERS, emitBinary } from "../src/backend/wasm/elementwise-kernels.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { wasmNamespace } from "../src/backend/wasm/runtime.ts";

type Torch = typeof torch;
const N = 1 << 20, CH = 16384;
const rand = (n: number, seed: number): Float32Array => new Float32Array(n).map((_, i) => Math.sin(i * 7.1 + seed) * 4);
const dense = (d: Float32Array, shape: number[], offset = 0): View => {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, q) => p * q, 1));
  return { data: d, shape, strides, offset };
};
const wasm = withWasmElementwise(jsBackend);

// ---- the binary kernel's loop, operands already in wasm memory (64 chunks of CH floats each, in L2) ----
/** The loop before unrolling (three pointers advanced per vector), kept here as the baseline. */
function emitSteppedBinary(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [pa, pb, po, bytes] = [0, 1, 2, 3];
  const end = f.local(I32);
  f.get(po).get(bytes).i32Add().set(end);
  f.block().loop().get(po).get(pa).v128Load(0).get(pb).v128Load(0).f32x4Mul().v128Store(0)
    .get(pa).i32(16).i32Add().set(pa).get(pb).i32(16).i32Add().set(pb)
    .get(po).i32(16).i32Add().tee(po).get(end).i32Ne().brIf(0).end().end();
  return f;
}
type BinFn = (pa: number, pb: number, po: number, bytes: number) => void;
function kernelIn(fn: FunctionBuilder): BinFn {
  const w = wasmNamespace()!;
  const memory = new w.Memory({ initial: 4 });
  const inst = new w.Instance(new w.Module(emitModule([{ name: "k", fn }], { shared: false, maxPages: 64 })), { env: { memory } });
  new Float32Array(memory.buffer).set(rand(3 * CH, 1));
  return inst.exports.k as BinFn;
}
const chunks = (k: BinFn) => (): void => { for (let s = 0; s < N; s += CH) k(0, 4 * CH, 8 * CH, 4 * CH); };
const stepped = kernelIn(emitSteppedBinary()), unroll1 = kernelIn(emitBinary(BINARY_EMITTERS.mul, 1)), unroll4 = kernelIn(emitBinary(BINARY_EMITTERS.mul, 4));

// ---- operands ----
const x = rand(N, 2), y = rand(N, 3), o = new Float32Array(N), one = new Float32Array([1.5]);
const bias = rand(512, 4), col = rand(256, 5), h = rand(128 * 512, 6), ho = new Float32Array(128 * 512);
const reduceTo = (op: ReduceCode) => (be: Backend, shape: number[], outShape: number[]) => {
  const out = new Float32Array(outShape.reduce((p, q) => p * q, 1));
  return (): void => be.reduce(op, dense(x.subarray(0, shape.reduce((p, q) => p * q, 1)), shape), dense(out, outShape));
};
const sumTo = reduceTo("sum");
/** js and wasm rows of max and min over [256,4096]: all, the last dim, dim 0. */
const minMaxRows = (): Row[] => (["max", "min"] as const).flatMap((op) => ([["all", [1, 1]], ["dim1", [256, 1]], ["dim0", [1, 4096]]] as const)
  .flatMap(([what, outShape]) => ([["js", jsBackend], ["wasm", wasm]] as const)
    .map(([tag, be]) => ({ name: `${op} ${what} [256,4096] ${tag}`, reps: 2, run: reduceTo(op)(be, [256, 4096], [...outShape]) }))));
const bin = (be: Backend, op: BinaryCode, a: View, b: View, out: View) => (): void => be.binary(op, a, b, out);
const row512: View = { data: bias, shape: [128, 512], strides: [0, 1], offset: 0 };
const col256: View = { data: col, shape: [256, 4096], strides: [1, 0], offset: 0 };
const X = torch.tensor(x), Y = torch.tensor(y);

interface Row { readonly name: string; readonly reps: number; readonly run: () => void | Promise<void> }
const ROWS: Row[] = [
  { name: "mul loop 2^20 in wasm mem, 3 pointers", reps: 4, run: chunks(stepped) },
  { name: "mul loop 2^20 in wasm mem, unroll 1", reps: 4, run: chunks(unroll1) },
  { name: "mul loop 2^20 in wasm mem, unroll 4", reps: 4, run: chunks(unroll4) },
  { name: "mul 2^20 backend, reused out", reps: 2, run: bin(wasm, "mul", dense(x, [N]), dense(y, [N]), dense(o, [N])) },
  { name: "mul 2^20 copies only (3 per chunk)", reps: 2, run: () => { const hp = new Float32Array(3 * CH); for (let s = 0; s < N; s += CH) { hp.set(x.subarray(s, s + CH), 0); hp.set(y.subarray(s, s + CH), CH); o.set(hp.subarray(2 * CH), s); } } },
  { name: "torch.mul 2^20 (fresh out)", reps: 2, run: () => { X.mul(Y); } },
  { name: "sum all [256,4096] js", reps: 2, run: sumTo(jsBackend, [256, 4096], [1, 1]) },
  { name: "sum all [256,4096] wasm", reps: 2, run: sumTo(wasm, [256, 4096], [1, 1]) },
  { name: "sum dim1 [256,4096] js", reps: 2, run: sumTo(jsBackend, [256, 4096], [256, 1]) },
  { name: "sum dim1 [256,4096] wasm", reps: 2, run: sumTo(wasm, [256, 4096], [256, 1]) },
  { name: "sum dim0 [128,512] js", reps: 20, run: sumTo(jsBackend, [128, 512], [1, 512]) },
  { name: "sum dim0 [128,512] wasm", reps: 20, run: sumTo(wasm, [128, 512], [1, 512]) },
  { name: "sum dim1 [32,64,512] js", reps: 2, run: sumTo(jsBackend, [32, 64, 512], [32, 1, 512]) },
  { name: "sum dim1 [32,64,512] wasm", reps: 2, run: sumTo(wasm, [32, 64, 512], [32, 1, 512]) },
  { name: "sum dims 0,2 [16,64,1024] js", reps: 2, run: sumTo(jsBackend, [16, 64, 1024], [1, 64, 1]) },
  { name: "sum dims 0,2 [16,64,1024] wasm", reps: 2, run: sumTo(wasm, [16, 64, 1024], [1, 64, 1]) },
  { name: "add [128,512]+[512] js", reps: 20, run: bin(jsBackend, "add", dense(h, [128, 512]), row512, dense(ho, [128, 512])) },
  { name: "add [128,512]+[512] wasm", reps: 20, run: bin(wasm, "add", dense(h, [128, 512]), row512, dense(ho, [128, 512])) },
  { name: "mul [256,4096]*[256,1] js", reps: 2, run: bin(jsBackend, "mul", dense(x, [256, 4096]), col256, dense(o, [256, 4096])) },
  { name: "mul [256,4096]*[256,1] wasm", reps: 2, run: bin(wasm, "mul", dense(x, [256, 4096]), col256, dense(o, [256, 4096])) },
  { name: "mul 2^20 by one value, wasm", reps: 2, run: bin(wasm, "mul", { data: one, shape: [N], strides: [0], offset: 0 }, dense(y, [N]), dense(o, [N])) },
  ...minMaxRows(),
];

// ---- whole steps, on this library and (OLD_SRC) an older one ----
function w6Step(t: Torch): () => void {
  const xs = t.tensor(rand(256 * 4096, 7)).reshape([256, 4096]).requiresGrad_(), g = t.tensor(rand(256 * 4096, 8)).reshape([256, 4096]);
  return () => { t.nn.functional.softmax(xs, -1).mul(g).sum().backward(); xs.grad = null; };
}
function w3Step(t: Torch): () => void {
  const sizes = [784, 512, 256, 10], B = 128;
  const input = t.tensor(rand(B * 784, 9)).reshape([B, 784]);
  const target = t.tensor(new Float32Array(B * 10).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0))).reshape([B, 10]);
  const params: torch.Tensor[] = [];
  for (let l = 0; l < 3; l++) {
    const s = 1 / Math.sqrt(sizes[l]);
    params.push(t.tensor(rand(sizes[l + 1] * sizes[l], 10 + l).map((v) => v * s / 4)).reshape([sizes[l + 1], sizes[l]]).requiresGrad_());
    params.push(t.tensor(rand(sizes[l + 1], 20 + l).map((v) => v * s / 4)).requiresGrad_());
  }
  return () => {
    let z = input;
    for (let l = 0; l < 3; l++) { z = t.nn.functional.linear(z, params[2 * l], params[2 * l + 1]); if (l < 2) z = z.relu(); }
    t.nn.functional.crossEntropy(z, target).backward();
    t.noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(0.01)); });
    for (const p of params) p.grad = null;
  };
}

async function main(): Promise<void> {
  const libs: [string, Torch][] = [["new", torch]];
  if (process.env.OLD_SRC) libs.unshift(["old", (await import(process.env.OLD_SRC)) as Torch]);
  for (const [tag, t] of libs) {
    ROWS.push({ name: `W6 step (${tag})`, reps: 1, run: w6Step(t) }, { name: `W3 step (${tag})`, reps: 1, run: w3Step(t) });
  }
  const only = process.env.ONLY;
  if (only !== undefined) ROWS.splice(0, ROWS.length, ...ROWS.filter((r) => r.name.includes(only)));
  const rounds = Number(process.argv[2] ?? 15);
  const wall: Record<string, number[]> = {};
  for (let r = 0; r <= rounds; r++) {
    for (const { name, reps, run } of ROWS) {
      const w0 = performance.now();
      for (let k = 0; k < reps; k++) await run();
      if (r > 0) (wall[name] ??= []).push((performance.now() - w0) / reps);
    }
  }
  const median = (a: readonly number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1];
  console.log(`${rounds} rounds; wall ms per repetition (median / min)`);
  for (const { name } of ROWS) console.log(`${name.padEnd(42)} ${median(wall[name]).toFixed(3).padStart(8)} / ${Math.min(...wall[name]).toFixed(3).padStart(7)}`);
  // paired: each round's new / old of the same step (load drifts between rounds, less within one)
  for (const step of ["W6", "W3"]) {
    const o = wall[`${step} step (old)`], n = wall[`${step} step (new)`];
    if (o !== undefined) console.log(`${step} step new / old, median of per-round ratios: ${median(n.map((v, i) => v / o[i])).toFixed(3)}`);
  }
}
void main();
