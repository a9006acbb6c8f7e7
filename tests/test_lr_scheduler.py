"""tensorcore.optim.lr_scheduler: every scheduler's sequence of learning
rates (and momenta) against PyTorch's, state_dict layouts and resumption,
warnings and argument errors."""
import pickle
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn, optim
from tensorcore.optim import lr_scheduler


def _optimizer(lib, name="SGD", lr=0.1, two_groups=True, **kwargs):
    P = nn.Parameter if lib is tc else lib.nn.Parameter
    ps = [P(lib.ones(1)), P(lib.ones(1))]
    groups = [{"params": [ps[0]]}, {"params": [ps[1]], "lr": lr / 2}] if two_groups else ps
    return getattr(optim if lib is tc else lib.optim, name)(groups, lr=lr, **kwargs)


def _module(lib):
    return lr_scheduler if lib is tc else lib.optim.lr_scheduler


def _run(lib, make, epochs=50, opt_name="SGD", opt_kwargs=None, metrics=None):
    """Learning rates (and momenta/betas) after construction and after each of
    `epochs` optimizer.step(); scheduler.step() pairs."""
    o = _optimizer(lib, opt_name, **(opt_kwargs or {}))
    s = make(_module(lib), o)
    def snapshot():
        return (list(s.get_last_lr()), [g["lr"] for g in o.param_groups],
                [g.get("momentum", g.get("betas", (None,))[0]) for g in o.param_groups])
    out = [snapshot()]
    for e in range(epochs):
        o.step()
        if metrics is None:
            s.step()
        else:
            s.step(metrics[e])
        out.append(snapshot())
    return out, s, o


def _plateau_metrics():
    # falls, plateaus, falls a little (below the threshold), rises
    return [1.0 / (1 + e) if e < 10 else 0.1 - 1e-6 * e if e < 30 else 0.05 + 0.01 * (e % 3) for e in range(50)]


SCHEDULERS = [
    ("LambdaLR", lambda m, o: m.LambdaLR(o, lambda e: 0.95 ** e)),
    ("LambdaLR-list", lambda m, o: m.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.9 ** e])),
    ("MultiplicativeLR", lambda m, o: m.MultiplicativeLR(o, lambda e: 0.97)),
    ("StepLR", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    ("MultiStepLR", lambda m, o: m.MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.3)),
    ("ConstantLR", lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=6)),
    ("ConstantLR-default", lambda m, o: m.ConstantLR(o)),
    ("LinearLR", lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=13)),
    ("LinearLR-default", lambda m, o: m.LinearLR(o)),
    ("ExponentialLR", lambda m, o: m.ExponentialLR(o, gamma=0.9)),
    ("PolynomialLR", lambda m, o: m.PolynomialLR(o, total_iters=30, power=2.0)),
    ("PolynomialLR-default", lambda m, o: m.PolynomialLR(o)),
    ("CosineAnnealingLR", lambda m, o: m.CosineAnnealingLR(o, T_max=10)),
    ("CosineAnnealingLR-eta", lambda m, o: m.CosineAnnealingLR(o, T_max=13, eta_min=0.01)),
    ("SequentialLR", lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                                      m.CosineAnnealingLR(o, T_max=20)], milestones=[5])),
    ("SequentialLR-3", lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, factor=0.5, total_iters=4),
                                                        m.ExponentialLR(o, gamma=0.9),
                                                        m.StepLR(o, step_size=3)], milestones=[6, 20])),
    ("ChainedScheduler", lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.1, total_iters=3),
                                                          m.ExponentialLR(o, gamma=0.95)])),
    ("ChainedScheduler-opt", lambda m, o: m.ChainedScheduler([m.StepLR(o, 5), m.LinearLR(o, total_iters=9)],
                                                             optimizer=o)),
    ("CyclicLR", lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("CyclicLR-triangular2", lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3,
                                                     step_size_down=5, mode="triangular2",
                                                     base_momentum=0.7, max_momentum=0.95)),
    ("CyclicLR-exp_range", lambda m, o: m.CyclicLR(o, 0.001, 0.1, step_size_up=5, mode="exp_range", gamma=0.97,
                                                   cycle_momentum=False)),
    ("CyclicLR-scale_fn", lambda m, o: m.CyclicLR(o, 0.001, 0.1, step_size_up=5, scale_fn=lambda x: 0.5 ** x,
                                                  scale_mode="iterations")),
    ("OneCycleLR", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=50)),
    ("OneCycleLR-linear-3phase", lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], epochs=5, steps_per_epoch=10,
                                                          pct_start=0.25, anneal_strategy="linear",
                                                          three_phase=True, div_factor=10.0)),
    ("OneCycleLR-no-momentum", lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=60, cycle_momentum=False,
                                                        final_div_factor=100.0)),
    ("CosineAnnealingWarmRestarts", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7)),
    ("CosineAnnealingWarmRestarts-mult", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                                    eta_min=0.001)),
]
MOMENTUM_OPT = {"CyclicLR": ("SGD", {"momentum": 0.9}), "OneCycleLR": ("SGD", {"momentum": 0.9})}


