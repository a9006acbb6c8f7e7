"""Programs that use small dtypes, mixed precision and checkpoints, run side by
side with PyTorch: the legacy checkpoint layout (_use_new_zipfile_serialization
=False) written and read by either library, and CPU autocast around the
recurrent layers. Each case differed from PyTorch before its fix."""
import io
import pickle
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _checkpoint(m):
    """The same checkpoint built with library m: every dtype, views sharing a storage, a parameter,
    a state_dict and an Adam state_dict with step tensors."""
    a = m.arange(12.0).reshape(3, 4)
    lin = m.nn.Linear(3, 2)
    with m.no_grad():
        lin.weight.copy_(m.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]))
        lin.bias.fill_(0.125)
    opt = m.optim.Adam(lin.parameters(), lr=0.1)
    lin(m.ones(2, 3)).sum().backward()
    opt.step()
    return {"a": a, "row": a[1], "t": a.t(), "bf": m.tensor([1.5, -2.25, 3.0]).bfloat16(),
            "h": m.tensor([0.1, 65504.0]).half(), "u8": m.arange(250, 256).to(m.uint8),
            "i8": m.tensor([-128, 127], dtype=m.int8), "i16": m.tensor([1, -2], dtype=m.int16),
            "b": m.tensor([True, False]), "c64": m.tensor([1 + 2j]), "c128": m.tensor([1 - 2j], dtype=m.complex128),
            "f64": m.tensor([1.5], dtype=m.float64), "i32": m.tensor([3], dtype=m.int32),
            "scalar": m.tensor(3.5), "empty": m.empty(0, 3), "p": m.nn.Parameter(m.ones(2)),
            "nested": [m.ones(1), 3, "x"], "size": m.Size([2, 3]), "dtype": m.float16,
            "sd": lin.state_dict(), "opt": opt.state_dict()}


def _plain(v):
    """A library-neutral form of a loaded value, to compare tensorcore's with PyTorch's."""
    if hasattr(v, "dtype") and hasattr(v, "stride"):
        data = v.detach().float() if v.dtype in (tc.bfloat16, torch.bfloat16) else v.detach()
        return (str(v.dtype).split(".")[-1], tuple(v.shape), tuple(v.stride()), v.storage_offset(),
                type(v).__name__, v.requires_grad, data.numpy().tolist())
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)) and not hasattr(v, "numel"):
        return type(v).__name__, [_plain(x) for x in v]
    return str(v).replace("tensorcore", "torch")


def _save(m, obj):
    buf = io.BytesIO()
    m.save(obj, buf, _use_new_zipfile_serialization=False)
    return buf.getvalue()


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("writer", ["torch", "tensorcore"])
def test_legacy_checkpoint_read_by_both_libraries(writer, weights_only):
    tc.manual_seed(0)
    torch.manual_seed(0)
    raw = _save(tc if writer == "tensorcore" else torch, _checkpoint(tc if writer == "tensorcore" else torch))
    ours = tc.load(io.BytesIO(raw), weights_only=weights_only)
    theirs = torch.load(io.BytesIO(raw), weights_only=weights_only)
    assert _plain(ours) == _plain(theirs)
    assert _plain(ours) == _plain(_checkpoint(torch))
    # views that shared a storage when saved share it after loading, as in PyTorch
    ours["row"][0] = 100.0
    theirs["row"][0] = 100.0
    assert ours["a"].tolist() == theirs["a"].tolist() == ours["t"].t().tolist()
    assert isinstance(ours["p"], tc.nn.Parameter) and ours["opt"]["state"][0]["step"].dtype is tc.float32


