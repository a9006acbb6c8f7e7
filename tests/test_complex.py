"""complex64 / complex128 against PyTorch: creation, promotion, printing,
interop, the elementwise kernels with complex forms, the composite ops (abs,
angle, real/imag, conj, polar, complex, sum, mean, matmul) and their gradients
(PyTorch's conjugate Wirtinger convention), plus the errors for ops PyTorch
does not define on complex numbers."""

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import _safetensors_format

torch = pytest.importorskip("torch")

CDTYPES = ["complex64", "complex128"]
TOL = {"complex64": dict(rtol=2e-5, atol=2e-6), "complex128": dict(rtol=1e-12, atol=1e-13)}

VALUES = [[1.0 + 2.0j, -3.5 + 0.25j, 0.5 - 1.5j], [2.0 - 0.5j, -0.75 - 2.0j, 1.25 + 0.0j]]


def pair(values=VALUES, dtype="complex64", requires_grad=False):
    a = tc.tensor(values, dtype=getattr(tc, dtype), requires_grad=requires_grad)
    b = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=requires_grad)
    return a, b


def close(ours, theirs, dtype="complex128"):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), **TOL.get(dtype, TOL["complex64"]))


# ---- dtypes, creation, promotion ----

def test_dtype_objects_and_aliases():
    assert tc.cfloat is tc.complex64 and tc.cdouble is tc.complex128
    assert tc.complex64.is_complex and not tc.complex64.is_floating_point and tc.complex64.is_signed
    assert tc.complex64.itemsize == 8 and tc.complex128.itemsize == 16
    assert tc.complex64.to_real() is tc.float32 and tc.complex128.to_real() is tc.float64
    assert tc.float64.to_complex() is tc.complex128 and tc.float32.to_complex() is tc.complex64
    assert repr(tc.cfloat) == "tensorcore.complex64"


@pytest.mark.parametrize("data", [[1 + 2j, 3], 2j, [[1.5, 2j], [0, -1j]], [True, 1j]])
def test_tensor_infers_the_default_complex_dtype(data):
    ours, theirs = tc.tensor(data), torch.tensor(data)
    close(ours, theirs, "complex64")


def test_default_complex_follows_the_default_float_dtype():
    tc.set_default_dtype(tc.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert tc.tensor([1j]).dtype is tc.complex128
        assert (tc.ones(2) * 1j).dtype is tc.complex128
        assert tc.full((2,), 1 + 1j).dtype is tc.complex128
    finally:
        tc.set_default_dtype(tc.float32)
        torch.set_default_dtype(torch.float32)


NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
         "complex64", "complex128"]


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_promote_types_with_complex(a, b):
    ours = tc.promote_types(getattr(tc, a), getattr(tc, b))
    theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert ours.name == str(theirs).split(".")[-1]


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_can_cast_with_complex(a, b):
    for x, y in ((a, b), (b, a)):
        assert tc.can_cast(getattr(tc, x), getattr(tc, y)) == torch.can_cast(getattr(torch, x), getattr(torch, y))


@pytest.mark.parametrize("dtype", ["bool", "int64", "int32", "uint8", "float32", "float64"])
@pytest.mark.parametrize("scalar", [1j, 2 + 0.5j])
def test_python_complex_scalar_promotion(dtype, scalar):
    ours = tc.ones(3, dtype=getattr(tc, dtype)) * scalar
    theirs = torch.ones(3, dtype=getattr(torch, dtype)) * scalar
    close(ours, theirs, "complex64")


@pytest.mark.parametrize("a, b", [("float64", "complex64"), ("complex64", "complex128"), ("int64", "complex64"),
                                  ("float32", "complex128")])
def test_tensor_tensor_promotion(a, b):
    x = [[1.0, 2.0], [3.0, -1.0]]
    ours = tc.tensor(x, dtype=getattr(tc, a)) + tc.tensor([1 + 1j, 2 - 1j], dtype=getattr(tc, b))
    theirs = torch.tensor(x, dtype=getattr(torch, a)) + torch.tensor([1 + 1j, 2 - 1j], dtype=getattr(torch, b))
    close(ours, theirs, "complex64")


