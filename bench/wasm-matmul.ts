// Micro benchmark of the WebAssembly SIMD matmul kernel against the ref kernel and TF.js wasm (XNNPACK), same run.
// Usage: node --import tsx bench/wasm-matmul.ts [--quick] [--small] [--threads]
//   --small adds n = 4..48 (to pick the threshold); --threads adds the two-thread kernel (threads.ts)
import { seededData, measure, timingPlan, normalisedError, type Expected } from "./harness.ts";
import { matmulRows } from "./reference.ts";
import { tf, tfFrom } from "./peers/tfjs.ts";
import { refBackend } from "../src/backend/ref/index.ts";
import type { View } from "../src/backend/types.ts";
import { enableWasmThreads, disableWasmThreads } from "../src/backend/wasm/threads.ts";
import { defaultWasmMatmul, hasRelaxedSimd, setWasmMatmulThreshold, wasmMatmul } from "../src/backend/wasm/index.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const sizes = [...(args.includes("--small") ? [4, 8, 12, 16, 24, 32, 48] : []), 64, 256, 1024];
const plan = timingPlan(quick);

function view(data: Float32Array, n: number): View {
  return { data, shape: [1, n, n], strides: [n * n, n, 1], offset: 0 };
}

interface Row { n: number; system: string; wall: number; cpu: number; err: number }

async function time(n: number, system: string, run: () => void, result: () => ArrayLike<number>, want: Expected): Promise<Row> {
  const t0 = performance.now();
  run();
  const first = performance.now() - t0;
  const err = normalisedError(result(), want);
  const t = await measure(run, plan, first);
  const flops = 2 * n ** 3;
  return { n, system, wall: flops / t.medianMs / 1e6, cpu: flops / t.medianCpuMs / 1e6, err };
}

async function main(): Promise<void> {
  setWasmMatmulThreshold(0); // measure the kernel itself at every size
  await tf.setBackend("wasm");
  await tf.ready();
  const kernel = defaultWasmMatmul();
  console.log(`wasm kernel: ${kernel ? `${kernel.shape.mr}x${kernel.shape.nr} tiles, unroll ${kernel.shape.unroll}, fma ${kernel.shape.fma}, kc ${kernel.blocking.kc}, mc ${kernel.blocking.mc}` : "unavailable"}; relaxed SIMD ${hasRelaxedSimd()}`);
  console.log(`tfjs ${tf.version_core} wasm: simd=${tf.env().getBool("WASM_HAS_SIMD_SUPPORT")} threads=${tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT")}`);
  const rows: Row[] = [];
  for (const n of sizes) {
    const a = seededData(n * n, 101 + n), b = seededData(n * n, 202 + n);
    const want = matmulRows(a, b, n, n, n);
    const A = view(a, n), B = view(b, n);
    const outW = view(new Float32Array(n * n), n), outR = view(new Float32Array(n * n), n);
    rows.push(await time(n, "wasm (this kernel)", () => { wasmMatmul(A, B, outW); }, () => outW.data, want));
    if (args.includes("--threads") && (await enableWasmThreads())) {
      rows.push(await time(n, "wasm, 2 threads", () => { wasmMatmul(A, B, outW); }, () => outW.data, want));
      await disableWasmThreads();
    }
    if (n <= 256 || !quick) rows.push(await time(n, "ref", () => refBackend.matmul(A, B, outR), () => outR.data, want));
    const TA = tfFrom(a, [n, n]), TB = tfFrom(b, [n, n]);
    let last: Float32Array = new Float32Array(0);
    rows.push(await time(n, "tfjs-wasm", () => { tf.matMul(TA, TB).dispose(); }, () => {
      const c = tf.matMul(TA, TB); last = c.dataSync() as Float32Array; c.dispose(); return last;
    }, want));
    TA.dispose(); TB.dispose();
  }
  console.log("\n   n  system                 GFLOP/s (wall)  GFLOP/s (cpu)  max err / max |ref|");
  for (const r of rows) {
    console.log(`${String(r.n).padStart(4)}  ${r.system.padEnd(22)} ${r.wall.toFixed(2).padStart(14)} ${r.cpu.toFixed(2).padStart(14)}  ${r.err.toExponential(1)}`);
  }
}

await main();
