// torch.autograd.graph: saved-tensor hooks and graph walking (saved-memory statistics of a graph).
import type { Tensor } from "../tensor.ts";
import type { Node } from "./node.ts";

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
      if (!s.alive) continue;
      tensors++;
      elements += s.numel;
    }
  }
  return { tensors, elements };
}
