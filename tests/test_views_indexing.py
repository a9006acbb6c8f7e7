"""Views (shared storage, strides, offsets), indexing and assignment, and
zero-copy exchange with numpy and PyTorch (buffer protocol, DLPack)."""
import numpy as np
import pytest

import tensorcore as tc


def _base(m, shape=(2, 3, 4)):
    n = int(np.prod(shape))
    return m.arange(n, dtype=m.float32).reshape(*shape)


# ---------------------------------------------------------------------------
# Views share storage, geometry matches torch
VIEWS = {
    "view": lambda t: t.view(4, 6),
    "view_infer": lambda t: t.view(-1, 4),
    "reshape_viewable": lambda t: t.reshape(6, 4),
    "transpose": lambda t: t.transpose(0, 2),
    "t": lambda t: t[0].t(),
    "T": lambda t: t[0].T,
    "mT": lambda t: t.mT,
    "permute": lambda t: t.permute(2, 0, 1),
    "expand": lambda t: t[:, :1].expand(2, 5, 4),
    "squeeze": lambda t: t[:, :1].squeeze(),
    "squeeze_dim": lambda t: t[:, :1].squeeze(1),
    "unsqueeze": lambda t: t.unsqueeze(1),
    "flatten": lambda t: t.flatten(),
    "flatten_partial": lambda t: t.flatten(0, 1),
    "unflatten": lambda t: t.unflatten(2, (2, 2)),
    "narrow": lambda t: t.narrow(2, 1, 2),
    "select": lambda t: t.select(1, 2),
    "select_neg": lambda t: t.select(-1, -1),
    "chunk": lambda t: t.chunk(2, 2)[1],
    "split": lambda t: t.split(3, 2)[1],
    "split_sizes": lambda t: t.split([1, 2], 1)[1],
    "unbind": lambda t: t.unbind(1)[2],
    "as_strided": lambda t: t.as_strided((3, 3), (4, 1), 1),
    "diagonal": lambda t: t.diagonal(0, 1, 2),
    "diagonal_offset": lambda t: t.diagonal(1, -1, -2),
    "movedim": lambda t: t.movedim(0, -1),
    "slice_step": lambda t: t[:, ::2, 1::2],
    "int_index": lambda t: t[1],
    "ellipsis_none": lambda t: t[..., None, 1:3],
    "contiguous_noop": lambda t: t.contiguous(),
    "detach": lambda t: t.detach(),
    "view_of_transpose_ok": lambda t: t.transpose(0, 1).view(3, 2, 2, 2),
    "swapaxes": lambda t: t.swapaxes(0, 1),
    "view_as": lambda t: t.view_as(t.new_zeros(24)),
    "expand_as": lambda t: t[:1].expand_as(t),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_shares_storage(name):
    base = _base(tc)
    v = VIEWS[name](base)
    assert v._storage_ptr() == base._storage_ptr()
    before = v.clone()
    base.add_(1000)  # mutation through the base is visible in the view
    assert np.array_equal(v.numpy(), before.numpy() + 1000)
    if name not in ("expand", "expand_as"):  # writing through an expanded view would alias
        v.fill_(-1)
        assert (base.numpy() == -1).sum() == v.numel()


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_geometry_matches_torch(name, torch):
    a = VIEWS[name](_base(tc))
    b = VIEWS[name](_base(torch))
    assert tuple(a.shape) == tuple(b.shape)
    assert a.stride() == b.stride()
    assert a.storage_offset() == b.storage_offset()
    assert a.is_contiguous() == b.is_contiguous()
    assert a.data_ptr() - _base_ptr(a) == (b.data_ptr() - b.untyped_storage().data_ptr())
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def _base_ptr(t):
    return t._storage_ptr()


def test_data_ptr_and_storage_offset():
    t = tc.arange(10, dtype=tc.float64)
    v = t[3:]
    assert v.storage_offset() == 3 and v.data_ptr() == t.data_ptr() + 3 * 8
    assert t[::3].stride() == (3,) and t.stride(0) == 1 and t.stride(-1) == 1
    assert tc.zeros(2, 3, 4).stride() == (12, 4, 1)
    assert tc.zeros(2, 3).t().stride() == (1, 3)


def test_view_on_non_contiguous_raises_like_torch(torch):
    for m in (tc, torch):
        t = _base(m).transpose(0, 1)
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            t.view(-1)
        with pytest.raises(RuntimeError, match="reshape"):
            t.view(24)
    for m in (tc, torch):
        with pytest.raises(RuntimeError, match="invalid for input of size"):
            _base(m).view(5, 5)


RESHAPES = [
    ("contig", lambda t: t, (6, 4)),
    ("transposed", lambda t: t.transpose(0, 2), (24,)),
    ("transposed_merge_ok", lambda t: t.transpose(0, 1), (3, 8)),
    ("transposed_split", lambda t: t.transpose(1, 2), (2, 2, 2, 3)),
    ("sliced", lambda t: t[:, ::2], (4, 4)),
    ("expanded", lambda t: t[:, :1].expand(2, 3, 4), (6, 4)),
    ("expanded_1", lambda t: t[:1].expand(3, 3, 4), (3, 12)),
    ("select", lambda t: t[:, 1], (8,)),
    ("size1_dims", lambda t: t[:, :1, :], (2, 4)),
]


@pytest.mark.parametrize("name,prep,shape", RESHAPES, ids=[r[0] for r in RESHAPES])
def test_reshape_copies_only_when_needed(name, prep, shape, torch):
    a = prep(_base(tc))
    b = prep(_base(torch))
    ra, rb = a.reshape(*shape), b.reshape(*shape)
    shares_a = ra._storage_ptr() == a._storage_ptr()
    shares_b = rb.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
    assert shares_a == shares_b, f"{name}: tensorcore {'views' if shares_a else 'copies'}, torch does not"
    assert ra.stride() == rb.stride()
    np.testing.assert_array_equal(ra.numpy(), rb.numpy())
    if shares_a and 0 not in a.stride():  # expanded tensors cannot be written (Note [Write overlap])
        a.add_(1)
        assert np.array_equal(ra.numpy(), a.reshape(*shape).numpy())


# ---------------------------------------------------------------------------
# __getitem__
KEYS = [
    1, -1, (0, 2), (-1, -2, -3), slice(None), slice(1, None), slice(None, None, 2), slice(-3, -1),
    (slice(None), slice(None, None, 2)), (slice(None), slice(None), slice(1, None, 3)), slice(5, 10),
    None, (None, 0), (0, None, slice(None), None), Ellipsis, (Ellipsis, 0), (0, Ellipsis), (Ellipsis, None),
    (1, Ellipsis, slice(None, None, 2)),
    [0, 1, 0], ([1, 0],), ([0, 1], [2, 0]), ([0, 1], slice(None), [3, 1]), (slice(None), [2, 0]),
    (slice(None), [[0, 1], [2, 0]]), ([-1, 0],), (0, [1, 2], [0, 3]), (Ellipsis, [0, 3]),
    (None, [1, 0], Ellipsis), ([[0], [1]], [1, 2]), (1, slice(None), [0, 0, 3]),
    "mask_full", "mask_row", "mask_2d", "mask_and_int", "mask_after_slice", True, False, (0, True),
    "long_tensor", "int32_tensor", "zero_dim_index", "empty_list", "mask_0d",
]


def _key(m, k):
    if isinstance(k, str):
        t = _base(m)
        return {
            "mask_full": t > 11,
            "mask_row": m.tensor([True, False]),
            "mask_2d": (t.sum(2) > 40),
            "mask_and_int": (1, m.tensor([True, False, True])),
            "mask_after_slice": (slice(None), slice(None), m.tensor([False, True, True, False])),
            "long_tensor": m.tensor([[1, 0], [0, 0]]),
            "int32_tensor": (slice(None), m.tensor([2, 1], dtype=m.int32)),
            "zero_dim_index": (m.tensor(1), m.tensor(-1)),
            "empty_list": ([],),
            "mask_0d": m.tensor(True),
        }[k]
    return k


# numpy treats an int next to an index list as advanced (moving the broadcast
# dims first); PyTorch treats it as a basic index. torch is the reference.
_NUMPY_DIFFERS = {repr((1, slice(None), [0, 0, 3])), repr((0, [1, 2], [0, 3])), repr((0, True)), repr(True),
                  repr(False)}


def _np_key(k):
    if isinstance(k, str) or repr(k) in _NUMPY_DIFFERS:
        return None
    return k


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_getitem_matches_torch_and_numpy(key, torch):
    a = _base(tc)[_key(tc, key)]
    b = _base(torch)[_key(torch, key)]
    assert tuple(a.shape) == tuple(b.shape), key
    assert a.dtype.name == str(b.dtype).replace("torch.", "")
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    nk = _np_key(key)
    if nk is not None:
        ref = np.arange(24, dtype=np.float32).reshape(2, 3, 4)[nk]
        np.testing.assert_array_equal(a.numpy(), ref)


@pytest.mark.parametrize("key", [k for k in KEYS if not isinstance(k, str)], ids=lambda k: repr(k))
def test_getitem_view_vs_copy_matches_torch(key, torch):
    ta, tb = _base(tc), _base(torch)
    a, b = ta[key], tb[key]
    view_a = a._storage_ptr() == ta._storage_ptr()
    view_b = b.untyped_storage().data_ptr() == tb.untyped_storage().data_ptr()
    assert view_a == view_b
    if view_a:
        assert a.stride() == b.stride() and a.storage_offset() == b.storage_offset()


def test_getitem_errors_match_torch(torch):
    bad = [(5,), (0, 0, 0, 0), (-3,), (slice(None), 7), ([0, 5],), (1.5,), ("a",),
           (slice(None, None, -1),), (slice(None, None, 0),), ([[0, 1]], [0, 1, 2])]
    for key in bad:
        errs = []
        for m in (tc, torch):
            with pytest.raises(Exception) as ei:
                _base(m)[key]
            errs.append(ei.value)
        assert type(errs[0]).__name__ in (type(errs[1]).__name__, "IndexError", "RuntimeError") and \
            isinstance(errs[0], (IndexError, TypeError, ValueError, RuntimeError)), (key, errs)
        assert _family(errs[0]) == _family(errs[1]), (key, errs)
    for m in (tc, torch):
        with pytest.raises(IndexError):
            _base(m)[m.tensor([True, False, True])]  # mask shape mismatch
        with pytest.raises((IndexError, RuntimeError)):
            m.tensor(5.0)[0]


def _family(e):
    for fam in (IndexError, TypeError, ValueError, RuntimeError):
        if isinstance(e, fam):
            return fam
    return type(e)


# ---------------------------------------------------------------------------
# __setitem__
SETS = [
    (1, 5.0), ((0, 1), 7), (slice(None, None, 2), 3.5), ((Ellipsis, 0), "col3"), ((slice(None), 1), "row4"),
    (0, "mat34"), ((slice(None), slice(None), 1), "col3"), ([0, 1], -1.0), (([0, 1], [2, 0]), "bcast_row"),
    ("mask", 0.0), ("mask", "mask_vals"), ((1, slice(1, None)), "bcast_col"), (None, 9.0),
    ((slice(None), [0, 2], slice(None)), "bcast_row"), (Ellipsis, "mat34"), ((0, 0, 0), "zero_dim"),
]


def _set_value(m, v, target):
    if isinstance(v, str):
        return {
            "row4": m.tensor([1.0, 2.0, 3.0, 4.0]),
            "mat34": m.arange(12.0).reshape(3, 4),
            "col3": m.tensor([9.0, 8.0, 7.0]),
            "two": m.tensor([10.0, 20.0]),
            "mask_vals": m.arange(float((target > 11).sum().item())),
            "bcast_col": m.tensor([[1.0], [2.0]]),
            "bcast_row": m.tensor([5.0, 6.0, 7.0, 8.0]),
            "zero_dim": m.tensor(42.0),
        }[v]
    return v


@pytest.mark.parametrize("key,value", SETS, ids=[f"{k!r}={v!r}"[:40] for k, v in SETS])
def test_setitem_matches_torch_and_numpy(key, value, torch):
    out = []
    for m in (tc, torch):
        t = _base(m)
        k = (t > 11) if key == "mask" else key
        val = _set_value(m, value, t)
        t[k] = val
        out.append(t.numpy())
    np.testing.assert_array_equal(out[0], out[1])
    if key != "mask" and not isinstance(value, str):
        ref = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
        ref[key] = value
        np.testing.assert_array_equal(out[0], ref)


@pytest.mark.parametrize("value", [[1.0, 2.0, 3.0, 4.0], (1, 2, 3, 4), np.arange(4.0), "a", None])
def test_setitem_assigns_only_tensors_and_numbers(value, torch):
    for m in (tc, torch):
        t = _base(m)
        with pytest.raises(TypeError, match="can't assign a"):
            t[1, 1] = value


def test_setitem_through_views_and_dtype_cast():
    t = tc.zeros(3, 4)
    t[1][2] = 5  # int into float tensor, through a select view
    t[:, 0] = tc.tensor([1, 2, 3])  # int tensor cast on assignment
    t.t()[3] = 9.0
    assert t.tolist() == [[1, 0, 0, 9], [2, 0, 5, 9], [3, 0, 0, 9]]
    i = tc.zeros(3, dtype=tc.int64)
    i[0] = 2.7  # truncates as torch
    assert i.tolist() == [2, 0, 0]
    b = tc.zeros(2, dtype=tc.bool)
    b[1] = True
    assert b.tolist() == [False, True]
    with pytest.raises(RuntimeError):
        t[0] = tc.ones(5)  # not broadcastable
    w = tc.zeros(2, 2)
    w[...] = tc.tensor([[1.0, 2.0], [3.0, 4.0]]).t()  # overlapping-free strided source
    assert w.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    x = tc.arange(4.0)
    x[1:] = x[:-1].clone()
    assert x.tolist() == [0.0, 0.0, 1.0, 2.0]


OVERLAPPING_WRITES = {  # Note [Write overlap]: (call, error, or None when allowed) in both libraries
    "setitem_other_tensor": (lambda m: m.arange(6.0).__setitem__(slice(1, None), m.arange(5.0)), None),
    "setitem_self_shifted": (lambda m: (lambda x: x.__setitem__(slice(1, None), x[:-1]))(m.arange(6.0)), "some"),
    "setitem_transpose": (lambda m: (lambda y: y.__setitem__(slice(None), y.t()))(m.ones(3, 3)), "some"),
    "add_expanded": (lambda m: m.zeros(1).expand(3).add_(1), "more than one"),
    "exp_expanded": (lambda m: m.zeros(1).expand(3).exp_(), "more than one"),
    "fill_expanded": (lambda m: m.zeros(1).expand(3).fill_(1), None),
    "add_shifted": (lambda m: (lambda a: a[1:].add_(a[:-1]))(m.arange(4.0)), "some"),
    "iadd_transpose": (lambda m: (lambda x: x.__iadd__(x.t()))(m.ones(3, 3)), "some"),
    "add_self": (lambda m: m.ones(3).add_(m.ones(3)), None),
    "add_column_row": (lambda m: (lambda a: a[:, 0].add_(a[0]))(m.ones(3, 3)), None),
    "copy_shifted": (lambda m: (lambda a: a[1:].copy_(a[:-1]))(m.arange(4.0)), "some"),
    "out_shifted": (lambda m: (lambda a: m.add(a[:-1], 1, out=a[1:]))(m.arange(4.0)), "some"),
}


@pytest.mark.parametrize("case", sorted(OVERLAPPING_WRITES))
def test_overlapping_writes_are_refused_like_torch(case, torch):
    call, error = OVERLAPPING_WRITES[case]
    for m in (tc, torch):
        if error is None:
            call(m)
        else:
            with pytest.raises(RuntimeError, match=f"unsupported operation: {error}"):
                call(m)


# ---------------------------------------------------------------------------
# numpy interop
def test_numpy_shares_memory():
    t = tc.zeros(2, 3)
    a = t.numpy()
    assert a.dtype == np.float32 and a.shape == (2, 3)
    a[0, 1] = 5
    assert t[0, 1].item() == 5.0
    t[1, 2] = 7
    assert a[1, 2] == 7
    v = t.t()
    av = v.numpy()
    assert av.strides == (4, 12) and np.shares_memory(av, a)
    s = t[:, 1:]
    assert s.numpy().__array_interface__["data"][0] == s.data_ptr()
    del t, v, s  # the array keeps the memory alive
    assert a.sum() == 12


def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = tc.from_numpy(a)
    assert t.dtype == tc.float64 and t.shape == (2, 3)
    a[0, 0] = 100
    assert t[0, 0].item() == 100
    t[1, 1] = -1
    assert a[1, 1] == -1
    tt = tc.from_numpy(a.T)
    assert tt.stride() == (1, 3) and tt.data_ptr() == a.ctypes.data
    sl = tc.from_numpy(a[:, 1:])
    assert sl.data_ptr() == a[:, 1:].ctypes.data
    for dt, want in ((np.int32, tc.int32), (np.int64, tc.int64), (np.bool_, tc.bool), (np.float32, tc.float32)):
        assert tc.from_numpy(np.zeros(2, dtype=dt)).dtype == want
    with pytest.raises(TypeError):
        tc.from_numpy(np.zeros(2, dtype=np.uint16))  # (complex64 converts since issue 10)
    with pytest.raises(TypeError):
        tc.from_numpy([1, 2])
    with pytest.raises(ValueError):
        tc.from_numpy(np.arange(5.0)[::-1])
    b = tc.from_numpy(np.array(3.5))
    assert b.shape == () and b.item() == 3.5
    del a
    assert t.sum().item() == 100 + 1 + 2 + 3 - 1 + 5


def test_array_protocol_and_buffer():
    t = tc.tensor([[1, 2], [3, 4]], dtype=tc.int32)
    a = np.asarray(t)
    assert a.dtype == np.int32 and np.shares_memory(a, t.numpy())
    assert np.array(t, dtype=np.float64).dtype == np.float64
    assert np.add(t, 1).tolist() == [[2, 3], [4, 5]]
    mv = memoryview(t)
    assert mv.format == "i" and mv.shape == (2, 2) and mv.strides == (8, 4)
    b = np.asarray(mv)
    b[0, 0] = 9
    assert t[0, 0].item() == 9  # no copy through the buffer protocol
    mvt = memoryview(t.t())
    assert mvt.strides == (4, 8)
    for dt, fmt in ((tc.float32, "f"), (tc.float64, "d"), (tc.int64, "q"), (tc.bool, "?")):
        assert memoryview(tc.zeros(2, dtype=dt)).format == fmt


def test_tolist_item_len_iter_and_conversions(torch):
    for m in (tc, torch):
        t = m.tensor([[1.5, 2.0], [3.0, 4.0]])
        assert t.tolist() == [[1.5, 2.0], [3.0, 4.0]]
        assert m.tensor(3).tolist() == 3 and isinstance(m.tensor(3).item(), int)
        assert isinstance(m.tensor(2.5).item(), float) and isinstance(m.tensor(True).item(), bool)
        assert len(t) == 2
        rows = list(t)
        assert len(rows) == 2 and rows[1].tolist() == [3.0, 4.0]
        assert float(m.tensor([2.5])) == 2.5 and int(m.tensor(7.9)) == 7 and bool(m.tensor([0])) is False
        assert [1, 2, 3][m.tensor(1)] == 2  # __index__
        with pytest.raises(TypeError):
            len(m.tensor(1.0))
        with pytest.raises(TypeError):
            iter(m.tensor(1.0))
        with pytest.raises(RuntimeError):
            bool(m.tensor([1, 2]))
        with pytest.raises((RuntimeError, ValueError)):
            t.item()
        with pytest.raises(TypeError):
            [1, 2][m.tensor(1.0)]
    assert tc.tensor([[1, 2]], dtype=tc.int32).tolist() == [[1, 2]]
    assert tc.tensor([True, False]).tolist() == [True, False]
    assert tc.zeros(0, 3).tolist() == []
    assert 2.0 in tc.tensor([1.0, 2.0]) and 5 not in tc.tensor([1, 2])
    assert f"{tc.tensor(2.5):.2f}" == "2.50"


# ---------------------------------------------------------------------------
# DLPack
def test_dlpack_to_numpy_without_copy():
    t = tc.arange(6, dtype=tc.float32).reshape(2, 3)
    a = np.from_dlpack(t)
    assert a.shape == (2, 3) and a.__array_interface__["data"][0] == t.data_ptr()
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    s = t[:, 1:]
    b = np.from_dlpack(s)
    assert b.__array_interface__["data"][0] == s.data_ptr() and b.tolist() == [[1, 2], [4, 5]]
    tt = np.from_dlpack(t.t())
    assert tt.strides == (4, 12)
    assert t.__dlpack_device__() == (1, 0)
    for dt in (tc.int32, tc.int64, tc.float64, tc.bool):
        x = tc.ones(3, dtype=dt)
        assert np.from_dlpack(x).dtype.name == dt.name


def test_dlpack_from_numpy_without_copy():
    a = np.arange(6.0).reshape(2, 3)
    t = tc.from_dlpack(a)
    assert t.data_ptr() == a.ctypes.data and t.dtype == tc.float64
    a[1, 2] = -5
    assert t[1, 2].item() == -5
    t2 = tc.from_dlpack(a[:, ::2])
    assert t2.stride() == (3, 2) and t2.tolist() == [[0.0, 2.0], [3.0, -5.0]]
    cap = a.__dlpack__()
    t3 = tc.from_dlpack(cap)
    assert t3.data_ptr() == a.ctypes.data
    with pytest.raises(TypeError):
        tc.from_dlpack(cap)  # a capsule is consumed once
    with pytest.raises(TypeError):
        tc.from_dlpack(np.zeros(2, dtype=np.uint32))  # (complex128 converts since issue 10)
    with pytest.raises(TypeError):
        tc.from_dlpack([1, 2])


def test_dlpack_with_torch_without_copy(torch):
    t = tc.arange(12, dtype=tc.float32).reshape(3, 4)
    pt = torch.from_dlpack(t)
    assert pt.data_ptr() == t.data_ptr() and pt.shape == (3, 4) and pt.dtype == torch.float32
    pt[0, 0] = 99
    assert t[0, 0].item() == 99
    v = torch.from_dlpack(t.t()[1:])
    assert v.stride() == (1, 4) and v.data_ptr() == t.t()[1:].data_ptr()
    src = torch.arange(10, dtype=torch.int64)[2:]
    back = tc.from_dlpack(src)
    assert back.data_ptr() == src.data_ptr() and back.dtype == tc.int64 and back.tolist() == list(range(2, 10))
    src[0] = -1
    assert back[0].item() == -1
    bt = tc.from_dlpack(torch.ones(2, 3, dtype=torch.float64).t())
    assert bt.stride() == (1, 3) and bt.dtype == tc.float64
    assert tc.from_dlpack(torch.tensor([True, False])).tolist() == [True, False]
    del src
    assert back.sum().item() == sum(range(3, 10)) - 1


def test_dlpack_keeps_owner_alive():
    t = tc.arange(4, dtype=tc.float64)
    a = np.from_dlpack(t)
    del t
    import gc
    gc.collect()
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]
    arr = np.arange(3.0)
    x = tc.from_dlpack(arr)
    del arr
    gc.collect()
    assert x.tolist() == [0.0, 1.0, 2.0]


