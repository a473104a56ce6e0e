// tensorgrad as a benchmarked system: data in/out, and a kernel trace naming the backend and kernels that ran.
import * as torch from "tensorgrad";
type Backend = torch.backends.Backend;
const { getBackend: backend, setBackend } = torch.backends;
import type { System } from "../harness.ts";

/** A float32 tensor of `shape` holding `data` (a leaf requiring grad when asked). */
export function fromData(data: Float32Array, shape: number[], requiresGrad = false): torch.Tensor {
  const t = torch.tensor(data).reshape(shape).contiguous().detach();
  return requiresGrad ? t.requiresGrad_() : t;
}

/** The elements of `t` in row-major order. */
export function toData(t: torch.Tensor): number[] {
  return t.reshape(-1).tolist() as number[];
}

/**
 * Computes `t`'s elements if they are still deferred (Note [deferred elementwise] in src/ops/deferred.ts):
 * what any read of them does, without copying them anywhere; a timed repetition whose result nothing
 * reads calls it, as jax-js's calls `blockUntilReady`.
 */
export function materialise(t: torch.Tensor): void {
  void t._storage.data;
}

/** A function of `torch.nn.functional` that a later op-library issue may add (detected at run time). */
export function functional(name: string): ((...args: unknown[]) => torch.Tensor) | undefined {
  const f = (torch.nn.functional as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as (...args: unknown[]) => torch.Tensor) : undefined;
}

/** Wraps every kernel of `inner` to count its calls. */
function tracingBackend(inner: Backend, counts: Map<string, number>): Backend {
  const traced: Record<string, unknown> = { name: inner.name };
  for (const [key, value] of Object.entries(inner)) {
    if (typeof value !== "function") continue;
    const kernel = value as (...args: unknown[]) => unknown;
    traced[key] = (...args: unknown[]): unknown => {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return kernel.apply(inner, args);
    };
  }
  return traced as unknown as Backend;
}

/** tensorgrad on its active backend; `traceBegin`/`traceEnd` bracket a case's check run. */
export class TensorgradSystem implements System {
  readonly id = "tensorgrad";
  #counts = new Map<string, number>();
  #prev: Backend | null = null;
  #last = "";

  async activate(): Promise<void> {}

  /** Counts kernel calls until `traceEnd` (never around timed runs). */
  traceBegin(): void {
    this.#counts = new Map();
    this.#prev = setBackend(tracingBackend(backend(), this.#counts));
  }

  /** Restores the backend and records "name: kernel×calls ...". */
  traceEnd(): void {
    if (this.#prev) setBackend(this.#prev);
    this.#prev = null;
    const kernels = [...this.#counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(" ");
    this.#last = `${backend().name}: ${kernels}`;
  }

  describe(): string {
    return this.#last || backend().name;
  }
}
