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


W = torch.tensor([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]])
B = torch.tensor([0.1, -0.2])


# composites whose ops all have JVP rules (test/jvp-rules.test.ts)
def f_mlp(x):
    h = torch.tanh(x.reshape(1, 3) @ W + B)
    return torch.nn.functional.softmax(h @ W.t(), dim=1) * torch.tensor([1.0, 2.0, 3.0])


def f_reductions(x):
    a = M * x
    return torch.stack([x.prod(), x.var(), x.std(), x.norm(), x.norm(3), x.amax(), x.logsumexp(0), a.max(1).values.sum(),
                        a.sum(1).mean(), a.var(0, correction=0).sum(), torch.nn.functional.log_softmax(a, dim=1)[1, 2]])


def f_binary(x):
    return (torch.atan2(x, Y) + torch.pow(x.abs() + 1, x) + torch.maximum(x, x.flip(0)) + torch.where(x > 0, x * x, -x)
            + torch.clamp(x, -1, 1) + torch.lerp(x, x.exp(), 0.3) + torch.addcmul(x, x, x, value=0.5) + x / (2 + x.sin()))


def f_movement(x):
    a = (M * x).t()
    return torch.cat([a.flip(0).reshape(-1), a.permute(1, 0).narrow(0, 1, 1).reshape(-1), a.select(1, 0),
                      torch.stack([x, x.sin()]).sum(0), torch.addmm(x[:2], M, x.unsqueeze(1).expand(3, 2)).reshape(-1),
                      torch.dot(x, x.cos()) * (x[:2] @ M), (M @ x) * x[1:], torch.bmm(a.unsqueeze(0), M.unsqueeze(0)).reshape(-1)])


def f_embedding(x):
    # padding_idx rows get no gradient, yet PyTorch's JVP (auto_linear) reads them like any row
    weight = M.t() * x.unsqueeze(1)
    return torch.nn.functional.embedding(torch.tensor([[0, 2], [1, 1]]), weight, padding_idx=1)


def f_linalg(x):
    a = torch.outer(x[:2], x[1:]) + torch.diag(x[:2]) + 2 * torch.eye(2)
    sign, logabsdet = torch.linalg.slogdet(a)
    return torch.cat([torch.linalg.det(a).reshape(1), logabsdet.reshape(1), sign.reshape(1), torch.linalg.inv(a).reshape(-1),
                      torch.linalg.solve(a, x[:2]), torch.linalg.solve(a, a * x[0]).reshape(-1)])


out["forward_ad"] = {
    "vec": forward_ad(f_vec, X, Y),
    "net": forward_ad(softmax_net, X, Y),
    "mixed": forward_ad(f_mixed, X, Y),
    "mlp": forward_ad(f_mlp, X, Y),
    "reductions": forward_ad(f_reductions, X, Y),
    "binary": forward_ad(f_binary, X, Y),
    "movement": forward_ad(f_movement, X, Y),
    "embedding": forward_ad(f_embedding, X, Y),
    "linalg": forward_ad(f_linalg, X, Y),
}
json.dump(out, open(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/func.json", "w"), indent=1)
print(f"{len(out)} entries")