def _opt_for(name):
    return MOMENTUM_OPT.get(name.split("-")[0], ("SGD", None))


@pytest.mark.parametrize("name,make", SCHEDULERS, ids=[n for n, _ in SCHEDULERS])
def test_sequence_vs_torch(name, make):
    torch = pytest.importorskip("torch")
    opt_name, opt_kwargs = _opt_for(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ChainedScheduler/SequentialLR construction warnings are compared below
        ours, s_ours, _ = _run(tc, make, opt_name=opt_name, opt_kwargs=opt_kwargs)
        theirs, s_theirs, _ = _run(torch, make, opt_name=opt_name, opt_kwargs=opt_kwargs)
    for e, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(np.array(x, dtype=float), np.array(y, dtype=float), rtol=1e-13, atol=1e-16,
                                       err_msg=f"epoch {e}")
    assert set(s_ours.state_dict()) == set(s_theirs.state_dict())


def test_cyclic_lr_with_adam_cycles_beta1_vs_torch():
    torch = pytest.importorskip("torch")
    make = lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=3)  # noqa: E731
    ours, _, o_ours = _run(tc, make, epochs=12, opt_name="Adam")
    theirs, _, o_theirs = _run(torch, make, epochs=12, opt_name="Adam")
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-13)
    assert o_ours.param_groups[0]["betas"] == o_theirs.param_groups[0]["betas"]


def test_reduce_lr_on_plateau_vs_torch():
    torch = pytest.importorskip("torch")
    metrics = _plateau_metrics()
    configs = [dict(), dict(patience=2, factor=0.5), dict(mode="max", patience=1, cooldown=2, min_lr=0.02),
               dict(threshold_mode="abs", threshold=0.01, patience=3, min_lr=[0.01, 0.001]),
               dict(mode="max", threshold_mode="abs", patience=0, eps=1e-3)]
    for kw in configs:
        make = lambda m, o: m.ReduceLROnPlateau(o, **kw)  # noqa: E731
        ours, s_ours, _ = _run(tc, make, metrics=metrics)
        theirs, s_theirs, _ = _run(torch, make, metrics=metrics)
        assert ours == theirs, kw
        assert s_ours.state_dict() == s_theirs.state_dict(), kw


