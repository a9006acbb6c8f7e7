"""Differential fuzzer for autograd through views and in-place ops: random
chains of views (basic and advanced indexing, transposes, unfold, as_strided,
multi-output views, detach, .real) and in-place ops (arithmetic, setitem,
copy_, no_grad and .data writes, in-place view ops) on a non-leaf base, then
backward; the base's values, both leaves' gradients, the exception type and
the last view's grad_fn name are compared with PyTorch's.

    PYTHONPATH=src python tests/inplace_view_fuzz.py 400 1     # cases, seed

It found the stale-view-history gradient bug and the as_strided backward crash
fixed at stop 18 (Note [Stale view history], Note [as_strided backward on
storage positions]), and at stop 19 the silently wrong gradient of a tensor
saved for backward and then changed by t_()/unsqueeze_() (Note [In-place view
ops]), the refusals around views of split/chunk/unbind outputs (Note
[Multi-output views]) and writes through a view of a transposed base (Note
[CopySlices on a permuted base]), and the node names of assignments through
full slices (Note [Full slices are no views]).
"""
import random
import sys

import numpy as np
import torch

import tensorcore as tc

def _no_grad_add(v, m):
    # (a with-block: an error inside must not leave grad mode off for the cases after it)
    with m.no_grad():
        v.add_(1)
    return v


VIEWS = [
    ("x[0]", lambda x: x[0] if x.dim() > 0 and x.shape[0] > 0 else x),
    ("x[:, 1]", lambda x: x[:, 1] if x.dim() > 1 and x.shape[1] > 1 else x),
    ("x.t()", lambda x: x.t() if x.dim() == 2 else x),
    ("x.transpose(0,-1)", lambda x: x.transpose(0, -1) if x.dim() > 0 else x),
    ("x.view(-1)", lambda x: x.view(-1) if x.is_contiguous() else x),
    ("x.reshape(-1)", lambda x: x.reshape(-1)),
    ("x.unsqueeze(0)", lambda x: x.unsqueeze(0)),
    ("x.squeeze()", lambda x: x.squeeze()),
    ("x.diagonal()", lambda x: x.diagonal() if x.dim() >= 2 else x),
    ("x[::2]", lambda x: x[::2] if x.dim() > 0 else x),
    ("x.narrow(0,1,1)", lambda x: x.narrow(0, 1, 1) if x.dim() > 0 and x.shape[0] > 1 else x),
    ("x.permute", lambda x: x.permute(*reversed(range(x.dim())))),
    ("x.select(-1,0)", lambda x: x.select(-1, 0) if x.dim() > 0 else x),
    ("x.unbind(0)[0]", lambda x: x.unbind(0)[0] if x.dim() > 0 else x),
    ("x.split(1)[0]", lambda x: x.split(1)[0] if x.dim() > 0 else x),
    ("x.chunk(2)[-1]", lambda x: x.chunk(2)[-1] if x.dim() > 0 else x),
    ("x.expand", lambda x: x.unsqueeze(0).expand(2, *x.shape)),
    ("x.as_strided", lambda x: x.as_strided((2,), (1,)) if x.numel() >= 2 else x),
    ("x.unfold", lambda x: x.unfold(0, 1, 1) if x.dim() > 0 and x.shape[0] >= 1 else x),
    ("x.real", lambda x: x.real),
    ("x.detach()", lambda x: x.detach()),
    ("x.view_as(x)", lambda x: x.view_as(x)),
    ("x.flatten()", lambda x: x.flatten()),
    ("x.movedim(0,-1)", lambda x: x.movedim(0, -1) if x.dim() > 0 else x),
    ("x[idx]", lambda x: x[[0]] if x.dim() > 0 and x.shape[0] > 0 else x),   # advanced: a copy
    ("x[mask]", lambda x: x[x > 0]),  # copy
]
INPLACE = [
    ("mul_(2)", lambda v, m: v.mul_(2)),
    ("add_(1)", lambda v, m: v.add_(1)),
    ("sin_()", lambda v, m: v.sin_()),
    ("exp_()", lambda v, m: v.exp_()),
    ("tanh_()", lambda v, m: v.tanh_()),
    ("sigmoid_()", lambda v, m: v.sigmoid_()),
    ("relu_()", lambda v, m: v.relu_()),
    ("pow_(2)", lambda v, m: v.pow_(2)),
    ("zero_()", lambda v, m: v.zero_()),
    ("fill_(3)", lambda v, m: v.fill_(3.0)),
    ("clamp_(-.5,.5)", lambda v, m: v.clamp_(-0.5, 0.5)),
    ("copy_(ones)", lambda v, m: v.copy_(m.ones(v.shape))),
    ("mul_(self)", lambda v, m: v.mul_(v)),
    ("addcmul_", lambda v, m: v.addcmul_(v, v, value=0.5)),
    ("div_(3)", lambda v, m: v.div_(3)),
    ("neg_()", lambda v, m: v.neg_()),
    ("abs_()", lambda v, m: v.abs_()),
    ("sqrt_abs", lambda v, m: v.abs_().add_(0.1).sqrt_()),
    ("setitem0", lambda v, m: v.__setitem__(0, 5.0) if v.dim() > 0 and v.shape[0] > 0 else v.fill_(5.0)),
    ("setitem_slice_t", lambda v, m: v.__setitem__(slice(None), v * 2)),
    ("masked_fill_", lambda v, m: v.masked_fill_(v > 0.3, 0.0)),
    ("index_add_", lambda v, m: v.index_add_(0, m.tensor([0]), v[:1].clone()) if v.dim() > 0 and v.shape[0] > 0 else v),
    ("lerp_", lambda v, m: v.lerp_(m.zeros(v.shape), 0.3)),
    ("data_mul", lambda v, m: v.data.mul_(2)),
    ("no_grad_add", lambda v, m: _no_grad_add(v, m)),
    ("t_()", lambda v, m: v.t_() if v.dim() == 2 else v),
    ("squeeze_()", lambda v, m: v.squeeze_()),
    ("unsqueeze_(0)", lambda v, m: v.unsqueeze_(0)),
    ("resize_as_", lambda v, m: v),
    ("cumsum_", lambda v, m: v.cumsum_(0) if v.dim() > 0 else v),
    ("sort_val", lambda v, m: v.copy_(v.sort(0)[0]) if v.dim() > 0 else v),
]
OUTS = [
    ("sum", lambda x, m: x.sum()),
    ("sq_sum", lambda x, m: (x * x).sum()),
    ("weighted", lambda x, m: (x * m.arange(x.numel(), dtype=x.dtype).reshape(x.shape)).sum()),
    ("exp_mean", lambda x, m: x.exp().mean()),
]


