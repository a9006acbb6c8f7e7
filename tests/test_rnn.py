"""Recurrent layers (nn.RNN / LSTM / GRU, their cells) and nn.utils.rnn.

Comparisons with PyTorch (same seed: identical weights, then outputs and every
gradient) use the `torch` fixture and skip when it is not installed; the rest
(gradcheck, packing round trips, argument errors) checks tensorcore alone."""
import itertools
import pickle
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck, gradgradcheck
from tensorcore.nn.utils import rnn as rnn_utils


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


TOL = {"float32": dict(rtol=1e-5, atol=1e-5), "float64": dict(rtol=1e-6, atol=1e-6)}


def np_of(t):
    return t.detach().numpy()


def assert_close(a, b, dtype="float64"):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, **TOL[dtype])


def pair(torch, array, requires_grad=False):
    """The same values as a tensorcore and a torch tensor."""
    a = tc.tensor(array)
    b = torch.tensor(array)
    if requires_grad:
        a.requires_grad_()
        b.requires_grad_()
    return a, b


def modules(torch, cls_name, *args, seed=0, dtype="float32", **kwargs):
    """The same module built in both libraries from the same seed."""
    tc.manual_seed(seed)
    ours = getattr(nn, cls_name)(*args, **kwargs)
    torch.manual_seed(seed)
    theirs = getattr(torch.nn, cls_name)(*args, **kwargs)
    if dtype == "float64":
        ours.double()
        theirs.double()
    return ours, theirs


def assert_same_parameters(ours, theirs):
    a = dict(ours.named_parameters())
    b = dict(theirs.named_parameters())
    assert list(a) == list(b)
    for name in a:
        assert tuple(a[name].shape) == tuple(b[name].shape), name
        np.testing.assert_array_equal(np_of(a[name]), np_of(b[name]), err_msg=name)


def flatten_outputs(out):
    """Tensors of a module's result, in order (PackedSequence -> its data)."""
    if isinstance(out, (tuple, list)) and not hasattr(out, "batch_sizes"):
        return [t for o in out for t in flatten_outputs(o)]
    if hasattr(out, "batch_sizes"):
        return [out.data]
    return [out]


def backward_weighted(outs, rng, lib):
    """Backward of sum(w_i * out_i) with fixed random weights w_i."""
    total = None
    for o in outs:
        w = lib.tensor(rng.standard_normal(tuple(o.shape)).astype(np.float64)).to(o.dtype)
        term = (o * w).sum()
        total = term if total is None else total + term
    total.backward()


def compare_run(torch, ours, theirs, make_args, dtype):
    """Runs both modules on the same arguments; compares the outputs and the
    gradients of every parameter and every input that requires grad."""
    args_c, args_t, leaves = make_args()
    out_c = ours(*args_c)
    out_t = theirs(*args_t)
    flat_c, flat_t = flatten_outputs(out_c), flatten_outputs(out_t)
    assert len(flat_c) == len(flat_t)
    for a, b in zip(flat_c, flat_t):
        assert_close(a, b, dtype)
    backward_weighted(flat_c, np.random.default_rng(7), tc)
    backward_weighted(flat_t, np.random.default_rng(7), torch)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad is not None, name
        assert_close(p.grad, q.grad, dtype)
    for a, b in leaves:
        assert_close(a.grad, b.grad, dtype)
    return out_c, out_t


# ---------------------------------------------------------------------------
# Modules against PyTorch

MODES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
OPTIONS = [
    {},
    {"num_layers": 2},
    {"bidirectional": True},
    {"num_layers": 2, "bidirectional": True},
    {"batch_first": True},
    {"bias": False},
    {"num_layers": 2, "bidirectional": True, "batch_first": True, "bias": False},
]
LSTM_ONLY = [{"proj_size": 3}, {"proj_size": 2, "num_layers": 2, "bidirectional": True}]


def module_cases():
    for (cls, extra), opts in itertools.product(MODES, OPTIONS):
        yield cls, {**extra, **opts}
    for opts in LSTM_ONLY:
        yield "LSTM", opts


