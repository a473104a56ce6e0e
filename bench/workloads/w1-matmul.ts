// W1: float32 square matrix product at n = 64, 256, 1024, in GFLOP/s, on every system.
import * as torch from "tensorgrad";
import { seededData, type Case, type Impl, type Workload } from "../harness.ts";
import { matmulRows } from "../reference.ts";
import { fromData, toData } from "../peers/tensorgrad.ts";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom } from "../peers/jax.ts";

function matmulCase(n: number): Case {
  const a = seededData(n * n, 101 + n), b = seededData(n * n, 202 + n);
  // above n = 256 the float64 reference covers every 16th row (enough to catch a wrong kernel, and fast)
  const rows = n > 256 ? [...Array(n).keys()].filter((i) => i % 16 === 3) : undefined;
  return {
    name: `W1 matmul n=${n}`,
    metric: { unit: "GFLOP/s", flops: 2 * n * n * n },
    tolerance: 1e-4,
    reference: () => [matmulRows(a, b, n, n, n, rows)],
    build: async (system): Promise<Impl> => {
      if (system === "tensorgrad") {
        const A = fromData(a, [n, n]), B = fromData(b, [n, n]);
        return { check: async () => [toData(torch.matmul(A, B))], run: () => { torch.matmul(A, B); } };
      }
      if (system.startsWith("tfjs")) {
        const A = tfFrom(a, [n, n]), B = tfFrom(b, [n, n]);
        return {
          check: async () => { const c = tf.matMul(A, B); const d = c.dataSync(); c.dispose(); return [d]; },
          // the cpu and wasm backends run kernels synchronously: the product exists when matMul returns
          run: () => { tf.matMul(A, B).dispose(); },
          dispose: () => { A.dispose(); B.dispose(); },
        };
      }
      const { numpy: np } = jax();
      const A = jaxFrom(a, [n, n]), B = jaxFrom(b, [n, n]);
      return {
        check: async () => [await np.matmul(A.ref, B.ref).data()],
        run: async () => { const c = await np.matmul(A.ref, B.ref).blockUntilReady(); c.dispose(); },
        dispose: () => { A.dispose(); B.dispose(); },
      };
    },
  };
}

export const w1: Workload = { id: "W1", title: "matmul", cases: () => [64, 256, 1024].map(matmulCase) };
