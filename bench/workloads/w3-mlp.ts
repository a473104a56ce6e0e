// W3: one SGD training step of a 784-512-256-10 ReLU MLP, batch 128, softmax cross-entropy, in ms per step.
import * as torch from "tensorgrad";
import { seededData, type Case, type Impl, type Workload } from "../harness.ts";
import { mlpLossAndGrads, type MlpData } from "../reference.ts";
import { fromData, toData } from "../peers/tensorgrad.ts";
import { tf, tfFrom } from "../peers/tfjs.ts";
import { jax, jaxFrom, type JaxArray } from "../peers/jax.ts";

const SIZES = [784, 512, 256, 10];
const BATCH = 128;
const LR = 0.01;

/** Seeded batch, one-hot targets and PyTorch-style uniform(±1/√fan_in) parameters. */
export function makeMlpData(): MlpData {
  const L = SIZES.length - 1, C = SIZES[L];
  const labels = seededData(BATCH, 7, 0, C);
  const onehot = new Float32Array(BATCH * C);
  for (let i = 0; i < BATCH; i++) onehot[i * C + Math.floor(labels[i])] = 1;
  const weights: Float32Array[] = [], biases: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    const bound = 1 / Math.sqrt(SIZES[l]);
    weights.push(seededData(SIZES[l + 1] * SIZES[l], 30 + l, -bound, bound));
    biases.push(seededData(SIZES[l + 1], 40 + l, -bound, bound));
  }
  return { sizes: SIZES, batch: BATCH, x: seededData(BATCH * SIZES[0], 5, 0, 1), onehot, weights, biases };
}

// ---- tensorgrad: torch.nn.functional's linear, relu and crossEntropy (probability targets) ----
const F = torch.nn.functional;

/** A tensorgrad MLP on `d`: `forwardBackward` fills .grad, `sgd` steps and clears them. */
export function tensorgradMlp(d: MlpData): { params: torch.Tensor[]; forwardBackward(): torch.Tensor; sgd(): void; step(): void } {
  const x = fromData(d.x, [d.batch, d.sizes[0]]), y = fromData(d.onehot, [d.batch, d.sizes[d.sizes.length - 1]]);
  const params: torch.Tensor[] = [];
  d.weights.forEach((w, l) => params.push(fromData(w, [d.sizes[l + 1], d.sizes[l]], true), fromData(d.biases[l], [d.sizes[l + 1]], true)));
  const forwardBackward = (): torch.Tensor => {
    let h = x;
    for (let l = 0; l < params.length / 2; l++) {
      h = F.linear(h, params[2 * l], params[2 * l + 1]);
      if (l < params.length / 2 - 1) h = h.relu();
    }
    const loss = F.crossEntropy(h, y);
    loss.backward();
    return loss;
  };
  const sgd = (): void => {
    torch.noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(LR)); });
    for (const p of params) p.grad = null;
  };
  return { params, forwardBackward, sgd, step: () => { forwardBackward(); sgd(); } };
}

function mlpCase(): Case {
  const d = makeMlpData();
  return {
    name: "W3 MLP train step",
    metric: { unit: "ms" },
    tolerance: 1e-3,
    reference: () => mlpLossAndGrads(d),
    build: async (system): Promise<Impl> => {
      if (system === "tensorgrad") {
        const m = tensorgradMlp(d);
        return {
          check: async () => {
            const loss = m.forwardBackward();
            const out = [[loss.item()], ...m.params.map((p) => toData(p.grad!))];
            m.sgd();
            return out;
          },
          run: m.step,
        };
      }
      if (system.startsWith("tfjs")) return tfjsMlp(d);
      return jaxMlp(d);
    },
  };
}

let tfVarId = 0;

function tfjsMlp(d: MlpData): Impl {
  const x = tfFrom(d.x, [d.batch, d.sizes[0]]), y = tfFrom(d.onehot, [d.batch, d.sizes[d.sizes.length - 1]]);
  const vars: tf.Variable[] = [];
  d.weights.forEach((w, l) => {
    vars.push(tf.variable(tfFrom(w, [d.sizes[l + 1], d.sizes[l]]), true, `w3_w${l}_${tfVarId++}`));
    vars.push(tf.variable(tfFrom(d.biases[l], [d.sizes[l + 1]]), true, `w3_b${l}_${tfVarId++}`));
  });
  const lossFn = (): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let l = 0; l < vars.length / 2; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l], false, true), vars[2 * l + 1]);
      if (l < vars.length / 2 - 1) h = tf.relu(h);
    }
    return tf.div(tf.sum(tf.mul(tf.logSoftmax(h), y)), -d.batch) as tf.Scalar;
  };
  const step = (read: boolean): number[][] => {
    const { value, grads } = tf.variableGrads(lossFn, vars);
    const out = read ? [Array.from(value.dataSync()), ...vars.map((v) => Array.from(grads[v.name].dataSync()))] : [];
    tf.tidy(() => { for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], LR))); });
    value.dispose();
    tf.dispose(grads);
    return out;
  };
  return {
    check: async () => step(true),
    run: () => { step(false); },
    dispose: () => { x.dispose(); y.dispose(); for (const v of vars) v.dispose(); },
  };
}

function jaxMlp(d: MlpData): Impl {
  const { numpy: np, nn, valueAndGrad, blockUntilReady } = jax();
  const x = jaxFrom(d.x, [d.batch, d.sizes[0]]), y = jaxFrom(d.onehot, [d.batch, d.sizes[d.sizes.length - 1]]);
  let params: JaxArray[] = [];
  d.weights.forEach((w, l) => params.push(jaxFrom(w, [d.sizes[l + 1], d.sizes[l]]), jaxFrom(d.biases[l], [d.sizes[l + 1]])));
  // jax-js moves ownership into every call: reused arrays are passed as `.ref`
  const lossFn = (p: JaxArray[]): JaxArray => {
    let h = x.ref;
    for (let l = 0; l < p.length / 2; l++) {
      h = np.matmul(h, p[2 * l].transpose()).add(p[2 * l + 1]);
      if (l < p.length / 2 - 1) h = nn.relu(h);
    }
    return nn.logSoftmax(h, -1).mul(y.ref).sum().mul(-1 / d.batch);
  };
  const vg = valueAndGrad(lossFn);
  const step = async (read: boolean): Promise<number[][]> => {
    const [loss, grads] = vg(params.map((p) => p.ref));
    const read1 = async (a: JaxArray): Promise<number[]> => Array.from((await a.ref.data()) as ArrayLike<number>);
    const out = read ? [await read1(loss), ...(await Promise.all(grads.map(read1)))] : [];
    loss.dispose();
    params = params.map((p, i) => p.sub(grads[i].mul(LR)));
    await blockUntilReady(params);
    return out;
  };
  return {
    check: () => step(true),
    run: async () => { await step(false); },
    dispose: () => { x.dispose(); y.dispose(); for (const p of params) p.dispose(); },
  };
}

export const w3: Workload = { id: "W3", title: "MLP", cases: () => [mlpCase()] };
