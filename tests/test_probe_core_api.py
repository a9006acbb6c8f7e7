"""Malformed calls and fault probes of the core Tensor API (Tensor.to and its
argument forms, H / mH, unfold, tensor_split, randperm, pin_memory, assignment
of numpy scalars, deepcopy, .data, save/load arguments), each run under
PyTorch and tensorcore: both raise the same exception type, or both return the
same value. Found by a differential probe of that surface; each case differed
before its fix."""
import builtins
import copy
import io
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore.autograd import gradcheck

torch = pytest.importorskip("torch")


def _builtin_base(e):
    """An exception by the builtin class it derives from (torch's own classes are RuntimeErrors)."""
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(e).__name__


def _rounded(v):
    """Float values to 6 significant digits: the libraries may differ in the last ulp
    (a nuclear norm's SVD, a sum's order)."""
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    if isinstance(v, builtins.float):
        return builtins.float(f"{v:.6g}")
    if isinstance(v, builtins.complex):
        return builtins.complex(_rounded(v.real), _rounded(v.imag))
    return v


def _neutral(r):
    if isinstance(r, (tc.Tensor, torch.Tensor)):
        r = r.detach()
        dtype = str(r.dtype).split(".")[-1]
        values = r.float().tolist() if dtype == "bfloat16" else r.tolist()
        return "tensor", _rounded(values), dtype, tuple(r.shape)
    if isinstance(r, (list, tuple)):
        return type(r).__name__, [_neutral(x) for x in r]
    if isinstance(r, (tc.dtype, torch.dtype)):
        return str(r).split(".")[-1]
    if isinstance(r, (tc.Size, torch.Size)):
        return tuple(r)
    return r


def outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = f(m)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raises", _builtin_base(e)
    return "returns", _neutral(r)


def assert_same(f):
    want, got = outcome(f, torch), outcome(f, tc)
    assert got == want


def cases(*sources):
    """Parametrize over source strings of `m` (the library module); the ids are the sources."""
    return pytest.mark.parametrize("src", sources, ids=sources)


def run(src):
    assert_same(lambda m: eval(src, {"m": m, "np": np}))


# ---- Tensor.to: Note [The three forms of Tensor.to] ----
@cases("m.zeros(3).to(m.float64, 'cpu')", "m.zeros(3).to(m.float64, m.device('cpu'))", "m.zeros(3).to(m.float64, 0)",
       "m.zeros(3).to(m.float64, None)", "m.zeros(3).to(m.int64, dtype=m.int32)", "m.zeros(3).to(m.float64, device='cpu')",
       "m.zeros(3).to('cpu', m.float64, dtype=m.float64)", "m.zeros(3).to('cpu', device='cpu')", "m.zeros(3).to('cpu', 'cpu')",
       "m.zeros(3).to(m.zeros(2), m.float64)", "m.zeros(3).to(m.zeros(2), dtype=m.float64)",
       "m.zeros(3).to(m.float64, True, True, True)", "m.zeros(3).to('cpu', m.float64, True, True, True)",
       "m.zeros(3).to(m.float64, non_blocking=1)", "m.zeros(3).to(device=m.float64)", "m.zeros(3).to(dtype='cpu')",
       "m.zeros(3).to(memory_format=1)", "m.zeros(3).to(foo=1)",
       "m.zeros(3).to(memory_format=m.channels_last)", "m.zeros(3).to(memory_format=m.channels_last_3d)",
       "m.zeros(1, 2, 3, 4, 5).to(memory_format=m.channels_last)", "m.zeros(1, 2, 3, 4).to(memory_format=m.channels_last_3d)")
def test_to_refuses_what_no_overload_accepts(src):
    run(src)


@cases("m.arange(3.).to(None, m.float64)", "m.arange(3.).to(None, None)", "m.arange(3.).to(m.float64, True, copy=True)",
       "m.arange(3.).to(m.float64, False, True)", "m.arange(3.).to('cpu', copy=True, dtype=m.float64)",
       "m.arange(3.).to(device='cpu', dtype=m.int32, copy=True)", "m.arange(3.).to(m.zeros(1, dtype=m.int8), True, True)",
       "m.arange(3.).to(float)", "m.arange(3.).to(int)", "m.arange(3.).to('cpu:0', m.float16)",
       "m.arange(3.).to(memory_format=m.preserve_format)", "m.arange(3.).to(non_blocking=True, copy=False)",
       "m.zeros(1, 2, 3, 4, 5).to(memory_format=m.channels_last_3d).shape")
