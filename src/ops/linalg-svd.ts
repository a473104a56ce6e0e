// The SVD (thin factors, with a gradient that differentiates again) and torch.linalg.svdvals.
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { RuntimeError } from "../errors.ts";
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { eye } from "./creation.ts";
import { where } from "./ternary.ts";
import type { Tensor } from "../tensor.ts";
import { emptyTensor, kview } from "./core.ts";
import { T, type OpInfo } from "./opinfo.ts";

/** PyTorch's full_matrices=False factorisation parts; `Vh` is Vᵀ. */
export interface SvdParts {
  readonly U: Tensor;
  readonly S: Tensor;
  readonly Vh: Tensor;
}

/** Scales the columns of `x` by `s` (x diag(s)). */
const scaleCols = (x: Tensor, s: Tensor) => x.mul(s.unsqueeze(-2));
/** Scales the rows of `x` by `s` (diag(s) x). */
const scaleRows = (x: Tensor, s: Tensor) => x.mul(s.unsqueeze(-1));

/**
 * The SVD's gradient (real case, thin factors, distinct non-zero singular values), written in Tensor ops
 * so it differentiates again. With F_ij = 1/(s_j² - s_i²) off the diagonal:
 * Ā = U [(F∘(UᵀŪ - ŪᵀU)) S + diag(S̄) + S (F∘(VᵀV̄ - V̄ᵀV))] Vᵀ + (I - UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I - VVᵀ).
 * Missing output gradients arrive as null, so svdvals alone costs only U diag(S̄) Vᵀ.
 */
function svdBackward(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const V = Vh.mT;
  let inner = gS === null ? null : gS.diagEmbed();
  if (gU !== null || gVh !== null) {
    const k = S.shape[S.dim() - 1];
    const eye = torch_eye(k, S);
    const s2 = S.mul(S);
    const d = s2.unsqueeze(-2).sub(s2.unsqueeze(-1)); // d_ij = s_j² - s_i²
    const F = where(eye, 0, where(eye, 1, d).reciprocal());
    if (gU !== null) {
      const j = U.mT.matmul(gU);
      const term = scaleCols(F.mul(j.sub(j.mT)), S);
      inner = inner === null ? term : inner.add(term);
    }
    if (gVh !== null) {
      const kk = V.mT.matmul(gVh.mT);
      const term = scaleRows(F.mul(kk.sub(kk.mT)), S);
      inner = inner === null ? term : inner.add(term);
    }
  }
  let grad = inner === null ? U.matmul(Vh).mul(0) : U.matmul(inner).matmul(Vh);
  const sInv = S.reciprocal();
  if (gU !== null && U.shape[U.dim() - 2] > U.shape[U.dim() - 1]) {
    // (I - UUᵀ) Ū S⁻¹ Vᵀ: only non-zero when U is not square
    const proj = gU.sub(U.matmul(U.mT.matmul(gU)));
    grad = grad.add(scaleCols(proj, sInv).matmul(Vh));
  }
  if (gVh !== null && V.shape[V.dim() - 2] > V.shape[V.dim() - 1]) {
    const gV = gVh.mT;
    const proj = gV.sub(V.matmul(V.mT.matmul(gV)));
    grad = grad.add(scaleCols(U, sInv).matmul(proj.mT));
  }
  return grad;
}

/** A bool identity matrix [k, k] (for masking diagonals). */
function torch_eye(k: number, like: Tensor): Tensor {
  return eye(k, { dtype: like.dtype }).bool();
}

const SPECS = {
  svd: {
    node: "LinalgSvdBackward0", saves: { outputs: [0, 1, 2] }, keepNullGrads: true,
    backward: ([gU, gS, gVh], s) => [svdBackward(gU ?? null, gS ?? null, gVh ?? null, s.output(0), s.output(1), s.output(2))],
  },
} satisfies Record<string, GradSpec<void>>;

/**
 * The thin SVD of each matrix of `a` ([..., m, n]): U [..., m, k], S [..., k] descending, Vh [..., k, n]
 * (torch.linalg.svd with fullMatrices: false), differentiable to any order where the singular values are distinct.
 */
export function svdParts(a: Tensor): SvdParts {
  if (a.dim() < 2) throw new RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.");
  if (!isFloating(a.dtype)) throw new RuntimeError(`linalg.svd: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE_NAME[a.dtype]}`);
  const r = a.dim(), m = a.shape[r - 2], n = a.shape[r - 1], k = Math.min(m, n);
  const batch = a.shape.slice(0, r - 2);
  const u = emptyTensor([...batch, m, k], a.dtype), s = emptyTensor([...batch, k], a.dtype), v = emptyTensor([...batch, n, k], a.dtype);
  backend().svd(kview(a), kview(u), kview(s), kview(v));
  const vh = noGrad(() => v.mT.contiguous());
  const [U, S, Vh] = record(SPECS.svd, [a], [u, s, vh], undefined);
  return { U, S, Vh };
}

/**
 * The singular values of each matrix of `a` ([..., m, n] -> [..., min(m, n)], descending).
 * @example torch.linalg.svdvals(torch.tensor([[3, 0], [0, -4]])) // tensor([4., 3.])
 */
export function svdvals(a: Tensor): Tensor {
  // ---- [vmap] begin ----
  if (a._batched !== undefined && a.dim() >= 2) return VM.leadingRule(a, svdvals);
  // ---- [vmap] end ----
  return svdParts(a).S;
}

const g = (shape: number[], opts: { dtype?: "float64"; layout?: "T" } = {}) => T(shape, { grad: true, ...opts });
// distinct singular values keep the gradient well defined (equal ones make U, V non-unique)
const WELL_SEPARATED = [3, 1, 0.5, -1, 2, 0.25];

/** Samples of svdvals. */
export const SVD_INFO: OpInfo[] = [
  {
    name: "linalg.svdvals", py: "torch.linalg.svdvals",
    samples: [
      { args: [g([3, 2], { dtype: "float64" })] }, { args: [g([2, 3])] }, { args: [g([2, 2, 3], { dtype: "float64" })] },
      { args: [T([3, 2], { grad: true, values: WELL_SEPARATED, layout: "T" })] }, { args: [T([2, 2], { grad: true, values: [2, 0, 0, -1] })] },
    ],
    errors: [{ args: [T([3])] }, { args: [T([2, 2], { dtype: "int64" })] }],
  },
];
