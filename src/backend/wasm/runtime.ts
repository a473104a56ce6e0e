// The slice of the WebAssembly namespace the kernels use (the build has no DOM typings), found once.

export interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
export type WasmInstance = { exports: Record<string, unknown> };
export interface WasmNamespace {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => WasmInstance;
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(m: object, imports: object): Promise<WasmInstance>;
}

/** The engine's WebAssembly namespace, or undefined where there is none. */
export function wasmNamespace(): WasmNamespace | undefined {
  return (globalThis as { WebAssembly?: WasmNamespace }).WebAssembly;
}
