// The GEMM convolution kernels and the js im2col/col2im against ref's: the js backend bit-identical (Object.is
// over whole storages), the default backend (wasm matmul for float32) within PyTorch's float32 tolerances
// scaled by the sum length. Odd sizes, non-square, stride, padding 0/1/2, dilation, groups, batch 1, one
// channel, 1-d and 3-d, offsets, channel-strided and transposed inputs, non-contiguous outputs.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { defaultBackend, jsBackend, refBackend } from "../src/backends.ts";
import type { Backend, View } from "../src/backend/types.ts";
import type { ConvGeometry } from "../src/backend/conv-types.ts";
import { contiguousStrides, numelOf } from "../src/shape.ts";
import { rng } from "./helpers/samples.ts";
import * as torch from "tensorgrad";

const rand = rng(4242);
type FDT = "float32" | "float64";
type Arr = Float32Array | Float64Array;
const alloc = (dt: FDT, n: number): Arr => (dt === "float32" ? new Float32Array(n) : new Float64Array(n));

/** Strides of `shape` in a layout of randomView's. */
function layoutStrides(shape: readonly number[], layout: "C" | "T" | "pad"): number[] {
  if (layout === "pad") return contiguousStrides(shape).map((s) => 2 * s);
  if (layout === "C" || shape.length < 2) return contiguousStrides(shape);
  const r = shape.length, st = contiguousStrides([...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]]);
  return [...st.slice(0, r - 2), st[r - 1], st[r - 2]];
}

/** A view of `shape` over fresh random data in `layout` ("T": last two dims transposed, "pad": gaps between elements). */
function randomView(dt: FDT, shape: readonly number[], layout: "C" | "T" | "pad" = "C", offset = 3): View {
  const data = alloc(dt, 2 * numelOf(shape) + offset + 8);
  for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  return { data, shape, strides: layoutStrides(shape, layout), offset };
}

/** Two output views of `shape` in `layout` over identical sentinel-filled storages. */
function outPair(dt: FDT, shape: readonly number[], layout: "C" | "T" | "pad"): [View, View] {
  const n = numelOf(shape), strides = layoutStrides(shape, layout);
  const mk = (): View => ({ data: alloc(dt, 2 * n + 5).fill(-7.5), shape, strides, offset: 5 });
  return [mk(), mk()];
}

/** Whole storages equal (Object.is), or within tol(b) when given. */
function assertStorage(got: Arr, want: Arr, what: string, tol?: (b: number) => number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], b = want[i];
    if (Object.is(a, b)) continue;
    assert.ok(tol !== undefined && Math.abs(a - b) <= tol(b), `${what}: element ${i}: got ${a}, ref ${b}`);
  }
}

/** PyTorch's float32 assert_close tolerances (rtol 1.3e-6, atol 1e-5), scaled by the length of the sums. */
const f32Tol = (len: number) => (b: number) => (1e-5 + 1.3e-6 * Math.abs(b)) * Math.max(1, len / 8);

interface Case {
  readonly N: number; readonly C: number; readonly S: number; readonly G: number;
  readonly inSize: readonly number[]; readonly kernel: readonly number[];
  readonly stride: readonly number[]; readonly padding: readonly number[]; readonly dilation: readonly number[];
}

function geometry(c: Case): ConvGeometry {
  const outSize = c.inSize.map((n, d) => Math.floor((n + 2 * c.padding[d] - c.dilation[d] * (c.kernel[d] - 1) - 1) / c.stride[d]) + 1);
  return { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, outSize };
}

