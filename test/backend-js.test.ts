// The js backend against ref, kernel by kernel: every op code, every dtype, odd sizes, offset,
// transposed, strided and broadcast (stride-0) views, NaN/±inf/-0 inputs.
//
// Every comparison is exact (Object.is per element of the whole output storage, so untouched slots
// are checked too): the js kernels do ref's arithmetic in ref's order (elementwise: the same expression
// per element; reductions: the same float64 accumulator fed in row-major order; matmul: each sum in
// float64 from 0 over k = 0..K-1, cast once), so no tolerance is needed anywhere.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";
import { jsBackend, refBackend } from "../src/backends.ts";
import type { BinaryCode, ReduceCode, UnaryCode, View } from "../src/backend/types.ts";
import type { StorageArray } from "../src/dtype.ts";
import { rng } from "./helpers/samples.ts";
import { contiguousStrides, numelOf } from "../src/shape.ts";

type DT = "float32" | "float64" | "int32" | "int64" | "bool";
const DTS: DT[] = ["float32", "float64", "int32", "int64", "bool"];

const rand = rng(12345);

const FLOAT_SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3, 1e-30, -1e30, 2, 7.25, -3, 20, -20];
const INT32_SPECIALS = [0, 1, -1, 2, -3, 7, 2147483647, -2147483648, 100000, -65536];
const INT64_SPECIALS = [0, 1, -1, 5, -7, 2 ** 40, -(2 ** 45), 3, 12];

function alloc(dt: DT, n: number): StorageArray {
  switch (dt) {
    case "float32": return new Float32Array(n);
    case "float64": case "int64": return new Float64Array(n);
    case "int32": return new Int32Array(n);
    case "bool": return new Uint8Array(n);
  }
}

/** Storage of `n` elements of `dt`: a mix of special values and random ones. */
function randomData(dt: DT, n: number, specials = true): StorageArray {
  const d = alloc(dt, n);
  for (let i = 0; i < n; i++) {
    const pick = specials && rand() < 0.3;
    switch (dt) {
      case "float32": case "float64":
        d[i] = pick ? FLOAT_SPECIALS[Math.floor(rand() * FLOAT_SPECIALS.length)] : (rand() - 0.5) * 8;
        break;
      case "int32": d[i] = pick ? INT32_SPECIALS[Math.floor(rand() * INT32_SPECIALS.length)] : Math.floor((rand() - 0.5) * 200); break;
      case "int64": d[i] = pick ? INT64_SPECIALS[Math.floor(rand() * INT64_SPECIALS.length)] : Math.floor((rand() - 0.5) * 200); break;
      case "bool": d[i] = rand() < 0.5 ? 1 : 0; break;
    }
  }
  return d;
}

type Layout = "contig" | "offset" | "transposed" | "strided" | "broadcast" | "scalar";
const IN_LAYOUTS: Layout[] = ["contig", "offset", "transposed", "strided", "broadcast", "scalar"];
const OUT_LAYOUTS: Layout[] = ["contig", "offset", "transposed", "strided"];

/** Strides and storage size of a `layout` view of `shape` starting at `offset`. */
function geometry(shape: readonly number[], layout: Layout): { strides: number[]; offset: number; size: number } {
  const r = shape.length;
  switch (layout) {
    case "contig": return { strides: contiguousStrides(shape), offset: 0, size: numelOf(shape) };
    case "offset": return { strides: contiguousStrides(shape), offset: 5, size: numelOf(shape) + 7 };
    case "transposed": {
      // storage laid out for the reversed shape: the view is a full permutation of it
      const rev = [...shape].reverse(), rs = contiguousStrides(rev);
      return { strides: rs.reverse(), offset: 3, size: numelOf(shape) + 3 };
    }
    case "strided": {
      // every dim a ::2 slice of one twice as long, plus an offset
      const big = shape.map((s) => 2 * s), bs = contiguousStrides(big);
      return { strides: bs.map((s) => 2 * s), offset: 1, size: numelOf(big) * 2 + 1 };
    }
    case "broadcast": {
      // expand the first dim (and the last of 3-d shapes) from size 1
      const kept = shape.map((s, i) => (i === 0 || (r >= 3 && i === r - 1) ? 1 : s));
      const ks = contiguousStrides(kept);
      return { strides: ks.map((s, i) => (kept[i] === 1 && shape[i] !== 1 ? 0 : s)), offset: 2, size: numelOf(kept) + 2 };
    }
    case "scalar": return { strides: shape.map(() => 0), offset: 1, size: 2 };
  }
}

function makeView(shape: readonly number[], layout: Layout, dt: DT, specials = true): View {
  const g = geometry(shape, layout);
  return { data: randomData(dt, g.size, specials), shape: [...shape], strides: g.strides, offset: g.offset };
}

