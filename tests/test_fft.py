"""tensorcore.fft, torch.stft/istft and the window factories against PyTorch
(and numpy's pocketfft): values over a grid of shapes, n/s, dim and norm;
result dtypes; PyTorch's exceptions for malformed calls; gradients against
PyTorch's and gradcheck in double precision."""
import builtins
import itertools
import warnings

import numpy as np
import pytest

import tensorcore as tc
import tensorcore.fft  # noqa: F401  (the submodule import PyTorch programs write)
from tensorcore.autograd import gradcheck

torch = pytest.importorskip("torch")

ONE_DIM = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
TWO_DIM = ["fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2"]
N_DIM = ["fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn"]
REAL_INPUT_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}
NORMS = [None, "backward", "ortho", "forward"]


def _array(shape, complex_, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if complex_:
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def _run(lib, name, array, **kwargs):
    """The transform's result, or the exception it raised."""
    try:
        return getattr(lib.fft, name)(lib.from_numpy(array.copy()), **kwargs)
    except Exception as e:  # noqa: BLE001  (compared with PyTorch's below)
        return e


def _assert_same(expected, got, rtol=1e-5, atol=1e-5):
    if isinstance(expected, Exception):
        assert isinstance(got, Exception), f"PyTorch raised {expected!r}, tensorcore returned {got}"
        assert type(got).__name__ == type(expected).__name__
        assert str(got) == str(expected)
        return
    assert not isinstance(got, Exception), f"tensorcore raised {got!r}, PyTorch returned {expected.dtype}"
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert tuple(got.shape) == tuple(expected.shape)
    assert got.requires_grad == expected.requires_grad
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().resolve_conj().numpy(), rtol=rtol, atol=atol)


def _tolerance(dtype):
    return (2e-4, 2e-4) if dtype in (np.float32, np.complex64) else (1e-10, 1e-10)


# ---------------------------------------------------------------------------
# values and dtypes
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ONE_DIM)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_one_dim_transforms_match_torch(name, dtype):
    rtol, atol = _tolerance(dtype)
    for shape, n, dim, norm in itertools.product([(8,), (3, 5), (2, 3, 7)], [None, 1, 4, 9], [-1, 0], NORMS):
        a = _array(shape, np.dtype(dtype).kind == "c", dtype)
        kwargs = {"n": n, "dim": dim, "norm": norm}
        _assert_same(_run(torch, name, a, **kwargs), _run(tc, name, a, **kwargs), rtol, atol)


@pytest.mark.parametrize("name", TWO_DIM + N_DIM)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_n_dim_transforms_match_torch(name, dtype):
    rtol, atol = _tolerance(dtype)
    arguments = [{}, {"s": (4, 6)}, {"s": (-1, 3)}, {"s": (2, 5), "dim": (0, 2)}, {"dim": (-1, 0)}, {"dim": (1,)},
                 {"s": (5,)}]
    if name in N_DIM:
        arguments += [{"dim": None}, {"s": (2, 3, 4)}, {"dim": ()}]
    for shape, kwargs, norm in itertools.product([(3, 4, 6), (2, 5, 2)], arguments, NORMS):
        a = _array(shape, np.dtype(dtype).kind == "c", dtype)
        _assert_same(_run(torch, name, a, norm=norm, **kwargs), _run(tc, name, a, norm=norm, **kwargs), rtol, atol)


@pytest.mark.parametrize("norm", NORMS)
def test_values_match_numpy_pocketfft(norm):
    """numpy.fft (what computes them) agrees with the public names and the norm mapping."""
    a = _array((4, 6), True, np.complex128, seed=3)
    r = _array((4, 6), False, np.float64, seed=4)
    np_norm = norm or "backward"
    x, xr = tc.from_numpy(a), tc.from_numpy(r)
    cases = [
        (tc.fft.fft(x, norm=norm), np.fft.fft(a, norm=np_norm)),
        (tc.fft.ifft(x, n=8, dim=0, norm=norm), np.fft.ifft(a, n=8, axis=0, norm=np_norm)),
        (tc.fft.rfft(xr, norm=norm), np.fft.rfft(r, norm=np_norm)),
        (tc.fft.irfft(x, n=7, norm=norm), np.fft.irfft(a, n=7, norm=np_norm)),
        (tc.fft.hfft(x, norm=norm), np.fft.hfft(a, norm=np_norm)),
        (tc.fft.ihfft(xr, norm=norm), np.fft.ihfft(r, norm=np_norm)),
        (tc.fft.fft2(x, s=(3, 8), norm=norm), np.fft.fft2(a, s=(3, 8), norm=np_norm)),
        (tc.fft.ifftn(x, norm=norm), np.fft.ifftn(a, norm=np_norm)),
        (tc.fft.rfftn(xr, norm=norm), np.fft.rfftn(r, norm=np_norm)),
        (tc.fft.irfft2(x, s=(4, 9), norm=norm), np.fft.irfft2(a, s=(4, 9), norm=np_norm)),
    ]
    for got, expected in cases:
        assert tuple(got.shape) == expected.shape
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("input_dtype,expected", [("float32", "complex64"), ("float64", "complex128"),
                                                  ("int64", "complex64"), ("int32", "complex64"),
                                                  ("bool", "complex64"), ("uint8", "complex64"),
                                                  ("complex64", "complex64"), ("complex128", "complex128")])
