// Grad mode: the global switch autograd reads, and the scoped helpers noGrad / enableGrad / setGradEnabled.

const state = { enabled: true };

/** Whether operations are being recorded for autograd (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return state.enabled;
}

function runWithMode<T>(flag: boolean, fn: () => T, helper: string): T {
  const prev = state.enabled;
  state.enabled = flag;
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
    state.enabled = prev;
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
