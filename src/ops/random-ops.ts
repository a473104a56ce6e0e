// Random ops beyond rand/randn/randint: randperm, bernoulli, multinomial, in-place samplers, normal, *Like, seeding.
import { isFloating, type DType, type StorageArray } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { broadcastShapes, parseSize, type Shape } from "../shape.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { Tensor } from "../tensor.ts";
import { defaultGenerator, fillNormal, fillNormalSerial, fillRandomFromTo, type Generator } from "../random.ts";
import { binary } from "./binary.ts";
import { finishRandom, rand, randn, randint, type FactoryOptions, type RandomOptions } from "./creation.ts";
import { contiguousData, dtypeOption, emptyTensor, isOptions, isTensor } from "./core.ts";
import { applyInplace } from "./inplace.ts";
import { fma32, fma64 } from "../random-simd.ts";
// ---- [vmap] begin ----
import * as VM from "../func/batch-rules/index.ts";
// ---- [vmap] end ----

/** Options of ops that only take a generator. */
export interface GeneratorOptions {
  generator?: Generator;
}

// ---- [vmap] begin ----
const genOf = (o: GeneratorOptions | undefined): Generator => (VM.checkRandomness(), o?.generator ?? defaultGenerator);
// ---- [vmap] end ----

/** PyTorch's scalar-type name in "not implemented for" messages. */
function typeName(d: DType): string {
  return { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" }[d];
}

function requireFloating(t: Tensor, kernel: string): void {
  if (!isFloating(t.dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${typeName(t.dtype)}'`);
}

/** Splits trailing options off positional arguments with defaults. */
function positional<O extends object>(args: readonly unknown[]): [unknown[], O] {
  const last = args[args.length - 1];
  return isOptions(last) ? [args.slice(0, -1), last as O] : [[...args], {} as O];
}

/**
 * Fills `self` in place with values a kernel writes into a fresh buffer. `contiguous` tells the
 * kernel whether PyTorch would see a contiguous output (its vectorised paths need one); otherwise
 * PyTorch's TensorIterator visits the elements in memory order, so the k-th draw goes to the
 * element with the k-th smallest storage offset.
 */
function sampleInto<T extends Tensor>(self: T, kernel: (data: StorageArray, contiguous: boolean) => void): T {
  return applyInplace(self, [], () => {
    const r = emptyTensor(self.shape, self.dtype);
    const contiguous = self.isContiguous();
    if (contiguous) {
      kernel(r._storage.data, true);
      return r;
    }
    const draws = emptyTensor([r.numel()], self.dtype)._storage.data;
    kernel(draws, false);
    memoryOrder(self).forEach((logical, k) => { r._storage.data[logical] = draws[k]; });
    return r;
  });
}

/** Row-major element indices of `t`, sorted by storage offset (ties keep row-major order). */
function memoryOrder(t: Tensor): number[] {
  const offsets: number[] = [];
  const walk = (dim: number, off: number): void => {
    if (dim === t.dim()) { offsets.push(off); return; }
    for (let i = 0; i < t.shape[dim]; i++) walk(dim + 1, off + i * t._strides[dim]);
  };
  walk(0, 0);
  return offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b] || a - b);
}

/**
 * A random permutation of 0..n-1 (int64 by default), as PyTorch's CPU randperm: a Fisher-Yates
 * swap pass with 32-bit draws for n < 2^32 / 20, the "inside-out" variant with 64-bit draws above.
 * @example torch.manualSeed(0); torch.randperm(5)
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n)) throw new TypeError(`randperm(): argument 'n' must be int, not ${typeof n}`);
  if (n < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  const dtype = dtypeOption(options.dtype, "int64");
  if (dtype === "bool") throw new RuntimeError(`"randperm" not implemented for 'Bool'`);
  if (dtype === "float32" && n > 2 ** 24 + 1) throw new RuntimeError("n cannot be greater than 2^24+1 for Float type.");
  const t = emptyTensor([n], dtype);
  const d = t._storage.data;
  const g = genOf(options);
  if (n < Math.floor(0xffffffff / 20)) {
    for (let i = 0; i < n; i++) d[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = g.random() % (n - i);
      const sav = d[i];
      d[i] = d[z + i];
      d[z + i] = sav;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const z = g.random64Mod(i + 1);
      d[i] = d[z];
      d[z] = i;
    }
  }
  return finishRandom(t, options);
}

/** Draws 0/1 with probability `p[i]` per element: a float uniform for float probabilities, a double one for double. */
function bernoulliTensorKernel(out: StorageArray, probs: Tensor, g: Generator): void {
  const p = contiguousData(probs);
  const double = probs.dtype === "float64";
  for (let i = 0; i < out.length; i++) {
    const pi = p[i];
    if (!(pi >= 0 && pi <= 1)) throw new RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
    out[i] = g.uniform(double) < pi ? 1 : 0;
  }
}

function bernoulliScalarKernel(out: StorageArray, p: number, g: Generator): void {
  if (!(p >= 0 && p <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  for (let i = 0; i < out.length; i++) out[i] = g.uniform(true) < p ? 1 : 0;
}

/** The probabilities of `p`, broadcast to `shape`, contiguous. */
function probsFor(p: Tensor, shape: Shape): Tensor {
  requireFloating(p, "bernoulli_tensor_cpu_p_");
  return noGrad(() => p.expand(...shape).contiguous());
}

/**
 * 0/1 samples: `bernoulli(input)` draws each element with probability `input[i]`; `bernoulli(input, p)`
 * uses the scalar probability p for every element. Output has input's dtype.
 * @example torch.bernoulli(torch.full([4], 0.5))
 */
export function bernoulli(input: Tensor, ...args: (number | GeneratorOptions)[]): Tensor {
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomPerElement(input, (t) => bernoulli(t, ...args));
  // ---- [vmap] end ----
  const [pos, o] = positional<GeneratorOptions>(args);
  const out = emptyTensor(input.shape, input.dtype);
  if (typeof pos[0] === "number") bernoulliScalarKernel(out._storage.data, pos[0], genOf(o));
  else bernoulliTensorKernel(out._storage.data, probsFor(input, input.shape), genOf(o));
  return out;
}

/** In-place bernoulli: `x.bernoulli_(p = 0.5)` with p a number or a tensor of probabilities broadcastable to x. */
export function bernoulli_<T extends Tensor>(self: T, ...args: (number | Tensor | GeneratorOptions)[]): T {
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomInplace(self, (t) => bernoulli_(t, ...args));
  // ---- [vmap] end ----
  const [pos, o] = positional<GeneratorOptions & { p?: number | Tensor }>(args);
  const p = (pos[0] ?? o.p ?? 0.5) as number | Tensor;
  const g = genOf(o);
  if (isTensor(p)) {
    const probs = probsFor(p, self.shape);
    return sampleInto(self, (d) => bernoulliTensorKernel(d, probs, g));
  }
  return sampleInto(self, (d) => bernoulliScalarKernel(d, p, g));
}

/** Options of `multinomial`. */
export interface MultinomialOptions extends GeneratorOptions {
  numSamples?: number;
  replacement?: boolean;
}

/**
 * Category indices drawn from the rows of `probs` (1-D or 2-D, non-negative, not necessarily
 * normalised): int64, shape [numSamples] or [rows, numSamples].
 * @example torch.manualSeed(0); torch.multinomial(torch.tensor([0.2, 0.8]), 4, true)
 */
export function multinomial(probs: Tensor, ...args: (number | boolean | MultinomialOptions)[]): Tensor {
  const [pos, o] = positional<MultinomialOptions>(args);
  const numSamples = (pos[0] ?? o.numSamples) as number;
  const replacement = (pos[1] ?? o.replacement ?? false) as boolean;
  const g = genOf(o);
  if (probs.dim() < 1 || probs.dim() > 2) throw new RuntimeError("prob_dist must be 1 or 2 dim");
  if (!isFloating(probs.dtype)) throw new RuntimeError(`multinomial only supports floating-point dtypes for input, got: ${typeName(probs.dtype)}`);
  if (!(numSamples > 0)) throw new RuntimeError("cannot sample n_sample <= 0 samples");
  const cats = probs.shape[probs.dim() - 1];
  if (!replacement && numSamples > cats) throw new RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  const rows = probs.dim() === 1 ? 1 : probs.shape[0];
  const p = contiguousData(probs);
  const out = emptyTensor(probs.dim() === 1 ? [numSamples] : [rows, numSamples], "int64");
  const res = out._storage.data;
  const round = probs.dtype === "float32" ? Math.fround : (v: number) => v;
  if (!replacement) {
    gumbelTopK(p, rows, cats, numSamples, res, round, g);
    return out;
  }
  const cum = new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      const v = p[r * cats + j];
      if (!(v >= 0)) throw new RuntimeError("invalid multinomial distribution (encountering probability entry < 0)");
      if (!Number.isFinite(v)) throw new RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum = round(sum + v);
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
    for (let j = 0; j < cats; j++) cum[j] = round(cum[j] / sum);
    cum[cats - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const u = g.uniform(true);
      let lo = 0;
      let hi = cats;
      while (hi - lo > 0) {
        const mid = lo + ((hi - lo) >> 1);
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      res[r * numSamples + s] = lo;
    }
  }
  return out;
}

/**
 * PyTorch's sampling without replacement (and of one sample): q ~ Exp(1) per entry (drawn for the
 * whole tensor first), then the numSamples largest p / q per row.
 */
function gumbelTopK(p: StorageArray, rows: number, cats: number, k: number, res: StorageArray, round: (v: number) => number, g: Generator): void {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] < Infinity)) throw new RuntimeError("probability tensor contains either `inf`, `nan` or element < 0");
  }
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cats; j++) s += p[r * cats + j];
    if (s === 0) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
  }
  const q = new Float64Array(p.length);
  for (let i = 0; i < q.length; i++) q[i] = round(-Math.log(1 - g.uniform(true)));
  for (let i = 0; i < q.length; i++) q[i] = round(p[i] / q[i]);
  for (let r = 0; r < rows; r++) {
    const idx = Array.from({ length: cats }, (_, j) => j);
    idx.sort((a, b) => q[r * cats + b] - q[r * cats + a] || a - b);
    for (let s = 0; s < k; s++) res[r * k + s] = idx[s];
  }
}

