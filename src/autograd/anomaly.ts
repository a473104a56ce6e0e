// Anomaly mode: remembers where each node was made and names the node whose backward produced NaN.
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import type { Node } from "./node.ts";

const state = { enabled: false, checkNan: true };

/** Whether anomaly detection is on (torch.is_anomaly_enabled). */
export function isAnomalyEnabled(): boolean {
  return state.enabled;
}

/**
 * Turns anomaly detection on or off globally: nodes remember the JavaScript stack of the forward call
 * that made them, and a backward producing NaN throws, naming the node and printing that stack.
 * @example torch.autograd.setDetectAnomaly(true)
 */
export function setDetectAnomaly(enabled: boolean, checkNan = true): void {
  state.enabled = enabled;
  state.checkNan = checkNan;
}

/**
 * Runs `fn` with anomaly detection on (torch.autograd.detect_anomaly), restoring the mode afterwards.
 * @example torch.autograd.detectAnomaly(() => loss.backward())
 */
export function detectAnomaly<T>(fn: () => T, checkNan = true): T {
  const prev = { ...state };
  state.enabled = true;
  state.checkNan = checkNan;
  try {
    const r = fn();
    if (r instanceof Promise) throw new TypeError("detectAnomaly() takes a synchronous callback; call torch.autograd.setDetectAnomaly(true) around the await instead");
    return r;
  } finally {
    Object.assign(state, prev);
  }
}

/** The creation stack to store on a new node (anomaly mode only). */
export function forwardStack(): string | null {
  if (!state.enabled) return null;
  const stack = new Error().stack ?? "";
  return stack.split("\n").slice(1).filter((l) => !/[\\/]src[\\/](autograd|ops)[\\/]|[\\/]tensor\.ts/.test(l)).join("\n");
}

/** Throws PyTorch's anomaly error when a backward output contains NaN, after printing the forward stack. */
export function checkAnomaly(node: Node, results: readonly (Tensor | null)[]): void {
  if (!state.checkNan) return;
  results.forEach((g, i) => {
    if (g === null || !g.isFloatingPoint()) return;
    if (!g.ne(g).any().item()) return;
    const where = node._forwardStack ? `\nTraceback of forward call that caused the error:\n${node._forwardStack}` : "";
    (globalThis as unknown as { console: { warn(m: string): void } }).console.warn(`UserWarning: Error detected in ${node.name()}.${where}`);
    throw new RuntimeError(`Function '${node.name()}' returned nan values in its ${i}th output.`);
  });
}
