"""tensorcore.nn: Module semantics, Parameter, layers, losses, functional ops
and init. Comparisons with PyTorch skip when it is not installed; the rest
checks behaviour directly."""
import copy
import math
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck, gradgradcheck

F = nn.functional


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def np_of(t):
    if isinstance(t, tc.Tensor):
        return t.detach().numpy()
    return t.detach().cpu().numpy()


def to_tc(t, requires_grad=False):
    out = tc.tensor(t.detach().numpy())
    return out.requires_grad_() if requires_grad else out


def assert_close(a, b, rtol=1e-5, atol=1e-6):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def copy_weights(torch_mod, tc_mod):
    tc_mod.load_state_dict({k: to_tc(v) for k, v in torch_mod.state_dict().items()})


# ---------------------------------------------------------------------------
# Module semantics (no PyTorch needed)
# ---------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.register_buffer("running", tc.zeros(3))
        self.register_buffer("scratch", tc.ones(2), persistent=False)
        self.head = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
        self.scale = nn.Parameter(tc.ones(()))

    def forward(self, x):
        return self.head(self.act(self.fc1(x))) * self.scale


def test_registration_order_and_traversal():
    m = Net()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "head.0.weight", "head.0.bias", "head.2.weight",
                     "head.2.bias"]
    assert [n for n, _ in m.named_buffers()] == ["running", "scratch"]
    assert list(m.state_dict().keys()) == ["scale", "running", "fc1.weight", "fc1.bias", "head.0.weight",
                                           "head.0.bias", "head.2.weight", "head.2.bias"]
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "head"]
    assert [n for n, _ in m.named_modules()] == ["", "fc1", "act", "head", "head.0", "head.1", "head.2"]
    assert len(list(m.parameters(recurse=False))) == 1
    assert all(isinstance(p, nn.Parameter) and isinstance(p, tc.Tensor) for p in m.parameters())
    # shared modules and parameters are listed once
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, shared)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4


def test_setattr_rules():
    m = Net()
    with pytest.raises(TypeError, match="cannot assign"):
        m.scale = tc.ones(())  # a plain tensor is not a Parameter
    m.scale = None
    assert "scale" not in m.state_dict()
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        m.nope
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("fc1", tc.zeros(1))
    with pytest.raises(TypeError, match="cannot assign"):
        m.running = 3
    m.running = tc.ones(3)  # re-assigning a buffer keeps it a buffer
    assert "running" in dict(m.named_buffers())
    del m.fc1
    assert "fc1" not in dict(m.named_children())

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tc.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_state_dict_roundtrip_and_strict_errors():
    a, b = Net(), Net()
    res = b.load_state_dict(a.state_dict())
    assert res.missing_keys == [] and res.unexpected_keys == []
    assert repr(res) == "<All keys matched successfully>"
    for (k, va), (_, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert np.array_equal(np_of(va), np_of(vb)), k
    sd = a.state_dict()
    assert not any(v.requires_grad for v in sd.values())
    assert all(v.requires_grad for k, v in a.state_dict(keep_vars=True).items() if k != "running")

    sd = a.state_dict()
    del sd["fc1.bias"]
    sd["extra.weight"] = tc.zeros(1)
    with pytest.raises(RuntimeError) as ei:
        b.load_state_dict(sd)
    msg = str(ei.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\t")
    assert 'Missing key(s) in state_dict: "fc1.bias". ' in msg
    assert 'Unexpected key(s) in state_dict: "extra.weight". ' in msg
    res = b.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["fc1.bias"] and res.unexpected_keys == ["extra.weight"]

    sd = a.state_dict()
    sd["fc1.weight"] = tc.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1.weight: copying a param with shape "
                                           r".*\[3, 4\].* from checkpoint, the shape in current model is .*\[8, 4\]"):
        b.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="dict-like"):
        b.load_state_dict([1, 2])


