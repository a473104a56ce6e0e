// torch.autograd: gradients as values, backward over several roots, custom Functions, gradcheck, anomaly mode.
export { grad, backward } from "./engine.ts";
export type { BackwardOptions, GradOptions } from "./engine.ts";
export { Function, FunctionCtx } from "./function.ts";
export { gradcheck, gradgradcheck, GradcheckError } from "./gradcheck.ts";
export type { GradcheckOptions } from "./gradcheck.ts";
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from "./anomaly.ts";
export { Node } from "./node.ts";
export * as graph from "./graph.ts";
import { dualLevel, makeDual, unpackDual } from "./forward-ad.ts";
/** torch.autograd.forward_ad: dual tensors. */
export const forwardAd = { dualLevel, makeDual, unpackDual };
