"""tensorcore.save / tensorcore.load: round trips, and the older safetensors
layout (still read; written here with _safetensors_format.write, since
save(..., _use_new_zipfile_serialization=False) writes PyTorch's legacy layout)
with clear errors for truncated or corrupted files. PyTorch's zip format, its
interoperability and its safety are tested in test_serialization_torch_format.py."""
import io
import json
import math
import pickle
import struct
from collections import OrderedDict

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import _safetensors_format, nn, optim
from tensorcore.serialization import SerializationError


def save_as(obj, f, layout="zip"):
    """layout: "zip" (torch.save's default), "legacy" (PyTorch's pre-1.6 layout, what
    _use_new_zipfile_serialization=False writes) or "safetensors" (tensorcore's older layout)."""
    if layout == "safetensors":
        _safetensors_format.write(obj, f)
    else:
        tc.save(obj, f, _use_new_zipfile_serialization=layout == "zip")


def roundtrip(obj, layout="zip"):
    buf = io.BytesIO()
    save_as(obj, buf, layout)
    buf.seek(0)
    return tc.load(buf), buf.getvalue()


@pytest.mark.parametrize("dtype", [tc.float32, tc.float64, tc.int32, tc.int64, tc.bool])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4)])
def test_tensor_roundtrip(dtype, shape):
    rng = np.random.default_rng(0)
    data = rng.standard_normal(shape) * 10
    t = tc.tensor(data).to(dtype)
    out, _ = roundtrip(t)
    assert isinstance(out, tc.Tensor) and out.dtype == dtype and tuple(out.shape) == shape
    assert np.array_equal(out.numpy(), t.numpy())


def test_special_values_and_views():
    t = tc.tensor([0.0, -0.0, math.inf, -math.inf, math.nan, 1e-45])
    out, _ = roundtrip(t)
    assert np.array_equal(out.numpy(), t.numpy(), equal_nan=True)
    assert math.copysign(1, out.numpy()[1]) == -1
    base = tc.arange(12.0).reshape(3, 4)
    view = base.t()[1:]  # non-contiguous, offset view
    out, _ = roundtrip(view)  # as torch.save: the whole storage, the view's strides and offset
    assert out.tolist() == view.tolist() and out.stride() == view.stride() == (1, 4)
    assert out.storage_offset() == view.storage_offset() == 1
    out, _ = roundtrip(view, "safetensors")  # the safetensors layout stores it compacted
    assert out.tolist() == view.tolist() and out.is_contiguous()


def test_state_dict_roundtrip_restores_model(tmp_path):
    tc.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 2))
    path = tmp_path / "model.safetensors"
    tc.save(m.state_dict(), path)
    sd = tc.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(m.state_dict())
    m2 = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 2))
    m2.load_state_dict(sd)
    x = tc.randn(5, 4)
    assert np.array_equal(m(x).detach().numpy(), m2(x).detach().numpy())
    tc.save(m.state_dict(), str(path))  # str paths too
    assert list(tc.load(str(path))) == list(sd)


def test_flat_state_dict_is_a_plain_safetensors_file():
    sd = OrderedDict([("b", tc.ones(2, dtype=tc.int64)), ("a", tc.zeros(3, 1))])
    out, raw = roundtrip(sd, "safetensors")
    assert list(out) == ["b", "a"] and out["b"].tolist() == [1, 1]
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    assert header["a"] == {"dtype": "F32", "shape": [3, 1], "data_offsets": [16, 28]}
    assert header["b"] == {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}
    assert header["__metadata__"]["format"].startswith("tensorcore")
    assert (8 + n) % 8 == 0 and len(raw) == 8 + n + 28
    assert np.frombuffer(raw[8 + n:8 + n + 16], "<i8").tolist() == [1, 1]