def test_load_state_dict_copies_in_place():
    m = nn.Linear(3, 2)
    w = m.weight
    m.load_state_dict({"weight": tc.ones(2, 3), "bias": tc.zeros(2)})
    assert m.weight is w  # the Parameter object is kept (optimizers hold it)
    assert np.array_equal(np_of(w), np.ones((2, 3), np.float32))
    m.load_state_dict({"weight": tc.full((2, 3), 2.0), "bias": tc.zeros(2)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight is not w and m.weight.requires_grad


def test_train_eval_zero_grad_apply_to():
    m = Net()
    assert m.training and m.head[1].training
    m.eval()
    assert not m.training and not m.head[1].training
    m.train()
    assert m.head[2].training
    with pytest.raises(ValueError, match="boolean"):
        m.train("yes")
    m(tc.randn(5, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and float(p.grad.abs().sum()) == 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())

    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Tanh", "Linear", "Sequential", "Net"]

    w = m.fc1.weight
    out = m.to(tc.float64)
    assert out is m and m.fc1.weight is w and w.dtype == tc.float64 and m.running.dtype == tc.float64
    assert isinstance(m.fc1.weight, nn.Parameter) and m.fc1.weight.requires_grad
    m(tc.randn(2, 4, dtype=tc.float64)).sum().backward()
    m.float()
    assert w.dtype == tc.float32 and w.grad.dtype == tc.float32
    with pytest.raises(TypeError, match="floating point"):
        m.to(tc.int64)


def test_deepcopy_and_pickle_module():
    m = Net()
    x = tc.randn(3, 4)
    m2 = copy.deepcopy(m)
    assert m2.fc1.weight is not m.fc1.weight
    assert isinstance(m2.fc1.weight, nn.Parameter) and m2.fc1.weight.requires_grad
    assert_close(m2(x), m(x))
    with tc.no_grad():
        m2.fc1.weight.add_(1.0)
    assert not np.allclose(np_of(m2.fc1.weight), np_of(m.fc1.weight))
    m3 = pickle.loads(pickle.dumps(m))
    assert_close(m3(x), m(x))
    assert isinstance(m3.head[0].bias, nn.Parameter)


def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append("pre"))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 0)
    out = m(tc.ones(1, 2))
    assert calls == ["pre"] and float(out.abs().sum()) == 0
    h1.remove()
    h2.remove()
    assert float(m(tc.ones(1, 2)).abs().sum()) != 0


def test_parameter():
    t = tc.zeros(3)
    p = nn.Parameter(t)
    assert isinstance(p, tc.Tensor) and p.requires_grad and p.is_leaf and p.grad_fn is None
    assert repr(p) == "Parameter containing:\ntensor([0., 0., 0.], requires_grad=True)"
    with tc.no_grad():
        p.fill_(2.0)
    assert np_of(t).tolist() == [2.0, 2.0, 2.0]  # aliases the data it wraps
    assert not nn.Parameter(tc.ones(2), requires_grad=False).requires_grad
    assert tuple(nn.Parameter().shape) == (0,)
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad and q._storage_ptr() != p._storage_ptr()
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is nn.Parameter and np_of(r).tolist() == [2.0, 2.0, 2.0]
    assert type(p * 2) is tc.Tensor
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tc.zeros(2, dtype=tc.int64))


def test_containers():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2]
    assert isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    with pytest.raises(IndexError):
        seq[3]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]
    named = nn.Sequential(OrderedDict([("a", nn.Linear(2, 2)), ("b", nn.ReLU())]))
    assert list(named.state_dict()) == ["a.weight", "a.bias"]

    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    ml.append(nn.ReLU())
    ml.insert(0, nn.Tanh())
    assert isinstance(ml[0], nn.Tanh) and len(ml) == 5
    ml.extend([nn.ReLU()])
    assert len(ml[1:3]) == 2
    del ml[0]
    assert [k for k, _ in ml.named_children()] == [str(i) for i in range(5)]
    with pytest.raises(TypeError, match="iterable"):
        ml.extend(3)

    md = nn.ModuleDict({"x": nn.Linear(1, 1)})
    md["y"] = nn.ReLU()
    md.update([("z", nn.Tanh())])
    assert list(md.keys()) == ["x", "y", "z"] and "y" in md and len(md) == 3
    assert isinstance(md.pop("y"), nn.ReLU) and len(md) == 2


