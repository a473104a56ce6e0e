# Runs the vmap scenarios of test/vmap.test.ts with functorch (PyTorch 1.13) and writes test/fixtures/vmap.json.
import json
import sys

import torch
import torch.nn.functional as F
from functorch import grad, jacrev, jvp, hessian, vmap

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(0)


def rnd(*shape):
    return torch.randn(*shape, generator=g)


A43 = rnd(4, 3)
B43 = rnd(4, 3)
V3 = rnd(3)
A34 = rnd(3, 4)
A423 = rnd(4, 2, 3)
M35 = rnd(3, 5)
A435 = rnd(4, 3, 5)
B452 = rnd(4, 5, 2)
M52 = rnd(5, 2)
W1, B1, W2, B2 = rnd(4, 3), rnd(4), rnd(2, 4), rnd(2)
XS = rnd(6, 3)
YS = torch.tensor([0, 1, 1, 0, 1, 0])
IDX = torch.tensor([[0, 2], [1, 1], [2, 0], [0, 1]])
MASK = rnd(4, 2, 3) > 0
XC, WC, WCB, BCB = rnd(3, 2, 4, 5, 5), rnd(6, 4, 3, 3), rnd(3, 6, 2, 3, 3), rnd(3, 6)
WT, BC, X1, W1D = rnd(3, 4, 3, 2, 2), rnd(6), rnd(3, 2, 4, 7), rnd(5, 4, 3)
SQ = rnd(4, 3, 3) + 3 * torch.eye(3)
LW, LB, LWB = rnd(5), rnd(5), rnd(3, 5, 5)
INPUTS = {"A43": A43, "B43": B43, "V3": V3, "A34": A34, "A423": A423, "M35": M35, "A435": A435, "B452": B452, "M52": M52,
          "W1": W1, "B1": B1, "W2": W2, "B2": B2, "XS": XS, "YS": YS, "IDX": IDX, "MASK": MASK, "XC": XC, "WC": WC, "WCB": WCB, "BCB": BCB,
          "WT": WT, "BC": BC, "X1": X1, "W1D": W1D, "SQ": SQ, "LW": LW, "LB": LB, "LWB": LWB}


def index_put_case(a, i):
    b = a.clone()
    b[:, i] = a[0, :2] * 10
    return b, b.clone().index_put_((i % 2, i), torch.tensor(1.0), accumulate=True), torch.index_put(a, (i % 2,), a[1] * 3)


def seeded(f):
    torch.manual_seed(0)
    return f()


def mlp_loss(w1, b1, w2, b2, x, y):
    h = F.linear(x, w1, b1).tanh()
    return F.cross_entropy(F.linear(h, w2, b2).unsqueeze(0), y.unsqueeze(0))


