"""Property tests (hypothesis): elementwise ops, reductions, matmul and views
against numpy over random shapes, dtypes and memory layouts (transposed,
sliced with steps, expanded, offset views through narrow/select).

The example budget comes from the profile in tests/conftest.py."""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given, strategies as st  # noqa: E402

import tensorcore as tc  # noqa: E402
import op_db  # noqa: E402
from op_db import assert_close  # noqa: E402

DTYPES = ["bool", "int32", "int64", "float32", "float64"]


# ---------------------------------------------------------------------------
# Strategies
def shapes(min_dims=0, max_dims=4, min_side=0, max_side=5):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


@st.composite
def arrays(draw, shape=None, dtype=None, domain="any"):
    shape = draw(shapes()) if shape is None else shape
    dtype = draw(st.sampled_from(DTYPES)) if dtype is None else dtype
    seed = draw(st.integers(0, 2 ** 32 - 1))
    return op_db.make_array(np.random.default_rng(seed), shape, dtype, domain)


@st.composite
def layouts(draw, arr):
    """A tensorcore tensor equal to `arr` whose memory layout is drawn:
    contiguous, permuted, step-sliced, expanded or an offset view."""
    kind = draw(st.sampled_from(["contiguous", "permuted", "sliced", "expanded", "offset", "chain"]))
    return build_layout(draw, arr, kind)


def build_layout(draw, arr, kind):
    nd = arr.ndim
    if kind == "contiguous" or nd == 0:
        return tc.tensor(arr), kind
    if kind == "permuted":
        perm = draw(st.permutations(range(nd)))
        inv = np.argsort(perm)
        base = tc.tensor(np.ascontiguousarray(np.transpose(arr, perm)))
        return base.permute(*[int(i) for i in inv]), kind
    if kind == "sliced":
        steps = [draw(st.integers(1, 3)) for _ in range(nd)]
        starts = [draw(st.integers(0, 2)) for _ in range(nd)]
        big_shape = [st_ + (s - 1) * k + 1 if s else st_ for s, k, st_ in zip(arr.shape, steps, starts)]
        big = np.zeros(big_shape, dtype=arr.dtype)
        idx = tuple(slice(b, b + s * k, k) if s else slice(b, b) for s, k, b in zip(arr.shape, steps, starts))
        big[idx] = arr
        return tc.tensor(big)[idx], kind
    if kind == "expanded":
        # expand only along dims where the array is constant: make one size-1 dim and expand it
        d = draw(st.integers(0, nd - 1))
        if arr.shape[d] == 0:
            return tc.tensor(arr), kind
        row = np.take(arr, [0], axis=d)
        arr[...] = np.broadcast_to(row, arr.shape)  # callers compare against the modified array
        return tc.tensor(row).expand(*arr.shape), kind
    if kind == "offset":
        pad = draw(st.integers(1, 3))
        which = draw(st.integers(0, pad - 1))
        stack = np.stack([arr] * pad) if arr.size else np.zeros((pad,) + arr.shape, arr.dtype)
        if arr.size:
            stack[which] = arr
        if draw(st.booleans()):
            return tc.tensor(stack).select(0, which), kind
        return tc.tensor(stack).narrow(0, which, 1).squeeze(0), kind
    # chain: permuted base, then step-sliced along the last dim
    t = tc.tensor(np.ascontiguousarray(np.repeat(arr, 2, axis=-1).swapaxes(0, -1))).transpose(0, -1)
    return t[..., ::2], kind


@st.composite
def tensor_and_array(draw, shape=None, dtype=None, domain="any"):
    arr = draw(arrays(shape, dtype, domain))
    arr = np.array(arr, copy=True)
    t, kind = draw(layouts(arr))
    assert tuple(t.shape) == arr.shape
    return t, arr, kind


@st.composite
def broadcast_pair(draw):
    base = draw(shapes(0, 4, 1, 4))
    def variant():
        nd = draw(st.integers(0, len(base)))
        s = list(base[len(base) - nd:])
        for i in range(len(s)):
            if draw(st.booleans()):
                s[i] = 1
        return tuple(s)
    return variant(), variant()


def _np_of(t):
    return t.contiguous().numpy() if t.dim() else np.asarray(t.item())


# ---------------------------------------------------------------------------
def _core(op):
    """The op's dtypes among the five layout-property dtypes (the storage
    dtypes are compared with torch in test_ops.py)."""
    return [d for d in op.dtypes if d in op_db.CORE_DTYPES]


