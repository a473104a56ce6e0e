// The WebAssembly SIMD matmul kernel against the ref kernel: odd sizes, transposes, batches, offsets, fallbacks.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { refBackend } from "../src/backend/ref/index.ts";
import { rng } from "./helpers/samples.ts";
import type { View } from "../src/backend/types.ts";
import { enableWasmThreads, disableWasmThreads } from "../src/backend/wasm/threads.ts";
import { createWasmMatmul, defaultWasmMatmul, setWasmMatmulThreshold, wasmMatmul, withWasmMatmul } from "../src/backend/wasm/index.ts";


interface Layout {
  /** Stored as [cols, rows] and viewed transposed. */
  transposed?: boolean;
  /** Elements before the view's first one. */
  offset?: number;
  /** Batch stride 0: one matrix broadcast over the batch. */
  broadcast?: boolean;
  /** Row pitch larger than the row (a narrowed view). */
  pad?: number;
}

/** A [B, rows, cols] float32 view in the given layout over random data (extra storage is random too). */
function makeView(B: number, rows: number, cols: number, layout: Layout, rand: () => number, fill = true): View {
  const { transposed = false, offset = 0, broadcast = false, pad = 0 } = layout;
  // stored matrix: [outer, inner + pad]
  const outer = transposed ? cols : rows, inner = transposed ? rows : cols, pitch = inner + pad;
  const matrix = outer * pitch;
  const data = new Float32Array(offset + (broadcast ? 1 : B) * matrix + 3);
  if (fill) for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  const strides = transposed ? [broadcast ? 0 : matrix, 1, pitch] : [broadcast ? 0 : matrix, pitch, 1];
  return { data, shape: [B, rows, cols], strides, offset };
}

function at(v: View, b: number, i: number, j: number): number {
  return v.data[v.offset + b * v.strides[0] + i * v.strides[1] + j * v.strides[2]];
}

/**
 * Compares the wasm result with ref's. float32 accumulation order differs between kernels (ref sums
 * in float64, wasm in float32 SIMD lanes), so the bound scales with the magnitude of the summed terms:
 * |wasm - ref| <= 1e-5 * sum_k |a_ik * b_kj| + 1e-6.
 */
function check(a: View, b: View, outLayout: Layout, what: string, run: (a: View, b: View, out: View) => boolean = wasmMatmul): void {
  const [B, M, K] = a.shape, N = b.shape[2];
  const rand = rng(7);
  const got = makeView(B, M, N, outLayout, rand), want = makeView(B, M, N, outLayout, rand);
  // outside the output window both buffers must keep their original contents
  want.data.set(got.data);
  const before = Float32Array.from(got.data);
  assert.equal(run(a, b, got), true, `${what}: wasm declined`);
  refBackend.matmul(a, b, want);
  for (let bt = 0; bt < B; bt++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let mag = 0;
        for (let k = 0; k < K; k++) mag += Math.abs(at(a, bt, i, k) * at(b, bt, k, j));
        const g = at(got, bt, i, j), w = at(want, bt, i, j);
        assert.ok(Math.abs(g - w) <= 1e-5 * mag + 1e-6, `${what}: [${bt},${i},${j}] wasm ${g} ref ${w}`);
      }
    }
  }
  // untouched elements (offset prefix, padding, tail) are unchanged
  const touched = new Set<number>();
  for (let bt = 0; bt < B; bt++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    touched.add(got.offset + bt * got.strides[0] + i * got.strides[1] + j * got.strides[2]);
  }
  for (let p = 0; p < got.data.length; p++) if (!touched.has(p)) assert.equal(got.data[p], before[p], `${what}: wrote outside the view at ${p}`);
}

