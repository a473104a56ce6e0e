// Closeness and equality of whole tensors: isclose (elementwise), allclose and equal (JS booleans).
import { isFloating, SCALAR_TYPE_NAME } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import { noGrad } from "../autograd/grad-mode.ts";
import { shapeEquals } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkTensorArg, splitOptions } from "./core.ts";
import { T, type OpInfo, type OpSample } from "./opinfo.ts";

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

// ---- samples ------------------------------------------------------------------------------------
const v = (shape: number[], values: readonly (number | string)[], dtype?: "float64" | "int64" | "int32" | "bool") => T(shape, { values, ...(dtype ? { dtype } : {}) });
const NEAR_A = [1, 1.00001, "nan", "inf", "inf", 1e-9, 100, -0.5];
const NEAR_B = [1, 1, "nan", "inf", "-inf", 0, 100.001, -0.5001];

const closeSamples: OpSample[] = [
  { args: [v([8], NEAR_A), v([8], NEAR_B)] },
  { args: [v([8], NEAR_A), v([8], NEAR_B)], kwargs: { equalNan: true } },
  { args: [v([8], NEAR_A, "float64"), v([8], NEAR_B, "float64"), 1e-3, 1e-6] },
  { args: [v([8], NEAR_A), v([8], NEAR_B)], kwargs: { rtol: 0, atol: 0 } },
  { args: [v([2, 1], [1, 2]), v([3], [1, 2.00001, 3])] },
  { args: [v([4], [100, 5, -3, 0], "int64"), v([4], [101, 5, -2, 0], "int64")], kwargs: { rtol: 0.02 } },
  { args: [v([3], [1, 0, 1], "bool"), v([3], [1, 1, 0], "bool")] },
  { args: [T([3, 2], { layout: "T" }), T([3, 2], { layout: "T" })] },
];
const closeErrors: OpSample[] = [
  { args: [T([3], { dtype: "int64" }), T([3])] },
  { args: [T([3]), T([3], { dtype: "float64" })] },
  { args: [T([3]), T([3])], kwargs: { rtol: -0.5 } },
  { args: [T([3]), T([3])], kwargs: { atol: -1e-5 } },
  { args: [T([3]), T([2])] },
];

/** Samples of isclose, allclose and equal. */
export const COMPARE_INFO: OpInfo[] = [
  { name: "isclose", noGrad: true, samples: closeSamples, errors: closeErrors },
  {
    name: "allclose", noGrad: true,
    samples: [...closeSamples, { args: [v([3], [1, 2, 3]), v([3], [1, 2, 3.00001])] }, { args: [v([2], [1, "nan"]), v([2], [1, "nan"])], kwargs: { equalNan: true } }],
    errors: closeErrors,
  },
  {
    name: "equal", noGrad: true,
    samples: [
      { args: [v([3], [1, 2, 3]), v([3], [1, 2, 3])] },
      { args: [v([3], [1, 2, 3]), v([3], [1, 2, 4])] },
      { args: [v([3], [1, 2, 3]), v([1, 3], [1, 2, 3])] },
      { args: [v([2], [1, "nan"]), v([2], [1, "nan"])] },
      { args: [v([2], [1, 2], "int64"), v([2], [1, 2])] },
      { args: [T([3, 2], { layout: "T" }), T([3, 2], { layout: "T" })] },
      { args: [v([2], ["-0", 0]), v([2], [0, "-0"])] },
    ],
    errors: [{ args: [T([3]), 1] }, { args: [2, T([3])] }],
  },
];
