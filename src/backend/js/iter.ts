// Strided iteration for the js backend: collapse views of one shape to the fewest dims, then walk rows.
//
// Kernels run an inner loop over the last collapsed dim (a plain `for` with per-operand strides) and
// call it once per row; the row walk keeps ref's row-major order, so accumulation orders match ref.

/** Up to three views' strides over one shape, with size-1 dims dropped and mergeable dims merged. */
export interface Plan {
  /** Collapsed shape, outermost first; empty for a single element. */
  readonly shape: number[];
  readonly a: number[];
  readonly b: number[];
  readonly c: number[];
}

/**
 * Collapses `shape` for strides `sa`, `sb`, `sc`: drops size-1 dims and merges dim d into d+1 when
 * every view steps over d exactly as over a whole run of d+1. Returns null when there is no element.
 */
export function collapse(shape: readonly number[], sa: readonly number[], sb: readonly number[], sc: readonly number[]): Plan | null {
  const outShape: number[] = [], a: number[] = [], b: number[] = [], c: number[] = [];
  // walk from the innermost dim outwards, building reversed arrays
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n === 0) return null;
    if (n === 1) continue;
    const k = outShape.length - 1;
    if (k >= 0) {
      const m = outShape[k];
      if (sa[d] === a[k] * m && sb[d] === b[k] * m && sc[d] === c[k] * m) { outShape[k] = m * n; continue; }
    }
    outShape.push(n); a.push(sa[d]); b.push(sb[d]); c.push(sc[d]);
  }
  outShape.reverse(); a.reverse(); b.reverse(); c.reverse();
  return { shape: outShape, a, b, c };
}

/**
 * Calls `row(ia, ib, ic)` with the start offsets of every row (all dims but the last of the plan),
 * in row-major order. A plan of rank 0 or 1 has exactly one row.
 */
export function forEachRow(p: Plan, ao: number, bo: number, co: number, row: (ia: number, ib: number, ic: number) => void): void {
  const r = p.shape.length - 1;
  if (r <= 0) { row(ao, bo, co); return; }
  const { shape, a, b, c } = p;
  if (r === 1) {
    const n = shape[0], sa = a[0], sb = b[0], sc = c[0];
    for (let i = 0; i < n; i++) row(ao + i * sa, bo + i * sb, co + i * sc);
    return;
  }
  const idx = new Array<number>(r).fill(0);
  let ia = ao, ib = bo, ic = co;
  for (;;) {
    row(ia, ib, ic);
    let d = r - 1;
    for (; d >= 0; d--) {
      idx[d]++;
      ia += a[d]; ib += b[d]; ic += c[d];
      if (idx[d] < shape[d]) break;
      ia -= a[d] * shape[d]; ib -= b[d] * shape[d]; ic -= c[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
