"""out= on factories, cat/stack and other ops computed into a fresh result
(Note [out= semantics] in src/tensorcore/_out.py), and Tensor.resize_,
side by side with PyTorch."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _lib(m):
    return m


def _run(m, fn):
    """(kind, payload): ("ok", (values, dtype name, shape, strides, returned-is-out, warned)) or
    ("err", exception type name)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out, ret = fn(m)
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            return "err", type(e).__name__
    warned = any("was resized" in str(x.message) for x in w)
    return "ok", (np.asarray(out.tolist()).tolist(), str(out.dtype).split(".")[-1], tuple(out.shape),
                  out.stride(), ret is out, warned)


CASES = {
    "zeros_into_long": lambda m: (lambda o: (o, m.zeros(4, out=o)))(m.empty(4, dtype=m.int64)),
    "ones_resizes_empty": lambda m: (lambda o: (o, m.ones(2, 3, out=o)))(m.empty(0)),
    "ones_resizes_nonempty_warns": lambda m: (lambda o: (o, m.ones(5, out=o)))(m.empty(3)),
    "zeros_dtype_mismatch": lambda m: (lambda o: (o, m.zeros(4, out=o, dtype=m.int64)))(m.empty(4)),
    "full_into_double": lambda m: (lambda o: (o, m.full((2, 2), 3, out=o)))(m.empty(2, 2, dtype=m.float64)),
    "arange_into_long": lambda m: (lambda o: (o, m.arange(5, out=o)))(m.empty(5, dtype=m.int64)),
    "arange_into_float": lambda m: (lambda o: (o, m.arange(1, 4, out=o)))(m.empty(3)),
    "linspace": lambda m: (lambda o: (o, m.linspace(0, 1, 5, out=o)))(m.empty(5)),
    "eye_into_int": lambda m: (lambda o: (o, m.eye(3, out=o)))(m.empty(3, 3, dtype=m.int32)),
    "cat": lambda m: (lambda o: (o, m.cat([m.ones(2), m.zeros(3)], out=o)))(m.empty(5)),
    "cat_into_double": lambda m: (lambda o: (o, m.cat([m.ones(2), m.ones(2)], out=o)))(m.empty(4, dtype=m.float64)),
    "cat_float_into_long": lambda m: (lambda o: (o, m.cat([m.ones(2), m.ones(2)], out=o)))(
        m.empty(4, dtype=m.int64)),
    "cat_keeps_out_strides": lambda m: (lambda o: (o, m.cat([m.ones(3, 1), m.zeros(3, 1)], 1, out=o)))(
        m.empty(2, 3).t()),
    "arange_resizes_warns": lambda m: (lambda o: (o, m.arange(5, out=o)))(m.empty(3)),
    "stack_resizes_warns": lambda m: (lambda o: (o, m.stack([m.ones(2)], out=o)))(m.empty(3)),
    "stack_float_into_long": lambda m: (lambda o: (o, m.stack([m.ones(2)], out=o)))(m.empty(2, dtype=m.int64)),
    "div_float_into_long": lambda m: (lambda o: (o, m.div(m.ones(2), 2, rounding_mode="floor", out=o)))(
        m.empty(2, dtype=m.int64)),
    "eye_resizes": lambda m: (lambda o: (o, m.eye(2, out=o)))(m.empty(3)),
    "cat_resizes": lambda m: (lambda o: (o, m.cat([m.ones(2), m.ones(2)], out=o)))(m.empty(3)),
    "stack": lambda m: (lambda o: (o, m.stack([m.ones(2), m.zeros(2)], 1, out=o)))(m.empty(2, 2)),
    "cat_input_requires_grad": lambda m: (lambda o: (o, m.cat([m.ones(2, requires_grad=True)], out=o)))(m.empty(2)),
    "cat_out_requires_grad": lambda m: (lambda o: (o, m.cat([m.ones(2)], out=o)))(m.empty(2, requires_grad=True)),
    "zeros_out_requires_grad": lambda m: (lambda o: (o, m.zeros(2, out=o)))(m.empty(2, requires_grad=True)),
    "div_floor": lambda m: (lambda o: (o, m.div(m.tensor([7., -7.]), 2, rounding_mode="floor", out=o)))(m.empty(2)),
    "div_trunc_ints": lambda m: (lambda o: (o, m.div(m.tensor([7, -7]), 2, rounding_mode="trunc", out=o)))(
        m.empty(2, dtype=m.int64)),
    "normalize": lambda m: (lambda o: (o, m.nn.functional.normalize(m.tensor([[3., 4.]]), out=o)))(m.empty(1, 2)),
    "randn_resizes": lambda m: (lambda o: (o, (m.manual_seed(0), m.randn(3, out=o))[1]))(m.empty(0)),
    "rand_resizes_nonempty": lambda m: (lambda o: (o, (m.manual_seed(0), m.rand(2, 2, out=o))[1]))(m.empty(1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_out_matches_torch(case):
    got, want = _run(tc, CASES[case]), _run(torch, CASES[case])
    assert got[0] == want[0], (got, want)
    if got[0] == "ok":
        values, dt, shape, strides, is_out, warned = got[1]
        t_values, t_dt, t_shape, t_strides, t_is_out, t_warned = want[1]
        np.testing.assert_allclose(values, t_values, rtol=1e-6)
        assert (dt, shape, strides, is_out, warned) == (t_dt, t_shape, t_strides, t_is_out, t_warned)
    else:
        assert got[1] == want[1]


def test_out_under_no_grad_is_allowed():
    o = tc.empty(2, requires_grad=True)
    with tc.no_grad():
        r = tc.cat([tc.ones(1), tc.zeros(1)], out=o)
    assert r is o and o.tolist() == [1.0, 0.0]


def test_out_aliasing_an_input_gets_the_right_values():
    a = tc.arange(4.)
    tc.cat([a[2:], a[:2]], out=a)  # computed before anything is written
    assert a.tolist() == [2.0, 3.0, 0.0, 1.0]


def test_out_must_be_a_tensor():
    with pytest.raises(TypeError, match="out"):
        tc.cat([tc.ones(2)], out=[1, 2])


# ---- resize_ ----

def _resize(m, make, *sizes):
    t = make(m)
    try:
        r = t.resize_(*sizes)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return r is t, tuple(t.shape), t.stride()


RESIZES = {
    "grow": (lambda m: m.arange(4.), (2, 3)),
    "shrink": (lambda m: m.arange(6.), (2,)),
    "tuple": (lambda m: m.arange(6.), ((3, 2),)),
    "same_sizes_keep_strides": (lambda m: m.arange(6.).reshape(2, 3).t(), (3, 2)),
    "negative": (lambda m: m.arange(6.), (-1,)),
    "requires_grad": (lambda m: m.ones(3, requires_grad=True), (4,)),
    "view_of_offset": (lambda m: m.arange(6.)[1:3], (4,)),
    "zero": (lambda m: m.arange(6.), (0,)),
}


@pytest.mark.parametrize("case", sorted(RESIZES))
def test_resize_matches_torch(case):
    make, sizes = RESIZES[case]
    assert _resize(tc, make, *sizes) == _resize(torch, make, *sizes)


def test_resize_grows_storage_shared_by_views():
    base = tc.arange(6.)
    view = base.view(2, 3)
    v0 = base._version
    base.resize_(1000)
    assert base.data_ptr() == view.data_ptr()  # the block was replaced inside the shared storage
    assert view.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert base[:6].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert base._version > v0
    base[999] = 7.0
    assert base[999].item() == 7.0


def test_resize_of_borrowed_memory_raises_like_torch():
    arr = np.ones(3)
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="not resizable"):
            m.from_numpy(arr).resize_(4)
        assert tuple(m.from_numpy(arr).resize_(2).shape) == (2,)  # shrinking needs no new memory


def test_resize_as():
    t = tc.zeros(2)
    assert t.resize_as_(tc.ones(3, 2)) is t and tuple(t.shape) == (3, 2)


# Note [Warnings from the core]: the C++ ops resize a mis-shaped out= with
# PyTorch's deprecation warning too (one resize rule, ops/out.h), pointing at
# the caller's line.
@pytest.mark.parametrize("call", [
    lambda m, o: m.add(m.ones(2), m.ones(2), out=o), lambda m, o: m.exp(m.ones(2), out=o),
    lambda m, o: m.mul(m.ones(2), 3, out=o), lambda m, o: m.cat([m.ones(1), m.ones(1)], out=o),
])
def test_resizing_a_nonempty_out_warns_like_torch(call):
    torch = pytest.importorskip("torch")
    import warnings
    for lib in (tc, torch):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            out = lib.zeros(3)
            call(lib, out)
            empty = lib.zeros(0)
            call(lib, empty)  # an empty out is resized silently
        assert [str(w.message)[:59] for w in seen] == ["An output with one or more elements was resized since it ha"]
        assert seen[0].filename == __file__
        assert out.tolist() == empty.tolist() and len(out) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning):
            call(tc, tc.zeros(3))
