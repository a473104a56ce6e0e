// The Tensor class: metadata, storage handle and autograd fields; every method is a one-line delegation to ops/.
import type { DType } from "./dtype.ts";
import { isFloating } from "./dtype.ts";
import { formatTensor } from "./format.ts";
import { contiguousStrides, normalizeDim, numelOf } from "./shape.ts";
import type { Storage } from "./storage.ts";
import type { AccumulateGrad, GradHook, Node, RemovableHandle } from "./autograd/node.ts";
import * as U from "./ops/unary.ts";
import * as B from "./ops/binary.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/movement.ts";
import * as L from "./ops/linalg.ts";
import * as I from "./ops/inplace.ts";
import * as X from "./ops/indexing.ts";
import * as RND from "./ops/random-ops.ts";
import * as RX from "./ops/reduce-ext.ts";
import * as A from "./autograd/tensor-autograd.ts";
// Extension areas (imports):
// ---- [nn-ext-imports] begin ----
import * as SM from "./ops/softmax.ts";
// ---- [nn-ext-imports] end ----
// ---- [conv-ext-imports] begin ----
// ---- [conv-ext-imports] end ----
// ---- [linalg-ext-imports] begin ----
import * as LS from "./ops/linalg-solve.ts";
// ---- [linalg-ext-imports] end ----
// ---- [vmap-imports] begin ----
import type { Batched } from "./func/batched.ts";
// ---- [vmap-imports] end ----
import { isInferenceModeEnabled } from "./autograd/grad-mode.ts";
import * as TE from "./ops/ternary.ts";
import * as CMP from "./ops/compare.ts";
import * as J from "./ops/join.ts";
import * as G from "./ops/gather.ts";
import * as S from "./ops/shape-ext.ts";
import { contiguousData, type TensorLike } from "./ops/core.ts";
import type { BackwardOptions } from "./autograd/engine.ts";

/** A nested array of numbers or booleans, as `tolist()` returns. */
export type NestedList = number | boolean | NestedList[];
/** Sizes as PyTorch takes them: variadic numbers or one array. */
export type SizeArgs = (number | readonly number[])[];

/**
 * An n-dimensional array with PyTorch's semantics and autograd.
 * @example const x = torch.tensor([1, 2, 3], { requiresGrad: true }); x.mul(2).sum().backward(); x.grad // tensor([2., 2., 2.])
 */
export class Tensor {
  /** @internal storage shared with views */
  readonly _storage: Storage;
  /** The size of each dim. */
  readonly shape: readonly number[];
  /** @internal */
  _strides: readonly number[];
  /** @internal */
  _offset: number;
  readonly dtype: DType;

  /** @internal leaf flag; non-leaves require grad through their gradFn */
  _requiresGrad = false;
  /** @internal */
  _gradFn: Node | null = null;
  /** @internal which output of its gradFn this tensor is */
  _outputNr = 0;
  /** @internal */
  _grad: Tensor | null = null;
  /** @internal hooks of a leaf, run before its gradient accumulates */
  _hooks: GradHook[] | null = null;
  /** @internal hooks of a leaf, run after its gradient accumulated */
  _postAccumulateHooks: ((t: Tensor) => void)[] | null = null;
  /** @internal */
  _accumulator: AccumulateGrad | null = null;
  /** @internal the tensor whose storage this view shares, or null */
  _base: Tensor | null = null;
  /** @internal */
  _retainsGrad = false;
  /** @internal a view made in noGrad mode of a base that requires grad: in-place on it with grad on is refused */
  _viewCreatedNoGrad = false;
  /** @internal the base's gradFn when this view's gradFn was made (Note [view history]) */
  _viewBaseGradFn: Node | null = null;

  /** @internal forward-mode tangent at a dual level (Note [forward AD] in autograd/forward-ad.ts) */
  _tangent: { readonly level: number; readonly value: Tensor } | null = null;
  /** @internal how a tensor that does not require grad came about, for explainGrad */
  _provenance: "noGrad" | "detach" | null = null;
  /** @internal a gradient only the autograd engine holds (Note [owned gradients]) */
  _engineOwned = false;
  /** @internal made in inference mode (Note [inference tensors] in autograd/grad-mode.ts) */
  readonly _isInference: boolean = isInferenceModeEnabled();

