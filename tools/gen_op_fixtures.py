# Generates test/fixtures/ops/<family>.torch.json: real PyTorch outputs, grad_fn names, gradients and error messages for the samples in <family>.samples.json.
"""Usage: /usr/bin/python3 tools/gen_op_fixtures.py [family ...]   (default: every family; or: SRC.json DST.json)

Each sample gets fresh tensors; its first floating output that requires grad is backpropagated
with weights 0.5 + ((i * 7) % 11) / 10 (row-major i) and every tensor argument's leaf .grad is
recorded. Error samples record the exception's class and message (null/null if none was raised).
Malformed samples are recorded as "FixtureError" and listed on stderr; no sample aborts the run.
"""
import importlib
import json
import math
import re
import sys
import warnings

import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "int64": torch.int64, "bool": torch.bool}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}
FLOAT_STRINGS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0": -0.0}


class FixtureError(Exception):
    """A malformed sample (the fixture, not PyTorch, is at fault)."""


def snake(name):  # roundingMode -> rounding_mode
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


# ---- building arguments ----

def build_tensor(spec, leaves):
    shape, dtype = list(spec["shape"]), DTYPES[spec.get("dtype") or "float32"]
    values = [FLOAT_STRINGS[v] if isinstance(v, str) else v for v in spec["values"]]
    transposed = spec.get("layout") == "T"
    if transposed:
        if len(shape) < 2:
            raise FixtureError(f"layout T needs at least 2 dims, got shape {shape}")
        base_shape = shape[:-2] + [shape[-1], shape[-2]]
    else:
        base_shape = shape
    # clone(): reshape returns a view of torch.tensor's result, and a view (even one that is a
    # leaf) changes autograd's in-place checks and grad_fn names; the leaf must be a fresh base.
    base = torch.tensor(values, dtype=dtype).reshape(base_shape).clone()
    if spec.get("requiresGrad"):
        base.requires_grad_()
    leaves.append(base)
    return base.transpose(-1, -2) if transposed else base


def build(arg, leaves):
    """One Arg of the schema -> its Python value; tensor leaves are appended in order of appearance."""
    if isinstance(arg, str):
        return Ellipsis if arg == "..." else DTYPES.get(arg, arg)
    if isinstance(arg, list):
        return [build(a, leaves) for a in arg]
    if isinstance(arg, dict):
        if "tensor" in arg:
            return build_tensor(arg["tensor"], leaves)
        if "slice" in arg:
            return slice(*arg["slice"]) if arg["slice"] else slice(None)  # Python's slice(): one item is stop
        raise FixtureError(f"unknown argument object {arg!r}")
    return arg  # number, bool, None


def resolve(path):
    parts = path.split(".")
    for i in range(len(parts), 0, -1):  # longest importable module prefix, then attributes
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise FixtureError(f"cannot resolve {path!r}")


def call(op, sample):
    """Builds fresh arguments and calls the op; returns (result, leaves)."""
    leaves = []
    try:
        args = [build(a, leaves) for a in sample.get("args", [])]
        kwargs = {snake(k): build(v, leaves) for k, v in (sample.get("kwargs") or {}).items()}
    except Exception as e:  # e.g. values that don't fit the shape
        if isinstance(e, FixtureError):
            raise
        raise FixtureError(f"building arguments: {type(e).__name__}: {e}") from e
    method = op.get("method")
    if method:
        if not args:
            raise FixtureError(f"method {method!r} needs a first argument")
        self, rest = args[0], args[1:]
        if method == "__getitem__":  # items are variadic (x.index(a, b) is x[a, b]); a list would be advanced indexing
            return self[tuple(rest)], leaves
        return getattr(self, method)(*rest, **kwargs), leaves
    if not op.get("py"):
        raise FixtureError(f"op {op.get('name')!r} has neither py nor method")
    return resolve(op["py"])(*args, **kwargs), leaves


# ---- encoding results ----

def enc_scalar(v):
    if not isinstance(v, float) or (math.isfinite(v) and not (v == 0 and math.copysign(1.0, v) < 0)):
        return v
    return "nan" if math.isnan(v) else "-0" if v == 0 else "inf" if v > 0 else "-inf"


