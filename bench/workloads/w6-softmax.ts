// W6: softmax over the last dim of [256, 4096], forward + backward, in ms.
import type * as torch from "tensorgrad";
import { seededData, type Case, type Impl, type Workload } from "../harness.ts";
import { softmaxAndGrad } from "../reference.ts";
import { fromData, functional, toData } from "../peers/tensorgrad.ts";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom, type JaxArray } from "../peers/jax.ts";

const ROWS = 256, COLS = 4096;

/** softmax over the last dim: torch.nn.functional.softmax when it exists, else composed from amax/sub/exp/sum/div. */
function softmax(x: torch.Tensor): torch.Tensor {
  const f = functional("softmax");
  if (f) return f(x, -1);
  const e = x.sub(x.amax(-1, true).detach()).exp(); // the max shift is a constant, as in PyTorch's kernel
  return e.div(e.sum(-1, true));
}

function softmaxCase(): Case {
  const x = seededData(ROWS * COLS, 61, -4, 4), g = seededData(ROWS * COLS, 62);
  return {
    name: "W6 softmax fwd+bwd",
    metric: { unit: "ms" },
    tolerance: 1e-4,
    reference: () => softmaxAndGrad(x, g, ROWS, COLS),
    build: async (system): Promise<Impl> => {
      if (system === "tensorgrad") {
        const X = fromData(x, [ROWS, COLS], true), G = fromData(g, [ROWS, COLS]);
        const once = (): torch.Tensor => { const y = softmax(X); y.mul(G).sum().backward(); return y; };
        return {
          check: async () => { const y = once(); const out = [toData(y), toData(X.grad!)]; X.grad = null; return out; },
          run: () => { once(); X.grad = null; },
        };
      }
      if (system.startsWith("tfjs")) {
        const X = tfFrom(x, [ROWS, COLS]), G = tfFrom(g, [ROWS, COLS]);
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), G)));
        return {
          check: async () => {
            const y = tf.softmax(X), d = dx(X);
            const out = [y.dataSync(), d.dataSync()];
            tf.dispose([y, d]);
            return out;
          },
          run: () => { dx(X).dispose(); },
          dispose: () => tf.dispose([X, G]),
        };
      }
      const { nn, grad } = jax();
      const X = jaxFrom(x, [ROWS, COLS]), G = jaxFrom(g, [ROWS, COLS]);
      const dx = grad((t: JaxArray) => nn.softmax(t, -1).mul(G.ref).sum());
      return {
        check: async () => [await nn.softmax(X.ref, -1).data(), await dx(X.ref).data()],
        run: async () => { const d = await dx(X.ref).blockUntilReady(); d.dispose(); },
        dispose: () => { X.dispose(); G.dispose(); },
      };
    },
  };
}

export const w6: Workload = { id: "W6", title: "softmax", cases: () => [softmaxCase()] };
