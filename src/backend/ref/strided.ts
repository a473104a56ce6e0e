// Strided iteration for the ref backend: walks views of one shape in row-major order.
import type { View } from "../types.ts";

/** Whether a view covers its storage range densely in row-major order. */
export function isDense(v: View): boolean {
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.strides[i] !== expected) return false;
    expected *= v.shape[i];
  }
  return true;
}

/**
 * Calls `body(offsetA, offsetB, offsetC)` for every index of `shape` in row-major order,
 * where each offset is that index's position in views a, b, c (use the same view to skip one).
 */
export function forEach3(shape: readonly number[], a: View, b: View, c: View, body: (ia: number, ib: number, ic: number) => void): void {
  const n = shape.length;
  let total = 1;
  for (const s of shape) total *= s;
  if (total === 0) return;
  let ia = a.offset, ib = b.offset, ic = c.offset;
  if (n === 0) { body(ia, ib, ic); return; }
  const idx = new Array<number>(n).fill(0);
  const last = n - 1;
  const sa = a.strides[last], sb = b.strides[last], sc = c.strides[last], len = shape[last];
  for (let done = 0; done < total; done += len) {
    for (let j = 0; j < len; j++) body(ia + j * sa, ib + j * sb, ic + j * sc);
    // advance the outer dims
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      ia += a.strides[d]; ib += b.strides[d]; ic += c.strides[d];
      if (idx[d] < shape[d]) break;
      ia -= a.strides[d] * shape[d]; ib -= b.strides[d] * shape[d]; ic -= c.strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