def test_zero_dim_complex_with_float_tensor():
    ours = tc.ones(2, dtype=tc.float64) + tc.tensor(1j)
    theirs = torch.ones(2, dtype=torch.float64) + torch.tensor(1j)
    close(ours, theirs)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_factories(dtype):
    for ours, theirs in ((tc.zeros(2, 3, dtype=getattr(tc, dtype)), torch.zeros(2, 3, dtype=getattr(torch, dtype))),
                         (tc.ones(4, dtype=getattr(tc, dtype)), torch.ones(4, dtype=getattr(torch, dtype))),
                         (tc.full((2,), 1.5 - 2j, dtype=getattr(tc, dtype)),
                          torch.full((2,), 1.5 - 2j, dtype=getattr(torch, dtype)))):
        close(ours, theirs, dtype)


def test_complex_value_into_a_real_dtype_raises_like_torch():
    with pytest.raises(RuntimeError):
        torch.full((2,), 1 + 2j, dtype=torch.float32)
    with pytest.raises(RuntimeError, match="without overflow"):
        tc.full((2,), 1 + 2j, dtype=tc.float32)


@pytest.mark.parametrize("target", ["float32", "float64", "int64", "int32", "bool", "uint8", "float16"])
def test_conversion_to_real_keeps_the_real_part(target):
    a, b = pair([[1.7 + 2.0j, -3.5 + 0.25j, 0.0 + 1.0j]])
    ours, theirs = a.to(getattr(tc, target)), b.to(getattr(torch, target))
    assert ours.dtype.name == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("source", ["float32", "float64", "int64", "bool", "uint8", "float16", "bfloat16"])
def test_conversion_from_real(source):
    ours = tc.tensor([1, 0, 3], dtype=getattr(tc, source)).to(tc.complex64)
    theirs = torch.tensor([1, 0, 3], dtype=getattr(torch, source)).to(torch.complex64)
    close(ours, theirs, "complex64")
    assert tc.tensor([1.0, 2.0]).cdouble().dtype is tc.complex128
    assert tc.tensor([1.0, 2.0]).cfloat().dtype is tc.complex64


# ---- interop ----

@pytest.mark.parametrize("dtype", CDTYPES)
def test_numpy_roundtrip_and_item(dtype):
    arr = np.array(VALUES, dtype=dtype)
    t = tc.from_numpy(arr)
    assert t.dtype.name == dtype
    np.testing.assert_array_equal(t.numpy(), arr)
    assert t.numpy().dtype == arr.dtype
    assert t[0, 1].item() == complex(arr[0, 1])
    assert isinstance(t[0, 1].item(), complex)
    assert t.tolist() == torch.from_numpy(arr).tolist()
    assert tc.tensor(arr).dtype.name == dtype


def test_numpy_complex_scalar_operand():
    # A numpy complex scalar is a complex number (PyTorch 2.13 drops its imaginary part here, with numpy's
    # ComplexWarning; the Python complex is the reference).
    ours = tc.ones(2) * np.complex64(1 + 2j)
    theirs = torch.ones(2) * (1 + 2j)
    close(ours, theirs, "complex64")


@pytest.mark.parametrize("dtype", CDTYPES)
def test_dlpack_and_buffer(dtype):
    a, _ = pair(dtype=dtype)
    back = tc.from_dlpack(a)
    np.testing.assert_array_equal(back.numpy(), a.numpy())
    assert back.dtype == a.dtype
    via_torch = torch.from_dlpack(a)
    np.testing.assert_array_equal(via_torch.numpy(), a.numpy())
    mv = memoryview(np.asarray(a))
    assert mv.format == ("Zf" if dtype == "complex64" else "Zd")


# ---- printing ----

PRINT_CASES = [
    [1 + 2j, -3.5 + 0.25j],
    [0j, 0j],
    [[1e10 + 1j, 2]],
    [1 + 10.5j, 1 + 2.5j],
    [-1 - 1j, 2.5 - 0.5j, 3j],
    [float("nan") + 1j, float("inf") - 2j, 1 + float("nan") * 1j],
    [1e-5 + 1j, 1 + 1e-5j],
    [[0.1 + 0.2j] * 30],
    [[1 + 1j] * 3] * 400,
]


