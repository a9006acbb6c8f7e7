"""tensorcore.device and the device of tensors, compared with PyTorch (the CPU
build installed as the oracle): construction, repr/str, equality, hashing,
pickling, the errors for bad device strings, `device=` on every factory, and
the errors a CPU-only build raises for cuda and other devices."""
import copy
import pickle

import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def outcome(f):
    """('ok', repr-ish value) or (exception type name, message)."""
    try:
        v = f()
    except BaseException as e:  # noqa: BLE001 - we compare whatever is raised
        return type(e).__name__, str(e)
    return "ok", v


DEVICE_ARGS = [
    (("cpu",), {}), (("cuda:1",), {}), (("cuda", 0), {}), ((), {"type": "cpu"}), (("cpu",), {"index": 0}),
    (("cpu:0",), {}), (("cpu", 1), {}), (("meta",), {}), (("mps",), {}), (("xla:0",), {}), (("hip",), {}),
    (("privateuseone:2",), {}), ((), {"type": "cuda", "index": 1}), (("cuda", None), {}), ((b"cpu",), {}),
    (("cuda:127",), {}), ((), {"device": "cpu"}),
]


@pytest.mark.parametrize("args,kwargs", DEVICE_ARGS)
def test_device_construction_matches_torch(args, kwargs):
    d, want = tc.device(*args, **kwargs), torch.device(*args, **kwargs)
    assert (repr(d), str(d), d.type, d.index, hash(d)) == (repr(want), str(want), want.type, want.index, hash(want))
    assert tc.device(d) == d and tc.device(str(d)) == d


BAD_STRINGS = ["foo", "CPU", "cuda_x", "cuda:x", "cuda:-1", "cuda:01", "cuda: 1", "", " cpu", "cuda:1:2", "cuda:1 ",
               "cuda:", ":0", "cuda:1x", "a b", "cuda:99999999999999999999"]


@pytest.mark.parametrize("s", BAD_STRINGS)
def test_bad_device_strings_raise_torchs_error(s):
    got, want = outcome(lambda: tc.device(s)), outcome(lambda: torch.device(s))
    assert want[0] == "RuntimeError" and got == want


@pytest.mark.parametrize("args,kwargs", [
    (("cuda", -1), {}), ((-1,), {}), ((1,), {}), (("cuda:1", 2), {}), (("cuda:1", None), {}),
    (("cuda:1",), {"index": 1}), (("cuda", "a"), {}), (("cpu", 1.0), {}), (("cuda", True), {}),
])
def test_bad_device_arguments_raise_torchs_error(args, kwargs):
    got, want = outcome(lambda: tc.device(*args, **kwargs)), outcome(lambda: torch.device(*args, **kwargs))
    assert got == (want[0], want[1].replace("torch.device", "torch.device"))


@pytest.mark.parametrize("args,kwargs", [((True,), {}), ((1.0,), {}), ((None,), {}), ((), {}), ((), {"index": 1}),
                                          ((tc.device("cpu"), 1), {})])
def test_invalid_combinations_are_type_errors(args, kwargs):
    targs = tuple(torch.device(str(a)) if isinstance(a, tc.device) else a for a in args)
    got, want = outcome(lambda: tc.device(*args, **kwargs)), outcome(lambda: torch.device(*targs, **kwargs))
    assert want[0] == got[0] == "TypeError"
    assert got[1].split(" but expected")[0].split(",")[0] == want[1].split(" but expected")[0].split(",")[0]


def test_device_equality_and_hash_match_torch():
    pairs = [("cpu", "cpu"), ("cuda", "cuda:0"), ("cuda:0", "cuda:0"), ("cpu", "cpu:0"), ("cuda:1", "meta")]
    for a, b in pairs:
        assert (tc.device(a) == tc.device(b)) == (torch.device(a) == torch.device(b))
        assert (tc.device(a) != tc.device(b)) == (torch.device(a) != torch.device(b))
    # As torch: a device never equals a string or a number, in either order.
    for other in ("cpu", "cuda", 0, None, 1.5):
        for lib in (tc, torch):
            d = lib.device("cpu") if other != 0 else lib.device("cuda:0")
            assert (d == other, other == d, d != other) == (False, False, True)
    assert len({tc.device("cpu"), tc.device("cpu"), tc.device("cuda:0"), tc.device("cuda")}) == 3
    with pytest.raises(TypeError):
        tc.device("cpu") < tc.device("cpu")  # noqa: B015


