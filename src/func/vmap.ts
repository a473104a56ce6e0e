// torch.func.vmap: maps a function over a batch dim with batching rules (no per-sample loop); inDims/outDims, nesting, functorch's errors.
import { Tensor } from "../tensor.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { normalizeDim } from "../shape.ts";
import { materialize, withLevel, wrap, type VmapLevel } from "./batched.ts";

/** Where each positional argument is mapped: a dim, null (not mapped), or per element of an array argument. */
export type InDims = number | null | readonly InDims[];
/** Where the batch dim goes in each output. */
export type OutDims = number | readonly OutDims[];

export interface VmapOptions {
  /** a dim for every argument, or one entry per positional argument (default 0) */
  inDims?: InDims;
  /** a dim for every output, or one entry per output (default 0) */
  outDims?: OutDims;
  /** "error" (default): random ops inside f throw; "same": one draw shared by all samples; "different": independent draws per sample (batch-rules/random.ts) */
  randomness?: VmapLevel["randomness"];
}

/** What f may return: a tensor, or (nested) arrays of tensors. */
export type VmapOutput = Tensor | readonly VmapOutput[];

function pyType(x: unknown): string {
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (typeof x === "number") return Number.isInteger(x) ? "<class 'int'>" : "<class 'float'>";
  if (typeof x === "boolean") return "<class 'bool'>";
  if (typeof x === "string") return "<class 'str'>";
  if (Array.isArray(x)) return "<class 'list'>";
  return `<class '${typeof x}'>`;
}

/** Python's repr of a dims spec: the top level a tuple, nested arrays lists. */
function repr(x: unknown, top = true): string {
  if (x === null || x === undefined) return "None";
  if (Array.isArray(x)) {
    const items = x.map((v) => repr(v, false));
    return top ? `(${items.join(", ")}${items.length === 1 ? "," : ""})` : `[${items.join(", ")}]`;
  }
  return String(x);
}

/** functorch's TreeSpec text of a structure: leaves `*`, the top-level array a tuple, nested ones lists. */
function treeSpec(x: unknown, top = true): string {
  if (!Array.isArray(x)) return "*";
  return `TreeSpec(${top ? "tuple" : "list"}, None, [${x.map((v) => treeSpec(v, false)).join(", ")}])`;
}

const sameStructure = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) ? Array.isArray(b) && a.length === b.length && a.every((v, i) => sameStructure(v, b[i])) : !Array.isArray(b);

interface Mapped { readonly tensor: Tensor; readonly dim: number; readonly set: (t: Tensor) => void }

/**
 * Maps `f` over a dim of its inputs (torch.func.vmap): `f` sees one sample (the mapped dim removed)
 * and every op runs once on the whole batch through its batching rule. `inDims` picks the mapped dim
 * of each argument (null: not mapped; an array per array argument), `outDims` where the batch dim goes
 * in each output. Nests, and composes with grad/vjp/jvp/jacrev/jacfwd.
 * @example const perSampleGrads = torch.func.vmap(torch.func.grad(loss), { inDims: [null, 0, 0] })(w, xs, ys);
 */
