// torch.autograd.Function, node hooks and anomaly mode, compared with PyTorch (tools/gen_autograd_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "tensorgrad";

type Fx = Record<string, Record<string, unknown>>;
const fx = JSON.parse(readFileSync(new URL("./fixtures/autograd.json", import.meta.url), "utf8")) as Fx;
const leaf = (values: number[], dtype: torch.DType = "float32") => torch.tensor(values, { dtype, requiresGrad: true });
const str = (t: torch.Tensor | null | undefined) => (t === null || t === undefined ? "None" : String(t));
type Ctx = torch.autograd.FunctionCtx;
type T = torch.Tensor;

function error(fn: () => unknown): { type: string; message: string } | null {
  try {
    fn();
  } catch (e) {
    return { type: (e as Error).name, message: (e as Error).message };
  }
  return null;
}

class Exp extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: T) { const y = x.exp(); ctx.saveForBackward(y); return y; }
  static override backward(ctx: Ctx, g: T) { const [y] = ctx.savedTensors; return g.mul(y!); }
}

class ScaleMul extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: T, y: T, k: number) {
    ctx.saveForBackward(x, y);
    ctx.k = k;
    return [x.mul(y).mul(k), x.add(y)];
  }
  static override backward(ctx: Ctx, ga: T, gb: T) {
    const [x, y] = ctx.savedTensors as T[];
    const k = ctx.k as number;
    return [ga.mul(y).mul(k).add(gb), ga.mul(x).mul(k).add(gb), null];
  }
}

class WrongCount extends torch.autograd.Function {
  static override forward(_ctx: Ctx, x: T, y: T) { return x.add(y); }
  static override backward(_ctx: Ctx, g: T) { return g; }
}

class BadShape extends torch.autograd.Function {
  static override forward(_ctx: Ctx, x: T) { return x.mul(2); }
  static override backward() { return torch.ones(3); }
}

class SortNd extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: T) {
    const values = x.mul(1);
    const idx = torch.arange(x.numel(), { dtype: "int64" }).reshape(x.shape);
    ctx.markNonDifferentiable(idx);
    return [values, idx];
  }
  static override backward(_ctx: Ctx, g: T) { return g.mul(1); }
}

class AddOneInplace extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: T) { x.add_(1); ctx.markDirty(x); return x; }
  static override backward(_ctx: Ctx, g: T) { return g; }
}

class Cube extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: T) { ctx.saveForBackward(x); return x.pow(3); }
  static override backward(ctx: Ctx, g: T) { const [x] = ctx.savedTensors as T[]; return g.mul(3).mul(x.pow(2)); }
}

class CubeOnce extends Cube {
  static override onceDifferentiable = true;
}

test("custom_exp", () => {
  const x = leaf([0, 1, 2], "float64");
  const y = Exp.apply(x);
  y.sum().backward();
  assert.deepEqual({ y: str(y), fn: y.gradFn!.name(), grad: str(x.grad) }, fx.custom_exp);
});

test("custom_multi", () => {
  const x = leaf([1, 2]);
  const y = leaf([3, 4]);
  const [a, b] = ScaleMul.apply(x, y, 2);
  a.sum().add(b.mul(b).sum()).backward();
  assert.deepEqual({ a: str(a), b: str(b), x: str(x.grad), y: str(y.grad), next: a.gradFn!.nextFunctions.length }, fx.custom_multi);
});

test("custom_wrong_count and custom_bad_shape raise PyTorch's errors", () => {
  const z = WrongCount.apply(leaf([1]), leaf([2]));
  assert.deepEqual(error(() => z.backward()), fx.custom_wrong_count.error);
  const w = BadShape.apply(leaf([1, 2]));
  assert.deepEqual(error(() => w.sum().backward()), fx.custom_bad_shape.error);
});

test("custom_non_differentiable", () => {
  const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const [v, i] = SortNd.apply(x);
  v.sum().backward();
  assert.deepEqual({ i_requires: i.requiresGrad, v_requires: v.requiresGrad, grad: str(x.grad), i: str(i) }, fx.custom_non_differentiable);
});

test("custom_dirty", () => {
  const x = leaf([1, 2]);
  const a = x.mul(2);
  const b = AddOneInplace.apply(a);
  const same = b === a;
  const fn = a.gradFn!.name();
  b.sum().backward();
  const leafError = error(() => AddOneInplace.apply(leaf([1])));
  assert.deepEqual({ same, fn, a: str(a), grad: str(x.grad), leaf_error: leafError }, fx.custom_dirty);
});