# Note [Every view knows its base]: Tensor._base / _is_view() as PyTorch, and a
# write through a view of a plain tensor that brings a gradient in reaches the
# base (buffers filled piece by piece, buf.unbind()[i].copy_(h)).
VIEW_FORMS = {
    "slice": lambda x: x[0:2], "select": lambda x: x[0], "t": lambda x: x.t(), "view": lambda x: x.view(12),
    "reshape": lambda x: x.reshape(12), "reshape copy": lambda x: x.t().reshape(12), "detach": lambda x: x.detach(),
    "expand": lambda x: x[:1].expand(3, 4), "unsqueeze": lambda x: x.unsqueeze(0), "chain": lambda x: x[0:2][0],
    "diagonal": lambda x: x.diagonal(), "narrow": lambda x: x.narrow(0, 0, 1), "unbind": lambda x: x.unbind()[0],
    "split": lambda x: x.split(1)[0], "chunk": lambda x: x.chunk(3)[1], "T": lambda x: x.T,
    "ellipsis": lambda x: x[...], "contiguous": lambda x: x.contiguous(), "float": lambda x: x.float(),
    "squeeze": lambda x: x.squeeze(),
}


@pytest.mark.parametrize("form", list(VIEW_FORMS))
def test_base_and_is_view_match_torch(torch, form):
    got, want = [], []
    for lib, out in ((tc, got), (torch, want)):
        x = lib.ones(3, 4)
        v = VIEW_FORMS[form](x)
        out.extend([v._is_view(), v._base is x, x._base is None, x._is_view()])
    assert got == want


@pytest.mark.parametrize("piece", [lambda b: b[1], lambda b: b.unbind()[1], lambda b: b.split(1)[1].squeeze(0),
                                   lambda b: b.narrow(0, 1, 1).view(2)])
def test_writing_a_gradient_through_a_view_of_a_plain_tensor_reaches_it(piece):
    w = tc.tensor([1.0, 2.0], requires_grad=True)
    buf = tc.zeros(3, 2)
    piece(buf).copy_(w * 3)
    (buf * tc.arange(6.0).view(3, 2)).sum().backward()
    assert type(buf.grad_fn).__name__ == "CopySlices"
    assert w.grad.tolist() == [6.0, 9.0]  # d/dw of 3 * (2 * w0 + 3 * w1)
