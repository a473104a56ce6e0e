// One OpInfo sample run end to end as comparable text: its outputs and leaf gradients (NaN and -0 kept apart), or its error.
import * as torch from "tensorgrad";
import type { allOpInfos } from "../../src/ops/registry.ts";
import { buildSample, callOp, concreteSample, type BuildContext } from "./samples.ts";
import { tensorsOf } from "./dual.ts";

/**
 * Runs sample `i` of `info` from seed 0, then `passes` backward passes from its first output (a
 * fixed weighting; every pass but the last retains the graph, so later ones re-read the saved
 * tensors and accumulate into the leaves' gradients in place), and returns the outputs' and leaf
 * gradients' values as JSON, or the error's name and message.
 */
export function sampleResult(info: ReturnType<typeof allOpInfos>[number], i: number, passes = 1): string {
  torch.manualSeed(0);
  const ctx: BuildContext = { leaves: [] };
  try {
    const { args, kwargs } = buildSample(concreteSample(info, "samples", i, info.samples[i]), ctx);
    const outs = tensorsOf(callOp(info, args, kwargs));
    const first = outs[0];
    if (first !== undefined && first.requiresGrad && first.isFloatingPoint()) {
      const w = torch.arange(first.numel()).remainder(5).add(0.5).to(first.dtype).reshape(first.shape);
      for (let p = 1; p <= passes; p++) first.backward(w, { retainGraph: p < passes });
    }
    const vals = (t: torch.Tensor | null): unknown => (t === null ? null : (t.reshape(-1).tolist() as number[]).map((v) => Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v));
    return JSON.stringify({ outs: outs.map(vals), grads: ctx.leaves.map((l) => vals(l.grad)) });
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}
