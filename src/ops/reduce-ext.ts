// The reduce-ext ops in one namespace for tensor.ts and index.ts: selections, statistics, sorting and scans.
export { max, min, argmax, argmin, median, kthvalue, mode } from "./select.ts";
export type { DimKeepdim } from "./select.ts";
export type { ValuesIndices, MinMax } from "./named-tuple.ts";
export { sort, argsort, topk, unique } from "./sort.ts";
export type { SortOptions, TopkOptions, UniqueOptions } from "./sort.ts";
export { cumsum, cumprod, cummax, cummin } from "./scan.ts";
export type { CumOptions } from "./scan.ts";
export { prod, var_, std, varMean, stdMean, logsumexp, norm, countNonzero, aminmax } from "./reduce-stats.ts";
export type { VarOptions, ProdOptions, NormOptions, NormP } from "./reduce-stats.ts";
