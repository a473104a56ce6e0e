// Deferred elementwise results (Note [deferred elementwise]): exact values, writes to inputs after deferring, what defers and what does not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as torch from "tensorgrad";
import { allOpInfos } from "../src/ops/registry.ts";
import { deferStats, setDeferThreshold } from "../src/ops/deferred.ts";
import { setWasmElementwiseThreshold } from "../src/backend/wasm/elementwise.ts";
import { refBackend, setBackend } from "../src/backends.ts";
import { sampleResult } from "./helpers/sample-result.ts";

/** Runs `f` with results of `threshold` elements and more deferred (Infinity: none), the wasm kernels from `wasmFrom` elements. */
function withDefer<R>(threshold: number, f: () => R, wasmFrom?: number): R {
  const prev = setDeferThreshold(threshold), prevWasm = wasmFrom === undefined ? undefined : setWasmElementwiseThreshold(wasmFrom);
  try { return f(); } finally {
    setDeferThreshold(prev);
    if (prevWasm !== undefined) setWasmElementwiseThreshold(prevWasm);
  }
}

const isDeferred = (t: torch.Tensor): boolean => t._storage.pending;
/** Element values with -0 and NaN kept apart, for bitwise comparisons. */
const bits = (t: torch.Tensor): string[] => (t.reshape(-1).tolist() as number[]).map((v) => Object.is(v, -0) ? "-0" : String(v));

/** The first element where two float32 tensors' bits differ (any NaN matches any NaN), or -1. */
function firstDifference(x: torch.Tensor, y: torch.Tensor): number {
  const dx = x.contiguous()._storage.data as Float32Array, dy = y.contiguous()._storage.data as Float32Array;
  const bx = new Uint32Array(dx.buffer, dx.byteOffset, dx.length), by = new Uint32Array(dy.buffer, dy.byteOffset, dy.length);
  assert.equal(dx.length, dy.length);
  for (let i = 0; i < bx.length; i++) if (bx[i] !== by[i] && !(Number.isNaN(dx[i]) && Number.isNaN(dy[i]))) return i;
  return -1;
}

/** float32 values with the awkward ones mixed in: zeros of both signs, infinities, NaN, subnormals, huge and tiny. */
function awkward(n: number, seed: number): torch.Tensor {
  torch.manualSeed(seed);
  const x = torch.randn([n]).mul(3);
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -3e-39, 3e38, -3e38, 1, -1];
  for (let i = 0; i < specials.length; i++) x.narrow(0, (i * 7919 + seed) % n, 1).fill_(specials[i]);
  return x;
}

const OPS = ["add", "sub", "mul", "div"] as const;
type Op = (typeof OPS)[number];
const apply = (op: Op, a: torch.Tensor, b: torch.Tensor | number): torch.Tensor => a[op](b);

test("a chain of two ops gives the eager ops' values bit for bit: every pair of ops, both operand orders, threaded sizes", () => {
  for (const n of [(1 << 18) + 5, 4099, 7]) {
    const a = awkward(n, 1), b = awkward(n, 2), c = awkward(n, 3);
    for (const inner of OPS) {
      for (const outer of OPS) {
        const eager = withDefer(Infinity, () => [apply(outer, apply(inner, a, b), c), apply(outer, c, apply(inner, a, b))]);
        const [left, right] = withDefer(1, () => {
          const l = apply(outer, apply(inner, a, b), c), r = apply(outer, c, apply(inner, a, b));
          assert.ok(isDeferred(l) && isDeferred(r), `${inner} then ${outer}: deferred`);
          return [l, r];
        }, 0);
        assert.equal(firstDifference(left, eager[0]), -1, `(a ${inner} b) ${outer} c, n = ${n}`);
        assert.equal(firstDifference(right, eager[1]), -1, `c ${outer} (a ${inner} b), n = ${n}`);
      }
    }
  }
});

test("chains with JS numbers for operands give the eager values bit for bit", () => {
  for (const n of [(1 << 18) + 3, 5001, 9]) {
    const a = awkward(n, 11), b = awkward(n, 12);
    for (const s of n > 9000 ? [0.1, -0, NaN] : [0.1, -3, 0, -0, Infinity, NaN, 1e-40]) {
      for (const inner of OPS) {
        for (const outer of OPS) {
          const exprs: Record<string, () => torch.Tensor> = {
            "(a op s) op b": () => apply(outer, apply(inner, a, s), b),
            "b op (a op s)": () => apply(outer, b, apply(inner, a, s)),
            "(a op b) op s": () => apply(outer, apply(inner, a, b), s),
            "(a op s) op s": () => apply(outer, apply(inner, a, s), s),
          };
          for (const [name, f] of Object.entries(exprs)) {
            const eager = withDefer(Infinity, f);
            const got = withDefer(1, () => {
              const y = f();
              assert.ok(isDeferred(y), name);
              return y;
            }, 0);
            assert.equal(firstDifference(got, eager), -1, `${name}: ${inner}, ${outer}, s = ${s}, n = ${n}`);
          }
        }
      }
    }
  }
});

