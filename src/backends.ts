// torch.backends: which kernel backend runs the ops, and switching it (for measurement and testing).
export { backend as getBackend, setBackend } from "./backend/index.ts";
export type { Backend, View } from "./backend/types.ts";
/** The executable spec (plain loops) and the default fast backend, for `setBackend`. */
export { refBackend } from "./backend/ref/index.ts";
export { jsBackend } from "./backend/js/index.ts";
