// Creation ops: tensor, zeros, ones, full, empty, arange, linspace, eye, *Like, rand, randn, randint.
import { allocStorage, INT64_MAX_EXACT, isFloating, type DType, type StorageArray } from "../dtype.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { contiguousStrides, parseSize, type Shape } from "../shape.ts";
import { Storage } from "../storage.ts";
import { allocOutput } from "../output-storage.ts";
import { Tensor } from "../tensor.ts";
import { defaultGenerator, fillNormal, fillRandomFromTo, type Generator } from "../random.ts";
import { dtypeOption, emptyTensor, isOptions, isTensor, checkDevice } from "./core.ts";
import type { OpInfo } from "./opinfo.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Options every factory takes. */
export interface FactoryOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  device?: string;
}

/** Options of the random factories. */
export interface RandomOptions extends FactoryOptions {
  generator?: Generator;
}

/** Nested arrays of numbers / booleans / bigints, as `torch.tensor` takes them. */
export type NestedData = number | boolean | bigint | readonly NestedData[];
export type TensorData = NestedData | Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array;

function finish(t: Tensor, o: FactoryOptions): Tensor {
  checkDevice(o.device);
  if (o.requiresGrad) {
    if (!isFloating(t.dtype)) throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
    t._requiresGrad = true;
  }
  return t;
}

function checkInt64(v: number): void {
  if (!Number.isFinite(v) || Math.abs(v) > INT64_MAX_EXACT) {
    throw new RangeError(`int64 value ${v} is outside the exactly stored range [-(2^53 - 1), 2^53 - 1]`);
  }
}