# name: (function, argument names, in_dims, out_dims)
CASES = {
    "unary_chain": (lambda a: a.sin().exp().tanh().sigmoid().relu(), ["A43"], 0, 0),
    "binary_broadcast": (lambda a, b: a * b + a / (b.abs() + 1) - a.pow(2), ["A43", "V3"], (0, None), 0),
    "in1_out1": (lambda a: a.relu() * 2 + a.exp(), ["A34"], 1, 1),
    "negative_dims": (lambda a: a.sum(-1), ["A423"], -1, -1),
    "reductions": (lambda a: torch.stack([a.sum(), a.mean(), a.amax(), a.amin(), a.prod(), a.var(), a.std(), a.logsumexp(0).sum(), a.norm(), a.max(), a.min()]), ["A423"], 0, 0),
    "reduce_dims": (lambda a: a.sum(1, keepdim=True) + a.mean(-1, keepdim=True) * a.var(0).unsqueeze(0) - a.std(-1, keepdim=True) + a.amax(0).unsqueeze(0), ["A423"], 0, 0),
    "max_dim": (lambda a: tuple(a.max(1)) + tuple(a.min(-1)) + (a.argmax(0), a.argmax()), ["A423"], 0, 0),
    "views": (lambda a: a.reshape(6).view(2, 3).t().unsqueeze(0).expand(2, 3, 2).permute(2, 0, 1).flatten().narrow(0, 1, 8).squeeze(), ["A423"], 0, 0),
    "transpose_select": (lambda a: a.transpose(0, 1).select(1, -1) + a.mT.sum(-1), ["A423"], 0, 0),
    "index": (lambda a: torch.cat([a[1, ::2], a[:, 0], a[-1], a[..., 1], a[None, 0, 1:].reshape(-1)]), ["A423"], 1, 0),
    "matmul_unbatched_other": (lambda a, b: (a @ b, a[0] @ b, b.t() @ a[0], a @ b[:, 0], a[0] @ b[:, 0]), ["A435", "M52"], (1, None), 0),
    "matmul_both_batched": (lambda a, b: (a @ b, a[0] @ b, a @ b[:, 0], a[0] @ b[:, 0], torch.bmm(a.unsqueeze(0), b.unsqueeze(0)), torch.mm(a, b), torch.mv(a, b[:, 0]), torch.dot(a[1], b[:, 1])), ["A435", "B452"], 0, 0),
    "matmul_batched_right": (lambda a, b: (a @ b, a @ b[:, 0], a[0, 0] @ b), ["A435", "B452"], (None, 0), 0),
    "einsum": (lambda a, b: torch.einsum("ij,jk->ik", a, b), ["A435", "B452"], 0, 0),
    "softmax": (lambda a: (a.softmax(-1), a.log_softmax(0)), ["A423"], 0, 0),
    "cat_stack": (lambda a, b: (torch.cat([a, b], 0), torch.stack([a, b], -1), torch.cat([b, a], -1)), ["A43", "V3"], (0, None), (0, 1, -1)),
    "where_clamp": (lambda a, b: torch.where(a > 0, a, b).clamp(-0.5, 0.5) + a.clamp(min=b) + a.clamp(max=0.25), ["A43", "V3"], (0, None), 0),
    "inplace": (lambda a, b: a.clone().mul_(2).add_(b).sub_(1), ["A43", "V3"], (0, None), 0),
    "nn_composites": (lambda x, y: F.mse_loss(F.linear(x, W1, B1).relu(), torch.ones(4)) + F.cross_entropy(F.linear(x, W1, B1).unsqueeze(0), y.unsqueeze(0)), ["XS", "YS"], 0, 0),
    "zeros_like": (lambda a: torch.zeros_like(a) + torch.ones_like(a) * a + torch.full_like(a, 2.0), ["A43"], 0, 0),
    "nested": (lambda a, b: vmap(vmap(lambda u, v: (u * v).sum(), in_dims=(0, None)), in_dims=(None, 0))(a, b), ["A43", "B43"], None, None),
    "nested_out_dims": (lambda a: vmap(vmap(lambda u: u.exp() * u.sum(), out_dims=1), in_dims=1)(a), ["A423"], None, None),
    "per_sample_grads": (lambda w1, b1, w2, b2, x, y: vmap(grad(mlp_loss, argnums=(0, 1, 2, 3)), in_dims=(None, None, None, None, 0, 0))(w1, b1, w2, b2, x, y), ["W1", "B1", "W2", "B2", "XS", "YS"], None, None),
    "grad_of_vmap": (lambda a: grad(lambda t: vmap(lambda r: (r.sin() * r).sum())(t).pow(2).sum())(a), ["A43"], None, None),
    "vmap_jacrev": (lambda a: vmap(jacrev(lambda r: r.tanh() * r.sum()))(a), ["A43"], None, None),
    "vmap_jvp": (lambda a, b: vmap(lambda p, t: jvp(lambda r: r.sin() * r.sum(), (p,), (t,))[1])(a, b), ["A43", "B43"], None, None),
    "vmap_hessian": (lambda a: vmap(hessian(lambda r: (r.tanh() * r).sum()))(a), ["A43"], None, None),
    # batching rules of the second wave (vmap2)
    "scans": (lambda a: (a.cumsum(1), a.cumprod(0)) + tuple(a.cummax(-1)) + tuple(a.cummin(0)), ["A423"], 0, 0),
    "sorts": (lambda a: tuple(a.sort(1, descending=True)) + (a.argsort(0),) + tuple(a.topk(2, -1)) + tuple(a.kthvalue(2, 1)) + tuple(a.median(0)) + (a.median(),) + tuple(a.round().mode(1)), ["A423"], 0, 0),
    "flip_roll_tri": (lambda a: (a.flip(0, 1), a.roll(1), a.roll((1, -1), (0, 1)), a.tril(), a.triu(1), a.diagonal(0, 0, 1), torch.diag_embed(a, 1, 0, 2)), ["A423"], 1, 0),
    "repeat_split": (lambda a: (a.repeat(2, 1, 2), a.tile((2,)), a.repeat_interleave(2, 1)) + a.chunk(2, 1) + a.split([1, 2], -1) + a.unbind(0), ["A423"], 0, 0),
    "index_batched_index": (lambda a, i, m: (a.index_select(1, i), a.scatter(1, i.unsqueeze(0).expand(2, 2), 7.0), a.scatter_add(1, i.unsqueeze(0).expand(2, 2), a[:, :2]),
                                           a.index_add(1, i, a[:, :2], alpha=2.0), a.index_copy(1, i[:1], a[:, 1:2]), a.index_fill(1, i, -1.0), a.masked_fill(m, 3.0),
                                           a.masked_scatter(m, a * 10)), ["A423", "IDX", "MASK"], 0, 0),
    "index_unbatched_index": (lambda a, i, m: (a.index_select(1, i[0]), a.index_add(1, i[0], a[:, :2]), a.index_fill(1, i[0], a.sum()), a.masked_fill(m[0], a.amax())), ["A423", "IDX", "MASK"], (0, None, None), 0),
    "index_unbatched_self": (lambda a, i, m: (a.index_select(2, i), a.gather(2, i.expand(4, 2, 2)), a.masked_fill(m, 0.5)), ["A423", "IDX", "MASK"], (None, 0, 0), 0),
    "ternary_grads": (lambda a: vmap(grad(lambda r: (r.lerp(r.exp(), 0.3) + torch.addcmul(r, r, r.sin(), value=0.5) + torch.addcdiv(r, r.cos(), r.exp() + 1)).sum()))(a), ["A43"], None, None),
    "conv_input": (lambda x, w, b: (F.conv2d(x, w, b, padding=1), F.conv2d(x[0], w, stride=2)), ["XC", "WC", "BC"], (0, None, None), 0),
    "conv_weight": (lambda x, w, b: (F.conv2d(x[0], w, b, groups=2), F.conv2d(x[1, 0], w, None, stride=2, groups=2)), ["XC", "WCB", "BCB"], (None, 0, 0), 0),
    "conv_both": (lambda x, w, b: F.conv2d(x, w, b, groups=2, padding=1), ["XC", "WCB", "BCB"], 0, 0),
    "conv_transpose_1d": (lambda x, w, x1, w1: (F.conv_transpose2d(x, w, stride=2, groups=2), F.conv1d(x1, w1)), ["XC", "WT", "X1", "W1D"], (0, 0, 0, None), 0),
    "pools": (lambda x: (F.max_pool2d(x, 2), F.avg_pool2d(x, 3, stride=2, padding=1), F.adaptive_avg_pool2d(x, (2, 3)), F.adaptive_max_pool2d(x, 2)) + F.max_pool2d(x[0], 3, stride=2, padding=1, return_indices=True) + (F.max_pool1d(x[0, 0], 2),), ["XC"], 0, 0),
    "norms": (lambda x, w, b: (F.layer_norm(x, [5], w, b), F.group_norm(x, 2), F.batch_norm(x, None, None, training=True), F.batch_norm(x, torch.full((4,), 0.3), torch.full((4,), 2.0)), F.instance_norm(x)), ["XC", "LW", "LB"], (0, None, None), 0),
    "norms_batched_affine": (lambda x, w, b: (F.layer_norm(x, [5, 5], w), F.layer_norm(x, [5], None, b)), ["XC", "LWB", "LB"], (0, 0, None), 0),
    "linalg": (lambda a, v: (torch.linalg.det(a),) + tuple(torch.linalg.slogdet(a)) + (torch.linalg.inv(a), torch.linalg.solve(a, v), torch.linalg.solve(a, v.unsqueeze(-1).expand(3, 2), left=True), torch.linalg.svdvals(a),
                                torch.linalg.vector_norm(a, 3, -1), torch.linalg.matrix_norm(a, 1), torch.linalg.matrix_norm(a), torch.linalg.norm(a)), ["SQ", "A43"], 0, 0),
    "solve_unbatched_a": (lambda a, v: (torch.linalg.solve(a[0], v), torch.linalg.solve(a[1], v.unsqueeze(-1))), ["SQ", "A43"], (None, 0), 0),
    "per_sample_conv_grads": (lambda w, x: vmap(grad(lambda ww, xx: F.conv2d(xx, ww, padding=1).tanh().pow(2).sum()), in_dims=(None, 0))(w, x), ["WC", "XC"], None, None),
    "advanced_index": (lambda a, i: (a[:, i], a[i % 2, i], a[i % 2], a[[1, 0]][:, i], a[i % 2, :, None]), ["A423", "IDX"], 0, 0),
    "advanced_index_unbatched_self": (lambda a, i: (a[:, :, i], a[i % 2, :, i]), ["A423", "IDX"], (None, 0), 0),
    # functorch 1.13 misplaces batched values in b[:, i] = v (its vmap result differs from the per-sample loop),
    # so this case's reference is the per-sample loop, which is what vmap promises
    "index_put": (lambda a, i: [torch.stack(t) for t in zip(*[index_put_case(a[k], i[k]) for k in range(a.shape[0])])], ["A423", "IDX"], None, None),
    "pad_rot_diag": (lambda a: (F.pad(a, (1, 2)), F.pad(a, (1, 1, -1, 2), value=3.0), F.pad(a, (1, 2), mode="reflect"),
                                a.rot90(1, (0, 1)), a.diag(-1), a[0].diag(1), a.trace()), ["A423"], 0, 0),
    "embedding_take": (lambda w, i: (F.embedding(i, w), F.embedding(i, w, padding_idx=1), w.take(i - 1)), ["A435", "IDX"], 0, 0),
    "embedding_grad": (lambda w, i: vmap(grad(lambda ww, ii: F.embedding(ii, ww, padding_idx=1).pow(2).sum()))(w, i), ["A435", "IDX"], None, None),
    "resample_unfold": (lambda x: (F.interpolate(x, scale_factor=2), F.interpolate(x, size=(3, 7), mode="bilinear", align_corners=False), F.pad(x, (1, 2, 2, 1), mode="reflect"),
                                   F.pixel_shuffle(x, 2), F.unfold(x, 2), F.fold(F.unfold(x, 2), (5, 5), 2), F.unfold(x[0], 3, stride=2)), ["XC"], 0, 0),
    "fused_loss_grads": (lambda a, b: vmap(grad(lambda r, t: F.binary_cross_entropy_with_logits(r, t) + F.binary_cross_entropy_with_logits(r, t, pos_weight=t + 1, reduction="sum")
                                                   + F.huber_loss(r, t, delta=0.5) + F.smooth_l1_loss(r, t) + F.kl_div(r.log_softmax(-1), t.softmax(-1), reduction="batchmean")))(a, b.sigmoid()),
                         ["A43", "B43"], None, None),
    "cross": (lambda a, b, c: (torch.linalg.cross(a, b[0]), torch.cross(a, b[2], dim=-1), torch.linalg.cross(b[1], a, dim=0), torch.linalg.cross(a, c)), ["A43", "B43", "B43"], (0, None, 0), 0),
    "random_different": (lambda a: seeded(lambda: vmap(lambda r: (r * 0 + torch.rand(3), r.clone().normal_(), torch.bernoulli(r.sigmoid()), F.dropout(r * 0 + 1, 0.5), torch.rand_like(r), torch.randint(0, 10, (3,)),
                                                          torch.normal(r, 2.0), torch.normal(torch.zeros(3), r.abs())), randomness="different")(a)), ["A43"], None, None),
    "random_same": (lambda a: seeded(lambda: vmap(lambda r: (r + torch.rand(3), r.clone().uniform_(), torch.randn(2)), randomness="same")(a)), ["A43"], None, None),
    "norm_grads": (lambda x: vmap(grad(lambda r: (F.layer_norm(r, [5]).pow(3).sum() + F.batch_norm(r, None, None, training=True).pow(3).sum() + torch.linalg.det(r[0, 0, :3, :3]))))(x), ["XC"], None, None),
}


