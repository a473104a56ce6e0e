// More shape ops: repeat, tile, repeat_interleave, flip, roll, rot90, tril/triu, diag/diagonal/diag_embed/trace, movedim, unflatten, broadcast_to.
import { SCALAR_TYPE_NAME } from "../dtype.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----
import { RuntimeError } from "../errors.ts";
import { contiguousStrides, inferSize, normalizeDim, normalizeDims, shapeText, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import type { Tensor } from "../tensor.ts";
import { backend } from "../backend/index.ts";
import { contiguousData, emptyTensor, isTensor, kview } from "./core.ts";
import { expand, makeView, permute, transpose } from "./movement.ts";
import { indexSelect } from "./gather.ts";
import { rawCopy, rawDiagonal, rawNarrow, rawSelect, rawView } from "./raw-view.ts";
import { linearJvp } from "./jvp-rules.ts";

interface ShapeParams {
  readonly inShape: Shape;
  readonly dims: readonly number[];
  readonly shifts: readonly number[];
  readonly k: number;
  readonly reps: readonly number[];
}
const P0: ShapeParams = { inShape: [], dims: [], shifts: [], k: 0, reps: [] };

const sizeArgs = (args: readonly (number | readonly number[])[]): number[] =>
  args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
const listOf = (v: number | readonly number[]): number[] => (typeof v === "number" ? [v] : [...v]);

/** A fresh contiguous copy of `t` (unrecorded). */
function dense(t: Tensor): Tensor {
  const out = emptyTensor(t.shape, t.dtype);
  rawCopy(t, out);
  return out;
}

/** zeros(inShape) with its diagonal (offset, d1, d2) set to g: the gradient of diagonal, differentiable again. */
function diagonalBackward(g: Tensor, inShape: Shape, offset: number, d1: number, d2: number): Tensor {
  const z = emptyTensor(inShape, g.dtype);
  rawCopy(g, rawDiagonal(z, offset, d1, d2));
  const spec: GradSpec<void> = { node: "DiagonalBackwardBackward0", backward: ([gg]) => [diagonal(gg, offset, d1, d2)] };
  return record(spec, [g], [z], undefined)[0];
}

/** The interleaved [r0, s0, r1, s1, ...] shape of repeat. */
const interleaved = (p: ShapeParams) => p.reps.flatMap((r, i) => [r, p.dims[i]]);

// JVPs: every op here is linear, so the tangent goes through the same op
const SPECS = {
  // d repeat: sum the copies
  repeat: { node: "RepeatBackward0", backward: ([g], _s, p) => [g.reshape(interleaved(p)).sum(p.reps.map((_, i) => 2 * i)).reshape(p.inShape)], jvp: linearJvp(([t], p) => repeat(t, p.reps)) },
  flip: { node: "FlipBackward0", backward: ([g], _s, p) => [flip(g, p.dims)], jvp: linearJvp(([t], p) => flip(t, p.dims)) },
  roll: { node: "RollBackward0", backward: ([g], _s, p) => [roll(g, p.shifts.map((s) => -s), p.dims)], jvp: linearJvp(([t], p) => roll(t, p.shifts, p.dims)) },
  rot90: { node: "Rot90Backward0", backward: ([g], _s, p) => [rot90(g, -p.k, p.dims)], jvp: linearJvp(([t], p) => rot90(t, p.k, p.dims)) },
  tril: { node: "TrilBackward0", backward: ([g], _s, p) => [tril(g, p.k)], jvp: linearJvp(([t], p) => tril(t, p.k)) },
  triu: { node: "TriuBackward0", backward: ([g], _s, p) => [triu(g, p.k)], jvp: linearJvp(([t], p) => triu(t, p.k)) },
  diagonal: {
    node: "DiagonalBackward0", backward: ([g], _s, p) => [diagonalBackward(g, p.inShape, p.k, p.dims[0], p.dims[1])],
    jvp: linearJvp(([t], p) => diagonal(t, p.k, p.dims[0], p.dims[1])),
  },
  diagEmbed: { node: "DiagEmbedBackward0", backward: ([g], _s, p) => [diagonal(g, p.k, p.dims[0], p.dims[1])], jvp: linearJvp(([t], p) => diagEmbed(t, p.k, p.dims[0], p.dims[1])) },
  diag: {
    node: "DiagBackward0",
    backward: ([g], _s, p) => [p.inShape.length === 1 ? diagonal(g, p.k, 0, 1) : diagonalBackward(g, p.inShape, p.k, 0, 1)],
    jvp: linearJvp(([t], p) => diag(t, p.k)),
  },
  // d trace: g on the diagonal
  trace: { node: "TraceBackward0", backward: ([g], _s, p) => [diagonalBackward(g.expand(p.reps[0]), p.inShape, 0, 0, 1)], jvp: linearJvp(([t]) => trace(t)) },
} satisfies Record<string, GradSpec<ShapeParams>>;

/**
 * Repeats the whole tensor along each dim (sizes may add leading dims).
 * @example torch.tensor([1, 2]).repeat(2, 2) // shape [2, 4]
 */
export function repeat(x: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  const reps = sizeArgs(sizes);
  if (reps.length < x.dim()) throw new RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.repeatRule(x, reps, repeat);
  // ---- [vmap] end ----
  const padded = [...new Array<number>(reps.length - x.dim()).fill(1), ...x.shape];
  const outShape = padded.map((s, i) => s * reps[i]);
  const neg = outShape.find((s) => s < 0);
  if (neg !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${neg}: ${shapeText(outShape)}`);
  const out = emptyTensor(outShape, x.dtype);
  const p = { ...P0, inShape: x.shape, dims: padded, reps };
  const inter = interleaved(p);
  const lead = reps.length - x.dim();
  const srcStrides = padded.flatMap((_, i) => [0, i < lead ? 0 : x._strides[i - lead]]);
  backend().copy({ ...kview(x), shape: inter, strides: srcStrides }, { ...kview(out), shape: inter, strides: contiguousStrides(inter) });
  return record(SPECS.repeat, [x], [out], p)[0];
}

/**
 * `repeat` with missing leading repeats taken as 1 (numpy's tile).
 * @example torch.tensor([[1, 2]]).tile(2) // [[1, 2, 1, 2]]
 */
export function tile(x: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  const reps = sizeArgs(dims);
  return repeat(x, [...new Array<number>(Math.max(x.dim() - reps.length, 0)).fill(1), ...reps]);
}

/**
 * Repeats each element (or each slice along `dim`) `repeats` times; without dim the input is flattened.
 * @example torch.tensor([1, 2]).repeatInterleave(2) // [1, 1, 2, 2]
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number | null | { dim?: number | null }): Tensor {
  const dimArg = typeof dim === "object" && dim !== null ? dim.dim : dim;
  const input = dimArg === undefined || dimArg === null ? x.flatten() : x;
  const d = dimArg === undefined || dimArg === null ? 0 : normalizeDim(dimArg, x.dim());
  const size = input.shape[d] ?? 1;
  let counts: number[];
  if (isTensor(repeats)) {
    if (repeats.dtype !== "int64" && repeats.dtype !== "int32") throw new RuntimeError(`"repeat_interleave_cpu" not implemented for '${SCALAR_TYPE_NAME[repeats.dtype]}'`);
    const values = Array.from(contiguousData(repeats));
    if (values.length !== 1 && values.length !== size) throw new RuntimeError("repeats must have the same size as input along dim");
    counts = values.length === 1 ? new Array<number>(size).fill(values[0]) : values;
  } else {
    counts = new Array<number>(size).fill(repeats);
  }
  if (counts.some((c) => c < 0)) throw new RuntimeError("repeats can not be negative");
  const positions = counts.flatMap((c, i) => new Array<number>(c).fill(i));
  const index = emptyTensor([positions.length], "int64");
  index._storage.data.set(positions);
  return indexSelect(input, d, index);
}

/** The same elements in reversed order along `dims` (a copy). @example torch.tensor([1, 2, 3]).flip(0) // [3, 2, 1] */
export function flip(x: Tensor, ...dimsArg: (number | readonly number[])[]): Tensor {
  const dims = normalizeDims(sizeArgs(dimsArg), x.dim());
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, dims, (p, d) => flip(p, d));
  // ---- [vmap] end ----
  let offset = x._offset;
  const strides = [...x._strides];
  for (const d of dims) {
    if (x.shape[d] > 0) offset += (x.shape[d] - 1) * x._strides[d];
    strides[d] = -strides[d];
  }
  const out = dense(rawView(x, x.shape, strides, offset));
  return record(SPECS.flip, [x], [out], { ...P0, dims })[0];
}

/** Rolls `t` (contiguous, fresh) by `s` along `d` into a new tensor (unrecorded). */
function rollOnce(t: Tensor, s: number, d: number): Tensor {
  const n = t.shape[d];
  if (n === 0) return t;
  const k = ((s % n) + n) % n;
  const out = emptyTensor(t.shape, t.dtype);
  rawCopy(rawNarrow(t, d, 0, n - k), rawNarrow(out, d, k, n - k));
  rawCopy(rawNarrow(t, d, n - k, k), rawNarrow(out, d, 0, k));
  return out;
}

/**
 * Shifts elements along `dims` by `shifts`, wrapping around; without dims the flattened tensor is rolled.
 * @example torch.tensor([1, 2, 3]).roll(1) // [3, 1, 2]
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims: number | readonly number[] = []): Tensor {
  const s = listOf(shifts), ds = listOf(dims);
  if (s.length === 0) throw new RuntimeError("`shifts` required");
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.rollRule(x, s, ds, roll);
  // ---- [vmap] end ----
  if (ds.length === 0 && s.length === 1) {
    const flat = rawView(dense(x), [x.numel()], [1], 0);
    const rolled = rollOnce(flat, s[0], 0);
    return record(SPECS.roll, [x], [rawView(rolled, x.shape, contiguousStrides(x.shape), 0)], { ...P0, shifts: s })[0];
  }
  if (s.length !== ds.length) throw new RuntimeError(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  const nd = ds.map((d) => normalizeDim(d, x.dim()));
  const out = nd.reduce((t, d, i) => rollOnce(t, s[i], d), dense(x));
  return record(SPECS.roll, [x], [out === x ? dense(x) : out], { ...P0, shifts: s, dims: nd })[0];
}

/**
 * Rotates by 90° `k` times in the plane of `dims` (from the first towards the second).
 * @example torch.tensor([[1, 2], [3, 4]]).rot90() // [[2, 4], [1, 3]]
 */
export function rot90(x: Tensor, k = 1, dims: readonly number[] = [0, 1]): Tensor {
  const n = x.dim();
  if (dims.length !== 2) throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (n < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${n}`);
  if (dims[0] === dims[1] || Math.abs(dims[0] - dims[1]) === n) throw new RuntimeError(`expected rotation dims to be different, but got dim0 = ${dims[0]} and dim1 = ${dims[1]}`);
  if (dims[0] >= n || dims[0] < -n) throw new RuntimeError(`Rotation dim0 out of range, dim0 = ${dims[0]}`);
  if (dims[1] >= n || dims[1] < -n) throw new RuntimeError(`Rotation dim1 out of range, dim1 = ${dims[1]}`);
  const [d0, d1] = dims.map((d) => normalizeDim(d, n));
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d0, d1], (p, [a, b]) => rot90(p, k, [a, b]));
  // ---- [vmap] end ----
  const kk = ((k % 4) + 4) % 4;
  const out = noGrad(() => {
    const base = x.detach();
    if (kk === 1) return flip(base, d1).transpose(d0, d1).contiguous();
    if (kk === 2) return flip(base, [d0, d1]);
    if (kk === 3) return flip(base, d0).transpose(d0, d1).contiguous();
    return dense(base);
  });
  return record(SPECS.rot90, [x], [out], { ...P0, k: kk, dims: [d0, d1] })[0];
}

