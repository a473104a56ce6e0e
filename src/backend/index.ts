// The active backend: js (ref's kernels with measured fast paths) by default; swappable, with `ref`
// (the executable spec) always available, so faster backends can be measured and tested against it.
import { jsBackend } from "./js/index.ts";
import type { Backend } from "./types.ts";

let active: Backend = jsBackend;

/** The backend kernels run on now. */
export function backend(): Backend {
  return active;
}

/** Switches the kernel backend (tests run every backend against `ref`). Returns the previous one. */
export function setBackend(b: Backend): Backend {
  const prev = active;
  active = b;
  return prev;
}

export type { Backend, View, UnaryCode, BinaryCode, ReduceCode } from "./types.ts";