def test_legacy_checkpoint_resumes_adam_training_bit_exactly():
    def run(m, resume_from=None):
        m.manual_seed(0)
        model = m.nn.Linear(4, 3)
        opt = m.optim.Adam(model.parameters(), lr=0.01)
        xs = [m.linspace(-1, 1, 8).reshape(2, 4) * (i + 1) for i in range(4)]
        if resume_from is not None:
            ck = m.load(io.BytesIO(resume_from))
            model.load_state_dict(ck["model"])
            opt.load_state_dict(ck["opt"])
            xs = xs[2:]
        for i, x in enumerate(xs):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
            if resume_from is None and i == 1:
                saved = _save(m, {"model": model.state_dict(), "opt": opt.state_dict()})
        return model.weight.detach().numpy().copy(), (saved if resume_from is None else None)

    full_ours, ck_ours = run(tc)
    full_theirs, ck_theirs = run(torch)
    # each library resumes from its own legacy checkpoint bit-exactly
    np.testing.assert_array_equal(run(tc, ck_ours)[0], full_ours)
    np.testing.assert_array_equal(run(torch, ck_theirs)[0], full_theirs)
    # and from the other's (the two differ in the last bit of some gemm results, so not bit-exactly)
    np.testing.assert_allclose(run(tc, ck_theirs)[0], full_theirs, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(run(torch, ck_ours)[0], full_ours, rtol=1e-5, atol=1e-7)


def test_legacy_whole_module_needs_weights_only_false():
    tc.manual_seed(0)
    m = tc.nn.Sequential(tc.nn.Linear(3, 2), tc.nn.ReLU())
    raw = _save(tc, m)
    with pytest.raises(pickle.UnpicklingError, match="weights_only"):
        tc.load(io.BytesIO(raw))
    back = tc.load(io.BytesIO(raw), weights_only=False)
    x = tc.randn(4, 3)
    assert repr(back) == repr(m) and back(x).tolist() == m(x).tolist()


def test_legacy_map_location_forms():
    raw = _save(torch, {"w": torch.arange(4.0), "v": torch.arange(4.0)[1:]})
    for loc in ("cpu", tc.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage,
                lambda storage, location: storage.clone()):
        out = tc.load(io.BytesIO(raw), map_location=loc)
        ref = torch.load(io.BytesIO(raw), map_location=loc if not isinstance(loc, tc.device) else "cpu")
        assert out["w"].tolist() == ref["w"].tolist() and out["v"].tolist() == ref["v"].tolist()


def test_legacy_bad_files_raise_like_torch():
    # a pickle that is not a checkpoint: PyTorch's "Invalid magic number" RuntimeError, nothing executed
    for lib in (tc, torch):
        with pytest.raises(RuntimeError, match="Invalid magic number"):
            lib.load(io.BytesIO(pickle.dumps({"a": 1}, protocol=2)))
    raw = _save(torch, {"w": torch.arange(6.0), "i": torch.arange(3)})
    for cut in range(1, len(raw), 5):  # every truncation raises an error, never returns short tensors
        with pytest.raises((RuntimeError, EOFError, pickle.UnpicklingError)):
            tc.load(io.BytesIO(raw[:cut]))


# ---------------------------------------------------------------- CPU autocast around recurrent layers
def _to_np(t):
    return t.detach().float().numpy()


def _run_recurrent(m, kind, packed):
    m.manual_seed(0)
    layer = {"rnn": lambda: m.nn.RNN(6, 4, num_layers=2, bidirectional=True),
             "rnn_relu": lambda: m.nn.RNN(6, 4, nonlinearity="relu", batch_first=True),
             "gru": lambda: m.nn.GRU(6, 4, num_layers=2, bidirectional=True),
             "lstm_packed": lambda: m.nn.LSTM(6, 4, bidirectional=True),
             "lstm_proj": lambda: m.nn.LSTM(6, 4, proj_size=3)}[kind]()
    seq = m.linspace(-2, 2, 5 * 3 * 6).reshape(5, 3, 6).sin()
    if packed:
        seq = m.nn.utils.rnn.pack_padded_sequence(seq, [5, 3, 2], enforce_sorted=True)
    with m.autocast("cpu", dtype=m.bfloat16):
        out, hidden = layer(seq)
    out = out.data if packed else out
    states = hidden if isinstance(hidden, tuple) else (hidden,)
    (out.float().pow(2).sum() + sum(s.float().sum() for s in states)).backward()
    grads = [(str(p.grad.dtype), _to_np(p.grad)) for p in layer.parameters()]
    return str(out.dtype), [str(s.dtype) for s in states], _to_np(out), [_to_np(s) for s in states], grads


@pytest.mark.parametrize("kind,packed", [("rnn", False), ("rnn_relu", False), ("gru", False), ("rnn", True),
                                         ("gru", True), ("lstm_packed", True), ("lstm_proj", False)])
def test_autocast_composite_recurrent_layers_match_torch(kind, packed):
    """PyTorch runs these as composites of autocast's linear: bfloat16 products, gate arithmetic in the
    dtypes it meets (RNN's output bfloat16, GRU's float32). They ran in float32 here."""
    ours = _run_recurrent(tc, kind, packed)
    theirs = _run_recurrent(torch, kind, packed)
    assert ours[0].replace("tensorcore", "torch") == theirs[0]
    assert [d.replace("tensorcore", "torch") for d in ours[1]] == theirs[1]
    np.testing.assert_array_equal(ours[2], theirs[2])
    for a, b in zip(ours[3], theirs[3]):
        np.testing.assert_array_equal(a, b)
    for (da, ga), (db, gb) in zip(ours[4], theirs[4]):
        assert da.replace("tensorcore", "torch") == db == "torch.float32"
        np.testing.assert_allclose(ga, gb, rtol=0.05, atol=0.05)  # bfloat16 backward: same order, not bits


def test_autocast_lstm_runs_in_the_autocast_dtype():
    """PyTorch's unpacked LSTM is oneDNN's mkldnn_rnn_layer, a lower-precision op: output and both states
    come back bfloat16 (values: oneDNN's own bfloat16 arithmetic, so compared loosely)."""
    res = {}
    for m in (tc, torch):
        m.manual_seed(0)
        lstm = m.nn.LSTM(6, 4, num_layers=2, batch_first=True)
        x = m.linspace(-1, 1, 2 * 3 * 6).reshape(2, 3, 6)
        with m.autocast("cpu", dtype=m.bfloat16):
            out, (h, c) = lstm(x)
        out.float().sum().backward()
        res[m] = out, h, c, lstm.weight_ih_l0.grad
    for a, b in zip(res[tc], res[torch]):
        assert str(a.dtype).replace("tensorcore", "torch") == str(b.dtype)
        np.testing.assert_allclose(_to_np(a), _to_np(b), rtol=0.05, atol=0.02)


@pytest.mark.parametrize("cell", ["RNNCell", "GRUCell", "LSTMCell"])
def test_autocast_cells_match_torch(cell):
    res = {}
    for m in (tc, torch):
        m.manual_seed(0)
        layer = getattr(m.nn, cell)(6, 4)
        x = m.linspace(-1, 1, 3 * 6).reshape(3, 6)
        with m.autocast("cpu", dtype=m.bfloat16):
            out = layer(x)
            out2 = layer(x[0], out[0] if cell != "LSTMCell" else (out[0][0], out[1][0]))  # unbatched, given state
        res[m] = [o for r in (out, out2) for o in (r if isinstance(r, tuple) else (r,))]
    for a, b in zip(res[tc], res[torch]):
        assert str(a.dtype).replace("tensorcore", "torch") == str(b.dtype)
        np.testing.assert_array_equal(_to_np(a), _to_np(b))


def test_autocast_tensordot_is_lower_precision():
    a, b = np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4), np.linspace(0, 2, 20, dtype=np.float32)
    res = []
    for m in (tc, torch):
        with m.autocast("cpu", dtype=m.bfloat16):
            res.append(m.tensordot(m.tensor(a), m.tensor(b.reshape(4, 5)), dims=([2], [0])))
    assert res[0].dtype is tc.bfloat16 and res[1].dtype is torch.bfloat16
    np.testing.assert_array_equal(_to_np(res[0]), _to_np(res[1]))