/** Zeroes, in every matrix of the last two dims, the columns j where `zero(i, j)` (a copy). */
function triangle(x: Tensor, k: number, lower: boolean): Tensor {
  const n = x.dim();
  normalizeDim(-2, n);
  const out = dense(x);
  const rows = x.shape[n - 2], cols = x.shape[n - 1];
  for (let i = 0; i < rows; i++) {
    const row = rawSelect(out, n - 2, i);
    const start = lower ? Math.min(Math.max(0, i + k + 1), cols) : 0;
    const len = lower ? cols - start : Math.min(cols, Math.max(0, i + k));
    if (len > 0) backend().fill(kview(rawNarrow(row, n - 2, start, len)), 0);
  }
  return out;
}

/** The lower triangle (j <= i + diagonal) of each matrix in the last two dims. @example torch.ones(3, 3).tril(-1) */
export function tril(x: Tensor, diagonal = 0): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [-2], (p) => tril(p, diagonal));
  // ---- [vmap] end ----
  return record(SPECS.tril, [x], [triangle(x, diagonal, true)], { ...P0, k: diagonal })[0];
}

/** The upper triangle (j >= i + diagonal) of each matrix in the last two dims. @example torch.ones(3, 3).triu(1) */
export function triu(x: Tensor, diagonal = 0): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [-2], (p) => triu(p, diagonal));
  // ---- [vmap] end ----
  return record(SPECS.triu, [x], [triangle(x, diagonal, false)], { ...P0, k: diagonal })[0];
}

