// torch.func: composable function transforms (vmap arrives later; see the README's status).
export { grad, gradAndValue, vjp, jvp, jacrev, jacfwd, hessian } from "./transforms.ts";
export type { Argnums, GradTransformOptions } from "./transforms.ts";