test("the default thresholds: a*b+c over 2^20 floats is deferred and runs as one chain", () => {
  const n = 1 << 20, a = awkward(n, 4), b = awkward(n, 5), c = awkward(n, 6);
  const y = a.mul(b).add(c);
  assert.ok(isDeferred(y));
  const eager = withDefer(Infinity, () => bits(a.mul(b).add(c)));
  assert.deepEqual(bits(y), eager);
  assert.ok(!isDeferred(y), "read once, computed");
  // small results run eagerly
  assert.ok(!isDeferred(torch.ones([100]).mul(torch.ones([100]))));
});

test("a write to an input after deferring does not reach the deferred results (in place, through a view, copy_)", () => {
  withDefer(1, () => {
    const writes: Record<string, (a: torch.Tensor) => void> = {
      "add_ (written directly)": (a) => { a.add_(1); },
      "mul_ by a tensor": (a) => { a.mul_(torch.full([a.numel()], 3)); },
      "copy_": (a) => { a.copy_(torch.zeros([a.numel()])); },
      "fill_ on a view": (a) => { a.narrow(0, 2, 3).fill_(7); },
      "an in-place op recorded for autograd": (a) => { a.mul_(torch.ones([a.numel()]).requiresGrad_()); },
      "exp_ (unary in place)": (a) => { a.exp_(); },
    };
    for (const [name, write] of Object.entries(writes)) {
      for (const wasmFrom of [0, 1 << 30]) {
        torch.manualSeed(7);
        const a = torch.randn([6000]), b = torch.randn([6000]), c = torch.randn([6000]);
        const want = withDefer(Infinity, () => [bits(a.mul(b)), bits(a.mul(b).sub(c)), bits(c.div(a.add(b))), bits(a.add(a))]);
        const got = withDefer(1, () => {
          const t1 = a.mul(b), t2 = a.mul(b).sub(c), t3 = c.div(a.add(b)), t4 = a.add(a);
          write(a);
          return [bits(t1), bits(t2), bits(t3), bits(t4)];
        }, wasmFrom);
        assert.deepEqual(got, want, `${name}, wasm from ${wasmFrom}`);
      }
    }
  });
});

test("a write copies an input once for all its unread deferred results, and not at all once they are read", () => {
  withDefer(1, () => {
    const a = torch.randn([50]), b = torch.randn([50]), a0 = a.clone();
    const original = a._storage.data;
    const t1 = a.mul(b), t2 = a.add(b);
    const handle = a._storage._handle!;
    assert.equal(handle.readers, 2);
    a.add_(1);
    assert.equal(a._storage._handle, null, "the handle is let go");
    assert.notEqual(handle.data, original, "the deferred results read a copy");
    assert.equal(a._storage.data, original, "the tensor keeps its own array");
    assert.deepEqual(bits(t1), withDefer(Infinity, () => bits(a0.mul(b))));
    void t2;
    const t3 = a.mul(b);
    t3.tolist();
    const h3 = a._storage._handle!;
    assert.equal(h3.readers, 0, "read results stop counting");
    a.add_(1);
    assert.equal(h3.data, a._storage.data, "no copy when no reader is left");
  });
});

test("writing a deferred result itself computes it first; a chain that read it keeps the old value", () => {
  withDefer(1, () => {
    const a = torch.randn([40]), b = torch.randn([40]), c = torch.randn([40]);
    const t1 = a.mul(b), t2 = t1.add(c);
    t1.add_(100);
    const want = withDefer(Infinity, () => [bits(a.mul(b).add(100)), bits(a.mul(b).add(c))]);
    assert.deepEqual([bits(t1), bits(t2)], want);
  });
});

test("deferred operands in every position: both deferred, the same input twice, a third op on a chain", () => {
  withDefer(1, () => {
    const a = torch.randn([300]), b = torch.randn([300]), c = torch.randn([300]), d = torch.randn([300]);
    const cases: Record<string, () => torch.Tensor> = {
      "(a*b)+(c*d)": () => a.mul(b).add(c.mul(d)),
      "a*a+a": () => a.mul(a).add(a),
      "(a*b+c)*d": () => a.mul(b).add(c).mul(d),
      "((a-b)/c-d)*a": () => a.sub(b).div(c).sub(d).mul(a),
      "reshaped deferred": () => a.mul(b).reshape([10, 30]).add(c.reshape([10, 30])),
      "transposed operand (eager)": () => a.reshape([10, 30]).t().mul(b.reshape([30, 10])).add(c.reshape([30, 10])),
      "offset operand (eager)": () => a.narrow(0, 1, 200).mul(b.narrow(0, 0, 200)).add(c.narrow(0, 0, 200)),
    };
    for (const [name, f] of Object.entries(cases)) {
      assert.deepEqual(bits(f()), withDefer(Infinity, () => bits(f())), name);
    }
    const chain = a.mul(b).add(c), next = chain.mul(d);
    assert.ok(!isDeferred(chain), "a chain read by a third op is computed");
    assert.ok(isDeferred(next));
  });
});