  /** @internal use torch.tensor / torch.zeros / ... to make tensors */
  constructor(storage: Storage, shape: number[], strides: readonly number[], offset: number, dtype: DType) {
    this._storage = storage;
    this.shape = shape;
    this._strides = strides;
    this._offset = offset;
    this.dtype = dtype;
  }

  // ---- metadata -------------------------------------------------------------------------
  /** Always "cpu" for now. */
  get device(): string { return "cpu"; }
  /** Number of dims. */
  get ndim(): number { return this.shape.length; }
  /** Number of dims. */
  dim(): number { return this.shape.length; }
  /** Number of elements. */
  numel(): number { return numelOf(this.shape); }
  /** The shape, or the size of one dim. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number { return dim === undefined ? [...this.shape] : this.shape[normalizeDim(dim, this.dim())]; }
  /** Element strides, or the stride of one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number { return dim === undefined ? [...this._strides] : this._strides[normalizeDim(dim, this.dim())]; }
  /** Offset of the first element in the storage. */
  storageOffset(): number { return this._offset; }
  /** Whether the elements are laid out densely in row-major order. */
  isContiguous(): boolean {
    const want = contiguousStrides(this.shape);
    return this.shape.every((s, i) => s === 1 || this._strides[i] === want[i]);
  }
  /** Whether this tensor was made in inference mode. */
  isInference(): boolean { return this._isInference; }
  /** Whether this is a floating-point tensor. */
  isFloatingPoint(): boolean { return isFloating(this.dtype); }
  /** The in-place version counter (PyTorch's `_version`). */
  get _version(): number { return this._storage.version; }

  /**
   * The value of a one-element tensor. Typed `number`; a bool tensor gives `true`/`false` (API.md),
   * which JavaScript compares and adds as 1/0.
   */
  item(): number { return X.item(this) as number; }
  /** The elements as nested arrays (numbers; booleans for bool). */
  tolist(): NestedList { return X.tolist(this); }

  toString(): string {
    return formatTensor({ shape: this.shape, dtype: this.dtype, values: contiguousData(this), requiresGrad: this.requiresGrad, gradFnName: this._gradFn?.name() ?? null });
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }

