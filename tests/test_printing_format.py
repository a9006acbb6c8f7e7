"""Compare tensorcore's printing module against torch's repr, element for element.

The module is loaded straight from its file so these tests run even before the
compiled tensorcore package has been built.
"""

import contextlib
import importlib.util
import pathlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_PATH = (pathlib.Path(__file__).resolve().parents[1]
         / "src" / "tensorcore" / "_tensor_str.py")
_spec = importlib.util.spec_from_file_location("_tensor_str", _PATH)
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)


_torch_add_suffixes = torch._tensor_str._add_suffixes


def _renamed_add_suffixes(tensor_str, suffixes, indent, force_newline):
    # torch measures and wraps its own suffixes ("dtype=torch.float64"), then
    # the module name is renamed: tensorcore breaks its lines where PyTorch
    # does although "tensorcore." is 5 characters longer (Note [Suffix wrapping
    # measured as PyTorch prints it] in _tensor_str.py).
    text = _torch_add_suffixes(tensor_str, suffixes, indent, force_newline)
    return text.replace("torch.", "tensorcore.")


@pytest.fixture(autouse=True)
def _rename_torch_dtypes(monkeypatch):
    monkeypatch.setattr(torch._tensor_str, "_add_suffixes", _renamed_add_suffixes)


@pytest.fixture(autouse=True)
def _restore_options():
    # Every test starts and ends with default options on both sides.
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")


@contextlib.contextmanager
def both_options(**kwargs):
    with torch._tensor_str.printoptions(**kwargs), ts.printoptions(**kwargs):
        yield


def ours(t, **kwargs):
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    default = str(torch.get_default_dtype()).replace("torch.", "")
    return ts.format_tensor(
        t.detach().numpy(), str(t.dtype).replace("torch.", ""),
        shape=tuple(t.shape), default_dtype_name=default,
        requires_grad=t.requires_grad, grad_fn_name=grad_fn, **kwargs)


def check(t):
    expected = repr(t)
    got = ours(t)
    assert got == expected, "\n%s\n---- vs torch ----\n%s" % (got, expected)


def _rng(seed=0):
    return np.random.default_rng(seed)


nan, inf = float("nan"), float("inf")

LITERALS = [
    [1.0, 2.0, 3.0], [0.5], [1.5, -2.25, 3.125], [[1.0, 2.0], [3.0, 4.0]],
    [1e-5], [1e10], [1e-5, 1.0], [1.0, 1000.0], [1.0, 1001.0], [1e8], [1.1e8],
    [1e-4], [0.99e-4, 1.0], [123456789.0], [0.1, 0.2, 0.3], [1 / 3, 2 / 3],
    [nan], [inf], [-inf], [nan, inf, -inf], [0.0, nan], [1.0, nan],
    [1.5, nan, inf], [1e-5, inf], [1e20, -inf, nan], [0.0], [-0.0],
    [-0.0, 1.0], [-0.0, 0.5], [-0.0, 1e-7], [0.0, 0.0], [-1.0, -2.0],
    [-1e-8, 1e8], [3.14159265358979, -2.718281828], [12345.678, 0.001],
    [99999.5, 0.5], [0.00005, 0.00015], [9.99995], [0.99995],
    [-123.456, 7.0], [1e300, 1e-300], [5e-324, 1.0], [2.5, 3.5, -0.5],
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("data", LITERALS, ids=range(len(LITERALS)))
def test_float_literals(data, dtype):
    check(torch.tensor(data, dtype=dtype))


@pytest.mark.parametrize("value", [0.0, -0.0, 3.0, 36.0, 0.5, 1e-5, 1e10, nan,
                                   inf, -inf, -2.5, 123456789.0, 1e-30])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_zero_dim_floats(value, dtype):
    check(torch.tensor(value, dtype=dtype))


@pytest.mark.parametrize("value,dtype", [
    (v, d) for d in (torch.int32, torch.int64)
    for v in (0, 3, -7, 2 ** 31 - 1, -(2 ** 31))
] + [(2 ** 40, torch.int64), (-(2 ** 63), torch.int64)])
def test_zero_dim_ints(value, dtype):
    check(torch.tensor(value, dtype=dtype))


@pytest.mark.parametrize("value", [True, False])
def test_zero_dim_bool(value):
    check(torch.tensor(value))


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64])
@pytest.mark.parametrize("data", [[1, 2], [-1, 10, -100], [[1, 2], [3, 40]],
                                  [0], [2 ** 31 - 1, -(2 ** 31)]])
