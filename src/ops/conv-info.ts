// OpInfo samples for convolution, pooling, padding and resampling (torch.nn.functional), checked against PyTorch 1.13.
import { T, type OpInfo, type OpSample } from "./opinfo.ts";

const F = "nn.functional.";
const info = (name: string, py: string, samples: OpSample[], errors: OpSample[]): OpInfo => ({ name: `${F}${name}`, py: `torch.nn.functional.${py}`, samples, errors });
const g = { grad: true } as const;
const d64 = { dtype: "float64", grad: true } as const;
/** n distinct values (a fixed permutation of multiples of 1/8), so max pooling has no ties and gradcheck is smooth. */
const distinct = (n: number): number[] => Array.from({ length: n }, (_, i) => (((i * 7919) % n) - Math.floor(n / 2)) / 8);

export const CONV_INFO: OpInfo[] = [
  info("conv1d", "conv1d", [
    { args: [T([2, 3, 6], g), T([4, 3, 3], g), T([4], g)] },
    { args: [T([3, 7], d64), T([2, 3, 2], d64)], kwargs: { stride: 2, padding: 1 } },
    { args: [T([1, 4, 8], g), T([4, 2, 3], g), null], kwargs: { dilation: 2, groups: 2, padding: "same" } },
  ], [
    { args: [T([6]), T([2, 1, 3])] },
  ]),
  info("conv2d", "conv2d", [
    { args: [T([2, 3, 5, 5], g), T([4, 3, 3, 3], g), T([4], g)] },
    { args: [T([2, 3, 5, 5], d64), T([4, 3, 3, 3], d64), T([4], d64)], kwargs: { stride: 2, padding: 1 } },
    { args: [T([1, 4, 6, 5], g), T([6, 2, 2, 3], g), null, [2, 1], [1, 0], [1, 2], 2] },
    { args: [T([3, 5, 4], d64), T([2, 3, 2, 2], d64)], kwargs: { padding: "same" } },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T" }), T([3, 2, 3, 3], g)], kwargs: { padding: "valid" } },
    { args: [T([2, 2, 4, 4]), T([2, 2, 1, 1])] },
  ], [
    { args: [T([2, 2, 5, 5]), T([4, 3, 3, 3])] },
    { args: [T([1, 3, 2, 2]), T([4, 3, 3, 3])] },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3]), T([3])] },
    { args: [T([5, 5]), T([4, 3, 3, 3])] },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3])], kwargs: { padding: "foo" } },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3])], kwargs: { padding: "same", stride: 2 } },
    { args: [T([1, 4, 5, 5]), T([3, 2, 3, 3])], kwargs: { groups: 2 } },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3])], kwargs: { padding: -1 } },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3])], kwargs: { stride: 0 } },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3])], kwargs: { stride: [1, 1, 1] } },
    { args: [T([1, 3, 5, 5]), T([4, 3, 3, 3], { dtype: "float64" })] },
  ]),
  info("conv3d", "conv3d", [
    { args: [T([1, 2, 4, 3, 4], g), T([3, 2, 2, 2, 3], g), T([3], g)], kwargs: { padding: [1, 0, 1] } },
    { args: [T([2, 3, 3, 3], d64), T([2, 2, 2, 2, 2], d64)], kwargs: { stride: 2, padding: 1 } },
  ], [
    { args: [T([2, 5, 5]), T([2, 1, 3, 3, 3])] },
  ]),
  info("convTranspose1d", "conv_transpose1d", [
    { args: [T([2, 3, 4], g), T([3, 2, 3], g), T([2], g)], kwargs: { stride: 2 } },
    { args: [T([4, 5], d64), T([4, 1, 2], d64)], kwargs: { stride: 3, padding: 1, outputPadding: 2, groups: 2 } },
  ], [
    { args: [T([5]), T([1, 4, 3])] },
  ]),
  info("convTranspose2d", "conv_transpose2d", [
    { args: [T([2, 3, 3, 4], g), T([3, 2, 3, 3], g), T([2], g)] },
    { args: [T([1, 4, 3, 3], d64), T([4, 2, 3, 2], d64), null, 2, 1, 1, 2, [1, 2]] },
    { args: [T([2, 3, 3], g), T([2, 2, 2, 2], g)], kwargs: { stride: [2, 1], padding: [0, 1] } },
  ], [
    { args: [T([2, 2, 5, 5]), T([3, 4, 3, 3])] },
    { args: [T([2, 3, 5, 5]), T([3, 4, 3, 3])], kwargs: { outputPadding: 1 } },
    { args: [T([2, 3, 5, 5]), T([3, 4, 3, 3])], kwargs: { groups: 2 } },
    { args: [T([2, 3, 5, 5]), T([3, 4, 3, 3]), T([3])] },
    { args: [T([2, 3, 1, 1]), T([3, 4, 3, 3])], kwargs: { padding: 3 } },
  ]),
  info("convTranspose3d", "conv_transpose3d", [
    { args: [T([1, 2, 2, 3, 2], g), T([2, 3, 2, 2, 2], g), T([3], g)], kwargs: { stride: 2 } },
    { args: [T([2, 2, 2, 2], d64), T([2, 1, 2, 1, 2], d64)], kwargs: { padding: [1, 0, 0], groups: 2 } },
  ], [
    { args: [T([1, 2, 3, 3, 3]), T([3, 2, 2, 2, 2])] },
  ]),
  info("unfold", "unfold", [
    { args: [T([2, 3, 4, 5], g), 2] },
    { args: [T([2, 4, 5], d64), [2, 3]], kwargs: { dilation: [1, 2], padding: 1, stride: [2, 1] } },
  ], [
    { args: [T([2, 3, 6, 6]), 7] },
    { args: [T([2, 3, 6, 6]), 0] },
  ]),
  info("fold", "fold", [
    { args: [T([2, 12, 20], g), [5, 6], 2] },
    { args: [T([8, 9], d64), [4, 5], [2, 2]], kwargs: { stride: 2, padding: 1 } },
  ], [
    { args: [T([1, 12, 24]), [6, 6], 2] },
    { args: [T([1, 10, 25]), [6, 6], 2] },
    { args: [T([1, 1, 12, 25]), [6, 6], 2] },
  ]),
];