def test_default_init_distributions():
    tc.manual_seed(0)
    lin = nn.Linear(100, 400)
    bound = 1 / math.sqrt(100)
    w, b = np_of(lin.weight), np_of(lin.bias)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-a, a) has variance a^2 / 3
    assert abs(w.var() - bound ** 2 / 3) < 0.05 * bound ** 2 / 3
    assert abs(w.mean()) < 0.01 * bound
    emb = nn.Embedding(1000, 64, padding_idx=3)
    e = np_of(emb.weight)
    assert np.all(e[3] == 0)
    assert abs(e.std() - 1) < 0.02 and abs(e.mean()) < 0.01
    ln = nn.LayerNorm(5)
    assert np_of(ln.weight).tolist() == [1.0] * 5 and np_of(ln.bias).tolist() == [0.0] * 5


def test_init_functions():
    tc.manual_seed(1)
    t = tc.empty(300, 200)
    nn.init.xavier_uniform_(t)
    a = math.sqrt(6 / 500)
    assert np.abs(np_of(t)).max() <= a and abs(np_of(t).var() - a * a / 3) < 0.05 * a * a / 3
    nn.init.xavier_normal_(t, gain=2.0)
    assert abs(np_of(t).std() - 2 * math.sqrt(2 / 500)) < 0.02 * 2 * math.sqrt(2 / 500)
    nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
    assert abs(np_of(t).std() - math.sqrt(2 / 300)) < 0.02 * math.sqrt(2 / 300)
    nn.init.kaiming_uniform_(t, nonlinearity="relu")
    assert np.abs(np_of(t)).max() <= math.sqrt(6 / 200)
    nn.init.trunc_normal_(t, std=0.5, a=-0.4, b=0.4)
    assert np.abs(np_of(t)).max() <= 0.4
    nn.init.constant_(t, 0.25)
    assert np.all(np_of(t) == 0.25)
    nn.init.zeros_(t)
    nn.init.ones_(t)
    assert np.all(np_of(t) == 1)
    nn.init.eye_(t)
    assert np.array_equal(np_of(t), np.eye(300, 200, dtype=np.float32))
    g = tc.Generator().manual_seed(5)
    u1 = nn.init.uniform_(tc.empty(10), generator=g).tolist()
    u2 = nn.init.uniform_(tc.empty(10), generator=tc.Generator().manual_seed(5)).tolist()
    assert u1 == u2
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(tc.empty(3))
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        nn.init.calculate_gain("swish")
    p = nn.Parameter(tc.zeros(4, 4))
    nn.init.normal_(p)  # works on leaves that require grad (runs under no_grad)
    assert p.grad_fn is None


def test_dropout_behaviour():
    tc.manual_seed(0)
    d = nn.Dropout(0.25)
    x = tc.ones(200, 100)
    y = np_of(d(x))
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.02
    assert np.allclose(y[kept], 1 / 0.75)
    d.eval()
    assert d(x) is x
    assert F.dropout(x, 0.0) is x
    assert float(F.dropout(x, 1.0).abs().sum()) == 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    xr = tc.ones(50, requires_grad=True)
    out = F.dropout(xr, 0.5)
    out.sum().backward()
    assert np.array_equal(np_of(xr.grad), np_of(out.detach()))  # d out / d x is the mask / (1 - p)
    assert out.grad_fn.name() == "MulBackward0"


