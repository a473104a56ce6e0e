// Indexing beyond the generated OpInfo checks: writes through views (Python's x[...] = v), later-PyTorch behaviour, views vs copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const I = (v: number[], dtype: torch.DType = "int64") => torch.tensor(v, { dtype });
const grid = (...shape: number[]) => torch.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
const throwsLike = (fn: () => unknown, name: string, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof Error && e.name === name && e.message === message);

test("x[..., ...] raises (PyTorch 2 behaviour)", () => {
  throwsLike(() => grid(3, 4).index("...", "..."), "IndexError", "an index can only have a single ellipsis ('...')");
});

test("int32 index tensors are accepted and float ones refused with PyTorch 2's message", () => {
  const x = grid(3, 4);
  assert.deepEqual(x.index(I([2, 0], "int32")).tolist(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
  throwsLike(() => x.index(torch.tensor([0.0, 1.0])), "IndexError", "tensors used as indices must be long, int, byte or bool tensors");
  throwsLike(() => x.index([0.5]), "IndexError", "tensors used as indices must be long, int, byte or bool tensors");
  throwsLike(() => torch.zeros(3).indexPut_([torch.tensor([1.0])], 1), "IndexError", "tensors used as indices must be long, int, byte or bool tensors");
});

test("basic indexing is a view, advanced indexing a copy", () => {
  const x = grid(3, 4);
  const v = x.index(1, torch.slice(1, null));
  v.fill_(-1);
  assert.deepEqual(x.index(1).tolist(), [4, -1, -1, -1]);
  const c = x.index(I([1]));
  c.fill_(7);
  assert.deepEqual(x.index(1).tolist(), [4, -1, -1, -1]);
  assert.equal(x.index(torch.tensor(2, { dtype: "int64" })).gradFn, null);
  assert.deepEqual(x.index(torch.tensor(2, { dtype: "int64" })).tolist(), [8, 9, 10, 11]); // a 0-d int tensor selects
});

// Expected values below are PyTorch 1.13's for the same Python statements.
test("x[0, 1:] = v writes through a view: CopySlices, gradients to x and v", () => {
  const a = grid(3, 4).requiresGrad_();
  const v = torch.tensor([10, 20, 30], { requiresGrad: true });
  const b = a.mul(1);
  b.indexPut_([0, torch.slice(1, null)], v);
  assert.equal(b.gradFn?.name(), "CopySlices");
  assert.deepEqual(b.tolist(), [[0, 10, 20, 30], [4, 5, 6, 7], [8, 9, 10, 11]]);
  b.mul(grid(3, 4)).sum().backward();
  assert.deepEqual(a.grad?.tolist(), [[0, 0, 0, 0], [4, 5, 6, 7], [8, 9, 10, 11]]);
  assert.deepEqual(v.grad?.tolist(), [1, 2, 3]);
});

test("x[I, :, J] = v with separated index tensors (their dims go first)", () => {
  const a = grid(2, 3, 4).requiresGrad_();
  const v = torch.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const b = a.mul(1);
  b.indexPut_([I([1, 0]), torch.slice(), I([3, 1])], v);
  assert.equal(b.gradFn?.name(), "CopySlices");
  assert.deepEqual(b.tolist(), [[[0, 4, 2, 3], [4, 5, 6, 7], [8, 6, 10, 11]], [[12, 13, 14, 1], [16, 17, 18, 2], [20, 21, 22, 3]]]);
  b.mul(grid(2, 3, 4)).sum().backward();
  assert.deepEqual(a.grad?.tolist(), [[[0, 0, 2, 3], [4, 0, 6, 7], [8, 0, 10, 11]], [[12, 13, 14, 0], [16, 17, 18, 0], [20, 21, 22, 0]]]);
  assert.deepEqual(v.grad?.tolist(), [[15, 19, 23], [1, 5, 9]]);
});

test("x[1:, [0, 0]] = scalar tensor: a 0-d value broadcast, gradient summed", () => {
  const a = grid(3, 4).requiresGrad_();
  const v = torch.tensor(7, { requiresGrad: true });
  const b = a.mul(1);
  b.indexPut_([torch.slice(1, null), [0, 0]], v);
  assert.equal(b.gradFn?.name(), "CopySlices");
  assert.deepEqual(b.tolist(), [[0, 1, 2, 3], [7, 5, 6, 7], [7, 9, 10, 11]]);
  b.mul(grid(3, 4)).sum().backward();
  assert.deepEqual(a.grad?.tolist(), [[0, 1, 2, 3], [0, 5, 6, 7], [0, 9, 10, 11]]);
  assert.equal(v.grad?.item(), 24);
});

test("setitem node names: x[I] = v is IndexPutBackward0, x[...] = 5 fills, x[0] = v is CopySlices", () => {
  const a = grid(3, 4).requiresGrad_();
  const v = torch.tensor(1, { requiresGrad: true });
  assert.equal(a.mul(1).indexPut_([I([0])], 1).gradFn?.name(), "IndexPutBackward0");
  assert.equal(a.mul(1).indexPut_(["...", I([0])], v).gradFn?.name(), "IndexPutBackward0");
  assert.equal(a.mul(1).indexPut_(["..."], 5).gradFn?.name(), "FillBackward3");
  assert.equal(a.mul(1).indexPut_([I([0]), torch.slice()], 1).gradFn?.name(), "CopySlices");
  assert.equal(a.mul(1).indexPut_([0], v).gradFn?.name(), "CopySlices");
});

test("accumulate: repeated positions add up (positional or options), also for numbers", () => {
  const x = torch.zeros(3, 4);
  x.indexPut_([[0, 0], [1, 1]], torch.tensor([5, 6]), { accumulate: true });
  x.indexPut_([I([2, 2])], 1, true);
  assert.deepEqual(x.tolist(), [[0, 11, 0, 0], [0, 0, 0, 0], [2, 2, 2, 2]]);
  const y = torch.indexPut(x, [x.gt(1)], 0);
  assert.deepEqual(y.tolist(), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  assert.equal(x.index(0, 1).item(), 11);
  const n = torch.zeros([3], { dtype: "int64" });
  n.indexPut_([I([0])], -1.7);
  n.indexPut_([1], 2.9);
  assert.deepEqual(n.tolist(), [-1, 2, 0]); // x[0] = -1.7 on an int64 tensor stores -1, as in PyTorch
});

test("setitem drops leading size-1 dims of the value; dtype and shape checks", () => {
  const x = torch.zeros(3, 4);
  x.indexPut_([I([0, 1])], torch.ones(1, 2, 4));
  assert.deepEqual(x.sum().item(), 8);
  throwsLike(() => x.indexPut_([I([0, 1])], torch.ones(3)), "RuntimeError", "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]");
  throwsLike(() => x.indexPut_([I([0])], torch.ones(4, { dtype: "float64" })), "RuntimeError", "Index put requires the source and destination dtypes match, got Float for the destination and Double for the source.");
});

test("masks: x[x > 0] reads, Python True/False add a masked axis, 0-d bool tensors too", () => {
  const x = torch.tensor([[-1, 2], [3, -4]], { requiresGrad: true });
  const y = x.index(x.gt(0));
  assert.deepEqual(y.tolist(), [2, 3]);
  y.sum().backward();
  assert.deepEqual(x.grad?.tolist(), [[0, 1], [1, 0]]);
  assert.deepEqual(x.index(torch.tensor(true), 0).shape, [1, 2]);
  assert.deepEqual(x.index(false).shape, [0, 2, 2]);
  assert.deepEqual(x.index([]).shape, [0, 2]);
});

/**
 * gradcheck of the first-order gradients (with respect to the inputs and to the output gradient).
 * Written out here because the shared gradgradcheck runs its function under noGrad (see the branch report).
 */
function doubleBackwardCheck(fn: (...xs: torch.Tensor[]) => torch.Tensor, inputs: torch.Tensor[]): boolean {
  const out = torch.noGrad(() => fn(...inputs));
  const go = torch.randn(out.shape, { dtype: "float64" }).requiresGrad_();
  const firstOrder = (...all: torch.Tensor[]) => torch.enableGrad(() => {
    const xs = all.slice(0, inputs.length);
    const gs = torch.autograd.grad(fn(...xs), xs, { gradOutputs: [all[inputs.length]], createGraph: true });
    return gs.reduce<torch.Tensor>((acc, g) => acc.add(g!.mul(g!).sum()), torch.zeros([], { dtype: "float64" }));
  });
  return torch.autograd.gradcheck(firstOrder, [...inputs, go]);
}

test("index and indexPut gradients are differentiable again", () => {
  const x = torch.randn([3, 4], { dtype: "float64" }).requiresGrad_();
  const v = torch.randn([3], { dtype: "float64" }).requiresGrad_();
  const idx = I([0, 2, 0]);
  assert.ok(doubleBackwardCheck((t) => t.index(idx, torch.slice(1, null)).mul(t.index(idx, torch.slice(1, null))), [x]));
  assert.ok(doubleBackwardCheck((t, u) => torch.indexPut(t.mul(t), [idx, I([1, 1, 3])], u.mul(u), true), [x, v]));
  assert.ok(doubleBackwardCheck((t, u) => torch.indexPut(t.mul(t), [I([2, 0, 1])], u.mul(u).unsqueeze(1)), [x, v]));
});