/**
 * The diagonal `offset` of the dims `dim1`, `dim2`, moved to the last dim (a view).
 * @example torch.arange(9).view(3, 3).diagonal(1) // [1, 5]
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const d1 = normalizeDim(dim1, x.dim()), d2 = normalizeDim(dim2, x.dim());
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d1, d2], (p, [a, b]) => diagonal(p, offset, a, b));
  // ---- [vmap] end ----
  const r = rawDiagonal(x, offset, d1, d2);
  return record(SPECS.diagonal, [x], [makeView(x, r.shape, r._strides, r._offset)], { ...P0, inShape: x.shape, k: offset, dims: [d1, d2] })[0];
}

/**
 * Matrices (in dims dim1, dim2) whose diagonal `offset` holds the last dim of x, zeros elsewhere.
 * @example torch.tensor([1, 2]).diagEmbed() // [[1, 0], [0, 2]]
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  const nd = x.dim() + 1;
  const d1 = normalizeDim(dim1, nd), d2 = normalizeDim(dim2, nd);
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return VM.onDims(x, [d1, d2], (p, [a, b]) => diagEmbed(p, offset, a, b), 1);
  // ---- [vmap] end ----
  const n = (x.shape[x.dim() - 1] ?? 1) + Math.abs(offset);
  const batch = x.shape.slice(0, -1);
  let b = 0;
  const shape = Array.from({ length: nd }, (_, i) => (i === d1 || i === d2 ? n : batch[b++]));
  const out = emptyTensor(shape, x.dtype);
  rawCopy(x.dim() === 0 ? rawView(x, [1], [1], x._offset) : x, rawDiagonal(out, offset, d1, d2));
  return record(SPECS.diagEmbed, [x], [out], { ...P0, k: offset, dims: [d1, d2] })[0];
}

/**
 * A 1-D x: the square matrix with x on diagonal `diagonal`; a 2-D x: a copy of that diagonal.
 * @example torch.tensor([1, 2]).diag() // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  // ---- [vmap] begin ----
  if (x._batched !== undefined && (x.dim() === 1 || x.dim() === 2)) return x.dim() === 1 ? diagEmbed(x, diagonal) : x.diagonal(diagonal).contiguous();
  // ---- [vmap] end ----
  let out: Tensor;
  if (x.dim() === 1) {
    const n = x.shape[0] + Math.abs(diagonal);
    out = emptyTensor([n, n], x.dtype);
    rawCopy(x, rawDiagonal(out, diagonal, 0, 1));
  } else if (x.dim() === 2) {
    out = dense(rawDiagonal(x, diagonal, 0, 1));
  } else {
    throw new RuntimeError("matrix or a vector expected");
  }
  return record(SPECS.diag, [x], [out], { ...P0, inShape: x.shape, k: diagonal })[0];
}

/** The sum of the main diagonal of a matrix (integers sum to int64). @example torch.eye(3).trace() // 3 */
export function trace(x: Tensor): Tensor {
  if (x.dim() !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x.dim()}`);
  // ---- [vmap] begin ----
  if (x._batched !== undefined) return x.diagonal().sum();
  // ---- [vmap] end ----
  const d = rawDiagonal(x, 0, 0, 1);
  const out = noGrad(() => d.sum());
  return record(SPECS.trace, [x], [out], { ...P0, inShape: x.shape, reps: [d.numel()] })[0];
}

/**
 * Moves dims `source` to positions `destination`, the others keeping their order (a permute view).
 * @example torch.zeros(2, 3, 4).movedim(0, -1).shape // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = listOf(source), dst = listOf(destination);
  if (src.length !== dst.length) {
    throw new RuntimeError(`movedim: Invalid source or destination dims: source (${shapeText(src)} dims) should contain the same number of dims as destination (${shapeText(dst)} dims)`);
  }
  const n = x.dim();
  const ns = src.map((d) => normalizeDim(d, n)), nd = dst.map((d) => normalizeDim(d, n));
  if (new Set(ns).size !== ns.length) throw new RuntimeError(`movedim: repeated dim in \`source\` (${shapeText(src)})`);
  if (new Set(nd).size !== nd.length) throw new RuntimeError(`movedim: repeated dim in \`destination\` (${shapeText(dst)})`);
  const order = new Array<number>(n).fill(-1);
  nd.forEach((d, i) => { order[d] = ns[i]; });
  const rest = [...Array(n).keys()].filter((d) => !ns.includes(d));
  for (let i = 0, r = 0; i < n; i++) if (order[i] === -1) order[i] = rest[r++];
  return permute(x, order);
}