@pytest.mark.parametrize("layout", ["zip", "legacy", "safetensors"])
def test_nested_structures_roundtrip(layout):
    p = nn.Parameter(tc.ones(2))
    obj = {"epoch": 3, "big": 2 ** 70, "loss": 0.25, "nan": math.nan, "inf": -math.inf, "name": "run", "flag": True,
           "none": None, "tuple": (1, (2.5, "x")), "list": [tc.zeros(1), {"deep": tc.arange(3)}], 5: "int key",
           "param": p, "grad": tc.ones(2, requires_grad=True), "od": OrderedDict([("z", 1), ("y", 2)]),
           "dtype": tc.float64}
    out, _ = roundtrip(obj, layout)
    assert out["epoch"] == 3 and out["big"] == 2 ** 70 and out["loss"] == 0.25 and math.isnan(out["nan"])
    assert out["inf"] == -math.inf and out["name"] == "run" and out["flag"] is True and out["none"] is None
    assert out["tuple"] == (1, (2.5, "x")) and out[5] == "int key"
    assert out["list"][0].tolist() == [0.0] and out["list"][1]["deep"].tolist() == [0, 1, 2]
    assert isinstance(out["param"], nn.Parameter) and out["param"].requires_grad
    assert out["grad"].requires_grad and out["grad"].is_leaf
    assert isinstance(out["od"], OrderedDict) and list(out["od"]) == ["z", "y"] and out["dtype"] == tc.float64


