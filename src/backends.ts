// torch.backends: which kernel backend runs the ops, and switching it (for measurement and testing).
export { backend as getBackend, setBackend } from "./backend/index.ts";
export type { Backend, View } from "./backend/types.ts";
/** The executable spec (plain loops), the js kernels, and the default (js + wasm matmul), for `setBackend`. */
export { refBackend } from "./backend/ref/index.ts";
export { jsBackend } from "./backend/js/index.ts";
export { defaultBackend } from "./backend/index.ts";
export { enableWasmThreads, disableWasmThreads } from "./backend/wasm/threads.ts";
export { isWasmMatmulLoaded } from "./backend/wasm/index.ts";
import { loadWasmMatmul } from "./backend/wasm/index.ts";
import { loadWasmElementwise } from "./backend/wasm/elementwise.ts";
import { getNumThreads, setNumThreads, startThreads } from "./backend/wasm/threads.ts";

/**
 * Loads the fast kernels ahead of use and starts the matmul thread team. In a browser, `await
 * torch.backends.init()` once before heavy work (the main thread refuses synchronous WebAssembly
 * compilation); there a team runs only inside a worker of a cross-origin-isolated page (the main
 * thread stays single-threaded). In Node everything also loads on first use. `numThreads` defaults to
 * `torch.getNumThreads()`.
 * @example await torch.backends.init(); // { wasmMatmul: true, wasmElementwise: true, threads: 2 }
 */
export async function init(options: { numThreads?: number } = {}): Promise<{ wasmMatmul: boolean; wasmElementwise: boolean; threads: number }> {
  if (options.numThreads !== undefined) setNumThreads(options.numThreads);
  const wasmMatmul = await loadWasmMatmul();
  const wasmElementwise = await loadWasmElementwise();
  const threads = wasmMatmul ? await startThreads(options.numThreads ?? getNumThreads()) : 1;
  return { wasmMatmul, wasmElementwise, threads };
}
