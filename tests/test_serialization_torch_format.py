"""tensorcore.save / tensorcore.load in PyTorch's zip checkpoint format: the
layout, storage sharing, weights_only allowlisting, map_location, mmap,
atomic saves, and that corrupt or crafted files raise pickle.UnpicklingError
(never run code, never load wrong values). The parts marked `torch` compare
with PyTorch and read each other's files."""
import collections
import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn, optim
from tensorcore import serialization
from tensorcore._zip_archive import ZipWriter

SRC = os.path.dirname(os.path.dirname(os.path.abspath(tc.__file__)))  # where this tensorcore is imported from (src/ or site-packages)


def dumps(obj, **kwargs):
    buf = io.BytesIO()
    tc.save(obj, buf, **kwargs)
    return buf.getvalue()


def loads(raw, **kwargs):
    return tc.load(io.BytesIO(raw), **kwargs)


def records(raw):
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def rezip(recs, force_zip64=False):
    """A checkpoint with the given records (name -> bytes), written the way
    tensorcore writes them: for crafting inputs."""
    buf = io.BytesIO()
    zw = ZipWriter(buf, force_zip64)
    for name, data in recs.items():
        zw.write_record(name, data)
    zw.finish()
    return buf.getvalue()


def with_pickle(pkl, storages=None, extra=None):
    recs = {"archive/data.pkl": pkl, "archive/byteorder": b"little"}
    for key, data in (storages or {}).items():
        recs[f"archive/data/{key}"] = data
    recs.update(extra or {})
    recs["archive/version"] = b"3\n"
    return rezip(recs)


def small_checkpoint():
    tc.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(m.parameters(), lr=0.01)
    for _ in range(2):
        opt.zero_grad()
        m(tc.randn(5, 3)).pow(2).sum().backward()
        opt.step()
    base = tc.arange(12.0)
    return {"model": m.state_dict(), "optim": opt.state_dict(), "epoch": 2, "views": [base, base[2:8].view(2, 3).t()],
            "mask": tc.tensor([True, False, True]), "idx": tc.arange(4, dtype=tc.int32)}


