// relu's gradient as one kernel: PyTorch's threshold_backward(g, y, 0) = y <= 0 ? 0 : g, differentiable again.
import { record, type GradSpec } from "../autograd/record.ts";
import type { Tensor } from "../tensor.ts";
import { binaryKernel } from "./binary.ts";

// The op's own gradient, upstream G: d/dg = G masked the same way (the op itself); d/dy = 0 (piecewise constant in y)
const SPEC: GradSpec = {
  node: "ThresholdBackwardBackward0", saves: { inputs: [1] },
  backward: ([G], s) => [s.needsGrad(0) ? thresholdBackward(G, s.input(1)) : null, null],
};

/**
 * `g` where `y` > 0 (or NaN), else +0: the gradient of relu given its output `y` and the output's
 * gradient `g` (same shape), in one pass (no bool mask tensor), recorded for double backward.
 * @example thresholdBackward(torch.tensor([1, 2, 3]), torch.tensor([0, 5, -1])) // tensor([0, 2, 0])
 */
export function thresholdBackward(g: Tensor, y: Tensor): Tensor {
  return record(SPEC, [g, y], [binaryKernel("thresholdBackward", g, y, g.dtype)], undefined)[0];
}
