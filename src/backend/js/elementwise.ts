// Elementwise kernels of the js backend: one strided inner loop per op code (a switch outside the loop),
// driven row by row over the collapsed views. Each case's expression is ref/scalar.ts's, verbatim, so
// results are bit-identical to ref (values are read as JS numbers and stored by typed-array assignment,
// as ref does); ops without a case call ref's scalar function from a plain loop, still exact.
import type { StorageArray } from "../../dtype.ts";
import type { BinaryCode, UnaryCode, View } from "../types.ts";
import { BINARY_FNS, UNARY_FNS } from "../ref/scalar.ts";
import { sigmoid } from "../ref/special.ts";
import { collapse, forEachRow } from "./iter.ts";

const divFloor = BINARY_FNS.divFloor, remainder = BINARY_FNS.remainder, copysign = BINARY_FNS.copysign;

/** o[io + i*so] = op(a[ia + i*sa], b[ib + i*sb]) for i < n. */
export function binaryLoop(op: BinaryCode, a: StorageArray, ia: number, sa: number, b: StorageArray, ib: number, sb: number,
  o: StorageArray, io: number, so: number, n: number): void {
  switch (op) {
    case "add": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] + b[ib]; return;
    case "sub": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] - b[ib]; return;
    case "mul": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] * b[ib]; return;
    case "div": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] / b[ib]; return;
    case "pow": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] ** b[ib]; return;
    case "maximum":
      for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) {
        const x = a[ia], y = b[ib];
        o[io] = x !== x || y !== y ? NaN : Math.max(x, y);
      }
      return;
    case "minimum":
      for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) {
        const x = a[ia], y = b[ib];
        o[io] = x !== x || y !== y ? NaN : Math.min(x, y);
      }
      return;
    case "eq": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] === b[ib] ? 1 : 0; return;
    case "ne": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] !== b[ib] ? 1 : 0; return;
    case "lt": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] < b[ib] ? 1 : 0; return;
    case "le": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] <= b[ib] ? 1 : 0; return;
    case "gt": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] > b[ib] ? 1 : 0; return;
    case "ge": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] >= b[ib] ? 1 : 0; return;
    case "logicalAnd": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] !== 0 && b[ib] !== 0 ? 1 : 0; return;
    case "logicalOr": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] !== 0 || b[ib] !== 0 ? 1 : 0; return;
    case "logicalXor": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = (a[ia] !== 0) !== (b[ib] !== 0) ? 1 : 0; return;
    case "divTrunc": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = Math.trunc(a[ia] / b[ib]); return;
    case "divFloor": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = divFloor(a[ia], b[ib]); return;
    case "remainder": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = remainder(a[ia], b[ib]); return;
    case "fmod": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] % b[ib]; return;
    case "fmax":
      for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) {
        const x = a[ia], y = b[ib];
        o[io] = x !== x ? y : y !== y ? x : x < y ? y : x;
      }
      return;
    case "fmin":
      for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) {
        const x = a[ia], y = b[ib];
        o[io] = x !== x ? y : y !== y ? x : y < x ? y : x;
      }
      return;
    case "atan2": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = Math.atan2(a[ia], b[ib]); return;
    case "hypot": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = Math.hypot(a[ia], b[ib]); return;
    case "copysign": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = copysign(a[ia], b[ib]); return;
    case "maskKeep": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] !== 0 ? b[ib] : -0; return;
    case "maskDrop": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = a[ia] === 0 ? b[ib] : -0; return;
    case "thresholdBackward": for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = b[ib] <= 0 ? 0 : a[ia]; return;
    default: {
      const f = BINARY_FNS[op as BinaryCode];
      for (let i = 0; i < n; i++, ia += sa, ib += sb, io += so) o[io] = f(a[ia], b[ib]);
    }
  }
}

const NO_PARAMS: readonly number[] = [];

