// OpInfo: the sample inputs and error samples each op declares, from which tests and PyTorch fixtures are generated.
import type { DType } from "../dtype.ts";

/** How sample values are generated (deterministically, by tools/dump-samples.ts). */
export type ValueGen = "any" | "pos" | "int" | "bool" | "ties" | "unit" | "gt1" | "prob" | "odd16";

/** A tensor argument of a sample: shape, dtype, values (explicit or generated), grad, layout. */
export interface TensorSpec {
  /** shape of the argument as the op sees it */
  readonly t: readonly number[];
  readonly dtype?: DType;
  readonly gen?: ValueGen;
  readonly values?: readonly (number | string)[];
  readonly grad?: boolean;
  /** "T": the argument is the transpose (last two dims) of a contiguous base: a non-contiguous input */
  readonly layout?: "T";
}

/** One argument of a sample. Strings: "..." (ellipsis) or a dtype name. */
export type SampleArg = number | boolean | null | string | TensorSpec | { readonly slice: readonly (number | null)[] } | readonly SampleArg[];

/** One call: positional args, and options (PyTorch's keyword arguments). */
export interface OpSample {
  readonly args: readonly SampleArg[];
  readonly kwargs?: Readonly<Record<string, SampleArg>>;
  /** why gradgradcheck cannot judge this sample (e.g. ties or zeros where the gradient is not differentiable) */
  readonly skipGradGrad?: string;
}

/**
 * What the tests know about an op: how to call it here and in PyTorch, its samples and its
 * error samples. Every sample is checked against PyTorch's output, gradients and gradFn name,
 * gradchecked in float64, and every error sample against PyTorch's exception class and message.
 */
export interface OpInfo {
  /** camelCase name: `torch.<name>` (a function) or, with `method`, `Tensor.prototype.<name>` */
  readonly name: string;
  /** PyTorch's callable, e.g. "torch.logical_not" (default: torch.<snake_case name>) */
  readonly py?: string;
  /** call as a method of the first argument */
  readonly method?: boolean;
  readonly samples: readonly OpSample[];
  readonly errors: readonly OpSample[];
  /** skip gradcheck (non-differentiable op) */
  readonly noGrad?: boolean;
  /** skip gradgradcheck: PyTorch's counterpart has no double backward (say why beside it) */
  readonly noGradGrad?: boolean;
}

/** Shorthand for a tensor spec. */
export function T(shape: readonly number[], opts: Omit<TensorSpec, "t"> = {}): TensorSpec {
  return { t: shape, ...opts };
}

/** PyTorch's snake_case for a camelCase name. */
export function snake(name: string): string {
  // memoised: unary ops convert their name on every call (a regex replace was ~1% of bench W4)
  let s = SNAKE.get(name);
  if (s === undefined) SNAKE.set(name, (s = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
  return s;
}
const SNAKE = new Map<string, string>();
