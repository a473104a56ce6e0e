// Emits the float32 max / min reduction kernels (each row's result, rows folded into column results) on f32x4 lanes, with ref's NaN and signed-zero semantics.
//
// ref's step is `acc = x > acc || x !== x ? x : acc` (max; `<` for min) from -inf (+inf), in input
// order: any NaN gives NaN, and among equal values the first wins, which only shows for zeros (max of
// -0 then +0 is -0, of +0 then -0 is +0). Both kernels return exactly that fold (max and min are exact,
// so float32 lanes lose nothing against ref's float64 accumulator):
// - maxCols/minCols apply ref's step per column, row after row (mask = acc < x | x != x, then a
//   bitselect): the same order, so bit for bit as it is.
// - maxRows/minRows fold a row in four pmax (pmin) accumulators, which skip NaN (pmax(acc, x) = acc <
//   x ? x : acc), and OR-accumulate an x != x flag beside them; lanes and the scalar tail are merged in
//   another order than ref's, which changes nothing but the sign of a zero result: a row whose result is
//   a zero rescans for its first zero (the first maximal element), so results match ref's bit for bit.
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { emitUnrolledLoop } from "./loops.ts";
import { f32x4Const, SIMD } from "./simd-math.ts";

const F32 = 0x7d;
const OP = {
  f32Load: 0x2a, f32Store: 0x38, f32Const: 0x43, f32Eq: 0x5b, f32Ne: 0x5c, f32Lt: 0x5d, f32Gt: 0x5e,
  select: 0x1b, i32And: 0x71, i32Or: 0x72,
} as const;
const f32Const = (f: FunctionBuilder, v: number): FunctionBuilder => {
  const b = new Uint8Array(new Float32Array([v]).buffer);
  return f.op(OP.f32Const, ...b);
};

/** The two reductions: their start value, scalar and vector "x beats acc" comparisons (x, acc on the stack), and the NaN-skipping fold. */
const KINDS = {
  max: { init: -Infinity, beats: OP.f32Gt, vBeats: SIMD.f32x4Gt, pfold: SIMD.f32x4Pmax },
  min: { init: Infinity, beats: OP.f32Lt, vBeats: SIMD.f32x4Lt, pfold: SIMD.f32x4Pmin },
} as const;
export type MinMaxCode = keyof typeof KINDS;

/** Accumulator vectors of the rows kernel, and vectors per trip of its main loop; vectors per trip of the columns kernel. */
const ROW_ACCS = 4, ROW_UNROLL = 8, COL_UNROLL = 4;

/**
 * `maxRows(px, n, rows, pout)` (or min): for each of `rows` rows of `n` floats (n >= 1, rows >= 1, row
 * r at px + 4 n r), ref's fold of the row as the float32 at pout + 4 r.
 */
