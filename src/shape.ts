// Shape helpers: contiguous strides, dim normalisation, broadcasting and size parsing.
import { IndexError, RuntimeError } from "./errors.ts";

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return strides;
}

export function shapeEquals(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Python-style shape text: `[2, 3]`. */
export function shapeText(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** PyTorch's dim wrapping with its IndexError text. A 0-d tensor accepts dims -1 and 0. */
export function normalizeDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${dim}`);
  if (dim < -n || dim >= n) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a list of dims, refusing repeats as PyTorch does. */
export function normalizeDims(dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** torch.broadcast_shapes with PyTorch's error text. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const sa = a[a.length - n + i] ?? 1;
    const sb = b[b.length - n + i] ?? 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new RuntimeError(`The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`);
    }
    out[i] = sa === 1 ? sb : sa;
  }
  return out;
}

/** Parses PyTorch's variadic-or-array sizes: `f(2, 3)` or `f([2, 3])`. */
export function parseSize(args: readonly (number | readonly number[])[]): number[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as readonly number[]);
  for (const s of flat) {
    if (typeof s !== "number" || !Number.isInteger(s)) throw new TypeError(`size must be a sequence of integers, got ${String(s)}`);
    if (s < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: [${flat.join(", ")}]`);
  }
  return [...flat];
}

/** Resolves one `-1` in a view/reshape size, with PyTorch's error texts. */
export function inferSize(size: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < size.length; i++) {
    if (size[i] === -1) {
      if (infer >= 0) throw new RuntimeError("only one dimension can be inferred");
      infer = i;
    } else if (size[i] >= 0) {
      known *= size[i];
    } else {
      throw new RuntimeError(`invalid shape dimension ${size[i]}`);
    }
  }
  const out = [...size];
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) throw new RuntimeError(`shape '${shapeText(size)}' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new RuntimeError(`shape '${shapeText(size)}' is invalid for input of size ${numel}`);
  }
  return out;
}
