// gradcheck / gradgradcheck: compare autograd's Jacobians with central finite differences, as PyTorch does.
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { grad } from "./engine.ts";
import { enableGrad, noGrad } from "./grad-mode.ts";
import { zerosLike } from "../ops/creation.ts";

/** PyTorch's gradcheck failure. */
export class GradcheckError extends RuntimeError {}

/** Options of gradcheck, with PyTorch's defaults. */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const asOutputs = (y: Tensor | readonly Tensor[]): Tensor[] => (Array.isArray(y) ? [...y] : [y as Tensor]);

/** Reads/writes element `i` (row-major) of t in place, bypassing autograd. */
function elementAccess(t: Tensor): { get(i: number): number; set(i: number, v: number): void } {
  const offsets: number[] = [];
  const idx = new Array<number>(t.dim()).fill(0);
  for (let k = 0; k < t.numel(); k++) {
    offsets.push(t._offset + idx.reduce((acc, v, d) => acc + v * t._strides[d], 0));
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d] < t.shape[d]) break; idx[d] = 0; }
  }
  const storage = t._storage, data = storage.data;
  return { get: (i) => data[offsets[i]], set: (i, v) => { storage.beforeWrite(); data[offsets[i]] = v; storage.bump(); } };
}

function flatValues(t: Tensor): number[] {
  return (t.contiguous().detach().reshape(-1).tolist() as number[]).map(Number);
}

/** Numerical Jacobian column by column: d out[o] / d in[j], by central differences. */
function numericalJacobian(fn: Fn, inputs: Tensor[], k: number, eps: number): number[][][] {
  const x = inputs[k];
  const acc = elementAccess(x);
  const cols: number[][][] = [];
  for (let j = 0; j < x.numel(); j++) {
    const orig = acc.get(j);
    acc.set(j, orig + eps);
    const plus = noGrad(() => asOutputs(fn(...inputs)).map(flatValues));
    acc.set(j, orig - eps);
    const minus = noGrad(() => asOutputs(fn(...inputs)).map(flatValues));
    acc.set(j, orig);
    cols.push(plus.map((p, o) => p.map((v, i) => (v - minus[o][i]) / (2 * eps))));
  }
  return cols; // cols[j][output][i]
}

/** Analytical Jacobian row by row via vector-Jacobian products with one-hot vectors. */
function analyticalJacobian(fn: Fn, inputs: Tensor[], k: number): number[][][] {
  const outs = asOutputs(fn(...inputs));
  const rows: number[][][] = []; // rows[output][i][j]
  outs.forEach((out, o) => {
    rows.push([]);
    for (let i = 0; i < out.numel(); i++) {
      const v = zerosLike(out);
      elementAccess(v).set(i, 1);
      const gradOutputs = outs.map((other, p) => (p === o ? v : zerosLike(other)));
      const live = outs.map((t, p) => ({ t, g: gradOutputs[p] })).filter((e) => e.t.requiresGrad);
      const [g] = live.length === 0 ? [null] : grad(live.map((e) => e.t), [inputs[k]], { gradOutputs: live.map((e) => e.g), retainGraph: true, allowUnused: true });
      rows[o].push(g === null ? new Array<number>(inputs[k].numel()).fill(0) : flatValues(g));
    }
  });
  return rows;
}

/**
 * Checks autograd's gradients of `fn` against finite differences for every input that requires
 * grad (use float64 inputs). Returns true, or throws GradcheckError (returns false with raiseException: false).
 * @example torch.autograd.gradcheck((x) => x.exp(), [torch.randn(3, { dtype: "float64", requiresGrad: true })])
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const ins = [...inputs];
  for (let k = 0; k < ins.length; k++) {
    if (!ins[k].requiresGrad) continue;
    const num = numericalJacobian(fn, ins, k, eps);
    const ana = analyticalJacobian(fn, ins, k);
    for (let o = 0; o < ana.length; o++) {
      for (let i = 0; i < ana[o].length; i++) {
        for (let j = 0; j < ins[k].numel(); j++) {
          const a = ana[o][i][j], n = num[j][o][i];
          const close = Math.abs(a - n) <= atol + rtol * Math.abs(n) || (Number.isNaN(a) && Number.isNaN(n));
          if (!close) {
            const msg = `Jacobian mismatch for output ${o} with respect to input ${k},\nnumerical:${n}\nanalytical:${a}\n(at output element ${i}, input element ${j})`;
            if (raiseException) throw new GradcheckError(msg);
            return false;
          }
        }
      }
    }
  }
  return true;
}

/**
 * gradcheck of the gradient: checks second derivatives of `fn` (its backward must be differentiable).
 * `gradOutputs` default to fixed pseudo-random values.
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], gradOutputs?: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  // only floating outputs carry gradients (integer/bool outputs are not differentiable)
  const outs = noGrad(() => asOutputs(fn(...inputs))).filter((o) => o.isFloatingPoint());
  const vs = gradOutputs ? [...gradOutputs] : outs.map((o, n) => pseudoRandomLike(o, n));
  const diffInputs = inputs.filter((t) => t.requiresGrad);
  // the numerical Jacobian evaluates this under noGrad: the first derivative itself needs recording on
  const firstOrder = (...all: Tensor[]): Tensor[] => enableGrad(() => {
    const xs = all.slice(0, inputs.length);
    const gs = all.slice(inputs.length);
    const ys = asOutputs(fn(...xs)).filter((o) => o.isFloatingPoint());
    const grads = grad(ys, xs.filter((t) => t.requiresGrad), { gradOutputs: gs, createGraph: true, allowUnused: true });
    return grads.map((g, i) => g ?? zerosLike(diffInputs[i]));
  });
  return gradcheck(firstOrder, [...inputs, ...vs], options);
}

function pseudoRandomLike(t: Tensor, salt: number): Tensor {
  const v = zerosLike(t).requiresGrad_(true);
  const acc = elementAccess(v);
  for (let i = 0; i < t.numel(); i++) acc.set(i, Math.sin(1 + i * 1.7 + salt) * 0.9);
  return v;
}
