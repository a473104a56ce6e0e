// torch.func: grad, gradAndValue, vjp, jvp, jacrev, jacfwd, hessian as composable function transforms over the tape.
import { Tensor } from "../tensor.ts";
import { grad as autogradGrad } from "../autograd/engine.ts";
import { enableGrad } from "../autograd/grad-mode.ts";
import { RuntimeError } from "../errors.ts";
import { stackRows } from "./stack.ts";
import { zeros, zerosLike } from "../ops/creation.ts";
import { batchAtActiveLevels } from "./batch-rules/autograd.ts";

/** Which positional arguments a transform differentiates. */
export type Argnums = number | readonly number[];

export interface GradTransformOptions {
  argnums?: Argnums;
  /** f returns [output, aux]; the transform returns [grads, aux] */
  hasAux?: boolean;
}

type TensorFn = (...args: Tensor[]) => Tensor | readonly [Tensor, unknown];

/**
 * Note [transform levels]: a transform differentiates w.r.t. fresh copies of its inputs. When an
 * input already requires grad (an outer transform is watching it), the copy is an alias that keeps
 * its history, and the inner derivative is built with createGraph, so transforms compose
 * (grad(grad(f)), jacfwd(jacrev(f))). At the outermost level the result is detached.
 */
function watch(arg: Tensor): Tensor {
  if (!(arg instanceof Tensor)) throw new TypeError("torch.func transforms take Tensor arguments");
  if (!arg.isFloatingPoint()) throw new RuntimeError(`grad requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), but got ${arg.dtype}.`);
  // inside vmap, differentiate w.r.t. a copy batched at every level, so each sample gets its own gradient
  const x = batchAtActiveLevels(arg);
  return x.requiresGrad ? enableGrad(() => x.viewAs(x)) : x.detach().requiresGrad_();
}

const argList = (argnums: Argnums) => (typeof argnums === "number" ? [argnums] : [...argnums]);
const finish = (t: Tensor, nested: boolean) => (nested ? t : t.detach());

function checkScalar(y: Tensor): void {
  if (y.numel() !== 1) throw new RuntimeError(`grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${y.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`);
}

/**
 * Returns a function computing `[gradient(s), value]` of scalar-valued `f` (torch.func.grad_and_value).
 * @example const [g, v] = torch.func.gradAndValue((x) => x.pow(2).sum())(x);
 */
export function gradAndValue(f: TensorFn, options: GradTransformOptions = {}) {
  const { argnums = 0, hasAux = false } = options;
  return (...args: Tensor[]): [Tensor | Tensor[], unknown] => {
    const nested = args.some((a) => a instanceof Tensor && a.requiresGrad);
    const idx = argList(argnums);
    const inputs = args.map((a, i) => (idx.includes(i) ? watch(a) : a));
    const [y, aux] = enableGrad(() => {
      const r = f(...inputs);
      return hasAux ? (r as readonly [Tensor, unknown]) : ([r as Tensor, undefined] as const);
    });
    checkScalar(y);
    const gs = autogradGrad(y, idx.map((i) => inputs[i]), { createGraph: true, allowUnused: true }).map((g, k) => finish(g ?? zerosLike(inputs[idx[k]]), nested));
    const grads = typeof argnums === "number" ? gs[0] : gs;
    const value = finish(y, nested);
    return hasAux ? [grads, [value, aux]] : [grads, value];
  };
}

/**
 * Returns a function computing the gradient of scalar-valued `f` w.r.t. argument `argnums` (torch.func.grad).
 * @example torch.func.grad((x) => x.sin().sum())(x) // cos(x)
 */
export function grad(f: TensorFn, options: GradTransformOptions = {}) {
  const inner = gradAndValue(f, options);
  return (...args: Tensor[]): Tensor | Tensor[] | [Tensor | Tensor[], unknown] => {
    const [g, value] = inner(...args);
    return options.hasAux ? [g, (value as [Tensor, unknown])[1]] : g;
  };
}

/**
 * `[f(...primals), vjpFn]` where `vjpFn(cotangent)` gives the vector-Jacobian products (torch.func.vjp).
 * @example const [y, vjpFn] = torch.func.vjp((x) => x.exp(), x); const [g] = vjpFn(torch.onesLike(y));
 */