@pytest.mark.parametrize("s", ["cpu", "cuda:1", "cuda", "meta", "cpu:0"])
def test_device_pickles_like_torch(s):
    d = tc.device(s)
    assert pickle.loads(pickle.dumps(d)) == d
    assert copy.deepcopy(d) == d and copy.copy(d) == d
    assert d.__reduce__()[1] == torch.device(s).__reduce__()[1]
    assert type(d).__module__ == "tensorcore" and type(d).__name__ == "device"


def test_device_in_a_torch_format_checkpoint(tmp_path):
    # tensorcore.save writes torch.device; torch reads it back and the reverse.
    path = tmp_path / "ckpt.pt"
    tc.save({"d": tc.device("cuda:1"), "c": tc.device("cpu"), "t": tc.ones(2)}, path)
    got = torch.load(path, weights_only=True)
    assert got["d"] == torch.device("cuda:1") and got["c"] == torch.device("cpu")
    torch.save({"d": torch.device("cuda", 0), "m": torch.device("meta")}, path)
    back = tc.load(path)
    assert back["d"] == tc.device("cuda:0") and back["m"] == tc.device("meta")
    assert isinstance(back["d"], tc.device)


def test_tensor_device_properties_match_torch():
    for a, b in ((tc.ones(2, 3), torch.ones(2, 3)), (tc.tensor(1.5), torch.tensor(1.5))):
        assert a.device == tc.device("cpu") and repr(a.device) == repr(b.device)
        assert (a.is_cpu, a.is_cuda, a.is_meta, a.get_device()) == (b.is_cpu, b.is_cuda, b.is_meta, b.get_device())
    t = tc.ones(2, 3)
    assert t.device is t[0].device  # one cached object per device
    assert t.t().device == t.device and t.detach().device == t.device  # views share the storage's device
    p = tc.nn.Parameter(tc.zeros(2))
    assert p.device == tc.device("cpu") and p.is_cpu
    with pytest.raises(AttributeError):
        t.device = tc.device("cpu")


FACTORIES = [
    ("tensor", lambda m, d: m.tensor([1.0, 2.0], device=d)),
    ("as_tensor", lambda m, d: m.as_tensor([1, 2], device=d)),
    ("zeros", lambda m, d: m.zeros(2, 3, device=d)),
    ("ones", lambda m, d: m.ones(2, device=d)),
    ("empty", lambda m, d: m.empty(2, device=d)),
    ("full", lambda m, d: m.full((2,), 3.0, device=d)),
    ("zeros_like", lambda m, d: m.zeros_like(m.ones(2), device=d)),
    ("ones_like", lambda m, d: m.ones_like(m.ones(2), device=d)),
    ("empty_like", lambda m, d: m.empty_like(m.ones(2), device=d)),
    ("full_like", lambda m, d: m.full_like(m.ones(2), 7, device=d)),
    ("rand_like", lambda m, d: m.rand_like(m.ones(2), device=d)),
    ("randn_like", lambda m, d: m.randn_like(m.ones(2), device=d)),
    ("randint_like", lambda m, d: m.randint_like(m.ones(2), 5, device=d)),
    ("arange", lambda m, d: m.arange(4, device=d)),
    ("linspace", lambda m, d: m.linspace(0, 1, 5, device=d)),
    ("logspace", lambda m, d: m.logspace(0, 1, 5, device=d)),
    ("eye", lambda m, d: m.eye(3, device=d)),
    ("rand", lambda m, d: m.rand(2, device=d)),
    ("randn", lambda m, d: m.randn(2, device=d)),
    ("randint", lambda m, d: m.randint(0, 5, (3,), device=d)),
    ("randperm", lambda m, d: m.randperm(4, device=d)),
    ("normal", lambda m, d: m.normal(0.0, 1.0, (2,), device=d)),
    ("new_zeros", lambda m, d: m.ones(2).new_zeros(3, device=d)),
    ("new_ones", lambda m, d: m.ones(2).new_ones(3, device=d)),
    ("new_empty", lambda m, d: m.ones(2).new_empty(3, device=d)),
    ("new_full", lambda m, d: m.ones(2).new_full((3,), 2.0, device=d)),
    ("new_tensor", lambda m, d: m.ones(2).new_tensor([1.0], device=d)),
]