/**
 * Fills `self` in place with normal samples (PyTorch's CPU kernel: Box-Muller, 16-wide for
 * contiguous outputs of 16 or more elements).
 * @example torch.empty(3).normal_(0, 2)
 */
export function normal_<T extends Tensor>(self: T, ...args: (number | GeneratorOptions & { mean?: number; std?: number })[]): T {
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomInplace(self, (t) => normal_(t, ...args));
  // ---- [vmap] end ----
  const [pos, o] = positional<GeneratorOptions & { mean?: number; std?: number }>(args);
  const mean = (pos[0] ?? o.mean ?? 0) as number;
  const std = (pos[1] ?? o.std ?? 1) as number;
  requireFloating(self, "normal_kernel_cpu");
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const g = genOf(o);
  return sampleInto(self, (d, contiguous) => {
    const f = d as Float32Array | Float64Array;
    if (contiguous) fillNormal(f, g, mean, std);
    else fillNormalSerial(f, g, mean, std);
  });
}

/**
 * Fills `self` in place with uniform samples in [from, to): fma(u, to - from, from) in self's precision (GCC fuses it).
 * @example torch.empty(3).uniform_(-1, 1)
 */
export function uniform_<T extends Tensor>(self: T, ...args: (number | GeneratorOptions & { from?: number; to?: number })[]): T {
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomInplace(self, (t) => uniform_(t, ...args));
  // ---- [vmap] end ----
  const [pos, o] = positional<GeneratorOptions & { from?: number; to?: number }>(args);
  const from = (pos[0] ?? o.from ?? 0) as number;
  const to = (pos[1] ?? o.to ?? 1) as number;
  requireFloating(self, "check_uniform_bounds");
  if (!(from <= to)) throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const g = genOf(o);
  const double = self.dtype === "float64";
  return sampleInto(self, (d) => {
    if (double) for (let i = 0; i < d.length; i++) d[i] = fma64(g.uniform(true), to - from, from);
    else {
      const lo = Math.fround(from);
      const width = Math.fround(Math.fround(to) - lo);
      for (let i = 0; i < d.length; i++) d[i] = fma32(g.uniform(false), width, lo);
    }
  });
}