@pytest.mark.parametrize("data", PRINT_CASES, ids=range(len(PRINT_CASES)))
@pytest.mark.parametrize("dtype", CDTYPES)
def test_printing_matches_torch(data, dtype):
    ours = repr(tc.tensor(data, dtype=getattr(tc, dtype)))
    theirs = repr(torch.tensor(data, dtype=getattr(torch, dtype)))
    assert ours == theirs.replace("torch.", "tensorcore.")


def test_printing_scalar_grad_and_empty():
    for make in (lambda m: m.tensor(1.5 - 2j), lambda m: m.tensor(-0.0 + 0j), lambda m: m.zeros(0, dtype=m.cfloat),
                 lambda m: m.tensor([1 + 1j], requires_grad=True) * 2):
        assert repr(make(tc)) == repr(make(torch)).replace("torch.", "tensorcore.")


# ---- elementwise kernels ----

BINARY = ["add", "sub", "mul", "div", "pow", "eq", "ne", "logical_and", "logical_or", "logical_xor"]


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("dtype", CDTYPES)
def test_binary_ops(op, dtype):
    a, ta = pair(dtype=dtype)
    b, tb = pair([[0.5 - 1j, 2 + 0j, -1 + 1j], [1 + 1j, 0.25 + 0.5j, 1.25 + 0.0j]], dtype=dtype)
    close(getattr(tc, op)(a, b), getattr(torch, op)(ta, tb), dtype)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_operators_and_scalars(dtype):
    a, ta = pair(dtype=dtype)
    for f in (lambda x: x + 1, lambda x: 2 * x, lambda x: x / (1 + 1j), lambda x: (1 - 2j) - x, lambda x: -x,
              lambda x: x ** 2, lambda x: x ** 0.5, lambda x: 1 / x, lambda x: x * 1j, lambda x: x == (1 + 2j)):
        close(f(a), f(ta), dtype)


UNARY = ["neg", "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin",
         "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "reciprocal", "square", "isnan", "isinf", "isfinite",
         "logical_not"]


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("dtype", CDTYPES)
def test_unary_ops(op, dtype):
    a, ta = pair(dtype=dtype)
    close(getattr(tc, op)(a), getattr(torch, op)(ta), dtype)


def test_nonfinite_predicates():
    data = [complex(float("nan"), 0), complex(0, float("inf")), 1 + 1j]
    for op in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(tc, op)(tc.tensor(data)).numpy(),
                                      getattr(torch, op)(torch.tensor(data)).numpy())


def test_inplace_and_out():
    a, ta = pair()
    a.mul_(1 - 1j)
    ta.mul_(1 - 1j)
    close(a, ta, "complex64")
    out, tout = tc.empty(2, 3, dtype=tc.complex64), torch.empty(2, 3, dtype=torch.complex64)
    tc.exp(a, out=out)
    torch.exp(ta, out=tout)
    close(out, tout, "complex64")


def test_complex_result_into_real_inplace_raises():
    x, tx = tc.ones(3), torch.ones(3)
    with pytest.raises(RuntimeError):
        tx.mul_(1j)
    with pytest.raises(RuntimeError):
        x.mul_(1j)


UNSUPPORTED = [
    lambda m, z: z < 0, lambda m, z: z.clamp(0, 1), lambda m, z: z.max(), lambda m, z: m.relu(z),
    lambda m, z: z.floor(), lambda m, z: z % 2, lambda m, z: z.erf(), lambda m, z: m.atan2(z, z),
    lambda m, z: z.sign(), lambda m, z: z.round(), lambda m, z: z & z, lambda m, z: z.softmax(0),
    lambda m, z: m.maximum(z, z), lambda m, z: z.argmax(), lambda m, z: z.sort(),
]


@pytest.mark.parametrize("i", range(len(UNSUPPORTED)))
def test_ops_without_complex_forms_raise_like_torch(i):
    f = UNSUPPORTED[i]
    with pytest.raises(Exception) as theirs:
        f(torch, torch.tensor([1 + 2j, -1j]))
    with pytest.raises((RuntimeError, NotImplementedError, TypeError)) as ours:
        f(tc, tc.tensor([1 + 2j, -1j]))
    # Same category of failure: PyTorch's NotImplementedError stays one, its RuntimeError may be either.
    if theirs.type is NotImplementedError:
        assert ours.type is NotImplementedError, ours.value


