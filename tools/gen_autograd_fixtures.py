# Runs the autograd scenarios of test/autograd.test.ts in real PyTorch and writes their reprs, node names and error texts to test/fixtures/autograd.json.
import json
import sys
import warnings

import torch

out = {}


def scenario(fn):
    """Records fn()'s dict of results, or the exception it raised, under fn's name."""
    try:
        out[fn.__name__] = fn()
    except Exception as e:  # noqa: BLE001 - recording PyTorch's exception is the point
        out[fn.__name__] = {"error": {"type": type(e).__name__, "message": str(e)}}
    return fn


def err(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    return None


def leaf(values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype, requires_grad=True)


@scenario
def backward_twice():
    x = leaf([1.0, 2.0, 3.0])
    y = (x * x).sum()
    y.backward()
    return {"error": err(lambda: y.backward())}


@scenario
def backward_twice_no_saved():
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    return {"grad": str(x.grad)}


@scenario
def retain_graph_accumulates():
    x = leaf([1.0, 2.0, 3.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return {"grad": str(x.grad)}


@scenario
def leaf_inplace():
    x = leaf([1.0, 2.0])
    return {"error": err(lambda: x.add_(1))}


@scenario
def view_of_leaf_inplace():
    x = leaf([1.0, 2.0])
    return {"error": err(lambda: x[0:1].mul_(2))}


@scenario
def leaf_inplace_no_grad():
    x = leaf([1.0, 2.0])
    with torch.no_grad():
        x.add_(1)
    return {"x": str(x), "version": x._version}


@scenario
def saved_output_modified():
    x = leaf([1.0, 2.0, 3.0])
    y = x.exp()
    y.add_(1)
    return {"error": err(lambda: y.sum().backward())}


@scenario
def saved_input_modified():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 2
    b = a.log()
    a.add_(1)
    return {"error": err(lambda: b.sum().backward()), "a": str(a)}


@scenario
def saved_leaf_modified():
    x = leaf([[1.0, 2.0], [3.0, 4.0]], torch.float64)
    y = x.log()
    with torch.no_grad():
        x.mul_(2)
    return {"error": err(lambda: y.sum().backward())}


@scenario
def non_scalar_backward():
    x = leaf([1.0, 2.0])
    return {"error": err(lambda: (x * 2).backward())}


@scenario
def grad_shape_mismatch():
    x = leaf([1.0, 2.0])
    return {"error": err(lambda: (x * 2).backward(torch.ones(3)))}


@scenario
def no_grad_fn():
    return {"error": err(lambda: torch.ones(2).sum().backward()), "error1": err(lambda: torch.autograd.backward([torch.ones(1, requires_grad=True), torch.ones(1)]))}


@scenario
def grad_unused():
    x = leaf([1.0])
    z = leaf([2.0])
    y = (x * 3).sum()
    r = torch.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
    return {"error": err(lambda: torch.autograd.grad(y, [x, z], retain_graph=True)), "allowed": [str(g) for g in r]}


@scenario
def grad_input_no_grad():
    x = leaf([1.0])
    w = torch.ones(1)
    y = (x * w).sum()
    return {"error": err(lambda: torch.autograd.grad(y, [w]))}


@scenario
def int_requires_grad():
    t = torch.tensor([1, 2])

    def prop():
        t.requires_grad = True

    return {
        "factory": err(lambda: torch.tensor([1, 2], requires_grad=True)),
        "method": err(lambda: t.requires_grad_()),
        "property": err(prop),
    }


@scenario
def non_leaf_requires_grad_false():
    x = leaf([1.0])
    y = x * 2

    def unset():
        y.requires_grad = False

    y.requires_grad_(True)
    return {"error": err(unset)}


@scenario
def hook_on_no_grad():
    return {"error": err(lambda: torch.ones(2).register_hook(lambda g: g))}


@scenario
def accumulation():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    return {"grad": str(x.grad)}


@scenario
def retain_grad_nonleaf():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    return {"y_grad": str(y.grad), "x_grad": str(x.grad), "retains": y.retains_grad}


@scenario
def hooks_replace_grad():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(str(g)) or g * 10)
    h = x.register_hook(lambda g: g + 1)
    y.sum().backward()
    first = str(x.grad)
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    return {"seen": seen, "x_grad": first, "after_remove": str(x.grad)}


@scenario
def second_derivative():
    x = leaf([1.0, 2.0, 3.0], torch.float64)
    y = (x ** 3).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return {"g": str(g), "h": str(h), "g_fn": type(g.grad_fn).__name__}


@scenario
def backward_inputs():
    x = leaf([1.0, 2.0])
    z = leaf([3.0])
    (x * z).sum().backward(inputs=[x])
    return {"x": str(x.grad), "z": str(z.grad)}


@scenario
def copy_slices():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 1
    a[0:2].mul_(2)
    a.sum().backward()
    return {"fn": type(a.grad_fn).__name__, "a": str(a), "grad": str(x.grad)}


@scenario
def copy_slices_other_input():
    x = leaf([1.0, 2.0, 3.0])
    w = leaf([5.0, 7.0])
    z = torch.zeros(3)
    z[1:3].copy_(w * x[0:2])
    z.sum().backward()
    return {"z": str(z), "x": str(x.grad), "w": str(w.grad), "fn": type(z.grad_fn).__name__}


@scenario
def inplace_nonleaf():
    x = leaf([1.0, 2.0])
    a = x * 1
    a.mul_(3)
    fn = type(a.grad_fn).__name__
    a.sum().backward()
    return {"fn": fn, "grad": str(x.grad), "version": a._version}


@scenario
def view_after_base_inplace():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 1
    v = a[0]
    a.mul_(3)
    v.backward()
    return {"grad": str(x.grad), "v": str(v)}


@scenario
def detach_shares_storage():
    x = leaf([1.0, 2.0])
    d = x.detach()
    d.add_(1)
    return {"x": str(x), "d": str(d), "requires": d.requires_grad, "version": x._version}


@scenario
def no_grad_mode():
    x = leaf([1.0])
    with torch.no_grad():
        y = x * 2
    return {"y": str(y), "requires": y.requires_grad, "enabled": torch.is_grad_enabled()}


@scenario
def next_functions():
    x = leaf([1.0])
    y = leaf([2.0])
    z = x * y + 3
    fn = z.grad_fn
    return {
        "fn": type(fn).__name__,
        "next": [[type(n).__name__ if n is not None else None, i] for n, i in fn.next_functions],
        "next2": [[type(n).__name__ if n is not None else None, i] for n, i in fn.next_functions[0][0].next_functions],
    }


@scenario
def mixed_dtype_grads():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0], torch.float64)
    (x * y).sum().backward()
    return {"x": str(x.grad), "y": str(y.grad)}