def _sequence_args(torch, cls, kw, dtype, *, with_state, unbatched=False, T=4, B=3, I=5, H=6):
    rng = np.random.default_rng(1)
    layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    hout = kw.get("proj_size") or H
    if unbatched:
        x = rng.standard_normal((T, I))
    else:
        x = rng.standard_normal((B, T, I) if kw.get("batch_first") else (T, B, I))
    x_c, x_t = pair(torch, x.astype(dtype), requires_grad=True)
    leaves = [(x_c, x_t)]
    if not with_state:
        return lambda: ((x_c,), (x_t,), leaves)
    shape = (layers, hout) if unbatched else (layers, B, hout)
    h_c, h_t = pair(torch, rng.standard_normal(shape).astype(dtype), requires_grad=True)
    leaves.append((h_c, h_t))
    if cls != "LSTM":
        return lambda: ((x_c, h_c), (x_t, h_t), leaves)
    cshape = (layers, H) if unbatched else (layers, B, H)
    c_c, c_t = pair(torch, rng.standard_normal(cshape).astype(dtype), requires_grad=True)
    leaves.append((c_c, c_t))
    return lambda: ((x_c, (h_c, c_c)), (x_t, (h_t, c_t)), leaves)


@pytest.mark.parametrize("cls,kw", list(module_cases()), ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_module_matches_torch(torch, cls, kw, dtype):
    ours, theirs = modules(torch, cls, 5, 6, dtype=dtype, **kw)
    assert_same_parameters(ours, theirs)
    make = _sequence_args(torch, cls, kw, dtype, with_state=True)
    compare_run(torch, ours, theirs, make, dtype)


@pytest.mark.parametrize("cls,kw", [("RNN", {}), ("LSTM", {}), ("GRU", {"bidirectional": True}),
                                    ("LSTM", {"proj_size": 2, "num_layers": 2, "batch_first": True})],
                         ids=str)
def test_module_without_initial_state(torch, cls, kw):
    ours, theirs = modules(torch, cls, 5, 6, dtype="float64", **kw)
    compare_run(torch, ours, theirs, _sequence_args(torch, cls, kw, "float64", with_state=False), "float64")


@pytest.mark.parametrize("cls,kw", [("RNN", {}), ("LSTM", {"num_layers": 2}), ("GRU", {"bidirectional": True}),
                                    ("LSTM", {"proj_size": 2, "batch_first": True})], ids=str)
@pytest.mark.parametrize("with_state", [False, True])
def test_unbatched_input(torch, cls, kw, with_state):
    ours, theirs = modules(torch, cls, 5, 6, dtype="float64", **kw)
    make = _sequence_args(torch, cls, kw, "float64", with_state=with_state, unbatched=True)
    out_c, out_t = compare_run(torch, ours, theirs, make, "float64")
    assert tuple(out_c[0].shape) == tuple(out_t[0].shape)


def test_dropout_between_layers_matches_torch(torch):
    # Training mode draws the same dropout masks as PyTorch from the same seed.
    ours, theirs = modules(torch, "LSTM", 5, 6, num_layers=3, dropout=0.5, dtype="float64")
    make = _sequence_args(torch, "LSTM", {"num_layers": 3}, "float64", with_state=True)
    tc.manual_seed(3)
    torch.manual_seed(3)
    compare_run(torch, ours, theirs, make, "float64")


def test_dropout_only_in_training():
    tc.manual_seed(0)
    m = nn.GRU(4, 5, num_layers=2, dropout=0.9).double()
    x = tc.randn(6, 2, 4, dtype=tc.float64)
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    np.testing.assert_array_equal(np_of(a), np_of(b))
    m.train()
    c, _ = m(x)
    assert not np.allclose(np_of(a), np_of(c))
    m1 = nn.GRU(4, 5, num_layers=2, dropout=0.0).double()
    m1.load_state_dict(m.state_dict())
    np.testing.assert_allclose(np_of(m1(x)[0]), np_of(a))


def test_long_sequence_and_float32_training_step(torch):
    # 2-layer LSTM language-model shapes (smaller): loss and grads after one step.
    ours, theirs = modules(torch, "LSTM", 8, 16, num_layers=2, seed=5)
    rng = np.random.default_rng(2)
    x_c, x_t = pair(torch, rng.standard_normal((30, 4, 8)).astype(np.float32), requires_grad=True)
    compare_run(torch, ours, theirs, lambda: ((x_c,), (x_t,), [(x_c, x_t)]), "float32")


# ---------------------------------------------------------------------------
# Packed sequences through the modules

LENGTHS = [5, 3, 3, 1]
UNSORTED = [3, 5, 1, 3]


@pytest.mark.parametrize("cls,kw", [("RNN", {}), ("RNN", {"nonlinearity": "relu", "bidirectional": True}),
                                    ("LSTM", {"num_layers": 2, "bidirectional": True}),
                                    ("LSTM", {"proj_size": 2, "bidirectional": True}),
                                    ("GRU", {"num_layers": 2, "bidirectional": True}), ("GRU", {"bias": False})],
                         ids=str)
@pytest.mark.parametrize("lengths,enforce_sorted", [(LENGTHS, True), (UNSORTED, False)])
@pytest.mark.parametrize("with_state", [False, True])
def test_packed_input_matches_torch(torch, cls, kw, lengths, enforce_sorted, with_state):
    ours, theirs = modules(torch, cls, 3, 4, dtype="float64", **kw)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, len(lengths), 3))
    x_c, x_t = pair(torch, x, requires_grad=True)
    layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    hout = kw.get("proj_size") or 4
    h_c, h_t = pair(torch, rng.standard_normal((layers, len(lengths), hout)), requires_grad=True)
    c_c, c_t = pair(torch, rng.standard_normal((layers, len(lengths), 4)), requires_grad=True)

    def make():
        p_c = rnn_utils.pack_padded_sequence(x_c, lengths, enforce_sorted=enforce_sorted)
        p_t = torch.nn.utils.rnn.pack_padded_sequence(x_t, lengths, enforce_sorted=enforce_sorted)
        if not with_state:
            return (p_c,), (p_t,), [(x_c, x_t)]
        if cls == "LSTM":
            return (p_c, (h_c, c_c)), (p_t, (h_t, c_t)), [(x_c, x_t), (h_c, h_t), (c_c, c_t)]
        return (p_c, h_c), (p_t, h_t), [(x_c, x_t), (h_c, h_t)]
    out_c, out_t = compare_run(torch, ours, theirs, make, "float64")
    packed_c, packed_t = out_c[0], out_t[0]
    assert isinstance(packed_c, rnn_utils.PackedSequence)
    assert packed_c.batch_sizes.tolist() == packed_t.batch_sizes.tolist()
    padded_c, len_c = rnn_utils.pad_packed_sequence(packed_c, batch_first=True)
    padded_t, len_t = torch.nn.utils.rnn.pad_packed_sequence(packed_t, batch_first=True)
    assert_close(padded_c, padded_t)
    assert len_c.tolist() == len_t.tolist()