def test_to_accepts_every_overload(src):
    run(src)


@pytest.mark.parametrize("args,kwargs,copied", [
    (("cpu", None, True, True), {}, True), ((), {"copy": True}, True), (("cpu", None, False, False), {}, False),
    ((), {}, False), (("cpu",), {}, False)])
def test_to_copy_flag(args, kwargs, copied):
    for m in (torch, tc):
        a = m.ones(3)
        assert (a.to(*args, **kwargs) is not a) == copied


# ---- H, mH, adjoint conjugate ----
@cases("m.tensor([[1 + 2j, 3 - 1j]]).H", "m.tensor([[1., 2.], [3., 4.]]).H", "m.tensor(1 + 1j).H", "m.tensor(1 + 1j).mH",
       "m.tensor(1 + 1j).adjoint()", "m.zeros(3).H", "m.zeros(2, 3, 4).H", "m.zeros(3).mH",
       "m.tensor([[[1 + 2j]], [[2 - 1j]]]).mH")
def test_conjugate_transposes(src):
    run(src)


# ---- unfold ----
@cases("m.arange(24.).reshape(2, 3, 4).unfold(2, 5, 1)", "m.arange(24.).reshape(2, 3, 4).unfold(2, 2, 0)",
       "m.arange(24.).reshape(2, 3, 4).unfold(3, 2, 1)", "m.arange(24.).reshape(2, 3, 4).unfold(-4, 2, 1)",
       "m.zeros(3, 4).unfold(1, 2, -1)", "m.zeros(3, 4).unfold(1, -1, 1)", "m.zeros(3, 4).unfold(1, -1, 0)",
       "m.zeros(3, 4).unfold(1, 5, 0)", "m.zeros(3, 4).unfold(1, 2.0, 1)", "m.zeros(3, 0).unfold(1, 1, 1)",
       "m.tensor(5.).unfold(0, 1, 1)", "m.tensor(5.).unfold(-1, 1, 2)", "m.tensor(5.).unfold(0, 0, 1)",
       "m.tensor(5.).unfold(0, 2, 1)", "m.tensor(5.).unfold(0, 1, 0)", "m.tensor(5.).unfold(1, 1, 1)",
       "m.zeros(3, 0).unfold(1, 0, 1)", "m.arange(24.).reshape(2, 3, 4).unfold(-1, 2, 1)",
       "m.arange(24.).reshape(2, 3, 4).transpose(0, 2).unfold(1, 2, 2)", "m.arange(10.)[1::2].unfold(0, 3, 1)",
       "m.zeros(3, 4).unfold(dimension=1, size=2, step=2)")
def test_unfold(src):
    run(src)


def test_unfold_gradcheck():
    x = tc.rand(3, 7, dtype=tc.float64, requires_grad=True)
    assert x.unfold(1, 3, 2).grad_fn.name() == "UnfoldBackward0"
    assert gradcheck(lambda t: t.unfold(1, 3, 2), (x,))
    assert gradcheck(lambda t: t.sum().unfold(0, 1, 1), (x,))


# ---- tensor_split with a tensor of indices ----
@cases("m.zeros(4).tensor_split(m.tensor([1.]))", "m.zeros(4).tensor_split(m.tensor([1], dtype=m.int32))",
       "m.zeros(4).tensor_split(m.tensor([[1]]))", "m.zeros(4).tensor_split(m.tensor(2.))",
       "m.arange(4.).tensor_split(m.tensor([1, 3]))", "m.arange(4.).tensor_split(m.tensor(3))")
def test_tensor_split_index_tensor(src):
    run(src)


# ---- randperm: Note [randperm's dtypes] ----
@cases("m.randperm(5, requires_grad=True)", "m.randperm(5, dtype=m.int8, requires_grad=True)",
       "m.randperm(5, dtype=m.float32, requires_grad=True).requires_grad", "m.randperm(5, dtype=m.bool)",
       "m.randperm(0, dtype=m.bool)", "m.randperm(5, dtype=m.complex64)", "m.randperm(129, dtype=m.int8)",
       "m.randperm(257, dtype=m.uint8)", "m.randperm(32769, dtype=m.int16)", "m.randperm(2050, dtype=m.float16)",
       "m.randperm(2 ** 24 + 2, dtype=m.float32)", "m.randperm(-1)", "m.randperm(-1, dtype=m.bool)",
       "m.randperm(5, pin_memory=True)", "m.randperm(5.)")
