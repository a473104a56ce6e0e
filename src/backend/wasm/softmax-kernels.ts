// Emits the float32 softmax and log-softmax kernels (forward, backward) over padded rows on f32x4 lanes.
//
// Every kernel takes row pointers, then `pitch` (floats per row: the row length rounded up to a multiple
// of 8, padded with -inf in x, 0 in y and g) and `rows` (>= 1); rows are `pitch` floats apart.
// Loops take two f32x4 per trip (the pitch allows it): independent chains that overlap.
// Forward: m = the row's max by f32x4.pmax in two chains (one instruction; f32x4.max is a long
// NaN-propagating sequence on x64 and cost more than the exp). pmax may skip a NaN, but x - m is NaN
// there, so s and the whole row are NaN, as in PyTorch. e = e^(x - m) by the f32x4 exp core (its t <= 0
// variant: -inf -> 0, subnormal results as ref's), with x - m rounded to float32 (as PyTorch's float32
// kernel: e^t then carries a relative |t| 2^-24); s = sum e in float64 lanes (softmax first adds the
// trip's two f32x4 in float32: s within a float32 step of ref's; log-softmax widens each e, since its
// log s is absolute in the result). softmax = e * f32(1 / s); log-softmax = (x - m) - (log(f32(s)) +
// (s - f32(s)) / s).
// Backward: softmax's s = sum(g y) with exact products in float64 lanes (as ref, up to the sum's order),
// out = y ((g - s_hi) - s_lo) in float32 (s = s_hi + s_lo: where g and s nearly cancel g - s_hi is exact,
// so the result keeps float32 accuracy: 2 float32 steps of ref's; rows with |s| >= 2^103, inf or NaN
// run the float64-lane pass); log-softmax's s = sum(g) in float64 lanes, out = g - e^y f32(s) in float32
// (as PyTorch's float32 kernel: where g and e^y s nearly cancel the error is a float32 step of |g|, not
// of the result).
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { ConstPool, emitExp, emitLog, expConsts, logConsts, SIMD, v128Locals } from "./simd-math.ts";

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

/** Adds the f32x4 on the stack, widened to float64, to two float64x2 accumulators (low half to accs[0], high to accs[1]). */
function addWidened(f: FunctionBuilder, accs: readonly number[], tmp: number): void {
  f.tee(tmp).simd(SIMD.promoteLow).get(accs[0]).simd(SIMD.f64x2Add).set(accs[0]);
  f.get(tmp).get(tmp).simd(SIMD.shuffle, ...HIGH_TO_LOW).simd(SIMD.promoteLow).get(accs[1]).simd(SIMD.f64x2Add).set(accs[1]);
}

/** Zeroes the float64x2 accumulators. */
function zero(f: FunctionBuilder, accs: readonly number[]): void { for (const a of accs) f64Const(f, 0).simd(SIMD.f64x2Splat).set(a); }

/** Pushes the sum of every float64 lane of the accumulators (a scalar f64). */
function laneSum(f: FunctionBuilder, accs: readonly number[]): FunctionBuilder {
  f.get(accs[0]);
  for (let k = 1; k < accs.length; k++) f.get(accs[k]).simd(SIMD.f64x2Add);
  f.tee(accs[0]).simd(SIMD.f64x2Extract, 0).get(accs[0]).simd(SIMD.f64x2Extract, 1).op(0xa0);
  return f;
}

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

/** Forward: `softmax(px, po, pitch, rows)`, or `logSoftmax` with `log`; two vectors per trip. */
function emitForward(log: boolean): FunctionBuilder {
  return rowKernel(2, ({ f, p, ptr: [px, po], n4, i }) => {
    const m = v128Locals(f, 2), t = v128Locals(f, 2), e = v128Locals(f, 2), acc = v128Locals(f, 2), tmp = f.local(V128), sv = f.local(F64);
    expConsts(p, "nonpositive");
    const load = (base: number, off: number): void => { f.get(base).get(i).i32Add().v128Load(off); };
    return () => {
      // m: two pmax chains, then across them and the lanes
      f.get(px).v128Load(0).set(m[0]).get(px).v128Load(16).set(m[1]);
      forBytes(f, i, n4, 32, () => { for (const j of [0, 1]) { f.get(m[j]); load(px, 16 * j); f.simd(SIMD.f32x4Pmax).set(m[j]); } });
      f.get(m[0]).get(m[1]).simd(SIMD.f32x4Pmax).set(m[0]);
      const lane = (k: number): void => { f.get(m[0]).simd(SIMD.f32x4Extract, k); };
      lane(0); lane(1); f.op(0x97); lane(2); lane(3); f.op(0x97).op(0x97).simd(SIMD.f32x4Splat).set(m[0]);
      // e = exp(x - m) (stored unless log), s = sum e in float64 lanes
      zero(f, acc);
      forBytes(f, i, n4, 32, () => {
        for (const j of [0, 1]) { load(px, 16 * j); f.get(m[0]).simd(SIMD.f32x4Sub).set(t[j]); }
        emitExp(p, t, e, "nonpositive");
        if (log) { // each e widened (log s is absolute in the result: no float32 pre-add)
          for (const j of [0, 1]) { f.get(e[j]); addWidened(f, acc, tmp); }
        } else {
          for (const j of [0, 1]) f.get(po).get(i).i32Add().get(e[j]).v128Store(16 * j);
          f.get(e[0]).get(e[1]).simd(SIMD.f32x4Add); addWidened(f, acc, tmp);
        }
      });
      laneSum(f, acc).set(sv);
      if (log) {
        // out = (x - m) - log s, log s = log f32(s) + (s - f32(s)) / s
        // (log's constants set here, once per row: pooled for the function they would hold registers in the exp loop)
        const lp = new ConstPool(f);
        logConsts(lp);
        f.get(sv).op(0xb6).simd(SIMD.f32x4Splat).set(t[0]);
        emitLog(lp, t[0], v128Locals(f, 4));
        f.get(sv).get(sv).op(0xb6).op(0xbb).op(0xa1).get(sv).op(0xa3).op(0xb6).simd(SIMD.f32x4Splat).simd(SIMD.f32x4Add).set(e[0]);
        forBytes(f, i, n4, 32, () => {
          for (const j of [0, 1]) { f.get(po).get(i).i32Add(); load(px, 16 * j); f.get(m[0]).simd(SIMD.f32x4Sub).get(e[0]).simd(SIMD.f32x4Sub).v128Store(16 * j); }
        });
      } else {
        // out = e * f32(1 / s)
        f64Const(f, 1).get(sv).op(0xa3).op(0xb6).simd(SIMD.f32x4Splat).set(m[0]);
        forBytes(f, i, n4, 32, () => {
          for (const j of [0, 1]) { f.get(po).get(i).i32Add(); load(po, 16 * j); f.get(m[0]).simd(SIMD.f32x4Mul).v128Store(16 * j); }
        });
      }
    };
  });
}