def test_result_dtypes(input_dtype, expected):
    x = tc.ones(4, dtype=getattr(tc, input_dtype))
    assert tc.fft.fft(x).dtype == getattr(tc, expected)
    assert str(torch.fft.fft(torch.ones(4, dtype=getattr(torch, input_dtype))).dtype) == f"torch.{expected}"
    real = "float64" if expected == "complex128" else "float32"
    assert tc.fft.irfft(x).dtype == getattr(tc, real)
    assert tc.fft.hfftn(x).dtype == getattr(tc, real)


def test_integer_input_follows_the_default_dtype():
    previous = tc.get_default_dtype()
    tc.set_default_dtype(tc.float64)
    try:
        assert tc.fft.fft(tc.arange(4)).dtype == tc.complex128
        assert tc.fft.fftfreq(4).dtype == tc.float64
    finally:
        tc.set_default_dtype(previous)


def test_zero_dim_empty_and_strided_inputs():
    a = np.arange(12.0).reshape(3, 4)
    cases = [
        lambda L: L.fft.fft(L.from_numpy(a).t()),
        lambda L: L.fft.fft(L.from_numpy(a)[:, ::2]),
        lambda L: L.fft.rfft(L.from_numpy(a).flip(1)),
        lambda L: L.fft.fftn(L.tensor(2.5)),
        lambda L: L.fft.ifftn(L.tensor(2.5), dim=()),
        lambda L: L.fft.fft(L.zeros(0, 3), dim=0, n=2),
        lambda L: L.fft.fftn(L.zeros(2, 0), dim=()),
        lambda L: L.fft.fft(L.tensor(2.5)),
        lambda L: L.fft.fft(L.zeros(0)),
        lambda L: L.fft.fft(L.zeros(0, 3), dim=1),
        lambda L: L.fft.irfft(L.zeros(0, 3)),
        lambda L: L.fft.fftn(L.zeros(0, 3)),
        lambda L: L.fft.irfft(L.zeros(1)),
        lambda L: L.fft.irfft(L.ones(2, 3), n=1),
    ]
    for case in cases:
        expected, got = _call(case, torch), _call(case, tc)
        _assert_same(expected, got)


def _call(case, lib):
    try:
        return case(lib)
    except Exception as e:  # noqa: BLE001
        return e


# ---------------------------------------------------------------------------
# malformed calls: PyTorch's exception type and message
# ---------------------------------------------------------------------------

