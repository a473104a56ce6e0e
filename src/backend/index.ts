// The active backend: js (ref's kernels with measured fast paths) with float32 matmul on WebAssembly SIMD
// by default; swappable, with `ref` (the executable spec) always available to measure and test against.
import { jsBackend } from "./js/index.ts";
import { withWasmMatmul } from "./wasm/index.ts";
// registers the thread team's start on the first large product (Node; Note [wasm helper threads])
import "./wasm/threads.ts";
import { withWasmElementwise } from "./wasm/with-elementwise.ts";
import type { Backend } from "./types.ts";
// ---- [conv-fast-imports] begin ----
import { jsConvPrims } from "./js/index.ts";
import { convKernels } from "./conv-gemm.ts";
// ---- [conv-fast-imports] end ----

// ---- [conv-fast] begin ----
const jsWithWasm = withWasmMatmul(withWasmElementwise(jsBackend));
/**
 * The default: wasm matmul and large float32 elementwise/softmax where they apply (SIMD available), js
 * kernels elsewhere; the GEMM convolutions run their GEMMs on that matmul too (stride-1 adjoints as
 * flipped convolutions: float32 differs from ref by summation order anyway).
 */
export const defaultBackend: Backend = { ...jsWithWasm, ...convKernels(jsConvPrims(jsWithWasm.matmul), { float32AdjointAsConv: true }) };
// ---- [conv-fast] end ----

let active: Backend = defaultBackend;

/** The backend kernels run on now. */
export function backend(): Backend {
  return active;
}

/** Switches the kernel backend (tests run every backend against `ref`). Returns the previous one. */
export function setBackend(b: Backend): Backend {
  const prev = active;
  active = b;
  return prev;
}

export type { Backend, View, UnaryCode, BinaryCode, ReduceCode } from "./types.ts";