test("custom_double_backward and custom_once_differentiable", () => {
  const x = leaf([1, 2], "float64");
  const [g] = torch.autograd.grad(Cube.apply(x).sum(), x, { createGraph: true });
  const [h] = torch.autograd.grad(g!.sum(), x);
  assert.deepEqual({ g: str(g), h: str(h) }, fx.custom_double_backward);
  const x2 = leaf([1, 2], "float64");
  const [g2] = torch.autograd.grad(CubeOnce.apply(x2).sum(), x2, { createGraph: true });
  assert.deepEqual({ g: str(g2), error: error(() => g2!.sum().backward()) }, fx.custom_once_differentiable);
});

test("custom_no_materialize", () => {
  const seen: boolean[][] = [];
  class NoMaterialize extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: T) { ctx.setMaterializeGrads(false); return [x.mul(2), x.mul(3)]; }
    static override backward(_ctx: Ctx, ga: T | null, gb: T | null) {
      seen.push([ga === null, gb === null]);
      return (ga ? ga.mul(2) : torch.zeros(1)).add(gb ? gb.mul(3) : 0);
    }
  }
  const x = leaf([1]);
  const [a] = NoMaterialize.apply(x);
  a.sum().backward();
  assert.deepEqual({ seen, grad: str(x.grad) }, fx.custom_no_materialize);
});

test("custom_needs_input_grad", () => {
  let needs: boolean[] = [];
  class Probe extends torch.autograd.Function {
    static override forward(ctx: Ctx, a: T, b: T, _k: number) { needs = [...ctx.needsInputGrad]; return a.mul(b); }
    static override backward(_ctx: Ctx, g: T) { return [g, g, null]; }
  }
  Probe.apply(leaf([1]), torch.tensor([2]), 3);
  assert.deepEqual({ needs }, fx.custom_needs_input_grad);
});

test("a Function without forward says so", () => {
  class Empty extends torch.autograd.Function {}
  assert.throws(() => (Empty as unknown as { apply(x: T): T }).apply(leaf([1])), { name: "NotImplementedError" });
});

test("anomaly_nan: detectAnomaly names the node whose backward made NaN", () => {
  const x = leaf([0, 1]);
  const warn = console.warn;
  const warned: string[] = [];
  console.warn = (m: string) => { warned.push(m); };
  try {
    // the forward runs in anomaly mode too, so the node remembers where it was made
    assert.deepEqual(error(() => torch.autograd.detectAnomaly(() => x.sqrt().mul(0).sum().backward())), fx.anomaly_nan.error);
  } finally {
    console.warn = warn;
  }
  assert.match(warned[0], /Error detected in SqrtBackward0/);
  assert.match(warned[0], /custom-function\.test\.ts/); // the forward call's stack points at this file
  assert.equal(torch.autograd.isAnomalyEnabled(), false);
  const w = leaf([0]);
  w.sqrt().mul(0).sum().backward(); // without anomaly mode the NaN just flows, as in PyTorch
  assert.ok(Number.isNaN(w.grad!.item()));
});

test("node_hook: Node.registerHook sees and replaces input gradients", () => {
  const x = leaf([1, 2]);
  const y = x.mul(3);
  const seen: string[][] = [];
  y.gradFn!.registerHook((gi, go) => {
    seen.push([...gi.map(str), ...go.map(str)]);
    return [gi[0]!.mul(10), gi[1]];
  });
  y.sum().backward();
  assert.deepEqual({ seen, grad: str(x.grad) }, fx.node_hook);
});

test("Node.registerPrehook replaces output gradients; handles remove hooks", () => {
  const x = leaf([1, 2]);
  const y = x.mul(3);
  const h = y.gradFn!.registerPrehook((go) => [go[0]!.mul(2)]);
  y.sum().backward({ retainGraph: true });
  assert.deepEqual(x.grad!.tolist(), [6, 6]);
  h.remove();
  x.grad = null;
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 3]);
});

test("registerPostAccumulateGradHook runs after .grad is updated, on leaves only", () => {
  const x = leaf([1, 2]);
  const seen: string[] = [];
  x.registerPostAccumulateGradHook((t) => { seen.push(String(t.grad)); });
  x.mul(2).sum().backward();
  x.mul(2).sum().backward();
  assert.deepEqual(seen, ["tensor([2., 2.])", "tensor([4., 4.])"]);
  assert.throws(() => x.mul(2).registerPostAccumulateGradHook(() => {}), /non-leaf/);
});
