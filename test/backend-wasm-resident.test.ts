// Resident copies (Note [resident copies]): every reused copy is checked against its array while the op library's samples, in-place writes and gradient accumulation run through the wasm kernels.
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { allOpInfos } from "../src/ops/registry.ts";
import { setWasmElementwiseThreshold, sharedElementwise } from "../src/backend/wasm/elementwise.ts";
import { ResidentRing, residentStats, setResidentBytes, setResidentCheck, setResidentCopies, type Slot } from "../src/backend/wasm/resident.ts";
import { sampleResult } from "./helpers/sample-result.ts";

/** Runs `f` with every wasm kernel taking even tiny tensors and every reused copy checked (a stale one throws). */
function checked<T>(f: () => T): T {
  const threshold = setWasmElementwiseThreshold(0), check = setResidentCheck(true);
  try { return f(); } finally { setWasmElementwiseThreshold(threshold); setResidentCheck(check); }
}

test("every OpInfo sample, forward and two backward passes: no stale copy, and the same results as without copies", () => {
  const hits = residentStats.hits;
  let compared = 0;
  for (const info of allOpInfos()) {
    for (let i = 0; i < info.samples.length; i++) {
      const prev = setResidentCopies(false);
      let plain: string;
      try { plain = checked(() => sampleResult(info, i, 2)); } finally { setResidentCopies(prev); }
      assert.equal(checked(() => sampleResult(info, i, 2)), plain, `${info.name} sample ${i}`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `only ${compared} samples compared`);
  assert.ok(residentStats.hits - hits > 1000, `only ${residentStats.hits - hits} copies reused`);
});

test("in-place writes (whole, partial, through views, by the optimizer step) are never read back stale", () => {
  checked(() => {
    torch.manualSeed(1);
    const a = torch.randn([64, 80]), b = torch.randn([64, 80]);
    const expect = (t: torch.Tensor, values: torch.Tensor, what: string) => assert.deepEqual(t.tolist(), values.tolist(), what);
    a.mul(b); // a and b resident
    a.add_(1);
    expect(a.mul(b), torch.tensor(a.tolist()).mul(torch.tensor(b.tolist())), "after add_");
    a.narrow(0, 3, 5).mul_(2);
    expect(a.exp(), torch.tensor(a.tolist()).exp(), "after a partial mul_");
    a.view([80, 64]).t().neg_();
    expect(torch.softmax(a, -1), torch.softmax(torch.tensor(a.tolist()), -1), "after a write through a view");
    a.copy_(b);
    expect(a.sub(b), torch.zeros([64, 80]), "after copy_");
    a.zero_();
    expect(a.add(b), b, "after zero_");
    const w = torch.randn([64, 80]).requiresGrad_();
    for (let step = 0; step < 3; step++) {
      w.mul(b).sum().backward();
      torch.noGrad(() => w.sub_(w.grad!.mul(0.1)));
      expect(w.grad!, b.mul(step + 1), `accumulated gradient, step ${step}`);
    }
  });
});

test("gradcheck's in-place perturbations do not leave stale copies", () => {
  checked(() => {
    // float32 (the wasm kernels' dtype), so steps of 1e-2 and a loose tolerance
    const x = torch.randn([6, 7]).requiresGrad_();
    assert.ok(torch.autograd.gradcheck((t: torch.Tensor) => torch.softmax(t, -1).mul(t).exp(), [x], { eps: 1e-2, atol: 5e-2, rtol: 5e-2 }));
  });
});

test("results wrap a small ring many times: every result is the one computed without copies", () => {
  torch.manualSeed(2);
  const xs = Array.from({ length: 40 }, () => torch.randn([256, 256]));
  const chain = (): torch.Tensor => xs.reduce((acc, x) => torch.softmax(acc.mul(0.5).add(x).exp().log(), -1).mul(x));
  const prev = setResidentCopies(false);
  let want: torch.Tensor;
  try { want = chain(); } finally { setResidentCopies(prev); }
  // 200 results of 256 KiB through a 4 MiB ring: it wraps a dozen times
  const bytes = setResidentBytes(4 << 20), check = setResidentCheck(true), hits = residentStats.hits;
  try {
    assert.ok(torch.equal(chain(), want));
    assert.ok(residentStats.hits - hits > 100);
  } finally { setResidentCheck(check); setResidentBytes(bytes); }
});

test("the check mode catches a copy made stale by a write that skips the version counter (so the tests above can fail)", () => {
  checked(() => {
    const a = torch.randn([8, 8]), b = torch.randn([8, 8]);
    a.mul(b);
    (a as unknown as { _storage: { data: Float32Array } })._storage.data[5] += 1;
    assert.throws(() => a.mul(b), /resident copy is stale/);
  });
});

test("large calls on a thread team (Note [threaded elementwise]) give one thread's results bit for bit", (t) => {
  if (sharedElementwise() === undefined) { t.skip("no shared arena here (one core, or no shared memory)"); return; }
  torch.manualSeed(4);
  const x = torch.randn([300, 1000]), y = torch.randn([300, 1000]).abs().add(0.5), odd = torch.randn([70001]), g = torch.randn([300, 1000]);
  const cases: Record<string, () => torch.Tensor> = {
    "mul, add, div": () => x.mul(y).add(x).div(y),
    "a repeated value (both sides)": () => torch.stack([x.mul(3), torch.sub(2, x)]),
    "an odd length": () => odd.mul(odd).exp(),
    "unary and activations": () => torch.stack([x.exp(), x.tanh(), x.sigmoid(), torch.nn.functional.gelu(x), y.log()]),
    "softmax and log-softmax, forward and backward": () => {
      const a = x.clone().requiresGrad_();
      const s = torch.softmax(a, -1), l = torch.logSoftmax(a, -1);
      s.mul(g).sum().add(l.mul(g).sum()).backward();
      return torch.stack([s.detach(), l.detach(), a.grad!]);
    },
  };
  const bits = (t: torch.Tensor): Uint32Array => new Uint32Array(new Float32Array(t.reshape(-1).tolist() as number[]).buffer);
  const prevCopies = setResidentCopies(true);
  try {
    torch.setNumThreads(1);
    const single = Object.fromEntries(Object.entries(cases).map(([k, f]) => [k, bits(f())]));
    for (const n of [2, 3]) {
      torch.setNumThreads(n);
      const before = residentStats.threaded;
      for (const [k, f] of Object.entries(cases)) assert.deepEqual(bits(f()), single[k], `${n} threads: ${k}`);
      assert.ok(residentStats.threaded - before >= 10, `${n} threads: only ${residentStats.threaded - before} calls ran on the team`);
    }
  } finally {
    torch.setNumThreads(1);
    setResidentCopies(prevCopies);
  }
});

test("the ring allocator: live slots never overlap and stay inside the ring; pinned and once-reused slots are passed over", () => {
  const bytes = setResidentBytes(1 << 16);
  try {
    const ring = new ResidentRing(4096), heap = new Float32Array(1 << 16);
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const live: { slot: Slot; data: Float32Array }[] = [];
    for (let step = 0; step < 5000; step++) {
      const floats = 1 + Math.floor(rand() * 2000), data = new Float32Array(floats);
      // a call pins what it staged (at most half the ring in all, as `fits` ensures)
      const pinned = live.filter((l) => l.slot.live && rand() < 0.05).slice(0, 2).map((l) => l.slot);
      for (const p of pinned) p.pinned = true;
      const slot = ring.alloc(floats);
      for (const p of pinned) { assert.ok(p.live, "a pinned slot was evicted"); p.pinned = false; }
      ring.keep(data, slot);
      live.push({ slot, data });
      if (rand() < 0.3) ring.find(live[Math.floor(rand() * live.length)].data, heap);
      if (rand() < 0.05) ring.forget(live[Math.floor(rand() * live.length)].data);
      const alive = live.filter((l) => l.slot.live).map((l) => l.slot).sort((p, q) => p.at - q.at);
      for (let i = 0; i < alive.length; i++) {
        assert.ok(alive[i].at >= ring.base && alive[i].at + alive[i].bytes <= ring.end, "a slot outside the ring");
        if (i > 0) assert.ok(alive[i - 1].at + alive[i - 1].bytes <= alive[i].at, "live slots overlap");
      }
    }
  } finally { setResidentBytes(bytes); }
});

test("a view ending its array, whose copy ends the ring, is read without running past the arena", () => {
  const bytes = setResidentBytes(1 << 20);
  try {
    const n = 65536, x0 = torch.randn([n]), x1 = torch.randn([n]);
    x0.exp();
    x1.exp(); // x1's copy now ends at the ring's end
    const v = x1.narrow(0, 1, n - 1), want = torch.tensor(v.tolist() as number[]);
    const prev = setResidentCopies(false);
    let expected: torch.Tensor;
    try { expected = want.exp(); } finally { setResidentCopies(prev); }
    assert.ok(torch.equal(v.exp(), expected));
  } finally { setResidentBytes(bytes); }
});

test("threads still start when the elementwise arena was made before threads were wanted (it is not shared then)", () => {
  const script = `
    import * as torch from "./src/index.ts";
    import { startThreads } from "./src/backend/wasm/threads.ts";
    const x = torch.randn([1000, 1000]);
    x.mul(x);
    console.log("team", await startThreads(2), torch.matmul(x, x).shape.join("x"));`;
  const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script],
    { env: { ...process.env, TENSORGRAD_NUM_THREADS: "1" }, encoding: "utf8", timeout: 60_000 });
  assert.match(out, /team 2 1000x1000/);
});