def assert_same(a, b):
    """Deep equality of loaded checkpoints: values, dtypes, shapes, strides, types."""
    assert type(a) is type(b)
    if isinstance(a, tc.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.stride() == b.stride()
        assert a.storage_offset() == b.storage_offset() and a.requires_grad == b.requires_grad
        assert np.array_equal(a.detach().numpy(), b.detach().numpy(), equal_nan=True)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b


# ------------------------------------------------------------------ the layout
def test_zip_layout_is_pytorchs():
    raw = dumps({"w": tc.ones(3, 5), "b": tc.zeros(7, dtype=tc.int64)})
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert z.testzip() is None  # every CRC is right
        names = z.namelist()
        assert names[0] == "archive/data.pkl"
        assert {"archive/byteorder", "archive/version", "archive/data/0", "archive/data/1"} <= set(names)
        assert z.read("archive/byteorder") == sys.byteorder.encode() and z.read("archive/version") == b"3\n"
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            # the data of every record starts 64-byte aligned (so it can be mmapped in place)
            name_len, extra_len = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0
        assert np.frombuffer(z.read("archive/data/0"), "<f4").tolist() == [1.0] * 15
        assert np.frombuffer(z.read("archive/data/1"), "<i8").tolist() == [0] * 7
        # the pickle names PyTorch's objects, never tensorcore's
        pkl = z.read("archive/data.pkl")
        assert pkl[:2] == b"\x80\x02" and b"torch._utils\n_rebuild_tensor_v2\n" in pkl
        assert b"torch\nFloatStorage\n" in pkl and b"torch\nLongStorage\n" in pkl and b"tensorcore" not in pkl


def test_zip64_structures_are_read_back(tmp_path):
    """Files over 4 GiB need zip64 records; written here for a small file."""
    raw = rezip(records(dumps(small_checkpoint())), force_zip64=True)
    assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw
    assert_same(loads(raw), loads(dumps(small_checkpoint())))
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert z.testzip() is None and z.read("archive/version") == b"3\n"
    (tmp_path / "z64.pt").write_bytes(raw)
    assert_same(tc.load(tmp_path / "z64.pt", mmap=True), loads(raw))


def test_round_trip_keeps_values_types_and_strides():
    obj = small_checkpoint()
    obj.update({"size": tc.Size([2, 3]), "dtype": tc.float64, "device": tc.device("cpu"), "bytes": b"\x00\xff",
                "set": {1, 2}, "complex": 1 - 2j, "big": -2 ** 80, "nan": float("nan"), "none": None,
                "counter": collections.Counter("aab"), "empty": tc.zeros(0, 3), "scalar": tc.tensor(2.5)})
    out = loads(dumps(obj))
    assert_same(out["model"], obj["model"]) and isinstance(out["model"], collections.OrderedDict)
    assert out["optim"]["param_groups"] == obj["optim"]["param_groups"]
    assert_same(out["optim"]["state"], obj["optim"]["state"])
    assert_same(out["views"], obj["views"]) and out["views"][1].stride() == (1, 3)
    assert out["size"] == (2, 3) and isinstance(out["size"], tc.Size) and out["dtype"] is tc.float64
    assert out["device"] == tc.device("cpu") and out["bytes"] == b"\x00\xff" and out["set"] == {1, 2}
    assert out["complex"] == 1 - 2j and out["big"] == -2 ** 80 and out["nan"] != out["nan"] and out["none"] is None
    assert out["counter"] == collections.Counter("aab") and out["empty"].shape == (0, 3)
    assert out["scalar"].item() == 2.5 and out["scalar"].dim() == 0
    assert out["mask"].dtype == tc.bool and out["idx"].dtype == tc.int32


def test_views_share_memory_after_load():
    base = tc.arange(10.0)
    views = {"base": base, "tail": base[4:], "grid": base[1:7].view(2, 3), "t": base[1:7].view(2, 3).t()}
    raw = dumps(views)
    assert len(records(raw)) == 1 + 5  # data.pkl, one storage, byteorder, version and two markers
    out = loads(raw)
    assert len({t._storage_ptr() for t in out.values()}) == 1
    assert out["tail"].storage_offset() == 4 and out["t"].stride() == (1, 3) and out["t"].storage_offset() == 1
    out["base"][5] = -1.0  # one storage: a write through one tensor shows in the others
    assert out["tail"][1].item() == -1.0 and out["grid"][1, 1].item() == -1.0 and out["t"][1, 1].item() == -1.0
    # the same tensor object twice stays one object; a Parameter keeps its type and sharing
    p = nn.Parameter(tc.ones(3))
    out = loads(dumps({"p": p, "again": p, "data": p.data}))
    assert out["p"] is out["again"] and isinstance(out["p"], nn.Parameter) and out["p"].requires_grad
    assert out["p"]._storage_ptr() == out["data"]._storage_ptr() and not out["data"].requires_grad


def test_tensor_attributes_and_requires_grad_round_trip():
    t = tc.ones(2, requires_grad=True)
    p = nn.Parameter(tc.zeros(2), requires_grad=False)
    t.note = "hello"
    p.tag = 7
    out = loads(dumps({"t": t, "p": p, "nonleaf": t * 2}))
    assert out["t"].note == "hello" and out["t"].requires_grad and out["t"].is_leaf
    assert out["p"].tag == 7 and isinstance(out["p"], nn.Parameter) and not out["p"].requires_grad
    assert out["nonleaf"].requires_grad and out["nonleaf"].is_leaf and out["nonleaf"].tolist() == [2.0, 2.0]


class TaggedTensor(tc.Tensor):
    pass


def test_tensor_subclasses_round_trip():
    base = tc.arange(4.0)
    sub = TaggedTensor(base[1:])
    sub.tag = "x"
    raw = dumps({"base": base, "sub": sub})
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL test_serialization_torch_format.TaggedTensor"):
        loads(raw)
    with serialization.safe_globals([TaggedTensor]):
        allowlisted = loads(raw)
    for out in (loads(raw, weights_only=False), allowlisted):
        assert type(out["sub"]) is TaggedTensor and out["sub"].tag == "x" and out["sub"].tolist() == [1.0, 2.0, 3.0]
        assert out["sub"]._storage_ptr() == out["base"]._storage_ptr() and out["sub"].storage_offset() == 1


# ------------------------------------------------------------------ weights_only
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x).relu()