def test_cross_entropy_behaviour():
    logits = tc.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 0.0]])
    target = tc.tensor([0, -100])
    loss = F.cross_entropy(logits, target)
    lp = np_of(F.log_softmax(logits, 1))
    assert math.isclose(float(loss), -lp[0, 0], rel_tol=1e-6)  # ignored rows leave the mean
    huge = tc.tensor([[1000.0, -1000.0]])
    assert math.isfinite(float(F.cross_entropy(huge, tc.tensor([1]))))  # stable log-softmax
    assert math.isfinite(float(F.binary_cross_entropy_with_logits(tc.tensor([-200.0]), tc.tensor([1.0]))))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.cross_entropy(logits, tc.tensor([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match="batch_size"):
        F.cross_entropy(logits, tc.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match="label_smoothing"):
        F.cross_entropy(logits, tc.tensor([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="same as input size"):
        F.binary_cross_entropy_with_logits(tc.zeros(3), tc.zeros(4))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tc.tensor([1.5]), tc.tensor([1.0]))
    assert F.one_hot(tc.tensor([0, 2]), 4).tolist() == [[1, 0, 0, 0], [0, 0, 1, 0]]
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(tc.tensor([0, 5]), 4)


# ---------------------------------------------------------------------------
# Gradients of the new differentiable ops: float64 finite differences
# ---------------------------------------------------------------------------

def _d(*shape, positive=False, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if positive:
        a = rng.uniform(0.1, 0.9, shape)
    return tc.tensor(a, dtype=tc.float64, requires_grad=True)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gradcheck_gelu(approximate):
    x = _d(4, 3)
    assert gradcheck(lambda a: F.gelu(a, approximate=approximate), (x,))
    assert gradgradcheck(lambda a: F.gelu(a, approximate=approximate), (x,))


def test_gradcheck_activations():
    x = _d(5, 4, seed=1)
    assert gradcheck(lambda a: F.leaky_relu(a, 0.1), (x,))
    assert gradcheck(F.silu, (x,)) and gradcheck(F.softplus, (x,)) and gradcheck(F.logsigmoid, (x,))
    assert gradcheck(F.elu, (x,))


def test_gradcheck_layer_norm():
    x, w, b = _d(3, 2, 4, seed=2), _d(2, 4, seed=3), _d(2, 4, seed=4)
    assert gradcheck(lambda a, ww, bb: F.layer_norm(a, (2, 4), ww, bb), (x, w, b))
    assert gradgradcheck(lambda a, ww, bb: F.layer_norm(a, (2, 4), ww, bb), (x, w, b))
    assert gradcheck(lambda a: F.layer_norm(a, (4,)), (x,))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gradcheck_losses(reduction):
    x, y = _d(4, 3, seed=5), _d(4, 3, seed=6)
    p, q = _d(4, 3, positive=True, seed=7), _d(4, 3, positive=True, seed=8)
    w = tc.tensor(np.random.default_rng(9).uniform(0.5, 2, (4, 3)))
    pw = tc.tensor([1.0, 2.0, 0.5], dtype=tc.float64)
    assert gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (x, y))
    assert gradcheck(lambda a, b: F.l1_loss(a, b, reduction=reduction), (x, y))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction), (p, q))
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=pw,
                                                                     reduction=reduction), (x, q))
    tgt = tc.tensor([0, 2, -100, 1])
    cw = tc.tensor([1.0, 2.0, 0.5], dtype=tc.float64)
    assert gradcheck(lambda a: F.cross_entropy(a, tgt, weight=cw, reduction=reduction, label_smoothing=0.2), (x,))
    assert gradcheck(lambda a: F.cross_entropy(a, F.softmax(y.detach(), 1), reduction=reduction), (x,))
    assert gradcheck(lambda a: F.nll_loss(F.log_softmax(a, 1), tgt, reduction=reduction), (x,))
    # second derivatives (create_graph=True through the fused losses)
    assert gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (x, y))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction=reduction),
                         (x, q))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (p, q))


def test_gradcheck_embedding():
    w = _d(6, 3, seed=10)
    idx = tc.tensor([[0, 2, 2], [5, 1, 2]])
    assert gradcheck(lambda ww: F.embedding(idx, ww), (w,))
    # padding_idx and scale_grad_by_freq change the gradient on purpose (no
    # finite-difference check): the padding row gets none, others are
    # divided by their count in the batch.
    F.embedding(idx, w, padding_idx=2).sum().backward()
    assert np_of(w.grad)[:, 0].tolist() == [1, 1, 0, 0, 0, 1]
    w.grad = None
    F.embedding(idx, w, scale_grad_by_freq=True).sum().backward()
    assert np_of(w.grad)[:, 0].tolist() == [1, 1, 1, 0, 0, 1]


