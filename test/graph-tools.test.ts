// Graph inspection: DOT and SVG export of an autograd graph, and the explainer for a null .grad.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "tensorgrad";

const { toDot, toSvg, explainGrad } = torch.autograd.graph;

function smallNet() {
  const x = torch.tensor([[1, 2], [3, 4]]);
  const w = torch.tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true });
  const b = torch.tensor([0.1, 0.2], { requiresGrad: true });
  const loss = x.matmul(w).add(b).tanh().sum();
  return { x, w, b, loss };
}

test("toDot lists every node once with edges in the forward direction", () => {
  const { loss } = smallNet();
  const dot = toDot(loss);
  for (const name of ["SumBackward0", "TanhBackward0", "AddBackward0", "MmBackward0", "leaf [2, 2] float32", "leaf [2] float32"]) assert.ok(dot.includes(name), name);
  assert.equal((dot.match(/ -> /g) ?? []).length, 6); // sum->out, tanh->sum, add->tanh, mm->add, w->mm, b->add
  assert.match(dot, /saved: 4 el/); // tanh keeps its output
});

test("toSvg draws one box per node and one line per edge", () => {
  const { loss } = smallNet();
  const svg = toSvg(loss);
  assert.ok(svg.startsWith("<svg"));
  assert.equal((svg.match(/<rect /g) ?? []).length, 6);
  assert.equal((svg.match(/<line /g) ?? []).length, 5);
  assert.ok(svg.includes("MmBackward0"));
});

test("explainGrad says why .grad is null", () => {
  const { x, w, b, loss } = smallNet();
  assert.match(explainGrad(x), /leaf created without requiresGrad/);
  assert.match(explainGrad(w, loss), /call backward\(\)/);
  const h = w.mul(2);
  assert.match(explainGrad(h), /not a leaf \(made by MulBackward0\)/);
  const frozen = torch.noGrad(() => w.mul(2));
  assert.match(explainGrad(frozen), /under noGrad/);
  assert.match(explainGrad(w.detach()), /detached/);
  const other = torch.tensor([1], { requiresGrad: true });
  assert.match(explainGrad(other, loss), /no path from the output/);
  assert.match(explainGrad(torch.tensor([1], { dtype: "int64" })), /only floating point/);
  loss.backward();
  assert.match(explainGrad(b), /has a gradient/);
});
