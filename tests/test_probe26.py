"""Differential probes of the training-script API around the core (optim,
lr_scheduler, nn.Module, utils.data, nn.utils), each case run under PyTorch
and tensorcore: the same printed values, the same exception type and text
(module names aside), the same warning categories. Found by probe26; each
case differed before its fix."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _plain(value):
    return str(value).replace("tensorcore", "torch")


def outcome(case, m):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        m.manual_seed(0)
        try:
            result = ("returns", _plain(case(m)))
        except Exception as e:  # noqa: BLE001 - the exception type and text are what is compared
            result = ("raises", type(e).__name__, _plain(e))
    return result, sorted({w.category.__name__ for w in seen})


def assert_same(case):
    want, got = outcome(case, torch), outcome(case, tc)
    assert got == want


def _rounded(t, digits=6):
    return [round(x, digits) for x in t.detach().double().flatten().tolist()]


# ------------------------------------------------------------------ optimizer state_dict round trips
def _quadratic(m, w, b):
    return ((w * m.tensor([1., -2., 3.])).sum(0) * b).pow(2).sum() + b.sin().sum()


def _round_trip(make):
    """Four closure steps, a state_dict into a fresh optimizer, one more step:
    the loaded state must carry on as the original would."""
    def case(m):
        w = m.nn.Parameter(m.arange(6.).reshape(2, 3) / 7)
        b = m.nn.Parameter(m.ones(3) * 0.3)
        opt = make(m, [w, b])

        def closure():
            opt.zero_grad()
            loss = _quadratic(m, w, b)
            loss.backward()
            return loss
        for _ in range(4):
            opt.step(closure)
        sd = opt.state_dict()
        shapes = {k: {kk: tuple(vv.shape) for kk, vv in v.items() if hasattr(vv, "shape")}
                  for k, v in sd["state"].items()}
        again = make(m, [w, b])
        again.load_state_dict(sd)
        again.step(closure)
        return shapes, sd["param_groups"], _rounded(w, 4), _rounded(b, 4)
    return case


@pytest.mark.parametrize("make", [
    # Adafactor keeps factored row/column variances, LBFGS flat vectors: neither is shaped like its
    # parameter, and load_state_dict refused both with a shape check PyTorch does not make
    lambda m, p: m.optim.Adafactor(p, lr=0.01),
    lambda m, p: m.optim.LBFGS(p, lr=0.5, history_size=3, max_iter=4),
    lambda m, p: m.optim.LBFGS(p, lr=1, line_search_fn="strong_wolfe", max_iter=5),
    lambda m, p: m.optim.Adam(p, lr=0.01, amsgrad=True),
], ids=["adafactor", "lbfgs", "lbfgs-strong-wolfe", "adam"])
def test_optimizer_state_dict_round_trip(make):
    assert_same(_round_trip(make))


def test_mismatched_state_fails_at_step_not_at_load():
    def case(m):
        w = m.nn.Parameter(m.ones(4, 5))
        opt = m.optim.SGD([w], lr=0.1, momentum=0.9)
        w.grad = m.ones(4, 5)
        opt.step()
        sd = opt.state_dict()
        sd["state"][0]["momentum_buffer"] = m.ones(2)
        opt.load_state_dict(sd)  # PyTorch loads it as given
        try:
            opt.step()
        except RuntimeError:
            return "step raised RuntimeError"
        return "step ran"
    assert_same(case)


def test_lbfgs_int_lr_keeps_int_step_length():
    def case(m):
        w = m.nn.Parameter(m.tensor([1.5, -0.5]))
        opt = m.optim.LBFGS([w], lr=1, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = ((w - 1) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
        t = opt.state_dict()["state"][0]["t"]
        return type(t).__name__, t
    assert_same(case)


def test_add_param_group_refuses_non_dict_with_pytorchs_text():
    def case(m):
        opt = m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=0.1)
        opt.add_param_group([m.nn.Parameter(m.ones(1))])
    assert_same(case)


# ------------------------------------------------------------------ Muon
def _muon_run(m, shapes, **kwargs):
    rng = np.random.default_rng(1)
    params = [m.nn.Parameter(m.tensor(rng.standard_normal(s).astype(np.float32))) for s in shapes]
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(4)]
    opt = m.optim.Muon(params, **kwargs)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = m.tensor(g)
        opt.step()
    return opt, params


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.02),
    dict(lr=0.02, nesterov=False, momentum=0.5, weight_decay=0.0),
    dict(lr=0.02, adjust_lr_fn="match_rms_adamw", ns_steps=3),
    dict(lr=0.01, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3),
])
def test_muon_matches_pytorch(kwargs):
    # Small matrices agree bit for bit (Notes [Half-precision addmm rounds once] and [alpha scales in the
    # promoted dtype] were both needed); larger ones only to float32 accumulation order: a bfloat16 GEMM
    # entry now and then rounds the other way when the float32 sums are added in another order.
    shapes = [(2, 3), (4, 2), (16, 16), (32, 8)]
    want_opt, want = _muon_run(torch, shapes, **kwargs)
    got_opt, got = _muon_run(tc, shapes, **kwargs)
    for a, b in zip(want[:2], got[:2]):
        np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
    for a, b in zip(want[2:], got[2:]):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert _plain(got_opt.state_dict()["param_groups"]) == _plain(want_opt.state_dict()["param_groups"])
    assert _plain(got_opt) == _plain(want_opt)


def test_muon_state_dict_round_trip_and_scheduler():
    def case(m):
        opt, (w,) = _muon_run(m, [(3, 4)], lr=0.05)
        again = m.optim.Muon([w], lr=0.5)
        again.load_state_dict(opt.state_dict())
        sched = m.optim.lr_scheduler.StepLR(again, 1, gamma=0.5)
        w.grad = m.ones(3, 4)
        again.step()
        sched.step()
        return sched.get_last_lr(), _rounded(w, 5), list(again.state[w])
    assert_same(case)


@pytest.mark.parametrize("args", [
    "[m.nn.Parameter(m.ones(3))]", "[w], lr=-1", "[w], momentum=-1", "[w], weight_decay=-1",
    "[w], adjust_lr_fn='x'", "[w], ns_steps=100", "[w], ns_coefficients=(1., 2.)",
    "[w], lr=m.ones(2)",
])
def test_muon_errors(args):
    def case(m):
        w = m.nn.Parameter(m.ones(2, 3))
        opt = eval("m.optim.Muon(" + args + ")")  # noqa: S307 - fixed test strings
        w.grad = m.ones(2, 3)
        opt.step()
        return "ok"
    assert_same(case)


# ------------------------------------------------------------------ half-precision products and alpha
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op,shapes", [
    ("addmm", [(5, 6), (5, 7), (7, 6)]),
    ("baddbmm", [(2, 5, 6), (2, 5, 7), (2, 7, 6)]),
])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (-4.775, 2.0315), (0.5, 1), (0, 1.7)])
def test_half_addmm_rounds_once(dtype, op, shapes, beta, alpha):
    # Note [Half-precision addmm rounds once]
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    want = getattr(torch, op)(*[torch.tensor(a).to(getattr(torch, dtype)) for a in arrays], beta=beta, alpha=alpha)
    got = getattr(tc, op)(*[tc.tensor(a).to(getattr(tc, dtype)) for a in arrays], beta=beta, alpha=alpha)
    assert _plain(got.dtype) == _plain(want.dtype)
    np.testing.assert_array_equal(got.float().numpy(), want.float().numpy())


def test_half_addmm_keeps_gradients():
    def case(m):
        a = m.ones(2, 2, dtype=m.bfloat16, requires_grad=True)
        b = m.full((2, 3), 0.5, dtype=m.bfloat16, requires_grad=True)
        c = m.full((2, 3), 0.25, dtype=m.bfloat16, requires_grad=True)
        out = m.addmm(c, a, b, beta=0.5, alpha=2.0)
        out.sum().backward()
        return out.dtype, a.grad, b.grad, c.grad
    assert_same(case)


_MIXED = [("float32", "bfloat16"), ("float32", "float16"), ("float64", "float32"), ("float64", "bfloat16"),
          ("float64", "int64"), ("bfloat16", "float16"), ("float16", "bfloat16"), ("bfloat16", "float32")]


@pytest.mark.parametrize("d1,d2", _MIXED)
@pytest.mark.parametrize("op", ["add", "sub", "add_", "sub_"])
def test_alpha_scales_in_the_promoted_dtype(d1, d2, op):
    # Note [alpha scales in the promoted dtype]: param.add_(bf16_update, alpha=-lr) and the like
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal((4, 5)) * 10, rng.standard_normal((4, 5)) * 10

    def run(m):
        a, b = m.tensor(a0).to(getattr(m, d1)), m.tensor(b0).to(getattr(m, d2))
        if op.endswith("_"):
            a = a.clone()
        return getattr(a, op)(b, alpha=-0.0213)
    want, got = run(torch), run(tc)
    assert _plain(got.dtype) == _plain(want.dtype)
    assert got.double().tolist() == want.double().tolist()


def test_alpha_with_mixed_dtypes_keeps_gradients():
    def case(m):
        x = m.ones(3, dtype=m.bfloat16, requires_grad=True)
        y = m.ones(3, requires_grad=True)
        z = y.sub(x, alpha=0.3)
        z.sum().backward()
        return z.grad_fn.name(), z, x.grad, y.grad
    assert_same(case)


# ------------------------------------------------------------------ nn.Module
def test_named_modules_memo_holds_modules():
    def case(m):
        lin = m.nn.Linear(2, 3)
        net = m.nn.Sequential(lin, m.nn.Sequential(m.nn.ReLU(), lin))
        return ([n for n, _ in net.named_modules(memo={lin})],
                [n for n, _ in net.named_modules(memo={net[1]}, prefix="root")],
                [n for n, _ in net.named_modules()])
    assert_same(case)


def test_convert_conv_weight_memory_format_relays_out_weights():
    def case(m):
        net = m.nn.Sequential(m.nn.Conv2d(2, 4, 3), m.nn.ReLU(), m.nn.Sequential(m.nn.ConvTranspose2d(4, 2, 3)),
                              m.nn.Conv3d(2, 2, 1))
        weight = net[0].weight
        same = m.nn.utils.convert_conv2d_weight_memory_format(net, m.channels_last) is net
        strides = [net[0].weight.stride(), net[2][0].weight.stride(), net[3].weight.stride()]
        m.nn.utils.convert_conv3d_weight_memory_format(net, m.channels_last_3d)
        return same, net[0].weight is weight, strides, net[3].weight.stride(), net[0](m.ones(1, 2, 5, 5)).shape
    assert_same(case)


def test_asgd_foreach_follows_pytorchs_multi_tensor_rounding():
    # PyTorch's foreach=True ASGD rounds differently from its single-tensor form (eta from the float32
    # step tensor, ax averaged with addcmul even while mu is 1); before, tensorcore ran the single-tensor
    # form for both and drifted by ~1e-6 within 25 steps. What remains is addcmul's fused multiply-add
    # (an ulp), hence the tolerance.
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((5, 7)).astype(np.float32)
    grads = [rng.standard_normal((5, 7)).astype(np.float32) for _ in range(25)]

    def run(m, **kwargs):
        w = m.nn.Parameter(m.tensor(w0))
        opt = m.optim.ASGD([w], lr=0.01, t0=3, foreach=True, **kwargs)
        for g in grads:
            w.grad = m.tensor(g)
            opt.step()
        return w.detach().numpy(), opt.state[w]["ax"].numpy(), opt.state[w]["eta"].item(), opt.state[w]["mu"].item()
    for kwargs in ({}, {"weight_decay": 0.1}, {"maximize": True}):
        want, got = run(torch, **kwargs), run(tc, **kwargs)
        np.testing.assert_allclose(got[0], want[0], rtol=0, atol=3e-7)
        np.testing.assert_allclose(got[1], want[1], rtol=0, atol=3e-7)
        assert got[2:] == want[2:]


def test_iterable_dataset_is_an_abstract_iterable():
    def case(m):
        import collections.abc

        class Stream(m.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(3))
        checks = isinstance(Stream(), collections.abc.Iterable), list(Stream())
        m.utils.data.IterableDataset()  # no __iter__: PyTorch's TypeError for an abstract class
        return checks
    assert_same(case)


# ------------------------------------------------------------------ complex parameters
_COMPLEX_SPECS = [
    "SGD(P, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)", "Adam(P, lr=0.05, amsgrad=True)",
    "AdamW(P, lr=0.05)", "Adamax(P, lr=0.05)", "Adagrad(P, lr=0.1, initial_accumulator_value=0.1)",
    "Adadelta(P, lr=1.0)", "ASGD(P, lr=0.05)", "NAdam(P, lr=0.05)", "RAdam(P, lr=0.05)",
    "RMSprop(P, lr=0.01, centered=True, momentum=0.5)", "Rprop(P, lr=0.05)", "Adagrad(P, lr=0.1, maximize=True)",
]


@pytest.mark.parametrize("spec", _COMPLEX_SPECS)
def test_complex_parameters_step_as_real_pairs(spec):
    # Note [Complex parameters step as real pairs]: SGD/Adam/AdamW/RMSprop/Adamax/Rprop raised, and
    # Adagrad/Adadelta/NAdam squared the gradient as a complex number (the imaginary parts barely moved)
    rng = np.random.default_rng(0)
    p0 = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64)
    r0 = rng.standard_normal(3).astype(np.float32)
    grads = [((rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex64),
              rng.standard_normal(3).astype(np.float32)) for _ in range(6)]

    def run(m):
        p, r = m.nn.Parameter(m.tensor(p0)), m.nn.Parameter(m.tensor(r0))
        opt = eval("m.optim." + spec, {"m": m, "P": [p, r]})  # noqa: S307 - fixed test strings
        for gp, gr in grads:
            p.grad, r.grad = m.tensor(gp), m.tensor(gr)
            opt.step()
        state = {k: {kk: (_plain(vv.dtype), tuple(vv.shape)) for kk, vv in v.items() if hasattr(vv, "dtype")}
                 for k, v in opt.state_dict()["state"].items()}
        return p.detach().numpy(), r.detach().numpy(), state
    want, got = run(torch), run(tc)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, atol=1e-7)
    assert got[2] == want[2]  # complex state, as PyTorch keeps it


def test_complex_parameters_with_closure_and_round_trip():
    def case(m):
        p = m.nn.Parameter(m.tensor([1 + 2j, -0.5 + 0.25j]))
        opt = m.optim.Adam([p], lr=0.1)

        def closure():
            opt.zero_grad()
            loss = (p.abs() ** 2).sum()
            loss.backward()
            return loss
        losses = [round(opt.step(closure).item(), 4) for _ in range(3)]
        again = m.optim.Adam([p], lr=0.1)
        again.load_state_dict(opt.state_dict())
        again.step(closure)
        return losses, [complex(round(z.real, 4), round(z.imag, 4)) for z in p.detach().tolist()], \
            again.state[p]["exp_avg"].dtype
    assert_same(case)


# ------------------------------------------------------------------ swap_in_optimizer_params_and_state
def _swap_in_setup(m):
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2)
    opt = m.optim.Adam(lin.parameters(), lr=0.1)
    lin(m.ones(1, 3)).sum().backward()
    opt.step()
    return lin, opt


def test_swap_in_optimizer_params_and_state_steps_the_swapped_tensors():
    def case(m):
        import copy
        lin, opt = _swap_in_setup(m)
        params = {n: p.detach().clone().requires_grad_() for n, p in lin.named_parameters()}
        for p in params.values():
            p.grad = m.ones_like(p)
        osd = copy.deepcopy(opt.state_dict())
        osd["param_groups"][0]["lr"] = 0.5
        before = [p.detach().clone() for p in lin.parameters()]
        with m.optim.swap_in_optimizer_params_and_state(opt, params, osd):
            inside = opt.param_groups[0]["lr"], opt.param_groups[0]["params"][0] is params["weight"]
            opt.step()
        untouched = [m.equal(a, b) for a, b in zip(before, lin.parameters())]
        return (inside, untouched, opt.param_groups[0]["lr"], opt.param_groups[0]["params"][0] is lin.weight,
                [_rounded(p, 5) for p in params.values()], osd["state"][0]["step"], opt.state[lin.weight]["step"])
    assert_same(case)


@pytest.mark.parametrize("broken", ["fresh optimizer", "not a dict", "state list", "state keyed by tensors",
                                    "state entry", "groups not a list", "group count", "param count", "group keys",
                                    "ids not ints", "too few tensors", "extra state key"])
def test_swap_in_optimizer_params_and_state_errors(broken):
    def case(m):
        import copy
        lin, opt = _swap_in_setup(m)
        osd, params = opt.state_dict(), dict(lin.named_parameters())
        groups = copy.deepcopy(osd["param_groups"])
        state = osd["state"]
        if broken == "fresh optimizer":
            opt = m.optim.SGD(lin.parameters(), lr=0.1)
        elif broken == "not a dict":
            osd = [1]
        elif broken == "state list":
            state = [1]
        elif broken == "state keyed by tensors":
            state = {lin.weight: {}}
        elif broken == "state entry":
            state = {0: 1}
        elif broken == "groups not a list":
            groups = 1
        elif broken == "group count":
            groups = []
        elif broken == "param count":
            groups[0]["params"] = [0]
        elif broken == "group keys":
            groups[0]["extra"] = 1
            del groups[0]["lr"]
        elif broken == "ids not ints":
            groups[0]["params"] = ["a", "b"]
        elif broken == "too few tensors":
            params = {"w": lin.weight}
        elif broken == "extra state key":
            state = {**state, 7: {}}
        if broken != "not a dict":
            osd = {"state": state, "param_groups": groups}
        with m.optim.swap_in_optimizer_params_and_state(opt, params, osd):
            return "entered"
    assert_same(case)


@pytest.mark.parametrize("op", ["add", "sub"])
def test_alpha_with_out_rounds_once(op):
    # torch.add/sub(..., alpha=, out=) rounded alpha * other on its own first (a quarter of float32
    # entries differed by an ulp; mixed dtypes far more)
    rng = np.random.default_rng(0)
    a0, b0 = rng.standard_normal(4096).astype(np.float32), rng.standard_normal(4096).astype(np.float32)

    def run(m):
        a, b = m.tensor(a0), m.tensor(b0)
        same, wide = m.empty(4096), m.empty(4096, dtype=m.float64)
        r = getattr(m, op)(a, b, alpha=0.3, out=same)
        getattr(m, op)(a, b.bfloat16(), alpha=-0.0213, out=wide)
        small = getattr(m, op)(2.5, m.tensor([1., 2.]), alpha=3, out=m.empty(0, dtype=m.float64))
        return r is same, same.numpy(), wide.numpy(), small.tolist()
    want, got = run(torch), run(tc)
    assert got[0] == want[0] and got[3] == want[3]
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[2], want[2])


def test_bool_subtraction_messages():
    def case(m):
        t, f = m.ones(2, dtype=m.bool), m.ones(2)
        seen = []
        for a, b in [(t, t), (t, f), (f, t), (t, True), (t, 1)]:
            for kwargs in ({}, {"alpha": 2}):
                for call in (lambda: m.sub(a, b, **kwargs), lambda: a.sub(b, **kwargs),
                             lambda: a.clone().sub_(b, **kwargs)):
                    try:
                        call()
                        seen.append("ran")
                    except RuntimeError as e:
                        seen.append(str(e))
        return seen
    assert_same(case)


def test_addmm_out():
    def case(m):
        a, b, c = m.ones(2, 3), m.ones(3, 2), m.ones(2, 2)
        o = m.empty(2, 2)
        seen = [m.addmm(c, a, b, out=o) is o, o]
        o = m.empty(0)
        m.addmm(c, a, b, beta=0.5, alpha=2, out=o)
        seen.append(o)
        for out in [m.empty(2, 2, dtype=m.float64), m.empty(2, 2, dtype=m.int64), m.empty(5, 5)]:
            try:
                seen.append(m.addmm(c, a, b, out=out))
            except RuntimeError as e:
                seen.append(str(e))
        h = m.ones(2, 2, dtype=m.bfloat16)
        seen.append(m.addmm(h, h, h, beta=0.3, alpha=0.7, out=m.empty(2, 2, dtype=m.bfloat16)))
        return seen
    assert_same(case)


def test_optimizer_module_helpers_for_third_party_optimizers():
    # optimizers written outside PyTorch import these from torch.optim.optimizer
    import importlib

    def case(m):
        o = importlib.import_module(m.__name__ + ".optim.optimizer")
        p = m.nn.Parameter(m.ones(2))
        seen = [o._default_to_fused_or_foreach([p], False), o._default_to_fused_or_foreach([p], False, True),
                o._default_to_fused_or_foreach([p], True), o._default_to_fused_or_foreach([None], False),
                o._default_to_fused_or_foreach([m.nn.Parameter(m.ones(2, dtype=m.complex64))], False, True),
                o._get_value(m.tensor(3.5)), o._get_value(2), o._to_scalar(m.tensor([0.1])).shape,
                o._get_scalar_dtype(), o._get_scalar_dtype(True), o._stack_if_compiling([1]),
                o._disable_dynamo_if_unsupported(single_tensor_fn=len)(abs)(-1), isinstance(o._params_doc, str)]
        params = [m.ones(2, dtype=m.complex64), m.ones(2)]
        grads = [m.zeros(2, dtype=m.complex64), m.zeros(2)]
        o._view_as_real(params, grads)
        seen.append([tuple(x.shape) for x in params + grads])

        class Custom(m.optim.Optimizer):
            def __init__(self, params: o.ParamsT, lr: float = 0.1) -> None:
                super().__init__(params, dict(lr=lr, differentiable=False))

            @o._use_grad_for_differentiable
            def step(self, closure=None):
                for group in self.param_groups:
                    for q in group["params"]:
                        q.add_(q.grad, alpha=-o._get_value(m.tensor(group["lr"])))
        q = m.nn.Parameter(m.ones(2))
        q.grad = m.ones(2)
        Custom([q]).step()
        seen.append(q)
        return seen
    assert_same(case)


def test_collate_module_exports_pytorchs_message_and_pattern():
    # custom collate functions import these from torch.utils.data._utils.collate
    import importlib

    def case(m):
        c = importlib.import_module(m.__name__ + ".utils.data._utils.collate")
        seen = [c.default_collate_err_msg_format.format(int), c.np_str_obj_array_pattern.pattern]
        for batch in ([np.array(["a"]), np.array(["b"])], [np.array([b"a"]), np.array([b"b"])],
                      [np.array([object()])], [np.array([1 + 2j])], [np.array([1, 2]), np.array([3, 4])]):
            elem = batch[0]
            seen.append(c.np_str_obj_array_pattern.search(elem.dtype.str) is not None)
            try:
                seen.append(c.default_collate(batch))
            except TypeError as e:
                seen.append(str(e))
        grad = importlib.import_module(m.__name__ + ".nn.utils.clip_grad")
        seen.append(grad._tensor_or_tensors is not None)
        return seen
    assert_same(case)