const CASES: Case[] = [
  { N: 2, C: 3, S: 4, G: 1, inSize: [5, 7], kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { N: 1, C: 1, S: 2, G: 1, inSize: [6, 5], kernel: [2, 3], stride: [2, 1], padding: [0, 2], dilation: [1, 1] },
  { N: 3, C: 4, S: 6, G: 2, inSize: [7, 6], kernel: [3, 2], stride: [2, 3], padding: [2, 1], dilation: [2, 1] },
  { N: 2, C: 2, S: 3, G: 1, inSize: [9, 8], kernel: [3, 3], stride: [1, 1], padding: [2, 2], dilation: [2, 2] },
  { N: 1, C: 3, S: 3, G: 3, inSize: [4, 4], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { N: 2, C: 5, S: 7, G: 1, inSize: [11, 13], kernel: [5, 3], stride: [1, 1], padding: [2, 1], dilation: [1, 1] },
  { N: 2, C: 3, S: 4, G: 1, inSize: [12, 10], kernel: [3, 3], stride: [1, 1], padding: [0, 1], dilation: [1, 1] },
  { N: 2, C: 2, S: 4, G: 2, inSize: [9], kernel: [3], stride: [2], padding: [1], dilation: [2] },
  { N: 1, C: 3, S: 2, G: 1, inSize: [70], kernel: [5], stride: [1], padding: [2], dilation: [1] },
  { N: 2, C: 2, S: 2, G: 1, inSize: [4, 5, 3], kernel: [2, 3, 2], stride: [1, 2, 1], padding: [1, 1, 0], dilation: [1, 1, 2] },
];

const label = (c: Case) => `N${c.N} C${c.C} S${c.S} G${c.G} in ${c.inSize} k ${c.kernel} s ${c.stride} p ${c.padding} d ${c.dilation}`;

/** Runs one kernel on `be` and on ref from the same inputs and compares the outputs. */
function compare(be: Backend, dt: FDT, c: Case, kernel: "conv" | "convAdjoint" | "convWeight", layout: "C" | "T" | "pad", outLayout: "C" | "T" | "pad"): void {
  const g = geometry(c);
  const big = randomView(dt, [c.N, c.C, ...c.inSize], layout), small = randomView(dt, [c.N, c.S, ...g.outSize], layout);
  const w = randomView(dt, [c.S, c.C / c.G, ...c.kernel], layout);
  const what = `${be.name} ${kernel} ${dt} ${layout} out ${outLayout} ${label(c)}`;
  const K = numelOf(c.kernel);
  // no bias on the dense layout, a gapped bias view on the others
  const bias = (n: number): View | null => (layout === "C" ? null : randomView(dt, [n], "pad"));
  let len: number;
  if (kernel === "conv") {
    const [a, b] = outPair(dt, small.shape, outLayout);
    const bs = bias(c.S);
    be.conv(big, w, bs, a, g, c.G); refBackend.conv(big, w, bs, b, g, c.G);
    assertStorage(a.data as Arr, b.data as Arr, what, dt === "float32" && be !== jsBackend ? f32Tol((c.C / c.G) * K) : undefined);
    return;
  }
  if (kernel === "convAdjoint") {
    const [a, b] = outPair(dt, big.shape, outLayout);
    const bs = bias(c.C);
    be.convAdjoint(small, w, bs, a, g, c.G); refBackend.convAdjoint(small, w, bs, b, g, c.G);
    len = (c.S / c.G) * K;
    assertStorage(a.data as Arr, b.data as Arr, what, dt === "float32" && be !== jsBackend ? f32Tol(len) : undefined);
    return;
  }
  const [a, b] = outPair(dt, w.shape, outLayout);
  be.convWeight(big, small, a, g, c.G); refBackend.convWeight(big, small, b, g, c.G);
  len = c.N * numelOf(g.outSize);
  assertStorage(a.data as Arr, b.data as Arr, what, dt === "float32" && be !== jsBackend ? f32Tol(len) : undefined);
}

describe("GEMM convolution kernels match ref", () => {
  for (const be of [jsBackend, defaultBackend]) {
    for (const dt of ["float32", "float64"] as FDT[]) {
      for (const kernel of ["conv", "convAdjoint", "convWeight"] as const) {
        test(`${be.name} ${kernel} ${dt}`, () => {
          for (const c of CASES) {
            for (const layout of ["C", "T", "pad"] as const) for (const out of ["C", "T", "pad"] as const) compare(be, dt, c, kernel, layout, out);
          }
        });
      }
    }
  }
});

describe("js im2col/col2im are ref's, bit for bit", () => {
  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`im2col and col2im ${dt}`, () => {
      for (const c of CASES) {
        const g = geometry(c), K = numelOf(c.kernel), L = numelOf(g.outSize);
        for (const layout of ["C", "T", "pad"] as const) {
          const what = `${dt} ${layout} ${label(c)}`;
          const x = randomView(dt, [c.N, c.C, ...c.inSize], layout);
          const [a, b] = outPair(dt, [c.N, c.C * K, L], layout);
          jsBackend.im2col(x, a, g); refBackend.im2col(x, b, g);
          assertStorage(a.data as Arr, b.data as Arr, `im2col ${what}`);
          const cols = randomView(dt, [c.N, c.C * K, L], layout);
          const [p, q] = outPair(dt, x.shape, layout);
          jsBackend.col2im(cols, p, g); refBackend.col2im(cols, q, g);
          assertStorage(p.data as Arr, q.data as Arr, `col2im ${what}`);
        }
      }
    });
  }
});

