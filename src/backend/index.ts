// The active backend: ref by default; swappable so faster backends can be measured against it.
import { refBackend } from "./ref/index.ts";
import type { Backend } from "./types.ts";

let active: Backend = refBackend;

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