/** o[io + i*so] = op(x[ix + i*sx]) for i < n, with the op's numeric parameters `p`. */
export function unaryLoop(op: UnaryCode, x: StorageArray, ix: number, sx: number, o: StorageArray, io: number, so: number, n: number,
  p: readonly number[]): void {
  switch (op) {
    case "neg": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = -x[ix]; return;
    case "abs": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.abs(x[ix]); return;
    case "sign":
      for (let i = 0; i < n; i++, ix += sx, io += so) { const v = x[ix]; o[io] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN; }
      return;
    case "exp": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.exp(x[ix]); return;
    case "log": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.log(x[ix]); return;
    case "sqrt": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.sqrt(x[ix]); return;
    case "tanh": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.tanh(x[ix]); return;
    case "sigmoid": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = sigmoid(x[ix]); return;
    case "relu":
      for (let i = 0; i < n; i++, ix += sx, io += so) { const v = x[ix]; o[io] = v > 0 ? v : v === 0 || v < 0 ? 0 : v; }
      return;
    case "logicalNot": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = x[ix] === 0 ? 1 : 0; return;
    case "rsqrt": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = 1 / Math.sqrt(x[ix]); return;
    case "reciprocal": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = 1 / x[ix]; return;
    case "isnan": for (let i = 0; i < n; i++, ix += sx, io += so) { const v = x[ix]; o[io] = v !== v ? 1 : 0; } return;
    case "floor": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.floor(x[ix]); return;
    case "ceil": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.ceil(x[ix]); return;
    case "trunc": for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = Math.trunc(x[ix]); return;
    case "leakyRelu": {
      const s = p.length > 0 && p[0] !== undefined ? p[0] : 0.01;
      for (let i = 0; i < n; i++, ix += sx, io += so) { const v = x[ix]; o[io] = v > 0 ? v : v * s; }
      return;
    }
    case "hardtanh": {
      const lo = p.length > 0 && p[0] !== undefined ? p[0] : -1, hi = p.length > 1 && p[1] !== undefined ? p[1] : 1;
      for (let i = 0; i < n; i++, ix += sx, io += so) { const v = x[ix]; o[io] = v < lo ? lo : v > hi ? hi : v; }
      return;
    }
    default: {
      const f = UNARY_FNS[op as UnaryCode];
      for (let i = 0; i < n; i++, ix += sx, io += so) o[io] = f(x[ix], p);
    }
  }
}

export function binary(op: BinaryCode, a: View, b: View, out: View): void {
  // rank 0 and 1 are one row already: skip collapse's arrays (per-op overhead of tiny tensors, bench W4)
  if (out.shape.length <= 1) {
    const n = out.shape.length === 0 ? 1 : out.shape[0];
    binaryLoop(op, a.data, a.offset, a.strides[0] ?? 0, b.data, b.offset, b.strides[0] ?? 0, out.data, out.offset, out.strides[0] ?? 0, n);
    return;
  }
  const p = collapse(out.shape, a.strides, b.strides, out.strides);
  if (p === null) return;
  const r = p.shape.length - 1;
  const ad = a.data, bd = b.data, od = out.data;
  if (r < 0) { binaryLoop(op, ad, a.offset, 0, bd, b.offset, 0, od, out.offset, 0, 1); return; }
  const n = p.shape[r], sa = p.a[r], sb = p.b[r], so = p.c[r];
  if (r === 0) { binaryLoop(op, ad, a.offset, sa, bd, b.offset, sb, od, out.offset, so, n); return; }
  forEachRow(p, a.offset, b.offset, out.offset, (ia, ib, io) => binaryLoop(op, ad, ia, sa, bd, ib, sb, od, io, so, n));
}

export function unary(op: UnaryCode, x: View, out: View, params: readonly number[] = NO_PARAMS): void {
  // rank 0 and 1 are one row already: skip collapse's arrays (as in binary)
  if (out.shape.length <= 1) {
    const n = out.shape.length === 0 ? 1 : out.shape[0];
    unaryLoop(op, x.data, x.offset, x.strides[0] ?? 0, out.data, out.offset, out.strides[0] ?? 0, n, params);
    return;
  }
  const p = collapse(out.shape, x.strides, out.strides, out.strides);
  if (p === null) return;
  const r = p.shape.length - 1;
  const xd = x.data, od = out.data;
  if (r < 0) { unaryLoop(op, xd, x.offset, 0, od, out.offset, 0, 1, params); return; }
  const n = p.shape[r], sx = p.a[r], so = p.b[r];
  if (r === 0) { unaryLoop(op, xd, x.offset, sx, od, out.offset, so, n, params); return; }
  forEachRow(p, x.offset, out.offset, out.offset, (ix, io) => unaryLoop(op, xd, ix, sx, od, io, so, n, params));
}