# ---------------------------------------------------------------- bfloat16 / float16 models: grad_fn names
_REDUCED_OPS = {
    "nll_loss": lambda m, x, t, p, img: m.nn.functional.nll_loss(x, t),
    "cross_entropy": lambda m, x, t, p, img: m.nn.functional.cross_entropy(x, t, reduction="none"),
    "mse_loss": lambda m, x, t, p, img: m.nn.functional.mse_loss(x, p),
    "bce": lambda m, x, t, p, img: m.nn.functional.binary_cross_entropy(x.sigmoid(), p),
    "bce_logits": lambda m, x, t, p, img: m.nn.functional.binary_cross_entropy_with_logits(x, p),
    "layer_norm": lambda m, x, t, p, img: m.nn.functional.layer_norm(x, (6,)),
    "conv2d": lambda m, x, t, p, img: m.nn.functional.conv2d(img, img[:2].detach()),
    "conv1d": lambda m, x, t, p, img: m.nn.functional.conv1d(img[0], img[0, :, :, :2].detach()),
    "max_pool2d": lambda m, x, t, p, img: m.nn.functional.max_pool2d(img, 2),
    "avg_pool2d": lambda m, x, t, p, img: m.nn.functional.avg_pool2d(img, 2),
    "adaptive_avg_pool2d": lambda m, x, t, p, img: m.nn.functional.adaptive_avg_pool2d(img, 1),
    "max_pool1d": lambda m, x, t, p, img: m.nn.functional.max_pool1d(x[None], 2),
}


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", sorted(_REDUCED_OPS))
def test_reduced_precision_results_print_torchs_grad_fn(op, dtype):
    """print(loss) in a bfloat16 training script shows grad_fn=<NllLossBackward0> in PyTorch; here the
    C++ kernels' cast back from float32 showed <ToCopyBackward0>."""
    names = []
    for m in (tc, torch):
        dt = getattr(m, dtype)
        x = m.linspace(-2, 2, 24).reshape(4, 6).to(dt).requires_grad_()
        img = m.linspace(-1, 1, 2 * 3 * 36).reshape(2, 3, 6, 6).to(dt).requires_grad_()
        out = _REDUCED_OPS[op](m, x, m.tensor([0, 1, 2, 0]), m.linspace(0, 1, 24).reshape(4, 6).to(dt), img)
        out = out[0] if isinstance(out, tuple) else out
        assert str(out.dtype).endswith(dtype)
        names.append(out.grad_fn.name())
    assert names[0] == names[1]


