// fma32 (random-simd.ts: float32 fused multiply-add, as PyTorch's AVX2 Box-Muller computes it) against an exact rational reference.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fma32 } from "../src/random-simd.ts";

/** A float as an exact fraction m / 2^k (BigInt), for finite x. */
function exact(x: number): [bigint, bigint] {
  let m = x, k = 0n;
  while (!Number.isInteger(m)) { m *= 2; k++; }
  return [BigInt(m), k];
}

/** a*b + c rounded once to float32 (round half to even), by exact BigInt arithmetic. */
function reference(a: number, b: number, c: number): number {
  const [ma, ka] = exact(a), [mb, kb] = exact(b), [mc, kc] = exact(c);
  const k = ka + kb > kc ? ka + kb : kc;
  const num = ma * mb * 2n ** (k - ka - kb) + mc * 2n ** (k - kc);
  if (num === 0n) return Math.fround(a * b + c); // the sign of an exact zero as the hardware gives it
  const neg = num < 0n, mag = neg ? -num : num;
  // scale to a 24-bit significand: mag / 2^k = q * 2^e with 2^23 <= q < 2^24 (normal range here)
  let e = BigInt(mag.toString(2).length) - 24n - k;
  let q = e >= -k ? mag >> (e + k) : mag << -(e + k);
  const rem = e >= -k ? mag - (q << (e + k)) : 0n, half = e + k > 0n ? 1n << (e + k - 1n) : 0n;
  if (rem > half || (rem === half && half !== 0n && (q & 1n) === 1n)) q += 1n;
  if (q === 1n << 24n) { q >>= 1n; e += 1n; }
  const v = Number(q) * 2 ** Number(e);
  return neg ? -v : v;
}

test("fma32 rounds a*b + c once to float32, as a fused multiply-add does", () => {
  let seed = 3;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const value = (): number => Math.fround((rand() - 0.5) * 2 ** Math.floor(rand() * 30 - 15));
  const cases: [number, number, number][] = [[1, 1, 2 ** -24], [1 + 2 ** -23, 1 - 2 ** -23, -1], [3, 1 / 3, -1], [0.1, 10, -1], [-2, 2, 4]]
    .map(([a, b, c]) => [Math.fround(a), Math.fround(b), Math.fround(c)]);
  // just below a float32 tie whose even neighbour is the upper one: rounding twice (to double, then to
  // float32) lands on the tie and goes up; rounding once goes down
  for (const scale of [1, 2 ** 10, 2 ** -10, -1]) cases.push([1 + 2 ** -23, scale * 2 ** -24 * (1 - 2 ** -23), scale * (1 + 2 ** -23)]);
  // a double sum whose low 32 significand bits are zero, just above the exact value: the odd-rounding
  // step borrows from the high word
  for (const c of [1, -1, 4, 2 ** -3, 3]) cases.push([2 ** -35, -Math.sign(c) * 2 ** -35, c]);
  for (let i = 0; i < 20000; i++) cases.push([value(), value(), value()]);
  // products that nearly cancel the addend: the double sum is inexact and its low bits are all zero
  for (let i = 0; i < 5000; i++) { const a = value(), b = value(); cases.push([a, b, Math.fround(-a * b * (1 + (rand() - 0.5) * 2 ** -20))]); }
  for (const [a, b, c] of cases) assert.ok(Object.is(fma32(a, b, c), reference(a, b, c)), `fma32(${a}, ${b}, ${c}) = ${fma32(a, b, c)}, exact ${reference(a, b, c)}`);
});