def enc_tensor(t):
    t = t.detach()
    return {
        "shape": list(t.shape),
        "dtype": DTYPE_NAMES.get(t.dtype, str(t.dtype).replace("torch.", "")),
        "values": [enc_scalar(v) for v in t.contiguous().reshape(-1).tolist()],
    }


def enc_out(out):
    if isinstance(out, torch.Tensor):
        return enc_tensor(out)
    if isinstance(out, (tuple, list)):  # tuples, lists, namedtuples (torch.return_types), torch.Size
        return [enc_out(o) for o in out]
    if isinstance(out, torch.dtype):
        return DTYPE_NAMES.get(out, str(out).replace("torch.", ""))
    if out is None or isinstance(out, (bool, int, float)):
        return enc_scalar(out)
    return str(out)


def tensors_in(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in tensors_in(o)]
    return []


def weights(t):
    return torch.tensor([0.5 + ((i * 7) % 11) / 10 for i in range(t.numel())], dtype=t.dtype).reshape(t.shape)


def err(e):
    return {"type": type(e).__name__, "message": str(e)}


def run_sample(op, sample):
    res = {"out": None, "gradFn": None, "grads": [], "error": None}
    try:
        out, leaves = call(op, sample)
    except Exception as e:
        res["error"] = err(e)
        return res
    res["grads"] = [None] * len(leaves)
    try:
        res["out"] = enc_out(out)
        ts = tensors_in(out)
        if ts and ts[0].grad_fn is not None:
            res["gradFn"] = type(ts[0].grad_fn).__name__
        diff = [t for t in ts if t.requires_grad and t.is_floating_point()]
        if diff:
            diff[0].backward(weights(diff[0]))
            res["grads"] = [None if l.grad is None else enc_tensor(l.grad) for l in leaves]
    except Exception as e:  # encoding or backward failed: keep what we have
        res["error"] = err(e)
    return res


def run_error(op, sample):
    try:
        call(op, sample)
    except Exception as e:
        return err(e)
    return {"type": None, "message": None}


def generate(src, dst):
    torch.set_default_dtype(torch.float32)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    with open(src) as f:
        spec = json.load(f)
    ops, n_samples, n_errors, failed = {}, 0, 0, []
    for op in spec["ops"]:
        name = op["name"]
        if name in ops:
            print(f"warning: duplicate op {name!r}; the last one wins", file=sys.stderr)
        samples = [run_sample(op, s) for s in op.get("samples", [])]
        errors = [run_error(op, s) for s in op.get("errors", [])]
        for i, s in enumerate(samples):
            if s["error"]:
                failed.append(f"{name} sample {i}: {s['error']['type']}: {s['error']['message']}")
        for i, e in enumerate(errors):
            if e["type"] is None:
                failed.append(f"{name} error {i}: did not raise")
            elif e["type"] == "FixtureError":
                failed.append(f"{name} error {i}: FixtureError: {e['message']}")
        ops[name] = {"samples": samples, "errors": errors}
        n_samples, n_errors = n_samples + len(samples), n_errors + len(errors)
    with open(dst, "w") as f:
        json.dump({"torch": torch.__version__, "ops": ops}, f, indent=None, separators=(",", ":"), sort_keys=True, allow_nan=False)
        f.write("\n")
    for line in failed:
        print(line, file=sys.stderr)
    print(f"{dst}: {len(ops)} ops, {n_samples} samples, {n_errors} errors ({len(failed)} problems)")


def main(argv):
    """With no argument: every family under test/fixtures/ops; else the named families (or a src dst pair)."""
    import glob
    import os
    folder = "test/fixtures/ops"
    if len(argv) == 3 and argv[1].endswith(".json"):
        generate(argv[1], argv[2])
        return
    families = argv[1:] or sorted(os.path.basename(p)[: -len(".samples.json")] for p in glob.glob(f"{folder}/*.samples.json"))
    for family in families:
        generate(f"{folder}/{family}.samples.json", f"{folder}/{family}.torch.json")


if __name__ == "__main__":
    main(sys.argv)
