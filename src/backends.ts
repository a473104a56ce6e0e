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

/**
 * Loads the fast kernels ahead of use. In a browser, `await torch.backends.init()` once before heavy work
 * (the main thread refuses synchronous WebAssembly compilation); in Node they load on first use anyway.
 * @example await torch.backends.init(); // { wasmMatmul: true }
 */
export async function init(): Promise<{ wasmMatmul: boolean }> {
  return { wasmMatmul: await loadWasmMatmul() };
}