UNARY = [o for o in op_db.OPS if o.kind == "unary" and o.name != "isnan_special"]
BINARY = [o for o in op_db.OPS if o.kind == "binary"]
DOMAIN = {"log": "pos", "log2": "pos", "log10": "pos", "log1p": "pos", "sqrt": "pos", "rsqrt": "pos",
          "asin": "unit", "acos": "unit", "tan": "unit", "reciprocal": "nonzero", "floor": "noint",
          "ceil": "noint", "round": "noint", "trunc": "noint", "acosh": "ge1", "atanh": "unit", "erfinv": "unit",
          "lgamma": "pos", "digamma": "pos", "_polygamma": "pos", "_logit": "prob"}


@given(data=st.data(), op=st.sampled_from(UNARY))
def test_unary_ops_on_any_layout(data, op):
    dtype = data.draw(st.sampled_from(_core(op)))
    t, arr, kind = data.draw(tensor_and_array(dtype=dtype, domain=DOMAIN.get(op.name, "any")))
    out = op.fn(tc, t)
    ref = op_db.numpy_reference(op, op_db.Sample((arr,)))
    assert out.shape == ref.shape
    assert out.dtype.name == op.out(dtype)
    rtol = 1e-4 if out.dtype == tc.float32 else 1e-9
    assert_close(out.numpy(), ref, rtol, 1e-5, msg=f"{op.name} {dtype} {kind}")
    np.testing.assert_array_equal(_np_of(t), arr)  # the input is untouched


_BIN_DOMAIN = {"div": ("any", "nonzero"), "floor_divide": ("noint", "nonzero"), "remainder": ("noint", "nonzero"),
               "pow": ("base", "expo"), "atan2": ("any", "nonzero"), "fmod": ("noint", "nonzero"),
               "_div_trunc": ("noint", "nonzero"), "_div_floor": ("noint", "nonzero"),
               "bitwise_left_shift": ("any", "small"), "bitwise_right_shift": ("any", "small"),
               "ldexp": ("any", "small")}


@given(data=st.data(), op=st.sampled_from(BINARY), shapes_=broadcast_pair())
def test_binary_ops_broadcast_any_layout(data, op, shapes_):
    da = data.draw(st.sampled_from(_core(op)))
    db = data.draw(st.sampled_from(_core(op)))
    if op.name in ("sub",) and "bool" in (da, db):
        return
    if op.name == "pow" and "bool" in (da, db):
        return
    if op.name == "heaviside" and da != db:
        return  # a RuntimeError for different dtypes, as PyTorch (tests/test_math_ops_extra.py)
    la, lb = _BIN_DOMAIN.get(op.name, ("any", "any"))
    ta, a, _ = data.draw(tensor_and_array(shapes_[0], da, la))
    tb, b, _ = data.draw(tensor_and_array(shapes_[1], db, lb))
    if op.name == "pow" and "int" in op_db.result_type(a, b):
        b = np.asarray(np.abs(b))
        tb = tc.tensor(b)
    out = op.fn(tc, ta, tb)
    with np.errstate(all="ignore"):
        ref = np.asarray(op.ref(a.astype(np.float64) if op.out is op_db.to_float else a,
                                b.astype(np.float64) if op.out is op_db.to_float else b))
    assert out.shape == np.broadcast_shapes(a.shape, b.shape)
    assert out.dtype.name == op.out(op_db.result_type(a, b))
    rtol = 1e-4 if out.dtype == tc.float32 else 1e-9
    assert_close(out.numpy(), ref, rtol, 1e-5, msg=f"{op.name} {da} {db}")


@given(data=st.data(), dtype=st.sampled_from(["int32", "int64", "float32", "float64"]),
       scalar=st.one_of(st.integers(-5, 5), st.floats(-3, 3, allow_nan=False), st.booleans()))
def test_tensor_scalar_promotion(data, dtype, scalar):
    t, arr, _ = data.draw(tensor_and_array(dtype=dtype))
    for f, nf in ((lambda x, y: x + y, np.add), (lambda x, y: x * y, np.multiply), (lambda x, y: y - x, None)):
        if nf is None and isinstance(scalar, bool):
            continue  # subtraction with bools is an error (tested elsewhere)
        out = f(t, scalar)
        expect = op_db.result_type(arr, scalar)
        assert out.dtype.name == expect, (dtype, scalar, out.dtype)
        if nf is not None:
            ref = nf(arr.astype(np.float64), float(scalar))
            assert_close(out.numpy(), ref, 1e-5, 1e-5)