export function vmap<A extends unknown[], R>(f: (...args: A) => R, options: VmapOptions = {}): (...args: A) => R {
  const { inDims = 0, outDims = 0, randomness = "error" } = options;
  const name = f.name || "<lambda>";
  if (randomness !== "error" && randomness !== "same" && randomness !== "different") {
    throw new RuntimeError(`Only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(randomness)}`);
  }
  return (...args: A): R => {
    const where = `vmap(${name}, in_dims=${repr(inDims)}, ...)(<inputs>)`;
    if (args.length === 0) throw new ValueError(`vmap(${name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs. The latter is unsupported.`);
    if (typeof inDims !== "number" && !Array.isArray(inDims)) {
      throw new ValueError(`${where}: expected \`in_dims\` to be int or a (potentially nested) tuple matching the structure of inputs, got: ${pyType(inDims)}.`);
    }
    const mapped: Mapped[] = [];
    const inputs: unknown[] = [...args];
    const walk = (holder: unknown[], i: number, spec: InDims): void => {
      const arg = holder[i];
      if (Array.isArray(spec)) {
        if (!Array.isArray(arg) || arg.length !== spec.length) throw new ValueError(structureError(inDims, args, where));
        const copy = [...arg];
        holder[i] = copy;
        spec.forEach((s, k) => walk(copy, k, s));
        return;
      }
      if (Array.isArray(arg)) {
        const copy = [...arg];
        holder[i] = copy;
        copy.forEach((_, k) => walk(copy, k, spec));
        return;
      }
      if (spec === null) return;
      if (typeof spec !== "number" || !Number.isInteger(spec)) throw new ValueError(`${where}: Got in_dim=${String(spec)} for an input but in_dim must be either an integer dimension or None.`);
      if (!(arg instanceof Tensor)) throw new ValueError(`${where}: Got in_dim=${spec} for an input but the input is of type ${pyType(arg)}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim`);
      const n = arg.dim();
      if (spec < -n || spec >= n) throw new ValueError(`${where}: Got in_dim=${spec} for some input, but that input is a Tensor of dimensionality ${n} so expected in_dim to satisfy -${n} <= in_dim < ${n}.`);
      mapped.push({ tensor: arg, dim: spec < 0 ? spec + n : spec, set: (t) => { holder[i] = t; } });
    };
    if (typeof inDims === "number") inputs.forEach((_, i) => walk(inputs, i, inDims));
    else {
      if (inDims.length !== args.length) throw new ValueError(structureError(inDims, args, where));
      inDims.forEach((s, i) => walk(inputs, i, s));
    }
    if (mapped.length === 0) throw new ValueError("vmap: Expected at least one Tensor to vmap over");
    const sizes = mapped.map((m) => m.tensor.shape[m.dim]);
    if (sizes.some((s) => s !== sizes[0])) throw new ValueError(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.join(", ")}] for the mapped dimension`);
    return withLevel(sizes[0], randomness, (level) => {
      for (const m of mapped) m.set(wrap(m.tensor.movedim(m.dim, 0), level));
      const out = f(...(inputs as A));
      return unwrapOutputs(out, outDims, level, sizes[0], name) as R;
    });
  };
}

function structureError(inDims: InDims, args: readonly unknown[], where: string): string {
  return `${where}: in_dims is not compatible with the structure of \`inputs\`. in_dims has structure ${treeSpec(inDims)} but inputs has structure ${treeSpec(args)}.`;
}

function unwrapOutputs(out: unknown, outDims: OutDims, level: number, size: number, name: string): VmapOutput {
  const check = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(check);
    else if (!(o instanceof Tensor)) throw new ValueError(`vmap(${name}, ...): \`${name}\` must only return Tensors, got type ${pyType(o)} as a return.`);
  };
  check(out);
  const validDims = (d: unknown): boolean => (Array.isArray(d) ? d.every(validDims) : typeof d === "number" && Number.isInteger(d));
  if (!validDims(outDims)) {
    throw new ValueError(`vmap(${name}, ..., out_dims=${repr(outDims)}): \`out_dims\` must be an int or a python collection of ints representing where in the outputs the vmapped dimension should appear.`);
  }
  if (Array.isArray(outDims) && !sameStructure(outDims, out) && !(outDims.length === 1 && !Array.isArray(out))) {
    throw new ValueError(`vmap(${name}, ..., out_dims=${repr(outDims)})(<inputs>): out_dims is not compatible with the structure of \`outputs\`. out_dims has structure ${treeSpec(outDims)} but outputs has structure ${treeSpec(out)}.`);
  }
  const go = (o: VmapOutput, d: OutDims): VmapOutput => {
    if (Array.isArray(o)) return o.map((v: VmapOutput, i: number) => go(v, Array.isArray(d) ? d[i] : d));
    const dim = Array.isArray(d) ? d[0] : d;
    const p = materialize(o as Tensor, level, size);
    return p.movedim(0, normalizeDim(dim as number, p.dim()));
  };
  return go(out as VmapOutput, outDims);
}