def test_weights_only_refuses_unlisted_globals_and_allowlisting_loads_them():
    tc.manual_seed(0)
    net = Net()
    raw = dumps(net)
    with pytest.raises(pickle.UnpicklingError, match=r"(?s)Weights only load failed.*GLOBAL "
                       r"test_serialization_torch_format.Net was not an allowed global by default.*"
                       r"tensorcore.serialization.add_safe_globals"):
        loads(raw)
    assert serialization.get_safe_globals() == []
    with serialization.safe_globals([Net]):
        assert serialization.get_safe_globals() == [Net]
        with pytest.raises(pickle.UnpicklingError, match="GLOBAL tensorcore.nn.modules.linear.Linear was not"):
            loads(raw)
        with serialization.safe_globals([nn.Linear]):
            back = loads(raw)
        assert serialization.get_safe_globals() == [Net]
    assert serialization.get_safe_globals() == []
    assert type(back) is Net and isinstance(back.fc.weight, nn.Parameter)
    x = tc.randn(4, 3)
    assert back(x).tolist() == net(x).tolist()
    # add_safe_globals persists until cleared; (obj, name) pairs allow renamed globals
    serialization.add_safe_globals([Net, nn.Linear, (set, "builtins.set")])
    try:
        assert type(loads(raw)) is Net
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    # weights_only=False loads anything (it may run code: for trusted files only)
    assert type(loads(raw, weights_only=False)) is Net
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        loads(raw, pickle_module=pickle, weights_only=True)
    assert type(loads(raw, pickle_module=pickle)) is Net  # an explicit pickle_module defaults to weights_only=False
    with pytest.raises(TypeError):
        serialization.add_safe_globals(Net)
    with pytest.raises(ValueError, match="tuple of length 2"):
        serialization.add_safe_globals([(Net,)])


class _Evil:
    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


@pytest.mark.parametrize("payload", ["os.system", "eval", "exec", "posix.system", "subprocess.call", "__reduce__"])
def test_malicious_pickles_never_run_code(tmp_path, payload):
    marker = tmp_path / "pwned"
    cmd = f"touch {marker}"
    if payload == "__reduce__":
        pkl = pickle.dumps({"x": _Evil(cmd)}, protocol=2)
    else:
        module, name = payload.rsplit(".", 1) if "." in payload else ("builtins", payload)
        arg = f"__import__('os').system({cmd!r})" if name in ("eval", "exec") else cmd
        if name == "call":
            arg = ["touch", str(marker)]
        pkl = b"\x80\x02c" + f"{module}\n{name}\n".encode() + pickle.dumps(arg, protocol=2)[2:-1] + b"\x85R."
    raw = with_pickle(pkl)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        loads(raw)
    # even when the user allowlists the blocked module's functions
    if payload == "posix.system":
        with serialization.safe_globals([os.system]):
            with pytest.raises(pickle.UnpicklingError, match="blocked"):
                loads(raw)
    assert not marker.exists()


def test_weights_only_rejects_calls_on_non_allowlisted_objects():
    # REDUCE of an allowlisted *value* that is not callable-safe, BUILD on a plain dict, NEWOBJ of a tensor
    bad = [
        b"\x80\x02}(X\x01\x00\x00\x00aK\x01u}b.",  # BUILD on a dict
        b"\x80\x02ctorch\nTensor\n)\x81.",  # NEWOBJ of a Tensor (uninitialised object)
        b"\x80\x02K\x01]\x85R.",  # REDUCE on an int
        b"\x80\x02X\x03\x00\x00\x00foo\x85Q.",  # persistent id that is not a storage
        b"\x80\x02X\x03\x00\x00\x00fooQ.",  # persistent id that is not a tuple
        b"\x80\x02ctorch\nTensor\n\x8a\x05\x00\x00\x00\x00\x01\x85R.",  # torch.Tensor(2**32): a 16 GB allocation
        b"\x80\x02c_codecs\nencode\nC\x01xX\x04\x00\x00\x00zlib\x86R.",  # a codec other than pickle's
    ]
    for pkl in bad:
        with pytest.raises(pickle.UnpicklingError):
            loads(with_pickle(pkl))


# ------------------------------------------------------------------ corrupt and crafted files
def test_flipped_data_byte_is_caught_by_crc():
    raw = bytearray(dumps({"w": tc.arange(64.0)}))
    start = raw.index(np.arange(64, dtype=np.float32).tobytes())
    raw[start + 100] ^= 0x01
    with pytest.raises(pickle.UnpicklingError, match="CRC-32 mismatch in record 'archive/data/0'"):
        loads(bytes(raw))
    raw = bytearray(dumps({"w": tc.arange(64.0)}))
    raw[raw.index(b"3\n", raw.index(b"archive/version"))] ^= 0x02  # the version record's data: "3\n" -> "1\n"
    with pytest.raises(pickle.UnpicklingError, match="CRC-32 mismatch in record 'archive/version'"):
        loads(bytes(raw))


def _loads_or_unpickling_error(raw, reference, **kwargs):
    try:
        out = loads(raw, **kwargs)
    except pickle.UnpicklingError:
        return "error"
    assert_same(out, reference)  # a change the format does not cover (padding, ignored fields) changes nothing
    return "same"


