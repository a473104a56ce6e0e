// Generates the WebAssembly SIMD matmul macro-kernel: MR x NR register tiles over packed panels.
import { emitModule, FunctionBuilder, I32, V128 } from "./assembler.ts";
import { packFunctions } from "./pack-kernels.ts";

/** The tile shape and code options of one generated kernel. */
export interface KernelShape {
  /** Rows of a register tile (one f32 splat per row per k). */
  readonly mr: number;
  /** Columns of a register tile, a multiple of 4 (one f32x4 per 4 columns). */
  readonly nr: number;
  /** k-loop unroll; packed K is padded with zeros to a multiple of it. */
  readonly unroll: number;
  /** Use relaxed-SIMD `f32x4.relaxed_madd` (only where the engine validates it). */
  readonly fma: boolean;
}

/** How the A operand lies in memory: MR-row panels packed [k][MR], or plain rows `aRow` bytes apart. */
export type ALayout = "packed" | "rows";

/**
 * The module exports `tiles` (packed A) and `tilesRowsA` (A as plain rows), both
 * `(a, b, c, nm, nn, kc, aStride, bStride, cStride, accumulate, aRow, bK)` (all i32, addresses in bytes):
 * for each of `nn` B panels (NR columns, row k at `bK * k` bytes, panels `bStride` bytes apart) and each
 * of `nm` A panels (MR rows, `aStride` bytes apart; packed [k][MR], or rows `aRow` bytes apart), the C tile
 * (row-major, `cStride` bytes per row) = (accumulate ? C tile : 0) + A panel[0..kc) x B panel[0..kc).
 * `kc` is a positive multiple of `unroll`. Loop order: B panel outer (it stays in L1 across the A panels),
 * A panel inner. Lanes never mix: padding rows/columns only ever reach their own (discarded) C entries.
 * It also exports the operand packers `packCopy<w>` / `packT<w>` for w = MR and NR when 4 or 8 (Note [wasm packing]).
 */
export function emitMatmulModule(shape: KernelShape, memory: { shared: boolean; maxPages: number }): Uint8Array {
  const widths = [shape.mr, shape.nr].filter((w): w is 4 | 8 => w === 4 || w === 8);
  return emitModule([{ name: "tiles", fn: emitTiles(shape, "packed") }, { name: "tilesRowsA", fn: emitTiles(shape, "rows") }, ...packFunctions(widths)], memory);
}

function emitTiles(shape: KernelShape, aLayout: ALayout): FunctionBuilder {
  const { mr, nr, unroll, fma } = shape;
  const nv = nr / 4;
  const f = new FunctionBuilder(new Array<number>(12).fill(I32), []);
  const [a, b, c, nm, nn, kc, aStride, bStride, cStride, accumulate, aRow, bK] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const rowPtr = aLayout === "rows" ? Array.from({ length: mr }, () => f.local(I32)) : [];
  const jn = f.local(I32), im = f.local(I32), k = f.local(I32);
  const ap0 = f.local(I32), bp0 = f.local(I32), cc = f.local(I32), ct = f.local(I32);
  const ap = f.local(I32), bp = f.local(I32), crow = f.local(I32), ctStep = f.local(I32);
  const acc: number[][] = [];
  for (let r = 0; r < mr; r++) acc.push(Array.from({ length: nv }, () => f.local(V128)));
  const bv = Array.from({ length: nv }, () => f.local(V128));
  const av = f.local(V128);

  /** Visits every accumulator with its row pointer in `crow` (row r at ct + r * cStride). */
  const eachTileRow = (body: (r: number) => void) => {
    f.get(ct).set(crow);
    for (let r = 0; r < mr; r++) {
      body(r);
      if (r + 1 < mr) f.get(crow).get(cStride).i32Add().set(crow);
    }
  };

  // B row offsets of the unrolled steps (bOff[u] = u * bK), hoisted out of every loop
  const bOff = Array.from({ length: unroll + 1 }, () => f.local(I32));
  for (let u = 1; u <= unroll; u++) f.get(bK).i32(u).i32Mul().set(bOff[u]);
  f.get(cStride).i32(mr).i32Mul().set(ctStep);
  f.get(nn).set(jn).get(b).set(bp0).get(c).set(cc);
  f.loop(); // over B panels
  {
    f.get(nm).set(im).get(a).set(ap0).get(cc).set(ct);
    f.loop(); // over A panels
    {
      f.get(accumulate).if();
      eachTileRow((r) => { for (let v = 0; v < nv; v++) f.get(crow).v128Load(16 * v).set(acc[r][v]); });
      f.else();
      for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.v128Zero().set(acc[r][v]);
      f.end();
      f.get(ap0).set(ap).get(bp0).set(bp).get(kc).set(k);
      if (aLayout === "rows") {
        f.get(ap0).set(rowPtr[0]);
        for (let r = 1; r < mr; r++) f.get(rowPtr[r - 1]).get(aRow).i32Add().set(rowPtr[r]);
      }
      f.loop(); // over k, `unroll` steps per trip
      for (let u = 0; u < unroll; u++) {
        for (let v = 0; v < nv; v++) {
          if (u === 0) f.get(bp).v128Load(16 * v).set(bv[v]);
          else f.get(bp).get(bOff[u]).i32Add().v128Load(16 * v).set(bv[v]);
        }
        for (let r = 0; r < mr; r++) {
          if (aLayout === "rows") f.get(rowPtr[r]).v128Load32Splat(4 * u).set(av);
          else f.get(ap).v128Load32Splat(4 * (u * mr + r)).set(av);
          for (let v = 0; v < nv; v++) {
            if (fma) f.get(av).get(bv[v]).get(acc[r][v]).f32x4RelaxedMadd().set(acc[r][v]);
            else f.get(acc[r][v]).get(av).get(bv[v]).f32x4Mul().f32x4Add().set(acc[r][v]);
          }
        }
      }
      if (aLayout === "rows") for (let r = 0; r < mr; r++) f.get(rowPtr[r]).i32(4 * unroll).i32Add().set(rowPtr[r]);
      else f.get(ap).i32(4 * mr * unroll).i32Add().set(ap);
      f.get(bp).get(bOff[unroll]).i32Add().set(bp);
      f.get(k).i32(unroll).i32Sub().tee(k).brIf(0);
      f.end();
      eachTileRow((r) => { for (let v = 0; v < nv; v++) f.get(crow).get(acc[r][v]).v128Store(16 * v); });
      f.get(ap0).get(aStride).i32Add().set(ap0);
      f.get(ct).get(ctStep).i32Add().set(ct);
      f.get(im).i32(1).i32Sub().tee(im).brIf(0);
    }
    f.end();
    f.get(bp0).get(bStride).i32Add().set(bp0);
    f.get(cc).i32(4 * nr).i32Add().set(cc);
    f.get(jn).i32(1).i32Sub().tee(jn).brIf(0);
  }
  f.end();
  return f;
}