/**
 * Fills `self` in place with integers: `random_(from, to)` in [from, to), `random_(to)` in [0, to),
 * `random_()` in [0, 2^mantissa] for floats and [0, max] for int32 (int64 without bounds is refused:
 * its values exceed the exactly stored range).
 * @example torch.zeros(4).random_(0, 10)
 */
export function random_<T extends Tensor>(self: T, ...args: (number | GeneratorOptions & { from?: number; to?: number })[]): T {
  // ---- [vmap] begin ----
  if (VM.inVmap()) return VM.randomInplace(self, (t) => random_(t, ...args));
  // ---- [vmap] end ----
  const [pos, o] = positional<GeneratorOptions & { from?: number; to?: number }>(args);
  const g = genOf(o);
  const nums = pos as number[];
  const to = nums.length === 1 ? nums[0] : (nums[1] ?? o.to);
  const from = nums.length === 1 ? 0 : (nums[0] ?? o.from ?? 0);
  if (to !== undefined) {
    if (from >= to) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
    return sampleInto(self, (d) => fillRandomFromTo(d as unknown as number[], g, from, to));
  }
  if (self.dtype === "int64") throw new RangeError("random_() on int64 draws up to 2^63 - 1, beyond the exactly stored int64 range; pass bounds: random_(from, to)");
  return sampleInto(self, (d) => {
    for (let i = 0; i < d.length; i++) {
      if (self.dtype === "float32") d[i] = g.random() % (2 ** 24 + 1);
      else if (self.dtype === "float64") d[i] = g.random64Mod(2n ** 53n + 1n);
      else if (self.dtype === "int32") d[i] = g.random() % 2 ** 31;
      else d[i] = g.random() & 1;
    }
  });
}

