// Norms of torch.linalg: vector_norm (LinalgVectorNormBackward0), matrix_norm (fro, nuc, ±1, ±2, ±inf) and norm's dispatch between them.
import { isFloating, SCALAR_TYPE_NAME, type DType } from "../dtype.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { svdvals } from "./linalg-svd.ts";
import { RuntimeError } from "../errors.ts";
import { normalizeDim, normalizeDims } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { isOptions } from "./core.ts";
import { T, type OpInfo, type TensorSpec } from "./opinfo.ts";
import { sliceReductionJvp } from "./jvp-rules.ts";

/** A norm's dims: one, several, or null (all). */
export type NormDim = number | readonly number[] | null;

export interface VectorNormOptions {
  ord?: number;
  dim?: NormDim;
  keepdim?: boolean;
  dtype?: DType;
}

export interface MatrixNormOptions {
  ord?: number | "fro" | "nuc";
  dim?: readonly number[];
  keepdim?: boolean;
  dtype?: DType;
}

export interface NormOptions {
  ord?: number | "fro" | "nuc" | null;
  dim?: NormDim;
  keepdim?: boolean;
  dtype?: DType;
}

interface NormParams { readonly ord: number; readonly dims: readonly number[]; readonly keepdim: boolean; readonly inShape: readonly number[] }

/** `t` with the reduced dims back as size 1 (a no-op with keepdim). */
function unreduce(t: Tensor, p: NormParams): Tensor {
  if (p.keepdim) return t;
  return t.reshape(p.inShape.map((s, i) => (p.dims.includes(i) ? 1 : s)));
}

/** `y`, with 1 where it is 0: a divisor that leaves 0/0 cases at 0 when the numerator vanishes there. */
const safe = (y: Tensor): Tensor => y.add(y.eq(0).to(y.dtype));

const VECTOR_NORM: GradSpec<NormParams> = {
  node: "LinalgVectorNormBackward0", saves: { inputs: [0], outputs: [0] }, jvp: sliceReductionJvp((p) => p),
  backward: ([gOut], s, p) => {
    const x = s.input(0), g = unreduce(gOut, p), y = unreduce(s.output(0), p), ord = p.ord;
    if (ord === 0) return [null]; // piecewise constant: PyTorch leaves the gradient undefined (None)
    if (ord === 1) return [x.sign().mul(g)]; // d|x| = sign(x)
    if (ord === 2) return [x.mul(g.div(safe(y)))]; // d‖x‖ = x / ‖x‖
    if (!Number.isFinite(ord)) {
      // split evenly among the elements whose |x| is the extreme
      const mask = x.abs().eq(y).to(x.dtype);
      return [x.sign().mul(g.div(mask.sum([...p.dims], true))).mul(mask)];
    }
    // d‖x‖ₚ = sign(x) |x|^(p-1) / ‖x‖ₚ^(p-1); |x|^(p-1) is made finite at 0 where sign(x) = 0 cancels it
    const ax = x.abs();
    const scaledX = x.sign().mul(ord < 1 ? safe(ax).pow(ord - 1) : ax.pow(ord - 1));
    return [scaledX.mul(g.div(safe(y).pow(ord - 1)))];
  },
};

function checkFloating(fn: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new RuntimeError(`${fn}: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE_NAME[x.dtype]}`);
}

function dimsOf(dim: NormDim | undefined, ndim: number): number[] {
  if (dim === null || dim === undefined) return [...Array(ndim).keys()];
  return normalizeDims(typeof dim === "number" ? [dim] : dim, ndim);
}

/**
 * The `ord`-norm of the elements over `dim` (all by default): 2 (default), 1, 0 (count of non-zeros),
 * ±inf (max/min of |x|), or any p: (Σ|x|^p)^(1/p).
 * @example torch.linalg.vectorNorm(torch.tensor([3, 4])) // tensor(5.)
 */
