// OpInfo samples of the extra shape ops (src/ops/shape-ext.ts) and of expandAs / viewAs / reshapeAs.
import { T, type OpInfo, type OpSample, type TensorSpec } from "./opinfo.ts";

const x = (shape: number[], opts: Omit<TensorSpec, "t"> = {}) => T(shape, { grad: true, ...opts });
const m = (name: string, samples: OpSample[], errors: OpSample[]): OpInfo => ({ name, method: true, samples, errors });
const xT = x([3, 2], { layout: "T" });

/** Samples of the shape family. */
export const SHAPE_INFO: OpInfo[] = [
  m("repeat", [{ args: [x([2, 3]), 2, 1] }, { args: [x([3]), [2, 1, 2]] }, { args: [xT, 1, 3] }, { args: [x([2, 3], { dtype: "float64" }), 0, 2] }, { args: [T([2], { dtype: "bool" }), 3] }, { args: [x([]), 2] }],
    [{ args: [x([2, 3]), 2] }, { args: [x([2, 3]), 2, -1] }]),
  m("tile", [{ args: [x([2, 3]), [2]] }, { args: [x([3]), [2, 2]] }, { args: [xT, [1, 2]] }, { args: [T([2], { dtype: "int32" }), 2] }], [{ args: [x([2, 3]), [2, -1]] }]),
  m("repeatInterleave", [
    { args: [x([2, 3]), 2] }, { args: [x([2, 3]), 2, 0] }, { args: [x([2, 3]), T([3], { dtype: "int64", values: [1, 0, 2] }), -1] },
    { args: [xT, T([1], { dtype: "int64", values: [2] }), 1] }, { args: [T([3], { dtype: "int32" }), 3] },
  ], [{ args: [x([2, 3]), -1] }, { args: [x([2, 3]), T([2], { dtype: "int64", values: [1, 2] }), 1] }, { args: [x([2, 3]), T([2], { values: [1, 2] }), 0] }]),
  m("flip", [{ args: [x([2, 3]), 0] }, { args: [x([2, 3, 2]), [0, -1]] }, { args: [xT, 0, 1] }, { args: [T([3], { dtype: "int64" }), 0] }, { args: [x([2, 3], { dtype: "float64" }), []] }],
    [{ args: [x([2, 3]), 0, 0] }, { args: [x([2, 3]), 2] }]),
  m("roll", [
    { args: [x([2, 3]), 1] }, { args: [x([2, 3]), -4, 1] }, { args: [x([2, 3]), [1, 2], [0, 1]] }, { args: [xT, 2, 0] },
    { args: [T([4], { dtype: "bool" }), 1] }, { args: [x([3, 2], { dtype: "float64" }), [5], [-2]] },
  ], [{ args: [x([2, 3]), [1, 2], 0] }, { args: [x([2, 3]), [1, 2]] }]),
  m("rot90", [
    { args: [x([2, 3])] }, { args: [x([2, 3]), 2] }, { args: [x([2, 3, 2]), -1, [2, 0]] }, { args: [xT, 3, [1, 0]] }, { args: [x([2, 3]), 4] },
    { args: [T([2, 2], { dtype: "int32" }), 1] },
  ], [{ args: [x([2, 3]), 1, [0]] }, { args: [x([3]), 1] }, { args: [x([2, 3]), 1, [0, 0]] }, { args: [x([2, 3]), 1, [0, 2]] }, { args: [x([2, 3]), 1, [0, 5]] }]),
  m("tril", [{ args: [x([3, 3])] }, { args: [x([3, 4]), 1] }, { args: [x([2, 3, 2]), -1] }, { args: [xT, -5] }, { args: [T([3, 3], { dtype: "int64" }), 0] }, { args: [T([2, 3], { values: ["nan", 1, 2, "inf", 3, 4] })] }],
    [{ args: [x([3])] }]),
  m("triu", [{ args: [x([3, 3])] }, { args: [x([3, 4]), -1] }, { args: [x([2, 3, 2]), 1] }, { args: [xT, 5] }, { args: [T([3, 3], { dtype: "bool" }), 1] }], [{ args: [x([3])] }]),
  m("diagonal", [
    { args: [x([3, 3])] }, { args: [x([3, 4]), 1] }, { args: [x([2, 3, 4]), -1, 2, 0] }, { args: [xT, 0, -1, -2] }, { args: [x([3, 3]), 5] }, { args: [T([3, 3], { dtype: "int32" }), -1] },
  ], [{ args: [x([2, 3]), 0, 1, 1] }, { args: [x([2, 3]), 0, 0, 2] }]),
  m("diagEmbed", [{ args: [x([3])] }, { args: [x([2, 3]), 1] }, { args: [x([2, 3]), -1, 0, 2] }, { args: [xT, 0, -1, 0] }, { args: [T([2], { dtype: "int64" })] }],
    [{ args: [x([3]), 0, 0, 0] }, { args: [x([3]), 0, 0, 3] }]),
  m("diag", [{ args: [x([3])] }, { args: [x([3]), -1] }, { args: [x([3, 4])] }, { args: [x([3, 4]), 2] }, { args: [xT, -1] }, { args: [T([2], { dtype: "int32" }), 1] }],
    [{ args: [x([2, 2, 2])] }]),
  m("trace", [{ args: [x([3, 3])] }, { args: [x([2, 4], { dtype: "float64" })] }, { args: [xT] }, { args: [T([2, 2], { dtype: "int32" })] }], [{ args: [x([3])] }, { args: [x([2, 2, 2])] }]),
  m("movedim", [{ args: [x([2, 3, 4]), 0, -1] }, { args: [x([2, 3, 4]), [0, 1], [2, 0]] }, { args: [xT, 1, 0] }], [
    { args: [x([2, 3]), [0, 1], [0]] }, { args: [x([2, 3]), [0, 0], [0, 1]] }, { args: [x([2, 3]), [0, 1], [1, 1]] }, { args: [x([2, 3]), 2, 0] },
  ]),
  m("moveaxis", [{ args: [x([2, 3, 4]), -1, 0] }], [{ args: [x([2, 3]), 2, 0] }]),
  m("swapaxes", [{ args: [x([2, 3]), 0, 1] }, { args: [x([2, 3, 4]), -1, 0] }], [{ args: [x([2, 3]), 0, 2] }]),
  m("swapdims", [{ args: [x([2, 3]), 1, 0] }], [{ args: [x([2, 3]), 0, 2] }]),
  m("unflatten", [{ args: [x([2, 6]), 1, [2, 3]] }, { args: [x([6]), 0, [3, -1]] }, { args: [x([6, 2]), -2, [1, 6, 1]] }], [{ args: [x([2, 3]), 1, []] }, { args: [x([2, 3]), 1, [2, 2]] }]),
  m("broadcastTo", [{ args: [x([3, 1]), [3, 4]] }, { args: [x([3]), [2, 3]] }, { args: [x([]), [2]] }], [{ args: [x([2, 3]), [3, 3]] }]),
  m("expandAs", [{ args: [x([3, 1]), T([2, 3, 4])] }, { args: [x([]), T([2])] }], [{ args: [x([2, 3]), T([3, 3])] }]),
  m("viewAs", [{ args: [x([2, 3]), T([6])] }, { args: [x([2, 3]), T([3, 1, 2])] }], [{ args: [xT, T([6])] }]),
  m("reshapeAs", [{ args: [x([2, 3]), T([3, 2])] }, { args: [xT, T([6])] }], [{ args: [x([2, 3]), T([5])] }]),
];
