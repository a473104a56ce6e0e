// Tensor repr: reproduces PyTorch 1.13's torch/_tensor_str.py output (default print options) byte for byte.
import type { DType } from "./dtype.ts";

/** PyTorch's default print options (torch.set_printoptions(profile="default")). */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 80;
const PREFIX = "tensor(";

/** The data `formatTensor` needs to know about a tensor. */
export interface PrintableTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** all elements, contiguous row-major (logical order); bool as 0/1; int64 as exact JS numbers */
  readonly values: ArrayLike<number>;
  readonly requiresGrad: boolean;
  /** e.g. "NegBackward0", or null for none */
  readonly gradFnName: string | null;
}

// ---------------------------------------------------------------------------
// Exact decimal formatting of doubles (Python's '{:.Nf}' and '{:.Ne}')
// ---------------------------------------------------------------------------

/** A finite double split as (-1)^negative * mantissa * 2^exponent, exactly. */
interface BinaryParts {
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

function splitDouble(v: number): BinaryParts {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { negative, mantissa: fraction, exponent: -1074 };
  return { negative, mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** |v| * 10^scale as an exact fraction [numerator, denominator]. */
function scaledFraction(parts: BinaryParts, scale: number): [bigint, bigint] {
  let num = parts.mantissa;
  let den = 1n;
  if (parts.exponent >= 0) num <<= BigInt(parts.exponent);
  else den <<= BigInt(-parts.exponent);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  return [num, den];
}

/** num / den rounded to the nearest integer, ties to even. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const quotient = num / den;
  const twiceRemainder = 2n * (num % den);
  const roundUp = twiceRemainder > den || (twiceRemainder === den && (quotient & 1n) === 1n);
  return roundUp ? quotient + 1n : quotient;
}

/** Python's spelling of nan and the infinities, or null for finite values. */
function nonFiniteText(v: number): string | null {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return null;
}

/** Places a decimal point before the last `digits` digits of a non-negative integer. */
function withPoint(n: bigint, digits: number): string {
  const text = n.toString().padStart(digits + 1, "0");
  if (digits === 0) return text;
  const cut = text.length - digits;
  return `${text.slice(0, cut)}.${text.slice(cut)}`;
}

/**
 * Formats a number like Python's `'{:.Nf}'.format(v)`: the exact binary value rounded
 * half-to-even to `digits` decimals, e.g. `formatFixed(0.03125, 4) === "0.0312"`,
 * `formatFixed(2.5, 0) === "2"`, `formatFixed(-0, 1) === "-0.0"`, NaN as `"nan"`.
 */
export function formatFixed(v: number, digits: number): string {
  const special = nonFiniteText(v);
  if (special !== null) return special;
  const parts = splitDouble(v);
  const [num, den] = scaledFraction(parts, digits);
  return (parts.negative ? "-" : "") + withPoint(roundHalfEven(num, den), digits);
}

/**
 * Formats a number like Python's `'{:.Ne}'.format(v)`: `digits` decimals in the mantissa,
 * exact half-to-even rounding, exponent signed with at least two digits,
 * e.g. `formatSci(123456789, 4) === "1.2346e+08"`, `formatSci(1e-5, 4) === "1.0000e-05"`.
 */
export function formatSci(v: number, digits: number): string {
  const special = nonFiniteText(v);
  if (special !== null) return special;
  const parts = splitDouble(v);
  let exp10 = 0;
  let scaled = 0n;
  if (parts.mantissa !== 0n) {
    const low = 10n ** BigInt(digits);
    const high = low * 10n;
    exp10 = Math.floor(Math.log10(Math.abs(v)));
    // The log estimate can be off by one near powers of ten: fix it exactly.
    for (;;) {
      const [num, den] = scaledFraction(parts, digits - exp10);
      const floor = num / den;
      if (floor < low) exp10 -= 1;
      else if (floor >= high) exp10 += 1;
      else {
        scaled = roundHalfEven(num, den);
        break;
      }
    }
    if (scaled === high) {
      scaled = low;
      exp10 += 1;
    }
  }
  const expText = (exp10 < 0 ? "-" : "+") + String(Math.abs(exp10)).padStart(2, "0");
  return `${parts.negative ? "-" : ""}${withPoint(scaled, digits)}e${expText}`;
}

// ---------------------------------------------------------------------------
// Element formatters (torch._tensor_str._Formatter)
// ---------------------------------------------------------------------------

/** Turns one element into its padded text; every element of a tensor gets the same width. */
interface ElementFormatter {
  readonly width: number;
  format(v: number): string;
}

type FloatMode = "int" | "fixed" | "sci";

/** Python's `str()` of an integer element, exact for any integral double. */
function intText(v: number): string {
  return Number.isInteger(v) ? BigInt(v).toString() : String(v);
}

function boolText(v: number): string {
  return v !== 0 ? "True" : "False";
}

function floatText(mode: FloatMode, v: number): string {
  if (mode === "sci") return formatSci(v, PRECISION);
  if (mode === "fixed") return formatFixed(v, PRECISION);
  // Whole-number floats print as "12." (nan and inf keep no point).
  return formatFixed(v, 0) + (Number.isFinite(v) ? "." : "");
}

function paddedFormatter(width: number, text: (v: number) => string): ElementFormatter {
  return { width, format: (v) => text(v).padStart(width) };
}

/** Integer and bool tensors: width of the longest `str()` of any element. */
function integralFormatter(values: readonly number[], dtype: DType): ElementFormatter {
  const text = dtype === "bool" ? boolText : intText;
  let width = 1;
  for (const v of values) width = Math.max(width, text(v).length);
  return paddedFormatter(width, text);
}

/** Picks int / fixed / sci mode from the nonzero finite elements only. */
function chooseFloatMode(nonzero: readonly number[]): FloatMode {
  let min = Infinity;
  let max = 0;
  let allWhole = true;
  for (const v of nonzero) {
    const a = Math.abs(v);
    min = Math.min(min, a);
    max = Math.max(max, a);
    if (!Number.isInteger(v)) allWhole = false;
  }
  const wideRange = max / min > 1000 || max > 1e8;
  if (allWhole) return wideRange ? "sci" : "int";
  return wideRange || min < 1e-4 ? "sci" : "fixed";
}

/**
 * Floating tensors. Width is measured over nonzero finite elements only, so nan/inf/-0.
 * may stick out (`tensor([nan, 1.])`) or get padded (`tensor([   nan, 1.5000])`).
 */
function floatingFormatter(values: readonly number[]): ElementFormatter {
  const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
  if (nonzero.length === 0) return paddedFormatter(1, (v) => floatText("int", v));
  const mode = chooseFloatMode(nonzero);
  let width = 1;
  for (const v of nonzero) width = Math.max(width, floatText(mode, v).length);
  return paddedFormatter(width, (v) => floatText(mode, v));
}

// ---------------------------------------------------------------------------
// Layout: summarisation, nesting, line wrapping, suffixes
// ---------------------------------------------------------------------------

/** A row-major view over the printable values with its strides. */
interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly read: (flatIndex: number) => number;
  readonly summarize: boolean;
}

/** Indices shown along a dimension; null marks the `...` gap. */
function shownIndices(size: number, summarize: boolean): (number | null)[] {
  if (summarize && size > 2 * EDGEITEMS) {
    const head = Array.from({ length: EDGEITEMS }, (_, i) => i);
    const tail = Array.from({ length: EDGEITEMS }, (_, i) => size - EDGEITEMS + i);
    return [...head, null, ...tail];
  }
  return Array.from({ length: size }, (_, i) => i);
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

/** The elements that will be printed (what the formatter measures), in order. */
function shownValues(layout: Layout, dim = 0, offset = 0, out: number[] = []): number[] {
  if (dim === layout.shape.length) {
    out.push(layout.read(offset));
    return out;
  }
  for (const i of shownIndices(layout.shape[dim], layout.summarize)) {
    if (i !== null) shownValues(layout, dim + 1, offset + i * layout.strides[dim], out);
  }
  return out;
}

/** A 1-D row: as many elements per line as fit in the line width after `indent`. */
function renderRow(layout: Layout, fmt: ElementFormatter, offset: number, indent: number): string {
  const dim = layout.shape.length - 1;
  const items = shownIndices(layout.shape[dim], layout.summarize).map((i) =>
    i === null ? " ..." : fmt.format(layout.read(offset + i * layout.strides[dim])),
  );
  const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.width + 2)));
  const lines: string[] = [];
  for (let start = 0; start < items.length; start += perLine) {
    lines.push(items.slice(start, start + perLine).join(", "));
  }
  return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
}