/** Two identical fresh copies of an output view (pre-filled with the same noise). */
function twinOutputs(shape: readonly number[], layout: Layout, dt: DT): [View, View] {
  const v = makeView(shape, layout, dt);
  return [v, { ...v, data: v.data.slice() }];
}

function assertSame(got: StorageArray, want: StorageArray, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: storage[${i}] js ${got[i]} vs ref ${want[i]}`);
  }
}

const SHAPES: number[][] = [[], [1], [3], [17], [65], [1, 1], [3, 5], [17, 33], [1, 65], [33, 1], [2, 3, 4], [3, 1, 17], [2, 5, 1, 3]];

const BINARY_CODES: BinaryCode[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
  "logicalAnd", "logicalOr", "logicalXor", "divTrunc", "divFloor", "remainder", "fmod", "fmax", "fmin", "atan2", "hypot", "copysign",
  "maskKeep", "maskDrop"];
const BOOL_OUT = new Set<BinaryCode>(["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"]);

describe("js backend: binary", () => {
  for (const op of BINARY_CODES) {
    test(op, () => {
      for (const dt of DTS) {
        const outDt: DT = BOOL_OUT.has(op) ? "bool" : dt;
        for (const shape of SHAPES) {
          for (const la of IN_LAYOUTS) {
            // pair each a layout with every b layout on 2-d shapes, with a rotating one elsewhere
            const lbs = shape.length === 2 ? IN_LAYOUTS : [IN_LAYOUTS[(IN_LAYOUTS.indexOf(la) + 2) % IN_LAYOUTS.length], "contig" as Layout];
            for (const lb of lbs) {
              const lo = OUT_LAYOUTS[(IN_LAYOUTS.indexOf(la) + IN_LAYOUTS.indexOf(lb)) % OUT_LAYOUTS.length];
              const a = makeView(shape, la, dt), b = makeView(shape, lb, dt);
              const [o1, o2] = twinOutputs(shape, lo, outDt);
              refBackend.binary(op, a, b, o1);
              jsBackend.binary(op, a, b, o2);
              assertSame(o2.data, o1.data, `${op} ${dt} [${shape}] a:${la} b:${lb} out:${lo}`);
            }
          }
        }
      }
    });
  }
  test("mixed input dtypes (an int tensor with a float one, reduce's float64 divisor)", () => {
    const pairs: [DT, DT, DT][] = [["int32", "float32", "float32"], ["float32", "float64", "float32"], ["int64", "float64", "float64"], ["bool", "int32", "int32"], ["float32", "int64", "bool"]];
    for (const [da, db, dout] of pairs) {
      for (const op of ["add", "mul", "div", "lt", "maximum"] as BinaryCode[]) {
        for (const shape of [[17], [3, 5], [2, 3, 4]]) {
          const a = makeView(shape, "transposed", da), b = makeView(shape, "broadcast", db);
          const [o1, o2] = twinOutputs(shape, "contig", dout);
          refBackend.binary(op, a, b, o1);
          jsBackend.binary(op, a, b, o2);
          assertSame(o2.data, o1.data, `${op} ${da}/${db}->${dout} [${shape}]`);
        }
      }
    }
  });
});

const UNARY_CASES: [UnaryCode, number[] | undefined][] = [
  ["neg", undefined], ["abs", undefined], ["sign", undefined], ["exp", undefined], ["log", undefined], ["sqrt", undefined],
  ["tanh", undefined], ["sigmoid", undefined], ["relu", undefined], ["logicalNot", undefined], ["exp2", undefined],
  ["expm1", undefined], ["log2", undefined], ["log10", undefined], ["log1p", undefined], ["rsqrt", undefined],
  ["reciprocal", undefined], ["sin", undefined], ["cos", undefined], ["tan", undefined], ["asin", undefined], ["acos", undefined],
  ["atan", undefined], ["sinh", undefined], ["cosh", undefined], ["asinh", undefined], ["acosh", undefined], ["atanh", undefined],
  ["logit", undefined], ["logit", [0.01, 0.99]], ["erf", undefined], ["erfc", undefined], ["floor", undefined], ["ceil", undefined],
  ["round", undefined], ["round", [2]], ["round", [-1]], ["trunc", undefined], ["frac", undefined], ["nanToNum", undefined],
  ["nanToNum", [1, 2, 3]], ["isnan", undefined], ["isinf", undefined], ["isfinite", undefined], ["hardtanh", undefined],
  ["hardtanh", [-0.5, 2]], ["leakyRelu", undefined], ["leakyRelu", [0.2]], ["elu", undefined], ["elu", [0.5, 2, 1.5]],
  ["gelu", undefined], ["gelu", [1]], ["silu", undefined], ["mish", undefined], ["softplus", undefined], ["softplus", [2, 5]],
  ["hardsigmoid", undefined], ["hardswish", undefined], ["logSigmoid", undefined],
];
const UNARY_BOOL_OUT = new Set<UnaryCode>(["isnan", "isinf", "isfinite", "logicalNot"]);

describe("js backend: unary", () => {
  for (const [op, params] of UNARY_CASES) {
    test(`${op}${params ? ` [${params}]` : ""}`, () => {
      for (const dt of DTS) {
        const outDts: DT[] = UNARY_BOOL_OUT.has(op) ? ["bool"] : dt === "float32" || dt === "float64" ? [dt] : [dt, "float32"];
        for (const outDt of outDts) {
          for (const shape of SHAPES) {
            for (const lx of IN_LAYOUTS) {
              const lo = OUT_LAYOUTS[IN_LAYOUTS.indexOf(lx) % OUT_LAYOUTS.length];
              const x = makeView(shape, lx, dt);
              const [o1, o2] = twinOutputs(shape, lo, outDt);
              if (params) { refBackend.unary(op, x, o1, params); jsBackend.unary(op, x, o2, params); }
              else { refBackend.unary(op, x, o1); jsBackend.unary(op, x, o2); }
              assertSame(o2.data, o1.data, `${op} ${dt}->${outDt} [${shape}] x:${lx} out:${lo}`);
            }
          }
        }
      }
    });
  }
});

/** Every subset of dims of a rank-r shape (as reduced-dim masks). */
function subsets(r: number): boolean[][] {
  const out: boolean[][] = [];
  for (let m = 0; m < 1 << r; m++) out.push([...Array(r).keys()].map((i) => ((m >> i) & 1) === 1));
  return out;
}

describe("js backend: reduce", () => {
  for (const op of ["sum", "prod", "max", "min"] as ReduceCode[]) {
    test(op, () => {
      for (const dt of DTS) {
        const outDts: DT[] = dt === "bool" ? ["bool", "int64"] : [dt];
        for (const outDt of outDts) {
          for (const shape of [...SHAPES, [65, 17], [4, 33, 5]]) {
            for (const mask of subsets(shape.length)) {
              const kept = shape.map((s, i) => (mask[i] ? 1 : s));
              for (const lx of ["contig", "transposed", "strided", "broadcast"] as Layout[]) {
                // prod of many random values overflows to inf/0, which is still a fair comparison
                const x = makeView(shape, lx, dt);
                const [o1, o2] = twinOutputs(kept, lx === "transposed" ? "strided" : "offset", outDt);
                refBackend.reduce(op, x, o1);
                jsBackend.reduce(op, x, o2);
                assertSame(o2.data, o1.data, `${op} ${dt}->${outDt} [${shape}] over ${mask} x:${lx}`);
              }
            }
          }
        }
      }
    });
  }
  test("long sums keep ref's float64 accumulation order exactly", () => {
    for (const n of [1000, 4097]) {
      const x = makeView([n], "contig", "float32", false);
      const y = makeView([7, n], "offset", "float32", false);
      for (const [v, kept] of [[x, [1]], [y, [7, 1]], [y, [1, n]], [y, [1, 1]]] as [View, number[]][]) {
        const [o1, o2] = twinOutputs(kept, "contig", "float32");
        refBackend.reduce("sum", v, o1);
        jsBackend.reduce("sum", v, o2);
        assertSame(o2.data, o1.data, `sum [${v.shape}] -> [${kept}]`);
      }
    }
  });
});

describe("js backend: copy and fill", () => {
  test("copy: every dtype pair and layout", () => {
    for (const ds of DTS) {
      for (const dd of DTS) {
        for (const shape of [...SHAPES, [40, 37], [3, 33, 17]]) {
          for (const ls of IN_LAYOUTS) {
            for (const ld of OUT_LAYOUTS) {
              const s = makeView(shape, ls, ds);
              const [o1, o2] = twinOutputs(shape, ld, dd);
              refBackend.copy(s, o1);
              jsBackend.copy(s, o2);
              assertSame(o2.data, o1.data, `copy ${ds}->${dd} [${shape}] ${ls}->${ld}`);
            }
          }
        }
      }
    }
  });
  test("copy between overlapping windows of one storage follows ref's row-major order", () => {
    for (const [so, doff] of [[0, 1], [1, 0], [0, 0], [3, 1]]) {
      for (const dt of ["float32", "int32", "bool"] as DT[]) {
        const n = 100; // above the TypedArray.set cutoff
        const base = randomData(dt, n + 8);
        const d1 = base.slice(), d2 = base.slice();
        const run = (d: StorageArray, k: typeof refBackend) =>
          k.copy({ data: d, shape: [n], strides: [1], offset: so }, { data: d, shape: [n], strides: [1], offset: doff });
        run(d1, refBackend);
        run(d2, jsBackend);
        assertSame(d2, d1, `overlap ${so}->${doff} ${dt}`);
        // a transposed copy within one buffer
        const e1 = base.slice(), e2 = base.slice();
        const runT = (d: StorageArray, k: typeof refBackend) =>
          k.copy({ data: d, shape: [9, 9], strides: [1, 9], offset: so }, { data: d, shape: [9, 9], strides: [9, 1], offset: doff });
        runT(e1, refBackend);
        runT(e2, jsBackend);
        assertSame(e2, e1, `overlap transposed ${so}->${doff} ${dt}`);
      }
    }
  });
  test("fill: every dtype and layout", () => {
    for (const dt of DTS) {
      for (const shape of SHAPES) {
        for (const ld of [...OUT_LAYOUTS, "broadcast"] as Layout[]) {
          for (const value of [0, -0, 1, -2.5, NaN, Infinity, 3e9]) {
            const [o1, o2] = twinOutputs(shape, ld, dt);
            refBackend.fill(o1, value);
            jsBackend.fill(o2, value);
            assertSame(o2.data, o1.data, `fill ${dt} [${shape}] ${ld} ${value}`);
          }
        }
      }
    }
  });
});

/** A [B, rows, cols] operand, dense, transposed (column-major per batch), strided, or batch-broadcast. */
function matrix(B: number, rows: number, cols: number, layout: "n" | "t" | "s" | "b", dt: DT, specials: boolean): View {
  const off = 2;
  switch (layout) {
    case "n": return { data: randomData(dt, B * rows * cols + off, specials), shape: [B, rows, cols], strides: [rows * cols, cols, 1], offset: off };
    case "t": return { data: randomData(dt, B * rows * cols + off, specials), shape: [B, rows, cols], strides: [rows * cols, 1, rows], offset: off };
    case "s": return { data: randomData(dt, 4 * B * rows * cols + off, specials), shape: [B, rows, cols], strides: [4 * rows * cols, 4 * cols, 2], offset: off };
    case "b": return { data: randomData(dt, rows * cols + off, specials), shape: [B, rows, cols], strides: [0, cols, 1], offset: off };
  }
}

describe("js backend: matmul", () => {
  // sizes around the micro-tile (4), the K block (256) and the small-product cutoff
  const SIZES: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [17, 33, 17], [1, 65, 65], [65, 65, 1], [65, 3, 33], [33, 300, 5], [17, 520, 19], [64, 64, 64], [5, 257, 67]];
  for (const dt of ["float32", "float64", "int32", "int64"] as DT[]) {
    test(dt, () => {
      for (const [M, K, N] of SIZES) {
        for (const B of [1, 3]) {
          for (const la of ["n", "t", "s", "b"] as const) {
            for (const lb of ["n", "t", "s", "b"] as const) {
              // specials (inf, NaN, -0) only in a few cases: elsewhere a NaN anywhere in a row would hide the sums
              const specials = (M + la.charCodeAt(0) + lb.charCodeAt(0)) % 3 === 0;
              const a = matrix(B, M, K, la, dt, specials), b = matrix(B, K, N, lb, dt, specials);
              const o1: View = { data: alloc(dt, B * M * N), shape: [B, M, N], strides: [M * N, N, 1], offset: 0 };
              const o2: View = { ...o1, data: alloc(dt, B * M * N) };
              refBackend.matmul(a, b, o1);
              jsBackend.matmul(a, b, o2);
              assertSame(o2.data, o1.data, `matmul ${dt} B=${B} ${M}x${K}x${N} a:${la} b:${lb}`);
            }
          }
        }
      }
    });
  }
  test("K = 0 gives zeros", () => {
    const a: View = { data: new Float32Array(1), shape: [1, 70, 0], strides: [0, 0, 1], offset: 0 };
    const b: View = { data: new Float32Array(1), shape: [1, 0, 70], strides: [0, 70, 1], offset: 0 };
    const o: View = { data: new Float32Array(4900).fill(5), shape: [1, 70, 70], strides: [4900, 70, 1], offset: 0 };
    jsBackend.matmul(a, b, o);
    assert.ok((o.data as Float32Array).every((v) => Object.is(v, 0)));
  });
});

describe("js backend: selection", () => {
  test("js (+ wasm matmul, + wasm elementwise) is the default backend and ref stays switchable", () => {
    assert.equal(torch.backends.getBackend().name, "js+wasm-elementwise+wasm-matmul");
    const x = torch.tensor([[1, 2], [3, 4]]);
    const fast = x.matmul(x.t()).add(1).sum().item();
    const prev = torch.backends.setBackend(torch.backends.refBackend);
    try {
      assert.equal(torch.backends.getBackend().name, "ref");
      assert.equal(x.matmul(x.t()).add(1).sum().item(), fast);
    } finally {
      torch.backends.setBackend(prev);
    }
    assert.equal(torch.backends.getBackend(), torch.backends.defaultBackend);
  });
});
