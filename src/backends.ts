// torch.backends: which kernel backend runs the ops, and switching it (for measurement and testing).
export { backend as getBackend, setBackend } from "./backend/index.ts";
export type { Backend, View } from "./backend/types.ts";
/** The executable spec (plain loops), the js kernels, and the default (js + wasm matmul), for `setBackend`. */
export { refBackend } from "./backend/ref/index.ts";
export { jsBackend } from "./backend/js/index.ts";
export { defaultBackend } from "./backend/index.ts";
export { enableWasmThreads, disableWasmThreads } from "./backend/wasm/threads.ts";
