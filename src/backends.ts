// torch.backends: which kernel backend runs the ops, and switching it (for measurement and testing).
export { backend as getBackend, setBackend } from "./backend/index.ts";
export type { Backend, View } from "./backend/types.ts";