test("what stays eager: autograd recording, forward AD, other dtypes, broadcasts, strided views, the ref backend", () => {
  withDefer(1, () => {
    const a = torch.randn([20]), b = torch.randn([20]);
    assert.ok(isDeferred(a.mul(b)));
    const w = torch.randn([20]).requiresGrad_();
    assert.ok(!isDeferred(a.mul(w)), "recorded");
    const nog = torch.noGrad(() => a.mul(w));
    assert.ok(isDeferred(nog));
    assert.equal(nog._provenance, "noGrad");
    assert.equal(nog.requiresGrad, false);
    assert.ok(!isDeferred(a.double().mul(b.double())), "float64");
    assert.ok(!isDeferred(a.reshape([4, 5]).mul(b.reshape([4, 5]).narrow(0, 0, 1))), "broadcast");
    assert.ok(!isDeferred(a.reshape([4, 5]).t().mul(b.reshape([5, 4]))), "strided");
    assert.ok(isDeferred(a.mul(2)), "a JS number");
    assert.ok(!isDeferred(torch.sub(2, a)), "a JS number first");
    const dual = torch.autograd.forwardAd.dualLevel(() => {
      const x = torch.autograd.forwardAd.makeDual(a, torch.ones([20]));
      return x.mul(b);
    });
    assert.ok(!isDeferred(dual), "forward AD");
    const prev = setBackend(refBackend);
    try { assert.ok(!isDeferred(a.mul(b)), "ref backend"); } finally { setBackend(prev); }
  });
});

test("deferred results in autograd, printing and tolist", () => {
  withDefer(1, () => {
    const a = torch.tensor([1, 2, 3]), b = torch.tensor([4, 5, 6]), c = torch.tensor([0.5, 0.5, 0.5]);
    const y = a.mul(b).add(c);
    assert.equal(String(y), "tensor([ 4.5000, 10.5000, 18.5000])");
    const x = torch.ones([3]).requiresGrad_();
    const z = a.mul(b);
    assert.ok(isDeferred(z));
    x.mul(z).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [4, 10, 18]);
    assert.deepEqual(a.sub(b).div(c).tolist(), [-6, -6, -6]);
  });
});

test("every OpInfo sample: outputs and gradients are the same with every eligible result deferred", () => {
  let compared = 0;
  const before = { ...deferStats };
  for (const info of allOpInfos()) {
    for (let i = 0; i < info.samples.length; i++) {
      const eager = withDefer(Infinity, () => sampleResult(info, i, 2));
      assert.equal(withDefer(1, () => sampleResult(info, i, 2)), eager, `${info.name} sample ${i}`);
      // with the wasm kernels at every size (their exp-based ops differ from the js ones by an ulp or so)
      const eagerWasm = withDefer(Infinity, () => sampleResult(info, i, 2), 0);
      assert.equal(withDefer(1, () => sampleResult(info, i, 2), 0), eagerWasm, `${info.name} sample ${i} (wasm kernels)`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `only ${compared} samples compared`);
  const deferred = deferStats.deferred - before.deferred, chained = deferStats.chained - before.chained;
  assert.ok(deferred > 1000 && chained > 100, `only ${deferred} results deferred, ${chained} chained`);
});

test("a 1,000-step loop of deferred results, read and unread, with in-place writes to their inputs keeps a flat heap", () => {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = execFileSync(process.execPath, ["--expose-gc", "--conditions=source", "--import", "tsx", "test/helpers/deferred-loop.ts"], { cwd: root, encoding: "utf8" });
  const { heap, buffers, deferred, chained } = JSON.parse(out.trim().split("\n").pop()!) as
    { heap: Record<string, number>; buffers: Record<string, number>; deferred: number; chained: number };
  assert.ok(deferred >= 4000 && chained >= 2000, `deferred ${deferred}, chained ${chained}`);
  const growth = heap["1000"] - heap["100"], bufferGrowth = buffers["1000"] - buffers["100"];
  assert.ok(growth < 2 * 1024 * 1024, `heap grew by ${(growth / 1024).toFixed(0)} KiB from step 100 to 1000`);
  assert.ok(bufferGrowth < 1024 * 1024, `array buffers grew by ${(bufferGrowth / 1024).toFixed(0)} KiB from step 100 to 1000`);
});