export function vjp(f: (...args: Tensor[]) => Tensor, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  const nested = primals.some((a) => a.requiresGrad);
  const inputs = primals.map(watch);
  const y = enableGrad(() => f(...inputs));
  const vjpFn = (cotangent: Tensor) =>
    autogradGrad(y, inputs, { gradOutputs: cotangent, retainGraph: true, createGraph: true, allowUnused: true })
      .map((g, k) => finish(g ?? zerosLike(inputs[k]), nested || cotangent.requiresGrad));
  return [finish(y, nested), vjpFn];
}

/**
 * `[f(...primals), J·tangents]`: the Jacobian-vector product, by the double-vjp construction
 * (the vjp is linear in its cotangent, so differentiating it w.r.t. the cotangent gives J·v).
 * @example const [y, t] = torch.func.jvp((x) => x.pow(2), [x], [v]); // t = 2 x v
 */
export function jvp(f: (...args: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): [Tensor, Tensor] {
  if (primals.length !== tangents.length) throw new RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same length");
  const nested = primals.some((a) => a.requiresGrad) || tangents.some((t) => t.requiresGrad);
  const inputs = primals.map(watch);
  const y = enableGrad(() => f(...inputs));
  const u = zerosLike(y).requiresGrad_();
  const vjps = enableGrad(() => autogradGrad(y, inputs, { gradOutputs: u, createGraph: true, allowUnused: true }));
  const used = vjps.map((g, k) => ({ g, t: tangents[k] })).filter((p) => p.g !== null);
  const [jv] = used.length === 0 ? [null] : autogradGrad(used.map((p) => p.g!), [u], { gradOutputs: used.map((p) => p.t), createGraph: true, allowUnused: true });
  return [finish(y, nested), finish(jv ?? zerosLike(y), nested)];
}

/**
 * The Jacobian of `f` w.r.t. argument `argnums`, one reverse pass per output element (torch.func.jacrev):
 * shape `[...out.shape, ...in.shape]`.
 * @example torch.func.jacrev((x) => x.sin())(x) // diag(cos x)
 */
export function jacrev(f: (...args: Tensor[]) => Tensor, argnums = 0) {
  return (...args: Tensor[]): Tensor => {
    const nested = args.some((a) => a.requiresGrad);
    const inputs = args.map((a, i) => (i === argnums ? watch(a) : a));
    const x = inputs[argnums];
    const y = enableGrad(() => f(...inputs));
    const flat = enableGrad(() => y.reshape(-1));
    const rows: Tensor[] = [];
    for (let i = 0; i < flat.numel(); i++) {
      const [g] = autogradGrad(enableGrad(() => flat.index(i)), [x], { retainGraph: true, createGraph: true, allowUnused: true });
      rows.push(g ?? zerosLike(x));
    }
    return finish(enableGrad(() => stackRows(rows, [...y.shape, ...x.shape], x)), nested);
  };
}

/**
 * The Jacobian of `f` w.r.t. argument `argnums`, one forward (jvp) pass per input element (torch.func.jacfwd).
 * @example torch.func.jacfwd((x) => x.pow(3))(x) // diag(3 x^2)
 */
export function jacfwd(f: (...args: Tensor[]) => Tensor, argnums = 0) {
  return (...args: Tensor[]): Tensor => {
    const nested = args.some((a) => a.requiresGrad);
    const x = args[argnums];
    const cols: Tensor[] = [];
    let outShape: readonly number[] = [];
    for (let j = 0; j < x.numel(); j++) {
      // an unbatched basis tensor (x may be batched inside vmap; e is the same for every sample)
      const flat = zeros(x.numel(), { dtype: x.dtype });
      flat._storage.data[j] = 1;
      const e = flat.reshape(x.shape);
      const g = (xi: Tensor) => f(...args.map((a, i) => (i === argnums ? xi : a)));
      const [y, t] = jvp(g, [x], [e]);
      outShape = y.shape;
      cols.push(t);
    }
    // cols[j] has the output's shape: stack as the last axis, then reshape to [...out, ...in]
    const byColumn = stackRows(cols, [x.numel(), ...outShape], x);
    const moved = enableGrad(() => byColumn.reshape(x.numel(), -1).t().reshape([...outShape, ...x.shape]));
    return finish(moved, nested);
  };
}

/**
 * The Hessian of scalar-valued `f`: jacfwd(jacrev(f)) (torch.func.hessian).
 * @example torch.func.hessian((x) => x.pow(3).sum())(x) // diag(6 x)
 */
export function hessian(f: (...args: Tensor[]) => Tensor, argnums = 0) {
  return jacfwd(jacrev(f, argnums), argnums);
}