def test_optimizer_state_dict_roundtrip():
    m = nn.Linear(3, 2)
    opt = optim.Adam(m.parameters(), lr=0.01, betas=(0.8, 0.9))
    m(tc.randn(4, 3)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    out, _ = roundtrip(sd)
    assert out["param_groups"] == sd["param_groups"]
    assert out["param_groups"][0]["betas"] == (0.8, 0.9)
    assert set(out["state"]) == {0, 1}
    for i in (0, 1):
        for k, v in sd["state"][i].items():
            assert out["state"][i][k].tolist() == v.tolist() and tuple(out["state"][i][k].shape) == tuple(v.shape)
    opt2 = optim.Adam(m.parameters())
    opt2.load_state_dict(out)
    assert opt2.param_groups[0]["lr"] == 0.01


def test_unpicklable_objects_and_bad_sources_raise():
    with pytest.raises((pickle.PicklingError, AttributeError)):
        tc.save({"f": lambda x: x}, io.BytesIO())
    with pytest.raises(TypeError, match="binary file object"):
        tc.load(12)


@pytest.mark.parametrize("layout", ["zip", "legacy", "safetensors"])
def test_whole_module_round_trip_needs_weights_only_false(layout):
    tc.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    buf = io.BytesIO()
    save_as(m, buf, layout)
    with pytest.raises(pickle.UnpicklingError, match="weights_only"):
        tc.load(io.BytesIO(buf.getvalue()))
    m2 = tc.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert repr(m2) == repr(m) and isinstance(m2[0].weight, nn.Parameter)
    x = tc.randn(4, 3)
    assert m2(x).tolist() == m(x).tolist()
    shared = {"a": m[0].weight, "b": m[0].weight, "mod": m}
    save_as(shared, buf := io.BytesIO(), layout)
    back = tc.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert back["a"] is back["b"] is back["mod"][0].weight  # one tensor, stored once


def _valid_file():
    buf = io.BytesIO()
    save_as({"w": tc.arange(6.0).reshape(2, 3), "meta": {"step": 7}}, buf, "safetensors")
    return buf.getvalue()


def test_every_truncation_raises_a_clear_error():
    raw = _valid_file()
    for cut in sorted(set(range(0, 40)) | set(range(0, len(raw), 7)) | {len(raw) - 1}):
        with pytest.raises(SerializationError, match="tensorcore.load: .*(truncated|corrupt|not a tensorcore)"):
            tc.load(io.BytesIO(raw[:cut]))
    assert tc.load(io.BytesIO(raw))["meta"] == {"step": 7}


def test_corruption_is_detected():
    raw = _valid_file()
    (n,) = struct.unpack("<Q", raw[:8])
    # a flipped bit in the tensor data: the checksum catches it
    bad = bytearray(raw)
    bad[-3] ^= 0x10
    with pytest.raises(SerializationError, match="checksum mismatch"):
        tc.load(io.BytesIO(bytes(bad)))
    # garbage in the header
    bad = bytearray(raw)
    bad[12] = ord("{")
    with pytest.raises(SerializationError, match="corrupt header"):
        tc.load(io.BytesIO(bytes(bad)))
    # offsets that point outside the file / disagree with the shape
    header = json.loads(raw[8:8 + n])
    name = next(k for k in header if k != "__metadata__")
    for offs, pattern in [([0, 10 ** 6], "needs|truncated"), ([0, 8], "needs 24 bytes"), ([5, -1], "corrupt")]:
        h = dict(header)
        h[name] = dict(h[name], data_offsets=offs)
        hb = json.dumps(h).encode()
        with pytest.raises(SerializationError, match=pattern):
            tc.load(io.BytesIO(struct.pack("<Q", len(hb)) + hb + raw[8 + n:]))
    h = dict(header)
    h[name] = dict(h[name], dtype="F16")
    hb = json.dumps(h).encode()
    with pytest.raises(SerializationError, match="dtype F16"):
        tc.load(io.BytesIO(struct.pack("<Q", len(hb)) + hb + raw[8 + n:]))
    with pytest.raises(SerializationError, match="implausible"):
        tc.load(io.BytesIO(struct.pack("<Q", 2 ** 40) + b"{}"))
    with pytest.raises(SerializationError, match="trailing garbage|truncated"):
        tc.load(io.BytesIO(raw + b"extra"))
    # a bare pickle is read as PyTorch's legacy layout, rejected by its magic number (as PyTorch), not executed
    import pickle
    with pytest.raises(RuntimeError, match="Invalid magic number"):
        tc.load(io.BytesIO(pickle.dumps({"a": 1}, protocol=2)))


def test_reads_files_written_by_safetensors():
    st = pytest.importorskip("safetensors.numpy")
    data = st.save({"x": np.arange(6, dtype=np.float32).reshape(2, 3), "y": np.array([1, 2], dtype=np.int64)})
    out = tc.load(io.BytesIO(data))
    assert out["x"].tolist() == [[0, 1, 2], [3, 4, 5]] and out["y"].dtype == tc.int64
    # and safetensors reads ours
    buf = io.BytesIO()
    save_as({"w": tc.ones(2, 2), "i": tc.arange(3)}, buf, "safetensors")
    back = st.load(buf.getvalue())
    assert back["w"].tolist() == [[1, 1], [1, 1]] and back["i"].tolist() == [0, 1, 2]


def test_torch_can_read_our_state_dict_values():
    """The bytes are plain little-endian arrays: a model saved here loads into
    PyTorch after a numpy conversion (and vice versa)."""
    torch = pytest.importorskip("torch")
    m = nn.Linear(3, 2)
    sd, _ = roundtrip(m.state_dict())
    tm = torch.nn.Linear(3, 2)
    tm.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in sd.items()})
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(tm(torch.from_numpy(x)).detach().numpy(), m(tc.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("layout", ["zip", "legacy", "safetensors"])
def test_shared_tensors_are_stored_once_and_stay_shared(layout):
    t = tc.arange(1000.0)
    out, raw = roundtrip({"a": [t, t], "b": t}, layout)
    assert out["a"][0] is out["a"][1] is out["b"]
    assert len(raw) < 2 * 4000  # one copy of the 4000 data bytes


def test_size_and_shared_optimizer_state_round_trip(torch):
    buf = io.BytesIO()
    tc.save({"s": tc.Size([2, 3]), "t": tc.ones(2)}, buf)
    back = tc.load(io.BytesIO(buf.getvalue()), map_location=lambda storage, loc: storage)
    assert isinstance(back["s"], tc.Size) and back["s"] == (2, 3)
    for m in (tc, torch):  # load_state_dict shares the state tensors, as PyTorch
        p = m.nn.Parameter(m.ones(2))
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9)
        p.grad = m.ones(2)
        opt.step()
        opt2 = m.optim.SGD([p], lr=0.1, momentum=0.9)
        opt2.load_state_dict(opt.state_dict())
        assert opt2.state[p]["momentum_buffer"] is opt.state[p]["momentum_buffer"]
