// Property tests (fast-check): broadcasting, promotion and views against plain-array models.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as torch from "tensorgrad";

const dim = fc.integer({ min: 1, max: 4 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });

/** Value of a row-major flat array at a multi-index under broadcasting from `shape` to `out`. */
function at(values: number[], shape: number[], out: number[], idx: number[]): number {
  const lead = out.length - shape.length;
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + (shape[i] === 1 ? 0 : idx[i + lead]);
  return values[flat];
}

function* indices(shape: number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
}

const values = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i * 37) % 11 - 5);

test("add broadcasts as the NumPy/PyTorch rule says, and its gradient sums back", () => {
  // derive b's shape from a's by dropping leading dims and setting some to 1
  const pair = shapeArb.chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 0, max: a.length }), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length })));
  fc.assert(fc.property(pair, ([a, drop, ones]) => {
    const b = a.slice(drop).map((s, i) => (ones[i + drop] ? 1 : s));
    const va = values(a), vb = values(b).map((v) => v * 3 + 1);
    const ta = torch.tensor(va).reshape(a).requiresGrad_(), tb = torch.tensor(vb).reshape(b).requiresGrad_();
    const out = ta.add(tb);
    assert.deepEqual(out.shape, torch.broadcastShapes(a, b));
    const flat = out.reshape(-1).tolist() as number[];
    let k = 0;
    for (const idx of indices([...out.shape])) assert.equal(flat[k++], at(va, a, [...out.shape], idx) + at(vb, b, [...out.shape], idx));
    out.sum().backward();
    assert.deepEqual(tb.grad!.shape, b);
    assert.equal(tb.grad!.sum().item(), out.numel());
  }), { numRuns: 100 });
});

test("incompatible shapes raise PyTorch's broadcast error", () => {
  assert.throws(() => torch.ones(2, 3).add(torch.ones(4)), /The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1/);
});

const dtypes: torch.DType[] = ["bool", "int32", "int64", "float32", "float64"];
const rank: Record<torch.DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };
const category = (d: torch.DType) => (d === "bool" ? 0 : d.startsWith("int") ? 1 : 2);

test("promotion is symmetric and follows result_type's category rules", () => {
  fc.assert(fc.property(fc.constantFrom(...dtypes), fc.constantFrom(...dtypes), fc.boolean(), fc.boolean(), (da, db, zeroA, zeroB) => {
    const a = zeroA ? torch.zeros([], { dtype: da }) : torch.zeros([2], { dtype: da });
    const b = zeroB ? torch.zeros([], { dtype: db }) : torch.zeros([2], { dtype: db });
    const r = torch.resultType(a, b);
    assert.equal(r, torch.resultType(b, a));
    if (zeroA === zeroB) assert.equal(r, rank[da] >= rank[db] ? da : db);
    else {
      const [dimD, zeroD] = zeroA ? [db, da] : [da, db];
      assert.equal(r, category(zeroD) > category(dimD) ? zeroD : dimD);
    }
  }));
});

test("JS numbers promote as integer scalars when Number.isInteger, else as float scalars", () => {
  fc.assert(fc.property(fc.constantFrom(...dtypes), fc.oneof(fc.integer({ min: -9, max: 9 }), fc.double({ min: -9, max: 9, noNaN: true })), (d, v) => {
    const t = torch.zeros([2], { dtype: d });
    const r = torch.resultType(t, v);
    const scalar: torch.DType = Number.isInteger(v) ? "int64" : "float32";
    assert.equal(r, category(scalar) > category(d) ? scalar : d);
  }));
});

test("views share storage and match a copied model after permute / transpose / reshape chains", () => {
  const op = fc.constantFrom("t", "permute", "unsqueeze", "flatten", "narrow");
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }), fc.array(op, { maxLength: 5 }), (shape, ops) => {
    let v = torch.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
    const base = v;
    let model = v.clone();
    for (const o of ops) {
      const n = v.dim();
      if (o === "t" && n >= 2) { v = v.transpose(0, n - 1); model = model.transpose(0, n - 1).contiguous(); }
      if (o === "permute") { const p = [...Array(n).keys()].reverse(); v = v.permute(p); model = model.permute(p).contiguous(); }
      if (o === "unsqueeze") { v = v.unsqueeze(n); model = model.unsqueeze(n).contiguous(); }
      if (o === "flatten") { v = v.flatten(); model = model.flatten().contiguous(); }
      if (o === "narrow" && v.shape[0] > 1) { v = v.narrow(0, 1, v.shape[0] - 1); model = model.narrow(0, 1, model.shape[0] - 1).contiguous(); }
    }
    assert.deepEqual(v.tolist(), model.tolist());
    if (v._storage === base._storage && v.numel() > 0) {
      v.mul_(0);
      assert.equal(base.eq(0).sum().item() >= v.numel(), true);
    }
  }));
});