describe("wasm matmul", () => {
  let prevThreshold = 0;
  before(() => { prevThreshold = setWasmMatmulThreshold(0); });
  after(() => { setWasmMatmulThreshold(prevThreshold); });

  test("wasm SIMD is available in this Node", () => {
    assert.ok(defaultWasmMatmul() !== undefined);
  });

  test("odd sizes 1..70 in each of M, K, N", () => {
    const rand = rng(1);
    const dims = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33, 47, 63, 64, 65, 70];
    for (const m of dims) {
      for (let t = 0; t < 6; t++) {
        const k = dims[Math.floor(rand() * dims.length)], n = dims[Math.floor(rand() * dims.length)];
        check(makeView(1, m, k, {}, rand), makeView(1, k, n, {}, rand), {}, `${m}x${k}x${n}`);
        check(makeView(1, k, m, {}, rand), makeView(1, m, n, {}, rand), {}, `${k}x${m}x${n}`);
        check(makeView(1, k, n, {}, rand), makeView(1, n, m, {}, rand), {}, `${k}x${n}x${m}`);
      }
    }
    for (let s = 1; s <= 70; s++) check(makeView(1, s, s, {}, rand), makeView(1, s, s, {}, rand), {}, `square ${s}`);
  });

  test("every transpose combination of a, b and out, with offsets and padded rows", () => {
    const rand = rng(2);
    const sizes: [number, number, number][] = [[5, 7, 9], [13, 1, 17], [1, 30, 1], [33, 65, 31], [64, 64, 64], [9, 40, 70]];
    for (const [m, k, n] of sizes) {
      for (let mask = 0; mask < 8; mask++) {
        const la: Layout = { transposed: (mask & 1) !== 0, offset: 3, pad: mask & 1 ? 0 : 2 };
        const lb: Layout = { transposed: (mask & 2) !== 0, offset: 5, pad: 1 };
        const lo: Layout = { transposed: (mask & 4) !== 0, offset: 2, pad: mask & 4 ? 1 : 3 };
        check(makeView(1, m, k, la, rand), makeView(1, k, n, lb, rand), lo, `${m}x${k}x${n} mask ${mask}`);
      }
    }
  });

  test("batched, including a broadcast operand (batch stride 0)", () => {
    const rand = rng(3);
    for (const [B, m, k, n] of [[3, 5, 6, 7], [4, 17, 33, 9], [2, 64, 1, 65]]) {
      check(makeView(B, m, k, { offset: 1 }, rand), makeView(B, k, n, { transposed: true }, rand), {}, `batch ${B} ${m}x${k}x${n}`);
      check(makeView(B, m, k, { broadcast: true }, rand), makeView(B, k, n, {}, rand), { offset: 4 }, `broadcast a ${B}`);
      check(makeView(B, m, k, { transposed: true }, rand), makeView(B, k, n, { broadcast: true, offset: 2 }, rand), {}, `broadcast b ${B}`);
    }
  });

  test("sizes past the cache blocks (128+, K over several K blocks)", () => {
    const rand = rng(4);
    for (const [m, k, n] of [[130, 257, 129], [129, 600, 20], [260, 33, 131]]) {
      check(makeView(1, m, k, {}, rand), makeView(1, k, n, {}, rand), {}, `${m}x${k}x${n}`);
      check(makeView(1, m, k, { transposed: true }, rand), makeView(1, k, n, { transposed: true }, rand), { transposed: true }, `${m}x${k}x${n} T`);
    }
  });

  test("every operand layout, k unroll and tile shape (packed / rows; K padding)", () => {
    const rand = rng(9);
    const sizes: [number, number, number][] = [[1, 1, 1], [5, 7, 9], [13, 3, 17], [33, 65, 31], [9, 70, 70], [70, 300, 12]];
    for (const shape of [{ mr: 4, nr: 8, unroll: 1 }, { mr: 4, nr: 8, unroll: 3 }, { mr: 6, nr: 12, unroll: 2 }]) {
      for (const la of ["packed", "rows"] as const) {
        for (const lb of ["packed", "rows"] as const) {
          const kernel = createWasmMatmul({ ...shape, fma: false }, { kc: 64, mc: 24 }, { a: la, b: lb, rowsMaxMacs: 0 })!;
          const run = (a: View, b: View, out: View) => kernel.run(a, b, out);
          for (const [m, k, n] of sizes) {
            const what = `${JSON.stringify(shape)} ${la}/${lb} ${m}x${k}x${n}`;
            check(makeView(2, m, k, { offset: 1, pad: 2 }, rand), makeView(2, k, n, { pad: 3 }, rand), {}, what, run);
            check(makeView(1, m, k, {}, rand), makeView(1, k, n, { transposed: true }, rand), { transposed: true }, `${what} bT`, run);
            check(makeView(1, m, k, { transposed: true, offset: 2, pad: 1 }, rand), makeView(1, k, n, { offset: 1 }, rand), {}, `${what} aT`, run);
            // neither stride 1 (every other element): the JavaScript packers
            const spread = (v: View): View => {
              const data = new Float32Array(2 * v.data.length);
              v.data.forEach((x, i) => { data[2 * i] = x; data[2 * i + 1] = NaN; });
              return { data, shape: v.shape, strides: v.strides.map((st) => 2 * st), offset: 2 * v.offset };
            };
            check(spread(makeView(1, m, k, {}, rand)), spread(makeView(1, k, n, { transposed: true }, rand)), {}, `${what} strided`, run);
            // stale arena contents in the padding: poison it with NaN/Inf and run again
            kernel.run(makeView(1, 80, 80, {}, () => NaN), makeView(1, 80, 80, {}, () => Infinity), makeView(1, 80, 80, {}, rand));
            check(makeView(1, m, k, {}, rand), makeView(1, k, n, {}, rand), {}, `${what} after NaN`, run);
          }
        }
      }
    }
  });

  test("a big call then small ones: stale arena contents never leak into results", () => {
    const rand = rng(5);
    check(makeView(1, 200, 300, {}, rand), makeView(1, 300, 100, {}, rand), {}, "big");
    for (const [m, k, n] of [[3, 5, 7], [9, 2, 11], [1, 1, 1]]) check(makeView(1, m, k, {}, rand), makeView(1, k, n, {}, rand), {}, `after big ${m}x${k}x${n}`);
  });

  test("the arena grows to a high-water mark and stays there (no per-call allocation)", () => {
    const rand = rng(6);
    const kernel = defaultWasmMatmul()!;
    const a = makeView(1, 150, 150, {}, rand), b = makeView(1, 150, 150, {}, rand), out = makeView(1, 150, 150, {}, rand, false);
    wasmMatmul(a, b, out);
    const size = kernel.arenaBytes;
    for (let i = 0; i < 50; i++) wasmMatmul(a, b, out);
    assert.equal(kernel.arenaBytes, size);
  });

  test("declines what it does not run: non-float32 dtypes, empty dims, below the threshold", () => {
    const rand = rng(8);
    const f64 = { data: new Float64Array(4), shape: [1, 2, 2], strides: [4, 2, 1], offset: 0 };
    const f32 = makeView(1, 2, 2, {}, rand);
    assert.equal(wasmMatmul(f64, f64, f64), false);
    assert.equal(wasmMatmul(f32, f32, f64), false);
    const empty = { data: new Float32Array(0), shape: [1, 2, 0], strides: [0, 0, 1], offset: 0 };
    assert.equal(wasmMatmul(empty, { ...empty, shape: [1, 0, 2] }, makeView(1, 2, 2, {}, rand)), false);
    const prev = setWasmMatmulThreshold(1000);
    try {
      assert.equal(wasmMatmul(f32, f32, makeView(1, 2, 2, {}, rand)), false);
    } finally {
      setWasmMatmulThreshold(prev);
    }
  });

  test("thread teams (helper workers over shared memory) agree with ref, then hand back to one thread", () => {
    torch.setNumThreads(1);
    const single = defaultWasmMatmul();
    assert.equal(torch.getNumThreads(), 1);
    const rand = rng(10);
    try {
      for (const n of [2, 3]) {
        torch.setNumThreads(n);
        // products of at least 128^3 multiply-adds share their M panels (the first one starts the team)
        for (const [B, m, k, n2] of [[1, 130, 129, 131], [2, 257, 140, 70], [1, 131, 300, 260], [3, 200, 130, 128]]) {
          check(makeView(B, m, k, { offset: 1 }, rand), makeView(B, k, n2, {}, rand), {}, `${n} threads ${B}x${m}x${k}x${n2}`);
          check(makeView(B, m, k, { transposed: true }, rand), makeView(B, k, n2, { transposed: true }, rand), { offset: 3 }, `${n} threads T ${m}x${k}x${n2}`);
          check(makeView(B, m, k, {}, rand), makeView(B, k, n2, {}, rand), { transposed: true, pad: 2 }, `${n} threads, transposed out ${m}x${k}x${n2}`);
        }
        // batch items each below the thread threshold, together above it: shared out by item (Note [wasm batch items])
        for (const [B, m, k, n2] of [[16, 16, 72, 1024], [5, 33, 70, 129], [9, 64, 64, 64]]) {
          check(makeView(B, m, k, { broadcast: true }, rand), makeView(B, k, n2, { offset: 2 }, rand), {}, `${n} threads, ${B} items ${m}x${k}x${n2}`);
          check(makeView(B, m, k, { transposed: true }, rand), makeView(B, k, n2, { transposed: true, broadcast: true }, rand), { transposed: true, offset: 1 }, `${n} threads, ${B} items T ${m}x${k}x${n2}`);
        }
        assert.notEqual(defaultWasmMatmul(), single);
        assert.equal(torch.getNumThreads(), n);
      }
    } finally {
      torch.setNumThreads(1);
    }
    assert.equal(defaultWasmMatmul(), single);
  });

  test("a thread team survives many back-to-back products (job epochs never mix)", () => {
    torch.setNumThreads(2);
    try {
      torch.manualSeed(3);
      const a = torch.randn([160, 150]), b = torch.randn([150, 140]);
      const want = torch.backends.setBackend(refBackend);
      let ref: torch.Tensor;
      try { ref = torch.matmul(a, b); } finally { torch.backends.setBackend(want); }
      for (let i = 0; i < 300; i++) {
        const got = torch.matmul(a, b);
        if (!torch.allclose(got, ref, { rtol: 1e-5, atol: 1e-4 })) assert.fail(`product ${i} differs from ref`);
      }
    } finally {
      torch.setNumThreads(1);
    }
  });

  test("setNumThreads refuses what torch.set_num_threads refuses; enableWasmThreads still works", async () => {
    assert.throws(() => torch.setNumThreads(0), { name: "RuntimeError", message: "set_num_threads expects a positive integer" });
    assert.throws(() => torch.setNumThreads(1.5), { name: "RuntimeError", message: "set_num_threads expects an int, but got float" });
    assert.equal(await enableWasmThreads(), true);
    assert.ok(torch.getNumThreads() >= 2);
    await disableWasmThreads();
  });

  test("withWasmMatmul: tensor ops on ref + wasm agree with ref, float64 falls back", () => {
    const wrapped = withWasmMatmul(refBackend);
    assert.equal(wrapped.name, "ref+wasm-matmul");
    torch.manualSeed(0);
    const a = torch.randn([3, 20, 30]), b = torch.randn([30, 25]);
    const a64 = a.to(torch.float64), b64 = b.to(torch.float64);
    const want = torch.matmul(a, b), want64 = torch.matmul(a64, b64);
    const prev = torch.backends.setBackend(wrapped);
    let got: torch.Tensor, got64: torch.Tensor;
    try {
      got = torch.matmul(a, b);
      got64 = torch.matmul(a64, b64);
    } finally {
      torch.backends.setBackend(prev);
    }
    assert.ok(torch.allclose(got, want, { rtol: 1e-5, atol: 1e-5 }));
    assert.ok(torch.equal(got64, want64)); // same ref kernel
  });
});

