// einsum: PyTorch's algorithm (diagonals, permute to a common label order, pairwise bmm contractions) over differentiable ops.
import { RuntimeError, ValueError } from "../errors.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { Tensor } from "../tensor.ts";
import { backendCopy, emptyTensor } from "./core.ts";
import { makeView } from "./movement.ts";
import { T, type OpInfo, type TensorSpec } from "./opinfo.ts";
import { linearJvp } from "./jvp-rules.ts";

/** Label codes: 'A'-'Z' are 0-25, 'a'-'z' 26-51 (PyTorch's order for implicit outputs); -1 is "...". */
const ELLIPSIS = -1;
const TOTAL_LABELS = 52;

const isSubscript = (c: string) => /^[a-zA-Z]$/.test(c);
const labelCode = (c: string) => (c <= "Z" ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + 26);
const labelChar = (l: number) => String.fromCharCode(l < 26 ? l + 65 : l - 26 + 97);

interface DiagParams { readonly inShape: readonly number[]; readonly d1: number; readonly d2: number }

/** The diagonal of dims d1 < d2 of a fresh or viewed tensor, appended as the last dim (no autograd). */
function rawDiagonal(x: Tensor, d1: number, d2: number): Tensor {
  const keep = [...x.shape.keys()].filter((i) => i !== d1 && i !== d2);
  const shape = [...keep.map((i) => x.shape[i]), Math.min(x.shape[d1], x.shape[d2])];
  const strides = [...keep.map((i) => x._strides[i]), x._strides[d1] + x._strides[d2]];
  return makeView(x, shape, strides, x._offset);
}

const DIAGONAL: GradSpec<DiagParams> = {
  // the gradient is g written onto the diagonal of zeros (itself differentiable: DiagonalBackwardBackward0)
  node: "DiagonalBackward0",
  jvp: linearJvp(([t], p) => diagonal(t, p.d1, p.d2)),
  backward: ([g], _s, p) => {
    const z = emptyTensor(p.inShape, g.dtype);
    backendCopy(g, rawDiagonal(z, p.d1, p.d2));
    const back: GradSpec<DiagParams> = { node: "DiagonalBackwardBackward0", backward: ([gg], _t, q) => [diagonal(gg, q.d1, q.d2)] };
    return [record(back, [g], [z], p)[0]];
  },
};

/** `x.diagonal(0, d1, d2)` (a view) for d1 < d2. */
function diagonal(x: Tensor, d1: number, d2: number): Tensor {
  return record(DIAGONAL, [x], [rawDiagonal(x, d1, d2)], { inShape: x.shape, d1, d2 })[0];
}

/** Moves the last dim to position `to` (PyTorch's movedim(-1, to)). */
function moveLastTo(x: Tensor, to: number): Tensor {
  const n = x.dim();
  const perm = [...Array(n - 1).keys()];
  perm.splice(to, 0, n - 1);
  return x.permute(perm);
}

