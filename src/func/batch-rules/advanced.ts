// Batching rules for advanced indexing (index / index_put with index tensors): the batch indexed by an arange in front, the result dims moved back where one sample puts them.
import { Tensor } from "../../tensor.ts";
import { RuntimeError } from "../../errors.ts";
import { broadcastShapes } from "../../shape.ts";
import { arange } from "../../ops/creation.ts";
import { batchSizeAt, materialize, maxLevel, noRuleMessage, padAfterBatch, physicalAt, wrap } from "../batched.ts";

type Indices = readonly (Tensor | null)[];

/** How one sample's index list lays out its result: the index tensors (masks expanded), the broadcast index shape, and the dims before it. */
interface Layout { ix: (Tensor | null)[]; bshape: number[]; pre: number; shape: number[] }

/** Unbatched bool masks become their positions; a batched mask has a data-dependent shape and is refused. */
function layout(x: Tensor, indices: Indices): Layout {
  const ix = indices.flatMap((t) => {
    if (t === null || t.dtype !== "bool") return [t];
    if (maxLevel([t]) > 0) throw new RuntimeError(noRuleMessage("indexing with a batched boolean mask (its result shape depends on the data)"));
    return t.nonzero({ asTuple: true }) as Tensor[];
  });
  const at = ix.flatMap((t, d) => (t === null ? [] : [d]));
  const adjacent = at[at.length - 1] - at[0] === at.length - 1;
  const bshape = at.reduce<number[]>((s, d) => broadcastShapes(s, ix[d]!.shape), []);
  const rest = x.shape.filter((_, d) => d >= ix.length || ix[d] === null);
  const pre = adjacent ? at[0] : 0;
  return { ix, bshape, pre, shape: [...rest.slice(0, pre), ...bshape, ...rest.slice(pre)] };
}

/** The physical index list: an arange over the batch in front of the index tensors (batched ones padded to the broadcast rank). */
function physicalIndices(l: Layout, level: number, size: number): (Tensor | null)[] {
  const r = l.bshape.length;
  const batch = arange(size, { dtype: "int64" }).reshape([size, ...new Array<number>(r).fill(1)]);
  return [batch, ...l.ix.map((t) => {
    const p = t === null ? null : physicalAt(t, level);
    return p === null ? t : padAfterBatch(p, r - t!.dim());
  })];
}

/**
 * The physical result puts [batch, index dims, dims before them, the rest]; one sample puts
 * [dims before, index dims, rest]: the permutation from the first to the second (batch kept at 0).
 */
function toSample(l: Layout): number[] {
  const r = l.bshape.length, n = l.shape.length + 1;
  const dims = [...Array(n).keys()];
  return [0, ...dims.slice(r + 1, r + 1 + l.pre), ...dims.slice(1, r + 1), ...dims.slice(r + 1 + l.pre)];
}

/**
 * index(x, indices) with a batched operand (x or an index tensor): x batched, the physical
 * index [arange(B), ...indices] gathers every sample at once, then the dims are moved where one
 * sample's advanced indexing puts them.
 */
export function advancedIndexRule(x: Tensor, indices: Indices, fn: (p: Tensor, ix: (Tensor | null)[]) => Tensor): Tensor {
  const level = maxLevel([x, ...indices]), size = batchSizeAt([x, ...indices], level);
  const l = layout(x, indices);
  return wrap(fn(materialize(x, level, size), physicalIndices(l, level, size)).permute(toSample(l)), level);
}

/**
 * index_put(x, indices, values) with a batched operand: values are expanded to one sample's
 * indexing result, laid out as the physical index reads (batch, index dims, dims before them, rest),
 * and written with the arange-prefixed index into x batched.
 */
export function advancedPutRule(x: Tensor, indices: Indices, values: Tensor, fn: (p: Tensor, ix: (Tensor | null)[], v: Tensor) => Tensor): Tensor {
  const level = maxLevel([x, values, ...indices]), size = batchSizeAt([x, values, ...indices], level);
  const l = layout(x, indices);
  const perm = toSample(l).slice(1).map((d) => d - 1);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const v = values.expand(l.shape).permute(inverse);
  return wrap(fn(materialize(x, level, size), physicalIndices(l, level, size), materialize(v, level, size)), level);
}
