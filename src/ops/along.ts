// Differentiable gather / scatter-add along one dim (each the other's gradient) and the selection plumbing shared by max/min/sort/topk/median/mode/cummax.
import { backend } from "../backend/index.ts";
import type { SelectCode } from "../backend/line-codes.ts";
import { IndexError, RuntimeError } from "../errors.ts";
import { normalizeDim, type Shape } from "../shape.ts";
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { emptyTensor, isOptions, kview, rawReshape } from "./core.ts";
import { linearJvp, type JvpRule } from "./jvp-rules.ts";

interface AlongParams {
  readonly dim: number;
  readonly index: Tensor;
  readonly shape: Shape;
}

const SPECS = {
  // d gather(x, idx) = scatter-add of g into zeros at idx
  gather: { node: "GatherBackward0", backward: ([g], _s, p) => [placeAlong(g, p.dim, p.index, p.shape)], jvp: linearJvp(([t], p) => gatherAlong(t, p.dim, p.index)) },
  // d scatter-add(zeros, idx, src) / d src = gather of g at idx
  place: { node: "ScatterAddBackward0", backward: ([g], _s, p) => [gatherAlong(g, p.dim, p.index)], jvp: linearJvp(([t], p, s) => placeAlong(t, p.dim, p.index, s.output(0).shape)) },
} satisfies Record<string, GradSpec<AlongParams>>;

/**
 * `x` gathered along `dim` at int64 `index` (same rank; index.shape is the output shape). Differentiable.
 * @example gatherAlong(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[1], [0]], { dtype: "int64" })) // [[2], [3]]
 */
export function gatherAlong(x: Tensor, dim: number, index: Tensor): Tensor {
  const out = emptyTensor(index.shape, x.dtype);
  backend().gather(kview(x), dim, kview(index), kview(out));
  return record(SPECS.gather, [x], [out], { dim, index, shape: x.shape })[0];
}

/**
 * zeros(`shape`) with `src` added along `dim` at int64 `index` (same shape as src). Differentiable:
 * places a selection's gradient back at the selected elements.
 * @example placeAlong(torch.tensor([[5]]), 1, torch.tensor([[1]], { dtype: "int64" }), [1, 3]) // [[0, 5, 0]]
 */
export function placeAlong(src: Tensor, dim: number, index: Tensor, shape: Shape): Tensor {
  const out = emptyTensor(shape, src.dtype);
  backend().scatter("sum", kview(out), dim, kview(index), kview(src), { includeSelf: true, integral: false });
  return record(SPECS.place, [src], [out], { dim, index, shape: src.shape })[0];
}

/** `t` with size-1 `dim` put back (when it was reduced away without keepdim). */
export function keepDim(t: Tensor, dim: number, inRank: number, keepdim: boolean): Tensor {
  return keepdim || inRank === 0 ? t : t.unsqueeze(dim);
}

/** Parameters of an op whose gradient goes to selected indices along one dim. */
export interface SelectParams {
  readonly dim: number;
  readonly keepdim: boolean;
  readonly inShape: Shape;
}

/** Backward of a selection: g placed at `indices` (output 1) in zeros of the input's shape. */
export function selectionBackward(g: Tensor, indices: Tensor, p: SelectParams): Tensor {
  const r = p.inShape.length;
  return placeAlong(keepDim(g, p.dim, r, p.keepdim), p.dim, keepDim(indices, p.dim, r, p.keepdim), p.inShape);
}

/** The values' tangent of a selection: the tangent's elements at the returned indices (a 0-d input's is itself). */
const selectionJvp: JvpRule<SelectParams> = ([t], s, p) => {
  if (t === null || p.inShape.length === 0) return [t];
  const values = s.output(0);
  return [gatherAlong(t, p.dim, keepDim(s.output(1), p.dim, p.inShape.length, p.keepdim)).reshape([...values.shape])];
};

/** A GradSpec for a (values, indices) selection: gradient to the returned indices; JVP: the tangent at them. */
export const selectionSpec = (node: string): GradSpec<SelectParams> => ({
  node,
  saves: { outputs: [1] },
  backward: ([g], s, p) => [selectionBackward(g, s.output(1), p)],
  jvp: selectionJvp,
});

/**
 * Runs a select kernel along `dim`: values (x's dtype) and int64 indices, size 1 at `dim` when keepdim.
 * `name` is PyTorch's op name for the empty-dim error.
 */
export function selectKernel(op: SelectCode, name: string, x: Tensor, dim: number, keepdim: boolean, k = 0): [Tensor, Tensor] {
  if (x.dim() > 0 && x.shape[dim] === 0) throw new IndexError(`${name}(): Expected reduction dim ${dim} to have non-zero size.`);
  const kept = x.shape.map((s, i) => (i === dim ? 1 : s));
  const values = emptyTensor(kept, x.dtype);
  const indices = emptyTensor(kept, "int64");
  backend().select(op, kview(x), dim, k, kview(values), kview(indices));
  if (keepdim || x.dim() === 0) return [values, indices];
  const shape = x.shape.filter((_, i) => i !== dim);
  return [rawReshape(values, shape), rawReshape(indices, shape)];
}

/** Parses positional args then an options object into named fields, in `names` order. */
export function parseArgs<O extends object>(args: readonly unknown[], names: readonly (keyof O)[]): Partial<O> {
  const last = args[args.length - 1];
  const hasOpts = args.length > 0 && isOptions(last);
  const opts: Partial<O> = hasOpts ? { ...(last as Partial<O>) } : {};
  const pos = hasOpts ? args.slice(0, -1) : args;
  pos.forEach((v, i) => {
    if (i >= names.length) throw new TypeError(`too many positional arguments (at most ${names.length})`);
    (opts as Record<keyof O, unknown>)[names[i]] = v;
  });
  return opts;
}

/** One dim argument, wrapped as PyTorch does (0-d tensors accept -1 and 0). */
export function oneDim(dim: number | undefined | null, ndim: number, fallback = -1): number {
  return normalizeDim(dim ?? fallback, ndim);
}

/** isnan as a bool tensor. */
export const isNaNMask = (t: Tensor): Tensor => t.ne(t);

/**
 * PyTorch's evenly_distribute_backward: g split among the elements equal to `value` (the NaNs when it is NaN).
 * Used by max()/min()/median() without dim.
 */
export function evenlyDistribute(g: Tensor, x: Tensor, value: Tensor): Tensor {
  const mask = x.eq(value).logicalOr(isNaNMask(x).logicalAnd(isNaNMask(value))).to(g.dtype);
  return mask.mul(g.div(mask.sum()));
}

/** PyTorch's RuntimeError for a reduction without dim over an empty tensor. */
export function checkNonEmpty(name: string, x: Tensor, cls: "RuntimeError" | "IndexError" = "RuntimeError"): void {
  if (x.numel() > 0) return;
  if (cls === "IndexError") throw new IndexError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
  throw new RuntimeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
}