@pytest.mark.parametrize("name,make", [(n, m) for n, m in SCHEDULERS
                                       if n.split("-")[0] in ("StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
                                                              "ExponentialLR", "PolynomialLR",
                                                              "CosineAnnealingLR")],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_closed_form_with_epoch_argument_vs_torch(name, make):
    """step(epoch) uses the closed form and warns that the argument is deprecated."""
    torch = pytest.importorskip("torch")
    epochs = [3, 4, 9, 2, 15, 15, 40]
    results = []
    for lib in (tc, torch):
        o = _optimizer(lib)
        s = make(_module(lib), o)
        lrs = []
        for e in epochs:
            o.step()
            with pytest.warns(UserWarning, match="epoch parameter"):
                s.step(e)
            lrs.append(s.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(np.array(results[0]), np.array(results[1]), rtol=1e-13, atol=1e-16)


def test_warm_restarts_fractional_epochs_vs_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tc, torch):
        o = _optimizer(lib)
        s = _module(lib).CosineAnnealingWarmRestarts(o, T_0=4, T_mult=3, eta_min=0.001)
        lrs = []
        for epoch in range(20):
            for batch in range(4):
                o.step()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    s.step(epoch + batch / 4)
                lrs.append(s.get_last_lr())
        results.append(lrs)
    np.testing.assert_allclose(np.array(results[0]), np.array(results[1]), rtol=1e-13)


@pytest.mark.parametrize("name,make", SCHEDULERS, ids=[n for n, _ in SCHEDULERS])
def test_state_dict_resume_matches_uninterrupted(name, make):
    """Stop after 20 steps, rebuild optimizer and scheduler, load both
    state_dicts (through pickle), continue: the same lrs as without a stop."""
    opt_name, opt_kwargs = _opt_for(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full, _, _ = _run(tc, make, epochs=40, opt_name=opt_name, opt_kwargs=opt_kwargs)
        o = _optimizer(tc, opt_name, **(opt_kwargs or {}))
        s = make(lr_scheduler, o)
        for _ in range(20):
            o.step()
            s.step()
        if "lambda" in name.lower() or "Multiplicative" in name or "scale_fn" in name:
            saved = (o.state_dict(), s.state_dict())  # lambdas are not picklable, as in PyTorch
        else:
            saved = pickle.loads(pickle.dumps((o.state_dict(), s.state_dict())))
        o2 = _optimizer(tc, opt_name, **(opt_kwargs or {}))
        s2 = make(lr_scheduler, o2)
        o2.load_state_dict(saved[0])
        s2.load_state_dict(saved[1])
        for e in range(20, 40):
            o2.step()
            s2.step()
            assert s2.get_last_lr() == full[e + 1][0], e
            assert [g["lr"] for g in o2.param_groups] == full[e + 1][1], e


def test_state_dict_layout_matches_torch():
    torch = pytest.importorskip("torch")
    for make in [lambda m, o: m.StepLR(o, 3), lambda m, o: m.ReduceLROnPlateau(o),
                 lambda m, o: m.ChainedScheduler([m.StepLR(o, 3)])]:
        a = make(lr_scheduler, _optimizer(tc)).state_dict()
        b = make(torch.optim.lr_scheduler, _optimizer(torch)).state_dict()
        assert a == b


def test_lambda_state_dict_saves_callable_objects_only():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch

    decay = Decay()
    o = _optimizer(tc)
    s = lr_scheduler.LambdaLR(o, [decay, lambda e: 1.0])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"rate": 0.5}, None]
    sd["lr_lambdas"][0]["rate"] = 0.25
    s.load_state_dict(sd)
    assert decay.rate == 0.25 and "lr_lambdas" in sd


def test_values_without_torch():
    lrs, _, _ = _run(tc, lambda m, o: m.LinearLR(o, start_factor=0.5, total_iters=4), epochs=6)
    np.testing.assert_allclose([x[0][0] for x in lrs], [0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1, 0.1], rtol=1e-12)
    lrs, _, _ = _run(tc, lambda m, o: m.PolynomialLR(o, total_iters=4, power=1.0), epochs=5)
    np.testing.assert_allclose([x[0][0] for x in lrs], [0.1, 0.075, 0.05, 0.025, 0.0, 0.0], atol=1e-15)
    lrs, _, _ = _run(tc, lambda m, o: m.CyclicLR(o, 0.0, 1.0, step_size_up=2, cycle_momentum=False), epochs=8)
    np.testing.assert_allclose([x[0][0] for x in lrs], [0, 0.5, 1, 0.5, 0, 0.5, 1, 0.5, 0], atol=1e-15)
    lrs, _, _ = _run(tc, lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2), epochs=4)
    np.testing.assert_allclose([x[0][0] for x in lrs], [0.1, 0.05, 0.1, 0.05, 0.1], atol=1e-15)
    # warm-up ends at step pct_start * total_steps - 1 = 4, annealing at total_steps - 1 = 9
    lrs, _, _ = _run(tc, lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=0.5,
                                                   anneal_strategy="linear", cycle_momentum=False,
                                                   div_factor=10.0, final_div_factor=1.0), epochs=9)
    np.testing.assert_allclose([x[0][0] for x in lrs], [0.1, 0.325, 0.55, 0.775, 1.0, 0.82, 0.64, 0.46, 0.28, 0.1],
                               atol=1e-12)


def test_one_cycle_raises_past_total_steps():
    o = _optimizer(tc)
    s = lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=3)
    for _ in range(3):
        o.step()
        s.step()
    o.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        s.step()


