// Emits the float32 softmax and log-softmax kernels (forward, backward) over padded rows on f32x4 lanes.
//
// Every kernel takes row pointers, then `pitch` (floats per row: the row length rounded up to a multiple
// of 8, padded with -inf in x, 0 in y and g) and `rows` (>= 1); rows are `pitch` floats apart.
// Forward: m = the row's max by f32x4.pmax (one instruction; f32x4.max is a long NaN-propagating
// sequence on x64 and cost more than the exp). pmax may skip a NaN, but x - m is NaN there, so s and
// the whole row are NaN, as in PyTorch. e = e^(x - m) by the f32x4 exp core, with x - m rounded to
// float32 (as PyTorch's float32 kernel: e^t then carries a relative |t| 2^-24); s = sum e in float64
// lanes (softmax first adds pairs of f32x4 in float32: s within a float32 step of ref's; log-softmax
// widens each e, since its log s is absolute in the result). softmax = e * f32(1 / s); log-softmax =
// (x - m) - (log(f32(s)) + (s - f32(s)) / s).
// Backward: softmax's s = sum(g y) and out = y (g - s) stay in float64 lanes (as ref, up to the sum's
// order; an f32x4 version measured ~15% faster but loses accuracy where g and s nearly cancel);
// log-softmax's s = sum(g) in float64 lanes, out = g - e^y f32(s) in float32 (as PyTorch's float32
// kernel: where g and e^y s nearly cancel the error is a float32 step of |g|, not of the result).
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { ConstPool, emitExp, emitLog, expConsts, logConsts, SIMD } from "./simd-math.ts";

const F64 = 0x7c;
const f64Const = (f: FunctionBuilder, v: number): FunctionBuilder => f.op(0x44, ...new Uint8Array(new Float64Array([v]).buffer));
/** i8x16.shuffle moving the high 8 bytes of the first operand low. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** Emits `for (i = 0; i < n4; i += step) body()` as a do-while (n4 is a positive multiple of 32 bytes). */
function forBytes(f: FunctionBuilder, i: number, n4: number, step: number, body: () => void): void {
  f.i32(0).set(i).loop();
  body();
  f.get(i).i32(step).i32Add().tee(i).get(n4).op(0x48).brIf(0).end();
}

/** Pushes acc + (the f32x4 on the stack, widened to float64 and added in two lanes). */
function addWidened(f: FunctionBuilder, acc: number, tmp: number): void {
  f.tee(tmp).simd(SIMD.promoteLow).get(acc).simd(SIMD.f64x2Add)
    .get(tmp).get(tmp).simd(SIMD.shuffle, ...HIGH_TO_LOW).simd(SIMD.promoteLow).simd(SIMD.f64x2Add);
}

/** Pushes the sum of the two float64 lanes of `acc` (a scalar f64). */
const laneSum = (f: FunctionBuilder, acc: number): FunctionBuilder =>
  f.get(acc).simd(SIMD.f64x2Extract, 0).get(acc).simd(SIMD.f64x2Extract, 1).op(0xa0);

interface RowCtx { readonly f: FunctionBuilder; readonly p: ConstPool; readonly ptr: readonly number[]; readonly n4: number; readonly i: number }

/**
 * A function `(ptr0, ..., pitch, rows)` running the body `setup` returns once per row, each pointer
 * advanced by a row after it. `setup` declares locals and constants (emitted at the function's start).
 */
function rowKernel(nPtr: number, setup: (c: RowCtx) => () => void): FunctionBuilder {
  const f = new FunctionBuilder(new Array<number>(nPtr + 2).fill(I32), []);
  const ptr = Array.from({ length: nPtr }, (_, k) => k), pitch = nPtr, rows = nPtr + 1;
  const c: RowCtx = { f, p: new ConstPool(f), ptr, n4: f.local(I32), i: f.local(I32) };
  const body = setup(c);
  c.p.seal();
  f.get(pitch).i32(4).i32Mul().set(c.n4);
  f.loop();
  body();
  for (const q of ptr) f.get(q).get(c.n4).i32Add().set(q);
  f.get(rows).i32(1).i32Sub().tee(rows).brIf(0).end();
  return f;
}