function emitRows(kind: MinMaxCode): FunctionBuilder {
  const k = KINDS[kind];
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [px, n, rows, pout] = [0, 1, 2, 3];
  const nB = f.local(I32), end = f.local(I32), mainEnd = f.local(I32), i = f.local(I32), nanS = f.local(I32);
  const s = f.local(F32), v = f.local(F32), x = f.local(V128), nan = f.local(V128), init = f.local(V128);
  const acc = Array.from({ length: ROW_ACCS }, () => f.local(V128));
  f32x4Const(f, k.init).set(init);
  f.get(n).i32(4).i32Mul().tee(nB).i32(-16).op(OP.i32And).set(end);
  /** s = v when v beats s (no NaN test: NaN is flagged apart). */
  const foldScalar = (): void => { f.get(v).get(s).get(v).get(s).op(k.beats).op(OP.select).set(s); };
  f.loop();
  for (const a of acc) f.get(init).set(a);
  f.v128Zero().set(nan).i32(0).set(nanS).i32(0).set(i);
  emitUnrolledLoop(f, i, end, mainEnd, 16, ROW_UNROLL, (off) => {
    const a = acc[(off / 16) % ROW_ACCS];
    f.get(a).get(px).get(i).i32Add().v128Load(off).tee(x).simd(k.pfold).set(a);
    f.get(nan).get(x).get(x).simd(SIMD.f32x4Ne).simd(SIMD.or).set(nan);
  });
  f.get(acc[0]).get(acc[1]).simd(k.pfold).get(acc[2]).get(acc[3]).simd(k.pfold).simd(k.pfold).set(acc[0]);
  f.get(acc[0]).simd(SIMD.f32x4Extract, 0).set(s);
  for (const lane of [1, 2, 3]) { f.get(acc[0]).simd(SIMD.f32x4Extract, lane).set(v); foldScalar(); }
  // the last n mod 4 floats (i == end here)
  emitUnrolledLoop(f, i, nB, mainEnd, 4, 1, () => {
    f.get(px).get(i).i32Add().op(OP.f32Load, 2, 0).set(v);
    foldScalar();
    f.get(nanS).get(v).get(v).op(OP.f32Ne).op(OP.i32Or).set(nanS);
  });
  f.get(nan).simd(SIMD.anyTrue).get(nanS).op(OP.i32Or).if();
  f32Const(f, NaN).set(s);
  f.else().get(s);
  f32Const(f, 0).op(OP.f32Eq).if();
  // a zero result: the row's first zero (one exists, and it comes first among the maximal elements)
  f.get(px).set(i).loop();
  f.get(i).op(OP.f32Load, 2, 0).set(s).get(i).i32(4).i32Add().set(i);
  f.get(s);
  f32Const(f, 0).op(OP.f32Ne).brIf(0).end();
  f.end().end();
  f.get(pout).get(s).op(OP.f32Store, 2, 0);
  f.get(px).get(nB).i32Add().set(px).get(pout).i32(4).i32Add().set(pout);
  f.get(rows).i32(1).i32Sub().tee(rows).brIf(0).end();
  return f;
}

/**
 * `maxCols(px, pacc, n, rows)` (or min): for each of `rows` rows of `n` floats (row r at px + 4 n r), in
 * order, acc[j] = ref's step(acc[j], x[r][j]) for the float32 accumulators acc[0..n) at pacc.
 */
function emitCols(kind: MinMaxCode): FunctionBuilder {
  const k = KINDS[kind];
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [px, pacc, n, rows] = [0, 1, 2, 3];
  const nB = f.local(I32), end = f.local(I32), mainEnd = f.local(I32), i = f.local(I32);
  const x = f.local(V128), a = f.local(V128), xs = f.local(F32), as = f.local(F32);
  f.get(n).i32(4).i32Mul().tee(nB).i32(-16).op(OP.i32And).set(end);
  f.loop();
  f.i32(0).set(i);
  emitUnrolledLoop(f, i, end, mainEnd, 16, COL_UNROLL, (off) => {
    f.get(pacc).get(i).i32Add();
    f.get(px).get(i).i32Add().v128Load(off).set(x).get(pacc).get(i).i32Add().v128Load(off).set(a);
    f.get(x).get(a).get(x).get(a).simd(k.vBeats).get(x).get(x).simd(SIMD.f32x4Ne).simd(SIMD.or).simd(SIMD.bitselect);
    f.v128Store(off);
  });
  emitUnrolledLoop(f, i, nB, mainEnd, 4, 1, () => {
    f.get(pacc).get(i).i32Add();
    f.get(px).get(i).i32Add().op(OP.f32Load, 2, 0).set(xs).get(pacc).get(i).i32Add().op(OP.f32Load, 2, 0).set(as);
    f.get(xs).get(as).get(xs).get(as).op(k.beats).get(xs).get(xs).op(OP.f32Ne).op(OP.i32Or).op(OP.select);
    f.op(OP.f32Store, 2, 0);
  });
  f.get(px).get(nB).i32Add().set(px);
  f.get(rows).i32(1).i32Sub().tee(rows).brIf(0).end();
  return f;
}

/** The max / min kernels, by export name (maxRows, maxCols, minRows, minCols). */
export const minMaxFunctions = (): { name: string; fn: FunctionBuilder }[] =>
  (Object.keys(KINDS) as MinMaxCode[]).flatMap((kind) => [{ name: `${kind}Rows`, fn: emitRows(kind) }, { name: `${kind}Cols`, fn: emitCols(kind) }]);
