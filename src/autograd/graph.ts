// torch.autograd.graph: saved-tensor hooks and graph walking (saved-memory statistics of a graph).
import type { Tensor } from "../tensor.ts";
import { AccumulateGrad, type Node } from "./node.ts";

export { savedTensorsHooks } from "./saved-tensor.ts";
export type { SavedTensorHooks } from "./saved-tensor.ts";

/** Every node reachable from `root`'s gradFn, each once, found iteratively. */
export function reachableNodes(root: Tensor): Node[] {
  const start = root.gradFn;
  if (start === null) return [];
  const seen = new Set<Node>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const e of n._next) {
      if (e !== null && !seen.has(e.node)) { seen.add(e.node); stack.push(e.node); }
    }
  }
  return [...seen];
}

/**
 * How much the graph behind `root` keeps for backward: the number of saved tensors still held and
 * their total elements (a tensorgrad extension, for measuring memory such as checkpointing's savings).
 * @example torch.autograd.graph.savedTensorStats(loss) // { tensors: 12, elements: 4096 }
 */
export function savedTensorStats(root: Tensor): { tensors: number; elements: number } {
  let tensors = 0, elements = 0;
  for (const n of reachableNodes(root)) {
    for (const s of n._saved) {
      if (s === undefined || !s.alive) continue;
      tensors++;
      elements += s.numel;
    }
  }
  return { tensors, elements };
}

/** A display label for a node: its name, plus the leaf's shape for AccumulateGrad. */
function label(n: Node): string {
  if (n instanceof AccumulateGrad) return `leaf [${n.variable.shape.join(", ")}] ${n.variable.dtype}`;
  const saved = n._saved.filter((s) => s !== undefined && s.alive).map((s) => s!.numel);
  return saved.length > 0 ? `${n.name()}\\nsaved: ${saved.map((k) => `${k} el`).join(", ")}` : n.name();
}

/**
 * The autograd graph behind `root` in Graphviz DOT: one box per node (leaves show shape and dtype,
 * other nodes the saved tensors they hold), arrows in the forward direction.
 * @example writeFileSync("graph.dot", torch.autograd.graph.toDot(loss))
 */
export function toDot(root: Tensor): string {
  const nodes = reachableNodes(root);
  const id = new Map(nodes.map((n, i) => [n, `n${i}`]));
  const lines = ["digraph autograd {", '  node [shape=box, fontname="monospace", fontsize=10];'];
  lines.push(`  out [label="output [${root.shape.join(", ")}] ${root.dtype}", style=filled, fillcolor="#dff0d8"];`);
  for (const n of nodes) {
    const style = n instanceof AccumulateGrad ? ', style=filled, fillcolor="#d9edf7"' : "";
    lines.push(`  ${id.get(n)} [label="${label(n)}"${style}];`);
  }
  if (root.gradFn) lines.push(`  ${id.get(root.gradFn)} -> out;`);
  for (const n of nodes) for (const e of n._next) if (e !== null) lines.push(`  ${id.get(e.node)} -> ${id.get(n)};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The same graph as a self-contained SVG (own layered layout: the output at the top, leaves at the bottom).
 * @example writeFileSync("graph.svg", torch.autograd.graph.toSvg(loss))
 */
export function toSvg(root: Tensor): string {
  const nodes = reachableNodes(root);
  const depth = new Map<Node, number>();
  // longest distance from the root: a node sits below every node that uses it
  const order = topoFromRoot(nodes);
  for (const n of order) {
    const d = depth.get(n) ?? 0;
    depth.set(n, d);
    for (const e of n._next) if (e !== null) depth.set(e.node, Math.max(depth.get(e.node) ?? 0, d + 1));
  }
  const layers: Node[][] = [];
  for (const n of order) (layers[depth.get(n)!] ??= []).push(n);
  const W = 170, H = 34, GX = 20, GY = 30;
  const pos = new Map<Node, { x: number; y: number }>();
  layers.forEach((layer, d) => layer.forEach((n, i) => pos.set(n, { x: GX + i * (W + GX), y: GY + d * (H + GY) })));
  const width = GX + Math.max(1, ...layers.map((l) => l.length)) * (W + GX);
  const height = GY + layers.length * (H + GY);
  const parts: string[] = [];
  for (const n of nodes) {
    for (const e of n._next) {
      if (e === null) continue;
      const a = pos.get(n)!, b = pos.get(e.node)!;
      parts.push(`<line x1="${a.x + W / 2}" y1="${a.y + H}" x2="${b.x + W / 2}" y2="${b.y}" stroke="#888" marker-end="url(#arrow)"/>`);
    }
  }
  for (const n of nodes) {
    const { x, y } = pos.get(n)!;
    const fill = n instanceof AccumulateGrad ? "#d9edf7" : "#f5f5f5";
    const [first, second] = label(n).split("\\n");
    parts.push(`<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="4" fill="${fill}" stroke="#555"/>`);
    parts.push(`<text x="${x + W / 2}" y="${y + (second ? 14 : 21)}" text-anchor="middle" font-family="monospace" font-size="10">${escapeXml(first)}</text>`);
    if (second) parts.push(`<text x="${x + W / 2}" y="${y + 27}" text-anchor="middle" font-family="monospace" font-size="9" fill="#666">${escapeXml(second)}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>',
    ...parts,
    "</svg>",
  ].join("\n") + "\n";
}