@pytest.mark.parametrize("name,make", FACTORIES, ids=[f[0] for f in FACTORIES])
def test_factories_accept_cpu_devices(name, make):
    for d in (None, "cpu", "cpu:0", tc.device("cpu"), tc.device("cpu", 1)):
        td = torch.device(str(d)) if isinstance(d, tc.device) else d
        t, want = make(tc, d), make(torch, td)
        assert t.device == tc.device("cpu") and repr(t.device) == repr(want.device), (name, d)
        assert list(t.shape) == list(want.shape) and str(t.dtype).split(".")[1] == str(want.dtype).split(".")[1]


@pytest.mark.parametrize("name,make", FACTORIES, ids=[f[0] for f in FACTORIES])
@pytest.mark.parametrize("dev", ["cuda", "cuda:1", torch.device("cuda", 0), 0, -1, "foo", "cuda:x"])
def test_factories_raise_torchs_errors_for_unavailable_devices(name, make, dev):
    tdev = dev
    dev = tc.device(str(dev)) if isinstance(dev, torch.device) else dev
    got, want = outcome(lambda: make(tc, dev)), outcome(lambda: make(torch, tdev))
    assert want[0] != "ok" and got == want, name


@pytest.mark.parametrize("name,make", FACTORIES, ids=[f[0] for f in FACTORIES])
@pytest.mark.parametrize("bad", [1.5, True, [0]])
def test_factories_reject_non_devices(name, make, bad):
    got, want = outcome(lambda: make(tc, bad)), outcome(lambda: make(torch, bad))
    assert got[0] == want[0] == "TypeError", name
    assert "argument 'device'" in got[1]


@pytest.mark.parametrize("dev", ["mps", "xla", "vulkan", "ipu", "meta"])
def test_devices_without_a_backend_raise_not_implemented(dev):
    # PyTorch's CPU build raises NotImplementedError ("Could not run
    # 'aten::empty.memory_format' with arguments from the 'MPS' backend") for
    # these, and makes meta tensors; tensorcore has neither, and says which
    # device it lacks.
    for f in (lambda: tc.ones(2, device=dev), lambda: tc.zeros(2).to(dev), lambda: tc.tensor([1.0], device=dev)):
        with pytest.raises(NotImplementedError, match=f"'{dev}'"):
            f()


def test_xpu_raises_torchs_assertion():
    got, want = outcome(lambda: tc.ones(2, device="xpu")), outcome(lambda: torch.ones(2, device="xpu"))
    assert got == want == ("AssertionError", "Torch not compiled with XPU enabled")


@pytest.mark.parametrize("call", [
    lambda m, t: t.cuda(), lambda m, t: t.cuda(0), lambda m, t: t.cuda("cuda:1"), lambda m, t: t.cuda("cpu"),
    lambda m, t: t.cuda(device="cpu:0"), lambda m, t: t.to("cuda"), lambda m, t: t.to("cuda:1", m.float64),
    lambda m, t: t.to(device="cuda", dtype=m.float64), lambda m, t: t.to(0), lambda m, t: t.to(device=0),
    lambda m, t: t.to("foo"), lambda m, t: t.to(m.device("cuda")),
    lambda m, t: m.nn.Linear(2, 2).cuda(), lambda m, t: m.nn.Linear(2, 2).to("cuda"),
    lambda m, t: m.nn.Linear(2, 2).to("cuda", m.float64),
])
def test_cuda_requests_raise_what_a_cpu_torch_raises(call):
    got, want = outcome(lambda: call(tc, tc.zeros(2))), outcome(lambda: call(torch, torch.zeros(2)))
    assert want[0] != "ok" and got == want


def test_to_cpu_keeps_working():
    t = tc.arange(4.0)
    for arg in ("cpu", "cpu:0", "cpu:1", tc.device("cpu"), tc.device("cpu", 3)):
        assert t.to(arg) is t and t.to(device=arg) is t
    assert t.cpu() is t and t.to("cpu", copy=True) is not t
    d = t.to("cpu", tc.float64)
    assert d.dtype == tc.float64 and d.device == tc.device("cpu")
    assert t.to(device="cpu", dtype=tc.int64).dtype == tc.int64
    other = tc.zeros(1, dtype=tc.float64)
    assert t.to(other).dtype == tc.float64 and t.to(other).device == other.device
    # Modules without tensors move anywhere (nothing to move), as in PyTorch.
    for lib in (tc, torch):
        relu = lib.nn.ReLU()
        assert relu.to("cuda") is relu and relu.cuda() is relu
    lin = tc.nn.Linear(2, 2)
    assert lin.to("cpu") is lin and lin.cpu() is lin and lin.to(tc.device("cpu"), tc.float64) is lin
    assert lin.weight.dtype == tc.float64 and lin.weight.device == tc.device("cpu")


