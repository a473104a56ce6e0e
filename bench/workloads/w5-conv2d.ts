// W5: conv2d [16,8,32,32] * [16,8,3,3], padding 1, forward + backward, in ms ("n/a" until tensorgrad has conv2d).
import { seededData, type Case, type Impl, type Workload } from "../harness.ts";
import { conv2dAndGrads } from "../reference.ts";
import { fromData, functional, toData } from "../peers/tensorgrad.ts";
import type * as torch from "tensorgrad";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom, type JaxArray } from "../peers/jax.ts";

const XS = [16, 8, 32, 32], WS = [16, 8, 3, 3], YS = [16, 16, 32, 32], PAD = 1;
const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Row-major `data` of `shape` with its dims permuted (out dim i = in dim perm[i]). */
function permuted(data: ArrayLike<number>, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = shape.map((_, i) => numel(shape.slice(i + 1)));
  const out = new Float32Array(data.length);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < idx.length; i++) src += idx[i] * inStrides[perm[i]];
    out[o] = data[src];
    for (let i = idx.length - 1; i >= 0; i--) { if (++idx[i] < outShape[i]) break; idx[i] = 0; }
  }
  return out;
}

function convCase(): Case {
  const x = seededData(numel(XS), 51), w = seededData(numel(WS), 52, -0.2, 0.2), g = seededData(numel(YS), 53);
  return {
    name: "W5 conv2d fwd+bwd",
    metric: { unit: "ms" },
    tolerance: 1e-4,
    reference: () => conv2dAndGrads(x, w, g, XS, WS, PAD),
    build: async (system): Promise<Impl | string> => {
      if (system === "tensorgrad") {
        const conv2d = functional("conv2d");
        if (!conv2d) return "n/a (no conv2d)";
        const X = fromData(x, XS, true), W = fromData(w, WS, true), G = fromData(g, YS);
        // ---- [conv-fast] begin ----
        // the timed run leaves its results as tensors (as the peers' runs do); only the check reads them out
        const once = (): torch.Tensor => {
          const y = conv2d(X, W, null, 1, PAD); // PyTorch's positional (input, weight, bias, stride, padding)
          y.mul(G).sum().backward();
          return y;
        };
        const check = async (): Promise<number[][]> => {
          const out = [toData(once()), toData(X.grad!), toData(W.grad!)];
          X.grad = null; W.grad = null;
          return out;
        };
        return { check, run: () => { once(); X.grad = null; W.grad = null; } };
        // ---- [conv-fast] end ----
      }
      // TF.js convolves NHWC with HWIO filters: its data is laid out so, and results permuted back to check
      if (system.startsWith("tfjs")) {
        const X = tfFrom(permuted(x, XS, [0, 2, 3, 1]), [16, 32, 32, 8]), W = tfFrom(permuted(w, WS, [2, 3, 1, 0]), [3, 3, 8, 16]);
        const G = tfFrom(permuted(g, YS, [0, 2, 3, 1]), [16, 32, 32, 16]);
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same"), G));
        const grads = tf.grads(f);
        return {
          check: async () => {
            const y = tf.conv2d(X as tf.Tensor4D, W as tf.Tensor4D, 1, "same"), [dx, dw] = grads([X, W]);
            const out = [permuted(y.dataSync(), [16, 32, 32, 16], [0, 3, 1, 2]), permuted(dx.dataSync(), [16, 32, 32, 8], [0, 3, 1, 2]), permuted(dw.dataSync(), [3, 3, 8, 16], [3, 2, 0, 1])];
            tf.dispose([y, dx, dw]);
            return out;
          },
          run: () => { tf.dispose(grads([X, W])); },
          dispose: () => tf.dispose([X, W, G]),
        };
      }
      const { lax, grad } = jax();
      const X = jaxFrom(x, XS), W = jaxFrom(w, WS), G = jaxFrom(g, YS);
      const conv = (a: JaxArray, b: JaxArray): JaxArray => lax.conv(a, b, [1, 1], [[PAD, PAD], [PAD, PAD]]);
      const grads = grad((p: JaxArray[]) => conv(p[0], p[1]).mul(G.ref).sum());
      return {
        check: async () => {
          const y = await conv(X.ref, W.ref).data();
          const [dx, dw] = grads([X.ref, W.ref]);
          return [y, await dx.data(), await dw.data()];
        },
        run: async () => { const [dx, dw] = grads([X.ref, W.ref]); await dx.blockUntilReady(); await dw.blockUntilReady(); dx.dispose(); dw.dispose(); },
        dispose: () => { X.dispose(); W.dispose(); G.dispose(); },
      };
    },
  };
}

export const w5: Workload = { id: "W5", title: "conv2d", cases: () => [convCase()] };