# ---------------------------------------------------------------------------
# Against PyTorch
# ---------------------------------------------------------------------------

def _layer_cases(torch):
    tnn = torch.nn
    return [
        ("Linear", lambda m: m.Linear(5, 4), (3, 5)),
        ("Linear-nobias", lambda m: m.Linear(5, 4, bias=False), (3, 5)),
        ("Linear-3d", lambda m: m.Linear(5, 4), (2, 3, 5)),
        ("Linear-1d", lambda m: m.Linear(5, 4), (5,)),
        ("ReLU", lambda m: m.ReLU(), (4, 6)),
        ("LeakyReLU", lambda m: m.LeakyReLU(0.2), (4, 6)),
        ("GELU", lambda m: m.GELU(), (4, 6)),
        ("GELU-tanh", lambda m: m.GELU(approximate="tanh"), (4, 6)),
        ("Sigmoid", lambda m: m.Sigmoid(), (4, 6)),
        ("Tanh", lambda m: m.Tanh(), (4, 6)),
        ("SiLU", lambda m: m.SiLU(), (4, 6)),
        ("Softmax", lambda m: m.Softmax(dim=1), (4, 6)),
        ("LogSoftmax", lambda m: m.LogSoftmax(dim=-1), (2, 3, 6)),
        ("Flatten", lambda m: m.Flatten(), (2, 3, 4)),
        ("Dropout-eval", lambda m: m.Dropout(0.3).eval(), (4, 6)),
        ("LayerNorm", lambda m: m.LayerNorm(6), (4, 6)),
        ("LayerNorm-2d", lambda m: m.LayerNorm([3, 4], eps=1e-3), (2, 3, 4)),
        ("LayerNorm-noaffine", lambda m: m.LayerNorm(6, elementwise_affine=False), (4, 6)),
        ("Sequential", lambda m: m.Sequential(m.Linear(6, 8), m.GELU(), m.LayerNorm(8), m.Linear(8, 3)), (5, 6)),
    ], tnn


@pytest.mark.parametrize("case", range(19))
def test_layer_forward_backward_vs_torch(case):
    torch = pytest.importorskip("torch")
    cases, tnn = _layer_cases(torch)
    name, make, shape = cases[case]
    torch.manual_seed(case)
    tm = make(tnn)
    cm = make(nn)
    copy_weights(tm, cm)
    x = torch.randn(*shape, requires_grad=True)
    xc = to_tc(x, True)
    yt, yc = tm(x), cm(xc)
    assert_close(yc, yt, rtol=1e-5, atol=1e-5)
    go = torch.randn_like(yt)
    yt.backward(go)
    yc.backward(to_tc(go))
    assert_close(xc.grad, x.grad, rtol=1e-4, atol=1e-5)
    tparams = dict(tm.named_parameters())
    for n, p in cm.named_parameters():
        assert_close(p.grad, tparams[n].grad, rtol=1e-4, atol=1e-5)
    if yt.grad_fn is not None and name not in ("SiLU",):
        assert yc.grad_fn.name() == yt.grad_fn.name(), name
    assert repr(cm) == repr(tm)


def test_embedding_vs_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    for kwargs in ({}, {"padding_idx": 1}, {"padding_idx": -1}, {"scale_grad_by_freq": True},
                   {"max_norm": 1.0}):
        tm = torch.nn.Embedding(7, 4, **kwargs)
        cm = nn.Embedding(7, 4, **kwargs)
        copy_weights(tm, cm)
        idx = torch.tensor([[0, 1, 6], [1, 1, 3]])
        yt, yc = tm(idx), cm(to_tc(idx))
        assert_close(yc, yt)
        go = torch.randn_like(yt)
        yt.backward(go)
        yc.backward(to_tc(go))
        assert_close(cm.weight.grad, tm.weight.grad)
        assert_close(cm.weight, tm.weight)  # max_norm renormalises rows in place
        assert repr(cm) == repr(tm)
        assert yc.grad_fn.name() == yt.grad_fn.name() == "EmbeddingBackward0"


