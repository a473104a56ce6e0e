// Singular values (torch.linalg.svdvals) and the norms built on them: matrix 2-norm, -2 and nuclear norms.
import { backend } from "../backend/index.ts";
import { RuntimeError } from "../errors.ts";
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { isGradEnabled, noGrad } from "../autograd/grad-mode.ts";
import { delayedError } from "../autograd/function.ts";
import type { Tensor } from "../tensor.ts";
import { emptyTensor, kview } from "./core.ts";
import { T, type OpInfo } from "./opinfo.ts";

interface SvdParams {
  readonly u: Tensor;
  readonly v: Tensor;
}

const SPECS = {
  // dσ_i = u_iᵀ dA v_i, so dA = U diag(g) Vᵀ. U and V enter as constants: the result refuses a second
  // derivative (it would need U's and V's own derivatives) instead of giving a silently wrong one.
  svdvals: {
    node: "LinalgSvdBackward0",
    backward: ([g], _s, p) => {
      const ga = noGrad(() => p.u.mul(g.unsqueeze(-2)).matmul(p.v.mT));
      return [isGradEnabled() ? delayedError(ga) : ga];
    },
  },
} satisfies Record<string, GradSpec<SvdParams>>;

/**
 * The singular values of each matrix of `a` ([..., m, n] -> [..., min(m, n)], descending).
 * Differentiable once (the second derivative raises).
 * @example torch.linalg.svdvals(torch.tensor([[3, 0], [0, -4]])) // tensor([4., 3.])
 */
export function svdvals(a: Tensor): Tensor {
  if (a.dim() < 2) throw new RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.");
  if (!isFloating(a.dtype)) throw new RuntimeError(`linalg.svd: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE_NAME[a.dtype]}`);
  const r = a.dim(), m = a.shape[r - 2], n = a.shape[r - 1], k = Math.min(m, n);
  const batch = a.shape.slice(0, r - 2);
  const u = emptyTensor([...batch, m, k], a.dtype), s = emptyTensor([...batch, k], a.dtype), v = emptyTensor([...batch, n, k], a.dtype);
  backend().svd(kview(a), kview(u), kview(s), kview(v));
  return record(SPECS.svdvals, [a], [s], { u, v })[0];
}

const g = (shape: number[], opts: { dtype?: "float64"; layout?: "T" } = {}) => T(shape, { grad: true, ...opts });
// distinct singular values keep the gradient well defined (equal ones make U, V non-unique)
const WELL_SEPARATED = [3, 1, 0.5, -1, 2, 0.25];

/** Samples of svdvals. */
export const SVD_INFO: OpInfo[] = [
  {
    name: "linalg.svdvals", py: "torch.linalg.svdvals", noGradGrad: true,
    samples: [
      { args: [g([3, 2], { dtype: "float64" })] }, { args: [g([2, 3])] }, { args: [g([2, 2, 3], { dtype: "float64" })] },
      { args: [T([3, 2], { grad: true, values: WELL_SEPARATED, layout: "T" })] }, { args: [T([2, 2], { grad: true, values: [2, 0, 0, -1] })] },
    ],
    errors: [{ args: [T([3])] }, { args: [T([2, 2], { dtype: "int64" })] }],
  },
];