/** Forward: `softmax(px, po, pitch, rows)`, or `logSoftmax` with `log`. */
function emitForward(log: boolean): FunctionBuilder {
  return rowKernel(2, ({ f, p, ptr: [px, po], n4, i }) => {
    const m4 = f.local(V128), t = f.local(V128), e1 = f.local(V128), acc = f.local(V128), sv = f.local(F64);
    const w = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
    expConsts(p, false);
    if (log) logConsts(p);
    /** exp(x[i + off] - m) on the stack (and stored at po + i + off unless log). */
    const expAt = (off: number): void => {
      f.get(px).get(i).i32Add().v128Load(off).get(m4).simd(SIMD.f32x4Sub).set(t);
      if (log) { emitExp(p, t, w, false); return; }
      f.get(po).get(i).i32Add();
      emitExp(p, t, w, false);
      f.tee(e1).v128Store(off).get(e1);
    };
    return () => {
      f.get(px).v128Load(0).set(m4);
      forBytes(f, i, n4, 16, () => { f.get(m4).get(px).get(i).i32Add().v128Load(0).simd(SIMD.f32x4Pmax).set(m4); });
      const lane = (k: number): void => { f.get(m4).simd(SIMD.f32x4Extract, k); };
      lane(0); lane(1); f.op(0x97); lane(2); lane(3); f.op(0x97).op(0x97).simd(SIMD.f32x4Splat).set(m4);
      f64Const(f, 0).simd(SIMD.f64x2Splat).set(acc);
      forBytes(f, i, n4, 32, () => {
        if (log) { // each e widened (log s is absolute in the result: no float32 pre-add)
          expAt(0); addWidened(f, acc, e1); f.set(acc); expAt(16); addWidened(f, acc, e1); f.set(acc);
        } else {
          expAt(0); expAt(16); f.simd(SIMD.f32x4Add); addWidened(f, acc, e1); f.set(acc);
        }
      });
      if (log) {
        // out = (x - m) - log s, log s = log f32(s) + (s - f32(s)) / s
        laneSum(f, acc).set(sv);
        f.get(sv).op(0xb6).simd(SIMD.f32x4Splat).set(t);
        emitLog(p, t, w);
        f.get(sv).get(sv).op(0xb6).op(0xbb).op(0xa1).get(sv).op(0xa3).op(0xb6).simd(SIMD.f32x4Splat).simd(SIMD.f32x4Add).set(e1);
        forBytes(f, i, n4, 16, () => {
          f.get(po).get(i).i32Add().get(px).get(i).i32Add().v128Load(0).get(m4).simd(SIMD.f32x4Sub).get(e1).simd(SIMD.f32x4Sub).v128Store(0);
        });
      } else {
        // out = e * f32(1 / s)
        f64Const(f, 1); laneSum(f, acc).op(0xa3).op(0xb6).simd(SIMD.f32x4Splat).set(m4);
        forBytes(f, i, n4, 16, () => { f.get(po).get(i).i32Add().get(po).get(i).i32Add().v128Load(0).get(m4).simd(SIMD.f32x4Mul).v128Store(0); });
      }
    };
  });
}

/** `softmaxBackward(py, pg, po, pitch, rows)`: s = sum(g y), out = f32(y (g - s)), in float64 lanes. */
function emitSoftmaxBackward(): FunctionBuilder {
  return rowKernel(3, ({ f, ptr: [py, pg, po], n4, i }) => {
    const acc = f.local(V128), s2 = f.local(V128), yv = f.local(V128);
    const load2 = (base: number): void => { f.get(base).get(i).i32Add().simd(SIMD.load64Zero, 3, 0).simd(SIMD.promoteLow); };
    return () => {
      f64Const(f, 0).simd(SIMD.f64x2Splat).set(acc);
      forBytes(f, i, n4, 8, () => { f.get(acc); load2(pg); load2(py); f.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc); });
      laneSum(f, acc).simd(SIMD.f64x2Splat).set(s2);
      forBytes(f, i, n4, 8, () => {
        f.get(po).get(i).i32Add(); load2(py); f.set(yv).get(yv); load2(pg);
        f.get(s2).simd(SIMD.f64x2Sub).simd(SIMD.f64x2Mul).simd(SIMD.demoteZero).simd(SIMD.store64Lane, 3, 0, 0);
      });
    };
  });
}

/** `logSoftmaxBackward(py, pg, po, pitch, rows)`: s = sum(g) in float64 lanes, out = g - e^y f32(s). */
function emitLogSoftmaxBackward(): FunctionBuilder {
  return rowKernel(3, ({ f, p, ptr: [py, pg, po], n4, i }) => {
    const acc = f.local(V128), s4 = f.local(V128), t = f.local(V128), tmp = f.local(V128);
    const w = [f.local(V128), f.local(V128), f.local(V128)];
    expConsts(p, true);
    return () => {
      f64Const(f, 0).simd(SIMD.f64x2Splat).set(acc);
      forBytes(f, i, n4, 16, () => { f.get(pg).get(i).i32Add().v128Load(0); addWidened(f, acc, tmp); f.set(acc); });
      laneSum(f, acc).op(0xb6).simd(SIMD.f32x4Splat).set(s4);
      forBytes(f, i, n4, 16, () => {
        f.get(py).get(i).i32Add().v128Load(0).set(t);
        f.get(po).get(i).i32Add().get(pg).get(i).i32Add().v128Load(0);
        emitExp(p, t, w, true);
        f.get(s4).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).v128Store(0);
      });
    };
  });
}

/** The softmax family's functions, by export name. */
export function softmaxFunctions(): { name: string; fn: FunctionBuilder }[] {
  return [
    { name: "softmax", fn: emitForward(false) }, { name: "logSoftmax", fn: emitForward(true) },
    { name: "softmaxBackward", fn: emitSoftmaxBackward() }, { name: "logSoftmaxBackward", fn: emitLogSoftmaxBackward() },
  ];
}