_ERROR_CASES = [
    lambda L, x, z: L.fft.fft(x, n=0),
    lambda L, x, z: L.fft.fft(x, n=-1),
    lambda L, x, z: L.fft.fft(x, dim=2),
    lambda L, x, z: L.fft.fft(x, dim=-3),
    lambda L, x, z: L.fft.fft(x, norm="bad"),
    lambda L, x, z: L.fft.fft(x, norm="Ortho"),
    lambda L, x, z: L.fft.fftn(x, norm=3),
    lambda L, x, z: L.fft.fftn(x, s=(3,), dim=(0, 1)),
    lambda L, x, z: L.fft.fftn(x, dim=(0, 0)),
    lambda L, x, z: L.fft.fftn(x, dim=(1, -1)),
    lambda L, x, z: L.fft.fftn(x, s=(3, 3, 3)),
    lambda L, x, z: L.fft.fftn(x, s=(3, 0)),
    lambda L, x, z: L.fft.fftn(x, s=(2.0, 3)),
    lambda L, x, z: L.fft.fftn(x, s=[2, None]),
    lambda L, x, z: L.fft.fftn(x, dim=1.5),
    lambda L, x, z: L.fft.fftn(x, s=3),
    lambda L, x, z: L.fft.fftn(x, dim=1),
    lambda L, x, z: L.fft.rfft(z),
    lambda L, x, z: L.fft.rfftn(z),
    lambda L, x, z: L.fft.rfft2(z),
    lambda L, x, z: L.fft.ihfft(z),
    lambda L, x, z: L.fft.ihfft2(z),
    lambda L, x, z: L.fft.rfftn(x, dim=()),
    lambda L, x, z: L.fft.irfftn(x, dim=()),
    lambda L, x, z: L.fft.hfftn(x, dim=()),
    lambda L, x, z: L.fft.ihfftn(x, dim=()),
    lambda L, x, z: L.fft.irfft(x, n=-1),
    lambda L, x, z: L.fft.hfft(L.ones(1)),
    lambda L, x, z: L.fft.fft2(L.ones(3)),
    lambda L, x, z: L.fft.irfft2(L.ones(3)),
    lambda L, x, z: L.fft.fft(x.half()),
    lambda L, x, z: L.fft.rfft(x.to(L.bfloat16)),
    lambda L, x, z: L.fft.hfft2(x.half()),
    lambda L, x, z: L.fft.fft([1, 2]),
    lambda L, x, z: L.fft.fft(x, n=2.5),
    lambda L, x, z: L.fft.fft(x, n=True),
    lambda L, x, z: L.fft.fft(x, dim=None),
    lambda L, x, z: L.fft.fft(x, out=L.empty(0)),
    lambda L, x, z: L.fft.fft(x, out=[1]),
    lambda L, x, z: L.fft.fft2(x, out=L.empty(0)),
    lambda L, x, z: L.fft.rfftn(x, out=L.empty(0)),
    lambda L, x, z: L.fft.irfft(x, out=L.empty(0, dtype=L.complex64)),
    lambda L, x, z: L.fft.hfftn(x, out=L.empty(0, dtype=L.complex64)),
    lambda L, x, z: L.fft.ihfft(x, out=L.empty(0)),
    lambda L, x, z: L.fft.fft(x.clone().requires_grad_(), out=L.empty(0, dtype=L.complex64)),
    lambda L, x, z: L.fft.fftfreq(-1),
    lambda L, x, z: L.fft.fftfreq(5.0),
    lambda L, x, z: L.fft.fftfreq(4, d="a"),
    lambda L, x, z: L.fft.fftfreq(5, dtype=L.int64),
    lambda L, x, z: L.fft.fftfreq(5, dtype=L.complex64),
    lambda L, x, z: L.fft.fftshift(x, dim=5),
    lambda L, x, z: L.fft.fftshift(x, dim=()),
    lambda L, x, z: L.fft.ifftshift(L.tensor(3.0)),
    lambda L, x, z: L.fft.fftshift(L.tensor(3.0), dim=0),
]


@pytest.mark.parametrize("case", range(len(_ERROR_CASES)))
def test_malformed_calls_raise_as_torch(case):
    results = []
    for lib in (torch, tc):
        x = lib.from_numpy(_array((4, 5), False, np.float32))
        z = lib.from_numpy(_array((4, 5), True, np.complex64))
        results.append(_call(lambda L: _ERROR_CASES[case](L, x, z), lib))
    _assert_same(*results)  # an exception in most cases (s=3 and dim=1 are accepted as one-element lists)


# ---------------------------------------------------------------------------
# out=
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,out_dtype", [("fft", "complex64"), ("fft", "complex128"), ("rfft", "complex128"),
                                            ("irfft", "float64"), ("ihfft", "complex64"), ("fftn", "complex64"),
                                            ("rfft2", "complex64"), ("hfftn", "float32"), ("ihfftn", "complex128")])
