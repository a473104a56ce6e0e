// W4: a chain of 1000 tiny elementwise ops on a 1-element tensor, forward + backward, in µs per op (per-op overhead).
import type * as torch from "tensorgrad";
import type { Case, Impl, Workload } from "../harness.ts";
import { CHAIN_CYCLE, chainValueAndGrad } from "../reference.ts";
import { fromData, toData } from "../peers/tensorgrad.ts";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom, type JaxArray } from "../peers/jax.ts";

const OPS = 1000;
const X0 = 0.5;

/** The chain on any system whose tensors have mul/add/exp/log methods. */
function chain<T extends { mul(c: number): T; add(c: number): T; exp(): T; log(): T }>(x: T): T {
  let y = x;
  for (let i = 0; i < OPS; i++) {
    const { op, c } = CHAIN_CYCLE[i % CHAIN_CYCLE.length];
    y = op === "mul" ? y.mul(c) : op === "add" ? y.add(c) : op === "exp" ? y.exp() : y.log();
  }
  return y;
}

function chainCase(): Case {
  return {
    name: `W4 chain ${OPS} ops`,
    metric: { unit: "µs/op", ops: OPS },
    tolerance: 1e-3,
    reference: () => chainValueAndGrad(X0, OPS),
    build: async (system): Promise<Impl> => {
      if (system === "tensorgrad") {
        const x = fromData(Float32Array.of(X0), [1], true);
        const once = (): torch.Tensor => { const y = chain(x); y.backward(); return y; };
        return {
          check: async () => { const y = once(); const out = [toData(y), toData(x.grad!)]; x.grad = null; return out; },
          run: () => { once(); x.grad = null; },
        };
      }
      if (system.startsWith("tfjs")) {
        const x = tfFrom(Float32Array.of(X0), [1]);
        const vg = tf.valueAndGrad((t: tf.Tensor) => chain(t));
        const once = (): number[][] => {
          const { value, grad } = vg(x);
          const out = [Array.from(value.dataSync()), Array.from(grad.dataSync())];
          value.dispose(); grad.dispose();
          return out;
        };
        return { check: async () => once(), run: () => { once(); }, dispose: () => x.dispose() };
      }
      const { valueAndGrad, numpy: np } = jax();
      const x = jaxFrom(Float32Array.of(X0), [1]);
      // jax-js arrays have mul/add methods; exp and log are numpy functions
      const jaxChain = (t: JaxArray): JaxArray => {
        let y = t;
        for (let i = 0; i < OPS; i++) {
          const { op, c } = CHAIN_CYCLE[i % CHAIN_CYCLE.length];
          y = op === "mul" ? y.mul(c) : op === "add" ? y.add(c) : op === "exp" ? np.exp(y) : np.log(y);
        }
        return y;
      };
      const vg = valueAndGrad((t: JaxArray) => jaxChain(t).sum());
      const once = (): number[][] => {
        const [value, grad] = vg(x.ref);
        return [Array.from(value.dataSync() as ArrayLike<number>), Array.from(grad.dataSync() as ArrayLike<number>)];
      };
      return { check: async () => once(), run: () => { once(); }, dispose: () => x.dispose() };
    },
  };
}

export const w4: Workload = { id: "W4", title: "op chain", cases: () => [chainCase()] };
