# Generates test/fixtures/overlap.json: PyTorch's answers (result or exception) to in-place ops whose operands overlap in memory.
# Run: /usr/bin/python3 tools/gen_overlap_fixtures.py  (test/inplace-overlap.test.ts runs the same cases by name)
import json, torch

def x6(): return torch.arange(6.)
def x4(): return torch.arange(4.).reshape(2, 2)
def x12(): return torch.arange(12.).reshape(3, 4)

def partial_row():
    x = x12(); return x.add_(x[0])
def transposed_self():
    x = x4(); return x.add_(x.t())
def same_tensor():
    x = x4(); return x.add_(x)
def same_view():
    x = x4(); return x.mul_(x.view(2, 2))
def column_not_dense():
    x = x12(); return x.sub_(x[:, 1:2] * 0 + x[:, 1:2]) # a fresh tensor: no overlap
def shifted_copy():
    x = x6(); return x[1:4].copy_(x[0:3])
def disjoint_halves():
    x = x6(); return x[0:3].mul_(x[3:6])
def expanded_add():
    return torch.zeros(1).expand(3).add_(1)
def expanded_fill():
    return torch.zeros(1).expand(3).fill_(1)
def expanded_zero():
    return torch.zeros(1).expand(3).zero_()
def expanded_copy():
    return torch.zeros(1).expand(3).copy_(torch.ones(3))
def expanded_exp():
    return torch.zeros(1).expand(3).exp_()
def expanded_size_one():
    return torch.zeros(1, 1).expand(1, 1).add_(1)
# (a strided self overlapping an input is "too hard" for PyTorch's check: no error, and its result depends
# on element order, undefined behaviour, so it has no case here)

CASES = [partial_row, transposed_self, same_tensor, same_view, column_not_dense, shifted_copy, disjoint_halves,
         expanded_add, expanded_fill, expanded_zero, expanded_copy, expanded_exp, expanded_size_one]

out = {}
for f in CASES:
    try:
        r = f()
        out[f.__name__] = {"values": r.reshape(-1).tolist(), "error": None}
    except Exception as e:
        out[f.__name__] = {"values": None, "error": {"type": type(e).__name__, "message": str(e)}}
with open("test/fixtures/overlap.json", "w") as fh:
    json.dump({"torch": torch.__version__, "cases": out}, fh, indent=1)
    fh.write("\n")
print(json.dumps(out, indent=1))
