// Random numbers: PyTorch's CPU generator (mt19937), its state bytes, and the draws its distributions make from it.
import { RuntimeError } from "./errors.ts";
import { boxMuller16Avx, fma64 } from "./random-simd.ts";

const N = 624;
const M = 397;

/** The 32-bit Mersenne Twister, as PyTorch's CPU generator uses it. */
class MT19937 {
  readonly state = new Uint32Array(N);
  /** next state word to temper; N means the state must be regenerated first */
  index = N;

  constructor(seed: number) {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  next(): number {
    const s = this.state;
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
        s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = s[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** PyTorch's default seed for the CPU generator (67280421310721), truncated to 32 bits as mt19937 takes it. */
const DEFAULT_SEED = 67280421310721;

/** Bytes of PyTorch's CPU generator state (CPUGeneratorImplState: the legacy POD plus the float normal cache). */
export const RNG_STATE_BYTES = 5056;

/**
 * A random number generator with PyTorch's CPU stream: `torch.Generator`.
 * @example const g = new torch.Generator().manualSeed(0); torch.rand(3, { generator: g })
 */
export class Generator {
  #seed = DEFAULT_SEED;
  #engine = new MT19937(DEFAULT_SEED % 2 ** 32);
  /** the second Box-Muller value, kept for the next scalar normal draw (float64 only, as PyTorch) */
  _nextNormal: number | null = null;

  /** Reseeds (any integer 0 <= seed < 2^53; mt19937 takes its low 32 bits); returns this generator. */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new TypeError("manualSeed expected an integer seed");
    this.#seed = seed;
    this.#engine = new MT19937(Number(BigInt.asUintN(32, BigInt(seed))));
    this._nextNormal = null;
    return this;
  }

  /** Reseeds from a non-deterministic source and returns the new seed (below 2^53 here). */
  seed(): number {
    const w = new Uint32Array(2);
    // reached through globalThis so the browser build needs no DOM or Node typings (Web Crypto exists in both)
    (globalThis as unknown as { crypto: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto.getRandomValues(w);
    this.manualSeed((w[0] & 0x1fffff) * 2 ** 32 + w[1]);
    return this.#seed;
  }

  initialSeed(): number {
    return this.#seed;
  }

  /** One 32-bit draw. */
  random(): number {
    return this.#engine.next();
  }

  /** The low 53 bits of a 64-bit draw made of two 32-bit draws (first one high). */
  random53(): number {
    const hi = this.#engine.next();
    const lo = this.#engine.next();
    return (hi & 0x1fffff) * 2 ** 32 + lo;
  }

  /** A full 64-bit draw (first 32-bit draw high) modulo `m` (1 <= m <= 2^63), computed exactly. */
  random64Mod(m: number | bigint): number {
    const hi = this.#engine.next();
    const lo = this.#engine.next();
    if (typeof m === "number" && m <= 2 ** 21) return ((hi % m) * 2 ** 32 + lo) % m;
    return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(m));
  }

  /** Uniform in [0, 1) with 24 random bits (float32) or 53 (float64). */
  uniform(double: boolean): number {
    return double ? this.random53() / 2 ** 53 : (this.random() & 0xffffff) / 2 ** 24;
  }

  /**
   * The state in PyTorch's byte layout (`torch.get_rng_state()`'s 5056 bytes, little-endian), so
   * states round-trip with PyTorch. A Uint8Array: there is no uint8 dtype here.
   */
  getState(): Uint8Array {
    const bytes = new Uint8Array(RNG_STATE_BYTES);
    const v = new DataView(bytes.buffer);
    const e = this.#engine;
    v.setBigUint64(0, BigInt(this.#seed), true);
    // mt19937 data: `left` draws until regeneration (1 = regenerate on the next draw), `next` index
    v.setInt32(8, e.index >= N ? 1 : N - e.index + 1, true);
    v.setInt32(12, 1, true);
    v.setBigUint64(16, BigInt(e.index >= N ? 0 : e.index), true);
    for (let i = 0; i < N; i++) v.setBigUint64(24 + 8 * i, BigInt(e.state[i]), true);
    const after = 24 + 8 * N; // normal_x, normal_y, normal_rho, normal_is_valid
    if (this._nextNormal !== null) {
      v.setFloat64(after + 8, this._nextNormal, true);
      v.setInt32(after + 24, 1, true);
    }
    return bytes;
  }

  /** Restores a state from `getState()` or PyTorch's `torch.get_rng_state()` bytes; returns this. */
  setState(bytes: Uint8Array | readonly number[]): this {
    const arr = Uint8Array.from(bytes);
    if (arr.length !== RNG_STATE_BYTES) throw new RuntimeError(`Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of size 5056 but found the input RNG state size to be ${arr.length}`);
    const v = new DataView(arr.buffer);
    const seed = v.getBigUint64(0, true);
    const e = new MT19937(0);
    for (let i = 0; i < N; i++) e.state[i] = Number(v.getBigUint64(24 + 8 * i, true));
    const left = v.getInt32(8, true);
    e.index = left === 1 ? N : Number(v.getBigUint64(16, true));
    this.#seed = Number(seed);
    this.#engine = e;
    const after = 24 + 8 * N;
    this._nextNormal = v.getInt32(after + 24, true) !== 0 ? v.getFloat64(after + 8, true) : null;
    return this;
  }
}

/**
 * Integers in [low, high) as PyTorch's random_from_to: a 32-bit draw modulo the range, or a full
 * 64-bit draw modulo the range when the range is 2^32 or more.
 */
export function fillRandomFromTo(out: { length: number; [i: number]: number }, gen: Generator, low: number, high: number): void {
  const range = high - low;
  const wide = range >= 2 ** 32;
  for (let i = 0; i < out.length; i++) out[i] = low + (wide ? gen.random64Mod(range) : gen.random() % range);
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator.
 * @example torch.manualSeed(0); torch.rand(2)
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * Fills `out` (contiguous) with normal values as PyTorch's CPU normal kernel does: from 16 elements on,
 * 16-wide Box-Muller over pre-drawn uniforms (`normal_fill`; float32 through the AVX2 kernel), else
 * one scalar draw per element.
 */
export function fillNormal(out: Float32Array | Float64Array, gen: Generator, mean = 0, std = 1): void {
  const n = out.length;
  if (n >= 16) {
    const double = out instanceof Float64Array;
    const block = double ? (at: number) => boxMuller16(out, at, mean, std) : (at: number) => boxMuller16Avx(out as Float32Array, at, mean, std);
    for (let i = 0; i < n; i++) out[i] = gen.uniform(double);
    for (let i = 0; i + 16 <= n; i += 16) block(i);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = gen.uniform(double);
      block(start);
    }
    return;
  }
  fillNormalSerial(out, gen, mean, std);
}

/** The element-by-element normal kernel (small or non-contiguous outputs): double draws, fused `* std + mean`, then cast. */
export function fillNormalSerial(out: Float32Array | Float64Array, gen: Generator, mean = 0, std = 1): void {
  for (let i = 0; i < out.length; i++) out[i] = fma64(scalarNormal(gen), std, mean);
}

/** normal_fill_16<double> (GCC fuses `* std + mean`): glibc's log/cos/sin there, V8's here (they differ in rare last bits). */
function boxMuller16(d: Float32Array | Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j];
    const u2 = d[at + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    d[at + j] = fma64(radius * Math.cos(theta), std, mean);
    d[at + j + 8] = fma64(radius * Math.sin(theta), std, mean);
  }
}

/** One standard normal draw in double precision, caching the Box-Muller pair as PyTorch does. */
function scalarNormal(gen: Generator): number {
  if (gen._nextNormal !== null) {
    const v = gen._nextNormal;
    gen._nextNormal = null;
    return v;
  }
  const u1 = gen.uniform(true);
  const u2 = gen.uniform(true);
  const r = Math.sqrt(-2 * Math.log1p(-u2));
  const theta = 2 * Math.PI * u1;
  gen._nextNormal = r * Math.sin(theta);
  return r * Math.cos(theta);
}