def test_generator_device():
    assert tc.Generator().device == tc.device("cpu") == tc.Generator("cpu").device
    assert repr(tc.Generator().device) == repr(torch.Generator().device)


# ---- the default device (Note [Default device], core/device.h) ----

DEFAULT_DEVICE_FACTORIES = [f for f in FACTORIES if not f[0].endswith("_like") and not f[0].startswith("new_")]


@pytest.fixture
def restore_default_device():
    yield
    tc.set_default_device(None)
    torch.set_default_device(None)


@pytest.mark.parametrize("name,make", DEFAULT_DEVICE_FACTORIES, ids=[f[0] for f in DEFAULT_DEVICE_FACTORIES])
def test_factories_follow_a_cuda_device_block_as_torch(name, make):
    # A CPU build raises at the first factory inside the block, not on entering it.
    def run(m):
        with m.device("cuda"):
            return make(m, None)
    got, want = outcome(lambda: run(tc)), outcome(lambda: run(torch))
    if want[0] == "ok":  # torch.normal(float, float, size) does not follow the block: a CPU tensor
        assert got[0] == "ok" and str(got[1].device) == str(want[1].device), name
    else:
        assert got == want, name
    assert make(tc, None).device == tc.device("cpu")  # the block restored the CPU


@pytest.mark.parametrize("name,make", FACTORIES, ids=[f[0] for f in FACTORIES])
def test_cpu_device_block_and_explicit_devices(name, make):
    with tc.device("cpu"):
        assert make(tc, None).device == tc.device("cpu")


@pytest.mark.parametrize("name,make", DEFAULT_DEVICE_FACTORIES, ids=[f[0] for f in DEFAULT_DEVICE_FACTORIES])
def test_an_explicit_device_wins_over_the_block(name, make):
    with tc.device("cuda"):
        assert make(tc, "cpu").device == tc.device("cpu")


def test_like_and_new_factories_keep_their_input_device_inside_a_block():
    x = tc.ones(2)
    with tc.device("cuda"):
        for t in (tc.zeros_like(x), tc.rand_like(x), tc.full_like(x, 2.0), x.new_zeros(3), x.new_tensor([1.0]),
                  x + 1, x.clone()):
            assert t.device == tc.device("cpu")


def test_set_default_device_matches_torch(restore_default_device):
    assert tc.get_default_device() == tc.device("cpu")
    for lib in (tc, torch):
        lib.set_default_device("cuda")  # accepted: the error comes at allocation, as in PyTorch
    for f in (lambda m: m.ones(2), lambda m: m.tensor([1.0]), lambda m: m.get_default_device(),
              lambda m: m.randn(3)):
        got, want = outcome(lambda: f(tc)), outcome(lambda: f(torch))
        assert want[0] == "AssertionError" and got == want
    tc.set_default_device("cuda:1")
    assert tc.get_default_device() == tc.device("cuda", 1)
    tc.set_default_device(None)
    assert tc.ones(1).device == tc.device("cpu") and tc.get_default_device() == tc.device("cpu")
    with pytest.raises(TypeError, match="argument 'device'"):
        tc.set_default_device(1.5)


def test_device_blocks_nest_and_restore_on_errors(restore_default_device):
    with tc.device("cpu"):
        with pytest.raises(AssertionError):
            with tc.device("cuda"):
                with tc.device("cpu"):
                    assert tc.zeros(1).device == tc.device("cpu")
                tc.zeros(1)  # the inner block restored cuda: raises
        assert tc.zeros(1).device == tc.device("cpu") and tc.get_default_device() == tc.device("cpu")
    tc.set_default_device("cuda")
    with tc.device("cpu"):
        assert tc.arange(3).device == tc.device("cpu")
    with pytest.raises(AssertionError):
        tc.arange(3)  # the block restored set_default_device's device


def test_default_device_is_per_thread(restore_default_device):
    import threading
    tc.set_default_device("cuda")
    seen = []
    th = threading.Thread(target=lambda: seen.append(tc.zeros(1).device))
    th.start()
    th.join()
    assert seen == [tc.device("cpu")]