def test_randperm_refusals(src):
    run(src)


@pytest.mark.parametrize("dtype,n", [("int8", 128), ("uint8", 256), ("int16", 300), ("int32", 10), ("int64", 10),
                                     ("float16", 2049), ("bfloat16", 200), ("float32", 10), ("float64", 10)])
def test_randperm_is_a_permutation_in_every_dtype(dtype, n):
    want = torch.randperm(n, dtype=getattr(torch, dtype))
    got = tc.randperm(n, dtype=getattr(tc, dtype))
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    assert got.sort().values.tolist() == want.sort().values.tolist()


def test_randperm_out():
    out = tc.zeros(2, dtype=tc.int64)
    r = tc.randperm(5, out=out)
    assert r is out and sorted(out.tolist()) == list(range(5))
    assert tc.randperm(4, dtype=tc.float64, requires_grad=True).is_leaf


# ---- pinned memory: none on a machine without an accelerator ----
@cases("m.zeros(2, pin_memory=True)", "m.ones((2, 3), pin_memory=True)", "m.empty(2, dtype=m.float64, pin_memory=True)",
       "m.rand(2, pin_memory=True)", "m.randn(2, pin_memory=True)", "m.full((2,), 1., pin_memory=True)",
       "m.tensor([1.], pin_memory=True)", "m.empty_strided((2,), (1,), pin_memory=True)",
       "m.zeros(2, pin_memory=False)", "m.rand(2, pin_memory=False).shape", "m.tensor([1.]).is_pinned()",
       "m.tensor([1.]).pin_memory()")
def test_pin_memory(src):
    run(src)


# ---- assignment of numpy scalars: PyTorch takes integers and the float/complex subclasses ----
@pytest.mark.parametrize("dtype", ["float32", "int64"])
@pytest.mark.parametrize("value", ["np.float32(3)", "np.float16(2)", "np.bool_(True)", "np.complex64(1)",
                                   "np.array(3.)", "np.float64(3.5)", "np.int64(3)", "np.int32(3)", "np.uint8(3)"])
def test_setitem_numpy_scalar(dtype, value):
    def f(m):
        a = m.zeros(2, dtype=getattr(m, dtype))
        a[0] = eval(value)
        return a
    assert_same(f)


# ---- deepcopy: Note [deepcopy keeps views views] ----
def test_deepcopy_refuses_non_leaves():
    assert_same(lambda m: copy.deepcopy(m.arange(3., requires_grad=True) * 2))
    assert_same(lambda m: copy.deepcopy(m.arange(3., requires_grad=True)[1:]))


@pytest.mark.parametrize("make", ["[a, a[1:]]", "[a[1:], a]", "[a[::2], a.view(2, 3), a]", "[a.t(), a]", "{'v': a[2:4]}"])
def test_deepcopy_keeps_views_of_one_tensor_together(make):
    def f(m):
        a = m.arange(6.) if "t()" not in make else m.arange(6.).reshape(2, 3)
        copied = copy.deepcopy(eval(make, {"a": a}))
        parts = list(copied.values()) if isinstance(copied, dict) else copied
        parts[0].add_(100)  # a write through one copy is seen by the copies that shared its storage
        return parts, a
    assert_same(f)


def test_deepcopy_leaf_keeps_grad_and_requires_grad():
    def f(m):
        a = m.ones(2, requires_grad=True)
        a.grad = m.full((2,), 3.)
        b = copy.deepcopy(a)
        return b, b.requires_grad, b.is_leaf, b.grad
    assert_same(f)


# ---- .data assignment ----
@cases("setattr(m.ones(3, requires_grad=True), 'data', m.zeros(4, dtype=m.int64))",
       "setattr(m.ones(3, requires_grad=True), 'data', m.zeros(2, dtype=m.complex64))",
       "setattr(m.ones(3, requires_grad=True), 'data', 5)",
       "setattr(m.ones(3, dtype=m.int64), 'data', m.zeros(2))")
def test_data_assignment(src):
    run(src)


def test_data_assignment_replaces_the_values():
    def f(m):
        a = m.ones(3, requires_grad=True)
        a.data = m.arange(4.)
        return a, a.requires_grad
    assert_same(f)


