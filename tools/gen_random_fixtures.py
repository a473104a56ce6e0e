"""Writes test/fixtures/random.json: PyTorch 1.13 CPU random streams for test/random-streams.test.ts.

Each case seeds a generator (the default one, or a torch.Generator when "gen" is set), makes one or
more calls in order, and records every call's values. The TS test replays the same calls by name.
Run with /usr/bin/python3 (PyTorch 1.13, CPU).
"""
import json
import pathlib

import torch

SEEDS = [0, 1, 42, 2024, 2**40 + 5]
DT = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "int64": torch.int64}


def run(call):
    """One call described as [fn, kwargs]; returns the result tensor. g is the generator or None."""
    fn, kw, g = call["fn"], call.get("kw", {}), call.get("_g")
    dt = DT[kw["dtype"]] if "dtype" in kw else None
    opt = {"generator": g} if g is not None else {}
    if fn == "rand":
        return torch.rand(kw["size"], dtype=dt, **opt)
    if fn == "randn":
        return torch.randn(kw["size"], dtype=dt, **opt)
    if fn == "randint":
        return torch.randint(kw["low"], kw["high"], kw["size"], dtype=dt or torch.int64, **opt)
    if fn == "randperm":
        return torch.randperm(kw["n"], dtype=dt or torch.int64, **opt)
    if fn == "normal_":
        return torch.empty(kw["size"], dtype=dt).normal_(kw["mean"], kw["std"], **opt)
    if fn == "normal_T":  # a transposed (non-contiguous) output: the serial kernel, in memory order
        return torch.empty(kw["size"], dtype=dt).t().normal_(kw["mean"], kw["std"], **opt).t()
    if fn == "uniform_":
        return torch.empty(kw["size"], dtype=dt).uniform_(kw["from"], kw["to"], **opt)
    if fn == "random_":
        x = torch.empty(kw["size"], dtype=dt)
        if "to" in kw:
            return x.random_(kw.get("from", 0), kw["to"], **opt)
        return x.random_(**opt)
    if fn == "bernoulli":
        p = torch.tensor(kw["p"], dtype=dt)
        return torch.bernoulli(p, **opt)
    if fn == "bernoulli_":
        return torch.empty(kw["size"], dtype=dt).bernoulli_(kw["p"], **opt)
    if fn == "multinomial":
        p = torch.tensor(kw["probs"], dtype=dt)
        return torch.multinomial(p, kw["numSamples"], kw["replacement"], **opt)
    if fn == "normal":
        mean, std = kw["mean"], kw["std"]
        mean = torch.tensor(mean, dtype=dt) if isinstance(mean, list) else mean
        std = torch.tensor(std, dtype=dt) if isinstance(std, list) else std
        if "size" in kw:
            return torch.normal(mean, std, kw["size"], dtype=dt, **opt)
        return torch.normal(mean, std, **opt)
    raise ValueError(fn)


ERRORS = [
    ("randperm bool", lambda: torch.randperm(5, dtype=torch.bool)),
    ("randperm float32 too large", lambda: torch.randperm(2**24 + 2, dtype=torch.float32)),
    ("randperm negative", lambda: torch.randperm(-1)),
    ("multinomial too many", lambda: torch.multinomial(torch.tensor([0.5, 0.5]), 3)),
    ("multinomial negative", lambda: torch.multinomial(torch.tensor([-0.5, 0.5]), 1)),
    ("multinomial negative replacement", lambda: torch.multinomial(torch.tensor([-0.5, 0.5]), 3, True)),
    ("multinomial zero sum", lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 3, True)),
    ("multinomial 0-d", lambda: torch.multinomial(torch.tensor(1.0), 1)),
    ("multinomial int", lambda: torch.multinomial(torch.tensor([1, 2]), 1)),
    ("multinomial no samples", lambda: torch.multinomial(torch.tensor([1.0, 2.0]), 0)),
    ("normal_ int", lambda: torch.empty(3, dtype=torch.int64).normal_()),
    ("normal_ negative std", lambda: torch.empty(3).normal_(0, -1)),
    ("uniform_ int", lambda: torch.empty(3, dtype=torch.int64).uniform_()),
    ("uniform_ reversed", lambda: torch.empty(3).uniform_(2, 1)),
    ("bernoulli bad p tensor", lambda: torch.bernoulli(torch.tensor([1.5]))),
    ("bernoulli_ bad p", lambda: torch.empty(3).bernoulli_(1.5)),
    ("random_ reversed", lambda: torch.empty(3).random_(5, 2)),
    ("randint reversed", lambda: torch.randint(5, 2, [3])),
    ("normal negative std tensor", lambda: torch.normal(torch.zeros(2), torch.tensor([-1.0, 1.0]))),
    ("normal negative std", lambda: torch.normal(torch.zeros(2), -1.0)),
]


def case(name, calls, seed, gen=False):
    g = torch.Generator().manual_seed(seed) if gen else None
    if not gen:
        torch.manual_seed(seed)
    outs = []
    for c in calls:
        outs.append(run({**c, "_g": g}).tolist())
    return {"name": name, "seed": seed, "gen": gen, "calls": calls, "out": outs}


