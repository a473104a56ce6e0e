// torch.linalg's LU-based ops: det, slogdet, inv, solve and lu_factor (kernels: the backend's luFactor / luSolve).
import { backend } from "../backend/index.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { NotImplementedError, RuntimeError } from "../errors.ts";
import { broadcastShapes } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { broadcastView, emptyTensor, isOptions, kview } from "./core.ts";
import { eye, ones, tensor } from "./creation.ts";
import { stack } from "./join.ts";
import { namedTuple } from "./named-tuple.ts";
import { addTangents, sliceReductionJvp, type Reduced } from "./jvp-rules.ts";

/** det reduces each matrix (the last two dims). */
const EACH_MATRIX: Reduced = { dims: [-2, -1], keepdim: false };

/**
 * PyTorch's `torch.linalg.LinAlgError` (`torch._C._LinAlgError`, a RuntimeError): a singular input.
 * @example try { torch.linalg.inv(torch.zeros(2, 2)) } catch (e) { e instanceof torch.linalg.LinAlgError } // true
 */
export class LinAlgError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = "_LinAlgError";
  }
}

/** `{ sign, logabsdet }`, also `[sign, logabsdet]`: what slogdet returns. */
export type SignLogAbsDet = readonly [sign: Tensor, logabsdet: Tensor] & { readonly sign: Tensor; readonly logabsdet: Tensor };
/** `{ LU, pivots }`, also `[LU, pivots]`: what lu_factor returns. */
export type LUPivots = readonly [LU: Tensor, pivots: Tensor] & { readonly LU: Tensor; readonly pivots: Tensor };

/** A packed LU factorization: L\U, int32 1-based pivots, int32 info (0 or the first zero pivot, 1-based). */
interface Factored { readonly lu: Tensor; readonly pivots: Tensor; readonly info: Tensor }

/** The kernel's LU of every matrix of `a` (no autograd). */
function factor(a: Tensor): Factored {
  const r = a.dim(), batch = a.shape.slice(0, -2), k = Math.min(a.shape[r - 2], a.shape[r - 1]);
  const lu = emptyTensor(a.shape, a.dtype), pivots = emptyTensor([...batch, k], "int32"), info = emptyTensor(batch, "int32");
  backend().luFactor(kview(a), kview(lu), kview(pivots), kview(info));
  return { lu, pivots, info };
}

/** Solves A X = B (or Aᵀ X = B) with A's factorization broadcast over `b`'s batch; `b` is [..., n, k]. */
function luSolve(f: Factored, b: Tensor, adjoint: boolean): Tensor {
  const out = emptyTensor(b.shape, b.dtype), batch = b.shape.slice(0, -2), n = b.shape[b.dim() - 2];
  backend().luSolve(broadcastView(f.lu, [...batch, n, n]), broadcastView(f.pivots, [...batch, n]), kview(b), kview(out), adjoint);
  return out;
}

/**
 * PyTorch factors Aᵀ when A is contiguous (it is then column-major for LAPACK) and solves with the
 * adjoint; which one is factored decides which zero pivot a singular-matrix message names.
 */
function factorForSolve(a: Tensor): { f: Factored; adjoint: boolean } {
  return a.isContiguous() ? { f: factor(a.mT), adjoint: true } : { f: factor(a), adjoint: false };
}

/** The first non-zero `info` (batch element, value) or null. */
function firstFailure(info: Tensor): [number, number] | null {
  const data = info.contiguous()._storage.data;
  for (let i = 0; i < info.numel(); i++) if (data[i] !== 0) return [i, data[i]];
  return null;
}

/** Throws `${fn}: [(Batch element i): ]${message(info)}` (a LinAlgError unless `plain`) if some matrix failed. */
function checkInfo(fn: string, info: Tensor, message: (info: number) => string, plain = false): void {
  const bad = firstFailure(info);
  if (bad === null) return;
  const text = `${fn}: ${info.dim() > 0 ? `(Batch element ${bad[0]}): ` : ""}${message(bad[1])}`;
  throw plain ? new RuntimeError(text) : new LinAlgError(text);
}