# ---- assorted: legacy CUDA types, tril_indices' dtypes, full's fill value ----
@cases("m.zeros(2).type('torch.cuda.FloatTensor')", "m.zeros(2).type('torch.DoubleTensor')",
       "m.tril_indices(3, 3, dtype=m.float32)", "m.triu_indices(3, 3, dtype=m.int16)",
       "m.tril_indices(3, 3, dtype=m.int32)", "m.full((2,), m.tensor([3.]))", "m.full((2,), m.tensor(3.))",
       "m.full((2,), m.tensor(3))")
def test_assorted(src):
    run(src)


# ---- save / load arguments ----
def test_save_into_a_missing_directory(tmp_path):
    assert_same(lambda m: m.save(m.ones(1), str(tmp_path / "missing" / "x.pt")))
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("kwargs", [{"foo": 1}, {"encoding": "latin1"}, {"fix_imports": True},
                                    {"weights_only": False, "fix_imports": True, "errors": "strict"},
                                    {"weights_only": False, "foo": 1}])
def test_load_unpickler_keywords(kwargs):
    def f(m):
        buf = io.BytesIO()
        m.save(m.arange(3.), buf)
        buf.seek(0)
        return m.load(buf, **kwargs)
    assert_same(f)


# ---- assignment through a bool mask: Note [Which assignments are a masked fill] ----
@pytest.mark.parametrize("key", ["[[True, False, True]]", "[[True, 1, True]]", "[[True]]", "[[True, False]]"])
@pytest.mark.parametrize("value", ["m.tensor(5, dtype=m.int64)", "m.tensor([5, 6], dtype=m.int64)",
                                   "m.tensor([[5.]], dtype=m.float64)", "m.tensor(True)", "m.tensor(1 + 0j)",
                                   "m.tensor(1 + 2j)"])
def test_setitem_bool_list_mask(key, value):
    def f(m):
        a = m.zeros(3)
        exec(f"a{key} = {value}", {"a": a, "m": m})
        return a
    assert_same(f)


@pytest.mark.parametrize("key", ["[[True, False]]", "[:, m.tensor([True, False, True])]",
                                 "[..., m.tensor([True, False, True])]", "[0, m.tensor([True, False, True])]",
                                 "[None, m.tensor([True, False])]", "[m.tensor([True, False]), 0]",
                                 "[m.tensor([True, False]), [0]]", "[m.tensor([True, False]), m.tensor([True] * 3)]",
                                 "[:, [True, False, True]]"])
def test_setitem_mask_after_basic_indices(key):
    def f(m):
        b = m.zeros(2, 3)
        exec(f"b{key} = m.tensor(7, dtype=m.int64)", {"b": b, "m": m})
        return b
    assert_same(f)


def test_setitem_mask_fill_value_gradient():
    def f(m):
        v = m.tensor(2., dtype=m.float64, requires_grad=True)
        a = m.zeros(2, 3, requires_grad=True) * 1
        a[:, [True, False, True]] = v
        (a * m.arange(1., 7.).reshape(2, 3)).sum().backward()
        return a, v.grad
    assert_same(f)


# ---- complex linspace and eye; linspace's bound tensors ----
@cases("m.linspace(1 + 1j, 2, 3)", "m.linspace(0, 1, 3, dtype=m.complex128)", "m.linspace(1j, 2j, 1)",
       "m.linspace(1j, 2j, 0)", "m.linspace(m.tensor(1j), 2, 3)", "m.linspace(1 + 1j, 2, 3, dtype=m.float32)",
       "m.linspace(1 + 1j, 2, 3, requires_grad=True)", "m.linspace(m.tensor([0.]), 1, 3)",
       "m.linspace(0, m.tensor([[1.]]), 3)", "m.linspace(m.tensor(0.), m.tensor(1.), 3)",
       "m.eye(2, 3, dtype=m.complex128)", "m.eye(2, dtype=m.complex64, requires_grad=True)")
def test_complex_linspace_and_eye(src):
    run(src)


# ---- operators and small functions ----
@cases("+m.tensor([True, False])", "+m.tensor([1, 2])", "m.is_floating_point(1.)", "m.is_floating_point(None)",
       "m.numel([1])", "m.numel(1)", "m.is_nonzero(1)", "m.is_nonzero(m.tensor([0.]))")
