// Emits the float32 sum kernels (rows into float64 sums, rows accumulated into float64 column sums) on f64x2 lanes.
//
// Every float32 element is widened to float64 before it is added (f64x2.promote_low_f32x4 of two
// floats loaded at a time), as ref accumulates, so no float32 rounding happens before the final cast.
// sumRows keeps eight float64 accumulators (four f64x2) per row, so its order differs from ref's
// sequential one; sumCols adds each row into its columns' accumulators in row order, exactly as ref.
import { FunctionBuilder, I32, uleb, V128 } from "./assembler.ts";
import { emitUnrolledLoop } from "./loops.ts";
import { SIMD } from "./simd-math.ts";

const F64 = 0x7c;
const OP = { f32Load: 0x2a, f64Load: 0x2b, f64Store: 0x39, f64Add: 0xa0, f64Promote: 0xbb, i32And: 0x71 } as const;
const f64Zero = (f: FunctionBuilder): FunctionBuilder => f.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0).simd(SIMD.f64x2Splat);
/** Pushes two floats at (address on the stack) + off, widened to an f64x2. */
const loadPair = (f: FunctionBuilder, off: number): FunctionBuilder => f.simd(SIMD.load64Zero, 3, ...uleb(off)).simd(SIMD.promoteLow);
/** Pushes the float at (address on the stack) + off, widened to an f64. */
const loadOne = (f: FunctionBuilder, off: number): FunctionBuilder => f.op(OP.f32Load, 2, ...uleb(off)).op(OP.f64Promote);

/** Accumulator vectors of sumRows, and how many pairs one trip of its main loop reads. */
const ROW_ACCS = 4, ROW_UNROLL = 8, COL_UNROLL = 4;

/**
 * `sumRows(px, n, rows, pout)`: for each of `rows` rows of `n` floats (n >= 1, rows >= 1, row r at
 * px + 4 n r), the float64 sum of its elements at pout + 8 r.
 */
function emitSumRows(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [px, n, rows, pout] = [0, 1, 2, 3];
  const nB = f.local(I32), end = f.local(I32), mainEnd = f.local(I32), i = f.local(I32), s = f.local(F64);
  const acc = Array.from({ length: ROW_ACCS }, () => f.local(V128));
  f.get(n).i32(4).i32Mul().tee(nB).i32(-8).op(OP.i32And).set(end);
  f.loop();
  for (const a of acc) f64Zero(f).set(a);
  f.i32(0).set(i);
  emitUnrolledLoop(f, i, end, mainEnd, 8, ROW_UNROLL, (off) => {
    const a = acc[(off / 8) % ROW_ACCS];
    f.get(a).get(px).get(i).i32Add();
    loadPair(f, off).simd(SIMD.f64x2Add).set(a);
  });
  f.get(acc[0]).get(acc[1]).simd(SIMD.f64x2Add).get(acc[2]).get(acc[3]).simd(SIMD.f64x2Add).simd(SIMD.f64x2Add).set(acc[0]);
  f.get(acc[0]).simd(SIMD.f64x2Extract, 0).get(acc[0]).simd(SIMD.f64x2Extract, 1).op(OP.f64Add).set(s);
  // an odd row: its last float (i == end here)
  f.get(nB).i32(4).op(OP.i32And).if().get(s).get(px).get(i).i32Add();
  loadOne(f, 0).op(OP.f64Add).set(s).end();
  f.get(pout).get(s).op(OP.f64Store, 3, 0);
  f.get(px).get(nB).i32Add().set(px).get(pout).i32(8).i32Add().set(pout);
  f.get(rows).i32(1).i32Sub().tee(rows).brIf(0).end();
  return f;
}

/**
 * `sumCols(px, pacc, n, rows)`: for each of `rows` rows of `n` floats (row r at px + 4 n r), in order,
 * acc[j] += x[r][j] for the float64 accumulators acc[0..n) at pacc.
 */
function emitSumCols(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32], []);
  const [px, pacc, n, rows] = [0, 1, 2, 3];
  const nB = f.local(I32), end = f.local(I32), mainEnd = f.local(I32), i = f.local(I32);
  /** Pushes pacc + 2 i (the accumulator of the float at px + i). */
  const accAt = (): void => { f.get(pacc).get(i).i32Add().get(i).i32Add(); };
  f.get(n).i32(4).i32Mul().tee(nB).i32(-8).op(OP.i32And).set(end);
  f.loop();
  f.i32(0).set(i);
  emitUnrolledLoop(f, i, end, mainEnd, 8, COL_UNROLL, (off) => {
    accAt(); accAt();
    f.v128Load(2 * off).get(px).get(i).i32Add();
    loadPair(f, off).simd(SIMD.f64x2Add).v128Store(2 * off);
  });
  f.get(nB).i32(4).op(OP.i32And).if();
  accAt(); accAt();
  f.op(OP.f64Load, 3, 0).get(px).get(i).i32Add();
  loadOne(f, 0).op(OP.f64Add).op(OP.f64Store, 3, 0).end();
  f.get(px).get(nB).i32Add().set(px);
  f.get(rows).i32(1).i32Sub().tee(rows).brIf(0).end();
  return f;
}

/** The sum kernels, by export name. */
export const reduceFunctions = (): { name: string; fn: FunctionBuilder }[] => [
  { name: "sumRows", fn: emitSumRows() }, { name: "sumCols", fn: emitSumCols() },
];
