// Emits the WebAssembly SIMD module of the float32 elementwise and softmax kernels (wasm/elementwise.ts runs it).
import { emitModule, FunctionBuilder, I32, V128 } from "./assembler.ts";

// SIMD opcodes beyond the assembler's matmul set (after the 0xfd prefix)
const OP = {
  f32x4Max: 0xe9, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Max: 0xf5,
  f64x2Splat: 0x14, f64x2Extract: 0x21, f32x4Extract: 0x1f,
  i64x2Shl: 0xcb, i64x2Sub: 0xd1,
  load64Zero: 0x5d, store64Lane: 0x5b, promoteLow: 0x5f, demoteZero: 0x5e,
} as const;
/** f32x4 add, sub, mul, div: the binary codes the module exports (each as `name(pa, pb, po, bytes)`). */
export const BINARY_OPCODES = { add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 } as const;
export type WasmBinaryCode = keyof typeof BINARY_OPCODES;

const F64 = 0x7c;

/** Pushes an f64 constant (scalar). */
const f64Const = (f: FunctionBuilder, v: number): FunctionBuilder => f.op(0x44, ...new Uint8Array(new Float64Array([v]).buffer));
/** Pushes an f64x2 splat of `v`. */
const f64x2Const = (f: FunctionBuilder, v: number): FunctionBuilder => f64Const(f, v).simd(OP.f64x2Splat);
/** Pushes an i64x2 splat of the 64-bit pattern `bits` (v128.const). */
function i64x2Const(f: FunctionBuilder, bits: bigint): FunctionBuilder {
  const lane = new Uint8Array(new BigInt64Array([bits]).buffer);
  return f.simd(0x0c, ...lane, ...lane);
}

/** `name(pa, pb, po, bytes)`: po[i] = pa[i] op pb[i] over `bytes` (a positive multiple of 16). */
function emitBinary(opcode: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [pa, pb, po, bytes] = [0, 1, 2, 3];
  const end = f.local(I32);
  f.get(po).get(bytes).i32Add().set(end);
  f.block().loop()
    .get(po).get(pa).v128Load(0).get(pb).v128Load(0).simd(opcode).v128Store(0)
    .get(pa).i32(16).i32Add().set(pa).get(pb).i32(16).i32Add().set(pb)
    .get(po).i32(16).i32Add().tee(po).get(end).i32Ne().brIf(0)
    .end().end();
  return f;
}

// e^t for t in [-708, 0] (and NaN) on f64x2: t = k ln2 + r, |r| <= ln2/2, e^r by Taylor to degree 11
// (truncation ~1e-14 relative), 2^k built in the exponent bits: k = round(t / ln2) comes out of the
// low bits of t/ln2 + 1.5 * 2^52, so (bits - (bits(1.5 * 2^52) - 1023)) << 52 is 2^k.
const MAGIC = 6755399441055744;
const LOG2E = 1.4426950408889634, LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10;
const POW2_BIAS = new BigInt64Array(new Float64Array([MAGIC]).buffer)[0] - 1023n;
const EXP_DEGREE = 11;

/** v128 locals holding the exp's constants, set once per call (V8 does not hoist splats out of loops). */
interface ExpConsts { readonly lo: number; readonly log2e: number; readonly magic: number; readonly hi: number; readonly ln2lo: number;
  readonly bias: number; readonly coef: readonly number[] }

function expConsts(f: FunctionBuilder): ExpConsts {
  const splat = (v: number): number => { const l = f.local(V128); f64x2Const(f, v).set(l); return l; };
  const bias = f.local(V128);
  i64x2Const(f, POW2_BIAS).set(bias);
  const coef: number[] = [];
  for (let i = 0, fact = 1; i <= EXP_DEGREE; i++, fact *= i) coef.push(splat(1 / fact));
  return { lo: splat(-708), log2e: splat(LOG2E), magic: splat(MAGIC), hi: splat(LN2_HI), ln2lo: splat(LN2_LO), bias, coef };
}

/** Replaces the f64x2 in local `t` by e^t (t <= 0 or NaN; below -708 it is treated as -708), using locals kf, y. */
function emitExp(f: FunctionBuilder, c: ExpConsts, t: number, y: number, kf: number): void {
  f.get(t).get(c.lo).simd(OP.f64x2Max).set(t);
  f.get(t).get(c.log2e).simd(OP.f64x2Mul).get(c.magic).simd(OP.f64x2Add).tee(y);
  f.get(c.magic).simd(OP.f64x2Sub).set(kf);
  // r = t - kf ln2hi - kf ln2lo (kf ln2hi is exact: ln2hi has 32 significant bits)
  f.get(t).get(kf).get(c.hi).simd(OP.f64x2Mul).simd(OP.f64x2Sub);
  f.get(kf).get(c.ln2lo).simd(OP.f64x2Mul).simd(OP.f64x2Sub).set(t);
  // Horner over the Taylor coefficients 1/i!
  f.get(c.coef[EXP_DEGREE]);
  for (let i = EXP_DEGREE - 1; i >= 0; i--) f.get(t).simd(OP.f64x2Mul).get(c.coef[i]).simd(OP.f64x2Add);
  f.get(y).get(c.bias).simd(OP.i64x2Sub).i32(52).simd(OP.i64x2Shl);
  f.simd(OP.f64x2Mul).set(t);
}

/**
 * `softmax(px, po, pe, pitch, rows)`: for each of `rows` float32 rows of `pitch` elements (a multiple of
 * 4, padded with -inf) at px, po = e^(x - m) / s with m the row's max (NaN-propagating) and s the sum of
 * e^(x - m) in float64 (two lanes); pe holds the row's e^(x - m) as float64. Rows are `pitch` apart.
 */