def test_packed_equals_per_sequence_runs():
    # Without torch: each sequence of a packed batch gives what it gives alone.
    tc.manual_seed(0)
    m = nn.LSTM(3, 4, bidirectional=True).double()
    seqs = [tc.randn(n, 3, dtype=tc.float64) for n in (2, 5, 3)]
    packed = rnn_utils.pack_sequence(seqs, enforce_sorted=False)
    out, (h, c) = m(packed)
    unpacked = rnn_utils.unpack_sequence(out)
    for i, s in enumerate(seqs):
        o1, (h1, c1) = m(s)
        np.testing.assert_allclose(np_of(unpacked[i]), np_of(o1), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np_of(h[:, i]), np_of(h1), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np_of(c[:, i]), np_of(c1), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Cells

CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {}),
         ("RNNCell", {"bias": False}), ("LSTMCell", {"bias": False}), ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("cls,kw", CELLS, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cell_matches_torch(torch, cls, kw, dtype, batched, with_state):
    ours, theirs = modules(torch, cls, 5, 6, dtype=dtype, **kw)
    assert_same_parameters(ours, theirs)
    rng = np.random.default_rng(3)
    lead = (3,) if batched else ()
    x_c, x_t = pair(torch, rng.standard_normal(lead + (5,)).astype(dtype), requires_grad=True)
    h_c, h_t = pair(torch, rng.standard_normal(lead + (6,)).astype(dtype), requires_grad=True)
    c_c, c_t = pair(torch, rng.standard_normal(lead + (6,)).astype(dtype), requires_grad=True)

    def make():
        if not with_state:
            return (x_c,), (x_t,), [(x_c, x_t)]
        if cls == "LSTMCell":
            return (x_c, (h_c, c_c)), (x_t, (h_t, c_t)), [(x_c, x_t), (h_c, h_t), (c_c, c_t)]
        return (x_c, h_c), (x_t, h_t), [(x_c, x_t), (h_c, h_t)]
    compare_run(torch, ours, theirs, make, dtype)


# ---------------------------------------------------------------------------
# Gradient checks (float64 finite differences; double backward too)

def _small(cls, **kw):
    tc.manual_seed(0)
    return getattr(nn, cls)(3, 4, **kw).double()


def _params(m):
    return [p for p in m.parameters()]


@pytest.mark.parametrize("cls,kw", CELLS[:4], ids=str)
def test_gradcheck_cells(cls, kw):
    m = _small(cls, **kw)
    x = tc.randn(2, 3, dtype=tc.float64, requires_grad=True)
    h = tc.randn(2, 4, dtype=tc.float64, requires_grad=True)
    c = tc.randn(2, 4, dtype=tc.float64, requires_grad=True)
    names = [n for n, _ in m.named_parameters()]

    def run(x, h, c, *ps):
        m_params = dict(zip(names, ps))
        for n, p in m_params.items():
            m._parameters[n] = p
        if cls == "LSTMCell":
            return m(x, (h, c))
        return m(x, h)
    inputs = (x, h, c) + tuple(p.detach().requires_grad_() for p in _params(m))
    assert gradcheck(run, inputs)
    assert gradgradcheck(run, inputs)


def _layer_fn(m):
    """A function of (input, h0[, c0], *parameters) running module `m`. The
    parameters are replaced by plain attributes, as weight-drop code does."""
    names = m._flat_weights_names
    for n in names:
        del m._parameters[n]

    def run(x, *rest):
        nstate = 2 if isinstance(m, nn.LSTM) else 1
        state, params = rest[:nstate], rest[nstate:]
        for n, p in zip(names, params):
            setattr(m, n, p)
        out, hn = m(x, state if nstate == 2 else state[0])
        return (out,) + (hn if isinstance(hn, tuple) else (hn,))
    return run


@pytest.mark.parametrize("cls,kw", [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {}),
                                    ("LSTM", {"proj_size": 2})], ids=str)