@scenario
def broadcast_grads():
    x = leaf([1.0, 2.0, 3.0])
    y = leaf([[1.0], [2.0]])
    (x * y).sum().backward()
    return {"x": str(x.grad), "y": str(y.grad)}


@scenario
def assign_grad():
    x = leaf([1.0, 2.0])

    def bad():
        x.grad = torch.ones(3)

    x.grad = torch.ones(2)
    return {"error": err(bad), "grad": str(x.grad)}


@scenario
def zero_nonleaf():
    x = leaf([1.0, 2.0])
    a = x * 2
    a.zero_()
    fn = type(a.grad_fn).__name__
    (a + x).sum().backward()
    return {"fn": fn, "grad": str(x.grad)}


@scenario
def nonleaf_grad_warning():
    x = leaf([1.0])
    y = x * 2
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = y.grad
    return {"grad": str(g), "warning": str(w[0].message) if w else None}


@scenario
def reprs():
    x = leaf([1.0, 2.0])
    return {
        "sum": str((x * 2).sum()),
        "mean": str(x.mean()),
        "double": str(torch.tensor(3.5, dtype=torch.float64, requires_grad=True)),
        "view": str(x.view(2, 1)),
        "expand": str(x.expand(2, 2)),
        "index": str(x[0]),
        "transpose": str(x.view(1, 2).t()),
    }


@scenario
def no_grad_view_inplace():
    x = leaf([1.0, 2.0, 3.0])
    a = x * 1
    with torch.no_grad():
        v = a[0:2]
    return {"error": err(lambda: v.mul_(2))}


@scenario
def random_streams():
    res = {}
    for seed in [0, 7, 2024]:
        torch.manual_seed(seed)
        res[f"rand{seed}"] = torch.rand(5).tolist()
        res[f"rand64_{seed}"] = torch.rand(3, dtype=torch.float64).tolist()
        res[f"randn_small{seed}"] = torch.randn(7).tolist()
        res[f"randn_large{seed}"] = torch.randn(37).tolist()
        res[f"randn64_{seed}"] = torch.randn(20, dtype=torch.float64).tolist()
        res[f"randint{seed}"] = torch.randint(0, 10, (6,)).tolist()
    return res


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class ScaleMul(torch.autograd.Function):
    """Two tensor inputs and a number; two outputs."""

    @staticmethod
    def forward(ctx, x, y, k):
        ctx.save_for_backward(x, y)
        ctx.k = k
        ctx.needs = list(ctx.needs_input_grad)
        return x * y * k, x + y

    @staticmethod
    def backward(ctx, ga, gb):
        x, y = ctx.saved_tensors
        return ga * y * ctx.k + gb, ga * x * ctx.k + gb, None


