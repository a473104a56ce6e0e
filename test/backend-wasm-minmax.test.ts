// The wasm float32 max / min reductions (withWasmElementwise over js) against ref, bit for bit (Object.is): NaN, ±inf, signed zeros, odd sizes, chunk boundaries, offsets, declined cases.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { View } from "../src/backend/types.ts";
import { withWasmElementwise } from "../src/backend/wasm/with-elementwise.ts";
import { wasmReduce } from "../src/backend/wasm/reduce.ts";
import { rng } from "./helpers/samples.ts";
import { dense, keptShape, reduceBoth, seededData } from "./helpers/wasm-reduce.ts";
import { wasmForEverySize } from "./helpers/wasm-every-size.ts";

const rand = rng(4242);
const wasm = withWasmElementwise(jsBackend);
const OPS = ["max", "min"] as const;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e38, -3e38];
const data = (n: number, specials: number): Float32Array => seededData(rand, n, specials, SPECIALS);

/** n floats drawn from `values`. */
const pick = (n: number, values: readonly number[]): Float32Array => new Float32Array(n).map(() => values[Math.floor(rand() * values.length)]);

const show = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));
function assertSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}: [${i}] ${show(got[i])} vs ref ${show(want[i])}`);
}

/**
 * max and min of x over `dims` into dense outputs (from `outOffset`, sentinel-filled around) with wasm
 * and ref, whole storages compared with Object.is. Returns whether the wasm kernel took every call.
 */
function check(x: View, dims: readonly number[], what: string, outOffset = 0): boolean {
  let took = true;
  for (const op of OPS) {
    const r = reduceBoth(op, x, dims, outOffset);
    took &&= r.took;
    assertSame(r.got, r.want, `${op} ${what}`);
  }
  return took;
}

describe("wasm float32 max / min match ref bit for bit", () => {
  wasmForEverySize();

  test("ref's semantics: NaN wins, the first of equal zeros wins, ±inf", () => {
    const one = (op: "max" | "min", values: number[]): number => {
      const out = new Float32Array(1);
      assert.ok(wasmReduce(op, dense(new Float32Array(values), [values.length]), dense(out, [1])));
      return out[0];
    };
    assert.ok(Object.is(one("max", [-0, 0]), -0) && Object.is(one("max", [0, -0]), 0));
    assert.ok(Object.is(one("min", [0, -0]), 0) && Object.is(one("min", [-0, 0]), -0));
    assert.ok(Object.is(one("max", [-1, -0, -2, 0, -3, 0, -0]), -0));
    assert.ok(Object.is(one("min", [1, 2, 0, 3, -0, 1, -0, 0, 4]), 0));
    assert.ok(Number.isNaN(one("max", [1, NaN, 2])) && Number.isNaN(one("min", [-Infinity, NaN])));
    assert.equal(one("max", [-Infinity, -Infinity, -Infinity]), -Infinity);
    assert.equal(one("min", [Infinity, 3, Infinity]), 3);
  });

  test("all elements: odd lengths, chunk boundaries, offsets, specials", () => {
    for (const n of [2, 3, 4, 5, 15, 16, 17, 31, 33, 63, 4095, 16383, 16384, 16385, 40001, (1 << 18) + 3]) {
      for (const specials of [0, 0.001, 0.05]) {
        const x = data(n + 5, specials);
        assert.equal(check(dense(x, [n], 5), [0], `n=${n} specials=${specials}`, 1), true, `n=${n}: taken`);
        assert.ok(check(dense(x, [n]), [0], `n=${n} at 0`));
      }
    }
  });

  test("NaN at every lane position of a vector, the unrolled trip and the tail; all -inf; ±0 mixes", () => {
    for (const n of [1 + 1, 7, 35, 67, 131]) {
      for (let at = 0; at < n; at++) {
        const x = data(n, 0);
        x[at] = NaN;
        assert.ok(check(dense(x, [n]), [0], `n=${n} NaN at ${at}`));
      }
    }
    for (const n of [2, 5, 64, 1003, 16385]) {
      assert.ok(check(dense(new Float32Array(n).fill(-Infinity), [n]), [0], `all -inf n=${n}`));
      assert.ok(check(dense(new Float32Array(n).fill(Infinity), [n]), [0], `all +inf n=${n}`));
      for (let k = 0; k < 4; k++) {
        assert.ok(check(dense(pick(n, [0, -0]), [n]), [0], `±0 n=${n}`));
        assert.ok(check(dense(pick(n, [0, -0, -1, -Infinity]), [n]), [0], `±0 and negatives n=${n}`));
        assert.ok(check(dense(pick(n, [0, -0, 1, Infinity]), [n]), [0], `±0 and positives n=${n}`));
      }
    }
    // a long row whose chunks end in zeros of both signs: the first zero across chunks wins
    const x = new Float32Array(40001).fill(-1);
    x[20000] = 0; x[3] = -0; x[39999] = 0;
    assert.ok(check(dense(x, [40001]), [0], "chunked ±0"));
    x.fill(1); x[16384] = -0; x[16383] = 0;
    assert.ok(check(dense(x, [40001]), [0], "chunked ±0 across a chunk boundary"));
  });

  test("rows (trailing dims) and columns (leading dims): several rows per chunk, rows longer than one, specials", () => {
    const shapes = [[5, 7], [2049, 9], [3, 4], [33, 129], [128, 512], [7, 16384], [3, 16385], [4, 40001], [1001, 2], [2, 1001], [9, 3]];
    for (const [r, c] of shapes) {
      for (const specials of [0, 0.01]) {
        const x = data(r * c + 3, specials);
        assert.ok(check(dense(x, [r, c], 3), [1], `[${r},${c}] rows`, 2), `[${r},${c}] rows taken`);
        assert.ok(check(dense(x, [r, c], 3), [0], `[${r},${c}] columns`, 1), `[${r},${c}] columns taken`);
        assert.ok(check(dense(x, [r, c]), [0, 1], `[${r},${c}] all`), `[${r},${c}] all taken`);
      }
      for (const values of [[0, -0], [0, -0, -1, NaN], [-Infinity], [0, -0, 2, -2]]) {
        const x = pick(r * c, values);
        assert.ok(check(dense(x, [r, c]), [1], `[${r},${c}] rows of ${values}`));
        assert.ok(check(dense(x, [r, c]), [0], `[${r},${c}] columns of ${values}`));
      }
    }
  });

  test("higher rank: trailing, leading, middle and alternating runs (walked rows fold in ref's order)", () => {
    const y = pick(3 * 7 * 20 * 61 + 1, [0, -0, -1, 1, NaN, 0.5, -Infinity]), w = dense(y, [3, 7, 20, 61], 1);
    assert.ok(check(w, [1], "a middle dim", 3));
    assert.ok(check(w, [0, 2], "alternating, last kept", 3));
    assert.ok(check(w, [1, 3], "alternating, last reduced", 3));
    assert.ok(check(w, [0, 2, 3], "all but dim 1", 3));
    assert.ok(check(w, [1, 2, 3], "trailing three", 3));
    assert.ok(check(w, [0, 1, 2], "all but the last", 3));
    const z = pick(2 * 3 * 20000, [0, -0, -1]);
    assert.ok(check(dense(z, [2, 3, 20000]), [1], "middle, rows longer than a chunk"));
    assert.ok(check(dense(z, [2, 3, 20000]), [0, 2], "alternating, rows longer than a chunk"));
  });

  test("declined: strided input or output, other dtypes, one element, empty (base runs, bit for bit with ref)", () => {
    const x = data(50 * 70, 0.01);
    const t: View = { data: x, shape: [70, 50], strides: [1, 70], offset: 0 };
    assert.ok(!check(t, [0], "transposed, dim 0"));
    assert.ok(!check(t, [0, 1], "transposed, all"));
    assert.ok(!check({ data: x, shape: [25, 70], strides: [140, 1], offset: 0 }, [1], "every other row"));
    assert.ok(!check(dense(x, [1, 1]), [0, 1], "one element"));
    for (const op of OPS) {
      const stridedOut = new Float32Array(140), want = new Float32Array(140);
      const so: View = { data: stridedOut, shape: [1, 70], strides: [140, 2], offset: 0 };
      assert.ok(!wasmReduce(op, dense(x, [50, 70]), so));
      wasm.reduce(op, dense(x, [50, 70]), so);
      refBackend.reduce(op, dense(x, [50, 70]), { ...so, data: want });
      assertSame(stridedOut, want, `${op} strided out`);
      const f64 = new Float64Array(5000).map(() => rand()), i32 = new Int32Array(5000).map(() => Math.floor(rand() * 100) - 50);
      for (const [src, out] of [[f64, new Float64Array(1)], [i32, new Int32Array(1)], [data(5000, 0), new Float64Array(1)]] as const) {
        const got = out.slice(), ref = out.slice();
        const gv: View = { data: got, shape: [1], strides: [1], offset: 0 };
        assert.ok(!wasmReduce(op, dense(src, [5000]), gv));
        wasm.reduce(op, dense(src, [5000]), gv);
        refBackend.reduce(op, dense(src, [5000]), { ...gv, data: ref });
        assertSame(got, ref, `${op} ${src.constructor.name} into ${out.constructor.name}`);
      }
      const empty = new Float32Array(3).fill(-7.5), emptyRef = empty.slice();
      assert.ok(!wasmReduce(op, dense(new Float32Array(0), [3, 0]), dense(empty, [3, 1])));
      refBackend.reduce(op, dense(new Float32Array(0), [3, 0]), dense(emptyRef, [3, 1]));
      wasm.reduce(op, dense(new Float32Array(0), [3, 0]), dense(empty, [3, 1]));
      assertSame(empty, emptyRef, `${op} empty`);
    }
  });
});

test("the default backend takes amax / amin / max() / min() of large float32 tensors, as ref", () => {
  const x = data(300 * 700, 0.001), t = torch.tensor(x).reshape([300, 700]);
  const values = (r: torch.Tensor): number[] => r.reshape([-1]).tolist() as number[];
  const want = (op: "max" | "min", dims: number[]): Float32Array => {
    const outShape = keptShape([300, 700], dims), out = new Float32Array(outShape.reduce((p, q) => p * q, 1));
    refBackend.reduce(op, dense(x, [300, 700]), dense(out, outShape));
    return out;
  };
  const probe = new Float32Array(1);
  assert.ok(wasmReduce("max", dense(x, [300, 700]), dense(probe, [1, 1])), "taken at the default threshold");
  assertSame(values(t.max()), want("max", [0, 1]), "max()");
  assertSame(values(t.min()), want("min", [0, 1]), "min()");
  assertSame(values(t.amax(1)), want("max", [1]), "amax(1)");
  assertSame(values(t.amin(0)), want("min", [0]), "amin(0)");
});