def test_gradcheck_two_layer_bidirectional(cls, kw):
    m = _small(cls, num_layers=2, bidirectional=True, **kw)
    hout = kw.get("proj_size") or 4
    x = tc.randn(3, 2, 3, dtype=tc.float64, requires_grad=True)
    state = [tc.randn(4, 2, hout, dtype=tc.float64, requires_grad=True)]
    if cls == "LSTM":
        state.append(tc.randn(4, 2, 4, dtype=tc.float64, requires_grad=True))
    params = [p.detach().requires_grad_() for p in _params(m)]
    assert gradcheck(_layer_fn(m), (x, *state, *params))


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "RNN"])
def test_gradgradcheck_layer(cls):
    tc.manual_seed(0)
    m = getattr(nn, cls)(2, 2, bidirectional=True).double()
    x = tc.randn(2, 1, 2, dtype=tc.float64, requires_grad=True)
    state = [tc.randn(2, 1, 2, dtype=tc.float64, requires_grad=True)]
    if cls == "LSTM":
        state.append(tc.randn(2, 1, 2, dtype=tc.float64, requires_grad=True))
    params = [p.detach().requires_grad_() for p in _params(m)]
    assert gradgradcheck(_layer_fn(m), (x, *state, *params))


def test_gradcheck_packed_layer():
    m = _small("GRU", bidirectional=True)
    names = m._flat_weights_names
    x = tc.randn(4, 3, 3, dtype=tc.float64, requires_grad=True)
    params = [p.detach().requires_grad_() for p in _params(m)]
    for n in names:
        del m._parameters[n]

    def run(x, *params):
        for n, p in zip(names, params):
            setattr(m, n, p)
        packed = rnn_utils.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
        out, h = m(packed)
        return rnn_utils.pad_packed_sequence(out)[0], h
    assert gradcheck(run, (x, *params))


