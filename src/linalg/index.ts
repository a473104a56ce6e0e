// torch.linalg: norms, cross, svdvals, and the LU-based det, slogdet, inv, solve, lu_factor, as `torch.linalg.<name>` in camelCase.
export { vectorNorm, matrixNorm, norm } from "../ops/linalg-norm.ts";
export type { VectorNormOptions, MatrixNormOptions, NormOptions, NormDim } from "../ops/linalg-norm.ts";
export { linalgCross as cross } from "../ops/linalg-ext.ts";
export { svdvals } from "../ops/linalg-svd.ts";
export { det, slogdet, inv, solve, luFactor, LinAlgError } from "../ops/linalg-solve.ts";
export type { SignLogAbsDet, LUPivots, SolveOptions, LUFactorOptions } from "../ops/linalg-solve.ts";
