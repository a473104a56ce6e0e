// The batching rules in one namespace, for the one-line hooks at the op family dispatchers (`if (x._batched ...) return VM.rule(...)`).
export { elementwise, inplace, copyRule as copyInplaceRule } from "./elementwise.ts";
export { onDims, reduceDims } from "./dims.ts";
export { reshapeRule, permuteRule, expandRule, squeezeRule, copyRule, detachRule } from "./views.ts";
export { matmulRule, addProductRule, leadingRule, solveRule } from "./linalg.ts";
export { joinRule, gatherRule, indexRule, basicIndexRuleApplies, likeRule } from "./structural.ts";
export { anyBatchedGrad, batchedGrad, refuseBackward, setBatchedRequiresGrad, batchAtActiveLevels } from "./autograd.ts";
export { maxLevel, noRuleMessage } from "../batched.ts";
export { checkRandomness, inVmap, randomFresh, randomInplace, randomPerElement, normalRule } from "./random.ts";
export { nllRule } from "./loss.ts";
export { allBatched, indexSelectRule, indexIntoRule, indexFillRule, maskedFillRule, maskedScatterRule, embeddingRule, takeRule } from "./along.ts";
export { repeatRule, rollRule } from "./dimwise.ts";
export { convRule, normRule, batchNormRule } from "./nn.ts";
export { foldInto, intoN } from "./fold.ts";
export { advancedIndexRule, advancedPutRule } from "./advanced.ts";