def test_out(name, out_dtype):
    a = _array((4, 6), False, np.float32)
    results = []
    for lib in (torch, tc):
        out = lib.empty(0, dtype=getattr(lib, out_dtype))
        result = getattr(lib.fft, name)(lib.from_numpy(a.copy()), out=out)
        assert result is out
        results.append(out)
    _assert_same(*results, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def test_fftfreq_rfftfreq_and_shifts():
    for n, d in [(0, 1.0), (1, 1.0), (1, 0.0), (4, 1.0), (5, 0.1), (8, 2), (7, 3.0)]:
        for name in ("fftfreq", "rfftfreq"):
            _assert_same(getattr(torch.fft, name)(n, d), getattr(tc.fft, name)(n, d), 1e-7, 1e-7)
            _assert_same(getattr(torch.fft, name)(n, d, dtype=torch.float64),
                         getattr(tc.fft, name)(n, d, dtype=tc.float64), 1e-15, 1e-15)
    assert tc.fft.fftfreq(4, requires_grad=True).requires_grad
    a = np.arange(30).reshape(5, 6)
    for dim in [None, 0, -1, (0, 1), (1, 1), [0]]:
        for name in ("fftshift", "ifftshift"):
            expected = getattr(torch.fft, name)(torch.from_numpy(a), dim=dim)
            got = getattr(tc.fft, name)(tc.from_numpy(a), dim=dim)
            assert got.tolist() == expected.tolist()
            assert got.tolist() == getattr(np.fft, name)(a, axes=dim).tolist()


# ---------------------------------------------------------------------------
# autograd
# ---------------------------------------------------------------------------

def _grad_kwargs(name):
    if name in ONE_DIM:
        return [{}, {"norm": "ortho"}, {"n": 7, "norm": "forward"}, {"n": 4, "dim": 0}]
    if name in ("fftshift", "ifftshift"):
        return [{}, {"dim": 0}]
    return [{}, {"norm": "ortho"}, {"s": (4, 5), "norm": "forward"}, {"dim": (0,)}]


_DIFFERENTIABLE = [n for n in tc.fft.__all__ if "freq" not in n]


@pytest.mark.parametrize("name", _DIFFERENTIABLE)
@pytest.mark.parametrize("complex_input", [False, True])
def test_gradients_match_torch(name, complex_input):
    for kwargs in _grad_kwargs(name):
        a = _array((3, 6), complex_input, np.complex128 if complex_input else np.float64, seed=1)
        grads = []
        for lib in (torch, tc):
            x = lib.from_numpy(a.copy()).requires_grad_()
            try:
                y = getattr(lib.fft, name)(x, **kwargs)
            except RuntimeError as e:  # complex input to an r2c transform: both refuse
                grads.append(type(e))
                continue
            g = np.random.default_rng(5).standard_normal(tuple(y.shape))
            if y.is_complex():
                g = g + 1j * np.random.default_rng(6).standard_normal(tuple(y.shape))
            y.backward(lib.from_numpy(g))
            grads.append((x.grad.resolve_conj().numpy(), type(y.grad_fn).__name__))
        expected, got = grads
        if not isinstance(expected, tuple):
            assert name in REAL_INPUT_ONLY and expected is got
            continue
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-10, atol=1e-10)
        assert got[1] == expected[1]  # FftC2CBackward0, FftR2CBackward0, FftC2RBackward0, ConjBackward0, ...


@pytest.mark.parametrize("name,complex_input", [(n, c) for n in _DIFFERENTIABLE for c in (False, True)
                                                  if not (c and n in REAL_INPUT_ONLY)])
def test_gradcheck(name, complex_input):
    for kwargs in _grad_kwargs(name):
        a = _array((3, 6), complex_input, np.complex128 if complex_input else np.float64, seed=2)
        x = tc.from_numpy(a).requires_grad_()
        assert gradcheck(lambda t: getattr(tc.fft, name)(t, **kwargs), (x,))


def test_double_backward_matches_torch():
    results = []
    for lib in (torch, tc):
        x = lib.from_numpy(np.linspace(0, 1, 6)).requires_grad_()
        y = lib.fft.rfft(x * x).abs().pow(2).sum() + lib.fft.irfft(lib.fft.fft(x * x)).pow(2).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        results.append(h.numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-10)


def test_grad_fn_names():
    x = tc.randn(4, 6, requires_grad=True)
    z = tc.randn(4, 6, dtype=tc.complex64, requires_grad=True)
    assert type(tc.fft.fft(x).grad_fn).__name__ == "FftR2CBackward0"
    assert type(tc.fft.fft(z).grad_fn).__name__ == "FftC2CBackward0"
    assert type(tc.fft.fftn(x).grad_fn).__name__ == "FftC2CBackward0"
    assert type(tc.fft.irfft(z).grad_fn).__name__ == "FftC2RBackward0"
    assert type(tc.fft.ihfft(x).grad_fn).__name__ == "ConjBackward0"
    assert tc.fft.fft(x.detach()).grad_fn is None
    assert "grad_fn=<FftR2CBackward0>" in repr(tc.fft.rfft(x))


