"""The optimizers beyond SGD/Adam/RMSprop (Adadelta, Adagrad, Adamax, NAdam,
RAdam, Rprop, ASGD, LBFGS, SparseAdam): trajectories against PyTorch in
float32 and float64, state and state_dict layouts, resumption, argument
errors; and Tensor.add_ with a 0-dim tensor alpha (which LBFGS relies on)."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn, optim

CONFIGS = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.3, maximize=True, foreach=False)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-8)),
    ("Adagrad", dict(lr=0.05, maximize=True, fused=False)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, betas=(0.3, 0.9), maximize=True)),  # 1 - beta1 >= 0.5: lerp's other branch
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.005, betas=(0.5, 0.9), maximize=True, capturable=False)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.9), maximize=True)),  # rho_t > 5 from step 6: both branches
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(lr=0.02, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=1e-2, alpha=0.5, t0=5, weight_decay=0.1)),
    ("ASGD", dict(lr=0.02, t0=3, maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in CONFIGS]
SHAPES = [(7, 5), (5,), (3, 7), (3,), ()]


def np_of(t):
    return t.detach().numpy()


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def _arrays(dtype, seed=0, steps=20):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[(rng.standard_normal(s) * (0.1 + k % 7)).astype(dtype) for s in SHAPES] for k in range(steps)]
    return init, grads


def _feed(params, grads, make):
    for p, g in zip(params, grads):
        p.grad = make(g)


@pytest.mark.parametrize("dtype,rtol,atol", [("float32", 1e-5, 1e-6), ("float64", 1e-13, 1e-14)])
@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=IDS)
def test_fixed_gradient_trajectory_vs_torch(name, kwargs, dtype, rtol, atol):
    """20 steps fed the same gradients: parameters and every state entry
    (same keys, dtypes, shapes) match PyTorch."""
    torch = pytest.importorskip("torch")
    init, grads = _arrays(dtype)
    tp = [torch.nn.Parameter(torch.tensor(a)) for a in init]
    cp = [nn.Parameter(tc.tensor(a)) for a in init]
    topt = getattr(torch.optim, name)(tp, **kwargs)
    copt = getattr(optim, name)(cp, **kwargs)
    for gs in grads:
        _feed(tp, gs, torch.tensor)
        _feed(cp, gs, tc.tensor)
        topt.step()
        copt.step()
    for a, b in zip(cp, tp):
        np.testing.assert_allclose(np_of(a), b.detach().numpy(), rtol=rtol, atol=atol)
    for a, b in zip(cp, tp):
        sa, sb = copt.state[a], topt.state[b]
        assert set(sa) == set(sb)
        for k in sb:
            assert isinstance(sa[k], tc.Tensor), k
            assert sa[k].dtype.name == str(sb[k].dtype)[len("torch."):], k
            assert tuple(sa[k].shape) == tuple(sb[k].shape), k
            # Adagrad's sums reach ~1e3: compare relative to the entry's scale
            scale = max(1.0, float(np.abs(sb[k].numpy()).max()))
            np.testing.assert_allclose(np_of(sa[k]), sb[k].numpy(), rtol=rtol, atol=atol * scale, err_msg=k)
    assert repr(copt) == repr(topt)
    sd_c, sd_t = copt.state_dict(), topt.state_dict()
    assert sd_c["param_groups"] == sd_t["param_groups"]


def _models(torch, seed):
    torch.manual_seed(seed)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
    cm = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    cm.load_state_dict({k: tc.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    return tm, cm


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", [c for c in CONFIGS if c[0] != "Rprop"],
                         ids=[i for i, c in zip(IDS, CONFIGS) if c[0] != "Rprop"])
def test_training_trajectory_vs_torch(name, kwargs, dtype):
    """15 steps of training a small model from identical weights, gradients
    from each library's own forward/backward. (Rprop is left out: sign(g)
    turns a 1-ulp gradient difference near 0 into a full step; its update
    math is checked with fixed gradients above.)"""
    torch = pytest.importorskip("torch")
    tm, cm = _models(torch, 0)
    if dtype == "float64":
        tm, cm = tm.double(), cm.double()
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(40, 6, generator=g, dtype=getattr(torch, dtype)), torch.randint(0, 3, (40,), generator=g)
    xc, yc = tc.tensor(x.numpy()), tc.tensor(y.numpy())
    topt = getattr(torch.optim, name)(tm.parameters(), **kwargs)
    copt = getattr(optim, name)(cm.parameters(), **kwargs)
    sign = -1 if kwargs.get("maximize") else 1
    for _ in range(15):
        topt.zero_grad()
        (sign * torch.nn.functional.cross_entropy(tm(x), y)).backward()
        topt.step()
        copt.zero_grad()
        (sign * nn.functional.cross_entropy(cm(xc), yc)).backward()
        copt.step()
    rtol, atol = (1e-4, 1e-5) if dtype == "float32" else (1e-10, 1e-12)
    for (k, a), (_, b) in zip(cm.state_dict().items(), tm.state_dict().items()):
        np.testing.assert_allclose(np_of(a), b.numpy(), rtol=rtol, atol=atol, err_msg=k)


@pytest.mark.parametrize("name,kwargs", [c for c in CONFIGS if not c[1]], ids=lambda v: v if isinstance(v, str) else "")
def test_state_dict_roundtrip_and_torch_state_loads(name, kwargs):
    """Save after 8 steps (through pickle), load into a fresh optimizer and
    continue: identical to an uninterrupted run. A PyTorch state_dict
    (tensors converted) loads and continues as in PyTorch.

    The round trip uses float32 parameters: loading casts every state tensor
    but "step" to the parameter's dtype (PyTorch's rule), so float32 scalars
    like NAdam's mu_product or ASGD's eta become float64 next to float64
    parameters and round differently afterwards, in PyTorch as here."""
    init, grads = _arrays("float32", seed=3)
    runs = []
    for interrupted in (False, True):
        ps = [nn.Parameter(tc.tensor(a)) for a in init]
        opt = getattr(optim, name)(ps, lr=0.02)
        for k, gs in enumerate(grads):
            if interrupted and k == 8:
                sd = pickle.loads(pickle.dumps(opt.state_dict()))
                opt = getattr(optim, name)(ps, lr=0.5)
                opt.load_state_dict(sd)
                assert opt.param_groups[0]["lr"] == 0.02
            _feed(ps, gs, tc.tensor)
            opt.step()
        runs.append([np_of(p) for p in ps])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)

    torch = pytest.importorskip("torch")
    init, grads = _arrays("float64", seed=3)
    tp = [torch.nn.Parameter(torch.tensor(a)) for a in init]
    topt = getattr(torch.optim, name)(tp, lr=0.02)
    for gs in grads[:8]:
        _feed(tp, gs, torch.tensor)
        topt.step()
    tsd = topt.state_dict()
    conv = {"state": {i: {k: tc.tensor(v.numpy()) for k, v in s.items()} for i, s in tsd["state"].items()},
            "param_groups": copy.deepcopy(tsd["param_groups"])}
    cp = [nn.Parameter(tc.tensor(p.detach().numpy())) for p in tp]
    copt = getattr(optim, name)(cp, lr=0.5)
    copt.load_state_dict(conv)
    topt = getattr(torch.optim, name)(tp, lr=0.5)  # loading casts state in PyTorch too: compare loaded to loaded
    topt.load_state_dict(tsd)
    for gs in grads[8:]:
        _feed(tp, gs, torch.tensor)
        _feed(cp, gs, tc.tensor)
        topt.step()
        copt.step()
    for a, b in zip(cp, tp):
        np.testing.assert_allclose(np_of(a), b.detach().numpy(), rtol=1e-13, atol=1e-14)


def test_adagrad_state_exists_before_the_first_step():
    ps = [nn.Parameter(tc.ones(2, 3)), nn.Parameter(tc.ones(4))]
    opt = optim.Adagrad(ps, initial_accumulator_value=0.25)
    sd = opt.state_dict()
    assert set(sd["state"]) == {0, 1}
    assert float(sd["state"][0]["step"]) == 0.0 and sd["state"][0]["step"].dim() == 0
    np.testing.assert_array_equal(np_of(sd["state"][0]["sum"]), np.full((2, 3), 0.25, np.float32))
    extra = nn.Parameter(tc.ones(3))
    opt.add_param_group({"params": [extra]})  # state created on its first step
    extra.grad = tc.ones(3)
    opt.step()
    assert float(opt.state[extra]["step"]) == 1.0


def test_step_state_scalars_follow_the_default_dtype():
    old = tc.get_default_dtype()
    tc.set_default_dtype(tc.float64)
    try:
        p = nn.Parameter(tc.ones(2, dtype=tc.float32))
        opt = optim.NAdam([p])
        p.grad = tc.ones(2, dtype=tc.float32)
        opt.step()
        assert opt.state[p]["step"].dtype == tc.float64 and opt.state[p]["mu_product"].dtype == tc.float64
        assert opt.state[p]["exp_avg"].dtype == tc.float32
    finally:
        tc.set_default_dtype(old)


@pytest.mark.parametrize("make", [
    lambda ps: optim.Adadelta(ps, lr=10.0), lambda ps: optim.Adagrad(ps, lr=0.5),
    lambda ps: optim.Adamax(ps, lr=0.05), lambda ps: optim.NAdam(ps, lr=0.05),
    lambda ps: optim.RAdam(ps, lr=0.05), lambda ps: optim.Rprop(ps, lr=0.01),
    lambda ps: optim.ASGD(ps, lr=0.05, t0=50)])
def test_optimizers_minimise_a_quadratic(make):
    rng = np.random.default_rng(0)
    target = tc.tensor(rng.standard_normal(10).astype(np.float32))
    p = nn.Parameter(tc.zeros(10))
    opt = make([p])
    for _ in range(400):
        opt.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        opt.step()
    assert float(((p - target) ** 2).sum()) < 1e-3


def test_params_without_grad_are_skipped_and_closure_returns_loss():
    a, b = nn.Parameter(tc.ones(3)), nn.Parameter(tc.ones(3))
    for cls in (optim.Adadelta, optim.Adamax, optim.NAdam, optim.RAdam, optim.Rprop, optim.ASGD):
        opt = cls([a, b])
        a.grad = tc.ones(3)
        b.grad = None
        loss = opt.step(lambda: tc.tensor(2.5))
        assert float(loss) == 2.5
        assert b not in opt.state and a in opt.state
        np.testing.assert_array_equal(np_of(b), np.ones(3, np.float32))
        opt.state.clear()


def test_constructor_errors_match_torch():
    torch = pytest.importorskip("torch")
    cases = [
        ("Adadelta", dict(lr=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(eps=-1)),
        ("Adadelta", dict(weight_decay=-1)),
        ("Adagrad", dict(lr=-1)), ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(weight_decay=-1)),
        ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)),
        ("Adagrad", dict(fused=True, differentiable=True)),
        ("Adamax", dict(lr=-1)), ("Adamax", dict(eps=-1)), ("Adamax", dict(betas=(1.0, 0.9))),
        ("Adamax", dict(betas=(0.9, -0.1))), ("Adamax", dict(weight_decay=-1)),
        ("NAdam", dict(lr=-1)), ("NAdam", dict(momentum_decay=-1)), ("NAdam", dict(betas=(0.9, 1.0))),
        ("RAdam", dict(lr=-1)), ("RAdam", dict(weight_decay=-1)), ("RAdam", dict(eps=-1)),
        ("Rprop", dict(lr=-1)), ("Rprop", dict(etas=(1.5, 1.2))), ("Rprop", dict(etas=(0.5, 0.9))),
        ("ASGD", dict(lr=-1)), ("ASGD", dict(weight_decay=-1)),
        ("SparseAdam", dict(lr=0)), ("SparseAdam", dict(eps=0)), ("SparseAdam", dict(betas=(0.9, 1.0))),
        ("LBFGS", dict(lr=-1)),
    ]
    for name, kwargs in cases:
        outcomes = []
        for lib, param in ((optim, nn.Parameter(tc.ones(2))), (torch.optim, torch.nn.Parameter(torch.ones(2)))):
            try:
                getattr(lib, name)([param], **kwargs)
                outcomes.append(None)
            except Exception as e:  # noqa: BLE001  (comparing type and message)
                outcomes.append((type(e).__name__, str(e)))
        assert outcomes[0] is not None and outcomes[0] == outcomes[1], (name, kwargs, outcomes)


def test_defaults_and_signatures_match_torch():
    torch = pytest.importorskip("torch")
    import inspect
    for name in ("Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "SparseAdam", "LBFGS"):
        ours = inspect.signature(getattr(optim, name).__init__)
        theirs = inspect.signature(getattr(torch.optim, name).__init__)
        assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
            [(p.name, p.kind, p.default) for p in theirs.parameters.values()], name
        copt = getattr(optim, name)([nn.Parameter(tc.ones(2))])
        topt = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))])
        assert copt.defaults == topt.defaults, name
        assert repr(copt) == repr(topt), name


def test_sparse_adam_rejects_dense_gradients_like_torch():
    p = nn.Parameter(tc.ones(3))
    opt = optim.SparseAdam([p], lr=0.1)
    assert opt.defaults == {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "maximize": False}
    assert opt.step() is None  # no gradients: nothing to do
    p.grad = tc.ones(3)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients, please consider Adam instead"):
        opt.step()
    torch = pytest.importorskip("torch")
    tp = torch.nn.Parameter(torch.ones(3))
    tp.grad = torch.ones(3)
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        torch.optim.SparseAdam([tp]).step()


# ---------------------------------------------------------------------------
# LBFGS
# ---------------------------------------------------------------------------

def _lbfgs_run(lib, dtype, kwargs, steps):
    """A small nonlinear least-squares problem (tanh regression with a
    quartic penalty), two parameters of different shapes."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((20, 6)).astype(dtype)
    b = rng.standard_normal(20).astype(dtype)
    w0, c0 = rng.standard_normal((2, 3)).astype(dtype), np.array(0.3, dtype=dtype)
    P = nn.Parameter if lib is tc else lib.nn.Parameter
    w, c = P(lib.tensor(w0)), P(lib.tensor(c0))
    A_, b_ = lib.tensor(A), lib.tensor(b)
    opt = (optim if lib is tc else lib.optim).LBFGS([w, c], **kwargs)

    def closure():
        opt.zero_grad()
        r = lib.tanh(A_ @ w.reshape(6) + c) - b_
        loss = (r * r).mean() + 0.01 * (w ** 4).sum()
        loss.backward()
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    params = np.concatenate([w.detach().numpy().ravel(), c.detach().numpy().ravel()])
    return params, losses, opt


