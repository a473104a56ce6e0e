// jax-js (@jax-js/jax) on its WebAssembly device as an optional benchmarked system.
import type { Array as JaxArray } from "@jax-js/jax";
import type { System } from "../harness.ts";

export type { JaxArray };

/** The jax-js module's type (loaded lazily: the peer is optional). */
export type Jax = typeof import("@jax-js/jax");

let loaded: Jax | null = null;

/** The initialised jax-js module; `JaxSystem.activate` must have succeeded. */
export function jax(): Jax {
  if (!loaded) throw new Error("jax-js is not initialised");
  return loaded;
}

/** jax-js eager ops (no jit) on the "wasm" device. */
export class JaxSystem implements System {
  readonly id = "jax-wasm";
  #version = "";

  async activate(): Promise<void> {
    if (loaded) return;
    const mod = await import("@jax-js/jax");
    const devices = await mod.init("wasm");
    if (!devices.includes("wasm")) throw new Error(`init("wasm") gave ${JSON.stringify(devices)}`);
    mod.defaultDevice("wasm");
    loaded = mod;
    try {
      // the package does not export its package.json: read it next to the resolved entry point
      const { createRequire } = await import("node:module");
      const { readFileSync } = await import("node:fs");
      const entry = createRequire(import.meta.url).resolve("@jax-js/jax");
      const pkg = JSON.parse(readFileSync(new URL("../package.json", `file://${entry}`), "utf8")) as { version: string };
      this.#version = pkg.version;
    } catch { /* the version is cosmetic */ }
  }

  describe(): string {
    return `jax-js ${this.#version} ${loaded ? loaded.defaultDevice() : "?"} (eager, no jit)`;
  }
}

/** A float32 jax array of `shape` holding `data`. */
export function jaxFrom(data: Float32Array, shape: number[]): JaxArray {
  return jax().numpy.array(data).reshape(shape);
}
