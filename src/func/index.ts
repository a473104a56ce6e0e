// torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap).
export { grad, gradAndValue, vjp, jvp, jacrev, jacfwd, hessian } from "./transforms.ts";
export type { Argnums, GradTransformOptions } from "./transforms.ts";
export { vmap } from "./vmap.ts";
export type { VmapOptions, InDims, OutDims, VmapOutput } from "./vmap.ts";