def run(name):
    fn, names, in_dims, out_dims = CASES[name]
    args = [INPUTS[n] for n in names]
    if in_dims is None:
        return fn(*args)
    return vmap(fn, in_dims=in_dims, out_dims=out_dims)(*args)


def listed(t):
    if isinstance(t, (tuple, list)):
        return [listed(x) for x in t]
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": t.detach().reshape(-1).tolist()}


def err(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


x, y = A43, torch.randn(2, 3)
ERRORS = {
    "batch_sizes": err(lambda: vmap(lambda a, b: a + b)(x, y)),
    "in_dim_range": err(lambda: vmap(lambda a: a, in_dims=2)(x)),
    "in_dim_negative_range": err(lambda: vmap(lambda a: a, in_dims=-3)(x)),
    "in_dims_structure": err(lambda: vmap(lambda a: a, in_dims=(0, 0))(x)),
    "in_dims_nested_structure": err(lambda: vmap(lambda a, b: a, in_dims=(0, [0, 0]))(x, [x])),
    "in_dims_none": err(lambda: vmap(lambda a: a, in_dims=None)(x)),
    "no_tensor": err(lambda: vmap(lambda a: a, in_dims=(None,))(x)),
    "non_tensor_input": err(lambda: vmap(lambda a: a)(3)),
    "no_inputs": err(lambda: vmap(lambda: x)()),
    "non_tensor_output": err(lambda: vmap(lambda a: 3)(x)),
    "out_dim_range": err(lambda: vmap(lambda a: a, out_dims=2)(x)),
    "out_dims_structure": err(lambda: vmap(lambda a: (a, a), out_dims=(0, 0, 0))(x)),
    "randomness_error": err(lambda: vmap(lambda a: a + torch.rand(3))(x)),
    "randomness_value": err(lambda: vmap(lambda a: a, randomness="foo")(x)),
    "item": err(lambda: vmap(lambda a: a.sum().item())(x)),
    "backward": err(lambda: vmap(lambda a: a.sum().backward())(x.clone().requires_grad_())),
    "logical_dim_range": err(lambda: vmap(lambda a: a.sum(5))(x)),
    "random_same_batched_input": err(lambda: vmap(lambda a: torch.bernoulli(a.sigmoid()), randomness="same")(x)),
    "random_different_unbatched_inplace": err(lambda: vmap(lambda a: a + torch.zeros(3).normal_(), randomness="different")(x)),
    "batch_norm_running_stats": err(lambda: vmap(lambda a: F.batch_norm(a, torch.zeros(4), torch.ones(4), training=True))(XC)),
}

json.dump({"inputs": {k: listed(v) for k, v in INPUTS.items()}, "cases": {k: listed(run(k)) for k in CASES}, "errors": ERRORS},
          open(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/vmap.json", "w"), indent=None)
print("wrote", len(CASES), "cases and", len(ERRORS), "errors")
