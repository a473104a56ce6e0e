// Op plumbing shared by every family: allocation, kernel views, scalar wrapping and argument parsing.
import { RuntimeError } from "../errors.ts";
import { allocStorage, isDType, type DType } from "../dtype.ts";
import { contiguousStrides, numelOf, type Shape } from "../shape.ts";
import { Storage } from "../storage.ts";
import { allocOutput } from "../output-storage.ts";
import { Tensor } from "../tensor.ts";
import type { View } from "../backend/types.ts";
import { backend } from "../backend/index.ts";

/** A tensor or a JS scalar, accepted wherever PyTorch accepts a Python scalar. */
export type TensorLike = Tensor | number | boolean;

/** A fresh contiguous tensor with zeroed storage. */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(new Storage(allocStorage(dtype, numelOf(shape))), [...shape], contiguousStrides(shape), 0, dtype);
}

/** A fresh contiguous tensor whose every element the caller's kernel writes first (Note [unzeroed outputs]). */
export function outputTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(new Storage(allocOutput(dtype, numelOf(shape))), [...shape], contiguousStrides(shape), 0, dtype);
}

/** The strided view a kernel sees of `t`. */
export function kview(t: Tensor): View {
  return { data: t._storage.data, shape: t.shape, strides: t._strides, offset: t._offset };
}

/** The same tensor's view broadcast to `shape` (stride 0 on new and size-1 dims). */
export function broadcastView(t: Tensor, shape: Shape): View {
  const lead = shape.length - t.shape.length;
  const strides = shape.map((_, i) => (i < lead || t.shape[i - lead] === 1 ? 0 : t._strides[i - lead]));
  return { data: t._storage.data, shape, strides, offset: t._offset };
}

/** A 0-d tensor holding `v` in `dtype` (a "wrapped number" in PyTorch). */
export function scalarTensor(v: number | boolean, dtype: DType): Tensor {
  const t = emptyTensor([], dtype);
  t._storage.data[0] = typeof v === "boolean" ? Number(v) : v;
  return t;
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A trailing plain object is always the options object (API.md). */
export function isOptions(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x);
}

/** Splits variadic args into leading positionals and a trailing options object. */
export function splitOptions<O extends object>(args: readonly unknown[]): [unknown[], Partial<O>] {
  if (args.length > 0 && isOptions(args[args.length - 1])) return [args.slice(0, -1), args[args.length - 1] as Partial<O>];
  return [[...args], {}];
}

/** Reads an optional dtype option, refusing unknown names. */
export function dtypeOption(d: unknown, fallback: DType): DType {
  if (d === undefined || d === null) return fallback;
  if (!isDType(d)) throw new TypeError(`dtype must be one of "float32", "float64", "int32", "int64", "bool", got ${String(d)}`);
  return d;
}

/** All elements of `t` in row-major order as a contiguous array of its storage type. */
export function contiguousData(t: Tensor): Tensor["_storage"]["data"] {
  if (t.isContiguous() && t._offset === 0 && t._storage.data.length === t.numel()) return t._storage.data;
  const out = outputTensor(t.shape, t.dtype);
  backendCopy(t, out);
  return out._storage.data;
}

/** Copies `src` into `dst` elementwise with casting (no autograd). */
export function backendCopy(src: Tensor, dst: Tensor): void {
  backend().copy(broadcastView(src, dst.shape), kview(dst));
}

/** A contiguous tensor seen with another shape of the same numel, without autograd (internal). */
export function rawReshape(t: Tensor, shape: Shape): Tensor {
  return new Tensor(t._storage, [...shape], contiguousStrides(shape), t._offset, t.dtype);
}

/** Python's type name of a JS value, for PyTorch's argument-type messages. */
export function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "string") return "str";
  if (Array.isArray(x)) return "list";
  return typeof x;
}

/** PyTorch's TypeError for a non-tensor where a Tensor is required. */
export function checkTensorArg(fn: string, arg: string, position: number, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}(): argument '${arg}' (position ${position}) must be Tensor, not ${pyTypeName(x)}`);
}

const DEVICE_TYPES = "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone";

/** Accepts only the cpu device (tensorgrad's one device), with PyTorch's message for unknown device strings. */
export function checkDevice(device: string | undefined): void {
  if (device === undefined) return;
  const type = device.split(":")[0];
  if (type === "cpu") return;
  if (!DEVICE_TYPES.split(", ").includes(type)) throw new RuntimeError(`Expected one of ${DEVICE_TYPES} device type at start of device string: ${device}`);
  throw new RuntimeError(`tensorgrad runs on the cpu device only (got device '${device}')`);
}