# ---- composite ops ----

@pytest.mark.parametrize("dtype", CDTYPES)
def test_abs_angle_real_imag_conj(dtype):
    a, ta = pair(dtype=dtype)
    for f in (lambda m, x: x.abs(), lambda m, x: m.abs(x), lambda m, x: x.angle(), lambda m, x: x.real,
              lambda m, x: x.imag, lambda m, x: x.conj(), lambda m, x: m.conj_physical(x), lambda m, x: m.real(x),
              lambda m, x: m.view_as_real(x), lambda m, x: m.view_as_complex(m.view_as_real(x)),
              lambda m, x: x.resolve_conj()):
        ours, theirs = f(tc, a), f(torch, ta)
        assert ours.dtype.name == str(theirs.dtype).split(".")[-1]
        np.testing.assert_allclose(ours.numpy(), theirs.resolve_conj().numpy(), rtol=1e-6, atol=1e-7)


def test_real_imag_are_views():
    z = tc.tensor([1 + 2j, 3 - 4j])
    z.real.mul_(10)
    z.imag[1] = 7.0
    assert z.tolist() == [10 + 2j, 30 + 7j]
    z.real = tc.tensor([0.0, 1.0])
    assert z.tolist() == [0 + 2j, 1 + 7j]
    r = tc.view_as_real(z)
    r[0, 1] = -1.0
    assert z[0].item() == -1j


def test_real_and_imag_of_real_tensors():
    x, tx = tc.tensor([1.0, -2.0]), torch.tensor([1.0, -2.0])
    assert x.real.tolist() == tx.real.tolist()
    with pytest.raises(RuntimeError, match="imag is not implemented"):
        x.imag
    with pytest.raises(RuntimeError):
        tx.imag
    assert not tc.is_conj(x) and not x.is_conj() and not x.is_neg()
    np.testing.assert_array_equal(tc.angle(tc.tensor([-1.0, 0.0, 2.0, float("nan")])).numpy(),
                                  torch.angle(torch.tensor([-1.0, 0.0, 2.0, float("nan")])).numpy())


def test_view_as_complex_errors():
    with pytest.raises(RuntimeError, match="last dimension of size 2"):
        tc.view_as_complex(tc.ones(3, 3))
    with pytest.raises(RuntimeError, match="stride 1"):
        tc.view_as_complex(tc.ones(2, 4).t())
    with pytest.raises(RuntimeError, match="only supported for float and double"):
        tc.view_as_complex(tc.ones(3, 2, dtype=tc.int64))
    with pytest.raises(RuntimeError, match="only supported for complex"):
        tc.view_as_real(tc.ones(3))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_complex_and_polar(dtype):
    re = [[1.0, -2.0, 0.5]]
    im = [[0.5, 3.0, -1.0]]
    m = [1.0, 2.0, 0.5]
    th = [0.3, -1.2, 3.0]
    for f in (lambda t, a, b: t.complex(a, b), lambda t, a, b: t.polar(a.abs(), b)):
        ours = f(tc, tc.tensor(re, dtype=getattr(tc, dtype)), tc.tensor(im, dtype=getattr(tc, dtype)))
        theirs = f(torch, torch.tensor(re, dtype=getattr(torch, dtype)), torch.tensor(im, dtype=getattr(torch, dtype)))
        close(ours, theirs, "complex64")
    close(tc.polar(tc.tensor(m), tc.tensor(th)), torch.polar(torch.tensor(m), torch.tensor(th)), "complex64")
    with pytest.raises(RuntimeError):
        tc.complex(tc.ones(2), tc.ones(2, dtype=tc.float64))


