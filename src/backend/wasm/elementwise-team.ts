// Elementwise kernels as thread-team jobs: the job's layout (in the matmul job's words) and the per-chunk runner the helper workers also run.
//
// Note [threaded elementwise]
// With resident copies (Note [resident copies]) a large elementwise call's operands and result all lie
// in the arena, which is a shared WebAssembly.Memory wherever SharedArrayBuffer exists. The thread
// team (threads.ts) instantiates the elementwise module on it in every helper, so a call is cut into
// chunks (CHUNK floats, or whole softmax rows) that every thread claims as for a matrix product
// (claimChunks); the caller copies each finished chunk's result out to its storage before it claims
// another and while it waits, so the copy-out (often the larger cost) overlaps the helpers' arithmetic.
// Chunks cut at unit boundaries (four floats, or a row) compute what the one-thread call computes:
// results are bit-identical whatever the thread count.
import { J } from "./index.ts";

/** The index of the elementwise module's first kernel in the helpers' function table (after the two matmul tile kernels). */
export const ELEMENTWISE_FN0 = 2;

/** A kernel of the elementwise module, as a team job calls it. */
export type ElementwiseFn = (...args: number[]) => void;

/** How a job's kernel takes its arguments. */
export const STYLE = { binary: 0, unary: 1, rowsForward: 2, rowsBackward: 3, chain: 4 } as const;

/**
 * The job words an elementwise job uses (the matmul job's layout, J): the kernel's index in the
 * helpers' function table, operand byte offsets and whether each steps with the units (1) or repeats
 * (0), the result's offset, the unit's bytes (16: four floats; a row: 4 pitch), the style, the row
 * pitch in floats (a chain: its third operand's byte offset, and in J.kc whether it steps), the chunk size (in units times the unit's bytes, as J.mc over J.mr) and the units.
 */
export function elementwiseJob(job: Int32Array, fnIndex: number, style: number, a: number, aStep: number, b: number, bStep: number,
  c: number, unit: number, units: number, pitch: number, perChunk: number, pitchStep = 0): Int32Array {
  job.fill(0);
  job[J.fn] = fnIndex; job[J.a] = a; job[J.aStride] = aStep; job[J.b] = b; job[J.bStride] = bStep; job[J.c] = c;
  job[J.mr] = unit; job[J.nn] = style; job[J.Kp] = pitch; job[J.kc] = pitchStep; job[J.mc] = perChunk * unit;
  job[J.p0] = 0; job[J.p1] = units; job[J.items] = 1;
  return job;
}

/**
 * Runs units [p0, p1) of an elementwise job (see elementwiseJob). Self-contained (no closure, J's
 * indices written out): its source is also the helper workers' (threads.ts).
 */
export function runElementwise(fn: ElementwiseFn, p: Int32Array): void {
  const unit = p[10], p0 = p[15], p1 = p[16];
  const a = p[1] + p0 * unit * p[3], b = p[5] + p0 * unit * p[7], c = p[8] + p0 * unit;
  const style = p[11];
  if (style === 0) fn(a, b, c, (p1 - p0) * unit);
  else if (style === 1) fn(a, c, (p1 - p0) * unit);
  else if (style === 2) fn(a, c, p[12], p1 - p0);
  else if (style === 4) fn(a, b, p[12] + p0 * unit * p[13], c, (p1 - p0) * unit);
  else fn(a, b, c, p[12], p1 - p0);
}