def test_operator_and_predicate_arguments(src):
    run(src)


# ---- methods: rot90, nonzero of 0-dim, nuclear / string norms, index_fill, scatter's reduce, bincount ----
@cases("m.arange(6.).reshape(2, 3).rot90(1, (0, -2))", "m.arange(6.).reshape(2, 3).rot90(1, (5, 5))",
       "m.arange(6.).reshape(2, 3).rot90(1, (0, 2))", "m.arange(6.).reshape(2, 3).rot90(1, (-3, 0))",
       "m.ones(3).rot90()", "m.arange(6.).reshape(2, 3).rot90(1, (1, 0))", "m.arange(24.).reshape(2, 3, 4).rot90(3, (2, 0))",
       "m.tensor(5.).nonzero(as_tuple=True)", "m.tensor(0.).nonzero(as_tuple=True)",
       "m.nonzero(m.tensor(5.), as_tuple=True)", "m.tensor(True).nonzero(as_tuple=True)",
       "m.ones(2, 3, 4).norm(p='nuc')", "m.arange(6.).reshape(2, 3).norm(p='nuc', dim=(0, 1), keepdim=True)",
       "m.ones(3).norm(p='nuc')", "m.arange(6.).reshape(2, 3).norm(p='nuc', dim=0)",
       "m.arange(6.).reshape(2, 3).norm(p='inf')", "m.arange(6.).reshape(2, 3).norm(p='bad')",
       "m.arange(6.).reshape(2, 3).norm(p='fro')", "m.arange(6.).reshape(2, 3).norm(p='nuc')",
       "m.norm(m.arange(6.).reshape(2, 3), p='nuc')", "m.arange(24.).reshape(2, 3, 4).norm(p='nuc', dim=(2, 0))",
       "m.arange(6.).reshape(2, 3).index_fill(0, m.tensor([0]), m.tensor([[1.]]))",
       "m.ones(2).index_fill_(0, m.tensor([0]), m.tensor([1.]))", "m.ones(2).index_fill_(0, m.tensor([0]), m.tensor(3.))",
       "m.arange(6.).reshape(2, 3).scatter(0, m.tensor([[1]]), 2., reduce='add')",
       "m.arange(6.).reshape(2, 3).scatter(0, m.tensor([[1, 1]]), m.tensor([[2., 3.]]), reduce='multiply')",
       "m.arange(6.).reshape(2, 3).scatter(0, m.tensor([[1]]), m.tensor([[2.]]), reduce='mean')",
       "m.arange(6.).reshape(2, 3).scatter(0, m.tensor([[1]]), m.tensor([[2.]], dtype=m.float64), reduce='add')",
       "m.arange(6.).reshape(2, 3).scatter(0, m.tensor([[1]]), 2, reduce='add')",
       "m.arange(6.).reshape(2, 3).scatter_(0, m.tensor([[1, 1], [1, 0]]), 3., reduce='multiply')",
       "m.scatter(m.arange(6.).reshape(2, 3), 0, m.tensor([[1]]), 2., reduce='add')",
       "m.tensor([1, 2]).bincount(minlength=-1)", "m.tensor([1, 2]).bincount(m.ones(3))",
       "m.tensor([1, 2]).bincount(m.ones(1, 2))", "m.tensor([1, 2]).bincount(m.tensor([.5, 2.]), minlength=4)",
       "m.tensor([1, 2]).bincount(m.tensor([1, 2]))", "m.tensor([1, 2]).bincount(m.tensor([.5, 2.], dtype=m.float16))",
       "m.zeros(0, 3).quantile(0.5)", "m.zeros(0, 3).nanquantile(0.5, dim=0)")
def test_method_arguments(src):
    run(src)


# ---- in-place view ops on non-leaves: Note [In-place view ops carry the view's history] ----
INPLACE_VIEWS = [("t_", (), (2, 2)), ("t_", (), (2, 3)), ("transpose_", (0, 1), (2, 3)), ("swapdims_", (1, 0), (3, 2)),
                 ("swapaxes_", (0, -1), (2, 3)), ("squeeze_", (), (1, 3)), ("squeeze_", (0,), (1, 3)),
                 ("squeeze_", ((0, 2),), (1, 3, 1)),
                 ("unsqueeze_", (1,), (2, 3)), ("as_strided_", ((2,), (2,)), (2, 2))]