# ---------------------------------------------------------------------------
# stft / istft
# ---------------------------------------------------------------------------

def _window(kind, length):
    if kind is None:
        return None
    w = np.hanning(length + 2)[1:-1]  # no zero at either end
    return w * (1 + 0.5j) if kind == "complex" else w


_STFT_GRID = list(itertools.product(
    [(40,), (3, 40)], [False, True], [(8, None, None), (8, 2, None), (16, 4, 10), (9, 3, 7)],
    [None, "real", "complex"], [True, False], [False, True], [None, False]))


@pytest.mark.parametrize("chunk", range(8))
def test_stft_istft_match_torch(chunk):
    warnings.simplefilter("ignore")  # the missing-window and return_complex=False warnings
    for shape, complex_input, (n_fft, hop, win), window_kind, center, normalized, onesided in _STFT_GRID[chunk::8]:
        a = _array(shape, complex_input, np.complex128 if complex_input else np.float64)
        w = _window(window_kind, win or n_fft)
        spectra = []
        for lib in (torch, tc):
            kwargs = dict(hop_length=hop, win_length=win, center=center, normalized=normalized, onesided=onesided,
                          window=None if w is None else lib.from_numpy(w.copy()))
            spectra.append(_call(lambda L: L.stft(L.from_numpy(a.copy()), n_fft, return_complex=True, **kwargs),
                                 lib))
            also_real = _call(lambda L: L.stft(L.from_numpy(a.copy()), n_fft, return_complex=False, **kwargs), lib)
            spectra.append(also_real)
        _assert_same(spectra[0], spectra[2], 1e-10, 1e-10)
        _assert_same(spectra[1], spectra[3], 1e-10, 1e-10)
        if isinstance(spectra[0], Exception):
            continue
        s = spectra[0].numpy()
        for length, return_complex in itertools.product([None, 30, 50], [False, True]):
            inverses = []
            for lib in (torch, tc):
                kwargs = dict(hop_length=hop, win_length=win, center=center, normalized=normalized,
                              onesided=onesided, length=length, return_complex=return_complex,
                              window=None if w is None else lib.from_numpy(w.copy()))
                inverses.append(_call(lambda L: L.istft(L.from_numpy(s.copy()), n_fft, **kwargs), lib))
            _assert_same(*inverses, rtol=1e-9, atol=1e-9)


_STFT_ERRORS = [
    lambda L, x: L.stft(x, 8),
    lambda L, x: L.stft(x, 8, return_complex=True, window=L.ones(5)),
    lambda L, x: L.stft(x, 8, hop_length=0, return_complex=True),
    lambda L, x: L.stft(x, 8, win_length=9, return_complex=True),
    lambda L, x: L.stft(x, 80, return_complex=True, center=False),
    lambda L, x: L.stft(x, 8, return_complex=True, onesided=True, window=L.ones(8, dtype=L.complex64)),
    lambda L, x: L.stft(x, 8, return_complex=True, align_to_window=True),
    lambda L, x: L.stft(x.long(), 8, return_complex=True),
    lambda L, x: L.stft(x.half(), 8, return_complex=True),
    lambda L, x: L.stft(x.to(L.bfloat16), 8, return_complex=True, window=L.ones(8, dtype=L.bfloat16)),
    lambda L, x: L.stft(x.view(2, 2, 5), 4, return_complex=True),
    lambda L, x: L.istft(x, 8),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, window=L.ones(3)),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, hop_length=1, window=L.zeros(8)),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 6),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, return_complex=True),
    lambda L, x: L.istft(L.ones(5, 0, dtype=L.complex128), 8),
    lambda L, x: L.istft(L.ones(5, dtype=L.complex128), 8),
    lambda L, x: L.istft(L.ones(1, 2, 5, 3, dtype=L.complex128), 8),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, hop_length=9),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, win_length=9),
    lambda L, x: L.istft(L.ones(5, 3, dtype=L.complex64), 8, window=L.ones(8, dtype=L.complex64)),
]


@pytest.mark.parametrize("case", range(len(_STFT_ERRORS)))
def test_stft_istft_malformed_calls_raise_as_torch(case):
    warnings.simplefilter("ignore")
    expected, got = (_call(lambda L: _STFT_ERRORS[case](L, L.from_numpy(_array((20,), False, np.float32))), lib)
                     for lib in (torch, tc))
    assert isinstance(expected, Exception)
    _assert_same(expected, got)


