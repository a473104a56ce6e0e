// Scalar functions of the ref backend: the math of every elementwise kernel, one JS number at a time.
import type { BinaryCode, UnaryCode } from "../types.ts";

export const UNARY_FNS: Record<UnaryCode, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : x === 0 || x < 0 ? 0 : x),
  logicalNot: (x) => (x === 0 ? 1 : 0),
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