@pytest.mark.parametrize("dtype", CDTYPES)
def test_reductions(dtype):
    a, ta = pair(dtype=dtype)
    for f in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.sum(-1, keepdim=True), lambda x: x.mean(),
              lambda x: x.mean(dim=1), lambda x: x.mean((0, 1), keepdim=True)):
        close(f(a), f(ta), dtype)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_matrix_products(dtype):
    rng = np.random.default_rng(0)
    A = (rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))).astype(dtype)
    B = (rng.standard_normal((4, 5)) + 1j * rng.standard_normal((4, 5))).astype(dtype)
    Bt = (rng.standard_normal((2, 4, 5)) + 1j * rng.standard_normal((2, 4, 5))).astype(dtype)
    v = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(dtype)
    a, b, bt, vv = (tc.from_numpy(x) for x in (A, B, Bt, v))
    ta, tb, tbt, tv = (torch.from_numpy(x) for x in (A, B, Bt, v))
    for f in (lambda x, y, z, w: x @ y, lambda x, y, z, w: x @ z, lambda x, y, z, w: x @ w,
              lambda x, y, z, w: w @ y, lambda x, y, z, w: w @ w):
        close(f(a, b, bt, vv), f(ta, tb, tbt, tv), dtype)


def test_mixed_real_complex_matmul():
    a = tc.tensor([[1.0, 2.0], [3.0, 4.0]])
    ta = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    z, tz = pair([[1 + 1j, 2j], [0.5, -1 - 1j]])
    close(tc.matmul(a.cfloat(), z), torch.matmul(ta.cfloat(), tz), "complex64")


# ---- autograd (PyTorch's convention: z.grad = dL/dx + i dL/dy for a real loss L) ----

GRAD_FUNCS = {
    "mul": lambda m, z, w: (z * w).abs().sum(),
    "div": lambda m, z, w: (z / w).real.sum(),
    "add_sub": lambda m, z, w: (z + w - 2 * z).imag.sum(),
    "exp_log": lambda m, z, w: (z.exp() + w.log()).abs().pow(2).sum(),
    "sqrt_sin_cos": lambda m, z, w: (z.sqrt() * z.sin() + w.cos()).abs().sum(),
    "tanh_sigmoid": lambda m, z, w: (z.tanh() + w.sigmoid()).real.sum(),
    "reciprocal_square": lambda m, z, w: (z.reciprocal() + w.square()).imag.sum(),
    "pow_scalar": lambda m, z, w: (z ** 3 + w ** 0.5).abs().sum(),
    "angle_conj": lambda m, z, w: (z.angle() + w.conj().imag).sum(),
    "view_as_real": lambda m, z, w: (m.view_as_real(z) ** 2).sum() + m.view_as_real(w)[..., 1].sum(),
    "matmul": lambda m, z, w: (z @ w.transpose(0, 1)).abs().sum(),
    "sum_mean": lambda m, z, w: (z.sum(0) * w.mean(1, keepdim=True)).abs().sum(),
    "polar_complex": lambda m, z, w: m.complex(z.real, w.imag).abs().sum() + m.polar(z.abs(), w.angle()).real.sum(),
    "real_times_complex": lambda m, z, w: (z.real * w).abs().sum(),
}


@pytest.mark.parametrize("name", sorted(GRAD_FUNCS))
@pytest.mark.parametrize("dtype", CDTYPES)
def test_gradients_match_torch(name, dtype):
    f = GRAD_FUNCS[name]
    z, tz = pair(dtype=dtype, requires_grad=True)
    w, tw = pair([[0.5 - 1j, 2 + 0.3j, -1 + 1j], [1 + 1j, 0.25 + 0.5j, 1.25 + 0.7j]], dtype=dtype,
                 requires_grad=True)
    f(tc, z, w).backward()
    f(torch, tz, tw).backward()
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "complex64" else dict(rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), **tol)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), **tol)


@pytest.mark.parametrize("name", sorted(GRAD_FUNCS))
def test_gradients_by_finite_differences_complex128(name):
    """An independent check of the convention: perturb the real and imaginary
    part of every element and compare with grad = dL/dx + i dL/dy."""
    f = GRAD_FUNCS[name]
    base_z = np.array(VALUES, dtype=np.complex128)
    base_w = np.array([[0.5 - 1j, 2 + 0.3j, -1 + 1j], [1 + 1j, 0.25 + 0.5j, 1.25 + 0.7j]], dtype=np.complex128)
    z = tc.tensor(base_z, requires_grad=True)
    w = tc.tensor(base_w, requires_grad=True)
    f(tc, z, w).backward()
    eps = 1e-6

    def loss(zv, wv):
        with tc.no_grad():
            return f(tc, tc.tensor(zv), tc.tensor(wv)).item()

    for which, base, grad in (("z", base_z, z.grad.numpy()), ("w", base_w, w.grad.numpy())):
        num = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for unit, part in ((1.0, 1.0), (1j, 1j)):
                hi, lo = base.copy(), base.copy()
                hi[idx] += eps * unit
                lo[idx] -= eps * unit
                args_hi = (hi, base_w) if which == "z" else (base_z, hi)
                args_lo = (lo, base_w) if which == "z" else (base_z, lo)
                num[idx] += part * (loss(*args_hi) - loss(*args_lo)) / (2 * eps)
        np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)