def test_stft_align_to_window_and_tensor_methods():
    a = np.arange(20.0)
    results = []
    for lib in (torch, tc):
        x = lib.from_numpy(a.copy())
        s = x.stft(8, hop_length=2, win_length=4, window=lib.ones(4, dtype=lib.float64), center=False,
                   return_complex=True, align_to_window=True)
        y = s.istft(8, hop_length=2, win_length=8, window=lib.ones(8, dtype=lib.float64), center=False)
        results.append((s, y))
    _assert_same(results[0][0], results[1][0], 1e-10, 1e-10)
    _assert_same(results[0][1], results[1][1], 1e-10, 1e-10)


@pytest.mark.parametrize("complex_input", [False, True])
def test_stft_istft_gradients(complex_input):
    for n_fft, hop, win, center, normalized in [(8, 2, None, True, False), (9, 3, None, False, True),
                                                (8, 4, 6, True, True)]:
        a = _array((2, 24), complex_input, np.complex128 if complex_input else np.float64)
        w = _window("real", win or n_fft)
        onesided = False if complex_input else None
        grads = []
        for lib in (torch, tc):
            x, window = lib.from_numpy(a.copy()).requires_grad_(), lib.from_numpy(w.copy()).requires_grad_()
            s = lib.stft(x, n_fft, hop, win, window, center=center, normalized=normalized, return_complex=True)
            scale = lib.from_numpy(np.random.default_rng(3).standard_normal(tuple(s.shape)) * (1 + 0.5j))
            y = lib.istft(s * scale, n_fft, hop, win, window, center=center, normalized=normalized,
                          onesided=onesided, return_complex=complex_input)
            (y.abs() ** 3).sum().backward()
            grads.append((x.grad.resolve_conj().numpy(), window.grad.numpy()))
        np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-9, atol=1e-9)

        x, window = tc.from_numpy(a.copy()).requires_grad_(), tc.from_numpy(w.copy()).requires_grad_()
        assert gradcheck(lambda t, v: tc.stft(t, n_fft, hop, win, v, center=center, normalized=normalized,
                                              return_complex=True), (x, window))
        s = tc.stft(x.detach(), n_fft, hop, win, window.detach(), center=center, normalized=normalized,
                    return_complex=True).requires_grad_()
        assert gradcheck(lambda t, v: tc.istft(t, n_fft, hop, win, v, center=center, normalized=normalized,
                                               onesided=onesided, return_complex=complex_input), (s, window))


def test_stft_warns_once_like_torch():
    import tensorcore._spectral as spectral
    spectral._warned.discard("stft_window")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tc.stft(tc.randn(20), 8, return_complex=True)
        tc.stft(tc.randn(20), 8, return_complex=True)
    messages = [str(w.message) for w in caught]
    assert builtins.sum(m.startswith("A window was not provided") for m in messages) == 1


# ---------------------------------------------------------------------------
# window factories
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "bartlett_window", "blackman_window",
                                  "kaiser_window"])
