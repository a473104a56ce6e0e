// More products: addmm, baddbmm, addmv (fused beta·input + alpha·product), outer/ger, inner, tensordot, kron, cross.
import { RuntimeError } from "../errors.ts";
import { broadcastShapes, normalizeDim, shapeText } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { backendCopy, checkTensorArg, emptyTensor, isOptions } from "./core.ts";
import { unsafeView } from "./movement.ts";
import { mmGradA, mmGradB } from "./mm-grad.ts";
import { T, type OpInfo, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { addProductJvp, bilinearJvp } from "./jvp-rules.ts";

/** The keyword-only scalars of addmm, baddbmm and addmv. */
export interface AddProductOptions {
  beta?: number;
  alpha?: number;
}

interface Scales {
  readonly beta: number;
  readonly alpha: number;
}

/** PyTorch's maybe_multiply: skip the multiply by 1 (keeps graphs and gradients as PyTorch's). */
const scaled = (t: Tensor, s: number): Tensor => (s === 1 ? t : t.mul(s));

const ADD_SPECS = {
  // d(βC + α AB) = (β G, α G Bᵀ, α Aᵀ G)
  addmm: {
    node: "AddmmBackward0", saves: { inputs: [1, 2] }, jvp: addProductJvp((a, b) => a.mm(b)),
    backward: ([g], s, p) => [
      s.needsGrad(0) ? scaled(g, p.beta) : null,
      s.needsGrad(1) ? scaled(mmGradA(g, s.input(1), s.input(2)), p.alpha) : null,
      s.needsGrad(2) ? scaled(mmGradB(g, s.input(1), s.input(2)), p.alpha) : null,
    ],
  },
  baddbmm: {
    node: "BaddbmmBackward0", saves: { inputs: [1, 2] }, jvp: addProductJvp((a, b) => a.bmm(b)),
    backward: ([g], s, p) => [
      s.needsGrad(0) ? scaled(g, p.beta) : null,
      s.needsGrad(1) ? scaled(g.bmm(s.input(2).transpose(1, 2)), p.alpha) : null,
      s.needsGrad(2) ? scaled(s.input(1).transpose(1, 2).bmm(g), p.alpha) : null,
    ],
  },
  // d(βc + α Av) = (β g, α g vᵀ, α Aᵀ g)
  addmv: {
    node: "AddmvBackward0", saves: { inputs: [1, 2] }, jvp: addProductJvp((a, b) => a.mv(b)),
    backward: ([g], s, p) => [
      s.needsGrad(0) ? scaled(g, p.beta) : null,
      s.needsGrad(1) ? scaled(outer(g, s.input(2)), p.alpha) : null,
      s.needsGrad(2) ? scaled(s.input(1).t().mv(g), p.alpha) : null,
    ],
  },
} satisfies Record<string, GradSpec<Scales>>;

/**
 * β·input + α·product, with PyTorch's beta = 0 rule (input's values, even nan, are ignored; only its
 * shape must broadcast). `product` has already checked the operands.
 */
function addProduct(spec: GradSpec<Scales>, input: Tensor, m1: Tensor, m2: Tensor, product: Tensor, o: AddProductOptions): Tensor {
  // ---- [vmap] begin ----
  if (VM.maxLevel([input, m1, m2]) > 0) return VM.addProductRule(input, m1.matmul(m2), o);
  // ---- [vmap] end ----
  const beta = o.beta ?? 1, alpha = o.alpha ?? 1;
  if (input.dtype !== product.dtype) {
    throw new RuntimeError("self and mat2 must have the same dtype");
  }
  // a fresh result: the product is one (computed without grad), and so is every op on it
  const out = noGrad(() => {
    input.expand(product.shape); // PyTorch's message when input does not broadcast to the product
    const ap = scaled(product, alpha);
    return beta === 0 ? ap : ap.add(scaled(input, beta));
  });
  return record(spec, [input, m1, m2], [out], { beta, alpha })[0];
}

function scalarName(t: Tensor): string {
  return { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" }[t.dtype];
}

/**
 * β·input + α·(mat1 @ mat2) (AddmmBackward0); input broadcasts to the product's shape.
 * @example torch.addmm(torch.zeros(2, 4), torch.randn(2, 3), torch.randn(3, 4), { beta: 0.5, alpha: 2 })
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, o: AddProductOptions = {}): Tensor {
  if (mat1.dim() !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${mat1.dim()}-D tensor`);
  if (mat2.dim() !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${mat2.dim()}-D tensor`);
  return addProduct(ADD_SPECS.addmm, input, mat1, mat2, noGrad(() => mat1.mm(mat2)), o);
}

/**
 * β·input + α·(batch1 @ batch2) over a batch (BaddbmmBackward0).
 * @example torch.baddbmm(torch.zeros(2, 2, 4), torch.randn(2, 2, 3), torch.randn(2, 3, 4), { alpha: 0.5 })
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, o: AddProductOptions = {}): Tensor {
  // PyTorch reads size(2) of both first: a 2-D batch is an IndexError, a 4-D one bmm's message
  normalizeDim(2, batch1.dim());
  normalizeDim(2, batch2.dim());
  return addProduct(ADD_SPECS.baddbmm, input, batch1, batch2, noGrad(() => batch1.bmm(batch2)), o);
}

/**
 * β·input + α·(mat @ vec) (AddmvBackward0).
 * @example torch.addmv(torch.zeros(2), torch.randn(2, 3), torch.randn(3))
 */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, o: AddProductOptions = {}): Tensor {
  if (mat.dim() !== 2 || vec.dim() !== 1 || input.dim() > 1) throw new RuntimeError(`vector + matrix @ vector expected, got ${input.dim()}, ${mat.dim()}, ${vec.dim()}`);
  if (mat.shape[1] !== vec.shape[0] || (mat.shape[0] !== input.numel() && input.numel() !== 1)) {
    throw new RuntimeError(`size mismatch, got ${input.numel()}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]}`);
  }
  return addProduct(ADD_SPECS.addmv, input, mat, vec, noGrad(() => mat.mv(vec)), o);
}

/**
 * Outer product of two vectors, built as PyTorch builds it: `a.reshape(n, 1) * b` (MulBackward0).
 * @example torch.outer(torch.tensor([1, 2]), torch.tensor([3, 4, 5])).shape // [2, 3]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1) throw new RuntimeError(`outer: Expected 1-D argument self, but got ${a.dim()}-D`);
  if (b.dim() !== 1) throw new RuntimeError(`outer: Expected 1-D argument vec2, but got ${b.dim()}-D`);
  return a.reshape(a.shape[0], 1).mul(b);
}

/** Alias of `outer` (PyTorch's `ger`). @example torch.ger(torch.ones(2), torch.ones(3)) */
export function ger(a: Tensor, b: Tensor): Tensor {
  return outer(a, b);
}

/** `dims` of tensordot: a count of trailing/leading dims, or the two dim lists. */
export type TensordotDims = number | readonly [readonly number[] | number, readonly number[] | number];

/**
 * Contracts `dims` of `a` with `dims` of `b` (permute, reshape, mm, reshape: PyTorch's graph).
 * @example torch.tensordot(torch.randn(2, 3, 4), torch.randn(3, 4, 5), 2).shape // [2, 5]
 */
export function tensordot(a: Tensor, b: Tensor, dims: TensordotDims | { dims?: TensordotDims } = 2): Tensor {
  const d = isOptions(dims) ? ((dims as { dims?: TensordotDims }).dims ?? 2) : (dims as TensordotDims);
  let da: number[], db: number[];
  if (typeof d === "number") {
    if (d < 0) throw new RuntimeError(`tensordot expects dims >= 0, but got dims=${d}`);
    if (d > a.dim() || d > b.dim()) throw new RuntimeError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${d}`);
    da = Array.from({ length: d }, (_, i) => i - d);
    db = Array.from({ length: d }, (_, i) => i);
  } else {
    const [x, y] = d;
    da = typeof x === "number" ? [x] : [...x];
    db = typeof y === "number" ? [y] : [...y];
  }
  return contractDims(a, b, da, db);
}

function contractDims(a: Tensor, b: Tensor, dimsA: number[], dimsB: number[]): Tensor {
  if (dimsA.length !== dimsB.length) throw new RuntimeError("both dimension lists should have same length");
  const ca = dimsA.map((x) => normalizeDim(x, a.dim())), cb = dimsB.map((x) => normalizeDim(x, b.dim()));
  let t1 = a, t2 = b, csize = 1;
  ca.forEach((x, i) => {
    const s1 = a.shape[x], s2 = b.shape[cb[i]];
    if (s2 === 1) t1 = t1.sum(x, true); // broadcast dims are summed right away
    else if (s1 === 1) t2 = t2.sum(cb[i], true);
    else if (s1 !== s2) throw new RuntimeError(`contracted dimensions need to match, but first has size ${s1} in dim ${dimsA[i]} and second has size ${s2} in dim ${dimsB[i]}`);
    else csize *= s1;
  });
  const freeA = [...a.shape.keys()].filter((i) => !ca.includes(i)), freeB = [...b.shape.keys()].filter((i) => !cb.includes(i));
  const size1 = freeA.reduce((n, i) => n * t1.shape[i], 1), size2 = freeB.reduce((n, i) => n * t2.shape[i], 1);
  const rsizes = [...freeA.map((i) => t1.shape[i]), ...freeB.map((i) => t2.shape[i])];
  const m1 = t1.permute([...freeA, ...ca]).reshape(size1, csize);
  const m2 = t2.permute([...cb, ...freeB]).reshape(csize, size2);
  return m1.mm(m2).reshape(rsizes);
}

/**
 * Sum over the last dims of both: `a * b` when either is 0-d, else tensordot over (-1, -1).
 * @example torch.inner(torch.randn(2, 3), torch.randn(4, 3)).shape // [2, 4]
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.dim() === 0 || b.dim() === 0) return a.mul(b);
  if (a.shape[a.dim() - 1] !== b.shape[b.dim() - 1]) {
    throw new RuntimeError(`inner() the last dimension must match on both input tensors but got shapes ${shapeText(a.shape)} and ${shapeText(b.shape)}`);
  }
  return contractDims(a, b, [-1], [-1]);
}

/**
 * Kronecker product: interleave the dims of a and b, multiply, and view (UnsafeViewBackward0).
 * @example torch.kron(torch.eye(2), torch.ones(2, 2)).shape // [4, 4]
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensorArg("kron", "input", 1, a);
  checkTensorArg("kron", "other", 2, b);
  const n = Math.max(a.dim(), b.dim());
  const padA = n - a.dim(), padB = n - b.dim();
  const aShape: number[] = [], bShape: number[] = [], outShape: number[] = [];
  for (let i = 0; i < n; i++) {
    const sa = i >= padA ? a.shape[i - padA] : 1, sb = i >= padB ? b.shape[i - padB] : 1;
    aShape.push(sa, 1);
    bShape.push(1, sb);
    outShape.push(sa * sb);
  }
  return unsafeView(a.reshape(aShape).mul(b.reshape(bShape)), outShape);
}

interface CrossParams { readonly dim: number }

const CROSS_SPEC: GradSpec<CrossParams> = {
  // d(a × b) = (b × g, g × a)
  node: "LinalgCrossBackward0", saves: { inputs: [0, 1] }, jvp: bilinearJvp((a, b, p) => linalgCross(a, b, p.dim)),
  backward: ([g], s, p) => [
    s.needsGrad(0) ? linalgCross(s.input(1), g, p.dim) : null,
    s.needsGrad(1) ? linalgCross(g, s.input(0), p.dim) : null,
  ],
};

/**
 * Cross product of 3-vectors along `dim` (default -1), broadcasting the other dims (torch.linalg.cross).
 * @example torch.linalg.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0])) // tensor([0., 0., 1.])
 */
export function linalgCross(a: Tensor, b: Tensor, dim: number | { dim?: number } = -1): Tensor {
  const dimArg = typeof dim === "number" ? dim : (dim.dim ?? -1);
  if (a.dim() !== b.dim()) throw new RuntimeError("linalg.cross: inputs must have the same number of dimensions.");
  const d = normalizeDim(dimArg, a.dim());
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new RuntimeError(`linalg.cross: inputs dimension ${dimArg} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  if (a.dtype !== b.dtype) throw new RuntimeError(`expected scalar type ${scalarName(a)} but found ${scalarName(b)}`);
  // ---- [vmap] begin ----
  if (VM.maxLevel([a, b]) > 0) return VM.allBatched([a, b], (pa, pb) => linalgCross(pa, pb, d + 1));
  // ---- [vmap] end ----
  const shape = broadcastShapes(a.shape, b.shape);
  const out = emptyTensor(shape, a.dtype);
  noGrad(() => {
    for (let k = 0; k < 3; k++) {
      const i = (k + 1) % 3, j = (k + 2) % 3;
      const c = a.select(d, i).mul(b.select(d, j)).sub(a.select(d, j).mul(b.select(d, i)));
      const target = out.select(d, k);
      backendCopy(c, target);
    }
  });
  return record(CROSS_SPEC, [a, b], [out], { dim: d })[0];
}

/**
 * PyTorch's `torch.cross`: like linalg.cross, but without `dim` it uses the first dim of size 3.
 * @example torch.cross(torch.randn(3, 2), torch.randn(3, 2)).shape // [3, 2] (dim 0)
 */
export function cross(a: Tensor, b: Tensor, dim?: number | null | { dim?: number | null }): Tensor {
  const dimArg = isOptions(dim) ? (dim as { dim?: number | null }).dim : (dim as number | null | undefined);
  if (dimArg !== undefined && dimArg !== null) return linalgCross(a, b, dimArg);
  const first = a.shape.indexOf(3);
  if (first < 0) throw new RuntimeError("no dimension of size 3 in input");
  return linalgCross(a, b, first);
}

const m = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const f64 = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => m(shape, { dtype: "float64", ...opts });
const ints = (shape: number[]) => T(shape, { dtype: "int64", gen: "int" });

/** Samples of the fused and composite products. */
export const LINALG_EXT_INFO: OpInfo[] = [
  {
    name: "addmm",
    samples: [
      { args: [m([2, 4]), m([2, 3]), m([3, 4])] },
      { args: [m([4]), m([2, 3], { layout: "T" }), m([3, 4])], kwargs: { beta: 0.5, alpha: 2 } },
      { args: [f64([1, 4]), f64([2, 3]), f64([3, 4], { layout: "T" })], kwargs: { alpha: -1.5 } },
      { args: [m([2, 4], { values: ["nan", 1, 2, 3, "inf", 5, 6, 7] }), m([2, 3]), m([3, 4])], kwargs: { beta: 0 } },
      { args: [ints([2, 2]), ints([2, 3]), ints([3, 2])], kwargs: { beta: 2, alpha: 3 } },
    ],
    errors: [
      { args: [m([2, 4]), m([2, 3]), m([4, 4])] }, { args: [m([2, 4]), m([3]), m([3, 4])] }, { args: [m([2, 4]), m([2, 3]), m([3])] },
      { args: [m([3, 4]), m([2, 3]), m([3, 4])] }, { args: [f64([2, 4]), m([2, 3]), m([3, 4])] },
    ],
  },
  {
    name: "baddbmm",
    samples: [
      { args: [m([2, 2, 4]), m([2, 2, 3]), m([2, 3, 4])] },
      { args: [m([2, 4]), m([2, 2, 3]), m([2, 3, 4], { layout: "T" })], kwargs: { beta: -1, alpha: 0.5 } },
      { args: [f64([1, 1, 4]), f64([2, 2, 3]), f64([2, 3, 4])], kwargs: { beta: 0 } },
    ],
    errors: [{ args: [m([2, 2, 4]), m([2, 2, 3]), m([3, 3, 4])] }, { args: [m([2, 4]), m([2, 3]), m([3, 4])] }, { args: [m([2, 3, 4]), m([2, 2, 3]), m([2, 3, 4])] }],
  },
  {
    name: "addmv",
    samples: [
      { args: [m([2]), m([2, 3]), m([3])] },
      { args: [m([1]), m([2, 3], { layout: "T" }), m([3])], kwargs: { beta: 0.5, alpha: 2 } },
      { args: [f64([2], { values: ["nan", 1] }), f64([2, 3]), f64([3])], kwargs: { beta: 0 } },
    ],
    errors: [{ args: [m([2]), m([2, 3]), m([4])] }, { args: [m([2]), m([2, 3]), m([3, 1])] }, { args: [m([3]), m([2, 3]), m([3])] }],
  },
  { name: "outer", samples: [{ args: [m([3]), m([4])] }, { args: [f64([2]), f64([3])] }, { args: [ints([2]), ints([3])] }], errors: [{ args: [m([2, 2]), m([3])] }, { args: [m([2]), m([3, 1])] }] },
  { name: "ger", samples: [{ args: [m([3]), m([2])] }], errors: [{ args: [m([2, 2]), m([3])] }] },
  {
    name: "inner",
    samples: [{ args: [m([3]), m([3])] }, { args: [m([2, 3]), m([4, 3])] }, { args: [f64([2, 2, 3]), f64([3], { layout: undefined })] }, { args: [m([3, 2], { layout: "T" }), m([2, 2])] }, { args: [m([2, 3]), m([])] }],
    errors: [{ args: [m([2, 3]), m([3, 2])] }],
  },
  {
    name: "tensordot",
    samples: [
      { args: [m([2, 3, 4]), m([3, 4, 2])] },
      { args: [m([2, 3]), m([3, 4]), 1] },
      { args: [m([2, 3]), m([4, 2]), 0] },
      { args: [f64([2, 3, 4]), f64([4, 2, 3]), [[1, 2], [2, 0]]] },
      { args: [m([2, 3], { layout: "T" }), m([3, 4])], kwargs: { dims: [[-1], [0]] } },
      { args: [m([2, 1]), m([3, 4]), [[1], [0]]] },
    ],
    errors: [{ args: [m([2, 3]), m([4, 2]), [[1], [0]]] }, { args: [m([2, 3]), m([3, 2]), -1] }, { args: [m([2, 3]), m([3, 2]), [[0, 1], [0]]] }],
  },
  {
    name: "kron",
    samples: [{ args: [m([2, 2]), m([2, 3])] }, { args: [m([2]), m([3])] }, { args: [f64([2, 1, 2]), f64([3, 2])] }, { args: [ints([2]), ints([2, 2])] }],
    errors: [{ args: [m([2]), 3] }],
  },
  {
    name: "cross",
    samples: [{ args: [m([2, 3]), m([2, 3]), 1] }, { args: [m([3, 2]), m([3, 2])] }, { args: [f64([4, 3]), f64([1, 3])], kwargs: { dim: -1 } }, { args: [m([3, 2], { layout: "T" }), m([3, 2]), 0] }, { args: [ints([3]), ints([3]), 0] }],
    errors: [{ args: [m([2, 3]), m([2, 3]), 0] }, { args: [m([2, 2]), m([2, 2])] }, { args: [m([2, 3]), m([3]), 1] }],
  },
];