def _fuzz_flips_and_truncations(raw):
    reference = loads(raw)
    rng = np.random.default_rng(0)
    outcomes = collections.Counter()
    positions = sorted(set(rng.integers(0, len(raw), 300).tolist()) | set(range(0, 64)) |
                       set(range(len(raw) - 120, len(raw))))
    for pos in positions:
        for mask in (0x01, 0xFF):
            bad = bytearray(raw)
            bad[pos] ^= mask
            outcomes[_loads_or_unpickling_error(bytes(bad), reference)] += 1
    for cut in sorted(set(rng.integers(0, len(raw), 200).tolist()) | {0, 1, 3, 4, 21, 22, len(raw) - 1}):
        with pytest.raises(pickle.UnpicklingError):
            loads(raw[:cut])
    assert outcomes["error"] > 0 and outcomes["same"] > 0  # both kinds of position were hit


@pytest.mark.slow
def test_fuzz_byte_flips_and_truncations_never_load_wrong_values():
    _fuzz_flips_and_truncations(dumps(small_checkpoint()))


@pytest.mark.slow
def test_fuzz_pytorch_written_checkpoint(torch):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    opt = torch.optim.Adam(m.parameters())
    m(torch.randn(5, 3)).sum().backward()
    opt.step()
    base = torch.arange(12.0)
    buf = io.BytesIO()
    torch.save({"model": m.state_dict(), "optim": opt.state_dict(), "views": [base, base[2:8].view(2, 3).t()]}, buf)
    _fuzz_flips_and_truncations(buf.getvalue())


def test_fuzz_mutated_pickles_raise_unpickling_error():
    pkl = records(dumps(small_checkpoint()))["archive/data.pkl"]
    storages = {k.rsplit("/", 1)[1]: v for k, v in records(dumps(small_checkpoint())).items() if "/data/" in k}
    rng = np.random.default_rng(1)
    for _ in range(300):
        bad = bytearray(pkl)
        for pos in rng.integers(0, len(bad), rng.integers(1, 4)):
            bad[pos] = rng.integers(0, 256)
        try:
            loads(with_pickle(bytes(bad), storages))
        except pickle.UnpicklingError:
            pass  # anything else (ValueError, KeyError, RecursionError, MemoryError) fails the test


def _tensor_pickle(numel, offset=0, size=(2,), stride=(1,), key="0", storage="FloatStorage"):
    """data.pkl of one tensor, as torch.save writes it, with every field under our control."""
    def value(v):  # the opcodes that push `v` (a pickle without its PROTO header and STOP)
        return pickle.dumps(v, protocol=2)[2:-1]
    storage_id = (b"(" + value("storage") + b"ctorch\n" + storage.encode() + b"\n" + value(key) + value("cpu")
                  + value(numel) + b"t")
    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(" + storage_id + b"Q" + value(offset)
            + value(tuple(size)) + value(tuple(stride)) + b"\x89ccollections\nOrderedDict\n)RtR.")


def test_crafted_tensor_records_are_validated():
    data = {"0": np.arange(4, dtype=np.float32).tobytes()}
    ok = loads(with_pickle(_tensor_pickle(4, offset=1, size=(3,), stride=(1,)), data))
    assert ok.tolist() == [1.0, 2.0, 3.0]
    cases = [
        (_tensor_pickle(2 ** 61), "should hold"),  # element count x itemsize vs the record size (no huge alloc)
        (_tensor_pickle(5), "should hold"),
        (_tensor_pickle(4, size=(5,)), "reach element 4"),
        (_tensor_pickle(4, size=(2, 2), stride=(2 ** 62, 1)), "reach element"),
        (_tensor_pickle(4, offset=-1), "negative"),
        (_tensor_pickle(4, size=(-1,)), "negative"),
        (_tensor_pickle(4, stride=(-1,)), "negative"),
        (_tensor_pickle(4, size=(2, 2)), "2 sizes and 1 strides"),
        (_tensor_pickle(4, size=(1,) * 100, stride=(1,) * 100), "100 sizes"),
        (_tensor_pickle(4, key="9"), "missing storage record"),
        (_tensor_pickle(4, offset=7, size=(0,)), "past the end"),
        (_tensor_pickle(4, storage="ComplexFloatStorage"), "should hold 4 elements of complex64 \\(32 bytes\\)"),
        (_tensor_pickle(4, storage="QInt8Storage"), "dtype torch.qint8"),
        (_tensor_pickle(4, storage="HalfStorage"), "should hold 4 elements of float16 \\(8 bytes\\)"),
    ]
    for pkl, pattern in cases:
        with pytest.raises(pickle.UnpicklingError, match=pattern):
            loads(with_pickle(pkl, data))
    with pytest.raises(pickle.UnpicklingError, match="bytes other than 0 and 1"):
        loads(with_pickle(_tensor_pickle(4, storage="BoolStorage"), {"0": b"\x00\x01\x02\x00"}))


