// OpInfo samples of the gather/scatter family (src/ops/gather.ts): duplicates, broadcasting masks, ints/bool, error texts.
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";

const x = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const long = (shape: number[], values: number[]) => T(shape, { dtype: "int64", values });
const mask = (shape: number[], values: number[]) => T(shape, { dtype: "bool", values });
const m = (name: string, samples: OpSample[], errors: OpSample[], extra: Partial<OpInfo> = {}): OpInfo => ({ name, method: true, samples, errors, ...extra });

// rows of a [2, 3] index with duplicates along dim 1
const I23 = long([2, 3], [0, 2, 0, 1, 1, 1]);
const reduceSamples = (reduce: string): OpSample[] => [
  { args: [x([2, 3]), 1, I23, x([2, 3]), reduce] },
  { args: [x([2, 3]), 1, I23, x([2, 3]), reduce], kwargs: { includeSelf: false } },
  { args: [x([3, 2], { dtype: "float64" }), 0, long([2, 2], [2, 2, 0, 2]), x([2, 2], { dtype: "float64" }), reduce], kwargs: { includeSelf: false } },
];

/** Samples of the gather/scatter family. */
export const GATHER_INFO: OpInfo[] = [
  m("gather", [
    { args: [x([2, 3]), 1, I23] }, { args: [x([3, 2]), 0, long([2, 2], [2, 0, 2, 2])] }, { args: [x([3, 2], { layout: "T" }), -1, long([3, 1], [1, 0, 1])] },
    { args: [T([2, 3], { dtype: "int32" }), 1, I23] }, { args: [x([]), 0, long([], [0])] }, { args: [x([2, 3], { dtype: "float64" }), 0, long([0, 3], [])] },
  ], [
    { args: [x([2, 3]), 1, T([2, 2], { values: [0, 1, 1, 0] })] }, { args: [x([2, 3]), 1, long([1, 2], [0, 3])] }, { args: [x([2, 3]), 1, long([1, 2], [0, -1])] },
    { args: [x([2, 3]), 1, long([2], [0, 1])] }, { args: [x([2, 3]), 1, long([3, 1], [0, 0, 0])] }, { args: [x([2, 3]), 2, I23] },
  ]),
  m("scatter", [
    { args: [x([2, 3]), 1, long([2, 2], [2, 0, 1, 2]), x([2, 2])] }, { args: [T([2, 3]), 1, long([2, 2], [2, 0, 1, 2]), T([2, 3])] }, { args: [x([3, 2]), 0, long([1, 2], [2, 0]), 1.5] },
    { args: [x([3, 2], { layout: "T" }), -2, long([1, 2], [0, 2]), x([1, 2])] }, { args: [T([2, 3], { dtype: "int64" }), 1, long([2, 1], [0, 2]), 7] },
    { args: [T([2, 2], { dtype: "bool" }), 0, long([1, 2], [1, 0]), T([1, 2], { dtype: "bool", values: [1, 1] })] },
  ], [
    { args: [x([2, 3]), 1, T([2, 2], { values: [0, 1, 1, 0] }), x([2, 2])] }, { args: [x([2, 3]), 1, long([1, 2], [0, 5]), x([2, 3])] },
    { args: [x([2, 3]), 1, long([2, 3], [0, 0, 0, 0, 0, 0]), x([2, 2])] }, { args: [x([2, 3]), 1, long([2, 2], [0, 1, 1, 0]), x([2, 2], { dtype: "float64" })] },
  ]),
  m("scatterAdd", [
    { args: [x([2, 3]), 1, I23, x([2, 3])] }, { args: [x([3, 2], { dtype: "float64" }), 0, long([3, 2], [0, 0, 0, 2, 2, 0]), x([3, 2], { dtype: "float64" })] },
    { args: [x([3]), -1, long([4], [2, 2, 2, 0]), x([4])] }, { args: [T([3]), -1, long([4], [2, 2, 2, 0]), T([5])] }, { args: [T([3], { dtype: "int32" }), 0, long([2], [1, 1]), T([2], { dtype: "int32" })] },
  ], [{ args: [x([2, 3]), 0, long([1, 2], [2, 0]), x([2, 3])] }, { args: [x([2, 3]), 1, T([1, 2], { dtype: "int32", values: [0, 1] }), x([2, 3])] }]),
  m("scatterReduce", [
    ...reduceSamples("sum"), ...reduceSamples("mean"), ...reduceSamples("amax"), ...reduceSamples("amin"), ...reduceSamples("prod"),
    // ties between self and src for amax; zeros for prod (one and two per slot)
    { args: [x([3], { values: [1, 2, 0.5] }), 0, long([3], [0, 0, 1]), x([3], { values: [1, 0.25, 2] }), "amax"], skipGradGrad: "a tie between self and src" },
    { args: [x([3], { values: [1, 2, 0.5] }), 0, long([4], [0, 0, 1, 1]), x([4], { values: [0, 3, 0, 0] }), "prod"], skipGradGrad: "several zeros in one product" },
    { args: [x([3], { values: [0, 2, 0.5] }), 0, long([3], [0, 0, 2]), x([3], { values: [3, 0.5, 4] }), "prod"] },
    { args: [T([3], { dtype: "int64", values: [4, 1, 7] }), 0, long([3], [0, 0, 2]), T([3], { dtype: "int64", values: [1, 2, 4] }), "mean"] },
  ], [{ args: [x([2, 3]), 0, I23, x([2, 3]), "foo"] }, { args: [x([2, 3]), 1, long([1, 2], [3, 0]), x([2, 3]), "sum"] }]),
  m("indexSelect", [
    { args: [x([3, 2]), 0, long([4], [2, 0, 2, 1])] }, { args: [x([2, 3], { layout: "T" }), -1, long([1], [1])] },
    { args: [x([2, 3], { dtype: "float64" }), 1, T([2], { dtype: "int32", values: [2, 2] })] }, { args: [x([2, 3]), 0, long([], [1])] },
    { args: [T([2, 2], { dtype: "bool" }), 1, long([3], [1, 0, 1])] }, { args: [x([2, 3]), 1, long([0], [])] },
  ], [
    { args: [x([2, 3]), 0, T([1], { values: [0] })] }, { args: [x([2, 3]), 0, long([2, 1], [0, 1])] }, { args: [x([2, 3]), 0, long([1], [2])] },
    { args: [x([2, 3]), 0, long([1], [-1])] },
  ]),
  m("indexAdd", [
    { args: [x([3, 2]), 0, long([3], [0, 2, 0]), x([3, 2])] }, { args: [x([2, 3]), 1, long([2], [2, 2]), x([2, 2])], kwargs: { alpha: 2.5 } },
    { args: [x([2, 3], { layout: "T", dtype: "float64" }), -1, long([3], [1, 0, 1]), x([2, 3], { dtype: "float64" })] },
    { args: [T([3], { dtype: "int64" }), 0, long([2], [1, 1]), T([2], { dtype: "int64" })] },
  ], [
    { args: [x([2, 3]), 0, long([1], [2]), x([1, 3])] }, { args: [x([2, 3]), 0, long([1], [1]), x([2, 3])] }, { args: [x([2, 3]), 0, long([1], [1]), x([1, 3], { dtype: "float64" })] },
  ]),
  m("indexCopy", [
    { args: [x([3, 2]), 0, long([2], [2, 0]), x([2, 2])] }, { args: [x([2, 3], { layout: "T" }), 1, long([1], [1]), x([2, 1])] },
    { args: [T([2, 3], { dtype: "int32" }), -1, long([2], [0, 2]), T([2, 2], { dtype: "int32" })] },
  ], [{ args: [x([2, 3]), 0, long([1], [1]), x([2, 3])] }, { args: [x([2, 3]), 0, long([1], [5]), x([1, 3])] }, { args: [x([2, 3]), 0, long([1], [1]), x([1, 2])] }]),
  m("indexFill", [
    { args: [x([3, 2]), 0, long([2], [2, 0]), -1.5] }, { args: [x([2, 3]), 1, long([2], [2, 0]), x([])] }, { args: [T([2, 3]), 1, long([2], [-1, 0]), 4] },
    { args: [x([2, 3], { layout: "T", dtype: "float64" }), 0, long([1], [1]), 2] }, { args: [T([2, 3], { dtype: "bool" }), 1, long([1], [1]), true] },
    { args: [x([2, 3]), 1, long([], [2]), x([], { dtype: "float64" })] },
  ], [{ args: [x([2, 3]), 0, long([1], [5]), 1] }, { args: [x([2, 3]), 0, T([1], { values: [1] }), 1] }, { args: [x([2, 3]), 0, long([1], [1]), x([1])] }]),
  m("maskedFill", [
    { args: [x([2, 3]), mask([2, 3], [1, 0, 0, 1, 1, 0]), -2] }, { args: [x([2, 3]), mask([3], [0, 1, 1]), x([])] },
    { args: [x([3]), mask([2, 3], [1, 0, 0, 0, 1, 0]), 0.5] }, { args: [x([3, 2], { layout: "T", dtype: "float64" }), mask([3, 1], [1, 0, 1]), x([])] },
    { args: [T([2, 2], { dtype: "int32" }), mask([2, 2], [1, 0, 0, 1]), 3] }, { args: [x([2, 2]), mask([2, 2], [1, 1, 0, 1]), T([], { dtype: "float64", grad: true })] },
  ], [{ args: [x([2, 3]), mask([2, 3], [1, 0, 0, 1, 1, 0]), x([2])] }, { args: [x([2, 3]), mask([4], [1, 0, 0, 1]), 1] }]),
  m("maskedSelect", [
    { args: [x([2, 3]), mask([2, 3], [1, 0, 0, 1, 1, 0])] }, { args: [x([2, 3]), mask([3], [0, 1, 1])] }, { args: [x([3]), mask([2, 3], [1, 0, 1, 0, 1, 1])] },
    { args: [x([3, 2], { layout: "T", dtype: "float64" }), mask([3, 2], [0, 0, 0, 0, 0, 0])] }, { args: [T([2, 2], { dtype: "int64" }), mask([2, 2], [1, 0, 0, 1])] },
  ], [{ args: [x([2, 3]), x([2, 3])] }, { args: [x([2, 3]), mask([4], [1, 0, 0, 1])] }]),
  m("maskedScatter", [
    { args: [x([2, 3]), mask([2, 3], [1, 0, 0, 1, 1, 0]), x([3])] }, { args: [x([2, 3]), mask([3], [0, 1, 1]), x([2, 3])] },
    { args: [x([3]), mask([2, 3], [1, 0, 1, 0, 1, 1]), x([2, 4], { dtype: "float32" })] },
    { args: [x([3, 2], { layout: "T", dtype: "float64" }), mask([3, 2], [1, 0, 0, 0, 1, 0]), x([2, 2], { dtype: "float64", layout: "T" })] },
  ], [{ args: [x([2, 3]), mask([2, 3], [1, 1, 1, 1, 1, 1]), x([2])] }, { args: [x([2, 3]), mask([2, 3, 3], Array(18).fill(1)), x([18])] }]),
  m("take", [
    { args: [x([2, 3]), long([4], [0, 5, 5, -1])] }, { args: [x([3, 2], { layout: "T" }), long([2, 2], [1, 2, 3, -6])] }, { args: [x([]), long([2], [0, -1])] },
    { args: [T([2, 2], { dtype: "int32" }), long([1], [3])] },
  ], [{ args: [x([2, 3]), long([1], [6])] }, { args: [x([2, 3]), T([1], { values: [1] })] }]),
  m("nonzero", [
    { args: [T([2, 3], { values: [0, 1.5, 0, -2, 0, 3] })] }, { args: [T([2, 2], { dtype: "bool", values: [1, 0, 0, 1] })], kwargs: { asTuple: true } },
    { args: [T([3], { dtype: "int32", values: [0, 0, 0] })] }, { args: [T([2, 2, 2], { dtype: "int64", values: [1, 0, 0, 2, 0, 0, 3, 0] })], kwargs: { asTuple: false } },
    { args: [T([3, 2], { layout: "T", values: [0, 1, 2, 0, 0, 1] })] },
  ], [{ args: [T([2])], kwargs: { asTuple: 3 } }], { noGrad: true }),
];