LBFGS_CONFIGS = [dict(), dict(line_search_fn="strong_wolfe"), dict(lr=0.5, max_iter=7, history_size=3),
                 dict(lr=1, max_iter=10, history_size=4, line_search_fn="strong_wolfe"),
                 dict(max_iter=30, max_eval=12, tolerance_grad=1e-5, tolerance_change=1e-7,
                      line_search_fn="strong_wolfe")]


def _config_id(kwargs):
    return "-".join(f"{k}={v}" for k, v in kwargs.items()) or "default"


@pytest.mark.parametrize("kwargs", LBFGS_CONFIGS, ids=_config_id)
def test_lbfgs_vs_torch_float64(kwargs):
    """5 steps (up to 20 iterations each) of L-BFGS: the same iterates,
    losses, evaluation counts and state as PyTorch."""
    torch = pytest.importorskip("torch")
    ours, our_losses, copt = _lbfgs_run(tc, "float64", kwargs, 5)
    theirs, their_losses, topt = _lbfgs_run(torch, "float64", kwargs, 5)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-10, atol=1e-14)
    sa, sb = next(iter(copt.state.values())), next(iter(topt.state.values()))
    assert set(sa) == set(sb)
    assert (sa["func_evals"], sa["n_iter"]) == (sb["func_evals"], sb["n_iter"])
    assert len(sa["old_dirs"]) == len(sb["old_dirs"]) and len(sa["al"]) == len(sb["al"])
    np.testing.assert_allclose(np_of(sa["d"]), sb["d"].numpy(), rtol=1e-8, atol=1e-12)
    assert repr(copt) == repr(topt)
    assert copt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


