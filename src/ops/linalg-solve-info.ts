// Samples of the LU-based linalg ops (det, slogdet, inv, solve, lu_factor): well-conditioned, near-singular and singular matrices.
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";

/**
 * Values of `count` strictly diagonally dominant n×n matrices (row-major): ±2 on the diagonal and
 * multiples of 1/8 up to 1/2 off it (n ≤ 4), so every matrix is invertible and well conditioned.
 */
function dominant(count: number, n: number, seed = 0): number[] {
  const v: number[] = [];
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) v.push(i === j ? ((b + i + seed) % 3 === 0 ? -2 : 2) : (((i * 5 + j * 3 + b * 7 + seed) % 9) - 4) / 8);
    }
  }
  return v;
}

type Opts = Omit<TensorSpec, "t" | "values">;
/** A requires-grad batch of dominant matrices of shape [...batch, n, n]. */
const mats = (shape: number[], opts: Opts = {}, seed = 0): TensorSpec => {
  const n = shape[shape.length - 1], count = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return T(shape, { grad: true, values: dominant(count, n, seed), ...opts });
};
const f64 = { dtype: "float64" } as const;
/** det = 1/512: invertible, but with entries of A⁻¹ near 1000 (float64 keeps PyTorch's digits); no pivot ties. */
const nearSingular = T([2, 2], { grad: true, dtype: "float64", values: [2, 1, 1, 0.5 + 1 / 1024] });
/** Needs row swaps at every step (no ties among the candidate pivots). */
const pivoting = T([3, 3], { grad: true, values: [0.5, 2, 1, 3, 1, -1, 1, -2, 2] });
/** Rank 2; LAPACK meets the zero pivot at step 3 in A, at step 2 in Aᵀ. */
const SINGULAR = [1, 2, 3, 2, 4, 6, 1, 1, 1];
const singular = (opts: Omit<TensorSpec, "t"> = {}) => T([3, 3], { values: SINGULAR, ...opts });
const singularT = T([3, 3], { values: [1, 2, 1, 2, 4, 1, 3, 6, 1] });
const zeroBatch = T([2, 2, 2], { values: [0, 0, 0, 0, 1, 0, 0, 1] });
const rect = T([2, 3], { grad: true });
const ints = T([3, 3], { dtype: "int64", gen: "int" });

/** The samples every square-matrix function shares (forward, gradients, gradcheck). */
const SQUARE: OpSample[] = [
  { args: [mats([3, 3])] }, { args: [mats([2, 3, 3], {}, 1)] }, { args: [mats([2, 1, 2, 2], f64, 2)] },
  { args: [mats([3, 3], { layout: "T" }, 3)] }, { args: [mats([1, 1], f64)] }, { args: [nearSingular] }, { args: [pivoting] },
];
/** The shape and dtype errors they share. */
const SQUARE_ERRORS: OpSample[] = [{ args: [rect] }, { args: [ints] }, { args: [T([3], { grad: true })] }];
/** Singular inputs: the message names the zero pivot of Aᵀ for a contiguous A, of A otherwise. */
const SINGULAR_ERRORS: OpSample[] = [{ args: [singular()] }, { args: [singular({ layout: "T" })] }, { args: [singularT] }, { args: [zeroBatch] }];

/** Samples of the LU-based ops. */
export const LINALG_SOLVE_INFO: OpInfo[] = [
  {
    name: "linalg.det", py: "torch.linalg.det",
    // a singular matrix has determinant 0 (no gradient sample: PyTorch 1.13 returns zeros there, later ones the cofactors)
    samples: [...SQUARE, { args: [singular()] }, { args: [zeroBatch] }],
    errors: SQUARE_ERRORS,
  },
  { name: "det", samples: [{ args: [mats([2, 3, 3])] }, { args: [mats([2, 2], f64)] }], errors: [{ args: [rect] }] },
  {
    name: "linalg.slogdet", py: "torch.linalg.slogdet",
    samples: [...SQUARE, { args: [singular()] }],
    errors: SQUARE_ERRORS,
  },
  { name: "slogdet", samples: [{ args: [mats([2, 3, 3], f64)] }], errors: [{ args: [ints] }] },
  {
    name: "linalg.inv", py: "torch.linalg.inv",
    samples: SQUARE,
    errors: [...SQUARE_ERRORS, ...SINGULAR_ERRORS],
  },
  { name: "inverse", samples: [{ args: [mats([2, 2, 2])] }, { args: [nearSingular] }], errors: [{ args: [rect] }, { args: [singular()] }] },
  {
    name: "linalg.solve", py: "torch.linalg.solve",
    samples: [
      { args: [mats([3, 3]), T([3, 2], { grad: true })] },
      { args: [mats([3, 3], f64, 1), T([3], { grad: true, dtype: "float64" })] },
      { args: [mats([2, 3, 3], {}, 2), T([2, 3], { grad: true })] },
      { args: [mats([3, 3], {}, 3), T([2, 3, 2], { grad: true })] },
      { args: [mats([2, 1, 2, 2], f64), T([3, 2, 1], { grad: true, dtype: "float64" })] },
      { args: [mats([3, 3], { layout: "T" }), T([3, 2], { grad: true, layout: "T" })] },
      { args: [mats([2, 3, 3], {}, 4), T([2, 2, 3], { grad: true })], kwargs: { left: false } },
      { args: [mats([3, 3], f64, 5), T([2, 1, 3], { grad: true, dtype: "float64" })], kwargs: { left: false } },
      { args: [nearSingular, T([2, 2], { grad: true, dtype: "float64" })] },
      { args: [pivoting, T([3], { grad: true })] },
    ],
    errors: [
      { args: [singular(), T([3])] }, { args: [T([2, 3, 3], { values: [...dominant(1, 3), ...SINGULAR] }), T([3])] },
      { args: [rect, T([2])] }, { args: [mats([3, 3]), T([4])] }, { args: [mats([3, 3]), T([2, 4])] },
      { args: [mats([3, 3]), T([3, 2])], kwargs: { left: false } }, { args: [mats([2, 3, 3]), T([2, 3])], kwargs: { left: false } }, { args: [mats([3, 3]), T([3], f64)] },
      { args: [ints, T([3], { dtype: "int64", gen: "int" })] },
    ],
  },
  {
    name: "linalg.luFactor", py: "torch.linalg.lu_factor",
    samples: [
      { args: [mats([3, 3])] }, { args: [pivoting] }, { args: [mats([2, 2, 2], f64, 1)] }, { args: [mats([3, 3], { layout: "T" }, 2)] },
      { args: [nearSingular] }, { args: [T([2, 3], { values: [1, 2, 3, 4, 5, 6] })] }, { args: [T([3, 2], { values: [1, 2, 4, 5, 3, 3] })] },
    ],
    errors: [{ args: [T([3])] }, { args: [ints] }, { args: [singular()] }, { args: [zeroBatch] }],
  },
];