  // ---- autograd -------------------------------------------------------------------------
  /** Whether gradients are recorded for this tensor. Settable on leaves only. */
  get requiresGrad(): boolean { A.refresh(this); return this._requiresGrad || this._gradFn !== null; }
  set requiresGrad(flag: boolean) { A.setRequiresGrad(this, flag, "property"); }
  /** Sets requiresGrad in place and returns this tensor. */
  requiresGrad_(flag = true): this { A.setRequiresGrad(this, flag, "method"); return this; }
  /** The gradient accumulated by backward (leaves, and non-leaves that called retainGrad). */
  get grad(): Tensor | null { return A.readGrad(this); }
  set grad(g: Tensor | null) { A.writeGrad(this, g); }
  /** The node that created this tensor, or null for leaves. */
  get gradFn(): Node | null { A.refresh(this); return this._gradFn; }
  /** Whether this tensor is a leaf of the graph (made by the user, or not requiring grad). */
  get isLeaf(): boolean { A.refresh(this); return this._gradFn === null; }
  /** Whether a non-leaf keeps its `.grad`. */
  get retainsGrad(): boolean { return this._retainsGrad; }
  /** Keeps `.grad` on a non-leaf after backward. */
  retainGrad(): void { A.retainGrad(this); }
  /** Runs `hook(grad)` when the gradient of this tensor is computed; it may return a replacement. */
  registerHook(hook: GradHook): RemovableHandle { return A.registerHook(this, hook); }
  /** Runs `hook(this)` on a leaf after backward has accumulated into its `.grad`. */
  registerPostAccumulateGradHook(hook: (t: Tensor) => void): RemovableHandle { return A.registerPostAccumulateGradHook(this, hook); }
  /** Backpropagates from this tensor. */
  backward(gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void { A.backward(this, gradient, options); }
  /** A tensor sharing storage, cut from the graph. */
  detach(): Tensor { return A.detach(this); }
  /** Cuts this tensor from the graph, in place. */
  detach_(): this { A.detach_(this); return this; }

  // ---- conversion and layout ----------------------------------------------------------------
  to(arg?: DType | string | M.ToOptions, opts?: M.ToOptions): Tensor { return M.to(this, arg, opts); }
  float(): Tensor { return M.to(this, "float32"); }
  double(): Tensor { return M.to(this, "float64"); }
  long(): Tensor { return M.to(this, "int64"); }
  int(): Tensor { return M.to(this, "int32"); }
  bool(): Tensor { return M.to(this, "bool"); }
  clone(): Tensor { return M.clone(this); }
  contiguous(...rest: unknown[]): Tensor { return M.contiguous(this, ...rest); }
  view(...size: SizeArgs): Tensor { return M.view(this, ...size); }
  viewAs(other: Tensor): Tensor { return M.view(this, other.shape); }
  reshape(...size: SizeArgs): Tensor { return M.reshape(this, ...size); }
  reshapeAs(other: Tensor): Tensor { return M.reshape(this, other.shape); }
  transpose(dim0: number, dim1: number): Tensor { return M.transpose(this, dim0, dim1); }
  t(): Tensor { return M.t(this); }
  /** All dims reversed (PyTorch's `.T`). */
  get T(): Tensor { return M.permute(this, [...this.shape.keys()].reverse()); }
  /** The last two dims swapped (PyTorch's `.mT`). */
  get mT(): Tensor { return M.transpose(this, -2, -1); }
  permute(...dims: SizeArgs): Tensor { return M.permute(this, ...dims); }
  expand(...size: SizeArgs): Tensor { return M.expand(this, ...size); }
  expandAs(other: Tensor): Tensor { return M.expand(this, other.shape); }
  squeeze(dim?: number): Tensor { return M.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  flatten(startDim?: number, endDim?: number): Tensor { return M.flatten(this, startDim, endDim); }
  narrow(dim: number, start: number, length: number): Tensor { return M.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return M.select(this, dim, index); }
  /** Python's `x[...]`: numbers, torch.slice(...), null (new axis), "..." (ellipsis) give views; bool masks, integer tensors and number[] index advanced (copies). */
  index(...items: X.IndexItem[]): Tensor { return X.index(this, items); }

  // ---- elementwise ---------------------------------------------------------------------------
  neg(): Tensor { return U.neg(this); }
  abs(): Tensor { return U.abs(this); }
  sign(): Tensor { return U.sign(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  square(): Tensor { return U.square(this); }
  tanh(): Tensor { return U.tanh(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  relu(): Tensor { return U.relu(this); }
  logicalNot(): Tensor { return U.logicalNot(this); }
  add(other: TensorLike, opts?: { alpha?: number }): Tensor { return B.binary("add", this, other, opts?.alpha ?? 1); }
  sub(other: TensorLike, opts?: { alpha?: number }): Tensor { return B.binary("sub", this, other, opts?.alpha ?? 1); }
  mul(other: TensorLike): Tensor { return B.binary("mul", this, other); }
  div(other: TensorLike, opts?: B.DivOptions): Tensor { return B.div(this, other, opts); }
  pow(exponent: TensorLike): Tensor { return B.pow(this, exponent); }
  maximum(other: Tensor): Tensor { return B.binary("maximum", this, other); }
  minimum(other: Tensor): Tensor { return B.binary("minimum", this, other); }
  eq(other: TensorLike): Tensor { return B.binary("eq", this, other); }
  ne(other: TensorLike): Tensor { return B.binary("ne", this, other); }
  lt(other: TensorLike): Tensor { return B.binary("lt", this, other); }
  le(other: TensorLike): Tensor { return B.binary("le", this, other); }
  gt(other: TensorLike): Tensor { return B.binary("gt", this, other); }
  ge(other: TensorLike): Tensor { return B.binary("ge", this, other); }
  logicalAnd(other: Tensor): Tensor { return B.logical("logicalAnd", this, other); }
  logicalOr(other: Tensor): Tensor { return B.logical("logicalOr", this, other); }
  logicalXor(other: Tensor): Tensor { return B.logical("logicalXor", this, other); }

  // ---- reductions and linear algebra ------------------------------------------------------------
  sum(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.sum(this, ...args); }
  mean(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.mean(this, ...args); }
  amax(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.amax(this, ...args); }
  amin(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.amin(this, ...args); }
  any(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.any(this, ...args); }
  all(...args: (R.DimArg | boolean | R.ReduceOptions)[]): Tensor { return R.all(this, ...args); }
  dot(other: Tensor): Tensor { return L.dot(this, other); }
  mm(other: Tensor): Tensor { return L.mm(this, other); }
  bmm(other: Tensor): Tensor { return L.bmm(this, other); }
  mv(other: Tensor): Tensor { return L.mv(this, other); }
  matmul(other: Tensor): Tensor { return L.matmul(this, other); }

  // ---- in place -------------------------------------------------------------------------------
  add_(other: TensorLike, opts?: { alpha?: number }): this { return I.binaryInplace(this, "add", other, opts?.alpha ?? 1); }
  sub_(other: TensorLike, opts?: { alpha?: number }): this { return I.binaryInplace(this, "sub", other, opts?.alpha ?? 1); }
  mul_(other: TensorLike): this { return I.binaryInplace(this, "mul", other, 1); }
  div_(other: TensorLike): this { return I.binaryInplace(this, "div", other, 1); }
  neg_(): this { return I.unaryInplace(this, "neg"); }
  exp_(): this { return I.unaryInplace(this, "exp"); }
  zero_(): this { return I.zero_(this); }
  fill_(value: TensorLike): this { return I.fill_(this, value); }
  copy_(src: Tensor): this { return I.copy_(this, src); }

  // Extension areas: each op-library workstream adds its methods between its own markers.
  // ---- [unary-ext] begin ----
  // elementwise math (src/ops/unary.ts)
  exp2(): Tensor { return U.exp2(this); }
  expm1(): Tensor { return U.expm1(this); }
  log2(): Tensor { return U.log2(this); }
  log10(): Tensor { return U.log10(this); }
  log1p(): Tensor { return U.log1p(this); }
  rsqrt(): Tensor { return U.rsqrt(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  tan(): Tensor { return U.tan(this); }
  asin(): Tensor { return U.asin(this); }
  acos(): Tensor { return U.acos(this); }
  atan(): Tensor { return U.atan(this); }
  sinh(): Tensor { return U.sinh(this); }
  cosh(): Tensor { return U.cosh(this); }
  asinh(): Tensor { return U.asinh(this); }
  acosh(): Tensor { return U.acosh(this); }
  atanh(): Tensor { return U.atanh(this); }
  erf(): Tensor { return U.erf(this); }
  erfc(): Tensor { return U.erfc(this); }
  floor(): Tensor { return U.floor(this); }
  ceil(): Tensor { return U.ceil(this); }
  trunc(): Tensor { return U.trunc(this); }
  frac(): Tensor { return U.frac(this); }
  isnan(): Tensor { return U.isnan(this); }
  isinf(): Tensor { return U.isinf(this); }
  isfinite(): Tensor { return U.isfinite(this); }
  logit(...args: (number | null | U.LogitOptions)[]): Tensor { return U.logit(this, ...args); }
  round(opts?: U.RoundOptions): Tensor { return U.round(this, opts); }
  nanToNum(...args: (number | null | U.NanToNumOptions)[]): Tensor { return U.nanToNum(this, ...args); }
  // in place (PyTorch's `<op>_`)
  abs_(): this { return U.inplaceOf(this, U.abs); }
  sign_(): this { return U.inplaceOf(this, U.sign); }
  exp2_(): this { return U.inplaceOf(this, U.exp2); }
  expm1_(): this { return U.inplaceOf(this, U.expm1); }
  log_(): this { return U.inplaceOf(this, U.log); }
  log2_(): this { return U.inplaceOf(this, U.log2); }
  log10_(): this { return U.inplaceOf(this, U.log10); }
  log1p_(): this { return U.inplaceOf(this, U.log1p); }
  sqrt_(): this { return U.inplaceOf(this, U.sqrt); }
  rsqrt_(): this { return U.inplaceOf(this, U.rsqrt); }
  square_(): this { return U.inplaceOf(this, U.square); }
  reciprocal_(): this { return U.inplaceOf(this, U.reciprocal); }
  sin_(): this { return U.inplaceOf(this, U.sin); }
  cos_(): this { return U.inplaceOf(this, U.cos); }
  tan_(): this { return U.inplaceOf(this, U.tan); }
  asin_(): this { return U.inplaceOf(this, U.asin); }
  acos_(): this { return U.inplaceOf(this, U.acos); }
  atan_(): this { return U.inplaceOf(this, U.atan); }
  sinh_(): this { return U.inplaceOf(this, U.sinh); }
  cosh_(): this { return U.inplaceOf(this, U.cosh); }
  tanh_(): this { return U.inplaceOf(this, U.tanh); }
  asinh_(): this { return U.inplaceOf(this, U.asinh); }
  acosh_(): this { return U.inplaceOf(this, U.acosh); }
  atanh_(): this { return U.inplaceOf(this, U.atanh); }
  sigmoid_(): this { return U.inplaceOf(this, U.sigmoid); }
  erf_(): this { return U.inplaceOf(this, U.erf); }
  erfc_(): this { return U.inplaceOf(this, U.erfc); }
  floor_(): this { return U.inplaceOf(this, U.floor); }
  ceil_(): this { return U.inplaceOf(this, U.ceil); }
  trunc_(): this { return U.inplaceOf(this, U.trunc); }
  frac_(): this { return U.inplaceOf(this, U.frac); }
  relu_(): this { return U.inplaceOf(this, U.relu); }
  logit_(...args: (number | null | U.LogitOptions)[]): this { return U.inplaceOf(this, (x) => U.logit(x, ...args)); }
  round_(opts?: U.RoundOptions): this { return U.inplaceOf(this, (x) => U.round(x, opts)); }
  nanToNum_(...args: (number | null | U.NanToNumOptions)[]): this { return U.inplaceOf(this, (x) => U.nanToNum(x, ...args)); }
  // ---- [unary-ext] end ----
  // ---- [binary-ext] begin ----
  trueDivide(other: TensorLike): Tensor { return B.binary("div", this, other); }
  floorDivide(other: TensorLike): Tensor { return B.floorDivide(this, other); }
  remainder(other: TensorLike): Tensor { return B.remainder(this, other); }
  fmod(other: TensorLike): Tensor { return B.fmod(this, other); }
  fmax(other: Tensor): Tensor { return B.tensorBinary("fmax", this, other); }
  fmin(other: Tensor): Tensor { return B.tensorBinary("fmin", this, other); }
  atan2(other: Tensor): Tensor { return B.tensorBinary("atan2", this, other); }
  hypot(other: Tensor): Tensor { return B.tensorBinary("hypot", this, other); }
  copysign(other: TensorLike): Tensor { return B.copysign(this, other); }
  lerp(end: Tensor, weight: TensorLike | { weight: TensorLike }): Tensor { return TE.lerp(this, end, weight); }
  addcmul(tensor1: Tensor, tensor2: Tensor, opts?: TE.AddcOptions): Tensor { return TE.addcmul(this, tensor1, tensor2, opts); }
  addcdiv(tensor1: Tensor, tensor2: Tensor, opts?: TE.AddcOptions): Tensor { return TE.addcdiv(this, tensor1, tensor2, opts); }
  /** `condition ? this : other` (PyTorch's `Tensor.where`). */
  where(condition: Tensor, other: TensorLike): Tensor { return TE.where(condition, this, other); }
  clamp(...bounds: (TE.Bound | TE.ClampOptions)[]): Tensor { return TE.clamp(this, ...bounds); }
  clip(...bounds: (TE.Bound | TE.ClampOptions)[]): Tensor { return TE.clamp(this, ...bounds); }
  clampMin(min: TensorLike): Tensor { return TE.clampMin(this, min); }
  clampMax(max: TensorLike): Tensor { return TE.clampMax(this, max); }
  clamp_(...bounds: (TE.Bound | TE.ClampOptions)[]): this { return TE.clamp_(this, ...bounds); }
  clip_(...bounds: (TE.Bound | TE.ClampOptions)[]): this { return TE.clamp_(this, ...bounds); }
  isclose(other: Tensor, ...args: (number | boolean | CMP.CloseOptions)[]): Tensor { return CMP.isclose(this, other, ...args); }
  allclose(other: Tensor, ...args: (number | boolean | CMP.CloseOptions)[]): boolean { return CMP.allclose(this, other, ...args); }
  equal(other: Tensor): boolean { return CMP.equal(this, other); }
  // ---- [binary-ext] end ----
  // ---- [reduce-ext] begin ----
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number, keepdim?: boolean): RX.ValuesIndices;
  max(dim: number, opts: { keepdim?: boolean }): RX.ValuesIndices;
  max(opts: { dim: number; keepdim?: boolean }): RX.ValuesIndices;
  max(...args: unknown[]): Tensor | RX.ValuesIndices { return (RX.max as (x: Tensor, ...a: unknown[]) => Tensor | RX.ValuesIndices)(this, ...args); }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number, keepdim?: boolean): RX.ValuesIndices;
  min(dim: number, opts: { keepdim?: boolean }): RX.ValuesIndices;
  min(opts: { dim: number; keepdim?: boolean }): RX.ValuesIndices;
  min(...args: unknown[]): Tensor | RX.ValuesIndices { return (RX.min as (x: Tensor, ...a: unknown[]) => Tensor | RX.ValuesIndices)(this, ...args); }
  argmax(...args: (number | null | boolean | { dim?: number | null; keepdim?: boolean })[]): Tensor { return RX.argmax(this, ...args); }
  argmin(...args: (number | null | boolean | { dim?: number | null; keepdim?: boolean })[]): Tensor { return RX.argmin(this, ...args); }
  median(): Tensor;
  median(dim: number, keepdim?: boolean): RX.ValuesIndices;
  median(opts: RX.DimKeepdim): RX.ValuesIndices;
  median(...args: unknown[]): Tensor | RX.ValuesIndices { return (RX.median as (x: Tensor, ...a: unknown[]) => Tensor | RX.ValuesIndices)(this, ...args); }
  kthvalue(k: number, ...args: (number | boolean | RX.DimKeepdim)[]): RX.ValuesIndices { return RX.kthvalue(this, k, ...args); }
  mode(...args: (number | boolean | RX.DimKeepdim)[]): RX.ValuesIndices { return RX.mode(this, ...args); }
  sort(...args: (number | boolean | RX.SortOptions)[]): RX.ValuesIndices { return RX.sort(this, ...args); }
  argsort(...args: (number | boolean | RX.SortOptions)[]): Tensor { return RX.argsort(this, ...args); }
  topk(k: number, ...args: (number | boolean | RX.TopkOptions)[]): RX.ValuesIndices { return RX.topk(this, k, ...args); }
  unique(...args: (boolean | RX.UniqueOptions)[]): Tensor | Tensor[] { return RX.unique(this, ...args); }
  cumsum(...args: (number | RX.CumOptions)[]): Tensor { return RX.cumsum(this, ...args); }
  cumprod(...args: (number | RX.CumOptions)[]): Tensor { return RX.cumprod(this, ...args); }
  cummax(...args: (number | { dim?: number })[]): RX.ValuesIndices { return RX.cummax(this, ...args); }
  cummin(...args: (number | { dim?: number })[]): RX.ValuesIndices { return RX.cummin(this, ...args); }
  prod(...args: (number | boolean | RX.ProdOptions)[]): Tensor { return RX.prod(this, ...args); }
  var(...args: (R.DimArg | boolean | RX.VarOptions)[]): Tensor { return RX.var_(this, ...args); }
  std(...args: (R.DimArg | boolean | RX.VarOptions)[]): Tensor { return RX.std(this, ...args); }
  logsumexp(...args: (R.DimArg | boolean | { dim?: R.DimArg; keepdim?: boolean })[]): Tensor { return RX.logsumexp(this, ...args); }
  norm(...args: (RX.NormP | R.DimArg | boolean | RX.NormOptions)[]): Tensor { return RX.norm(this, ...args); }
  countNonzero(...args: (R.DimArg | { dim?: R.DimArg })[]): Tensor { return RX.countNonzero(this, ...args); }
  aminmax(opts?: { dim?: number | null; keepdim?: boolean }): RX.MinMax { return RX.aminmax(this, opts); }
  // ---- [reduce-ext] end ----
  // ---- [shape-ext] begin ----
  /** @internal an output view of a multi-output view op (unbind, split, chunk): in-place on it is refused */
  _multiOutputView = false;
  split(splitSizeOrSections: number | readonly number[], dim?: number | { dim?: number }): Tensor[] { return J.split(this, splitSizeOrSections, dim); }
  chunk(chunks: number, dim?: number | { dim?: number }): Tensor[] { return J.chunk(this, chunks, dim); }
  unbind(dim?: number | { dim?: number }): Tensor[] { return J.unbind(this, dim); }
  gather(dim: number, index: Tensor): Tensor { return G.gather(this, dim, index); }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return G.scatter(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return G.scatterAdd(this, dim, index, src); }
  scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: G.ScatterReduce, opts?: { includeSelf?: boolean }): Tensor { return G.scatterReduce(this, dim, index, src, reduce, opts); }
  indexSelect(dim: number, index: Tensor): Tensor { return G.indexSelect(this, dim, index); }
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor { return G.indexAdd(this, dim, index, source, opts); }
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor { return G.indexCopy(this, dim, index, source); }
  indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor { return G.indexFill(this, dim, index, value); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return G.maskedFill(this, mask, value); }
  maskedSelect(mask: Tensor): Tensor { return G.maskedSelect(this, mask); }
  maskedScatter(mask: Tensor, source: Tensor): Tensor { return G.maskedScatter(this, mask, source); }
  take(index: Tensor): Tensor { return G.take(this, index); }
  nonzero(opts?: { asTuple?: boolean }): Tensor | Tensor[] { return G.nonzero(this, opts); }
  repeat(...sizes: SizeArgs): Tensor { return S.repeat(this, ...sizes); }
  tile(...dims: SizeArgs): Tensor { return S.tile(this, ...dims); }
  repeatInterleave(repeats: number | Tensor, dim?: number | null | { dim?: number | null }): Tensor { return S.repeatInterleave(this, repeats, dim); }
  flip(...dims: SizeArgs): Tensor { return S.flip(this, ...dims); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return S.roll(this, shifts, dims); }
  rot90(k?: number, dims?: readonly number[]): Tensor { return S.rot90(this, k, dims); }
  tril(diagonal?: number): Tensor { return S.tril(this, diagonal); }
  triu(diagonal?: number): Tensor { return S.triu(this, diagonal); }
  diag(diagonal?: number): Tensor { return S.diag(this, diagonal); }
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor { return S.diagonal(this, offset, dim1, dim2); }
  diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor { return S.diagEmbed(this, offset, dim1, dim2); }
  trace(): Tensor { return S.trace(this); }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor { return S.movedim(this, source, destination); }
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor { return S.movedim(this, source, destination); }
  swapaxes(axis0: number, axis1: number): Tensor { return S.swapaxes(this, axis0, axis1); }
  swapdims(dim0: number, dim1: number): Tensor { return S.swapaxes(this, dim0, dim1); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return S.unflatten(this, dim, sizes); }
  broadcastTo(...shape: SizeArgs): Tensor { return S.broadcastTo(this, ...shape); }
  // ---- [shape-ext] end ----
  // ---- [index-ext] begin ----
  /** Python's `x[items] = values` (`+=` with accumulate), in place: `items` as for `index`. */
  indexPut_(items: readonly X.IndexItem[], values: Tensor | number | boolean, accumulate?: X.AccumulateArg): this { return X.indexPut_(this, items, values, accumulate); }
  /** Out-of-place `indexPut_` (PyTorch's `index_put`). */
  indexPut(items: readonly X.IndexItem[], values: Tensor | number | boolean, accumulate?: X.AccumulateArg): Tensor { return X.indexPut(this, items, values, accumulate); }
  // ---- [index-ext] end ----
  // ---- [linalg-ext] begin ----
  addmm(mat1: Tensor, mat2: Tensor, opts?: L.AddProductOptions): Tensor { return L.addmm(this, mat1, mat2, opts); }
  baddbmm(batch1: Tensor, batch2: Tensor, opts?: L.AddProductOptions): Tensor { return L.baddbmm(this, batch1, batch2, opts); }
  addmv(mat: Tensor, vec: Tensor, opts?: L.AddProductOptions): Tensor { return L.addmv(this, mat, vec, opts); }
  outer(vec2: Tensor): Tensor { return L.outer(this, vec2); }
  ger(vec2: Tensor): Tensor { return L.ger(this, vec2); }
  inner(other: Tensor): Tensor { return L.inner(this, other); }
  kron(other: Tensor): Tensor { return L.kron(this, other); }
  cross(other: Tensor, dim?: number | null | { dim?: number | null }): Tensor { return L.cross(this, other, dim); }
  /** @example torch.tensor([[1, 2], [3, 4]]).det() // tensor(-2.) */
  det(): Tensor { return LS.det(this); }
  /** @example const { sign, logabsdet } = torch.eye(2).slogdet() */
  slogdet(): LS.SignLogAbsDet { return LS.slogdet(this); }
  /** @example torch.tensor([[2, 0], [0, 4]]).inverse() */
  inverse(): Tensor { return LS.inv(this); }
  // ---- [linalg-ext] end ----
  // ---- [random-ext] begin ----
  /** @example torch.empty(3).normal_(0, 2) */
  normal_(...args: RND.RandomArgs<"normal_">): this { return RND.normal_(this, ...args); }
  /** @example torch.empty(3).uniform_(-1, 1) */
  uniform_(...args: RND.RandomArgs<"uniform_">): this { return RND.uniform_(this, ...args); }
  /** @example torch.zeros(4).random_(0, 10) */
  random_(...args: RND.RandomArgs<"random_">): this { return RND.random_(this, ...args); }
  /** @example torch.empty(4).bernoulli_(0.3) */
  bernoulli_(...args: RND.RandomArgs<"bernoulli_">): this { return RND.bernoulli_(this, ...args); }
  /** @example torch.full([4], 0.5).bernoulli() */
  bernoulli(...args: RND.RandomArgs<"bernoulli">): Tensor { return RND.bernoulli(this, ...args); }
  /** @example torch.tensor([0.2, 0.8]).multinomial(3, true) */
  multinomial(...args: RND.RandomArgs<"multinomial">): Tensor { return RND.multinomial(this, ...args); }
  // ---- [random-ext] end ----
  // ---- [nn-ext] begin ----
  /** @example torch.tensor([1, 2]).softmax(0) */
  softmax(...args: (number | null | DType | SM.SoftmaxOptions)[]): Tensor { return SM.softmax(this, ...args); }
  /** @example torch.tensor([1, 2]).logSoftmax(0) */
  logSoftmax(...args: (number | null | DType | SM.SoftmaxOptions)[]): Tensor { return SM.logSoftmax(this, ...args); }
  // ---- [nn-ext] end ----
  // ---- [conv-ext] begin ----
  // ---- [conv-ext] end ----
  // ---- [vmap] begin ----
  /** @internal inside vmap: the physical value and level of a batched tensor (Note [batched tensors] in func/batched.ts); declared only, so other tensors keep their shape */
  declare _batched?: Batched;
  // ---- [vmap] end ----
}