export function vectorNorm(x: Tensor, ...args: (number | NormDim | boolean | VectorNormOptions | undefined)[]): Tensor {
  const o = parseArgs<VectorNormOptions>(args, ["ord", "dim", "keepdim"]);
  const ord = o.ord ?? 2, keepdim = o.keepdim ?? false;
  checkFloating("linalg.vector_norm", x);
  const src = o.dtype !== undefined && o.dtype !== x.dtype ? x.to(o.dtype) : x;
  const dims = dimsOf(o.dim, x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.reduceDims(src, dims, (p, d) => vectorNorm(p, ord, d, keepdim));
  // ---- [vmap] end ----
  const out = noGrad(() => {
    const ax = src.abs();
    if (ord === 0) return src.ne(0).to(src.dtype).sum(dims, keepdim);
    if (ord === Infinity) return ax.amax(dims, keepdim);
    if (ord === -Infinity) return ax.amin(dims, keepdim);
    if (ord === 1) return ax.sum(dims, keepdim);
    if (ord === 2) return ax.mul(ax).sum(dims, keepdim).sqrt();
    return ax.pow(ord).sum(dims, keepdim).pow(1 / ord);
  });
  return record(VECTOR_NORM, [src], [out], { ord, dims, keepdim, inShape: src.shape })[0];
}

/**
 * Matrix norms over the two dims `dim` (default [-2, -1]): "fro" (default), 1 / -1 (max / min column
 * sum of |A|), inf / -inf (max / min row sum). "nuc" and ±2 need singular values, which are not here yet.
 * @example torch.linalg.matrixNorm(torch.eye(3), 1) // tensor(1.)
 */
export function matrixNorm(a: Tensor, ...args: (number | string | readonly number[] | boolean | MatrixNormOptions | undefined)[]): Tensor {
  const o = parseArgs<MatrixNormOptions>(args, ["ord", "dim", "keepdim"]);
  const ord = o.ord ?? "fro", keepdim = o.keepdim ?? false;
  const dimList = o.dim ?? [-2, -1];
  checkFloating("linalg.matrix_norm", a);
  if (a.dim() < 2) throw new RuntimeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  if (dimList.length !== 2) throw new RuntimeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dimList.join(" ")}`);
  const dims = dimList.map((d) => normalizeDim(d, a.dim()));
  if (dims[0] === dims[1]) throw new RuntimeError(`linalg.matrix_norm: dims must be different. Got (${dims[0]}, ${dims[1]})`);
  if (ord === "fro") return vectorNorm(a, 2, dims, keepdim, { dtype: o.dtype });
  if (ord === "nuc" || ord === 2 || ord === -2) return spectralNorm(a, ord, dims, keepdim, o.dtype);
  if (typeof ord === "string") throw new RuntimeError(`linalg.matrix_norm: Order ${ord} not supported.`);
  if (ord !== 1 && ord !== -1 && Math.abs(ord) !== Infinity) throw new RuntimeError(`linalg.matrix_norm: Order ${ord} not supported.`);
  let [d0, d1] = dims;
  if (Math.abs(ord) === Infinity) [d0, d1] = [d1, d0];
  if (!keepdim && d0 < d1) d1--;
  const sums = vectorNorm(a, 1, [d0], keepdim, { dtype: o.dtype });
  return ord > 0 ? sums.amax(d1, keepdim) : sums.amin(d1, keepdim);
}

/**
 * torch.linalg.norm: the 2-norm of all elements by default; with `ord`, a vector norm over one dim
 * (or of a 1-D input) and a matrix norm over two dims (or of a 2-D input).
 * @example torch.linalg.norm(torch.ones(2, 2)) // tensor(2.)
 */
export function norm(a: Tensor, ...args: (number | string | NormDim | boolean | NormOptions | undefined)[]): Tensor {
  const o = parseArgs<NormOptions>(args, ["ord", "dim", "keepdim"]);
  const ord = o.ord ?? null, keepdim = o.keepdim ?? false;
  const dim = o.dim === undefined || o.dim === null ? null : typeof o.dim === "number" ? [o.dim] : [...o.dim];
  if (dim !== null && dim.length !== 1 && dim.length !== 2) {
    throw new RuntimeError(`linalg.norm: If dim is specified, it must be of length 1 or 2. Got [${dim.join(", ")}]`);
  }
  if (ord !== null && dim === null && a.dim() !== 1 && a.dim() !== 2) {
    throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${a.dim()}D.`);
  }
  if (typeof ord === "string") {
    return matrixNorm(a, ord, dim ?? [0, 1], keepdim, { dtype: o.dtype });
  }
  if (ord !== null && ((dim !== null && dim.length === 2) || (dim === null && a.dim() === 2))) {
    return matrixNorm(a, ord, dim ?? [0, 1], keepdim, { dtype: o.dtype });
  }
  return vectorNorm(a, ord ?? 2, dim, keepdim, { dtype: o.dtype });
}

