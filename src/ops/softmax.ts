// Softmax family: softmax, logSoftmax, softmin with a dedicated stable kernel (SoftmaxBackward0 / LogSoftmaxBackward0).
import { backend } from "../backend/index.ts";
import { isFloating, SCALAR_TYPE_NAME, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { normalizeDim } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, dtypeOption, emptyTensor, outputTensor, kview, splitOptions } from "./core.ts";
import { T, type OpInfo, type OpSample } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Options of the softmax family (PyTorch's keyword arguments). */
export interface SoftmaxOptions {
  dim?: number | null;
  dtype?: DType | null;
}

interface SoftmaxParams { readonly dim: number }

interface BackwardDataParams { readonly dim: number; readonly log: boolean }

const SPECS = {
  // d softmax: dx = y (g - sum(g y)), one kernel (PyTorch's _softmax_backward_data); the Jacobian
  // diag(y) - y yᵀ is symmetric, so the tangent is the same map of t
  softmax: {
    node: "SoftmaxBackward0", saves: { outputs: [0] },
    backward: ([g], s, { dim }) => [softmaxBackwardData(g, s.output(0), dim, false)],
    jvp: ([t], s, { dim }) => [t && softmaxBackwardData(t, s.output(0), dim, false)],
  },
  // d log-softmax: dx = g - e^y sum(g); tangent: t - sum(e^y t)
  logSoftmax: {
    node: "LogSoftmaxBackward0", saves: { outputs: [0] },
    backward: ([g], s, { dim }) => [softmaxBackwardData(g, s.output(0), dim, true)],
    jvp: ([t], s, { dim }) => [t && t.sub(s.output(0).exp().mul(t).sum(dim, true))],
  },
} satisfies Record<string, GradSpec<SoftmaxParams>>;

// The backward ops' own gradients, for double backward. Upstream gradient G of out:
// softmax, out = y (g - S), S = sum(g y): dg = y (G - sum(G y)) (the op itself), dy = G (g - S) - g sum(G y);
// log-softmax, out = g - e^y sum(g): dg = G - sum(G e^y), dy = -G e^y sum(g).
const BACKWARD_DATA = {
  softmax: {
    node: "SoftmaxBackwardDataBackward0", saves: { inputs: [0, 1] },
    backward: ([G], s, { dim }) => {
      const g = s.input(0), y = s.input(1);
      const dg = s.needsGrad(0) ? softmaxBackwardData(G, y, dim, false) : null;
      const dy = s.needsGrad(1) ? G.mul(g.sub(g.mul(y).sum(dim, true))).sub(g.mul(G.mul(y).sum(dim, true))) : null;
      return [dg, dy];
    },
  },
  logSoftmax: {
    node: "LogSoftmaxBackwardDataBackward0", saves: { inputs: [0, 1] },
    backward: ([G], s, { dim }) => {
      const g = s.input(0), ey = s.input(1).exp();
      const dg = s.needsGrad(0) ? G.sub(G.mul(ey).sum(dim, true)) : null;
      const dy = s.needsGrad(1) ? G.mul(ey).mul(g.sum(dim, true)).neg() : null;
      return [dg, dy];
    },
  },
} satisfies Record<string, GradSpec<BackwardDataParams>>;

/**
 * The gradient of softmax (log-softmax with `log`) along `dim` given its output `y` and the output's
 * gradient `g`, in one kernel (PyTorch's `_softmax_backward_data`), differentiable again.
 */
export function softmaxBackwardData(g: Tensor, y: Tensor, dim: number, log: boolean): Tensor {
  const gy = g.dtype === y.dtype ? g : g.to(y.dtype);
  const out = outputTensor(y.shape, y.dtype);
  backend().softmaxBackward(kview(y), kview(gy), dim, log, kview(out));
  return record(log ? BACKWARD_DATA.logSoftmax : BACKWARD_DATA.softmax, [gy, y], [out], { dim, log })[0];
}

/** PyTorch's implicit dim (deprecated): 0 for 0-, 1- and 3-d inputs, else 1. */
const implicitDim = (ndim: number): number => (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);

/** Reads `(dim?, dtype?, opts?)` the way PyTorch's softmax signatures take them. */
function readSoftmaxArgs(x: Tensor, fn: string, args: readonly unknown[]): { dim: number; dtype: DType | null } {
  checkTensorArg(fn, "input", 1, x);
  const [pos, o] = splitOptions<SoftmaxOptions>(args);
  const dimArg = (pos[0] ?? o.dim ?? null) as number | null;
  const dtypeArg = (pos[1] ?? o.dtype ?? null) as DType | null;
  return { dim: dimArg === null ? implicitDim(x.dim()) : dimArg, dtype: dtypeArg === null ? null : dtypeOption(dtypeArg, x.dtype) };
}

/** Runs the kernel over `x` cast to `dtype` (PyTorch casts first), recorded with the family's node. */
export function softmaxKernel(kind: "softmax" | "logSoftmax", x: Tensor, dim: number, dtype: DType | null): Tensor {
  const src = dtype === null || dtype === x.dtype ? x : x.to(dtype);
  const d = normalizeDim(dim, src.dim());
  if (!isFloating(src.dtype)) {
    // PyTorch names the non-last-dim kernel "softmax_kernel_impl" for log-softmax too
    const last = d === src.dim() - 1 || src.dim() === 0;
    const impl = last ? `${kind === "softmax" ? "softmax" : "log_softmax"}_lastdim_kernel_impl` : "softmax_kernel_impl";
    throw new RuntimeError(`"${impl}" not implemented for '${SCALAR_TYPE_NAME[src.dtype]}'`);
  }
  // ---- [vmap] begin ----
  if (src._batched !== undefined) return VM.onDims(src, [d], (p, [pd]) => softmaxKernel(kind, p, pd, null));
  // ---- [vmap] end ----
  const out = outputTensor(src.shape, src.dtype);
  backend().softmax(kview(src), d, kind === "logSoftmax", kview(out));
  return record(SPECS[kind], [src], [out], { dim: d })[0];
}

/**
 * e^x / sum e^x along `dim`, computed stably (shifted by the max); `dtype` casts the input first.
 * @example torch.softmax(torch.tensor([1, 2, 3]), 0) // tensor([0.0900, 0.2447, 0.6652])
 */
export function softmax(x: Tensor, ...args: (number | null | DType | SoftmaxOptions)[]): Tensor {
  const { dim, dtype } = readSoftmaxArgs(x, "softmax", args);
  return softmaxKernel("softmax", x, dim, dtype);
}

/**
 * log(softmax(x)) along `dim`, without overflow or log(0) for large logits.
 * @example torch.logSoftmax(torch.tensor([1, 2, 3]), 0) // tensor([-2.4076, -1.4076, -0.4076])
 */
export function logSoftmax(x: Tensor, ...args: (number | null | DType | SoftmaxOptions)[]): Tensor {
  const { dim, dtype } = readSoftmaxArgs(x, "log_softmax", args);
  return softmaxKernel("logSoftmax", x, dim, dtype);
}

/**
 * softmax(-x) along `dim`.
 * @example F.softmin(torch.tensor([1, 2, 3]), 0) // tensor([0.6652, 0.2447, 0.0900])
 */
export function softmin(x: Tensor, ...args: (number | null | DType | SoftmaxOptions)[]): Tensor {
  const { dim, dtype } = readSoftmaxArgs(x, "softmin", args);
  const src = dtype === null || dtype === x.dtype ? x : x.to(dtype);
  return softmaxKernel("softmax", src.neg(), dim, null);
}

// ---- samples ----------------------------------------------------------------------------------

const g = (shape: number[], opts: Parameters<typeof T>[1] = {}) => T(shape, { grad: true, ...opts });
/** Huge and infinite logits: the kernel's max shift keeps them finite (a +inf or all -inf row is NaN, as in PyTorch). */
const EXTREME_LOGITS = T([3, 4], { values: [1e4, -1e4, 0, 1, -1e4, -1e4, 3, 2, "-inf", 0, 1, "-inf"] });
const INF_LOGITS = T([2, 3], { values: ["inf", 0, 1, "-inf", "-inf", "-inf"] });

const familySamples = (name: string): OpSample[] => [
  { args: [g([2, 3]), 1] }, { args: [g([3, 4], { dtype: "float64" }), 0] }, { args: [g([2, 3, 4]), -1] },
  { args: [g([3, 4], { layout: "T" }), 1] }, { args: [g([3, 4], { layout: "T" })], kwargs: { dim: 0 } },
  { args: [g([4]), 0], kwargs: { dtype: "float64" } }, { args: [g([]), 0] }, { args: [EXTREME_LOGITS, 1] },
  { args: [g([3, 4], { values: [1e4, -1e4, 0, 1, -1e4, -1e4, 3, 2, -30, 0, 1, 40] }), 1] },
  { args: [INF_LOGITS, 1] }, { args: [T([2, 3], { dtype: "int64" }), 1], kwargs: { dtype: "float32" } },
  ...(name === "logSoftmax" || name === "softmax" ? [{ args: [g([2, 3]), 1, "float64"] }] : []),
];
const familyErrors: OpSample[] = [
  { args: [T([2, 3]), 2] }, { args: [T([2, 3], { dtype: "int64" }), 1] }, { args: [T([2, 3], { dtype: "int64" }), 0] },
];

/** Samples of softmax, logSoftmax and softmin in every form PyTorch has. */
export const SOFTMAX_INFO: OpInfo[] = [
  { name: "softmax", samples: familySamples("softmax"), errors: familyErrors },
  { name: "logSoftmax", py: "torch.log_softmax", samples: familySamples("logSoftmax"), errors: familyErrors },
  { name: "nn.functional.softmax", py: "torch.nn.functional.softmax", samples: [...familySamples("nn"), { args: [g([2, 3])] }, { args: [g([2, 3, 2])] }], errors: familyErrors },
  { name: "nn.functional.logSoftmax", py: "torch.nn.functional.log_softmax", samples: familySamples("nn"), errors: familyErrors },
  { name: "nn.functional.softmin", py: "torch.nn.functional.softmin", samples: familySamples("nn"), errors: familyErrors.slice(0, 1) },
];