/** Alias of `transpose` (numpy's name). */
export const swapaxes = (x: Tensor, axis0: number, axis1: number): Tensor => transpose(x, axis0, axis1);

/**
 * Splits dim `dim` into `sizes` (one may be -1) (a view).
 * @example torch.zeros(2, 6).unflatten(1, [2, 3]).shape // [2, 2, 3]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim());
  if (sizes.length === 0) throw new RuntimeError("unflatten: sizes must be non-empty");
  const size = x.shape[d];
  let resolved: number[];
  if (sizes.includes(-1)) {
    try {
      resolved = inferSize(sizes, size);
    } catch (e) {
      throw new RuntimeError(`unflatten got an unexpected error:\n${(e as Error).message}`);
    }
  } else {
    if (sizes.reduce((a, b) => a * b, 1) !== size) {
      throw new RuntimeError(`unflatten: Provided sizes ${shapeText(sizes)} don't multiply up to the size of dim ${dim} (${size}) in the input tensor`);
    }
    resolved = [...sizes];
  }
  return x.view([...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/** `expand` to `shape` (a view). @example torch.tensor([1, 2]).broadcastTo([3, 2]) */
export function broadcastTo(x: Tensor, ...shape: (number | readonly number[])[]): Tensor {
  return expand(x, ...shape);
}