@pytest.mark.parametrize("name,args,shape", INPLACE_VIEWS)
def test_inplace_view_gradient(name, args, shape):
    def f(m):
        a = m.arange(1., 1. + np.prod(shape), dtype=m.float64).reshape(shape).requires_grad_()
        b = a * 1
        getattr(b, name)(*args)
        weights = m.arange(2., 2. + b.numel(), dtype=m.float64).reshape(b.shape)
        node = type(b.grad_fn).__name__ if m is torch else b.grad_fn.name()
        (b * weights).sum().backward()
        return b, a.grad, node
    assert_same(f)


@pytest.mark.parametrize("name,args,shape", INPLACE_VIEWS)
def test_inplace_view_gradcheck(name, args, shape):
    def fn(a):
        b = a * 2
        getattr(b, name)(*args)
        return b * b
    x = tc.rand(*shape, dtype=tc.float64, requires_grad=True)
    assert gradcheck(fn, (x,))


def test_inplace_views_in_a_row():
    def f(m):
        a = m.arange(6., requires_grad=True)
        b = a * 1
        b.unsqueeze_(0)
        b.t_()
        b.squeeze_()
        b.unsqueeze_(1)
        (b * m.arange(6.).reshape(6, 1)).sum().backward()
        return b, a.grad
    assert_same(f)


# ---- generators: seeds, states (Note [Generator state bytes]), random_ bounds ----
@cases("m.Generator('cuda')", "m.Generator('meta')", "str(m.Generator('cpu:0').device)",
       "m.Generator().manual_seed(1.5)", "m.Generator().manual_seed('a')", "m.Generator().manual_seed(True)",
       "m.Generator().manual_seed(np.int64(3))", "m.Generator().manual_seed(m.tensor(3))",
       "m.Generator().manual_seed(-1).initial_seed()", "m.Generator().manual_seed(2 ** 64)",
       "m.manual_seed(np.int64(3)).initial_seed()", "m.Generator().get_state().dtype", "m.Generator().get_state().shape",
       "m.get_rng_state().shape", "m.Generator().set_state(m.zeros(5056))", "m.Generator().set_state([1, 2])",
       "m.Generator().set_state(m.zeros(3, dtype=m.uint8))", "m.set_rng_state(m.zeros(5056))",
       "m.Generator().set_state(m.zeros(5056, dtype=m.uint8))",
       "m.zeros(3, dtype=m.uint8).random_(-1, 5)", "m.zeros(3, dtype=m.uint8).random_(300, 2)",
       "m.zeros(3, dtype=m.uint8).random_(300)", "m.zeros(3, dtype=m.uint8).random_(256).dtype",
       "m.zeros(3, dtype=m.int8).random_(-129, 0)", "m.zeros(3, dtype=m.uint8).random_(-1, None)",
       "m.zeros(3, dtype=m.float16).random_(70000)", "m.zeros(3, dtype=m.float16).random_(0, 65505).dtype",
       "m.zeros(3, dtype=m.bool).random_(0, 3)", "m.zeros(3, dtype=m.bool).random_(3)", "m.zeros(3, dtype=m.bool).random_(2).dtype")
def test_generator_arguments(src):
    run(src)


@pytest.mark.parametrize("seed", [0, 7, 2 ** 40])
def test_rng_state_bytes_are_pytorchs(seed):
    """The state bytes equal torch's after the same seed and draws (the cached
    float normal, bytes 5048 on, excepted), and a torch state restores tensorcore's
    generator to torch's stream."""
    tc.manual_seed(seed)
    torch.manual_seed(seed)
    for _ in range(3):
        ours, theirs = tc.get_rng_state().numpy(), torch.get_rng_state().numpy()
        assert ours.dtype == np.uint8 and np.array_equal(ours[:5048], theirs[:5048])
        for m in (tc, torch):
            m.randn(3, dtype=m.float64)
            m.rand(700)
    tc.set_rng_state(tc.tensor(torch.get_rng_state().numpy()))
    assert tc.rand(5).tolist() == torch.rand(5).tolist()
    assert tc.randn(3, dtype=tc.float64).tolist() == torch.randn(3, dtype=torch.float64).tolist()
    g = tc.Generator().manual_seed(seed)
    state = g.get_state()
    first = tc.rand(4, generator=g)
    g.set_state(state)
    assert tc.equal(tc.rand(4, generator=g), first)
