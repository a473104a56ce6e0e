// W2: the fused-in-spirit elementwise expression a*b+c over 2^20 float32 elements, in ms.
import * as torch from "tensorgrad";
import { seededData, type Case, type Impl, type Workload } from "../harness.ts";
import { fromData, materialise, toData } from "../peers/tensorgrad.ts";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom } from "../peers/jax.ts";

const N = 1 << 20;

function muladdCase(): Case {
  const a = seededData(N, 1), b = seededData(N, 2), c = seededData(N, 3);
  return {
    name: "W2 a*b+c 2^20",
    metric: { unit: "ms" },
    tolerance: 1e-5,
    reference: () => {
      const values = new Float64Array(N);
      for (let i = 0; i < N; i++) values[i] = a[i] * b[i] + c[i];
      return [{ values }];
    },
    build: async (system): Promise<Impl> => {
      if (system === "tensorgrad") {
        const A = fromData(a, [N]), B = fromData(b, [N]), C = fromData(c, [N]);
        return { check: async () => [toData(A.mul(B).add(C))], run: () => { materialise(torch.add(torch.mul(A, B), C)); } };
      }
      if (system.startsWith("tfjs")) {
        const A = tfFrom(a, [N]), B = tfFrom(b, [N]), C = tfFrom(c, [N]);
        const f = (): tf.Tensor => tf.tidy(() => tf.add(tf.mul(A, B), C));
        return {
          check: async () => { const y = f(); const d = y.dataSync(); y.dispose(); return [d]; },
          run: () => { f().dispose(); },
          dispose: () => { A.dispose(); B.dispose(); C.dispose(); },
        };
      }
      jax();
      const A = jaxFrom(a, [N]), B = jaxFrom(b, [N]), C = jaxFrom(c, [N]);
      return {
        check: async () => [await A.ref.mul(B.ref).add(C.ref).data()],
        run: async () => { const y = await A.ref.mul(B.ref).add(C.ref).blockUntilReady(); y.dispose(); },
        dispose: () => { A.dispose(); B.dispose(); C.dispose(); },
      };
    },
  };
}

export const w2: Workload = { id: "W2", title: "a*b+c", cases: () => [muladdCase()] };