def describe(r):
    if isinstance(r, BaseException):
        return f"{type(r).__name__}"
    return r


def run_case(m, seed, plan, base_data):
    torch_like = m
    leaf = torch_like.tensor(base_data, requires_grad=True)
    other = torch_like.tensor(base_data * 0.5 + 0.1, requires_grad=True)
    x = leaf * 1.0 + other   # non-leaf base
    keep = [x]
    try:
        cur = x
        for kind, idx in plan:
            if kind == "view":
                cur = VIEWS[idx][1](cur)
            elif kind == "base":
                cur = x
            elif kind == "use":
                keep.append(cur * 1.5)  # an out-of-place use saved in the graph
            else:
                INPLACE[idx][1](cur, torch_like)
        loss = OUTS[plan[-1][1] % len(OUTS)][1](x, torch_like)
        for k in keep[1:]:
            loss = loss + k.sum()
        gf = cur.grad_fn.name() if cur.grad_fn is not None else None
        loss.backward()
        return ("ok", x.detach().numpy().copy(), leaf.grad.numpy().copy() if leaf.grad is not None else None,
                other.grad.numpy().copy() if other.grad is not None else None, gf)
    except Exception as e:
        return ("err", type(e).__name__, str(e)[:150])


def main(n, seed0):
    rng = random.Random(seed0)
    mismatches = 0
    for case in range(n):
        shape = rng.choice([(3, 4), (4, 4), (2, 3, 2), (5,), (1, 3)])
        data = np.random.default_rng(case).standard_normal(shape)
        plan = []
        for _ in range(rng.randint(1, 5)):
            r = rng.random()
            if r < 0.45:
                plan.append(("view", rng.randrange(len(VIEWS))))
            elif r < 0.55:
                plan.append(("base", 0))
            elif r < 0.65:
                plan.append(("use", 0))
            else:
                plan.append(("inplace", rng.randrange(len(INPLACE))))
        plan.append(("inplace", rng.randrange(len(INPLACE))))
        a = run_case(torch, case, plan, data)
        b = run_case(tc, case, plan, data)
        same = a[0] == b[0]
        if same and a[0] == "ok":
            for u, w in zip(a[1:4], b[1:4]):
                if (u is None) != (w is None) or (u is not None and (u.shape != w.shape or not np.allclose(u, w, rtol=1e-5, atol=1e-6, equal_nan=True))):
                    same = False
            if a[4] != b[4]:
                same = "name"
        elif same:
            same = a[1] == b[1]
        if same is not True:
            mismatches += 1
            desc = " ; ".join((VIEWS[i][0] if k == "view" else INPLACE[i][0] if k == "inplace" else k) for k, i in plan)
            print(f"case {case} shape {shape}: {desc}")
            print("  torch:", a[0], a[1] if a[0] == "err" else "", a[2] if a[0] == "err" else a[4])
            print("  tc:   ", b[0], b[1] if b[0] == "err" else "", b[2] if b[0] == "err" else b[4])
            if a[0] == b[0] == "ok" and same is False:
                for nm, u, w in zip(("x", "leaf.grad", "other.grad"), a[1:4], b[1:4]):
                    print("   ", nm, "torch", None if u is None else np.round(u, 3).tolist(), "\n    ", nm, "tc   ", None if w is None else np.round(w, 3).tolist())
    print(f"{n} cases, {mismatches} mismatches")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
