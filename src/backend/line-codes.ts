// Kernel codes of the line-wise kernels (selection and scans along one dim), used by the Backend interface.

/** Selections along one dim that return a value and its index. */
export type SelectCode = "max" | "min" | "kthvalue" | "median" | "mode";

/** Inclusive scans along one dim. */
export type ScanCode = "cumsum" | "cumprod" | "cummax" | "cummin";
