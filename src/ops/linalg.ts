// Linear algebra: dot, mm, bmm, mv and matmul with PyTorch's 1-D/2-D/batched dispatch.
import { backend } from "../backend/index.ts";
import { SCALAR_TYPE_NAME } from "../dtype.ts";
import type { View } from "../backend/types.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { emptyTensor, outputTensor, kview } from "./core.ts";
import { squeezeFresh, unsafeView } from "./movement.ts";
import { mmGradA, mmGradB } from "./mm-grad.ts";
import { T, type OpInfo, type TensorSpec } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { bilinearJvp } from "./jvp-rules.ts";

// The sub-families in their own files, re-exported so Tensor's methods reach them through this module.
export { addmm, baddbmm, addmv, outer, ger, inner, tensordot, kron, cross, linalgCross } from "./linalg-ext.ts";
export type { AddProductOptions, TensordotDims } from "./linalg-ext.ts";

const SPECS = {
  // d(a·b) = (g b, g a)
  dot: {
    node: "DotBackward0", saves: { inputs: [0, 1] }, jvp: bilinearJvp((a, b) => a.dot(b)),
    backward: ([g], s) => [s.needsGrad(0) ? s.input(1).mul(g) : null, s.needsGrad(1) ? s.input(0).mul(g) : null],
  },
  // d(AB) = (G Bᵀ, Aᵀ G)
  mm: {
    node: "MmBackward0", saves: { inputs: [0, 1] }, jvp: bilinearJvp((a, b) => a.mm(b)),
    backward: ([g], s) => [s.needsGrad(0) ? mmGradA(g, s.input(0), s.input(1)) : null, s.needsGrad(1) ? mmGradB(g, s.input(0), s.input(1)) : null],
  },
  bmm: {
    node: "BmmBackward0", saves: { inputs: [0, 1] }, jvp: bilinearJvp((a, b) => a.bmm(b)),
    backward: ([g], s) => [s.needsGrad(0) ? g.bmm(s.input(1).transpose(1, 2)) : null, s.needsGrad(1) ? s.input(0).transpose(1, 2).bmm(g) : null],
  },
  // d(Av) = (g vᵀ, Aᵀ g)
  mv: {
    node: "MvBackward0", saves: { inputs: [0, 1] }, jvp: bilinearJvp((a, b) => a.mv(b)),
    backward: ([g], s) => [s.needsGrad(0) ? g.unsqueeze(1).mul(s.input(1).unsqueeze(0)) : null, s.needsGrad(1) ? s.input(0).t().mv(g) : null],
  },
} satisfies Record<string, GradSpec<void>>;

function checkSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === b.dtype) return;
  if (op === "dot") throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${SCALAR_TYPE_NAME[a.dtype]} and ${SCALAR_TYPE_NAME[b.dtype]}`);
  throw new RuntimeError(`expected scalar type ${SCALAR_TYPE_NAME[a.dtype]} but found ${SCALAR_TYPE_NAME[b.dtype]}`);
}

/** Runs the batched kernel on 3-D views of a and b and records `spec`. */
function product(spec: GradSpec<void>, a: Tensor, b: Tensor, va: View, vb: View, outShape: number[]): Tensor {
  const out = outputTensor(outShape, a.dtype);
  const [batch, rows] = va.shape, cols = vb.shape[2];
  backend().matmul(va, vb, { data: out._storage.data, shape: [batch, rows, cols], strides: [rows * cols, cols, 1], offset: 0 });
  return record(spec, [a, b], [out], undefined)[0];
}

/** The kernel's 3-D geometry of a 1-D/2-D operand. */
function as3d(t: Tensor, shape: number[], strides: number[]): View {
  return { ...kview(t), shape, strides };
}

/** Inner product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RuntimeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RuntimeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  checkSameDType("dot", a, b);
  // ---- [vmap] begin ----
  if (a._batched !== undefined || b._batched !== undefined) return VM.matmulRule(a, b);
  // ---- [vmap] end ----
  const n = a.shape[0];
  return product(SPECS.dot, a, b, as3d(a, [1, 1, n], [0, 0, a._strides[0]]), as3d(b, [1, n, 1], [0, b._strides[0], 0]), []);
}

/** Matrix product of two 2-D tensors. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 2) throw new RuntimeError("self must be a matrix");
  if (b.dim() !== 2) throw new RuntimeError("mat2 must be a matrix");
  if (a.shape[1] !== b.shape[0]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  checkSameDType("mm", a, b);
  // ---- [vmap] begin ----
  if (a._batched !== undefined || b._batched !== undefined) return VM.matmulRule(a, b);
  // ---- [vmap] end ----
  return product(SPECS.mm, a, b, as3d(a, [1, ...a.shape], [0, ...a._strides]), as3d(b, [1, ...b.shape], [0, ...b._strides]), [a.shape[0], b.shape[1]]);
}

/** Batched matrix product of two 3-D tensors with equal batch sizes. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3) throw new RuntimeError("batch1 must be a 3D tensor");
  if (b.dim() !== 3) throw new RuntimeError("batch2 must be a 3D tensor");
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  checkSameDType("bmm", a, b);
  // ---- [vmap] begin ----
  if (a._batched !== undefined || b._batched !== undefined) return VM.matmulRule(a, b);
  // ---- [vmap] end ----
  return product(SPECS.bmm, a, b, kview(a), kview(b), [a.shape[0], a.shape[1], b.shape[2]]);
}

/** Matrix-vector product. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.dim() !== 2 || v.dim() !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got 1, ${a.dim()}, ${v.dim()}`);
  if (a.shape[1] !== v.shape[0]) {
    throw new RuntimeError(`size mismatch, got ${a.shape[0]}, ${a.shape[0]}x${a.shape[1]},${v.shape[0]}`);
  }
  checkSameDType("mv", a, v);
  // ---- [vmap] begin ----
  if (a._batched !== undefined || v._batched !== undefined) return VM.matmulRule(a, v);
  // ---- [vmap] end ----
  return product(SPECS.mv, a, v, as3d(a, [1, ...a.shape], [0, ...a._strides]), as3d(v, [1, v.shape[0], 1], [0, v._strides[0], 0]), [a.shape[0]]);
}

