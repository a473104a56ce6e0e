# Runs the torch.func scenarios of test/func.test.ts with functorch (PyTorch 1.13) and writes test/fixtures/func.json.
import json
import sys

import torch
from functorch import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp

torch.set_default_dtype(torch.float64)
X = torch.tensor([0.5, -1.25, 2.0])
Y = torch.tensor([1.5, 0.25, -0.75])
M = torch.tensor([[1.0, -2.0, 0.5], [0.25, 1.5, -1.0]])


def f_scalar(x):
    return (x.tanh() * x).sum()


def f_vec(x):
    return (M @ x).tanh() * x[:2]


def f_two(x, y):
    return (x * y.exp()).sum() + (x ** 2).sum()


def softmax_net(x):
    h = (M @ x).tanh()
    e = h.exp()
    return (e / e.sum() * torch.tensor([1.0, 2.0])).sum()


def listed(t):
    return t.detach().reshape(-1).tolist()


out = {
    "grad": listed(grad(f_scalar)(X)),
    "grad_argnums": [listed(g) for g in grad(f_two, argnums=(0, 1))(X, Y)],
    "grad_and_value": [listed(grad_and_value(f_scalar)(X)[0]), grad_and_value(f_scalar)(X)[1].item()],
    "grad_grad": listed(grad(grad(lambda s: s.tanh() * s ** 3))(torch.tensor(0.7))),
    "vjp": listed(vjp(f_vec, X)[1](torch.tensor([1.0, -2.0]))[0]),
    "jvp": [listed(t) for t in jvp(f_vec, (X,), (Y,))],
    "jacrev": {"shape": list(jacrev(f_vec)(X).shape), "values": listed(jacrev(f_vec)(X))},
    "jacfwd": {"shape": list(jacfwd(f_vec)(X).shape), "values": listed(jacfwd(f_vec)(X))},
    "hessian": {"shape": list(hessian(f_scalar)(X).shape), "values": listed(hessian(f_scalar)(X))},
    "hessian_net": listed(hessian(softmax_net)(X)),
    "third_derivative": listed(jacfwd(jacrev(jacrev(softmax_net)))(X)),
}
import torch.autograd.forward_ad as fwAD


def forward_ad(f, x, v):
    with fwAD.dual_level():
        y = f(fwAD.make_dual(x, v))
        return listed(fwAD.unpack_dual(y).tangent)


def f_mixed(x):
    a = x.reshape(1, 3).expand(2, 3) * M
    b = torch.cat([a.max(1).values, a.logsumexp(1), a[:, 1]])
    return torch.where(b > 0, b.exp(), b ** 2).cumsum(0) / (1 + x.abs().sum())


out["forward_ad"] = {
    "vec": forward_ad(f_vec, X, Y),
    "net": forward_ad(softmax_net, X, Y),
    "mixed": forward_ad(f_mixed, X, Y),
}
json.dump(out, open(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/func.json", "w"), indent=1)
print(f"{len(out)} entries")