@pytest.mark.parametrize("kwargs", [dict(max_iter=4), dict(max_iter=4, line_search_fn="strong_wolfe")],
                         ids=["fixed-step", "strong_wolfe"])
def test_lbfgs_vs_torch_float32(kwargs):
    """float32: the first step's iterations agree to float32 precision (later
    ones depend on tolerance tests that a 1-ulp forward difference can flip)."""
    torch = pytest.importorskip("torch")
    ours, our_losses, copt = _lbfgs_run(tc, "float32", kwargs, 1)
    theirs, their_losses, topt = _lbfgs_run(torch, "float32", kwargs, 1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    sa, sb = next(iter(copt.state.values())), next(iter(topt.state.values()))
    assert (sa["func_evals"], sa["n_iter"]) == (sb["func_evals"], sb["n_iter"])
    assert sa["d"].dtype == tc.float32
    # t, H_diag and ro are 0-dim float32 tensors, as in PyTorch (Note [LBFGS scalars stay tensors])
    for key in ("t", "H_diag"):
        assert isinstance(sa[key], tc.Tensor) == isinstance(sb[key], torch.Tensor), key


def test_lbfgs_solves_least_squares_and_state_roundtrip():
    rng = np.random.default_rng(1)
    A = tc.tensor(rng.standard_normal((30, 5)))
    x_true = rng.standard_normal(5)
    b = A @ tc.tensor(x_true)
    x = nn.Parameter(tc.zeros(5, dtype=tc.float64))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = ((A @ x - b) ** 2).sum()
        loss.backward()
        return loss

    first = opt.step(closure)
    assert float(first) > 1.0
    np.testing.assert_allclose(np_of(x), x_true, rtol=1e-8, atol=1e-10)
    sd = pickle.loads(pickle.dumps(opt.state_dict()))
    assert set(sd["state"][0]) >= {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                   "prev_flat_grad", "prev_loss"}
    opt2 = optim.LBFGS([x], line_search_fn="strong_wolfe")
    opt2.load_state_dict(sd)
    assert opt2.state[x]["n_iter"] == opt.state[x]["n_iter"]
    opt2.step(closure)  # continues from the saved history without error


def test_lbfgs_errors():
    a, b = nn.Parameter(tc.ones(2)), nn.Parameter(tc.ones(2))
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = optim.LBFGS([a], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = (a ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    # already optimal: returns the loss without iterating
    z = nn.Parameter(tc.zeros(2))
    opt = optim.LBFGS([z])
    loss = opt.step(lambda: (z ** 2).sum().backward() or (z ** 2).sum())
    assert float(loss) == 0.0 and opt.state[z]["n_iter"] == 0


# ---------------------------------------------------------------------------
# Tensor.add_ alpha as a 0-dim tensor
# ---------------------------------------------------------------------------

def test_add_sub_accept_zero_dim_tensor_alpha():
    x = tc.ones(3)
    assert x.add(tc.ones(3), alpha=tc.tensor(2.0)).tolist() == [3.0, 3.0, 3.0]
    assert x.add_(tc.ones(3), alpha=tc.tensor(2.0)).tolist() == [3.0, 3.0, 3.0]
    assert x.sub_(tc.ones(3), alpha=tc.tensor(0.5)).tolist() == [2.5, 2.5, 2.5]
    assert x.sub(tc.ones(3), alpha=tc.tensor(2.0, dtype=tc.float64)).tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(TypeError, match=r"add\(\): argument 'alpha' must be Number, not Tensor"):
        x.add(tc.ones(3), alpha=tc.tensor([2.0]))
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"add\(\): argument 'alpha' must be Number, not Tensor"):
        torch.ones(3).add(torch.ones(3), alpha=torch.tensor([2.0]))
    assert torch.ones(3).add_(torch.ones(3), alpha=torch.tensor(2.0)).tolist() == [3.0, 3.0, 3.0]


def test_inplace_addcmul_addcdiv_lerp_vs_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(50).astype(np.float32), rng.standard_normal(50).astype(np.float32)
    c = (rng.random(50) + 0.5).astype(np.float32)
    for op, args, kw in [("addcmul_", (b, c), dict(value=0.3)), ("addcdiv_", (b, c), dict(value=-0.7)),
                         ("lerp_", (b,), dict()), ("addcmul_", (b, c), dict())]:
        extra = (0.1,) if op == "lerp_" else ()
        x, y = tc.tensor(a), torch.tensor(a)
        rx = getattr(x, op)(*[tc.tensor(t) for t in args], *extra, **kw)
        ry = getattr(y, op)(*[torch.tensor(t) for t in args], *extra, **kw)
        assert rx is x
        np.testing.assert_allclose(x.numpy(), ry.numpy(), rtol=1e-6, atol=1e-7, err_msg=op)
    # differentiable in place on a non-leaf, with PyTorch's node names
    w = tc.tensor(a, requires_grad=True)
    h = w * 1.0
    h.addcmul_(tc.tensor(b), w, value=2.0)
    assert type(h.grad_fn).__name__ == "AddcmulBackward0"
    h.lerp_(w, 0.75)
    assert type(h.grad_fn).__name__ == "LerpBackward0"
    h.sum().backward()
    # h = 0.25 * (w + 2 b w) + 0.75 w
    np.testing.assert_allclose(w.grad.numpy(), 0.25 * (1.0 + 2.0 * b) + 0.75, rtol=1e-6)


def test_gradcheck_inplace_composites():
    a = tc.tensor(np.random.default_rng(2).standard_normal(4), requires_grad=True)
    b = tc.tensor(np.random.default_rng(3).standard_normal(4), requires_grad=True)
    c = tc.tensor(np.random.default_rng(4).random(4) + 0.5, requires_grad=True)
    assert tc.autograd.gradcheck(lambda a, b, c: (a * 1.0).addcmul_(b, c, value=0.7), (a, b, c))
    assert tc.autograd.gradcheck(lambda a, b, c: (a * 1.0).addcdiv_(b, c, value=-1.3), (a, b, c))
    assert tc.autograd.gradcheck(lambda a, b: (a * 1.0).lerp_(b, 0.3), (a, b))
    assert tc.autograd.gradcheck(lambda a, b: (a * 1.0).lerp_(b, 0.8), (a, b))
    w = tc.tensor(np.random.default_rng(5).random(4), requires_grad=True)
    assert tc.autograd.gradcheck(lambda a, b, w: (a * 1.0).lerp_(b, w), (a, b, w))


def test_no_warnings_from_steps():
    p = nn.Parameter(tc.ones(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cls in (optim.Adadelta, optim.Adagrad, optim.Adamax, optim.NAdam, optim.RAdam, optim.Rprop, optim.ASGD):
            opt = cls([p])
            p.grad = tc.ones(3)
            opt.step()