/**
 * PyTorch's matmul: dot (1-D·1-D), mv, mm, and broadcast batched products, with the same graph shapes.
 * @example torch.matmul(torch.randn(2, 3, 4), torch.randn(4, 5)).shape // [2, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  if (da === 0 || db === 0) throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return squeezeFresh(a.unsqueeze(0).mm(b), 0);
  if (da === 2 && db === 2) return mm(a, b);
  if (da >= 3 && db <= 2) return foldedMatmul(a, b);
  // (n, k) @ (..., k, m): fold the transposed problem, then transpose back into a contiguous result
  if (da === 2 && db >= 3) return foldedMatmul(b.mT, a.t()).mT.contiguous();
  return batchedMatmul(a, b);
}

/** (..., n, k) @ (k, m) or (k): the batch folds into the rows of one mm / mv. */
function foldedMatmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  const rows = a.reshape(-1, a.shape[da - 1]);
  const res = db === 1 ? rows.mv(b) : rows.mm(b);
  return unsafeView(res, db === 1 ? a.shape.slice(0, -1) : [...a.shape.slice(0, -1), b.shape[1]]);
}

/** Broadcast batch dims, bmm over the flattened batch, and view back. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim(), db = b.dim();
  const a2 = da === 1 ? a.unsqueeze(0) : a;
  const b2 = db === 1 ? b.unsqueeze(1) : b;
  const n = a2.shape[a2.dim() - 2], k = a2.shape[a2.dim() - 1], k2 = b2.shape[b2.dim() - 2], m = b2.shape[b2.dim() - 1];
  if (k !== k2) throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${numelBatch(a2)}, ${k}] but got: [${numelBatch(b2)}, ${k2}].`);
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const count = batch.reduce((x, y) => x * y, 1);
  const a3 = a2.expand([...batch, n, k]).reshape(count, n, k);
  const b3 = b2.expand([...batch, k, m]).reshape(count, k, m);
  return unsafeView(a3.bmm(b3), [...batch, ...(da === 1 ? [] : [n]), ...(db === 1 ? [] : [m])]);
}

function numelBatch(t: Tensor): number {
  return t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
}


const m = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });

/** Samples of the products. */
export const LINALG_INFO: OpInfo[] = [
  { name: "dot", samples: [{ args: [m([4]), m([4])] }, { args: [m([3], { dtype: "float64" }), m([3], { dtype: "float64" })] }, { args: [T([3], { dtype: "int64", gen: "int" }), T([3], { dtype: "int64", gen: "int" })] }],
    errors: [{ args: [m([3]), m([4])] }, { args: [m([2, 2]), m([2, 2])] }, { args: [m([3]), m([3], { dtype: "float64" })] }] },
  { name: "mm", samples: [{ args: [m([2, 3]), m([3, 4])] }, { args: [m([2, 3], { layout: "T" }), m([3, 4])] }, { args: [m([2, 3], { dtype: "float64" }), m([3, 4], { dtype: "float64", layout: "T" })] }],
    errors: [{ args: [m([2, 3]), m([4, 5])] }, { args: [m([3]), m([3, 4])] }, { args: [m([2, 3]), m([3, 4], { dtype: "float64" })] }] },
  { name: "bmm", samples: [{ args: [m([2, 2, 3]), m([2, 3, 4])] }], errors: [{ args: [m([2, 2, 3]), m([3, 3, 4])] }, { args: [m([2, 3]), m([3, 4])] }] },
  { name: "mv", samples: [{ args: [m([2, 3]), m([3])] }, { args: [m([3, 2], { layout: "T" }), m([2])] }], errors: [{ args: [m([2, 3]), m([4])] }] },
  {
    name: "matmul",
    samples: [
      { args: [m([3]), m([3])] }, { args: [m([2, 3]), m([3])] }, { args: [m([3]), m([3, 2])] }, { args: [m([2, 3]), m([3, 2])] },
      { args: [m([2, 2, 3]), m([3, 2])] }, { args: [m([2, 2, 3]), m([3])] }, { args: [m([2, 3]), m([2, 3, 2])] },
      { args: [m([3]), m([2, 3, 2])] }, { args: [m([2, 1, 2, 3]), m([3, 3, 2])] }, { args: [m([2, 2, 3], { dtype: "float64" }), m([2, 3, 2], { dtype: "float64" })] },
      { args: [m([2, 1, 2, 3]), m([1, 3, 3, 2])] }, { args: [m([3]), m([2, 1, 3, 2])] }, { args: [m([2, 1, 2, 3]), m([3])] },
      { args: [m([2, 2, 3], { layout: "T" }), m([2, 3, 2], { layout: "T" })] }, { args: [T([2, 2, 3], { dtype: "int64", gen: "int" }), T([3, 2], { dtype: "int64", gen: "int" })] },
    ],
    errors: [{ args: [m([2, 3]), m([2, 3])] }, { args: [m([]), m([3])] }, { args: [m([2, 2, 3]), m([2, 4, 2])] }, { args: [m([2, 2, 3]), m([3, 3, 2])] }],
  },
];