/** Parses the input side: one label list per operand. */
function parseInputs(lhs: string, numOps: number): number[][] {
  const labels: number[][] = Array.from({ length: numOps }, () => []);
  let cur = 0, ellSeen = false;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === " ") continue;
    if (c === ".") {
      if (ellSeen) throw new RuntimeError(`einsum(): found '.' for operand ${cur} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[++i] === "." && lhs[++i] === ".")) throw new RuntimeError(`einsum(): found '.' for operand ${cur} that is not part of any ellipsis`);
      labels[cur].push(ELLIPSIS);
      ellSeen = true;
    } else if (c === ",") {
      cur++;
      if (cur >= numOps) throw new RuntimeError("einsum(): fewer operands were provided than specified in the equation");
      ellSeen = false;
    } else {
      if (!isSubscript(c)) throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      labels[cur].push(labelCode(c));
    }
  }
  if (cur !== numOps - 1) throw new RuntimeError("einsum(): more operands were provided than specified in the equation");
  return labels;
}

/**
 * Sums the product of the operands over the labels missing from the output. Implicit output
 * ("ij,jk") is the ellipsis then the labels seen once, in alphabetical order (capitals first);
 * repeated labels in one operand take its diagonal; "..." broadcasts. Operands may also come as one array.
 * @example torch.einsum("bij,bjk->bik", a, b); torch.einsum("ii", m) // trace
 */
export function einsum(equation: string, ...operandArgs: (Tensor | readonly Tensor[])[]): Tensor {
  const operands: Tensor[] = operandArgs.length === 1 && Array.isArray(operandArgs[0]) ? [...(operandArgs[0] as Tensor[])] : (operandArgs as Tensor[]);
  if (operands.length === 0) throw new ValueError("einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list");
  operands.forEach((op, i) => {
    if (!(op instanceof Tensor)) throw new TypeError(`einsum(): argument 'tensors' (position 2) must be tuple of Tensors, not ${i === 0 ? typeof op : "list"}`);
  });
  const numOps = operands.length;
  const arrow = equation.indexOf("->");
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const opLabels = parseInputs(lhs, numOps);

  // label counts and the number of dims an ellipsis covers
  const labelCount = new Array<number>(TOTAL_LABELS).fill(0);
  let ellNumDim = 0;
  opLabels.forEach((labels, i) => {
    const ndims = operands[i].dim();
    let nlabels = labels.length;
    const hasEll = labels.includes(ELLIPSIS);
    for (const l of labels) {
      if (l === ELLIPSIS) { nlabels--; ellNumDim = Math.max(ellNumDim, ndims - nlabels); } else labelCount[l]++;
    }
    if (hasEll ? nlabels > ndims : nlabels !== ndims) {
      throw new RuntimeError(`einsum(): the number of subscripts in the equation (${nlabels}) does not match the number of dimensions (${ndims}) for operand ${i}${hasEll ? "" : " and no ellipsis was given"}`);
    }
  });

  // where each label goes in the common (output dims, then contracted dims) order
  const permIndex = new Array<number>(TOTAL_LABELS).fill(-1);
  let perm = 0, ellIndex = 0, ellInOutput = false;
  if (arrow < 0) {
    perm = ellNumDim;
    ellInOutput = true;
    for (let l = 0; l < TOTAL_LABELS; l++) if (labelCount[l] === 1) permIndex[l] = perm++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === " ") continue;
      if (c === ".") {
        if (ellInOutput) throw new RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[++i] === "." && rhs[++i] === ".")) throw new RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)");
        ellIndex = perm;
        perm += ellNumDim;
        ellInOutput = true;
        continue;
      }
      if (!isSubscript(c)) throw new RuntimeError(`einsum(): invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
      const l = labelCode(c);
      if (labelCount[l] === 0 || permIndex[l] !== -1) {
        throw new RuntimeError(`einsum(): output subscript ${c}${permIndex[l] > -1 ? " appears more than once in the output" : " does not appear in the equation for any input operand"}`);
      }
      permIndex[l] = perm++;
    }
  }
  const outSize = perm;
  if (!ellInOutput) { ellIndex = perm; perm += ellNumDim; }
  for (let l = 0; l < TOTAL_LABELS; l++) if (labelCount[l] > 0 && permIndex[l] === -1) permIndex[l] = perm++;

  // diagonals, unsqueezed missing dims, and one permutation per operand
  const labelSize = new Array<number>(TOTAL_LABELS).fill(1);
  const ellSizes = new Array<number>(ellNumDim).fill(1);
  const dimCounts = new Array<number>(perm).fill(0);
  const ops: Tensor[] = operands.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(perm).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) {
        const ndim = operand.dim() - (opLabels[i].length - 1);
        for (let j = ellNumDim - ndim; j < ellNumDim; j++) {
          if (op.shape[dim] !== 1) {
            if (ellSizes[j] !== 1 && ellSizes[j] !== op.shape[dim]) {
              // (sic: PyTorch's message has no space before "has")
              throw new RuntimeError(`einsum(): dimension ${j} covered by ellipsis in operand ${i}has size ${op.shape[dim]} which does not broadcast with previously seen ellipsis with size ${ellSizes[j]} for the respective dimension`);
            }
            ellSizes[j] = op.shape[dim];
            dimCounts[ellIndex + j]++;
          }
          permutation[ellIndex + j] = dim++;
        }
      } else if (permutation[permIndex[s]] === -1) {
        if (op.shape[dim] !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== op.shape[dim]) {
            throw new RuntimeError(`einsum(): subscript ${labelChar(s)} has size ${op.shape[dim]} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`);
          }
          labelSize[s] = op.shape[dim];
          dimCounts[permIndex[s]]++;
        }
        permutation[permIndex[s]] = dim++;
      } else {
        const prev = permutation[permIndex[s]];
        if (op.shape[dim] !== op.shape[prev]) {
          throw new RuntimeError(`einsum(): subscript ${labelChar(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[prev]}`);
        }
        op = moveLastTo(diagonal(op, prev, dim), prev);
      }
    }
    for (let k = 0; k < permutation.length; k++) {
      if (permutation[k] === -1) { op = op.unsqueeze(dim); permutation[k] = dim++; }
    }
    return op.permute(permutation);
  });

  // contract left to right, summing each dim as soon as no later operand has it
  while (ops.length > 1) {
    let a = ops.shift()!, b = ops.shift()!;
    const sumDims: number[] = [], aSum: number[] = [], bSum: number[] = [];
    for (let d = outSize; d < perm; d++) {
      if (a.shape[d] !== 1 && b.shape[d] !== 1) {
        if (--dimCounts[d] === 1) { sumDims.push(d); dimCounts[d] = 0; }
      } else if (dimCounts[d] === 1) {
        if (a.shape[d] !== 1) { aSum.push(d); dimCounts[d] = 0; } else if (b.shape[d] !== 1) { bSum.push(d); dimCounts[d] = 0; }
      }
    }
    if (aSum.length > 0) a = a.sum(aSum, true);
    if (bSum.length > 0) b = b.sum(bSum, true);
    ops.unshift(sumProductPair(a, b, sumDims));
  }
  if (perm > outSize) {
    if (numOps > 1) return ops[0].view(ops[0].shape.slice(0, outSize));
    return ops[0].sum([...Array(perm - outSize).keys()].map((k) => k + outSize));
  }
  return ops[0];
}

