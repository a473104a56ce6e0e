// Emits the matmul operand packers: staged rows in the arena -> [k][w] panels, by v128 copies or 4x4 transposes.
//
// Note [wasm packing]
// The tile kernel reads A as MR-row panels and B as NR-column panels, each [Kp][w] (w = MR or NR). An
// operand with a unit stride reaches the arena first as plain rows (TypedArray.set, i.e. memcpy), the
// "staging" rows, `pitch` bytes apart and zero-padded by the caller to whole panels and to Kp. Then:
//  - when the staged rows run along the panel's w direction (B row-major, A column-major), panel p is
//    w floats per k taken from consecutive staged rows: `packCopy<w>`, v128 loads and stores;
//  - when they run along k (A row-major, B column-major: the linear layer's Wᵀ), panel p gathers w
//    staged rows: `packT<w>` transposes 4x4 blocks with i8x16.shuffle (Kp a multiple of 4).
// Both replace a JavaScript element loop (~1.5 ns per float) by ~0.1 ns per float plus the memcpy.
import { FunctionBuilder, I32, V128 } from "./assembler.ts";
import { SIMD } from "./simd-math.ts";

/** Byte indices of an i8x16.shuffle picking i32 lanes `lanes` (0-3: first operand, 4-7: second). */
const lanes32 = (...lanes: number[]): number[] => lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);

/** `packCopy<w>(src, pitch, dst, panels, kp)`: dst[p][k][0..w) = staged row k's floats [p w, p w + w). */
function emitPackCopy(w: 4 | 8): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [src, pitch, dst, panels, kp] = [0, 1, 2, 3, 4];
  const s = f.local(I32), k = f.local(I32);
  f.loop(); // panels
  f.get(src).set(s).get(kp).set(k);
  f.loop(); // k
  for (let v = 0; v < w / 4; v++) f.get(dst).get(s).v128Load(16 * v).v128Store(16 * v);
  f.get(s).get(pitch).i32Add().set(s);
  f.get(dst).i32(4 * w).i32Add().set(dst);
  f.get(k).i32(1).i32Sub().tee(k).brIf(0).end();
  f.get(src).i32(4 * w).i32Add().set(src);
  f.get(panels).i32(1).i32Sub().tee(panels).brIf(0).end();
  return f;
}

/** `packT<w>(src, pitch, dst, panels, kp)`: dst[p][k][r] = staged row (p w + r)'s float k; kp a multiple of 4. */
function emitPackTranspose(w: 4 | 8): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [src, pitch, dst, panels, kp] = [0, 1, 2, 3, 4];
  const s = f.local(I32), k = f.local(I32), g0 = f.local(I32), panelStep = f.local(I32);
  const r = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const t = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  f.get(pitch).i32(w).i32Mul().set(panelStep);
  f.loop(); // panels
  f.get(src).set(s).get(kp).set(k);
  f.loop(); // k, 4 per trip
  for (let g = 0; g < w / 4; g++) {
    // rows p w + 4g .. + 3, floats k .. k + 3
    f.get(s);
    if (g > 0) f.get(pitch).i32(4 * g).i32Mul().i32Add();
    f.set(g0);
    for (let j = 0; j < 4; j++) {
      f.get(g0);
      if (j > 0) f.get(pitch).i32(j).i32Mul().i32Add();
      f.v128Load(0).set(r[j]);
    }
    const shuffle = (a: number, b: number, ls: number[], into: number): void => { f.get(a).get(b).simd(SIMD.shuffle, ...lanes32(...ls)).set(into); };
    shuffle(r[0], r[1], [0, 4, 1, 5], t[0]); shuffle(r[2], r[3], [0, 4, 1, 5], t[1]);
    shuffle(r[0], r[1], [2, 6, 3, 7], t[2]); shuffle(r[2], r[3], [2, 6, 3, 7], t[3]);
    // column j (float k + j of the four rows) -> dst[k + j][4g .. 4g + 3]
    const cols: [number, number, number[]][] = [[t[0], t[1], [0, 1, 4, 5]], [t[0], t[1], [2, 3, 6, 7]], [t[2], t[3], [0, 1, 4, 5]], [t[2], t[3], [2, 3, 6, 7]]];
    cols.forEach(([a, b, ls], j) => { f.get(dst).get(a).get(b).simd(SIMD.shuffle, ...lanes32(...ls)).v128Store(16 * (j * (w / 4) + g)); });
  }
  f.get(s).i32(16).i32Add().set(s);
  f.get(dst).i32(16 * w).i32Add().set(dst);
  f.get(k).i32(4).i32Sub().tee(k).brIf(0).end();
  f.get(src).get(panelStep).i32Add().set(src);
  f.get(panels).i32(1).i32Sub().tee(panels).brIf(0).end();
  return f;
}

/** The packers for panel widths MR and NR, named `packCopy<w>` / `packT<w>`. */
export function packFunctions(widths: readonly (4 | 8)[]): { name: string; fn: FunctionBuilder }[] {
  return [...new Set(widths)].flatMap((w) => [{ name: `packCopy${w}`, fn: emitPackCopy(w) }, { name: `packT${w}`, fn: emitPackTranspose(w) }]);
}