def test_window_functions_match_torch(name):
    for n, periodic, dtype in itertools.product([0, 1, 2, 3, 8, 11, 400], [True, False],
                                                [None, "float64", "float16", "bfloat16", "int64", "bool",
                                                 "complex64"]):
        results = []
        for lib in (torch, tc):
            kwargs = {} if dtype is None else {"dtype": getattr(lib, dtype)}
            results.append(_call(lambda L: getattr(L, name)(n, periodic=periodic, **kwargs), lib))
        expected, got = results
        if isinstance(expected, Exception) or isinstance(got, Exception):
            _assert_same(expected, got)
            continue
        assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
        tolerance = 1e-2 if dtype in ("float16", "bfloat16") else 1e-6
        np.testing.assert_allclose(got.to(tc.complex128 if got.is_complex() else tc.float64).numpy(),
                                   expected.to(torch.complex128 if expected.is_complex() else torch.float64).numpy(),
                                   rtol=tolerance, atol=tolerance)
    for args in [(10, True, 0.6), (10, False, 0.6, 0.3)] if name == "hamming_window" else \
            [(10, True, 5.0), (10, False, 0.5)] if name == "kaiser_window" else []:
        np.testing.assert_allclose(getattr(tc, name)(*args).numpy(), getattr(torch, name)(*args).numpy(),
                                   rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------------
# whole programs: a Fourier neural operator layer and a log-power spectrogram
# ---------------------------------------------------------------------------

def _spectral_programs(lib):
    rng = np.random.default_rng(0)
    nn = lib.nn

    class SpectralConv2d(nn.Module):
        def __init__(self, cin, cout, modes):
            super().__init__()
            self.modes, self.cout = modes, cout
            w = (rng.random((cin, cout, modes, modes)) + 1j * rng.random((cin, cout, modes, modes))) / (cin * cout)
            self.weights1 = nn.Parameter(lib.from_numpy(w.astype(np.complex64)))
            self.weights2 = nn.Parameter(lib.from_numpy(w[::-1].astype(np.complex64)))

        def forward(self, x):
            m = self.modes
            x_ft = lib.fft.rfft2(x)
            out_ft = lib.zeros(x.shape[0], self.cout, x.size(-2), x.size(-1) // 2 + 1, dtype=lib.cfloat)
            out_ft[:, :, :m, :m] = lib.einsum("bixy,ioxy->boxy", x_ft[:, :, :m, :m], self.weights1)
            out_ft[:, :, -m:, :m] = lib.einsum("bixy,ioxy->boxy", x_ft[:, :, -m:, :m], self.weights2)
            return lib.fft.irfft2(out_ft, s=(x.size(-2), x.size(-1)))

    layer = SpectralConv2d(3, 4, 3)
    x = lib.from_numpy(rng.standard_normal((2, 3, 10, 12)).astype(np.float32)).requires_grad_()
    y = layer(x)
    (y ** 2).mean().backward()
    signal = lib.from_numpy(rng.standard_normal((2, 400)).astype(np.float32)).requires_grad_()
    spectrum = lib.stft(signal, 64, 16, window=lib.hann_window(64), return_complex=True)
    log_power = lib.log(spectrum.abs().pow(2).mean(1) + 1e-6)
    log_power.sum().backward()
    # a real signal cast to complex before its transform keeps its gradient
    ramp = lib.from_numpy(np.linspace(0, 1, 8)).requires_grad_()
    lib.fft.fft(ramp.to(lib.cfloat) * (1 + 2j)).abs().sum().backward()
    return [y.detach().numpy(), x.grad.numpy(), layer.weights1.grad.resolve_conj().numpy(),
            log_power.detach().numpy(), signal.grad.numpy(), ramp.grad.numpy()]


def test_spectral_programs_match_torch():
    for expected, got in zip(_spectral_programs(torch), _spectral_programs(tc)):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_real_to_complex_cast_keeps_history():
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    for cast in (lambda t: t.to(tc.complex64), lambda t: t.cfloat(), lambda t: t.cdouble(),
                 lambda t: t.type(tc.complex128)):
        y = cast(x)
        assert y.requires_grad and type(y.grad_fn).__name__ == "ToCopyBackward0"
    assert gradcheck(lambda t: (t.to(tc.complex128) * (1 + 2j)).exp(),
                     (tc.randn(3, dtype=tc.float64, requires_grad=True),))


# ---------------------------------------------------------------------------
# every argument given every kind of wrong value (Note [Argument types before values])
# ---------------------------------------------------------------------------

_ODD_VALUES = [None, 0, -1, 3, 1.5, "x", "ortho", (), (0,), (-1, 0), [1, 1], True, "int tensor", "float tensor",
               2 + 1j, (2.0,)]


def _odd(lib, value):
    return {"int tensor": lib.tensor(2), "float tensor": lib.tensor(2.0)}.get(value, value) \
        if isinstance(value, str) else value


def _fft_params(name):
    if "freq" in name:
        return ["n", "d"]
    if "shift" in name:
        return ["dim"]
    return ["s", "dim", "norm"] if name[-1] in "n2" else ["n", "dim", "norm"]


@pytest.mark.parametrize("name", tc.fft.__all__)
@pytest.mark.parametrize("input_dtype", ["float32", "complex64", "int64"])
def test_every_argument_with_odd_values_as_torch(name, input_dtype):
    for shape, param, value in itertools.product([(4, 5), (3,), ()], _fft_params(name), _ODD_VALUES):
        results = []
        for lib in (torch, tc):
            def call(L):
                f = getattr(L.fft, name)
                if "freq" in name:
                    return f(5, d=_odd(L, value)) if param == "d" else f(_odd(L, value))
                x = L.from_numpy(np.arange(int(np.prod(shape))).reshape(shape)).to(getattr(L, input_dtype))
                return f(x, **{param: _odd(L, value)})
            results.append(_call(call, lib))
        _assert_same(*results)


@pytest.mark.parametrize("fn", ["stft", "istft"])
def test_stft_istft_odd_arguments_raise_as_torch(fn):
    """The exception type always; the message where torch's parser has a one-line one (istft, pad_mode)."""
    warnings.simplefilter("ignore")
    params = ["n_fft", "hop_length", "win_length", "window", "center", "normalized", "return_complex"]
    params += ["pad_mode", "align_to_window"] if fn == "stft" else ["onesided", "length"]
    for param, value in itertools.product(params, [None, 0, -1, 8, 1.5, "x", (), True, False, 2 + 1j]):
        results = []
        for lib in (torch, tc):
            if fn == "stft":
                x, kwargs = lib.from_numpy(np.arange(40, dtype=np.float32)), {"n_fft": 8, "return_complex": True}
            else:
                x, kwargs = lib.from_numpy((np.ones((5, 11)) * (1 + 1j)).astype(np.complex64)), {"n_fft": 8}
            kwargs[param] = value
            n_fft = kwargs.pop("n_fft")
            results.append(_call(lambda L: getattr(L, fn)(x, n_fft, **kwargs), lib))
        expected, got = results
        if isinstance(expected, Exception) and "invalid combination" in str(expected):
            assert type(got) is TypeError and str(got).startswith(str(expected).split("\n")[0])
        elif not (isinstance(expected, Exception) and "unsupported operand" in str(expected)):
            _assert_same(expected, got, 1e-5, 1e-5)
        else:  # torch.stft's own n_fft // 2 on a non-number: a TypeError either way
            assert type(got) is TypeError


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "bartlett_window", "blackman_window",
                                  "kaiser_window"])