/** Nodes ordered so every node comes before the nodes it sends gradients to (Kahn's algorithm). */
function topoFromRoot(nodes: readonly Node[]): Node[] {
  const indeg = new Map<Node, number>(nodes.map((n) => [n, 0]));
  for (const n of nodes) for (const e of n._next) if (e !== null) indeg.set(e.node, indeg.get(e.node)! + 1);
  const queue = nodes.filter((n) => indeg.get(n) === 0);
  const out: Node[] = [];
  while (queue.length > 0) {
    const n = queue.shift()!;
    out.push(n);
    for (const e of n._next) {
      if (e === null) continue;
      const k = indeg.get(e.node)! - 1;
      indeg.set(e.node, k);
      if (k === 0) queue.push(e.node);
    }
  }
  return out;
}

/**
 * Says in words why `t.grad` is (or is not) populated, optionally with respect to the output `root`
 * that backward was (or will be) called on. A tensorgrad extension.
 * @example console.log(torch.autograd.graph.explainGrad(w, loss))
 */
export function explainGrad(t: Tensor, root?: Tensor): string {
  if (t._grad !== null) return "it has a gradient: .grad is populated";
  if (t._gradFn !== null) {
    if (t._retainsGrad) return `it is not a leaf (made by ${t._gradFn.name()}) but retains its gradient: none has arrived yet (backward not called, or no path from the output)`;
    return `it is not a leaf (made by ${t._gradFn.name()}): backward fills .grad only for leaves; call .retainGrad() on it before backward, or use torch.autograd.grad`;
  }
  if (!t.requiresGrad) {
    if (t._provenance === "noGrad") return "it does not require grad: it was computed from tensors that require grad, but under noGrad / setGradEnabled(false)";
    if (t._provenance === "detach") return "it does not require grad: it was detached from the graph (detach())";
    if (!t.isFloatingPoint()) return `it does not require grad: only floating point tensors can (its dtype is ${t.dtype})`;
    return "it does not require grad: it is a leaf created without requiresGrad (call .requiresGrad_() before using it)";
  }
  if (root !== undefined) {
    if (root.gradFn === null) return "the output has no gradFn: it was not computed from tensors that require grad (or under noGrad)";
    const reached = reachableNodes(root).some((n) => n instanceof AccumulateGrad && n.variable === t);
    if (!reached) return "no path from the output to it: the output does not depend on it through recorded operations (it may have been used only through detach(), noGrad, or an integer/bool op)";
    return "the output depends on it: call backward() on the output (its .grad may also have been reset to null since)";
  }
  return "it is a leaf that requires grad: backward has not reached it yet (pass the output as `root` to check for a path)";
}