def test_real_leaf_gets_a_real_gradient():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * (1 + 2j)).abs().sum().backward()
    (tx * (1 + 2j)).abs().sum().backward()
    assert x.grad.dtype is tc.float32
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_inplace_write_through_a_real_view_with_grad_raises():
    z = tc.tensor([1 + 2j, 3 - 4j], requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="not supported by tensorcore"):
        z.real.mul_(2)


# ---- save / load ----

@pytest.mark.parametrize("dtype", CDTYPES)
def test_save_load_in_torch_format_both_ways(dtype, tmp_path):
    a, ta = pair(dtype=dtype)
    tc.save({"z": a}, tmp_path / "ours.pt")
    back = torch.load(tmp_path / "ours.pt")["z"]
    np.testing.assert_array_equal(back.numpy(), a.numpy())
    torch.save({"z": ta}, tmp_path / "theirs.pt")
    ours = tc.load(tmp_path / "theirs.pt")["z"]
    assert ours.dtype.name == dtype
    np.testing.assert_array_equal(ours.numpy(), ta.numpy())


def test_safetensors_layout_c64(tmp_path):
    a, _ = pair()
    path = tmp_path / "z.st"
    with open(path, "wb") as fh:  # the safetensors layout (dtype C64)
        _safetensors_format.write({"z": a}, fh)
    raw = path.read_bytes()
    assert b'"C64"' in raw
    back = tc.load(path)["z"]
    assert back.dtype is tc.complex64
    np.testing.assert_array_equal(back.numpy(), a.numpy())


def test_casting_to_real_warns_once_like_torch():
    """PyTorch warns once per process (TORCH_WARN_ONCE): run both in fresh interpreters."""
    import subprocess
    import sys
    code = ("import warnings; warnings.simplefilter('always'); import {m} as t; z = t.tensor([1 + 2j]); "
            "z.float(); z.to(t.float64); z.real")
    outs = [subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True).stderr
            for m in ("torch", "tensorcore")]
    theirs, ours = (sum("Casting complex values to real discards the imaginary part" in ln for ln in o.splitlines())
                    for o in outs)
    assert theirs == ours == 1


def test_backward_of_a_complex_scalar_needs_a_gradient():
    z = tc.tensor([1 + 2j, 3j], requires_grad=True)
    with pytest.raises(RuntimeError, match="only for real scalar outputs but got torch.complex64"):
        z.sum().backward()
    (z * z).sum().backward(tc.tensor(1 + 0j))
    tz = torch.tensor([1 + 2j, 3j], requires_grad=True)
    (tz * tz).sum().backward(torch.tensor(1 + 0j))
    np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy())


@pytest.mark.parametrize("dtype", CDTYPES)
def test_sgn_and_isreal(dtype):
    data = [[1 + 1j, 0j, -2j], [3.0 + 0j, -0.5 + 0.25j, 1e-3 - 2j]]
    a, ta = pair(data, dtype=dtype)
    close(tc.sgn(a), torch.sgn(ta), dtype)
    close(a.sgn(), ta.sgn(), dtype)
    np.testing.assert_array_equal(tc.isreal(a).numpy(), torch.isreal(ta).numpy())
    np.testing.assert_array_equal(a.isreal().numpy(), ta.isreal().numpy())
    z, tz = pair([[1 + 1j, 3 - 2j]], dtype=dtype, requires_grad=True)
    (tc.sgn(z) * (2 + 1j)).real.sum().backward()
    (torch.sgn(tz) * (2 + 1j)).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), rtol=1e-5)