/** Options of `torch.normal`. */
export interface NormalOptions extends RandomOptions {
  size?: readonly number[];
}

/**
 * Normal samples: `normal(mean, std, size)` with numbers, or elementwise means/stds from tensors
 * (`normal(meanT, stdT)`, `normal(meanT, std)`, `normal(mean, stdT)`), as PyTorch: standard draws,
 * then `* std + mean` as separate tensor ops.
 * @example torch.manualSeed(0); torch.normal(0, 1, [2, 3])
 */
export function normal(mean: number | Tensor, std: number | Tensor, ...args: (readonly number[] | NormalOptions)[]): Tensor {
  const [pos, o] = positional<NormalOptions>(args);
  // ---- [vmap] begin ----
  if (VM.inVmap() && (isTensor(mean) || isTensor(std))) return VM.normalRule(mean, std, (p) => normal_(emptyTensor(p.shape, p.dtype), 0, 1, o.generator ? { generator: o.generator } : {}));
  // ---- [vmap] end ----
  const g = genOf(o);
  if (!isTensor(mean) && !isTensor(std)) {
    const size = (pos[0] ?? o.size) as readonly number[] | undefined;
    if (size === undefined) throw new TypeError("normal(mean, std, size): size is required when mean and std are numbers");
    const t = emptyTensor(parseSize([size]), dtypeOption(o.dtype, "float32"));
    normal_(t, mean, std, { generator: g });
    return finishRandom(t, o);
  }
  if (isTensor(std) && noGrad(() => std.lt(0).any().item())) throw new RuntimeError("normal expects all elements of std >= 0.0");
  if (!isTensor(std) && !(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const like = isTensor(mean) ? mean : (std as Tensor);
  const shape = broadcastShapes(isTensor(mean) ? mean.shape : [], isTensor(std) ? std.shape : []);
  return noGrad(() => {
    const out = emptyTensor(shape, like.dtype);
    requireFloating(out, "normal_kernel_cpu");
    if (isTensor(std)) {
      normal_(out, 0, 1, { generator: g });
      return binary("add", binary("mul", out, std), mean);
    }
    normal_(out, 0, std, { generator: g });
    return binary("add", out, mean);
  });
}

const likeOpts = <O extends FactoryOptions>(x: Tensor, o: O): O => ({ ...o, dtype: o.dtype ?? x.dtype });

/** `rand` with x's shape (and dtype unless given). @example torch.randLike(torch.zeros(2, 2)) */
export const randLike = (x: Tensor, o: RandomOptions = {}): Tensor => rand([...x.shape], likeOpts(x, o));

/** `randn` with x's shape (and dtype unless given). @example torch.randnLike(torch.zeros(2, 2)) */
export const randnLike = (x: Tensor, o: RandomOptions = {}): Tensor => randn([...x.shape], likeOpts(x, o));

/**
 * `randint` with x's shape and dtype: `randintLike(x, high)` or `randintLike(x, low, high)`.
 * @example torch.randintLike(torch.zeros(3), 10)
 */
export function randintLike(x: Tensor, ...args: (number | RandomOptions)[]): Tensor {
  const [pos, o] = positional<RandomOptions>(args);
  const bounds = pos as number[];
  return bounds.length === 2 ? randint(bounds[0], bounds[1], [...x.shape], likeOpts(x, o)) : randint(bounds[0], [...x.shape], likeOpts(x, o));
}

/**
 * Reseeds the default generator non-deterministically; returns the seed.
 * @example const s = torch.seed(); torch.initialSeed() === s
 */
export const seed = (): number => defaultGenerator.seed();

/** The default generator's seed. @example torch.manualSeed(3); torch.initialSeed() // 3 */
export const initialSeed = (): number => defaultGenerator.initialSeed();

/**
 * The default generator's state as PyTorch's 5056 state bytes (a Uint8Array: no uint8 dtype here).
 * @example const s = torch.getRngState(); torch.rand(2); torch.setRngState(s); torch.rand(2)
 */
export const getRngState = (): Uint8Array => defaultGenerator.getState();

/** Restores the default generator from `getRngState()` bytes (or PyTorch's `get_rng_state().tolist()`). */
export const setRngState = (state: Uint8Array | readonly number[]): void => {
  defaultGenerator.setState(state);
};

/** The Tensor methods of this family (delegated to from tensor.ts). */
export interface RandomMethods {
  normal_: typeof normal_;
  uniform_: typeof uniform_;
  random_: typeof random_;
  bernoulli_: typeof bernoulli_;
  bernoulli: typeof bernoulli;
  multinomial: typeof multinomial;
}

/** A method's arguments after `self`. */
export type RandomArgs<K extends keyof RandomMethods> = Parameters<RandomMethods[K]> extends [Tensor, ...infer A] ? A : never;

