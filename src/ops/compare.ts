// Closeness and equality of whole tensors: isclose (elementwise), allclose and equal (JS booleans).
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { shapeEquals } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, splitOptions } from "./core.ts";

/** isclose / allclose tolerances (PyTorch's keyword names, camelCased). */
export interface CloseOptions {
  readonly rtol?: number;
  readonly atol?: number;
  readonly equalNan?: boolean;
}

type CloseArgs = (number | boolean | CloseOptions)[];

function closeOptions(args: CloseArgs): Required<CloseOptions> {
  const [pos, opts] = splitOptions<CloseOptions>(args);
  return {
    rtol: (pos[0] as number | undefined) ?? opts.rtol ?? 1e-5,
    atol: (pos[1] as number | undefined) ?? opts.atol ?? 1e-8,
    equalNan: (pos[2] as boolean | undefined) ?? opts.equalNan ?? false,
  };
}

/** C++'s default formatting of a double, as PyTorch's messages print it (1e-05, -0.5). */
function cppDouble(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-4) {
    const [m, e] = v.toExponential().split("e");
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(v);
}

/**
 * |a - b| <= atol + rtol |b| elementwise (or a == b, or both NaN with equalNan), broadcasting;
 * a and b must have the same dtype. Integers compare in the default float dtype.
 * @example torch.isclose(torch.tensor([1, 1.001]), torch.tensor([1, 1]), { rtol: 1e-2 }) // tensor([True, True])
 */
export function isclose(a: Tensor, b: Tensor, ...args: CloseArgs): Tensor {
  checkTensorArg("isclose", "input", 1, a);
  checkTensorArg("isclose", "other", 2, b);
  const { rtol, atol, equalNan } = closeOptions(args);
  if (a.dtype !== b.dtype) throw new RuntimeError(`${SCALAR_TYPE_NAME[a.dtype]} did not match ${SCALAR_TYPE_NAME[b.dtype]}`);
  if (rtol < 0) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${cppDouble(rtol)}`);
  if (atol < 0) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${cppDouble(atol)}`);
  return noGrad(() => {
    let close = a.eq(b);
    if (equalNan && isFloating(a.dtype)) close = close.logicalOr(a.ne(a).logicalAnd(b.ne(b)));
    if (rtol === 0 && atol === 0) return close;
    const fa = isFloating(a.dtype) ? a : a.to("float32"), fb = isFloating(b.dtype) ? b : b.to("float32");
    const allowed = fb.mul(rtol).abs().add(atol);
    const actual = fa.sub(fb).abs();
    // a NaN or infinite error is never within tolerance (inf == inf was settled by eq above)
    return close.logicalOr(actual.lt(Infinity).logicalAnd(actual.le(allowed)));
  });
}

/**
 * Whether every element of a is close to b (isclose's rule), as a JS boolean.
 * @example torch.allclose(x, y, { atol: 1e-6 })
 */
export function allclose(a: Tensor, b: Tensor, ...args: CloseArgs): boolean {
  checkTensorArg("allclose", "input", 1, a);
  checkTensorArg("allclose", "other", 2, b);
  return Boolean(isclose(a, b, ...args).all().item());
}

/**
 * Whether a and b have the same shape and equal elements (NaN is unequal to itself), as a JS boolean.
 * @example torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])) // true
 */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensorArg("equal", "input", 1, a);
  checkTensorArg("equal", "other", 2, b);
  if (!shapeEquals(a.shape, b.shape)) return false;
  return Boolean(noGrad(() => a.eq(b).all().item()));
}