/** Positional arguments in PyTorch's order, then a trailing options object. */
function parseArgs<O extends object>(args: readonly unknown[], names: readonly (keyof O & string)[]): O {
  const last = args[args.length - 1];
  const opts = isOptions(last) && !Array.isArray(last) ? { ...(last as O) } : ({} as O);
  const pos = isOptions(last) ? args.slice(0, -1) : args;
  pos.forEach((v, i) => { if (v !== undefined && i < names.length) (opts as Record<string, unknown>)[names[i]] = v; });
  for (const k of Object.keys(opts)) if ((opts as Record<string, unknown>)[k] === undefined) delete (opts as Record<string, unknown>)[k];
  return opts;
}

const m = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const f64 = (shape: number[]) => m(shape, { dtype: "float64" });

/** Samples of the norms (torch.linalg namespace: named "linalg.<fn>"). */
export const LINALG_NORM_INFO: OpInfo[] = [
  {
    name: "linalg.vectorNorm", py: "torch.linalg.vector_norm",
    samples: [
      { args: [m([2, 3])] }, { args: [m([2, 3]), 1, 1] }, { args: [m([2, 3]), 0] }, { args: [m([2, 3]), 3, -1] }, { args: [f64([2, 3]), 0.5] }, { args: [m([2, 3]), 1.5, [0, 1], true] },
      { args: [m([3, 2], { layout: "T" })], kwargs: { dim: 0 } },
      { args: [m([3])], kwargs: { ord: 2, keepdim: true } }, { args: [m([2, 3]), 2, null, false], kwargs: { dtype: "float64" } },
    ],
    errors: [{ args: [T([3], { dtype: "int64", gen: "int" })] }, { args: [m([2, 3]), 2, 2] }],
  },
  {
    name: "linalg.matrixNorm", py: "torch.linalg.matrix_norm",
    samples: [
      { args: [m([2, 3])] }, { args: [m([2, 3]), 1] }, { args: [m([2, 3]), -1] },
      { args: [m([2, 2, 3]), "fro", [0, 2], true] }, { args: [m([2, 3, 2], { layout: "T" }), 1, [-1, 1]] },
      { args: [m([3, 2], { dtype: "float64" }), 2] }, { args: [m([2, 3]), -2] },
      { args: [m([2, 2, 3], { dtype: "float64" }), "nuc"] }, { args: [m([2, 3, 2]), "nuc", [0, 2], true] },
    ],
    errors: [{ args: [m([3])] }, { args: [m([2, 3]), 3] }, { args: [m([2, 3]), "foo"] }, { args: [m([2, 3]), 1, [0, 0]] }],
  },
  {
    name: "linalg.norm", py: "torch.linalg.norm",
    samples: [
      { args: [m([2, 3])] }, { args: [m([3]), 3] }, { args: [m([2, 3]), 1] }, { args: [m([2, 3]), "fro"] }, { args: [m([2, 2, 3]), null, [1, 2]] },
      { args: [f64([2, 3]), 0.5, 1] }, { args: [m([2, 3]), -1, [1, 0], true] }, { args: [m([2, 2, 3])], kwargs: { dim: -1, keepdim: true } },
    ],
    errors: [{ args: [m([2, 2, 3]), 2] }, { args: [m([2, 2, 3]), "fro"] }, { args: [m([2, 2, 3]), 1, [0, 1, 2]] }],
  },
  {
    name: "linalg.cross", py: "torch.linalg.cross",
    samples: [{ args: [m([2, 3]), m([2, 3])] }, { args: [f64([3, 2]), f64([3, 1])], kwargs: { dim: 0 } }],
    errors: [{ args: [m([2, 3]), m([3])] }, { args: [m([3, 2]), m([3, 2])] }],
  },
];

/** The matrix norms of the singular values: 2 (largest), -2 (smallest), "nuc" (their sum), over `dims`. */
function spectralNorm(a: Tensor, ord: 2 | -2 | "nuc", dims: number[], keepdim: boolean, dtype: DType | undefined): Tensor {
  const x = dtype !== undefined && dtype !== a.dtype ? a.to(dtype) : a;
  const moved = x.movedim(dims, [x.dim() - 2, x.dim() - 1]);
  const s = svdvals(moved);
  const out = ord === 2 ? s.amax(-1, keepdim) : ord === -2 ? s.amin(-1, keepdim) : s.sum(-1, keepdim);
  // keepdim: [..., 1] -> [..., 1, 1], moved back into place (PyTorch's graph ends in PermuteBackward0)
  return keepdim ? out.unsqueeze(-1).movedim([x.dim() - 2, x.dim() - 1], dims) : out;
}