function emitSoftmax(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [px, po, pe, pitch, rows] = [0, 1, 2, 3, 4];
  const i = f.local(I32), n4 = f.local(I32);
  const mv = f.local(V128), m2 = f.local(V128), acc = f.local(V128), t = f.local(V128), y = f.local(V128), kf = f.local(V128);
  const m = f.local(F64), inv = f.local(F64);
  const c = expConsts(f);
  f.get(pitch).i32(4).i32Mul().set(n4);
  f.block().loop();
  {
    // m: f32x4 max, then across lanes (f32.max propagates NaN, as ref's `v > m || v !== v`)
    f.get(px).v128Load(0).set(mv);
    f.i32(16).set(i);
    f.block().get(i).get(n4).op(0x4e).brIf(0).loop()
      .get(mv).get(px).get(i).i32Add().v128Load(0).simd(OP.f32x4Max).set(mv)
      .get(i).i32(16).i32Add().tee(i).get(n4).op(0x48).brIf(0).end().end();
    f.get(mv).simd(OP.f32x4Extract, 0).get(mv).simd(OP.f32x4Extract, 1).op(0x97)
      .get(mv).simd(OP.f32x4Extract, 2).get(mv).simd(OP.f32x4Extract, 3).op(0x97).op(0x97).op(0xbb).set(m);
    f.get(m).simd(OP.f64x2Splat).set(m2);
    // e = e^(x - m) two at a time, stored at pe, summed in acc
    f64x2Const(f, 0).set(acc);
    f.i32(0).set(i);
    f.loop()
      .get(px).get(i).i32Add().simd(OP.load64Zero, 3, 0).simd(OP.promoteLow).get(m2).simd(OP.f64x2Sub).set(t);
    emitExp(f, c, t, y, kf);
    f.get(pe).get(i).i32(1).op(0x74).i32Add().get(t).v128Store(0)
      .get(acc).get(t).simd(OP.f64x2Add).set(acc)
      .get(i).i32(8).i32Add().tee(i).get(n4).op(0x48).brIf(0).end();
    f64Const(f, 1).get(acc).simd(OP.f64x2Extract, 0).get(acc).simd(OP.f64x2Extract, 1).op(0xa0).op(0xa3).set(inv);
    // out = f32(e / s), as e * (1 / s)
    f.get(inv).simd(OP.f64x2Splat).set(m2);
    f.i32(0).set(i);
    f.loop()
      .get(po).get(i).i32Add()
      .get(pe).get(i).i32(1).op(0x74).i32Add().v128Load(0).get(m2).simd(OP.f64x2Mul).simd(OP.demoteZero)
      .simd(OP.store64Lane, 3, 0, 0)
      .get(i).i32(8).i32Add().tee(i).get(n4).op(0x48).brIf(0).end();
    f.get(px).get(n4).i32Add().set(px).get(po).get(n4).i32Add().set(po);
    f.get(rows).i32(1).i32Sub().tee(rows).brIf(0);
  }
  f.end().end();
  return f;
}

/**
 * `softmaxBackward(py, pg, po, pitch, rows)`: per float32 row (pitch a multiple of 4, padded with
 * zeros in y and g), s = sum(g y) in float64 (two lanes), po = f32(y (g - s)).
 */
function emitSoftmaxBackward(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [py, pg, po, pitch, rows] = [0, 1, 2, 3, 4];
  const i = f.local(I32), n4 = f.local(I32), acc = f.local(V128), s2 = f.local(V128), yv = f.local(V128);
  const load2 = (base: number): void => { f.get(base).get(i).i32Add().simd(OP.load64Zero, 3, 0).simd(OP.promoteLow); };
  f.get(pitch).i32(4).i32Mul().set(n4);
  f.block().loop();
  {
    f64x2Const(f, 0).set(acc);
    f.i32(0).set(i);
    f.loop().get(acc); load2(pg); load2(py); f.simd(OP.f64x2Mul).simd(OP.f64x2Add).set(acc)
      .get(i).i32(8).i32Add().tee(i).get(n4).op(0x48).brIf(0).end();
    f.get(acc).simd(OP.f64x2Extract, 0).get(acc).simd(OP.f64x2Extract, 1).op(0xa0).simd(OP.f64x2Splat).set(s2);
    f.i32(0).set(i);
    f.loop().get(po).get(i).i32Add(); load2(py); f.set(yv).get(yv); load2(pg); f.get(s2).simd(OP.f64x2Sub).simd(OP.f64x2Mul)
      .simd(OP.demoteZero).simd(OP.store64Lane, 3, 0, 0)
      .get(i).i32(8).i32Add().tee(i).get(n4).op(0x48).brIf(0).end();
    f.get(py).get(n4).i32Add().set(py).get(pg).get(n4).i32Add().set(pg).get(po).get(n4).i32Add().set(po);
    f.get(rows).i32(1).i32Sub().tee(rows).brIf(0);
  }
  f.end().end();
  return f;
}

/** The module: add/sub/mul/div, softmax, softmaxBackward over one imported memory. */
export function emitElementwiseModule(maxPages: number): Uint8Array {
  const binaries = Object.entries(BINARY_OPCODES).map(([name, opcode]) => ({ name, fn: emitBinary(opcode) }));
  return emitModule([...binaries, { name: "softmax", fn: emitSoftmax() }, { name: "softmaxBackward", fn: emitSoftmaxBackward() }],
    { shared: false, maxPages });
}