/** 2^103: below it in magnitude, g - f32(s) cannot overflow for finite g (f32 max's half-step is 2^103). */
const BACKWARD_F32_MAX_S = 2 ** 103;

/**
 * `softmaxBackward(py, pg, po, pitch, rows)`: s = sum(g y) with exact products in four float64 lane
 * accumulators; out = f32(y ((g - s_hi) - s_lo)) in float32 with s = s_hi + s_lo (two float32s): where g
 * and s nearly cancel, g - s_hi is exact, so the result keeps float32 accuracy relative to itself (2
 * float32 steps of ref's float64 y (g - s)). Rows whose s is NaN, infinite or past 2^103 run the
 * float64-lane pass (as ref: f32(y (g - s)) from float64).
 */
function emitSoftmaxBackward(): FunctionBuilder {
  return rowKernel(3, ({ f, ptr: [py, pg, po], n4, i }) => {
    const acc = v128Locals(f, 4), hi = f.local(V128), lo = f.local(V128), sv = f.local(F64);
    const at = (base: number): FunctionBuilder => f.get(base).get(i).i32Add();
    const load2 = (base: number, off: number): void => { at(base).simd(SIMD.load64Zero, 3, off).simd(SIMD.promoteLow); };
    return () => {
      zero(f, acc);
      forBytes(f, i, n4, 32, () => {
        for (let k = 0; k < 4; k++) { f.get(acc[k]); load2(pg, 8 * k); load2(py, 8 * k); f.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).set(acc[k]); }
      });
      laneSum(f, acc).set(sv);
      f.get(sv).op(0x99); f64Const(f, BACKWARD_F32_MAX_S).op(0x63).if();
      // s_hi = f32(s), s_lo = f32(s - s_hi)
      f.get(sv).op(0xb6).simd(SIMD.f32x4Splat).set(hi);
      f.get(sv).get(sv).op(0xb6).op(0xbb).op(0xa1).op(0xb6).simd(SIMD.f32x4Splat).set(lo);
      forBytes(f, i, n4, 32, () => {
        for (const off of [0, 16]) {
          at(po); at(py).v128Load(off); at(pg).v128Load(off);
          f.get(hi).simd(SIMD.f32x4Sub).get(lo).simd(SIMD.f32x4Sub).simd(SIMD.f32x4Mul).v128Store(off);
        }
      });
      f.else();
      f.get(sv).simd(SIMD.f64x2Splat).set(hi);
      forBytes(f, i, n4, 8, () => {
        at(po); load2(py, 0); load2(pg, 0);
        f.get(hi).simd(SIMD.f64x2Sub).simd(SIMD.f64x2Mul).simd(SIMD.demoteZero).simd(SIMD.store64Lane, 3, 0, 0);
      });
      f.end();
    };
  });
}

/** `logSoftmaxBackward(py, pg, po, pitch, rows)`: s = sum(g) in float64 lanes, out = g - e^y f32(s); two vectors per trip. */
function emitLogSoftmaxBackward(): FunctionBuilder {
  return rowKernel(3, ({ f, p, ptr: [py, pg, po], n4, i }) => {
    const acc = v128Locals(f, 2), s4 = f.local(V128), t = v128Locals(f, 2), e = v128Locals(f, 2), tmp = f.local(V128);
    const at = (base: number): FunctionBuilder => f.get(base).get(i).i32Add();
    expConsts(p, "full");
    return () => {
      zero(f, acc);
      forBytes(f, i, n4, 32, () => { for (const off of [0, 16]) { at(pg).v128Load(off); addWidened(f, acc, tmp); } });
      laneSum(f, acc).op(0xb6).simd(SIMD.f32x4Splat).set(s4);
      forBytes(f, i, n4, 32, () => {
        for (const j of [0, 1]) at(py).v128Load(16 * j).set(t[j]);
        emitExp(p, t, e, "full");
        for (const j of [0, 1]) { at(po); at(pg).v128Load(16 * j).get(e[j]).get(s4).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).v128Store(16 * j); }
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