def test_gradcheck_fused_cells():
    gates = tc.randn(3, 8, dtype=tc.float64, requires_grad=True)
    c = tc.randn(3, 2, dtype=tc.float64, requires_grad=True)
    assert gradcheck(lambda g, c: tuple(tc._C.lstm_cell_fused(g, c)), (gates, c))
    assert gradgradcheck(lambda g, c: tuple(tc._C.lstm_cell_fused(g, c)), (gates, c))
    # only one of the two outputs used
    assert gradcheck(lambda g, c: tc._C.lstm_cell_fused(g, c)[1], (gates, c))
    xg = tc.randn(3, 6, dtype=tc.float64, requires_grad=True)
    hg = tc.randn(3, 6, dtype=tc.float64, requires_grad=True)
    assert gradcheck(tc._C.gru_cell_fused, (xg, hg, c))
    assert gradgradcheck(tc._C.gru_cell_fused, (xg, hg, c))


# ---------------------------------------------------------------------------
# Parameters, attributes, printing, state dicts

@pytest.mark.parametrize("cls,kw", list(module_cases())[::3] + CELLS, ids=str)
def test_parameters_repr_and_state_dict_match_torch(torch, cls, kw):
    ours, theirs = modules(torch, cls, 5, 6, seed=11, **kw)
    assert_same_parameters(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if hasattr(theirs, "all_weights"):
        assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
        assert ours._flat_weights_names == theirs._flat_weights_names


def test_repr_of_options(torch):
    for kw in [dict(num_layers=2, proj_size=2, bidirectional=True, dropout=0.5, batch_first=True, bias=False)]:
        assert repr(nn.LSTM(3, 4, **kw)) == repr(torch.nn.LSTM(3, 4, **kw))
    assert repr(nn.RNN(3, 4, 2, "relu")) == repr(torch.nn.RNN(3, 4, 2, "relu"))
    assert repr(nn.GRUCell(3, 4, bias=False)) == repr(torch.nn.GRUCell(3, 4, bias=False))
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"


def test_module_location_and_flat_weights():
    from tensorcore.nn.modules.rnn import LSTM, RNNBase
    assert nn.LSTM is LSTM and issubclass(LSTM, RNNBase)
    m = nn.LSTM(2, 3, num_layers=2)
    assert m.flatten_parameters() is None
    assert [w is getattr(m, n) for w, n in zip(m._flat_weights, m._flat_weights_names)] == [True] * 8
    m.double()
    assert all(w.dtype == tc.float64 for w in m._flat_weights)
    out, _ = m(tc.randn(2, 1, 2, dtype=tc.float64))
    assert out.dtype == tc.float64
    # reassigning a weight is seen by forward (weight-drop style code does this)
    new = nn.Parameter(tc.zeros(12, 3, dtype=tc.float64))
    m.weight_hh_l1 = new
    assert m._flat_weights[m._flat_weights_names.index("weight_hh_l1")] is new


def test_pickle_roundtrip():
    m = nn.GRU(3, 4, bidirectional=True).double()
    m2 = pickle.loads(pickle.dumps(m))
    x = tc.randn(2, 1, 3, dtype=tc.float64)
    np.testing.assert_array_equal(np_of(m(x)[0]), np_of(m2(x)[0]))


def test_load_torch_state_dict(torch):
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    ours = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    ours.load_state_dict({k: tc.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 2, 3)).astype(np.float32)
    assert_close(ours(tc.tensor(x))[0], theirs(torch.tensor(x))[0], "float32")


def test_load_whole_torch_module(torch, tmp_path):
    # A checkpoint of a whole torch.nn.LSTM loads as tensorcore.nn.modules.rnn.LSTM
    # (weights_only=True once it is allowlisted, as in PyTorch).
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    path = tmp_path / "lstm.pt"
    torch.save(theirs, path)
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    ours = tc.load(path, weights_only=False)
    assert type(ours) is nn.LSTM
    assert_close(ours(tc.tensor(x))[0], theirs(torch.tensor(x))[0], "float32")
    with tc.serialization.safe_globals([nn.LSTM]):
        ours = tc.load(path)
    assert_close(ours(tc.tensor(x))[0], theirs(torch.tensor(x))[0], "float32")


# ---------------------------------------------------------------------------
# Argument errors, as PyTorch raises them

def _error_cases(lib):
    n = lib.nn
    x3 = lib.zeros(5, 2, 3)
    return [
        lambda: n.RNN(3, 4, nonlinearity="foo"),
        lambda: n.GRU(3, 4, proj_size=2),
        lambda: n.RNN(3, 4, proj_size=2),
        lambda: n.LSTM(3, 4, proj_size=4),
        lambda: n.LSTM(3, 4, proj_size=-1),
        lambda: n.LSTM(3, 0),
        lambda: n.LSTM(0, 4),
        lambda: n.LSTM(3, 4, num_layers=0),
        lambda: n.LSTM(3, 4, dropout=1.5),
        lambda: n.LSTM(3, 4, dropout=True),
        lambda: n.LSTM(3, 4, bias=1),
        lambda: n.LSTM(3, 4, batch_first=1),
        lambda: n.LSTM(3.0, 4),
        lambda: n.LSTM(3, 4.0),
        lambda: n.LSTM(3, 4)(lib.zeros(5, 2, 3, 1)),
        lambda: n.RNN(3, 4)(lib.zeros(5)),
        lambda: n.GRU(3, 4)(lib.zeros(5, 2, 3, 1)),
        lambda: n.LSTM(3, 4)(lib.zeros(5, 2, 4)),
        lambda: n.LSTM(3, 4)(lib.zeros(0, 2, 3)),
        lambda: n.LSTM(3, 4)(x3.double()),
        lambda: n.LSTM(3, 4)(x3, (lib.zeros(1, 3, 4), lib.zeros(1, 2, 4))),
        lambda: n.LSTM(3, 4)(x3, (lib.zeros(1, 2, 4), lib.zeros(1, 2, 5))),
        lambda: n.LSTM(3, 4)(x3, (lib.zeros(2, 4), lib.zeros(2, 4))),
        lambda: n.LSTM(3, 4)(lib.zeros(5, 3), (lib.zeros(2, 1, 4), lib.zeros(1, 4))),
        lambda: n.GRU(3, 4)(x3, lib.zeros(1, 3, 4)),
        lambda: n.GRU(3, 4)(x3, lib.zeros(2, 4)),
        lambda: n.RNN(3, 4)(lib.zeros(5, 3), lib.zeros(1, 1, 4)),
        lambda: n.RNN(3, 4, num_layers=2)(x3, lib.zeros(1, 2, 4)),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 5)),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 3), (lib.zeros(3, 4), lib.zeros(2, 4))),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 3), (lib.zeros(2, 5), lib.zeros(2, 4))),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 3), (lib.zeros(2, 4), lib.zeros(2, 5))),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 2, 3)),
        lambda: n.LSTMCell(3, 4)(lib.zeros(2, 3), (lib.zeros(1, 2, 4), lib.zeros(2, 4))),
        lambda: n.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(2, 5)),
        lambda: n.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(3, 4)),
        lambda: n.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(1, 2, 4)),
        lambda: n.RNNCell(3, 4)(lib.zeros(2, 3), lib.zeros(2, 5)),
        lambda: n.RNNCell(3, 4)(lib.zeros(2, 2, 3)),
        lambda: n.RNNCell(3, 4)(lib.zeros(2, 3).double()),
        lambda: n.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [2, 3, 1]),
        lambda: n.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 0, 1], enforce_sorted=False),
        lambda: n.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 2]),
        lambda: n.utils.rnn.pad_packed_sequence(
            n.utils.rnn.pack_padded_sequence(lib.zeros(4, 3, 2), [3, 2, 1]), total_length=2),
        lambda: n.utils.rnn.pad_sequence([lib.zeros(2, 3)], padding_side="middle"),
        lambda: n.utils.rnn.pad_sequence(5),
    ]


