// Special functions the ref backend needs beyond Math: erf, erfc, round-half-to-even, softplus, sigmoid.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erf by its positive-term series 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)): no cancellation, for |x| < 3. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 2 by its continued fraction e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up. */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = 120; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function, to about 1e-15 relative. */
export function erf(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x) < 2) return erfSeries(x);
  const c = erfcFraction(Math.abs(x));
  return x > 0 ? 1 - c : c - 1;
}

/** The complementary error function 1 - erf(x), accurate in its tail. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x >= 2) return erfcFraction(x);
  if (x <= -2) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}

/** Rounds half to even, as C's nearbyint in the default rounding mode (PyTorch's round). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds halves up: move exact ties that landed on an odd number back down
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + e^-x) without overflow. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