test("torch.backends.init() loads the wasm matmul asynchronously (the browser path) and it computes", async () => {
  const { setDefaultWasmMatmul, loadWasmMatmul, isWasmMatmulLoaded } = await import("../src/backend/wasm/index.ts");
  const torch = await import("tensorgrad");
  const prev = setDefaultWasmMatmul(undefined);
  try {
    assert.equal(isWasmMatmulLoaded(), false);
    assert.equal(await loadWasmMatmul(), true);
    assert.equal(isWasmMatmulLoaded(), true);
    assert.deepEqual(await torch.backends.init({ numThreads: 2 }), { wasmMatmul: true, wasmElementwise: true, threads: 2 });
    assert.equal(torch.getNumThreads(), 2);
    assert.deepEqual(await torch.backends.init({ numThreads: 1 }), { wasmMatmul: true, wasmElementwise: true, threads: 1 });
    const a = torch.randn(33, 70), b = torch.randn(70, 17);
    const fast = a.matmul(b);
    const prevBackend = torch.backends.setBackend(torch.backends.refBackend);
    const slow = a.matmul(b);
    torch.backends.setBackend(prevBackend);
    assert.ok(fast.sub(slow).abs().amax().item() < 1e-4);
  } finally {
    setDefaultWasmMatmul(prev);
  }
});
