// copyFloats (wasm/copy-floats.ts): the memcpy path for shared memory copies exactly what TypedArray.set copies, every way round.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFloats, setPlainCopies } from "../src/backend/wasm/copy-floats.ts";

const shared = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(4 * n));
const plain = (n: number): Float32Array => new Float32Array(n);
/** Distinct values, NaN payloads and signed zeros included: a copy must move bits, not numbers. */
function fillPattern(a: Float32Array, seed: number): void {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < a.length; i++) bits[i] = Math.imul(i + 1, 2654435761) ^ seed;
  if (a.length > 2) { bits[0] = 0x7fc01234; bits[1] = 0x80000000; }
}
const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length).slice();

test("copyFloats runs the memcpy path in Node", () => {
  const prev = setPlainCopies(true);
  assert.equal(setPlainCopies(prev), true, "Node's Buffer.prototype.fill is there, so plain copies can be on");
});

for (const plainCopies of [true, false]) {
  test(`copyFloats equals TypedArray.set (plain copies ${plainCopies ? "on" : "off"}), shared and unshared, both ways`, () => {
    const prev = setPlainCopies(plainCopies);
    try {
      const kinds = { shared, plain };
      for (const [dk, mkDst] of Object.entries(kinds)) for (const [sk, mkSrc] of Object.entries(kinds)) {
        for (const n of [0, 1, 5, 511, 512, 513, 4099, 70000]) for (const [at, from] of [[0, 0], [3, 7], [17, 1]]) {
          const src = mkSrc(n + from + 5), dst = mkDst(n + at + 9), want = plain(dst.length);
          fillPattern(src, 0x1234); fillPattern(dst, 0x9876); fillPattern(want, 0x9876);
          const part = src.subarray(from, from + n);
          want.set(part, at);
          copyFloats(dst, at, part);
          assert.deepEqual(bitsOf(dst), bitsOf(want), `${sk} -> ${dk}, n=${n}, at=${at}, from=${from}`);
        }
      }
    } finally {
      setPlainCopies(prev);
    }
  });
}

test("copyFloats refuses a range past the destination, as set does, and writes nothing", () => {
  for (const n of [4, 4096]) {
    const dst = shared(n), src = plain(n).fill(7);
    assert.throws(() => copyFloats(dst, 1, src), RangeError);
    assert.throws(() => copyFloats(dst, -1, src.subarray(1)), RangeError);
    assert.ok(dst.every((v) => v === 0));
  }
});

test("copyFloats between two ranges of one shared buffer (arena slots)", () => {
  const heap = shared(20000);
  fillPattern(heap, 0x55);
  const want = plain(20000);
  want.set(heap);
  want.set(want.subarray(1000, 9000), 10000);
  copyFloats(heap, 10000, heap.subarray(1000, 9000));
  assert.deepEqual(bitsOf(heap), bitsOf(want));
});