def test_crafted_pickles_with_bombs_raise_unpickling_error():
    deep = b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."  # 100k nested lists
    deep_marks = b"\x80\x02" + b"(" * 100_000 + b"."
    cases = [deep, deep_marks,
             b"\x80\x02c_codecs\nencode\n\x00",  # truncated
             b"\x80\x02cbuiltins\nbytearray\nJ\x00\x00\x00\x7f\x85R.",  # bytearray(2 GiB)
             b"\x80\x02X\xff\xff\xff\x7fabc.",  # a string longer than the data
             b"\x80\x02h\x05.",  # memo miss
             b"\x80\x02a.",  # stack underflow
             b"\x80\x02ccollections\nOrderedDict\nK\x01\x85R.",  # bad argument to an allowlisted callable
             b"\x80\x02\xff.", b"", b"\x80\x02N"]
    for pkl in cases:
        with pytest.raises(pickle.UnpicklingError):
            loads(with_pickle(pkl))


def test_crafted_zip_structures_raise_unpickling_error():
    raw = dumps({"w": tc.ones(4)})
    with pytest.raises(pickle.UnpicklingError, match="no end-of-central-directory"):
        loads(raw[:-22] + b"\x00" * 22)
    recs = records(raw)
    del recs["archive/data.pkl"]
    with pytest.raises(pickle.UnpicklingError, match="no 'archive/data.pkl'"):
        loads(rezip(recs))
    recs = records(raw)
    recs["archive/byteorder"] = b"middle"
    with pytest.raises(pickle.UnpicklingError, match="byte order"):
        loads(rezip(recs))
    # a compressed record is refused
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in records(raw).items():
            z.writestr(k, v)
    with pytest.raises(pickle.UnpicklingError, match="compressed"):
        loads(buf.getvalue())
    with pytest.raises(EOFError, match="legacy"):  # PyTorch: EOFError
        loads(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2))  # the legacy format's magic number, then nothing


def test_big_endian_files_are_byteswapped():
    recs = records(dumps({"w": tc.arange(3.0), "i": tc.tensor([1, -2])}))
    recs["archive/byteorder"] = b"big"
    for k in recs:
        if k.endswith("data/0"):
            recs[k] = np.arange(3.0, dtype=">f4").tobytes()
        elif k.endswith("data/1"):
            recs[k] = np.array([1, -2], dtype=">i8").tobytes()
    out = loads(rezip(recs))
    assert out["w"].tolist() == [0.0, 1.0, 2.0] and out["i"].tolist() == [1, -2]


# ------------------------------------------------------------------ map_location, mmap
def _cuda_checkpoint():
    recs = records(dumps({"w": tc.arange(3.0)}))
    recs["archive/data.pkl"] = recs["archive/data.pkl"].replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    return rezip(recs)


@pytest.mark.skipif(tc.cuda.is_available(), reason="checks the CPU-only error")
def test_map_location():
    raw = _cuda_checkpoint()
    with pytest.raises(RuntimeError, match="CUDA device but tensorcore.cuda.is_available.. is False"):
        loads(raw)
    for loc in ("cpu", b"cpu", tc.device("cpu"), {"cuda:0": "cpu"}, {"cuda:0": tc.device("cpu")},
                lambda storage, location: storage):
        assert loads(raw, map_location=loc)["w"].tolist() == [0.0, 1.0, 2.0]
    moved = loads(raw, map_location=lambda s, loc: tc.cat([tc.zeros(1), s])[1:])  # a storage at an offset
    assert moved["w"].tolist() == [0.0, 1.0, 2.0]
    seen = []
    loads(raw, map_location=lambda s, loc: seen.append((s.shape, loc)) or s)
    assert seen == [((3,), "cuda:0")]
    with pytest.raises(RuntimeError, match="CUDA device"):  # None from the callable: the default placement
        loads(raw, map_location=lambda s, loc: None)
    with pytest.raises(RuntimeError, match="don't know how to restore"):
        loads(raw, map_location="mps")
    with pytest.raises(RuntimeError, match="map_location returned"):
        loads(raw, map_location=lambda s, loc: s[:1])


