// Random numbers: PyTorch's CPU generator (mt19937) and the draws its distributions make from it.

const N = 624;
const M = 397;

/** The 32-bit Mersenne Twister, as PyTorch's CPU generator uses it. */
class MT19937 {
  readonly #state = new Uint32Array(N);
  #index = N;

  constructor(seed: number) {
    const s = this.#state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  next(): number {
    const s = this.#state;
    if (this.#index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
        s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = s[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** PyTorch's default seed for the CPU generator (67280421310721), truncated to 32 bits as mt19937 takes it. */
const DEFAULT_SEED = 67280421310721;

/**
 * A random number generator with PyTorch's CPU stream: `torch.Generator`.
 * @example const g = new torch.Generator().manualSeed(0); torch.rand(3, { generator: g })
 */
export class Generator {
  #seed = DEFAULT_SEED;
  #engine = new MT19937(DEFAULT_SEED % 2 ** 32);
  /** the second Box-Muller value, kept for the next scalar normal draw (float64 only, as PyTorch) */
  _nextNormal: number | null = null;

  /** Reseeds; returns this generator. */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new TypeError("manualSeed expected an integer seed");
    this.#seed = seed;
    this.#engine = new MT19937(Number(BigInt.asUintN(32, BigInt(seed))));
    this._nextNormal = null;
    return this;
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

  /** Uniform in [0, 1) with 24 random bits (float32) or 53 (float64). */
  uniform(double: boolean): number {
    return double ? this.random53() / 2 ** 53 : (this.random() & 0xffffff) / 2 ** 24;
  }
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

/** Fills `out` with standard normal values, following PyTorch's CPU normal kernel. */
export function fillNormal(out: Float32Array | Float64Array, gen: Generator, mean = 0, std = 1): void {
  const n = out.length;
  if (n >= 16) {
    const double = out instanceof Float64Array;
    for (let i = 0; i < n; i++) out[i] = gen.uniform(double);
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, mean, std);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = gen.uniform(double);
      boxMuller16(out, start, mean, std);
    }
    return;
  }
  for (let i = 0; i < n; i++) out[i] = scalarNormal(gen) * std + mean;
}

function boxMuller16(d: Float32Array | Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j];
    const u2 = d[at + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    d[at + j] = radius * Math.cos(theta) * std + mean;
    d[at + j + 8] = radius * Math.sin(theta) * std + mean;
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