def test_errors_match_torch(torch):
    ours, theirs = _error_cases(tc), _error_cases(torch)
    for i, (f, g) in enumerate(zip(ours, theirs)):
        with pytest.raises(Exception) as expected:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                g()
        with pytest.raises(expected.type) as got:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                f()
        if expected.type is not RuntimeError or "mat1" not in str(expected.value):
            assert str(got.value) == str(expected.value).replace("torch.", "tensorcore."), i


def test_errors_without_torch():
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D"):
        nn.LSTM(3, 4)(tc.zeros(5))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 4\), got \[1, 3, 4\]"):
        nn.LSTM(3, 4)(tc.zeros(5, 2, 3), (tc.zeros(1, 3, 4), tc.zeros(1, 2, 4)))
    with pytest.raises(RuntimeError, match="inconsistent input_size"):
        nn.GRUCell(3, 4)(tc.zeros(2, 5))
    with pytest.raises(RuntimeError, match="Unknown nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="gelu")(tc.zeros(2, 3))
    with pytest.raises(RuntimeError, match="exceeds the padded sequence length"):
        rnn_utils.pack_padded_sequence(tc.zeros(4, 3, 2), [5, 3, 1])
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last"):
        nn.LSTM(3, 4, dropout=0.5)
    # The C++ layer checks its own arguments (nothing can crash the process).
    with pytest.raises(RuntimeError, match="batch_sizes"):
        tc._C.rnn_layer(2, tc.zeros(5, 3), [3, 3], tc.zeros(3, 4), tc.zeros(3, 4), tc.zeros(16, 3),
                        tc.zeros(16, 4), None, None, None, False)
    with pytest.raises(RuntimeError, match="non-increasing"):
        tc._C.rnn_layer(2, tc.zeros(5, 3), [2, 3], tc.zeros(2, 4), tc.zeros(2, 4), tc.zeros(16, 3),
                        tc.zeros(16, 4), None, None, None, False)
    with pytest.raises(RuntimeError, match="float32 or float64"):
        tc._C.rnn_layer(0, tc.zeros(2, 1, 3, dtype=tc.int64), [], tc.zeros(1, 4, dtype=tc.int64), None,
                        tc.zeros(4, 3, dtype=tc.int64), tc.zeros(4, 4, dtype=tc.int64), None, None, None, False)
    with pytest.raises(RuntimeError, match="weight_hh"):
        tc._C.rnn_layer(3, tc.zeros(2, 1, 3), [], tc.zeros(1, 4), None, tc.zeros(12, 3), tc.zeros(12, 5),
                        None, None, None, False)
    with pytest.raises(RuntimeError, match="lstm_cell"):
        tc._C.lstm_cell_fused(tc.zeros(2, 7), tc.zeros(2, 2))
    with pytest.raises(ValueError):
        tc._C.rnn_cell(9, tc.zeros(2, 3), tc.zeros(2, 4), None, tc.zeros(4, 3), tc.zeros(4, 4), None, None)


# ---------------------------------------------------------------------------
# nn.utils.rnn

def test_pad_sequence_matches_torch(torch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((n, 2)) for n in (3, 5, 1)]
    for batch_first, value, side in itertools.product([False, True], [0.0, -1.5], ["right", "left"]):
        seqs_c = [tc.tensor(a, requires_grad=True) for a in arrays]
        seqs_t = [torch.tensor(a, requires_grad=True) for a in arrays]
        a = rnn_utils.pad_sequence(seqs_c, batch_first=batch_first, padding_value=value, padding_side=side)
        b = torch.nn.utils.rnn.pad_sequence(seqs_t, batch_first=batch_first, padding_value=value,
                                            padding_side=side)
        assert_close(a, b)
        w = rng.standard_normal(tuple(b.shape))
        (a * tc.tensor(w)).sum().backward()
        (b * torch.tensor(w)).sum().backward()
        for p, q in zip(seqs_c, seqs_t):
            assert_close(p.grad, q.grad)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce_sorted", [([4, 2, 2], True), ([2, 4, 1, 2], False), ([3], True)])
def test_pack_and_pad_match_torch(torch, batch_first, lengths, enforce_sorted):
    rng = np.random.default_rng(1)
    shape = (len(lengths), 5, 2) if batch_first else (5, len(lengths), 2)
    x_c, x_t = pair(torch, rng.standard_normal(shape), requires_grad=True)
    p_c = rnn_utils.pack_padded_sequence(x_c, tc.tensor(lengths), batch_first, enforce_sorted)
    p_t = torch.nn.utils.rnn.pack_padded_sequence(x_t, torch.tensor(lengths), batch_first, enforce_sorted)
    assert_close(p_c.data, p_t.data)
    assert p_c.batch_sizes.tolist() == p_t.batch_sizes.tolist()
    assert p_c.batch_sizes.dtype == tc.int64
    for a, b in [(p_c.sorted_indices, p_t.sorted_indices), (p_c.unsorted_indices, p_t.unsorted_indices)]:
        assert (a is None) == (b is None)
        if a is not None:
            assert a.tolist() == b.tolist()
    for total in (None, 6):
        pad_c, len_c = rnn_utils.pad_packed_sequence(p_c, batch_first, padding_value=9.0, total_length=total)
        pad_t, len_t = torch.nn.utils.rnn.pad_packed_sequence(p_t, batch_first, padding_value=9.0,
                                                             total_length=total)
        assert_close(pad_c, pad_t)
        assert len_c.tolist() == len_t.tolist() and len_c.dtype == tc.int64
    w = rng.standard_normal(tuple(pad_t.shape))
    (pad_c * tc.tensor(w)).sum().backward()
    (pad_t * torch.tensor(w)).sum().backward()
    assert_close(x_c.grad, x_t.grad)
    assert repr(p_c).startswith("PackedSequence(data=tensor(")


def test_pack_unpack_unpad_sequence(torch):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((n, 3)) for n in (2, 4, 3)]
    seqs = [tc.tensor(a) for a in arrays]
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        rnn_utils.pack_sequence(seqs)
    packed = rnn_utils.pack_sequence(seqs, enforce_sorted=False)
    packed_t = torch.nn.utils.rnn.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=False)
    assert_close(packed.data, packed_t.data)
    for got, a in zip(rnn_utils.unpack_sequence(packed), arrays):
        np.testing.assert_array_equal(np_of(got), a)
    padded = rnn_utils.pad_sequence(seqs)
    for got, a in zip(rnn_utils.unpad_sequence(padded, tc.tensor([2, 4, 3])), arrays):
        np.testing.assert_array_equal(np_of(got), a)
    assert tuple(padded.shape) == (3, 4, 3)  # transposed in place, as PyTorch does