def test_mmap_loads_in_place_and_copy_on_write(tmp_path):
    path = tmp_path / "ckpt.pt"
    obj = small_checkpoint()
    tc.save(obj, path)
    before = path.read_bytes()
    out = tc.load(path, mmap=True)
    assert_same(out, loads(before))
    out["views"][0][0] = 100.0  # private mapping: the tensor changes, the file does not
    assert out["views"][1][0, 0].item() == 2.0 and out["views"][0][0].item() == 100.0
    assert path.read_bytes() == before
    with pytest.raises(ValueError, match="file path"):
        tc.load(io.BytesIO(before), mmap=True)
    bad = bytearray(before)
    bad[bad.index(np.arange(12, dtype=np.float32).tobytes()) + 5] ^= 1
    path.write_bytes(bytes(bad))
    with pytest.raises(pickle.UnpicklingError, match="CRC-32"):
        tc.load(path, mmap=True)
    tc.save({"w": tc.ones(2)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        tc.load(path, mmap=True)


# ------------------------------------------------------------------ atomic saves
def test_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    tc.save({"w": tc.ones(3)}, path)
    os.chmod(path, 0o640)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        tc.save({"f": lambda x: x}, path)
    assert loads(path.read_bytes())["w"].tolist() == [1.0, 1.0, 1.0]
    tc.save({"w": tc.zeros(3)}, path)
    assert tc.load(path)["w"].tolist() == [0.0, 0.0, 0.0]
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o640)  # permissions kept
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # no temporary file left
    link = tmp_path / "link.pt"
    link.symlink_to(path)
    tc.save({"w": tc.full((3,), 2.0)}, link)  # saving through a symlink replaces its target
    assert link.is_symlink() and tc.load(path)["w"].tolist() == [2.0, 2.0, 2.0]


@pytest.mark.slow
def test_sigkill_during_save_keeps_the_old_checkpoint(tmp_path):
    path = tmp_path / "ckpt.pt"
    tc.save({"w": tc.arange(5.0)}, path)
    script = textwrap.dedent(f"""
        import sys, tensorcore as tc
        big = tc.ones(64 * 1024 * 1024)  # 256 MB
        print("ready", flush=True)
        for _ in range(100):
            tc.save({{"w": big}}, {str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            env=dict(os.environ, PYTHONPATH=SRC))
    try:
        assert proc.stdout.readline().strip() == b"ready"
        deadline = time.time() + 60
        while time.time() < deadline:  # kill once a temporary file is being written
            tmps = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
            if tmps and os.path.getsize(tmp_path / tmps[0]) > (16 << 20):
                break
            time.sleep(0.005)
        else:
            pytest.fail("the save never started")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert tc.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]  # the old checkpoint, intact


_PEAK_SCRIPT = """
import resource, sys, tensorcore as tc
path, mmap = sys.argv[1], sys.argv[2] == "1"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sd = tc.load(path, mmap=mmap)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024)
"""


def peak_load_bytes(path, mmap=False):
    out = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, str(path), "1" if mmap else "0"], check=True,
                         capture_output=True, env=dict(os.environ, PYTHONPATH=SRC)).stdout
    return int(out)


@pytest.mark.slow
def test_load_peaks_at_about_the_file_size(tmp_path):
    path = tmp_path / "big.pt"
    tc.save({f"w{i}": tc.ones(1024, 1024) for i in range(16)}, path)  # 64 MiB
    size = os.path.getsize(path)
    assert peak_load_bytes(path) < 1.3 * size
    assert peak_load_bytes(path, mmap=True) < 1.3 * size


# ------------------------------------------------------------------ PyTorch reads ours, we read PyTorch's
def build_digits_mlp(nn_module):  # the architecture of examples/train_digits.py
    return nn_module.Sequential(
        nn_module.Linear(64, 256), nn_module.ReLU(), nn_module.Dropout(0.1),
        nn_module.Linear(256, 128), nn_module.ReLU(), nn_module.Dropout(0.1),
        nn_module.Linear(128, 10))


def test_pytorch_checkpoint_of_the_digits_mlp_loads_into_tensorcore(torch, tmp_path):
    torch.manual_seed(0)
    tm = build_digits_mlp(torch.nn)
    topt = torch.optim.Adam(tm.parameters(), lr=1e-3)
    x = np.random.default_rng(0).standard_normal((32, 64)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, 32)
    for _ in range(3):
        topt.zero_grad()
        torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        topt.step()
    path = tmp_path / "torch.pt"
    torch.save({"model": tm.state_dict(), "optim": topt.state_dict(), "epoch": 3}, path)
    ckpt = tc.load(path)  # weights_only=True
    m = build_digits_mlp(nn)
    m.load_state_dict(ckpt["model"])
    for (name, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert np.array_equal(p.detach().numpy(), tp.detach().numpy()), name  # bit-identical weights
    tm.eval(), m.eval()
    ours, theirs = m(tc.tensor(x)).detach().numpy(), tm(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)  # GEMMs sum in different orders
    assert np.array_equal(ours.argmax(1), theirs.argmax(1))
    opt = optim.Adam(m.parameters(), lr=1e-3)
    opt.load_state_dict(ckpt["optim"])
    assert opt.state_dict()["param_groups"][0]["lr"] == 1e-3 and ckpt["epoch"] == 3
    for i, st in topt.state_dict()["state"].items():
        for k, v in st.items():
            assert np.array_equal(opt.state_dict()["state"][i][k].numpy(), v.numpy())
    # a whole pickled PyTorch module loads as the same tensorcore module (weights_only=False only)
    torch.save(tm, path)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.container.Sequential"):
        tc.load(path)
    whole = tc.load(path, weights_only=False)
    assert type(whole) is nn.Sequential and isinstance(whole[0], nn.Linear)
    np.testing.assert_allclose(whole(tc.tensor(x)).detach().numpy(), theirs, rtol=1e-5, atol=1e-6)
    # or with weights_only=True, allowlisting tensorcore's classes for PyTorch's names
    assert serialization.get_unsafe_globals_in_checkpoint(path) == [
        "torch.nn.modules.activation.ReLU", "torch.nn.modules.container.Sequential",
        "torch.nn.modules.dropout.Dropout", "torch.nn.modules.linear.Linear"]
    with serialization.safe_globals([nn.Sequential, nn.Linear, nn.ReLU, nn.Dropout]):
        whole = tc.load(path)
    assert type(whole) is nn.Sequential and type(whole[6]) is nn.Linear
    np.testing.assert_allclose(whole(tc.tensor(x)).detach().numpy(), theirs, rtol=1e-5, atol=1e-6)


def test_tensorcore_checkpoint_loads_in_pytorch_weights_only(torch, tmp_path):
    tc.manual_seed(0)
    m = build_digits_mlp(nn)
    opt = optim.Adam(m.parameters(), lr=1e-3)
    x = np.random.default_rng(0).standard_normal((32, 64)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, 32)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.cross_entropy(m(tc.tensor(x)), tc.tensor(y)).backward()
        opt.step()
    path = tmp_path / "tc.pt"
    tc.save({"model": m.state_dict(), "optim": opt.state_dict(), "epoch": 3, "size": tc.Size([2]),
             "dtype": tc.int64, "device": tc.device("cpu")}, path)
    ckpt = torch.load(path, weights_only=True)
    mapped = torch.load(path, weights_only=True, mmap=True)  # our records are aligned for PyTorch's mmap too
    assert all(torch.equal(mapped["model"][k], v) for k, v in ckpt["model"].items())
    assert ckpt["epoch"] == 3 and ckpt["size"] == torch.Size([2]) and ckpt["dtype"] is torch.int64
    assert ckpt["device"] == torch.device("cpu")
    tm = build_digits_mlp(torch.nn)
    tm.load_state_dict(ckpt["model"])
    topt = torch.optim.Adam(tm.parameters(), lr=1e-3)
    topt.load_state_dict(ckpt["optim"])
    for i, st in opt.state_dict()["state"].items():
        for k, v in st.items():
            assert np.array_equal(topt.state_dict()["state"][i][k].numpy(), v.numpy()), (i, k)
    tm.eval(), m.eval()
    ours, theirs = m(tc.tensor(x)).detach().numpy(), tm(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    # both continue training from the restored state to the same parameters
    tm.train(), m.train()
    tm[2].p = m[2].p = tm[5].p = m[5].p = 0.0
    for _ in range(2):
        opt.zero_grad(), topt.zero_grad()
        nn.functional.cross_entropy(m(tc.tensor(x)), tc.tensor(y)).backward()
        torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        opt.step(), topt.step()
    for p, tp in zip(m.parameters(), tm.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-4, atol=1e-6)


def test_storage_sharing_survives_both_directions(torch):
    base = tc.arange(12.0)
    raw = dumps({"base": base, "view": base[2:8].view(2, 3).t(), "p": nn.Parameter(tc.ones(2))})
    theirs = torch.load(io.BytesIO(raw), weights_only=True)
    assert theirs["view"].untyped_storage().data_ptr() == theirs["base"].untyped_storage().data_ptr()
    zip64 = torch.load(io.BytesIO(rezip(records(raw), force_zip64=True)), weights_only=True)
    assert torch.equal(zip64["view"], theirs["view"])
    assert theirs["view"].stride() == (1, 3) and theirs["view"].storage_offset() == 2
    assert isinstance(theirs["p"], torch.nn.Parameter) and theirs["p"].requires_grad
    buf = io.BytesIO()
    tb = torch.arange(12.0)
    torch.save({"base": tb, "view": tb[2:8].view(2, 3).t(), "i": torch.arange(3, dtype=torch.int32),
                "b": torch.tensor([True, False]), "d": torch.ones(2, dtype=torch.float64)}, buf)
    ours = loads(buf.getvalue())
    assert ours["view"]._storage_ptr() == ours["base"]._storage_ptr()
    assert ours["view"].tolist() == tb[2:8].view(2, 3).t().tolist() and ours["view"].stride() == (1, 3)
    assert ours["i"].dtype == tc.int32 and ours["b"].dtype == tc.bool and ours["d"].dtype == tc.float64


def test_pytorch_checkpoints_with_storage_dtypes_load(torch):
    for dt in ("float16", "bfloat16", "uint8", "int8", "int16"):
        buf = io.BytesIO()
        w = torch.arange(-3, 3).to(getattr(torch, dt)).reshape(2, 3)
        torch.save({"w": w, "t": w.t()}, buf)
        ours = loads(buf.getvalue())
        assert ours["w"].dtype is getattr(tc, dt) and ours["w"].tolist() == w.tolist()
        assert ours["t"].stride() == (1, 3) and ours["t"]._storage_ptr() == ours["w"]._storage_ptr()
        back = io.BytesIO()
        tc.save(ours, back)
        theirs = torch.load(io.BytesIO(back.getvalue()))
        assert theirs["w"].dtype == w.dtype and torch.equal(theirs["w"], w) and torch.equal(theirs["t"], w.t())


def test_pytorch_checkpoints_with_unsupported_dtypes_name_the_dtype(torch):
    # (complex64/complex128 load since issue 10; these dtypes tensorcore does not have.)
    for dt in (torch.uint16, torch.float8_e4m3fn):
        buf = io.BytesIO()
        torch.save({"w": torch.ones(2, dtype=dt)}, buf)
        with pytest.raises(pickle.UnpicklingError, match="which tensorcore does not support"):
            loads(buf.getvalue())


def test_weights_only_errors_match_pytorch(torch):
    raw = dumps(Net())
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(raw)) == sorted(
        torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(raw)))
    with pytest.raises(pickle.UnpicklingError) as ours:
        loads(raw)
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(io.BytesIO(raw), weights_only=True)
    for text in ("Weights only load failed", "GLOBAL test_serialization_torch_format.Net was not an allowed global "
                 "by default", "add_safe_globals([test_serialization_torch_format.Net])"):
        assert text in str(ours.value) and text in str(theirs.value)


def test_get_unsafe_globals_in_checkpoint(tmp_path):
    path = tmp_path / "net.pt"
    tc.save(Net(), path)
    unsafe = serialization.get_unsafe_globals_in_checkpoint(path)
    assert unsafe == ["tensorcore.nn.modules.linear.Linear", "test_serialization_torch_format.Net"]
    with serialization.safe_globals([Net]):
        assert serialization.get_unsafe_globals_in_checkpoint(str(path)) == ["tensorcore.nn.modules.linear.Linear"]
    assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(dumps(small_checkpoint()))) == []
    with pytest.raises(ValueError, match="Expected input to be a checkpoint"):
        serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"not a zip"))


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_other_pickle_protocols_round_trip(protocol):
    """As PyTorch's weights-only unpickler (Note [PyTorch's weights-only opcodes]): protocol 3 loads with a
    warning, protocols 4 and 5 (FRAME opcodes) are refused; weights_only=False loads them all."""
    obj = small_checkpoint()
    raw = dumps(obj, pickle_protocol=protocol)
    assert_same(loads(raw, weights_only=False), loads(dumps(obj)))
    if protocol == 2:
        assert_same(loads(raw), loads(dumps(obj)))
    elif protocol == 3:
        with pytest.warns(UserWarning, match="Detected pickle protocol 3"):
            assert_same(loads(raw), loads(dumps(obj)))
    else:
        with pytest.warns(UserWarning, match=f"Detected pickle protocol {protocol}"):
            with pytest.raises(pickle.UnpicklingError, match="Unsupported operand 149"):
                loads(raw)


class _ReadSeekOnly:
    """A minimal file object: read/seek/tell, no readinto."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)
        self.read, self.seek, self.tell = self._buf.read, self._buf.seek, self._buf.tell


class _Stream(io.RawIOBase):
    """A non-seekable stream, like a pipe."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        return self._buf.readinto(b)


def test_minimal_and_non_seekable_file_objects():
    obj = small_checkpoint()
    raw = dumps(obj)
    assert_same(tc.load(_ReadSeekOnly(raw)), loads(raw))
    assert_same(tc.load(io.BufferedReader(_Stream(raw))), loads(raw))
    prefixed = io.BytesIO(b"header bytes" + raw)  # a checkpoint that starts at the current position
    prefixed.seek(12)
    assert_same(tc.load(prefixed), loads(raw))
    with pytest.raises(TypeError, match="binary mode"):
        tc.load(io.StringIO("text"))
