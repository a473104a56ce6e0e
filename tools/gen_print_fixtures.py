#!/usr/bin/env python3
"""Generate test/fixtures/print.json: real PyTorch reprs for a sweep of tensors.

Run with the system PyTorch (1.13): /usr/bin/python3 tools/gen_print_fixtures.py
Each entry records the tensor's shape, dtype, flat row-major values (float32 values
as the exact double of the float32; non-finite values as "nan"/"inf"/"-inf" and
negative zero as "-0"), autograd state, and the exact repr() PyTorch printed.
"""
import json
import math
import os

import torch

DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
}

f32, f64, i32, i64, b = torch.float32, torch.float64, torch.int32, torch.int64, torch.bool
nan, inf = float("nan"), float("inf")


def encode(v):
    """JSON-safe encoding of one element."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0 and math.copysign(1.0, v) < 0:
        return "-0"
    return v


def entry(name, t):
    flat = t.detach().reshape(-1).tolist()
    return {
        "name": name,
        "shape": list(t.shape),
        "dtype": DTYPE_NAMES[t.dtype],
        "values": [encode(v) for v in flat],
        "requiresGrad": bool(t.requires_grad),
        "gradFnName": None if t.grad_fn is None else type(t.grad_fn).__name__,
        "repr": repr(t),
    }


def T(values, dtype=f32, **kw):
    return torch.tensor(values, dtype=dtype, **kw)


def cases():
    torch.manual_seed(0)
    c = []
    add = lambda name, t: c.append(entry(name, t))

    # 0-d tensors of each dtype
    add("0d float32", T(3.5))
    add("0d float64", T(3.5, f64))
    add("0d int32", T(7, i32))
    add("0d int64 negative", T(-42, i64))
    add("0d bool true", T(True, b))
    add("0d bool false", T(False, b))
    add("0d float32 nan", T(nan))
    add("0d float32 -inf", T(-inf))
    add("0d float32 sci", T(1e-5))
    add("0d float32 whole", T(100.0))
    add("0d float32 zero", T(0.0))
    add("0d float32 negative zero", T(-0.0))
    add("0d float32 requires_grad", T(2.25, requires_grad=True))
    add("0d float64 huge", T(1.5e300, f64))

    # empty tensors
    add("empty 1d float32", T([]))
    add("empty (0,3) float32", torch.empty(0, 3))
    add("empty (2,0,4) float32", torch.empty(2, 0, 4))
    add("empty 1d int32", T([], i32))
    add("empty 1d int64", T([], i64))
    add("empty 1d bool", T([], b))
    add("empty 1d float64", T([], f64))
    add("empty (3,0) int64", torch.empty(3, 0, dtype=i64))
    add("empty requires_grad", torch.empty(0, requires_grad=True))
    add("empty float64 requires_grad (0,2)", torch.empty(0, 2, dtype=f64, requires_grad=True))

    # integer tensors
    add("int64 arange 10", torch.arange(10))
    add("int32 negative", T([-5, 3, -120, 7], i32))
    add("int32 extremes", T([-2147483648, 0, 2147483647], i32))
    add("int64 large", T([2**53, -(2**53), 12345678901, 1], i64))
    add("int64 2^60", T([2**60, -(2**62), 3], i64))
    add("int64 2d", torch.arange(-6, 6).reshape(3, 4))
    add("int32 3d", torch.arange(24, dtype=i32).reshape(2, 3, 4))
    add("int64 wrap 1d", torch.arange(50))
    add("int64 wrap big values", torch.arange(40) * 1000003 - 7)
    add("int64 summarised 1d", torch.arange(2000))
    add("int32 summarised 2d", torch.arange(1200, dtype=i32).reshape(30, 40))
    add("int64 random 2d", torch.randint(-1000, 1000, (4, 5)))

    # bool tensors
    add("bool 1d", T([True, False, True], b))
    add("bool all true", T([True, True], b))
    add("bool 2d", T([[True, False], [False, False]], b))
    add("bool wrap", torch.arange(30) % 3 == 0)
    add("bool summarised", torch.arange(1500) % 2 == 0)

    # float fixed mode
    add("float32 requires_grad leaf", T([0.0, 1.0], requires_grad=True))
    add("float32 randn 5", torch.randn(5))
    add("float32 randn 3x4", torch.randn(3, 4))
    add("float32 randn 2x3x4", torch.randn(2, 3, 4))
    add("float32 randn 4d", torch.randn(2, 2, 2, 3))
    add("float32 randn 4d 3x1x2x2", torch.randn(3, 1, 2, 2))
    add("float64 randn 3x3", torch.randn(3, 3, dtype=f64))
    add("float32 negatives alignment", T([-1.5, 2.25, -100.125]))
    add("float32 0.1", T([0.1, 0.2, 0.3]))
    add("float64 0.1", T([0.1, 0.2, 0.3], f64))
    add("float64 wide fixed", T([1234.5678, 2.0], f64))
    add("float32 big fixed", T([12345678.5, 100000.25], f64))
    add("float32 fixed large float32", T([16777216.5, 20000.75]))

    # whole-number floats (int mode)
    add("float whole arange step 6", torch.arange(0, 30, 6).float())
    add("float whole negative", T([-3.0, 0.0, 12.0]))
    add("float whole ratio 999", T([1.0, 999.0]))
    add("float whole ratio 1001 sci", T([1.0, 1001.0]))
    add("float whole 1e8", T([1e8, 2.0e5]))
    add("float64 whole just above 1e8", T([100000001.0, 1e6], f64))
    add("float64 whole 99999999", T([99999999.0, 123456.0], f64))
    add("float ones 2x2", torch.ones(2, 2))
    add("float zeros 3x3", torch.zeros(3, 3))
    add("float32 whole wrap", torch.arange(60.0))

    # scientific mode
    add("float huge", T([1e10, 1.0]))
    add("float tiny", T([1e-5, 1.0]))
    add("float ratio 1200", T([0.5, 600.0]))
    add("float64 above 1e8 fractional", T([1e8 + 0.5], f64))
    add("float64 tiny 3-digit exponent", T([1e-300, 2.5e-310, 1.0], f64))
    add("float64 subnormal", T([5e-324, 1.0], f64))
    add("float64 max", T([1.7976931348623157e308, -1.0], f64))
    add("float32 large fixed random", torch.randn(4) * 1e6)
    add("float32 sci 2d", torch.randn(3, 3) * torch.tensor([1e-6, 1.0, 1e3]))
    add("float32 large fixed wrap", torch.randn(25) * 1e5)
    add("float32 sci wrap", torch.randn(25) * 1e-5)
    add("float64 sci wrap mixed", torch.randn(14, dtype=f64) * 10.0 ** torch.arange(-7, 7, dtype=f64))
    add("float32 sci negative exponent", T([1.5e-7, -2.5e-6, 3e-5]))

    # precision and rounding edges
    add("float 0.03125", T([0.03125, 0.5]))
    add("float64 0.03125 and 0.09375", T([0.03125, 0.09375, 0.15625], f64))
    add("float 0.00015", T([0.00015, 0.5]))
    add("float64 0.00015", T([0.00015, 0.01], f64))
    add("float64 0.0001 boundary", T([0.0001, 0.05], f64))
    add("float32 0.0001 boundary", T([0.0001, 0.05]))
    add("float 0.99995", T([0.99995, 0.5]))
    add("float64 0.99995", T([0.99995, 0.5], f64))
    add("float 9.99995", T([9.99995, 1.5]))
    add("float64 9.99995", T([9.99995, 1.5], f64))
    add("float64 half-even 0.00005", T([0.00005, 0.00015, 0.00025], f64))
    add("float64 sci rounding up to 10", T([9.99995e-5, 9.99996e5], f64))
    add("float 2.5 int-like no", T([2.5, 3.5, -0.5]))

    # nan / inf / -0
    add("nan with whole", T([nan, 1.0, 2.0]))
    add("nan with fraction", T([nan, 1.5]))
    add("all nan", T([nan, nan]))
    add("all inf", T([inf, inf]))
    add("inf and -inf", T([inf, -inf]))
    add("negative zero and zero", T([-0.0, 0.0]))
    add("negative zero and one", T([-0.0, 1.0]))
    add("negative zero and fraction", T([-0.0, 1.5]))
    add("mix nan inf -inf -0 1", T([nan, inf, -inf, -0.0, 1.0]))
    add("nan with sci", T([nan, 1e-5, 1.0]))
    add("inf with sci whole", T([inf, 1.0, 5000.0]))
    add("float64 nan inf 2d", T([[nan, 0.25], [-inf, 3.0]], f64))
    add("nan big whole", T([nan, -123456.0, 7.0]))

    # long 1-D rows that wrap past 80 columns
    add("float32 fixed wrap", torch.randn(30))
    add("float64 fixed wrap", torch.randn(17, dtype=f64) * 100)
    add("float32 linspace wrap", torch.linspace(0, 1, 21))
    add("float32 2d rows wrap", torch.randn(2, 15))
    add("float32 exactly 1000 elements", torch.randn(1000))

    # summarisation (numel > 1000)
    add("float32 summarised 1d", torch.randn(2000))
    add("float32 summarised 2d", torch.randn(40, 40))
    add("float32 summarised 3d", torch.randn(10, 10, 20))
    add("float32 summarised 3d small dim0", torch.randn(3, 20, 20))
    add("float32 summarised 2 rows", torch.randn(2, 600))
    add("float32 summarised whole", torch.arange(1001.0))
    add("float32 summarised 4d", torch.randn(7, 7, 7, 7))
    add("float64 summarised sci", torch.randn(1200, dtype=f64) * 1e9)
    add("float32 summarised columns", torch.randn(600, 2))

    # autograd: leaves and non-leaves
    x = torch.tensor([1.0, -2.0, 3.5], requires_grad=True)
    add("grad_fn MulBackward0", x * 2)
    add("grad_fn NegBackward0", -x)
    add("grad_fn SumBackward0", x.sum())
    add("grad_fn AddBackward0", x + 1)
    add("grad_fn ExpBackward0", x.exp())
    m = torch.randn(3, 4, requires_grad=True)
    add("requires_grad 2d leaf", m)
    add("grad_fn MmBackward0", m @ torch.randn(4, 2))
    add("grad_fn ViewBackward0", m.view(4, 3))
    xd = torch.randn(3, 8, dtype=f64, requires_grad=True)
    add("float64 grad_fn suffix wrap", xd * 2)
    add("float64 requires_grad suffix wrap", xd)
    add("float64 requires_grad 1d", torch.tensor([1.0, 2.0], dtype=f64, requires_grad=True))
    add("requires_grad wrap 1d", torch.randn(20, requires_grad=True))
    add("grad_fn summarised", torch.randn(1500, requires_grad=True) * 3)
    add("grad_fn MeanBackward0 0d", m.mean())
    return c


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "print.json")
    data = cases()
    with open(out, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {len(data)} fixtures to {os.path.normpath(out)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