# ---------------------------------------------------------------- uint8 data pipelines
def test_where_takes_a_uint8_condition_with_torchs_deprecation_warning():
    from tensorcore._spectral import _warned
    _warned.discard("where_uint8")  # PyTorch warns once per process: start this one afresh
    cond = tc.tensor([1, 0, 2, 0], dtype=tc.uint8)  # nonzero is true, as PyTorch
    data = tc.arange(4.0)
    with pytest.warns(UserWarning, match="where received a uint8 condition tensor") as caught:
        first = tc.where(cond, data, -1.0)
    assert caught[0].filename == __file__  # the warning names the caller's line, as PyTorch's
    ours = (first.tolist(), data.where(cond, tc.tensor(-2.0)).tolist(), tc.where(cond)[0].tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tcond, tdata = torch.tensor([1, 0, 2, 0], dtype=torch.uint8), torch.arange(4.0)
        theirs = (torch.where(tcond, tdata, -1.0).tolist(), tdata.where(tcond, torch.tensor(-2.0)).tolist(),
                  torch.where(tcond)[0].tolist())
    assert ours == theirs


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_where_refuses_other_conditions_like_torch(dtype):
    messages = []
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor") as info:
            m.where(m.tensor([1, 0]).to(getattr(m, dtype)), m.ones(2), 0.0)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float32", "float64"])
@pytest.mark.parametrize("with_weight", [False, True])
def test_rms_norm_in_reduced_precision_matches_torch(dtype, with_weight):
    """PyTorch's rms_norm upcasts float16/bfloat16 to float32 and uses float32's eps by default; here it
    ran in the reduced dtype with float64's eps."""
    res = []
    for m in (tc, torch):
        dt = getattr(m, dtype)
        x = (m.linspace(-3, 3, 4 * 16).reshape(4, 16) ** 3).to(dt).requires_grad_()
        w = m.linspace(0.5, 1.5, 16).to(dt) if with_weight else None
        out = m.nn.functional.rms_norm(x, (16,), w)
        out.float().sum().backward()
        res.append((str(out.dtype).split(".")[-1], out.grad_fn.name(), _to_np(out), _to_np(x.grad)))
    assert res[0][:2] == res[1][:2]
    np.testing.assert_array_equal(res[0][2], res[1][2])
    np.testing.assert_allclose(res[0][3], res[1][3], rtol=1e-2 if dtype in ("bfloat16", "float16") else 1e-5)


# ---------------------------------------------------------------- mixed dtypes in the addmm family
def _addmm_family_cases(m):
    x = m.ones(3, 3)
    return [
        lambda: m.addmm(m.zeros(3, dtype=m.float64), x, x),  # a float64 bias is refused, not promoted
        lambda: m.addmm(m.zeros(3), x, x.double()), lambda: m.addmm(m.zeros(3, 3), x.double(), x, beta=0.5),
        lambda: x.addmm(x.bfloat16(), x.bfloat16()), lambda: x.clone().addmm_(x.double(), x.double()),
        lambda: m.addmm(m.zeros(3, dtype=m.int64), x, x),
        lambda: m.addbmm(m.zeros(3, 3), x[None], x[None].double()), lambda: m.addbmm(m.zeros(3, 3, dtype=m.int64), x[None], x[None]),
        lambda: m.addmv(m.zeros(3), x.double(), x[0]), lambda: m.addmv(m.zeros(3, dtype=m.int64), x.long(), x[0]),
        lambda: m.baddbmm(m.zeros(1, 3, 3), x[None].half(), x[None]), lambda: m.baddbmm(m.zeros(1, 3, 3), x[None], x[None].double()),
        lambda: m.zeros(1, 3, 3).baddbmm_(x[None].double(), x[None].double()),
        # addr promotes its operands
        lambda: m.addr(m.zeros(3, 3, dtype=m.float64), x[0], x[0]), lambda: m.addr(m.zeros(3, 3, dtype=m.int64), x[0], x[0]),
        lambda: m.addr(m.zeros(3, 3, dtype=m.bfloat16), x[0], x[0], beta=0.5, alpha=2),
        lambda: m.zeros(3, 3).addr_(x[0].double(), x[0].double()), lambda: m.zeros(3, 3, dtype=m.float64).addr_(x[0], x[0]),
    ]


def _outcome(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e)
    return str(r.dtype).split(".")[-1], r.float().tolist()


def test_addmm_family_mixed_dtypes_like_torch():
    ours = [_outcome(f) for f in _addmm_family_cases(tc)]
    theirs = [_outcome(f) for f in _addmm_family_cases(torch)]
    assert ours == theirs
    with tc.autocast("cpu"), torch.autocast("cpu"):  # autocast casts the matrices, not the float64 bias
        assert _outcome(lambda: tc.addmm(tc.zeros(3, dtype=tc.float64), tc.ones(3, 3), tc.ones(3, 3))) == \
            _outcome(lambda: torch.addmm(torch.zeros(3, dtype=torch.float64), torch.ones(3, 3), torch.ones(3, 3)))


@pytest.mark.parametrize("dtype", ["uint8", "int64", "bool", "float16"])
@pytest.mark.parametrize("ndim", [4, 5])
def test_grid_sample_on_integer_images_fails_like_torch(dtype, ndim):
    """A uint8 image with a float grid: PyTorch's kernel refuses the dtype (NotImplementedError) before it
    compares the grid's dtype (here the RuntimeError of the dtype comparison came first)."""
    outcomes = []
    for m in (tc, torch):
        image = m.ones(*([1] * (ndim - 2) + [2, 2]), dtype=getattr(m, dtype))
        grid = m.zeros(*([1] * (ndim - 2) + [2, ndim - 2]))
        outcomes.append(_outcome(lambda: m.nn.functional.grid_sample(image, grid, align_corners=False)))
    assert outcomes[0] == outcomes[1]


def _unique_dim_cases(m):
    a = m.tensor([[1, 2], [1, 2], [0, 1], [3, 0], [0, 1]], dtype=m.uint8)
    b = m.tensor([[[1.0, 2], [0, 0]], [[1, 2], [0, 0]], [[-1, 5], [2, 2]]])
    return [lambda: m.unique(a, dim=0), lambda: m.unique(a, dim=1, return_counts=True),
            lambda: m.unique(a, dim=-2, return_inverse=True, return_counts=True),
            lambda: a.unique(dim=0, sorted=False, return_inverse=True), lambda: m.unique(b, dim=0, return_inverse=True),
            lambda: m.unique(b, dim=2, return_counts=True), lambda: m.unique(b.bfloat16(), dim=1),
            lambda: m.unique(m.tensor([[True, False], [True, False]]), dim=0),
            lambda: m.unique(m.empty(0, 3), dim=0, return_inverse=True, return_counts=True),
            lambda: m.unique(m.empty(0, 3), dim=1), lambda: m.unique(m.tensor(3.0), dim=0), lambda: m.unique(a, dim=2)]


def _outcomes(fn):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the exception is the outcome compared
        return type(e).__name__, str(e)
    return [(str(x.dtype).split(".")[-1], tuple(x.shape), x.float().tolist()) for x in (r if isinstance(r, tuple) else (r,))]


def test_unique_along_a_dim_like_torch():
    """torch.unique(x, dim=0) (distinct rows, e.g. of uint8 label maps) raised NotImplementedError here."""
    assert [_outcomes(f) for f in _unique_dim_cases(tc)] == [_outcomes(f) for f in _unique_dim_cases(torch)]


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("with_bytes", [False, True])
def test_weights_only_load_of_newer_pickle_protocols_like_torch(protocol, with_bytes):
    """PyTorch's weights-only unpickler warns about a protocol other than 2 and refuses the newer opcodes
    (bytes: 67, FRAME: 149); tensorcore loaded every protocol. Both load with weights_only=False."""
    outcomes = []
    for m in (tc, torch):
        obj = {"w": m.arange(6.0).reshape(2, 3), "step": 3, "nested": [m.ones(2), (1, 2.5)]}
        if with_bytes:
            obj["raw"] = b"raw"
        buf = io.BytesIO()
        m.save(obj, buf, pickle_protocol=protocol)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = ("ok", m.load(io.BytesIO(buf.getvalue()))["step"])
            except pickle.UnpicklingError as e:
                result = ("refused", [w for w in ("Unsupported operand 67", "Unsupported operand 149") if w in str(e)])
        warned = [str(w.message).split(" in the checkpoint")[0] for w in caught if "pickle protocol" in str(w.message)]
        outcomes.append((result, warned, m.load(io.BytesIO(buf.getvalue()), weights_only=False)["step"]))
    assert outcomes[0] == outcomes[1]