describe("F.conv*d forward and backward on each backend match ref's", () => {
  interface OpCase { readonly name: string; readonly x: number[]; readonly w: number[]; readonly bias: boolean; readonly run: (x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | null) => torch.Tensor }
  const F = torch.nn.functional;
  const OP_CASES: OpCase[] = [
    { name: "conv2d 3x3 pad 1 (W5's shape, smaller)", x: [3, 4, 9, 10], w: [5, 4, 3, 3], bias: true, run: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }) },
    { name: "conv2d stride 2, groups 2, dilation", x: [2, 4, 9, 8], w: [6, 2, 3, 2], bias: false, run: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: [2, 1], dilation: [1, 2], groups: 2 }) },
    { name: "conv1d same", x: [2, 3, 17], w: [4, 3, 4], bias: true, run: (x, w, b) => F.conv1d(x, w, b, { padding: "same" }) },
    { name: "conv3d", x: [1, 2, 5, 4, 6], w: [3, 2, 2, 3, 2], bias: false, run: (x, w, b) => F.conv3d(x, w, b, { padding: 1, stride: [1, 2, 1] }) },
    { name: "convTranspose2d stride 2, output padding", x: [2, 4, 5, 4], w: [4, 3, 3, 3], bias: true, run: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }) },
    { name: "convTranspose1d stride 1, output padding 1 under dilation 2", x: [2, 3, 6], w: [3, 2, 3], bias: false, run: (x, w, b) => F.convTranspose1d(x, w, b, { outputPadding: 1, dilation: 2 }) },
  ];

  /** Output, input, weight and bias gradients of one case on `be` (float data from a fixed seed). */
  function grads(be: Backend, c: OpCase, dt: FDT): torch.Tensor[] {
    const prev = torch.backends.setBackend(be);
    try {
      torch.manualSeed(11);
      const x = torch.randn(c.x, { dtype: dt, requiresGrad: true }), w = torch.randn(c.w, { dtype: dt, requiresGrad: true });
      const b = c.bias ? torch.randn([c.name.startsWith("convTranspose") ? c.w[1] : c.w[0]], { dtype: dt, requiresGrad: true }) : null;
      const y = c.run(x, w, b);
      const g = torch.randn(y.shape, { dtype: dt });
      y.mul(g).sum().backward();
      return [y.detach(), x.grad!, w.grad!, ...(b ? [b.grad!] : [])];
    } finally {
      torch.backends.setBackend(prev);
    }
  }

  for (const dt of ["float32", "float64"] as FDT[]) {
    test(`js exactly, default within float32 tolerances (${dt})`, () => {
      for (const c of OP_CASES) {
        const want = grads(refBackend, c, dt);
        for (const be of [jsBackend, defaultBackend]) {
          const got = grads(be, c, dt);
          got.forEach((t, i) => {
            assert.deepEqual(t.shape, want[i].shape);
            const exact = be === jsBackend || dt === "float64";
            const a = new Float64Array(t.reshape(-1).tolist() as number[]), r = new Float64Array(want[i].reshape(-1).tolist() as number[]);
            assertStorage(a, r, `${be.name} ${c.name} ${dt} output ${i}`, exact ? undefined : f32Tol(64));
          });
        }
      }
    });
  }
});
