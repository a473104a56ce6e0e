// Test hook: inside the calling describe block, the wasm elementwise kernels take tensors of every size (threshold 0), restored after.
import { after, before } from "node:test";
import { setWasmElementwiseThreshold } from "../../src/backend/wasm/elementwise.ts";

/** Registers before/after hooks that set the wasm elementwise threshold to 0 and restore it. */
export function wasmForEverySize(): void {
  let prev = 0;
  before(() => { prev = setWasmElementwiseThreshold(0); });
  after(() => { setWasmElementwiseThreshold(prev); });
}