/** PyTorch's checks of a (batch of) square floating-point matrices. */
function checkMatrices(fn: string, a: Tensor, square = true): void {
  if (a.dim() < 2) throw new RuntimeError(`${fn}: The input tensor A must have at least 2 dimensions.`);
  if (!isFloating(a.dtype)) throw new RuntimeError(`${fn}: Expected a floating point or complex tensor as input. Got ${SCALAR_TYPE_NAME[a.dtype]}`);
  const m = a.shape[a.dim() - 2], n = a.shape[a.dim() - 1];
  if (square && m !== n) throw new RuntimeError(`${fn}: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
}

/** ±1 per matrix: the sign of the permutation the pivots make (an even or odd number of swaps). */
function permutationSigns(pivots: Tensor, dtype: Tensor["dtype"]): Tensor {
  const k = pivots.shape[pivots.dim() - 1], batch = pivots.shape.slice(0, -1);
  const p = pivots.contiguous()._storage.data, out = emptyTensor(batch, dtype);
  for (let b = 0; b < out.numel(); b++) {
    let s = 1;
    for (let j = 0; j < k; j++) if (p[b * k + j] !== j + 1) s = -s;
    out._storage.data[b] = s;
  }
  return out;
}

/** `t` with two trailing size-1 dims: a per-matrix scalar that broadcasts over its matrix. */
const perMatrix = (t: Tensor): Tensor => t.unsqueeze(-1).unsqueeze(-1);

/**
 * The matrix of cofactors, C_ij = (-1)^(i+j) det(A without row i and column j), in Tensor ops: the
 * gradient of det that stays exact (and differentiable) at singular matrices, where det·A⁻ᵀ is not.
 */
function cofactors(a: Tensor): Tensor {
  const n = a.shape[a.dim() - 1];
  if (n === 1) return ones(a.shape, { dtype: a.dtype });
  const without = (i: number) => tensor([...Array(n).keys()].filter((k) => k !== i), { dtype: "int64" });
  const rows = [...Array(n).keys()].map((i) => {
    const sub = a.indexSelect(-2, without(i));
    return stack([...Array(n).keys()].map((j) => {
      const minor = det(sub.indexSelect(-1, without(j)));
      return (i + j) % 2 === 0 ? minor : minor.neg();
    }), -1);
  });
  return stack(rows, -2);
}

const DET_SPEC: GradSpec<void> = {
  // d det(A) = det(A) tr(A⁻¹ dA): gA = g·det·A⁻ᵀ, the cofactor matrix (computed from minors where det = 0)
  node: "LinalgDetBackward0", saves: { inputs: [0], outputs: [0] },
  // tangent: Σ (∂det/∂A) ⊙ tA over each matrix (the gradient formula's partials, cofactors included)
  jvp: sliceReductionJvp(() => EACH_MATRIX),
  backward: ([g], s) => {
    const a = s.input(0), d = s.output(0);
    const singular = noGrad(() => d.eq(0).any().item());
    return [perMatrix(g).mul(singular ? cofactors(a) : perMatrix(d).mul(inv(a).mT))];
  },
};

/**
 * Determinant of each square matrix (LinalgDetBackward0); 0 for a singular matrix.
 * @example torch.linalg.det(torch.tensor([[1, 2], [3, 4]])) // tensor(-2.)
 */
export function det(a: Tensor): Tensor {
  checkMatrices("linalg.det", a);
  // ---- [vmap] begin ----
  if (a._batched !== undefined) return VM.leadingRule(a, det);
  // ---- [vmap] end ----
  const out = noGrad(() => {
    const f = factor(a);
    return f.lu.diagonal(0, -2, -1).prod(-1).mul(permutationSigns(f.pivots, a.dtype));
  });
  return record(DET_SPEC, [a], [out], undefined)[0];
}

const SLOGDET_SPEC: GradSpec<void> = {
  // d log|det A| = tr(A⁻¹ dA): gA = g·A⁻ᵀ; the sign is piecewise constant (no gradient: None when only it is used)
  node: "LinalgSlogdetBackward0", saves: { inputs: [0] },
  // tangents: the sign's is 0; logabsdet's is tr(A⁻¹ tA)
  jvp: ([t], s) => [null, t && inv(s.input(0)).mT.mul(t).sum([-2, -1])],
  backward: (grads, s) => {
    const g = (grads as (Tensor | null)[])[1];
    return [g === null ? null : perMatrix(g).mul(inv(s.input(0)).mT)];
  },
};

/**
 * Sign and log of the absolute value of the determinant (LinalgSlogdetBackward0): det = sign·exp(logabsdet);
 * a singular matrix gives sign 0 and logabsdet -inf.
 * @example const { sign, logabsdet } = torch.linalg.slogdet(torch.tensor([[-2, 0], [0, 3]])) // -1, log 6
 */
export function slogdet(a: Tensor): SignLogAbsDet {
  checkMatrices("linalg.slogdet", a);
  // ---- [vmap] begin ----
  if (a._batched !== undefined) return VM.leadingRule(a, slogdet);
  // ---- [vmap] end ----
  const [sign, logabsdet] = noGrad(() => {
    const f = factor(a), diag = f.lu.diagonal(0, -2, -1);
    return [diag.sign().prod(-1).mul(permutationSigns(f.pivots, a.dtype)), diag.abs().log().sum(-1)];
  });
  const outs = record(SLOGDET_SPEC, [a], [sign, logabsdet], undefined);
  // a gradient reaching only `sign` must leave A's gradient undefined (None), not zeros
  if (sign._gradFn !== null) sign._gradFn._materializeGrads = false;
  return namedTuple(["sign", "logabsdet"] as const, [outs[0], outs[1]]) as unknown as SignLogAbsDet;
}

const INV_SPEC: GradSpec<void> = {
  // d(A⁻¹) = -A⁻¹ dA A⁻¹: gA = -A⁻ᵀ g A⁻ᵀ (from the saved inverse)
  node: "LinalgInvExBackward0", saves: { outputs: [0] },
  // tangent: -A⁻¹ tA A⁻¹
  jvp: ([t], s) => [t && s.output(0).matmul(t).matmul(s.output(0)).neg()],
  backward: ([g], s) => {
    const invT = s.output(0).mT;
    return [invT.matmul(g).matmul(invT).neg()];
  },
};

/**
 * Inverse of each square matrix (LinalgInvExBackward0); a singular matrix throws LinAlgError.
 * @example torch.linalg.inv(torch.tensor([[2, 0], [0, 4]])) // tensor([[0.5000, 0.0000], [0.0000, 0.2500]])
 */
export function inv(a: Tensor): Tensor {
  checkMatrices("linalg.inv", a);
  // ---- [vmap] begin ----
  if (a._batched !== undefined) return VM.leadingRule(a, inv);
  // ---- [vmap] end ----
  const out = noGrad(() => {
    const { f, adjoint } = factorForSolve(a);
    checkInfo("linalg.inv", f.info, (i) => `The diagonal element ${i} is zero, the inversion could not be completed because the input matrix is singular.`);
    const n = a.shape[a.dim() - 1];
    return luSolve(f, eye(n, { dtype: a.dtype }).expand(a.shape).contiguous(), adjoint);
  });
  return record(INV_SPEC, [a], [out], undefined)[0];
}

/** Options of linalg.solve: `left` false solves X A = B. */
export interface SolveOptions { left?: boolean }

interface SolveParams { readonly left: boolean; readonly vector: boolean }

const SOLVE_SPEC: GradSpec<SolveParams> = {
  // AX = B: gB = A⁻ᵀ g, gA = -gB Xᵀ.  XA = B: gB = g A⁻ᵀ, gA = -Xᵀ gB (vectors as one-column matrices)
  node: "LinalgSolveExBackward0", saves: { inputs: [0], outputs: [0] },
  // AX = B: tX = A⁻¹ (tB - tA X); XA = B: tX = (tB - X tA) A⁻¹
  jvp: ([ta, tb], s, p) => {
    const x = p.vector ? s.output(0).unsqueeze(-1) : s.output(0);
    const rhs = addTangents(tb === null ? null : p.vector ? tb.unsqueeze(-1) : tb, ta === null ? null : (p.left ? ta.matmul(x) : x.matmul(ta)).neg());
    const tx = solve(s.input(0), rhs!, { left: p.left });
    return [p.vector ? tx.squeeze(-1) : tx];
  },
  backward: ([g], s, p) => {
    const a = s.input(0);
    const gm = p.vector ? g.unsqueeze(-1) : g, xm = p.vector ? s.output(0).unsqueeze(-1) : s.output(0);
    const gB = solve(a.mT, gm, { left: p.left });
    const gA = s.needsGrad(0) ? (p.left ? gB.matmul(xm.mT) : xm.mT.matmul(gB)).neg() : null;
    return [gA, s.needsGrad(1) ? (p.vector ? gB.squeeze(-1) : gB) : null];
  },
};

/**
 * Solves A X = B (or X A = B with `left: false`) for square A, broadcasting batch dims; B may be a
 * vector (or a batch of vectors shaped like A without its last dim). Singular A throws LinAlgError.
 * @example torch.linalg.solve(torch.tensor([[2, 0], [0, 4]]), torch.tensor([2, 2])) // tensor([1.0000, 0.5000])
 */
export function solve(a: Tensor, b: Tensor, options?: boolean | SolveOptions): Tensor {
  const left = (isOptions(options) ? (options as SolveOptions).left : (options as boolean | undefined)) ?? true;
  checkMatrices("linalg.solve", a);
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`linalg.solve: Expected A and B to have the same dtype, but found A of type ${SCALAR_TYPE_NAME[a.dtype]} and B of type ${SCALAR_TYPE_NAME[b.dtype]} instead`);
  }
  const n = a.shape[a.dim() - 1];
  const aBatch = a.shape.slice(0, -2);
  const vector = b.dim() === 1 || (b.dim() === a.dim() - 1 && b.shape.every((s, i) => s === a.shape[i]));
  const bm = vector ? b.unsqueeze(-1) : b;
  const [br, bc] = [bm.shape[bm.dim() - 2], bm.shape[bm.dim() - 1]];
  if ((left ? br : bc) !== n) {
    throw new RuntimeError(`linalg.solve: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${br}x${bc})`);
  }
  // ---- [vmap] begin ----
  if (VM.maxLevel([a, b]) > 0) return VM.solveRule(a, b, left, vector, solve);
  // ---- [vmap] end ----
  const batch = broadcastShapes(aBatch, bm.shape.slice(0, -2));
  const out = noGrad(() => {
    // X A = B is Aᵀ Xᵀ = Bᵀ
    const ae = a.expand([...batch, n, n]), be = bm.expand([...batch, br, bc]);
    const { f, adjoint } = factorForSolve(left ? ae : ae.mT);
    checkInfo("torch.linalg.solve", f.info, () => "The solver failed because the input matrix is singular.");
    const x = luSolve(f, (left ? be : be.mT).contiguous(), adjoint);
    const xm = left ? x : x.mT.contiguous();
    return vector ? xm.squeeze(-1) : xm;
  });
  return record(SOLVE_SPEC, [a, b], [out], { left, vector })[0];
}

/** Options of linalg.lu_factor: only partial pivoting (`pivot: true`) is available on the CPU. */
export interface LUFactorOptions { pivot?: boolean }

interface LUParams { readonly pivots: Tensor }

/** The permutation matrix P of `pivots` (A = P L U): P = (row swaps applied in order to I)ᵀ. */
function permutationMatrix(pivots: Tensor, n: number, dtype: Tensor["dtype"]): Tensor {
  const batch = pivots.shape.slice(0, -1), k = pivots.shape[pivots.dim() - 1];
  const p = pivots.contiguous()._storage.data, out = emptyTensor([...batch, n, n], dtype);
  const count = out.numel() / (n * n);
  for (let b = 0; b < count; b++) {
    const perm = [...Array(n).keys()];
    for (let j = 0; j < k; j++) {
      const q = p[b * k + j] - 1;
      [perm[j], perm[q]] = [perm[q], perm[j]];
    }
    // row j of P A is row perm[j] of A, so A = P L U with P[perm[j], j] = 1
    for (let j = 0; j < n; j++) out._storage.data[b * n * n + perm[j] * n + j] = 1;
  }
  return out;
}

const LU_SPEC: GradSpec<LUParams> = {
  // square A = P L U: with φ = tril₋₁(Lᵀ gL) + triu(gU Uᵀ), gA = P L⁻ᵀ φ U⁻ᵀ (gL, gU: the packed gradient's parts)
  node: "LinalgLuFactorExBackward0", saves: { outputs: [0] },
  backward: ([g], s, p) => {
    const lu = s.output(0), m = lu.shape[lu.dim() - 2], n = lu.shape[lu.dim() - 1];
    if (m !== n) throw new NotImplementedError(`linalg.lu_factor: the gradient of the LU factorization of ${m} by ${n} (non-square) matrices is not implemented in tensorgrad`);
    const id = eye(n, { dtype: lu.dtype });
    const l = lu.tril(-1).add(id), u = lu.triu();
    const phi = l.mT.matmul(g.tril(-1)).tril(-1).add(g.triu().matmul(u.mT).triu());
    // two solves: Lᵀ Y = φ, then Z Uᵀ = Y
    const y = solve(l.mT, phi), z = solve(u.mT, y, { left: false });
    return [permutationMatrix(p.pivots, n, lu.dtype).matmul(z)];
  },
};

/**
 * LU factorization with partial pivoting (LinalgLuFactorExBackward0): `{ LU, pivots }` with L (unit,
 * below the diagonal) and U packed in LU, and int32 1-based row swaps. Throws LinAlgError for an exactly
 * singular matrix (a RuntimeError, as in PyTorch). Gradients: square matrices only.
 * @example const { LU, pivots } = torch.linalg.luFactor(torch.tensor([[1, 2], [3, 4]])) // pivots: [2, 2]
 */
export function luFactor(a: Tensor, options?: LUFactorOptions): LUPivots {
  if (a.dim() < 2) throw new RuntimeError(`torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [${a.shape.join(", ")}] instead`);
  if (!isFloating(a.dtype)) throw new RuntimeError(`"lu_cpu" not implemented for '${SCALAR_TYPE_NAME[a.dtype]}'`);
  if (options?.pivot === false) throw new RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU");
  // ---- [vmap] begin ----
  if (a._batched !== undefined) return VM.leadingRule(a, (p) => luFactor(p, options));
  // ---- [vmap] end ----
  const f = factor(a);
  checkInfo("torch.linalg.lu_factor", f.info, (i) => `U[${i},${i}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`, true);
  const [lu] = record(LU_SPEC, [a], [f.lu], { pivots: f.pivots });
  return namedTuple(["LU", "pivots"] as const, [lu, f.pivots]) as unknown as LUPivots;
}