def test_int_literals(data, dtype):
    check(torch.tensor(data, dtype=dtype))


@pytest.mark.parametrize("data", [[True, False], [True], [False, False],
                                  [[True], [False]]])
def test_bool_literals(data):
    check(torch.tensor(data))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int32,
                                   torch.int64, torch.bool])
def test_empty(shape, dtype):
    check(torch.zeros(shape, dtype=dtype))


def test_empty_examples_from_brief():
    assert ours(torch.tensor([])) == "tensor([])"
    assert ours(torch.tensor([], dtype=torch.int64)) == \
        "tensor([], dtype=tensorcore.int64)"
    assert ours(torch.zeros(0, 3)) == "tensor([], size=(0, 3))"


def _random_tensor(rng, shape, kind):
    if kind == "normal":
        a = rng.standard_normal(shape)
    elif kind == "tiny":
        a = rng.standard_normal(shape) * 1e-5
    elif kind == "huge":
        a = rng.standard_normal(shape) * 1e10
    elif kind == "mixed":
        a = rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 9, shape)
    elif kind == "ints_as_float":
        a = rng.integers(-1000, 1000, shape).astype(np.float64)
    elif kind == "special":
        a = rng.standard_normal(shape)
        flat = a.reshape(-1)
        picks = rng.integers(0, flat.size, max(1, flat.size // 5))
        flat[picks] = rng.choice([nan, inf, -inf, 0.0, -0.0], picks.size)
    else:
        raise AssertionError(kind)
    return a


SHAPES = [(5,), (2, 3), (4, 1, 3), (2, 3, 2, 2), (1,), (7, 11), (30,),
          (1001,), (2000,), (40, 30), (1001, 2), (2, 1001), (11, 11, 11),
          (7, 8, 9, 3)]
KINDS = ["normal", "tiny", "huge", "mixed", "ints_as_float", "special"]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_random_floats(shape, kind, dtype):
    rng = _rng(hash((shape, kind)) % 2 ** 32)
    check(torch.from_numpy(_random_tensor(rng, shape, kind)).to(dtype))


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64, torch.bool])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_random_ints_and_bools(shape, dtype):
    rng = _rng(len(shape) * 1000 + shape[0])
    if dtype == torch.bool:
        a = rng.integers(0, 2, shape).astype(bool)
    else:
        a = rng.integers(-10 ** 6, 10 ** 6, shape)
    check(torch.from_numpy(a).to(dtype))


def test_huge_tensors_are_summarised():
    check(torch.arange(10 ** 6, dtype=torch.float32))
    check(torch.arange(10 ** 6).reshape(1000, 1000))
    check(torch.randn(100, 100, 100))
    assert "..." in ours(torch.arange(1001))


def test_summary_formats_only_shown_elements():
    # A large value outside the shown edges must not affect the format.
    a = np.ones((4000, 4000), dtype=np.float32)
    a[2000, 2000] = 1e12
    t = torch.from_numpy(a)
    got = ours(t)
    assert got == repr(t)
    assert "e+" not in got


@pytest.mark.parametrize("width", [1, 3, 9])
@pytest.mark.parametrize("n", [10, 25, 26, 27, 60, 200])
def test_wide_rows_wrap(width, n):
    t = torch.arange(n) * (10 ** (width - 1))
    check(t)
    check(t.float() + 0.5)
    check(t.reshape(1, n))
    check(t.reshape(1, 1, n).double())