REDUCTIONS = {
    "sum": (lambda t, d, k: t.sum(d, keepdim=k), lambda a, d, k: np.sum(a, axis=d, keepdims=k)),
    "mean": (lambda t, d, k: t.mean(d, keepdim=k), lambda a, d, k: np.mean(a, axis=d, keepdims=k)),
    "amax": (lambda t, d, k: t.amax(d, keepdim=k), lambda a, d, k: np.amax(a, axis=d, keepdims=k)),
    "amin": (lambda t, d, k: t.amin(d, keepdim=k), lambda a, d, k: np.amin(a, axis=d, keepdims=k)),
    "prod": (lambda t, d, k: t.prod(d[0], keepdim=k), lambda a, d, k: np.prod(a, axis=d[0], keepdims=k)),
    "any": (lambda t, d, k: t.any(d, keepdim=k), lambda a, d, k: np.any(a, axis=d, keepdims=k)),
    "all": (lambda t, d, k: t.all(d, keepdim=k), lambda a, d, k: np.all(a, axis=d, keepdims=k)),
    "logsumexp": (lambda t, d, k: t.logsumexp(d, keepdim=k), lambda a, d, k: op_db._np_logsumexp(a, d, k)),
    "var": (lambda t, d, k: t.var(d, keepdim=k, correction=0), lambda a, d, k: np.var(a, axis=d, keepdims=k)),
    "cumsum": (lambda t, d, k: t.cumsum(d[0]), lambda a, d, k: np.cumsum(a, axis=d[0])),
    "softmax": (lambda t, d, k: t.softmax(d[0]), lambda a, d, k: op_db._np_softmax(a, d[0])),
}


@given(data=st.data(), name=st.sampled_from(sorted(REDUCTIONS)), keepdim=st.booleans())
def test_reductions_any_layout(data, name, keepdim):
    floats_only = name in ("mean", "logsumexp", "var", "softmax")
    dtype = data.draw(st.sampled_from(["float32", "float64"] if floats_only else DTYPES))
    shape = data.draw(shapes(1, 4, 1, 5))
    t, arr, kind = data.draw(tensor_and_array(shape=shape, dtype=dtype, domain="nonzero" if name == "prod" else "any"))
    ndim = len(shape)
    dims = tuple(sorted(data.draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim))))
    if name in ("prod", "cumsum", "softmax"):
        dims = dims[:1]
    neg = data.draw(st.booleans())
    tdims = tuple(d - ndim for d in dims) if neg else dims
    fn, ref = REDUCTIONS[name]
    out = fn(t, tdims if name not in ("prod", "cumsum", "softmax") else list(tdims), keepdim)
    with np.errstate(all="ignore"):
        r = np.asarray(ref(arr.astype(np.float64) if dtype != "bool" or name in ("any", "all") else arr.astype(
            np.int64), dims, keepdim))
    assert tuple(out.shape) == r.shape, (name, shape, dims, keepdim)
    rtol = 1e-4 if out.dtype == tc.float32 else 1e-9
    assert_close(out.numpy(), r, rtol, 1e-4 if out.dtype == tc.float32 else 1e-9, msg=f"{name} {dtype} {kind}")


@given(data=st.data())
def test_reductions_over_all_dims(data):
    t, arr, kind = data.draw(tensor_and_array(dtype=data.draw(st.sampled_from(["int64", "float64", "bool"]))))
    assert t.sum().item() == pytest.approx(float(arr.astype(np.float64).sum()), rel=1e-9, abs=1e-9)
    if arr.size:
        if arr.dtype != bool:
            assert t.max().item() == arr.max() and t.min().item() == arr.min()
            assert t.argmax().item() == int(np.argmax(arr)) or arr.reshape(-1)[t.argmax().item()] == arr.max()
    assert bool(t.any()) == bool(arr.any()) and bool(t.all()) == bool(arr.all())