/** Nested brackets; blocks of rank r are separated by r - 1 newlines. */
function renderBlock(layout: Layout, fmt: ElementFormatter, dim: number, offset: number, indent: number): string {
  if (dim === layout.shape.length - 1) return renderRow(layout, fmt, offset, indent);
  const parts = shownIndices(layout.shape[dim], layout.summarize).map((i) =>
    i === null ? "..." : renderBlock(layout, fmt, dim + 1, offset + i * layout.strides[dim], indent + 1),
  );
  const rank = layout.shape.length - dim;
  return `[${parts.join("," + "\n".repeat(rank - 1) + " ".repeat(indent + 1))}]`;
}

/** The bracketed body of a non-empty tensor (torch._tensor_str._tensor_str). */
function renderBody(t: PrintableTensor, numel: number): string {
  const toDouble = t.dtype === "float32" ? Math.fround : (v: number) => v;
  const layout: Layout = {
    shape: t.shape,
    strides: rowMajorStrides(t.shape),
    read: (k) => toDouble(t.values[k]),
    summarize: numel > THRESHOLD,
  };
  const shown = shownValues(layout);
  const floating = t.dtype === "float32" || t.dtype === "float64";
  const fmt = floating ? floatingFormatter(shown) : integralFormatter(shown, t.dtype);
  if (t.shape.length === 0) return fmt.format(layout.read(0));
  return renderBlock(layout, fmt, 0, 0, PREFIX.length);
}