def test_autograd_suffixes():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    check(x)
    check(x.sum() * 3.6)
    y = (x * 2).sum()
    check(y)
    assert ours(torch.tensor(36.0, requires_grad=True).sum()) == \
        "tensor(36., grad_fn=<SumBackward0>)"
    check(x * 2)
    check(x.double())
    check(torch.arange(5000.0, requires_grad=True))
    check((torch.arange(5000.0, requires_grad=True) * 2).reshape(50, 100))
    check(torch.randn(30, requires_grad=True))
    check(torch.randn(7, requires_grad=True).exp())
    check(torch.tensor(2.5, dtype=torch.float64, requires_grad=True))
    check(torch.randn(0, 3, dtype=torch.float64, requires_grad=True))


def test_suffix_wrapping_near_linewidth():
    # Lengths chosen around the point where the suffix moves to a new line.
    for n in range(1, 14):
        for dtype in (torch.float32, torch.float64, torch.int32):
            t = torch.arange(n, dtype=dtype)
            check(t)
            if dtype != torch.int32:
                check(t.clone().requires_grad_())
                check(t.clone().requires_grad_() * 1.5)


def test_device_suffix():
    a = np.array([1.0, 2.0], dtype=np.float32)
    assert ts.format_tensor(a, "float32", shape=(2,), device="cuda:0") == \
        "tensor([1., 2.], device='cuda:0')"
    # torch never prints the default (cpu) device.
    assert ts.format_tensor(a, "float32", shape=(2,), device="cpu") == \
        "tensor([1., 2.])"
    assert ts.format_tensor(np.zeros(0, np.int64), "int64", shape=(0, 2),
                            device="cuda:0") == \
        "tensor([], device='cuda:0', size=(0, 2), dtype=tensorcore.int64)"


@pytest.mark.parametrize("n", range(1, 14))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_device_suffix_wrapping(n, dtype):
    # No CUDA here, so rebuild torch's repr with a device suffix by feeding
    # the cpu contents through torch's own suffix logic (device comes first).
    t = torch.arange(n, dtype=dtype, requires_grad=True)
    body = "tensor(" + torch._tensor_str._tensor_str(t.detach(), 7)
    suffixes = ["device='cuda:1'"]
    if dtype == torch.float64:
        suffixes.append("dtype=torch.float64")
    suffixes.append("requires_grad=True")
    expected = _torch_add_suffixes(body, suffixes, 7, False).replace("torch.", "tensorcore.")
    assert ts.format_tensor(t.detach().numpy(), str(t.dtype)[6:], shape=(n,),
                            device="cuda:1", requires_grad=True) == expected


def test_custom_prefix_and_flat_values():
    a = np.arange(6, dtype=np.int64)
    assert ts.format_tensor(a, "int64", shape=(2, 3), prefix="Parameter(") == \
        "Parameter([[0, 1, 2],\n           [3, 4, 5]])"


def test_values_cast_to_dtype():
    # float64 data for a float32 tensor is shown as float32 would be.
    t = torch.tensor([0.1, 1 / 3])
    assert ts.format_tensor(np.array([0.1, 1 / 3]), "float32", shape=(2,)) == \
        repr(t)


@pytest.mark.parametrize("default", [torch.float64, torch.float32])
def test_default_dtype(default):
    old = torch.get_default_dtype()
    torch.set_default_dtype(default)
    try:
        for dtype in (torch.float32, torch.float64, torch.int32):
            check(torch.tensor([1.5, 2.0]).to(dtype))
            check(torch.zeros(0, dtype=dtype))
            check(torch.zeros(2, 0, dtype=dtype))
    finally:
        torch.set_default_dtype(old)