def test_window_factory_overloads_as_torch(name):
    """Note [Window factory overloads]: periodic a bool before any shape parameter, floats for those."""
    calls = [(5,), (5, 1), (5, "x"), (5, None), (5.0,), (True,), (5, True, 0.5), (5, True, "a"), (5, True, 0.5, 0.2),
             (5, True, 0.5, 0.2, 0.1), ("int tensor",), (5, True, None), (5, False, True), (5, True, 2)]
    keywords = [{}, {"dtype": "float64"}, {"requires_grad": True}, {"beta": 3.0}, {"alpha": 0.3},
                {"periodic": False}, {"device": "cpu"}, {"foo": 1}]
    for args, kwargs in itertools.product(calls, keywords):
        results = []
        for lib in (torch, tc):
            positional = [_odd(lib, a) for a in args]
            named = {k: getattr(lib, v) if k == "dtype" else v for k, v in kwargs.items()}
            results.append(_call(lambda L: getattr(L, name)(*positional, **named), lib))
        _assert_same(*results, rtol=1e-6, atol=1e-6)


def test_stft_istft_grad_fn_names_as_torch():
    warnings.simplefilter("ignore")
    names = []
    for lib in (torch, tc):
        x = lib.from_numpy(np.arange(16.0, dtype=np.float32)).requires_grad_()
        w = lib.hann_window(8)
        names.append([type(r.grad_fn).__name__ for r in (
            lib.stft(x, 8, 4, window=w, return_complex=True),
            lib.stft(x.view(2, 8), 4, 2, window=lib.hann_window(4), return_complex=True),
            lib.stft(x, 8, 4, window=w, return_complex=False),
            lib.istft(lib.stft(x, 8, 4, window=w, return_complex=True), 8, 4, window=w))])
    assert names[1] == names[0]


def test_fftfreq_out_as_torch():
    cases = [lambda L: L.fft.fftfreq(4, out=L.empty(0, dtype=L.float64)),
             lambda L: L.fft.fftfreq(4, dtype=L.float32, out=L.empty(0, dtype=L.float64)),
             lambda L: L.fft.fftfreq(4, out=L.empty(0, dtype=L.int64)),
             lambda L: L.fft.fftfreq(4, out=L.empty(0, requires_grad=True)),
             lambda L: L.fft.fftfreq(4, requires_grad=True, out=L.empty(0))]
    for case in cases:
        _assert_same(_call(case, torch), _call(case, tc))
    for lib in (torch, tc):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.fft.rfftfreq(4, out=lib.empty(7))
        assert [str(w.message).split(" (Triggered")[0] for w in caught] == [
            "The number of elements in the out tensor of shape [7] is 7 which does not match the computed number of "
            "elements 3. Note that this may occur as a result of rounding error. The out tensor will be resized to a "
            "tensor of shape (3,)."]