/** Python's `str(tuple(shape))`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** size=, dtype= and autograd suffixes, in PyTorch's order. */
function suffixesFor(t: PrintableTensor, numel: number): string[] {
  const suffixes: string[] = [];
  if (numel === 0) {
    // Empty tensors show their shape (unless 1-D) and any non-float32 dtype.
    if (t.shape.length !== 1) suffixes.push(`size=${pythonTuple(t.shape)}`);
    if (t.dtype !== "float32") suffixes.push(`dtype=torch.${t.dtype}`);
  } else if (t.dtype === "float64" || t.dtype === "int32") {
    suffixes.push(`dtype=torch.${t.dtype}`);
  }
  if (t.gradFnName !== null) suffixes.push(`grad_fn=<${t.gradFnName}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  return suffixes;
}

/** Appends `, suffix` pieces, moving one to a fresh indented line when it would pass the line width. */
function appendSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  const pieces = [text];
  // Mirrors PyTorch's arithmetic, which counts two more than the last line's length.
  let lastLineLength = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINEWIDTH) {
      pieces.push(",\n" + " ".repeat(indent) + suffix);
      lastLineLength = indent + suffix.length;
    } else {
      pieces.push(", " + suffix);
      lastLineLength += suffix.length + 2;
    }
  }
  pieces.push(")");
  return pieces.join("");
}

/** What `repr(t)` / `str(t)` prints in PyTorch, e.g. `tensor([0., 1.], requires_grad=True)`. */
export function formatTensor(t: PrintableTensor): string {
  const numel = t.shape.reduce((n, d) => n * d, 1);
  const body = numel === 0 ? "[]" : renderBody(t, numel);
  return appendSuffixes(PREFIX + body, suffixesFor(t, numel), PREFIX.length);
}
