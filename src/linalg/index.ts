// torch.linalg: norms, cross (and, later, factorizations), as `torch.linalg.<name>` in camelCase.
export { vectorNorm, matrixNorm, norm } from "../ops/linalg-norm.ts";
export type { VectorNormOptions, MatrixNormOptions, NormOptions, NormDim } from "../ops/linalg-norm.ts";
export { linalgCross as cross } from "../ops/linalg-ext.ts";