class WrongCount(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g


class BadShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return torch.ones(3)


class SortNd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values = x * 1
        idx = torch.arange(x.numel()).reshape(x.shape)
        ctx.mark_non_differentiable(idx)
        return values, idx

    @staticmethod
    def backward(ctx, g, gi):
        return g * 1


class AddOneInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class CubeOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class NoMaterialize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, ga, gb):
        ctx_seen.append([ga is None, gb is None])
        return (ga * 2 if ga is not None else 0) + (gb * 3 if gb is not None else 0)


ctx_seen = []


@scenario
def custom_exp():
    x = leaf([0.0, 1.0, 2.0], torch.float64)
    y = Exp.apply(x)
    y.sum().backward()
    return {"y": str(y), "fn": type(y.grad_fn).__name__, "grad": str(x.grad)}


@scenario
def custom_multi():
    x = leaf([1.0, 2.0])
    y = leaf([3.0, 4.0])
    a, b = ScaleMul.apply(x, y, 2.0)
    (a.sum() + (b * b).sum()).backward()
    return {"a": str(a), "b": str(b), "x": str(x.grad), "y": str(y.grad), "next": len(a.grad_fn.next_functions)}


@scenario
def custom_wrong_count():
    x = leaf([1.0])
    y = leaf([2.0])
    z = WrongCount.apply(x, y)
    return {"error": err(lambda: z.backward())}


@scenario
def custom_bad_shape():
    x = leaf([1.0, 2.0])
    z = BadShape.apply(x)
    return {"error": err(lambda: z.sum().backward())}


@scenario
def custom_non_differentiable():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    v, i = SortNd.apply(x)
    v.sum().backward()
    return {"i_requires": i.requires_grad, "v_requires": v.requires_grad, "grad": str(x.grad), "i": str(i)}


@scenario
def custom_dirty():
    x = leaf([1.0, 2.0])
    a = x * 2
    b = AddOneInplace.apply(a)
    same = b is a
    fn = type(a.grad_fn).__name__
    b.sum().backward()
    l = leaf([1.0])
    return {"same": same, "fn": fn, "a": str(a), "grad": str(x.grad), "leaf_error": err(lambda: AddOneInplace.apply(l))}


@scenario
def custom_double_backward():
    x = leaf([1.0, 2.0], torch.float64)
    y = Cube.apply(x).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return {"g": str(g), "h": str(h)}


@scenario
def custom_once_differentiable():
    x = leaf([1.0, 2.0], torch.float64)
    y = CubeOnce.apply(x).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    return {"g": str(g), "error": err(lambda: g.sum().backward())}


@scenario
def custom_no_materialize():
    ctx_seen.clear()
    x = leaf([1.0])
    a, b = NoMaterialize.apply(x)
    a.sum().backward()
    return {"seen": ctx_seen, "grad": str(x.grad)}


@scenario
def custom_needs_input_grad():
    x = leaf([1.0])
    y = torch.tensor([2.0])
    ScaleMul.apply(x, y, 3.0)
    captured = {}

    class Probe(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            captured["needs"] = list(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, g, None

    Probe.apply(x, y, 3.0)
    return captured


@scenario
def anomaly_nan():
    x = leaf([0.0, 1.0])
    y = (x.sqrt() * 0).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            e = err(lambda: y.backward())
    z = (leaf([0.0]).sqrt() * 0).sum()
    z.backward()
    return {"error": e, "no_anomaly_grad_is_nan": True}


@scenario
def node_hook():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append([str(g) for g in gi] + [str(g) for g in go]) or (gi[0] * 10, gi[1]))
    y.sum().backward()
    return {"seen": seen, "grad": str(x.grad)}


@scenario
def inference_mode():
    x = leaf([1.0, 2.0])
    with torch.inference_mode():
        y = x * 2
        inside = {"requires": y.requires_grad, "is_inference": y.is_inference(), "enabled": torch.is_grad_enabled()}
    w = leaf([3.0, 4.0])

    def set_rg():
        y.requires_grad_()

    return {
        "inside": inside,
        "y": str(y),
        "x_is_inference": x.is_inference(),
        "saved": err(lambda: (y * w).sum().backward()),
        "inplace": err(lambda: y.add_(1)),
        "requires_grad": err(set_rg),
        "after": torch.is_grad_enabled(),
        "ok_without_saving": str(y + w),
    }


json.dump(out, open(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/autograd.json", "w"), indent=1, sort_keys=True)
print(f"{len(out)} scenarios")
