// Grad mode: the global switch autograd reads, and the scoped helpers noGrad / enableGrad / setGradEnabled.

const state = { enabled: true, inference: false };

/**
 * Note [inference tensors]: every Tensor records at construction whether inference mode was on.
 * Outside inference mode such a tensor cannot be saved for backward (SavedTensor), updated in place
 * (checkInplace) or made to require grad, each with PyTorch's message.
 */

/** Whether inference mode is on (torch.is_inference_mode_enabled): tensors made now are inference tensors. */
export function isInferenceModeEnabled(): boolean {
  return state.inference;
}

/** Whether operations are being recorded for autograd (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return state.enabled;
}

function runWithMode<T>(flag: boolean, fn: () => T, helper: string, inference = state.inference): T {
  const prev = { ...state };
  state.enabled = flag;
  state.inference = inference;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError(
        `${helper}() takes a synchronous callback, but it returned a Promise: a grad mode cannot follow an await. ` +
          "Call torch.setGradEnabled(false) before the await and torch.setGradEnabled(true) after it instead.",
      );
    }
    return result;
  } finally {
    Object.assign(state, prev);
  }
}

/**
 * Runs `fn` with gradient recording off and returns its result; the mode is restored even if `fn` throws.
 * @example const y = torch.noGrad(() => x.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return runWithMode(false, fn, "noGrad");
}

/** Runs `fn` with gradient recording on (inside a noGrad scope, say). */
export function enableGrad<T>(fn: () => T): T {
  return runWithMode(true, fn, "enableGrad");
}

/**
 * With a callback: runs it in the given mode. Without one: sets the mode globally (torch.set_grad_enabled(flag)).
 * @example torch.setGradEnabled(false); await load(); torch.setGradEnabled(true);
 */
export function setGradEnabled(flag: boolean): void;
export function setGradEnabled<T>(flag: boolean, fn: () => T): T;
export function setGradEnabled<T>(flag: boolean, fn?: () => T): T | void {
  if (typeof flag !== "boolean") throw new TypeError("setGradEnabled(): argument 'mode' must be bool");
  if (fn === undefined) {
    state.enabled = flag;
    return;
  }
  return runWithMode(flag, fn, "setGradEnabled");
}

/**
 * Runs `fn` in inference mode: no recording, and the tensors it makes are inference tensors, which
 * autograd refuses to save or update in place later (PyTorch's errors). Pass false to run normally.
 * @example const y = torch.inferenceMode(() => model(x));
 */
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(a: boolean | (() => T), b?: () => T): T {
  const [mode, fn] = typeof a === "function" ? [true, a] : [a, b!];
  return mode ? runWithMode(false, fn, "inferenceMode", true) : runWithMode(state.enabled, fn, "inferenceMode", false);
}