def main():
    cases = []
    for seed in SEEDS:
        for dtype in ["float32", "float64"]:
            for n in [1, 7, 16, 33, 100]:
                cases.append(case(f"rand {n} {dtype} s{seed}", [{"fn": "rand", "kw": {"size": [n], "dtype": dtype}}], seed))
            for n in [1, 7, 15, 16, 17, 33, 100, 1000]:
                cases.append(case(f"randn {n} {dtype} s{seed}", [{"fn": "randn", "kw": {"size": [n], "dtype": dtype}}], seed))
            kw = {"size": [4, 5], "dtype": dtype, "mean": 1.0, "std": 2.0}
            cases.append(case(f"normal_ transposed {dtype} s{seed}", [{"fn": "normal_T", "kw": kw}], seed))
            for n in [7, 16, 33, 100]:
                kw = {"size": [n], "dtype": dtype, "mean": 2.5, "std": 3.25}
                cases.append(case(f"normal_ {n} {dtype} s{seed}", [{"fn": "normal_", "kw": kw}], seed))
                kw = {"size": [n], "dtype": dtype, "from": -2.0, "to": 5.0}
                cases.append(case(f"uniform_ {n} {dtype} s{seed}", [{"fn": "uniform_", "kw": kw}], seed))
            cases.append(case(f"random_ {dtype} s{seed}", [{"fn": "random_", "kw": {"size": [9], "dtype": dtype}}], seed))
            p = [0.0, 1.0, 0.5, 0.25, 0.9, 0.1, 0.75, 0.33, 0.5, 0.5, 0.01, 0.99, 0.6, 0.4, 0.2, 0.8, 0.5, 0.7, 0.3, 0.05]
            cases.append(case(f"bernoulli {dtype} s{seed}", [{"fn": "bernoulli", "kw": {"p": p, "dtype": dtype}}], seed))
            cases.append(case(f"bernoulli_ {dtype} s{seed}", [{"fn": "bernoulli_", "kw": {"size": [20], "p": 0.3, "dtype": dtype}}], seed))
            probs = [0.1, 0.2, 0.3, 0.15, 0.25, 0.0, 0.5]
            rows = [[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 0.0], [5.0, 1.0, 0.5, 0.25]]
            for replacement in [True, False]:
                for ns in [1, 3]:
                    kw = {"probs": probs, "numSamples": ns, "replacement": replacement, "dtype": dtype}
                    cases.append(case(f"multinomial 1d n{ns} r{int(replacement)} {dtype} s{seed}", [{"fn": "multinomial", "kw": kw}], seed))
                kw = {"probs": rows, "numSamples": 10 if replacement else 1, "replacement": replacement, "dtype": dtype}
                cases.append(case(f"multinomial 2d r{int(replacement)} {dtype} s{seed}", [{"fn": "multinomial", "kw": kw}], seed))
            mt = [[0.0, 1.0, -2.0], [10.0, 0.5, 3.0]]
            st = [[1.0, 0.5, 2.0], [0.1, 3.0, 1.5]]
            for label, kw in [("ff", {"mean": 1.5, "std": 2.0, "size": [2, 9]}), ("tt", {"mean": mt, "std": st}),
                              ("tf", {"mean": mt, "std": 0.5}), ("ft", {"mean": -1.0, "std": st})]:
                cases.append(case(f"normal {label} {dtype} s{seed}", [{"fn": "normal", "kw": {**kw, "dtype": dtype}}], seed))
        for n in [1, 2, 5, 16, 100]:
            cases.append(case(f"randperm {n} s{seed}", [{"fn": "randperm", "kw": {"n": n}}], seed))
        cases.append(case(f"randperm int32 s{seed}", [{"fn": "randperm", "kw": {"n": 9, "dtype": "int32"}}], seed))
        for low, high, size in [(0, 10, [6]), (-5, 5, [17]), (0, 2**33, [5]), (3, 4, [3])]:
            cases.append(case(f"randint {low} {high} s{seed}", [{"fn": "randint", "kw": {"low": low, "high": high, "size": size}}], seed))
        cases.append(case(f"random_ from-to s{seed}", [{"fn": "random_", "kw": {"size": [8], "dtype": "int64", "from": -3, "to": 12}},
                                                        {"fn": "random_", "kw": {"size": [8], "dtype": "int32", "to": 7}}], seed))
        # streams carry over between calls (including the cached second Box-Muller value of small randn)
        seq = [{"fn": "randn", "kw": {"size": [3]}}, {"fn": "randn", "kw": {"size": [3], "dtype": "float64"}},
               {"fn": "rand", "kw": {"size": [2]}}, {"fn": "randn", "kw": {"size": [20]}}, {"fn": "randn", "kw": {"size": [1]}},
               {"fn": "randperm", "kw": {"n": 6}}, {"fn": "normal_", "kw": {"size": [5], "mean": 0.0, "std": 1.0}}]
        cases.append(case(f"sequence s{seed}", seq, seed))
        cases.append(case(f"generator sequence s{seed}", seq, seed, gen=True))
    errors = []
    for label, fn in ERRORS:
        try:
            fn()
            raise AssertionError(f"{label} did not raise")
        except RuntimeError as e:
            errors.append({"name": label, "type": type(e).__name__, "message": str(e)})
    # generator state bytes after a few draws (one cached double normal pending)
    torch.manual_seed(42)
    torch.rand(5)
    torch.randn(3, dtype=torch.float64)
    state = torch.get_rng_state().tolist()
    after = torch.rand(4).tolist()
    path = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "random.json"
    path.write_text(json.dumps({"torch": torch.__version__, "cases": cases, "errors": errors, "state": {"bytes": state, "after": after}}))
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
