// A tiny WebAssembly binary emitter: LEB128, sections, and the opcodes the matmul kernel uses.
//
// Why hand-emitted bytecode (and not AssemblyScript or another toolchain): the kernel is one small
// function (a register-blocked loop nest), so a ~150-line emitter is less machinery than a compiler
// dev dependency, a build step before `npm test`, and a generated artefact to keep in sync. The module
// is produced at run time from TypeScript, so `npm install` alone builds it, and the tile shape
// (MR x NR) is a parameter we can sweep by measurement.

/** Value types. */
export const I32 = 0x7f, V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit range). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function str(s: string): number[] {
  const bytes = [...s].map((c) => c.charCodeAt(0));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A function body under construction: a flat byte list plus helpers named after the instructions. */
export class FunctionBuilder {
  readonly code: number[] = [];
  readonly #locals: number[] = [];
  readonly #nParams: number;

  constructor(readonly params: readonly number[], readonly results: readonly number[]) {
    this.#nParams = params.length;
  }

  /** Declares a local of `type`; returns its index. */
  local(type: number): number {
    this.#locals.push(type);
    return this.#nParams + this.#locals.length - 1;
  }

  op(...bytes: number[]): this { this.code.push(...bytes); return this; }
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v)); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32Ne(): this { return this.op(0x47); }
  i32Eqz(): this { return this.op(0x45); }
  /** `block` / `loop` / `if` with no result; close each with `end`. */
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  // SIMD (prefix 0xfd, then the opcode as a u32 LEB); memarg = alignment log2, offset
  simd(opcode: number, ...imm: number[]): this { return this.op(0xfd, ...uleb(opcode), ...imm); }
  v128Load(offset: number): this { return this.simd(0x00, 4, ...uleb(offset)); }
  v128Store(offset: number): this { return this.simd(0x0b, 4, ...uleb(offset)); }
  v128Load32Splat(offset: number): this { return this.simd(0x09, 2, ...uleb(offset)); }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Relaxed SIMD fused multiply-add: a * b + c (a, b, c on the stack in that order). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  /** The code-section entry: locals (run-length grouped), body, `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.#locals.length;) {
      let j = i;
      while (j < this.#locals.length && this.#locals[j] === this.#locals[i]) j++;
      groups.push([...uleb(j - i), this.#locals[i]]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module that imports one memory as env.memory and exports `fns` by name (one type per function). */
export function emitModule(fns: readonly { name: string; fn: FunctionBuilder }[], memory: { shared: boolean; maxPages: number }): Uint8Array {
  const types = fns.map(({ fn }) => [0x60, ...vec(fn.params.map((t) => [t])), ...vec(fn.results.map((t) => [t]))]);
  const limits = memory.shared ? [0x03, ...uleb(1), ...uleb(memory.maxPages)] : [0x00, ...uleb(1)];
  const imports = [[...str("env"), ...str("memory"), 0x02, ...limits]];
  const exports = fns.map(({ name }, i) => [...str(name), 0x00, ...uleb(i)]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(fns.map(({ fn }) => fn.encode()))),
  ]);
}