_LOSS_NAMES = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "CrossEntropyLoss-w-ls",
               "CrossEntropyLoss-ignore", "CrossEntropyLoss-probs", "CrossEntropyLoss-4d", "NLLLoss",
               "NLLLoss-w", "BCELoss", "BCELoss-w", "BCEWithLogitsLoss", "BCEWithLogitsLoss-w-pw"]


def _loss_case(torch, name, reduction):
    """(torch loss module, tensorcore loss module, input, target, input transform)."""
    g = torch.Generator().manual_seed(hash(name) % 1000)
    x = torch.randn(6, 5, generator=g)
    ident = (lambda a: a)
    y = torch.randn(6, 5, generator=g)
    cls = torch.randint(0, 5, (6,), generator=g)
    prob = torch.rand(6, 5, generator=g)
    w5 = torch.rand(5, generator=g) + 0.5

    def mk(cls_name, **kw):
        tkw = {k: (v if not isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
        ckw = {k: (to_tc(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
        return getattr(torch.nn, cls_name)(reduction=reduction, **tkw), getattr(nn, cls_name)(reduction=reduction,
                                                                                             **ckw)

    if name in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"):
        kw = {"beta": 0.5} if name == "SmoothL1Loss" else {"delta": 0.7} if name == "HuberLoss" else {}
        return (*mk(name, **kw), x, y, ident)
    if name == "CrossEntropyLoss":
        return (*mk(name), x, cls, ident)
    if name == "CrossEntropyLoss-w-ls":
        return (*mk("CrossEntropyLoss", weight=w5, label_smoothing=0.15), x, cls, ident)
    if name == "CrossEntropyLoss-ignore":
        cls = cls.clone()
        cls[1] = cls[4] = 3
        return (*mk("CrossEntropyLoss", ignore_index=3, weight=w5, label_smoothing=0.1), x, cls, ident)
    if name == "CrossEntropyLoss-probs":
        return (*mk("CrossEntropyLoss", label_smoothing=0.1), x, prob.softmax(1), ident)
    if name == "CrossEntropyLoss-4d":
        x4 = torch.randn(2, 5, 3, 2, generator=g)
        t4 = torch.randint(0, 5, (2, 3, 2), generator=g)
        return (*mk("CrossEntropyLoss", weight=w5), x4, t4, ident)
    if name == "NLLLoss":
        return (*mk(name), x, cls, lambda a: a.log_softmax(1))
    if name == "NLLLoss-w":
        return (*mk("NLLLoss", weight=w5, ignore_index=2), x, cls, lambda a: a.log_softmax(1))
    if name == "BCELoss":
        return (*mk(name), x, prob, lambda a: a.sigmoid())
    if name == "BCELoss-w":
        return (*mk("BCELoss", weight=w5), x, prob, lambda a: a.sigmoid())
    if name == "BCEWithLogitsLoss":
        return (*mk(name), x * 10, prob, ident)
    if name == "BCEWithLogitsLoss-w-pw":
        return (*mk("BCEWithLogitsLoss", weight=w5, pos_weight=torch.rand(5, generator=g) * 3), x, prob, ident)
    raise KeyError(name)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", _LOSS_NAMES)
def test_loss_vs_torch(name, reduction):
    torch = pytest.importorskip("torch")
    tl, cl, x, target, pre = _loss_case(torch, name, reduction)
    x = x.clone().requires_grad_()
    xc = to_tc(x, True)
    lt = tl(pre(x), target)
    lc = cl(pre(xc), to_tc(target))
    assert_close(lc, lt, rtol=1e-5, atol=1e-6)
    go = torch.randn_like(lt)
    lt.backward(go)
    lc.backward(to_tc(go))
    assert_close(xc.grad, x.grad, rtol=1e-4, atol=1e-6)
    assert repr(cl) == repr(tl)
    # the fused losses record the node PyTorch records
    if name in ("MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "NLLLoss-w", "BCELoss", "BCELoss-w",
                "BCEWithLogitsLoss", "BCEWithLogitsLoss-w-pw"):
        assert lc.grad_fn.name() == lt.grad_fn.name(), (lc.grad_fn.name(), lt.grad_fn.name())


def test_loss_target_gradients_vs_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(3)
    x = torch.randn(4, 3)
    p = torch.rand(4, 3)
    pw = torch.rand(3) + 0.5
    for fn_t, fn_c in [
        (lambda a, b: torch.nn.functional.mse_loss(a, b), lambda a, b: F.mse_loss(a, b)),
        (lambda a, b: torch.nn.functional.binary_cross_entropy(a.sigmoid(), b),
         lambda a, b: F.binary_cross_entropy(a.sigmoid(), b)),
        (lambda a, b: torch.nn.functional.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction="sum"),
         lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=to_tc(pw), reduction="sum")),
    ]:
        xt, pt = x.clone().requires_grad_(), p.clone().requires_grad_()
        xc, pc = to_tc(x, True), to_tc(p, True)
        fn_t(xt, pt).backward()
        fn_c(xc, pc).backward()
        assert_close(pc.grad, pt.grad, rtol=1e-4, atol=1e-6)
        assert_close(xc.grad, xt.grad, rtol=1e-4, atol=1e-6)


def test_functional_vs_torch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    torch.manual_seed(4)
    x = torch.randn(4, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, args in [("relu", ()), ("relu6", ()), ("leaky_relu", (0.3,)), ("gelu", ()), ("silu", ()),
                           ("elu", (0.5,)), ("hardtanh", (-0.5, 0.5)), ("sigmoid", ()), ("tanh", ()),
                           ("softplus", (2.0, 3.0)), ("logsigmoid", ()), ("softmax", (1,)), ("softmin", (0,)),
                           ("log_softmax", (1,)), ("normalize", ()), ("softmax", ())]:
            assert_close(getattr(F, name)(to_tc(x), *args), getattr(tF, name)(x, *args), rtol=1e-5, atol=1e-6)
    w, b = torch.randn(3, 6), torch.randn(3)
    assert_close(F.linear(to_tc(x), to_tc(w), to_tc(b)), tF.linear(x, w, b), rtol=1e-5, atol=1e-5)
    assert_close(F.linear(to_tc(x), to_tc(w)), tF.linear(x, w), rtol=1e-5, atol=1e-5)
    assert_close(F.one_hot(tc.tensor([1, 0, 3])), tF.one_hot(torch.tensor([1, 0, 3])))
    ln = F.layer_norm(to_tc(x), (6,), to_tc(torch.ones(6) * 2), None, 1e-3)
    assert_close(ln, tF.layer_norm(x, (6,), torch.ones(6) * 2, None, 1e-3), rtol=1e-5, atol=1e-5)
    xi = to_tc(x, True)
    assert F.linear(xi, to_tc(w), to_tc(b)).grad_fn.name() == "AddmmBackward0"


def test_grad_fn_names_vs_torch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    x = torch.randn(3, 4, requires_grad=True)
    xc = to_tc(x, True)
    pairs = [
        (tF.gelu(x), F.gelu(xc)), (tF.leaky_relu(x), F.leaky_relu(xc)), (tF.layer_norm(x, (4,)), F.layer_norm(xc, (4,))),
        (tF.mse_loss(x, x.detach() * 2), F.mse_loss(xc, xc.detach() * 2)),
        (tF.cross_entropy(x, torch.tensor([0, 1, 2])), F.cross_entropy(xc, tc.tensor([0, 1, 2]))),
        (tF.binary_cross_entropy_with_logits(x, torch.ones(3, 4)),
         F.binary_cross_entropy_with_logits(xc, tc.ones(3, 4))),
        (tF.binary_cross_entropy(x.sigmoid(), torch.ones(3, 4)), F.binary_cross_entropy(xc.sigmoid(), tc.ones(3, 4))),
        (tF.l1_loss(x, torch.ones(3, 4)), F.l1_loss(xc, tc.ones(3, 4))),
    ]
    for t_out, c_out in pairs:
        assert c_out.grad_fn.name() == t_out.grad_fn.name()


def test_module_repr_vs_torch():
    torch = pytest.importorskip("torch")

    def build(m):
        return m.Sequential(
            m.Linear(10, 20), m.ReLU(inplace=True), m.Dropout(0.2),
            m.ModuleList([m.Linear(20, 20), m.Linear(20, 20), m.GELU(approximate="tanh")]),
            m.ModuleDict({"norm": m.LayerNorm((20,), eps=1e-6), "act": m.LeakyReLU(0.1, inplace=True)}),
            m.Embedding(10, 3, padding_idx=0, max_norm=2.0), m.Flatten(0, -1), m.Softmax(dim=-1),
            m.LogSoftmax(dim=1), m.Sigmoid(), m.Tanh(), m.Identity(), m.ModuleList(),
            m.CrossEntropyLoss(label_smoothing=0.1), m.BCEWithLogitsLoss(), m.LayerNorm(4, bias=False))

    assert repr(build(nn)) == repr(build(torch.nn))
    assert str(nn.Linear(2, 3, bias=False)) == str(torch.nn.Linear(2, 3, bias=False))
    assert repr(nn.Parameter(tc.ones(2))) == repr(torch.nn.Parameter(torch.ones(2))).replace("torch", "tensorcore")


def test_init_gains_vs_torch():
    torch = pytest.importorskip("torch")
    for nl, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                      ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]:
        assert nn.init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)
    t = torch.empty(7, 3, 2, 2)
    assert nn.init._calculate_fan_in_and_fan_out(tc.empty(7, 3, 2, 2)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(t)


def test_mlp_training_vs_torch():
    """A few SGD steps of a whole model give the same weights in both."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    cm = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    copy_weights(tm, cm)
    x, y = torch.randn(32, 8), torch.randint(0, 3, (32,))
    xc, yc = to_tc(x), to_tc(y)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    copt = tc.optim.SGD(cm.parameters(), lr=0.1, momentum=0.9)
    for _ in range(10):
        topt.zero_grad()
        torch.nn.functional.cross_entropy(tm(x), y).backward()
        topt.step()
        copt.zero_grad()
        F.cross_entropy(cm(xc), yc).backward()
        copt.step()
    for (n, a), (_, b) in zip(cm.state_dict().items(), tm.state_dict().items()):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_train_digits_example_smoke(tmp_path, capsys):
    """The main-job example end to end (a short run): trains, saves, reloads."""
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "examples", "train_digits.py")
    spec = importlib.util.spec_from_file_location("train_digits", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "digits.safetensors"
    assert mod.main(["--epochs", "4", "--no-progress", "--min-accuracy", "90", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "epoch  4/4" in text and "matches the trained model" in text
    sd = tc.load(out)
    assert list(sd) == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]


def test_default_init_and_dropout_match_torch_for_the_same_seed():
    """tensorcore's generator reproduces PyTorch's streams, so layers built
    after the same manual_seed start from the same weights."""
    torch = pytest.importorskip("torch")
    for build in (lambda m: m.Linear(7, 5), lambda m: m.Embedding(9, 4, padding_idx=2),
                  lambda m: m.Sequential(m.Linear(3, 8), m.ReLU(), m.Linear(8, 2, bias=False))):
        tc.manual_seed(123)
        torch.manual_seed(123)
        ours, theirs = build(nn), build(torch.nn)
        for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
            assert_close(a, b, rtol=1e-6, atol=1e-7)
    tc.manual_seed(5)
    torch.manual_seed(5)
    assert F.dropout(tc.ones(64), 0.3).tolist() == torch.nn.functional.dropout(torch.ones(64), 0.3).tolist()