/** Walks nested data: shape, flat values and the dtype the values imply. */
function flattenNested(data: NestedData): { shape: number[]; values: number[]; kind: DType } {
  const shape: number[] = [];
  let probe: NestedData = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: number[] = [];
  let sawFloat = false, sawBigInt = false, sawBool = false;
  const visit = (x: NestedData, d: number): void => {
    if (Array.isArray(x)) {
      if (d >= shape.length) throw new ValueError(`expected sequence of length ${shape[d - 1]} at dim ${d - 1} (got ${x.length})`);
      if (x.length !== shape[d]) throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d} (got ${x.length})`);
      for (const y of x) visit(y, d + 1);
      return;
    }
    if (d !== shape.length) throw new TypeError(`not a sequence: expected a nested array of depth ${shape.length}`);
    if (typeof x === "boolean") { sawBool = true; values.push(x ? 1 : 0); }
    else if (typeof x === "bigint") { sawBigInt = true; values.push(Number(x)); }
    else if (typeof x === "number") { sawFloat = true; values.push(x); }
    else throw new TypeError(`Could not infer dtype of ${typeof x}`);
  };
  visit(data, 0);
  const kind: DType = sawFloat ? "float32" : sawBigInt ? "int64" : sawBool ? "bool" : "float32";
  return { shape, values, kind };
}

function typedArrayDType(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof BigInt64Array) return "int64";
  return "int32";
}

function fromValues(shape: Shape, values: ArrayLike<number>, dtype: DType): Tensor {
  const data: StorageArray = allocOutput(dtype, values.length);
  if (dtype === "int64") for (let i = 0; i < values.length; i++) { checkInt64(values[i]); data[i] = Math.trunc(values[i]); }
  else if (dtype === "bool") for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
  else data.set(values);
  return new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * A new tensor from nested arrays, a number, a boolean or a typed array. Numbers give float32
 * (the default dtype), booleans bool, BigInts int64, unless `dtype` says otherwise.
 * @example torch.tensor([[1, 2], [3, 4]]); torch.tensor([-5.0], { requiresGrad: true })
 */
export function tensor(data: TensorData | Tensor, options: FactoryOptions = {}): Tensor {
  if (isTensor(data)) return finish(fromValues(data.shape, data.detach().contiguous()._storage.data, dtypeOption(options.dtype, data.dtype)), options);
  if (ArrayBuffer.isView(data)) {
    const arr = data instanceof BigInt64Array ? Array.from(data, Number) : (data as unknown as ArrayLike<number>);
    return finish(fromValues([arr.length], arr, dtypeOption(options.dtype, typedArrayDType(data))), options);
  }
  const { shape, values, kind } = flattenNested(data as NestedData);
  return finish(fromValues(shape, values, dtypeOption(options.dtype, kind)), options);
}

/** Splits `(...sizes, options?)`. */
function sizeAndOptions<O extends object>(args: readonly unknown[]): [number[], O] {
  const last = args[args.length - 1];
  const opts = (isOptions(last) ? last : {}) as O;
  const sizes = (isOptions(last) ? args.slice(0, -1) : args) as (number | number[])[];
  return [parseSize(sizes), opts];
}

type SizeThenOptions<O> = (number | readonly number[] | O)[];

/** A tensor of `value` everywhere. */
function filled(shape: Shape, value: number, o: FactoryOptions, fallback: DType = "float32"): Tensor {
  const dtype = dtypeOption(o.dtype, fallback);
  const t = emptyTensor(shape, dtype);
  if (value !== 0) t._storage.data.fill(dtype === "bool" ? Number(value !== 0) : value);
  return finish(t, o);
}

/** @example torch.zeros(2, 3); torch.zeros([2, 3], { dtype: torch.int64 }) */
export function zeros(...args: SizeThenOptions<FactoryOptions>): Tensor {
  const [shape, o] = sizeAndOptions<FactoryOptions>(args);
  return filled(shape, 0, o);
}

/** @example torch.ones(3) */
export function ones(...args: SizeThenOptions<FactoryOptions>): Tensor {
  const [shape, o] = sizeAndOptions<FactoryOptions>(args);
  return filled(shape, 1, o);
}

/** Uninitialised in PyTorch; zero-filled here (JS memory is always initialised). */
export function empty(...args: SizeThenOptions<FactoryOptions>): Tensor {
  return zeros(...args);
}

/**
 * A tensor of shape `size` filled with `fillValue`: a number gives float32, a boolean bool.
 * @example torch.full([2, 2], 7)
 */
export function full(size: readonly number[], fillValue: number | boolean, options: FactoryOptions = {}): Tensor {
  const shape = parseSize([size]);
  return filled(shape, Number(fillValue), options, typeof fillValue === "boolean" ? "bool" : "float32");
}

const likeOptions = (x: Tensor, o: FactoryOptions): FactoryOptions => ({ ...o, dtype: o.dtype ?? x.dtype });
// ---- [vmap] begin ----
/** `filled` of x's shape, batched like x (Note [batched tensors] in func/batched.ts). */
const filledLike = (x: Tensor, v: number, o: FactoryOptions): Tensor => (x._batched !== undefined ? VM.likeRule(x, (s) => filled(s, v, o)) : filled(x.shape, v, o));
// ---- [vmap] end ----
export const zerosLike = (x: Tensor, o: FactoryOptions = {}): Tensor => filledLike(x, 0, likeOptions(x, o));
export const onesLike = (x: Tensor, o: FactoryOptions = {}): Tensor => filledLike(x, 1, likeOptions(x, o));
export const emptyLike = (x: Tensor, o: FactoryOptions = {}): Tensor => filledLike(x, 0, likeOptions(x, o));
export const fullLike = (x: Tensor, v: number | boolean, o: FactoryOptions = {}): Tensor => filledLike(x, Number(v), likeOptions(x, o));

/**
 * Values from `start` to `end` (exclusive) by `step`: `arange(end)`, `arange(start, end, step?)`.
 * float32 unless `dtype` says otherwise (PyTorch would give int64 for integer arguments; see README).
 * @example torch.arange(4.0) // tensor([0., 1., 2., 3.])
 */
export function arange(...args: (number | FactoryOptions)[]): Tensor {
  const last = args[args.length - 1];
  const o = (isOptions(last) ? last : {}) as FactoryOptions;
  const nums = (isOptions(last) ? args.slice(0, -1) : args) as number[];
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new RuntimeError("step must be nonzero");
  if (![start, end, step].every(Number.isFinite)) throw new RuntimeError(`unsupported range: ${start} -> ${end}`);
  if ((step > 0 && start > end) || (step < 0 && start < end)) throw new RuntimeError("upper bound and larger bound inconsistent with step sign");
  const n = Math.ceil((end - start) / step);
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return finish(fromValues([n], values, dtypeOption(o.dtype, "float32")), o);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 * @example torch.linspace(0, 1, 5)
 */
export function linspace(start: number, end: number, steps: number, options: FactoryOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  const values = Array.from({ length: steps }, (_, i) => (i < half ? start + i * step : end - (steps - 1 - i) * step));
  return finish(fromValues([steps], values, dtypeOption(options.dtype, "float32")), options);
}

/**
 * The identity matrix, n x m (m defaults to n).
 * @example torch.eye(3)
 */
export function eye(n: number, m?: number | FactoryOptions, options: FactoryOptions = {}): Tensor {
  const o = isOptions(m) ? (m as FactoryOptions) : options;
  const cols = typeof m === "number" ? m : n;
  if (n < 0) throw new RuntimeError(`n must be greater or equal to 0, got ${n}`);
  if (cols < 0) throw new RuntimeError(`m must be greater or equal to 0, got ${cols}`);
  const t = filled([n, cols], 0, o);
  for (let i = 0; i < Math.min(n, cols); i++) t._storage.data[i * cols + i] = 1;
  return t;
}

/** Applies the factory options (requiresGrad, device) to a freshly made random tensor. */
export const finishRandom = (t: Tensor, o: FactoryOptions): Tensor => finish(t, o);

function randomTensor(args: readonly unknown[], fill: (data: StorageArray, gen: Generator, double: boolean) => void, name: string): Tensor {
  const [shape, o] = sizeAndOptions<RandomOptions>(args);
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomFresh(shape, (s) => randomTensor([s, o], fill, name));
  // ---- [vmap] end ----
  const dtype = dtypeOption(o.dtype, "float32");
  if (!isFloating(dtype)) throw new RuntimeError(`"${name}" not implemented for '${dtype === "int64" ? "Long" : dtype === "int32" ? "Int" : "Bool"}'`);
  const t = emptyTensor(shape, dtype);
  fill(t._storage.data, o.generator ?? defaultGenerator, dtype === "float64");
  return finish(t, o);
}

/**
 * Uniform samples in [0, 1), from PyTorch's CPU stream.
 * @example torch.manualSeed(0); torch.rand(2, 3)
 */
export function rand(...args: SizeThenOptions<RandomOptions>): Tensor {
  return randomTensor(args, (d, g, double) => { for (let i = 0; i < d.length; i++) d[i] = g.uniform(double); }, "check_uniform_bounds");
}

/**
 * Standard normal samples, from PyTorch's CPU stream.
 * @example torch.randn(3, 4, { requiresGrad: true })
 */
export function randn(...args: SizeThenOptions<RandomOptions>): Tensor {
  return randomTensor(args, (d, g) => fillNormal(d as Float32Array | Float64Array, g), "normal_kernel_cpu");
}

/**
 * Random integers in [low, high): `randint(high, size)` or `randint(low, high, size)`; int64 by default.
 * @example torch.randint(0, 10, [3])
 */
export function randint(...args: (number | readonly number[] | RandomOptions)[]): Tensor {
  const last = args[args.length - 1];
  const o = (isOptions(last) ? last : {}) as RandomOptions;
  const pos = (isOptions(last) ? args.slice(0, -1) : args) as (number | number[])[];
  const size = pos[pos.length - 1];
  if (!Array.isArray(size)) throw new TypeError("randint(): size must be an array of integers, e.g. randint(0, 10, [3])");
  const [low, high] = pos.length === 3 ? [pos[0] as number, pos[1] as number] : [0, pos[0] as number];
  if (low >= high) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomFresh(parseSize([size]), (s) => randint(low, high, s, o));
  // ---- [vmap] end ----
  const dtype = dtypeOption(o.dtype, "int64");
  const t = emptyTensor(parseSize([size]), dtype);
  fillRandomFromTo(t._storage.data, o.generator ?? defaultGenerator, low, high);
  return finish(t, o);
}



const f64 = { dtype: "float64" } as const;

/** Samples of the deterministic factories (explicit dtypes: PyTorch infers int64 where we infer float32). */
export const CREATION_INFO: OpInfo[] = [
  { name: "tensor", samples: [{ args: [[[1.5, 2], [3, 4]]] }, { args: [[true, false]] }, { args: [2.5], kwargs: f64 }, { args: [[1, 2, 3]], kwargs: { dtype: "int32" } }, { args: [[]] }],
    errors: [{ args: [[[1, 2], [3]]] }] },
  { name: "zeros", samples: [{ args: [2, 3] }, { args: [[2, 3]], kwargs: { dtype: "int64" } }, { args: [[]] }], errors: [{ args: [[2, -1]] }] },
  { name: "ones", samples: [{ args: [2, 3] }, { args: [[3]], kwargs: { dtype: "bool" } }], errors: [{ args: [[-1]] }] },
  { name: "full", samples: [{ args: [[2, 2], 7.5] }, { args: [[3], true] }, { args: [[2], 3], kwargs: { dtype: "int32" } }], errors: [{ args: [[-2], 1.5] }] },
  { name: "arange", samples: [{ args: [4], kwargs: { dtype: "float32" } }, { args: [1, 2.5, 0.5] }, { args: [5, 1, -1.5] }, { args: [0, 10, 3], kwargs: { dtype: "int64" } }],
    errors: [{ args: [0, 5, 0] }, { args: [5, 0, 1] }] },
  { name: "linspace", samples: [{ args: [0, 1, 5] }, { args: [-2, 3, 7], kwargs: f64 }, { args: [1, 1, 1] }, { args: [0, 1, 0] }], errors: [{ args: [0, 1, -1] }] },
  { name: "eye", samples: [{ args: [3] }, { args: [2, 4] }, { args: [3], kwargs: { dtype: "int64" } }], errors: [{ args: [-1] }] },
];