export const POOL_INFO: OpInfo[] = [
  info("maxPool2d", "max_pool2d", [
    { args: [T([2, 3, 5, 5], { ...g, values: distinct(150) }), 2] },
    { args: [T([2, 3, 5, 5], { ...d64, gen: "ties" }), 3], kwargs: { stride: 2, padding: 1, returnIndices: true } },
    { args: [T([3, 6, 5], { ...g, values: distinct(90) }), [3, 2]], kwargs: { stride: [2, 1], dilation: [1, 2], ceilMode: true } },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T", values: distinct(40) }), 2, 1, 1] },
    { args: [T([1, 1, 2, 3], { values: [1, "nan", 3, "-inf", "-inf", 2] }), 2], kwargs: { stride: 1, returnIndices: true } },
  ], [
    { args: [T([2, 3, 6, 6]), 2], kwargs: { padding: 2 } },
    { args: [T([1, 1, 2, 2]), 3] },
    { args: [T([6]), 2] },
    { args: [T([2, 3, 6, 6]), 2], kwargs: { dilation: 0 } },
    { args: [T([2, 3, 6, 6]), [2, 2, 2]] },
  ]),
  info("maxPool1d", "max_pool1d", [
    { args: [T([2, 3, 7], { ...g, values: distinct(42) }), 3], kwargs: { stride: 2, padding: 1 } },
    { args: [T([3, 8], { ...d64, gen: "ties" }), 2], kwargs: { returnIndices: true, ceilMode: true, stride: 3 } },
  ], [
    { args: [T([2, 3, 4, 6]), 2] },
    { args: [T([1, 1, 6]), 2], kwargs: { padding: 2 } },
  ]),
  info("avgPool2d", "avg_pool2d", [
    { args: [T([2, 3, 5, 5], g), 2] },
    { args: [T([2, 3, 5, 5], d64), 3], kwargs: { stride: 2, padding: 1, ceilMode: true, countIncludePad: false } },
    { args: [T([3, 6, 5], g), [3, 2], [2, 1], [1, 0], true, true] },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T" }), 2], kwargs: { divisorOverride: 3 } },
  ], [
    { args: [T([2, 3, 6, 6]), 2], kwargs: { padding: 2 } },
    { args: [T([1, 1, 2, 2]), 3] },
    { args: [T([2, 3, 6, 6]), 2], kwargs: { divisorOverride: 0 } },
  ]),
  info("avgPool1d", "avg_pool1d", [
    { args: [T([2, 3, 7], g), 3], kwargs: { stride: 2, padding: 1 } },
    { args: [T([3, 8], d64), 3], kwargs: { ceilMode: true, countIncludePad: false, padding: 1, stride: 2 } },
  ], [
    { args: [T([2, 3, 4, 6]), 2] },
  ]),
  info("adaptiveAvgPool2d", "adaptive_avg_pool2d", [
    { args: [T([2, 3, 7, 5], g), [3, 2]] },
    { args: [T([3, 5, 6], d64), 4] },
    { args: [T([2, 3, 4, 4], g), 1] },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T" }), [null, 3]] },
  ], [
    { args: [T([6]), 2] },
    { args: [T([2, 3, 6, 6]), -1] },
    { args: [T([2, 3, 6, 6]), [2, 2, 2]] },
  ]),
  info("adaptiveAvgPool1d", "adaptive_avg_pool1d", [
    { args: [T([2, 3, 7], g), 3] },
    { args: [T([3, 5], d64), 8] },
  ], [
    { args: [T([6]), 2] },
  ]),
  info("adaptiveMaxPool2d", "adaptive_max_pool2d", [
    { args: [T([2, 3, 7, 5], { ...g, values: distinct(210) }), [3, 2]] },
    { args: [T([3, 5, 6], { ...d64, gen: "ties" }), 4, true] },
  ], [
    { args: [T([6]), 2] },
  ]),
];