# ---------------------------------------------------------------------------
# Views: random chains applied to tensorcore and numpy must agree, and share memory.
def _view_step(draw, t, a, writable=False):
    """One random view op on tensor `t` and on array `a` (numpy views where
    `writable`, so in-place writes can be compared)."""
    nd = a.ndim
    choices = ["unsqueeze"] + ([] if writable else ["flatten_reshape", "flip"])
    if nd >= 1:
        choices += ["narrow", "select", "step_slice", "movedim", "unflatten"]
    if nd >= 2:
        choices += ["transpose", "permute"] + ([] if writable else ["diagonal"])
    if any(s == 1 for s in a.shape):
        choices += ["squeeze"] + ([] if writable else ["expand"])
    op = draw(st.sampled_from(choices))
    if op == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return t.unsqueeze(d), np.expand_dims(a, d), True
    if op == "flatten_reshape":
        return t.reshape(-1), a.reshape(-1), None  # a view only when possible
    if op == "flip":
        if nd == 0:
            return t, a, True
        d = draw(st.integers(0, nd - 1))
        return t.flip(d), np.flip(a, d), False
    d = draw(st.integers(0, nd - 1))
    size = a.shape[d]
    if op == "narrow":
        start = draw(st.integers(0, size))
        length = draw(st.integers(0, size - start))
        return t.narrow(d, start, length), a[(slice(None),) * d + (slice(start, start + length),)], True
    if op == "select":
        if size == 0:
            return t, a, True
        i = draw(st.integers(-size, size - 1))
        return t.select(d, i), a[(slice(None),) * d + (i, Ellipsis)], True  # (Ellipsis: a 0-d view, not a scalar)
    if op == "step_slice":
        k = draw(st.integers(1, 3))
        b = draw(st.integers(0, 2))
        idx = (slice(None),) * d + (slice(b, None, k),)
        return t[idx], a[idx], True
    if op == "movedim":
        e = draw(st.integers(0, nd - 1))
        return t.movedim(d, e), np.moveaxis(a, d, e), True
    if op == "unflatten":
        if size == 0 or size % 2:
            return t, a, True
        return t.unflatten(d, (2, -1)), a.reshape(a.shape[:d] + (2, size // 2) + a.shape[d + 1:]), True
    if op == "transpose":
        e = draw(st.integers(0, nd - 1))
        return t.transpose(d, e), np.swapaxes(a, d, e), True
    if op == "permute":
        p = draw(st.permutations(range(nd)))
        return t.permute(*p), np.transpose(a, p), True
    if op == "diagonal":
        e = draw(st.integers(0, nd - 1))
        if e == d:
            return t, a, True
        off = draw(st.integers(-2, 2))
        return t.diagonal(off, d, e), np.diagonal(a, off, d, e), True
    if op == "squeeze":
        ones = [i for i, s in enumerate(a.shape) if s == 1]
        i = draw(st.sampled_from(ones))
        return t.squeeze(i), np.squeeze(a, i), True
    # expand a size-1 dim
    ones = [i for i, s in enumerate(a.shape) if s == 1]
    i = draw(st.sampled_from(ones))
    new = list(a.shape)
    new[i] = draw(st.integers(0, 4))
    return t.expand(*new), np.broadcast_to(a, new), True


@given(data=st.data())
def test_view_chains_match_numpy_and_share_memory(data):
    t, arr, kind = data.draw(tensor_and_array(dtype="float64"))
    base = t
    a = arr
    for _ in range(data.draw(st.integers(1, 5))):
        t2, a2, is_view = _view_step(data.draw, t, a)
        assert tuple(t2.shape) == a2.shape
        if is_view:
            assert t2._storage_ptr() == t._storage_ptr()
        t, a = t2, a2
    np.testing.assert_array_equal(_np_of(t), a)
    c = t.contiguous()
    assert c.is_contiguous() and np.array_equal(_np_of(c), a)
    assert np.array_equal(t.clone().numpy() if t.dim() else np.asarray(t.clone().item()), a)
    assert base.sum().item() == pytest.approx(arr.sum())


@given(data=st.data())
def test_is_contiguous_and_strides_follow_definition(data):
    t, arr, kind = data.draw(tensor_and_array(dtype="int32"))
    sizes, strides = t.shape, t.stride()
    expected, contiguous = 1, True
    for s, k in reversed(list(zip(sizes, strides))):
        if s == 1:
            continue
        if k != expected:
            contiguous = False
        expected *= s
    if 0 in sizes:
        contiguous = True  # empty tensors are contiguous whatever their strides (as PyTorch)
    assert t.is_contiguous() == contiguous
    nz = t.numpy()
    assert nz.strides == tuple(k * 4 for k in strides)
    np.testing.assert_array_equal(nz, arr)


@given(data=st.data(), op=st.sampled_from(["add_", "mul_", "fill_", "zero_", "copy_", "setitem", "clamp_"]))
def test_in_place_through_views_writes_the_right_elements(data, op):
    base_arr = data.draw(arrays(shape=data.draw(shapes(1, 3, 1, 5)), dtype="float64"))
    base = tc.tensor(base_arr)
    ref = base_arr.copy()
    t, a = base, ref
    for _ in range(data.draw(st.integers(1, 3))):
        t2, a2, is_view = _view_step(data.draw, t, a, writable=True)
        if not is_view:
            break
        t, a = t2, a2
    if op == "add_":
        t.add_(1.5)
        a += 1.5
    elif op == "mul_":
        t.mul_(-2)
        a *= -2
    elif op == "fill_":
        t.fill_(7.0)
        a[...] = 7.0
    elif op == "zero_":
        t.zero_()
        a[...] = 0
    elif op == "copy_":
        src = np.arange(a.size, dtype=np.float64).reshape(a.shape)
        t.copy_(tc.tensor(src))
        a[...] = src
    elif op == "setitem":
        t[...] = 3.0
        a[...] = 3.0
    else:
        t.clamp_(-0.5, 0.5)
        np.clip(a, -0.5, 0.5, out=a)
    np.testing.assert_array_equal(base.numpy(), ref)


@given(data=st.data())
def test_matmul_batched_broadcasting(data):
    m, k, n = (data.draw(st.integers(1, 4)) for _ in range(3))
    batch = data.draw(shapes(0, 2, 1, 3))
    ba = tuple(1 if data.draw(st.booleans()) else s for s in batch)
    bb = tuple(1 if data.draw(st.booleans()) else s for s in batch)
    a_vec = data.draw(st.booleans()) and not batch
    b_vec = data.draw(st.booleans())
    sa = (k,) if a_vec else ba + (m, k)
    sb = (k,) if b_vec else bb + (k, n)
    dtype = data.draw(st.sampled_from(["float32", "float64", "int64"]))
    ta, a, _ = data.draw(tensor_and_array(sa, dtype))
    tb, b, _ = data.draw(tensor_and_array(sb, dtype))
    out = ta @ tb
    ref = np.matmul(a, b)
    assert tuple(out.shape) == ref.shape
    assert out.dtype.name == dtype
    assert_close(_np_of(out), ref, 1e-4 if dtype == "float32" else 1e-10, 1e-4)


@given(data=st.data())
def test_cat_and_stack_any_layout(data):
    shape = data.draw(shapes(1, 3, 0, 4))
    dim = data.draw(st.integers(0, len(shape) - 1))
    parts, arrs = [], []
    for _ in range(data.draw(st.integers(1, 3))):
        s = list(shape)
        s[dim] = data.draw(st.integers(0, 3))
        t, a, _ = data.draw(tensor_and_array(tuple(s), data.draw(st.sampled_from(["int32", "float32", "float64"]))))
        parts.append(t)
        arrs.append(a)
    out = tc.cat(parts, dim)
    ref = np.concatenate(arrs, axis=dim)
    assert tuple(out.shape) == ref.shape
    assert out.dtype.name == op_db.result_type(*arrs)
    assert_close(out.numpy(), ref, 1e-6, 1e-6)
    same = [p for p in parts if tuple(p.shape) == tuple(parts[0].shape)]
    st_out = tc.stack(same, dim)
    np.testing.assert_allclose(st_out.numpy(), np.stack([_np_of(p) for p in same], axis=dim), rtol=1e-6)


@given(data=st.data())
def test_getitem_random_keys_match_numpy(data):
    shape = data.draw(shapes(1, 3, 1, 5))
    t, a, _ = data.draw(tensor_and_array(shape, "int64"))
    key = []
    for d, s in enumerate(shape):
        kind = data.draw(st.sampled_from(["int", "slice", "full", "list"]))
        if kind == "int":
            key.append(data.draw(st.integers(-s, s - 1)))
        elif kind == "slice":
            key.append(slice(data.draw(st.integers(-s, s)), data.draw(st.integers(-s, s)),
                             data.draw(st.integers(1, 3))))
        elif kind == "list" and not any(isinstance(k, list) for k in key):
            key.append(data.draw(st.lists(st.integers(-s, s - 1), min_size=1, max_size=3)))
        else:
            key.append(slice(None))
    if data.draw(st.booleans()):
        key.insert(data.draw(st.integers(0, len(key))), None)
    key = tuple(key)
    # numpy and PyTorch disagree on ints mixed with a list; keep keys where they agree
    assume(not (any(isinstance(k, list) for k in key) and any(isinstance(k, int) for k in key)))
    out = t[key]
    ref = a[key]
    assert tuple(out.shape) == ref.shape
    np.testing.assert_array_equal(_np_of(out), ref)
