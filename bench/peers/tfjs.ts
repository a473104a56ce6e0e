// TensorFlow.js as benchmarked systems: the pure-JS cpu backend and the WebAssembly backend (not tfjs-node).
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { System } from "../harness.ts";

/** TF.js on one backend ("cpu" or "wasm"); activating switches the global backend. */
export class TfjsSystem implements System {
  readonly id: string;
  readonly #backend: "cpu" | "wasm";

  constructor(backendName: "cpu" | "wasm") {
    this.#backend = backendName;
    this.id = `tfjs-${backendName}`;
  }

  async activate(): Promise<void> {
    if (!(await tf.setBackend(this.#backend))) throw new Error(`tf.setBackend("${this.#backend}") failed`);
    await tf.ready();
  }

  describe(): string {
    const name = tf.getBackend();
    if (name !== "wasm") return `tfjs ${tf.version_core} ${name}`;
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT"), threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
    return `tfjs ${tf.version_core} wasm (XNNPACK; simd=${simd}, threads=${threads})`;
  }
}

/** A float32 tf.Tensor of `shape` holding `data`. */
export function tfFrom(data: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(data, shape, "float32");
}

export { tf };