def test_reduce_lr_on_plateau_behaviour():
    o = _optimizer(tc, two_groups=False)
    s = lr_scheduler.ReduceLROnPlateau(o, patience=1, factor=0.5, min_lr=0.03)
    lrs = []
    for m in [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]:
        s.step(m)
        lrs.append(s.get_last_lr()[0])
    assert lrs == [0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03]
    assert s.last_epoch == 10 and not s.in_cooldown
    s.step(tc.tensor(0.1))  # a 0-dim tensor metric
    assert s.best == pytest.approx(0.1)


def test_warnings():
    o = _optimizer(tc)
    s = lr_scheduler.StepLR(o, 2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        s.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        s.get_lr()

    # no warning in the right order, also for a user-defined optimizer
    class MySGD(optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

        def step(self, closure=None):
            return None

    o = MySGD([nn.Parameter(tc.ones(1))])
    s = lr_scheduler.ExponentialLR(o, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        o.step()
        s.step()
    assert s.get_last_lr() == [0.05]

    o = _optimizer(tc)
    s = lr_scheduler.StepLR(o, 2)
    o.step = lambda closure=None: None  # replaced after the scheduler wrapped it
    with pytest.warns(UserWarning, match="has been overridden after learning rate scheduler initialization"):
        s.step()


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    cases = [
        lambda m, o: m.StepLR(object(), 2),
        lambda m, o: m.ConstantLR(o, factor=1.5),
        lambda m, o: m.LinearLR(o, start_factor=0),
        lambda m, o: m.LinearLR(o, end_factor=2),
        lambda m, o: m.LambdaLR(o, [lambda e: 1]),
        lambda m, o: m.MultiplicativeLR(o, 0.5),
        lambda m, o: m.StepLR(o, 2, last_epoch=5),
        lambda m, o: m.SequentialLR(o, [], milestones=[]),
        lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], milestones=[3]),
        lambda m, o: m.SequentialLR(o, [m.ReduceLROnPlateau(o)], milestones=[]),
        lambda m, o: m.ChainedScheduler([]),
        lambda m, o: m.ReduceLROnPlateau(o, factor=1.0),
        lambda m, o: m.ReduceLROnPlateau(o, mode="avg"),
        lambda m, o: m.ReduceLROnPlateau(o, threshold_mode="x"),
        lambda m, o: m.ReduceLROnPlateau(o, min_lr=[0.1]),
        lambda m, o: m.CyclicLR(o, 0.1, 1.0, mode="x"),
        lambda m, o: m.CyclicLR(o, [0.1], 1.0),
        lambda m, o: m.CyclicLR(_optimizer_for(m, "Adagrad"), 0.1, 1.0),
        lambda m, o: m.OneCycleLR(o, 1.0),
        lambda m, o: m.OneCycleLR(o, 1.0, total_steps=0),
        lambda m, o: m.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=0),
        lambda m, o: m.OneCycleLR(o, 1.0, total_steps=5, pct_start=1),
        lambda m, o: m.OneCycleLR(o, 1.0, total_steps=5, anneal_strategy="exp"),
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0),
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5),
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    ]
    for i, case in enumerate(cases):
        outcomes = []
        for lib in (tc, torch):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    case(_module(lib), _optimizer(lib))
                outcomes.append(None)
            except Exception as e:  # noqa: BLE001  (comparing the exception type and message)
                outcomes.append((type(e).__name__, str(e).replace("torch.", "").replace("tensorcore.", "")))
        assert outcomes[0] is not None, i
        assert outcomes[0][0] == outcomes[1][0], (i, outcomes)
        if "object at 0x" not in outcomes[1][1]:
            assert outcomes[0][1] == outcomes[1][1], (i, outcomes)


def _optimizer_for(m, name):
    lib = tc if m is lr_scheduler else __import__("torch")
    return _optimizer(lib, name)


def test_last_lr_is_a_copy_and_schedulers_exported():
    o = _optimizer(tc)
    s = lr_scheduler.ExponentialLR(o, 0.5)
    o.step()
    s.step()
    last = s.get_last_lr()
    assert last == [0.05, 0.025]
    last[0] = 123.0  # the list is the scheduler's own (as in PyTorch), not the optimizer's groups
    assert o.param_groups[0]["lr"] == 0.05
    for name in lr_scheduler.__all__:
        assert hasattr(lr_scheduler, name)
    assert issubclass(lr_scheduler._LRScheduler, lr_scheduler.LRScheduler)