export const PAD_INFO: OpInfo[] = [
  info("pad", "pad", [
    { args: [T([2, 3, 4], g), [1, 2]] },
    { args: [T([2, 3, 4, 5], d64), [1, 0, 2, 1]], kwargs: { value: 1.5 } },
    { args: [T([2, 3, 6], g), [-1, 2, 1, -1]] },
    { args: [T([2, 3, 4], g), [2, 3]], kwargs: { mode: "reflect" } },
    { args: [T([2, 3, 4, 5], d64), [1, 2, 3, 0]], kwargs: { mode: "reflect" } },
    { args: [T([3, 4, 5], g), [2, 2, 1, 3]], kwargs: { mode: "replicate" } },
    { args: [T([2, 3, 4], d64), [-1, 2]], kwargs: { mode: "replicate" } },
    { args: [T([2, 2, 3, 4], d64), [1, 2, 2, 1]], kwargs: { mode: "circular" } },
    { args: [T([2, 3, 4], g), [-1, 2]], kwargs: { mode: "circular" } },
    { args: [T([1, 2, 2, 3, 3], d64), [1, 1, 1, 2, 1, 0]], kwargs: { mode: "reflect" } },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T" }), [1, 1, 1, 1]], kwargs: { mode: "replicate" } },
  ], [
    { args: [T([2, 3, 6, 6]), [1, 1, 1]] },
    { args: [T([2, 3]), [1, 1, 1, 1, 1, 1]] },
    { args: [T([2, 3, 6, 6]), [6, 6, 1, 1]], kwargs: { mode: "reflect" } },
    { args: [T([2, 3, 4]), [4, 1]], kwargs: { mode: "reflect" } },
    { args: [T([2, 3, 6, 6]), [1, 1]], kwargs: { mode: "reflect" } },
    { args: [T([2, 3, 4]), [5, 1]], kwargs: { mode: "circular" } },
    { args: [T([2, 3, 6, 6]), [1, 1]], kwargs: { mode: "foo" } },
    { args: [T([2, 3, 4]), [1, 2]], kwargs: { mode: "reflect", value: 1 } },
    { args: [T([2, 3, 6]), [-4, -3]] },
  ]),
];

export const RESAMPLE_INFO: OpInfo[] = [
  info("interpolate", "interpolate", [
    { args: [T([2, 3, 3, 4], g)], kwargs: { scaleFactor: 2 } },
    { args: [T([1, 2, 5, 4], d64)], kwargs: { size: [3, 7] } },
    { args: [T([2, 3, 5], g)], kwargs: { size: 8 } },
    { args: [T([2, 3, 5], g)], kwargs: { scaleFactor: 1.5 } },
    { args: [T([2, 2, 3, 4], g)], kwargs: { size: [5, 7], mode: "bilinear", alignCorners: true } },
    { args: [T([1, 2, 4, 5], d64)], kwargs: { size: [3, 8], mode: "bilinear", alignCorners: false } },
    { args: [T([1, 2, 3, 3], d64)], kwargs: { scaleFactor: [2, 1.5], mode: "bilinear" } },
    { args: [T([2, 3, 4], d64)], kwargs: { size: 7, mode: "linear", alignCorners: false } },
    { args: [T([1, 2, 5, 4], { grad: true, layout: "T" })], kwargs: { size: [6, 3], mode: "bilinear", alignCorners: false } },
  ], [
    { args: [T([2, 3, 6, 6])] },
    { args: [T([2, 3, 6, 6])], kwargs: { size: 3, scaleFactor: 2 } },
    { args: [T([2, 3, 4])], kwargs: { size: 3, mode: "bilinear" } },
    { args: [T([2, 3, 6, 6])], kwargs: { size: 3, mode: "nearest", alignCorners: true } },
    { args: [T([2, 3, 6, 6])], kwargs: { size: [3, 3, 3] } },
    { args: [T([3, 4])], kwargs: { size: 3 } },
    { args: [T([2, 3, 6, 6])], kwargs: { scaleFactor: 0.1 } },
  ]),
  info("pixelShuffle", "pixel_shuffle", [
    { args: [T([2, 8, 2, 3], g), 2] },
    { args: [T([9, 2, 2], d64), 3] },
  ], [
    { args: [T([1, 7, 2, 2]), 2] },
    { args: [T([8, 2]), 2] },
  ]),
  info("pixelUnshuffle", "pixel_unshuffle", [
    { args: [T([2, 2, 4, 6], g), 2] },
  ], [
    { args: [T([1, 2, 3, 4]), 2] },
  ]),
];
