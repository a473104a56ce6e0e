// Scalar functions of the ref backend: the math of every elementwise kernel, one JS number at a time.
import type { BinaryCode, UnaryCode } from "../types.ts";
import { erf, erfc, roundHalfEven, sigmoid, softplus } from "./special.ts";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654;

/** One unary kernel: `p` holds the op's numeric parameters (named in the comment beside each). */
export const UNARY_FNS: Record<UnaryCode, (x: number, p: readonly number[]) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
  logicalNot: (x) => (x === 0 ? 1 : 0),
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  // [lo, hi]: x clamped to [lo, hi] first when lo >= 0 (lo = eps, hi = 1 - eps in the input's precision)
  logit: (x, [lo = -1, hi = 1]) => {
    const z = lo < 0 ? x : Math.min(Math.max(x, lo), hi);
    return Math.log(z / (1 - z));
  },
  erf,
  erfc,
  floor: Math.floor,
  ceil: Math.ceil,
  // [decimals]: round(x · 10^d) / 10^d, halves to even
  round: (x, [d = 0]) => (d === 0 ? roundHalfEven(x) : d > 0 ? roundHalfEven(x * 10 ** d) / 10 ** d : roundHalfEven(x / 10 ** -d) * 10 ** -d),
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
  // [nan, posinf, neginf]: the replacements
  nanToNum: (x, [nan = 0, posinf = Infinity, neginf = -Infinity]) => (x !== x ? nan : x === Infinity ? posinf : x === -Infinity ? neginf : x),
  isnan: (x) => (x !== x ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  // [min, max]: NaN passes through
  hardtanh: (x, [lo = -1, hi = 1]) => (x < lo ? lo : x > hi ? hi : x),
  // [negativeSlope]
  leakyRelu: (x, [s = 0.01]) => (x > 0 ? x : x * s),
  // [alpha, scale, inputScale]: scale · (x > 0 ? x : alpha (e^{x·inputScale} - 1))
  elu: (x, [alpha = 1, scale = 1, inputScale = 1]) => (x > 0 ? x * scale : x <= 0 ? scale * alpha * Math.expm1(x * inputScale) : x),
  // [tanh]: 1 for the tanh approximation, else x Φ(x) = x/2 · erfc(-x/√2)
  gelu: (x, [tanh = 0]) => (tanh ? 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))) : 0.5 * x * erfc(-x * SQRT_HALF)),
  silu: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  // [beta, threshold]: x where beta·x > threshold (linear regime), else log(1 + e^{beta·x}) / beta
  softplus: (x, [beta = 1, threshold = 20]) => (x * beta > threshold ? x : softplus(x * beta) / beta),
  hardsigmoid: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5),
  hardswish: (x) => (x <= -3 ? x * 0 : x >= 3 ? x : (x * (x + 3)) / 6),
  logSigmoid: (x) => -softplus(-x),
};

export const BINARY_FNS: Record<BinaryCode, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
  divTrunc: (a, b) => Math.trunc(a / b),
  divFloor,
  remainder: (a, b) => {
    const m = a % b;
    return m !== 0 && b < 0 !== m < 0 ? m + b : m;
  },
  fmod: (a, b) => a % b,
  // std::fmax / std::fmin: a NaN operand is ignored; ties keep `a` (so fmax(-0, 0) is -0, as PyTorch gives)
  fmax: (a, b) => (a !== a ? b : b !== b ? a : a < b ? b : a),
  fmin: (a, b) => (a !== a ? b : b !== b ? a : b < a ? b : a),
  atan2: Math.atan2,
  hypot: Math.hypot,
  copysign: (a, b) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a)),
  maskKeep: (m, v) => (m !== 0 ? v : -0),
  maskDrop: (m, v) => (m === 0 ? v : -0),
  thresholdBackward: (g, y) => (y <= 0 ? 0 : g),
};

/**
 * Python's floor division, as PyTorch's div_floor: from fmod, so integers stay exact;
 * b == 0 gives IEEE's a / b (integer zero divisors are refused before the kernel runs).
 */
function divFloor(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Object.is(a / b, -0) || a / b < 0 ? -0 : 0;
  let q = Math.floor(div);
  if (div - q > 0.5) q += 1;
  return q;
}