/**
 * left * right summed over `sumDims` (keeping them as size 1), both already aligned to the same rank:
 * permute to [both, left-only, summed] and [both, summed, right-only], bmm, view and permute back.
 */
function sumProductPair(left: Tensor, right: Tensor, sumDims: number[]): Tensor {
  if (sumDims.length === 0) return left.mul(right);
  const lro: number[] = [], lo: number[] = [], ro: number[] = [];
  let lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
  for (let i = 0; i < left.dim(); i++) {
    const sl = left.shape[i] > 1, sr = right.shape[i] > 1;
    if (sumDims.includes(i)) {
      if (sl && sr) {
        if (left.shape[i] !== right.shape[i]) throw new RuntimeError("non-broadcast dimensions must match");
        sumSize *= left.shape[i];
      } else if (sl) left = left.sum(i, true);
      else if (sr) right = right.sum(i, true);
    } else if (sl && sr) {
      if (left.shape[i] !== right.shape[i]) throw new RuntimeError("non-broadcast dimensions must match");
      lro.push(i); lroSize *= left.shape[i];
    } else if (sl) { lo.push(i); loSize *= left.shape[i]; } else { ro.push(i); roSize *= right.shape[i]; }
  }
  const outShape = [...lro.map((d) => left.shape[d]), ...lo.map((d) => left.shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => right.shape[d])];
  const order = [...lro, ...lo, ...sumDims, ...ro];
  const operm = new Array<number>(order.length);
  order.forEach((d, i) => { operm[d] = i; });
  const l = left.permute([...lro, ...lo, ...sumDims, ...ro]).reshape(lroSize, loSize, sumSize);
  const r = right.permute([...lro, ...sumDims, ...ro, ...lo]).reshape(lroSize, sumSize, roSize);
  return l.bmm(r).view(outShape).permute(operm);
}

const m = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });

/** Samples of einsum: products, traces, diagonals, transposes, ellipsis broadcasting, implicit outputs. */
export const EINSUM_INFO: OpInfo[] = [
  {
    name: "einsum",
    samples: [
      { args: ["ij,jk->ik", m([2, 3]), m([3, 4])] },
      { args: ["ij,jk", m([2, 3], { layout: "T" }), m([3, 2])] },
      { args: ["ii->i", m([3, 3])] },
      { args: ["ii", m([3, 3])] },
      { args: ["ij->ji", m([2, 3])] },
      { args: ["ij->", m([2, 3], { dtype: "float64" })] },
      { args: ["i,j->ij", m([3]), m([2])] },
      { args: ["bij,bjk->bik", m([2, 2, 3]), m([2, 3, 2])] },
      { args: ["...ij,...jk", m([2, 2, 3]), m([3, 2])] },
      { args: ["i,i", m([3]), m([3])] },
      { args: ["ij,ij->ij", m([2, 3]), m([2, 3])] },
      { args: ["ba", m([2, 3])] },
      { args: ["iij->ji", m([2, 2, 3])] },
      { args: ["b i j , b j -> b i", m([2, 2, 3], { dtype: "float64" }), m([1, 3], { dtype: "float64" })] },
      { args: ["i...->...", m([2, 3, 2])] },
      { args: ["ij,kj,k->i", m([2, 3]), m([2, 3]), m([2])] },
      { args: ["Aa,aB->AB", m([2, 3]), m([3, 2])] },
      { args: ["ij,jk", [m([2, 3]), m([3, 2])]] },
      { args: ["ij,jk->ik", T([2, 3], { dtype: "int64", gen: "int" }), T([3, 2], { dtype: "int64", gen: "int" })] },
    ],
    errors: [
      { args: ["ij,jk->ik", m([2, 3]), m([4, 2])] },
      { args: ["ij,jk", m([2, 3])] },
      { args: ["ij", m([2, 3]), m([3])] },
      { args: ["ijk", m([2, 3])] },
      { args: ["ij->ik", m([2, 3])] },
      { args: ["ij->ii", m([2, 3])] },
      { args: ["i1", m([2, 3])] },
      { args: ["ii", m([2, 3])] },
      { args: ["..i", m([2, 3])] },
      { args: ["...i,...i", m([2, 3]), m([3, 3])] },
      { args: ["ij"] },
    ],
  },
];