OPTION_CASES = [
    dict(precision=2), dict(precision=0), dict(precision=8),
    dict(threshold=5), dict(threshold=0), dict(threshold=10 ** 9),
    dict(edgeitems=1), dict(edgeitems=0), dict(edgeitems=5),
    dict(threshold=5, edgeitems=0), dict(threshold=10, edgeitems=2),
    dict(linewidth=20), dict(linewidth=1), dict(linewidth=200),
    dict(sci_mode=True), dict(sci_mode=False),
    dict(sci_mode=True, precision=2), dict(sci_mode=False, precision=10),
    dict(profile="short"), dict(profile="full"), dict(profile="default"),
    dict(profile="short", precision=6), dict(profile="full", linewidth=40),
]

OPTION_TENSORS = [
    lambda: torch.tensor([1.0, 2.0, 3.0]),
    lambda: torch.tensor([0.0, 0.0]),
    lambda: torch.tensor([nan, -0.0, 1.5e-7, 2.0]),
    lambda: torch.tensor(3.25),
    lambda: torch.tensor(7),
    lambda: torch.tensor([True, False] * 6),
    lambda: torch.arange(10),
    lambda: torch.arange(24.0).reshape(2, 3, 4) / 7,
    lambda: torch.arange(2000.0).reshape(40, 50) * 1e5,
    lambda: torch.randn(3, 40, generator=torch.Generator().manual_seed(1)),
    lambda: torch.randn(1200, generator=torch.Generator().manual_seed(2)),
    lambda: torch.arange(60, dtype=torch.int32).reshape(3, 4, 5),
    lambda: torch.tensor([1e-5, 1e5], dtype=torch.float64),
    lambda: torch.zeros(0, 4),
    lambda: torch.arange(30.0, requires_grad=True) * 2,
]


@pytest.mark.parametrize("tensor", OPTION_TENSORS, ids=range(len(OPTION_TENSORS)))
@pytest.mark.parametrize("options", OPTION_CASES, ids=str)
def test_print_options(options, tensor):
    t = tensor()
    with both_options(**options):
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        check(t)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_set_printoptions_semantics():
    calls = [
        dict(precision=2, sci_mode=True), dict(threshold=5),
        dict(profile="full"), dict(profile="short", edgeitems=4),
        dict(profile="bogus"), dict(linewidth=120), dict(profile="default"),
    ]
    for kwargs in calls:
        torch.set_printoptions(**kwargs)
        ts.set_printoptions(**kwargs)
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        check(torch.arange(20.0) / 3)


def test_printoptions_context_restores_on_error():
    before = ts.get_printoptions()
    with pytest.raises(RuntimeError):
        with ts.printoptions(precision=1, sci_mode=True):
            assert ts.PRINT_OPTS.precision == 1
            raise RuntimeError
    assert ts.get_printoptions() == before


float_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=7),
    elements=dict(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=400, deadline=None)
@given(float_arrays)
def test_hypothesis_float_arrays(a):
    check(torch.from_numpy(a.copy()))


@settings(max_examples=200, deadline=None)
@given(
    a=hnp.arrays(
        dtype=np.float64,
        shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=15),
        elements=st.floats(-1e12, 1e12, allow_subnormal=False),
    ),
    precision=st.integers(0, 10),
    threshold=st.integers(0, 50),
    edgeitems=st.integers(0, 4),
    linewidth=st.integers(1, 120),
    sci_mode=st.sampled_from([None, True, False]),
    as_int=st.booleans(),
)
def test_hypothesis_with_options(a, precision, threshold, edgeitems,
                                 linewidth, sci_mode, as_int):
    t = torch.from_numpy(a)
    if as_int:
        t = t.to(torch.int64)
    with both_options(precision=precision, threshold=threshold,
                      edgeitems=edgeitems, linewidth=linewidth,
                      sci_mode=sci_mode):
        check(t)


@settings(max_examples=100, deadline=None)
@given(
    a=hnp.arrays(dtype=np.float32, shape=st.integers(1001, 3000),
                 elements=dict(allow_nan=True, allow_infinity=True)),
    rows=st.sampled_from([1, 3]),
)
def test_hypothesis_summarised(a, rows):
    n = a.size - a.size % rows
    check(torch.from_numpy(a[:n].reshape(rows, -1).copy()))