def test_packed_sequence_object():
    data = tc.randn(6, 2)
    p = rnn_utils.PackedSequence(data, tc.tensor([3, 2, 1]), tc.tensor([2, 0, 1]))
    assert p.unsorted_indices.tolist() == [1, 2, 0]
    assert rnn_utils.invert_permutation(None) is None
    d, b, s, u = p
    assert d is data
    assert p.double().data.dtype == tc.float64 and p.double().batch_sizes is p.batch_sizes
    assert p.to(tc.float32) is p
    assert not p.is_cuda
    q = rnn_utils.PackedSequence((data, tc.tensor([3, 2, 1])))
    assert q.batch_sizes.tolist() == [3, 2, 1] and q.sorted_indices is None


# ---------------------------------------------------------------------------
# The vectorized float32 tanh the cells use (Note [Vectorizable tanh])

def test_float32_tanh_is_accurate(torch):
    x = np.concatenate([np.linspace(-12, 12, 100001), np.geomspace(1e-12, 1e-2, 2000),
                        -np.geomspace(1e-12, 1e-2, 2000), [0.0, -0.0, np.inf, -np.inf, 4e-4, -4e-4]])
    x = x.astype(np.float32)
    ours = np_of(tc.tanh(tc.tensor(x)))
    exact = np.tanh(x.astype(np.float64))
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(ours.astype(np.float64) - exact) <= ulp)  # within 1 ulp everywhere
    assert np.isnan(np_of(tc.tanh(tc.tensor([np.nan], dtype=tc.float32))))[0]
    assert np.signbit(np_of(tc.tanh(tc.tensor([-0.0], dtype=tc.float32))))[0]
    theirs = torch.tanh(torch.tensor(x)).numpy()
    assert np.mean(ours == theirs) > 0.99  # Sleef is 1-ulp too, not always correctly rounded


def test_graph_is_freed_with_its_outputs():
    # Nodes save inputs only (never their own outputs), so dropping the
    # outputs frees the whole recurrent graph: no reference cycles.
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    x = tc.randn(5, 2, 3, requires_grad=True)
    base = tc._C._live_autograd_nodes()
    out, (h, c) = m(x)
    assert tc._C._live_autograd_nodes() > base
    del out, h, c
    assert tc._C._live_autograd_nodes() == base
    out, (h, c) = m(x)
    (out.sum() + h.sum() + c.sum()).backward()
    del out, h, c
    assert tc._C._live_autograd_nodes() == base
