"""Gaps found by running public programs unchanged (tests/test_real_programs.py),
each checked against PyTorch here so they stay fixed without the corpus."""
import numpy as np
import pytest

import tensorcore as tc


@pytest.mark.parametrize("name,data", [
    ("LongTensor", [2 ** 40 + 1, -(2 ** 53) - 1]),  # pyGAT: LongTensor(range(...)); exact above 2**24
    ("LongTensor", range(5)),
    ("LongTensor", [1.7, -1.7]),
    ("FloatTensor", [[1, 2], [3, 4]]),
    ("FloatTensor", np.arange(3)),
    ("DoubleTensor", (0.1, 0.2)),
    ("BoolTensor", [0, 2]),
    ("IntTensor", range(3)),
    ("LongTensor", []),
])
def test_legacy_constructors_from_data_match_torch(name, data):
    torch = pytest.importorskip("torch")
    expected = getattr(torch, name)(data)
    actual = getattr(tc, name)(data)
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_legacy_long_tensor_keeps_large_integers():
    assert tc.LongTensor([2 ** 40 + 1]).tolist() == [2 ** 40 + 1]


def test_tensor_reads_nested_ranges():
    assert tc.tensor([range(2), range(2)]).tolist() == [[0, 1], [0, 1]]
    assert tc.tensor((range(1, 3), [5, 6])).tolist() == [[1, 2], [5, 6]]


INPLACE = [("leaky_relu", (0.2,)), ("silu", ()), ("elu", (0.7,)), ("selu", ()), ("celu", (0.5,)), ("mish", ()),
           ("hardswish", ()), ("hardsigmoid", ()), ("threshold", (0.1, -2.0)), ("rrelu", ()), ("relu", ()),
           ("relu6", ()), ("hardtanh", ())]


@pytest.mark.parametrize("name,args", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_activation_gradients_match_torch(name, args):
    """Note [In-place activations keep their gradient]: DCGAN's discriminator
    (LeakyReLU(0.2, inplace=True) after BatchNorm) trained on wrong gradients."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 5)) * 3
    results = []
    for lib in (torch, tc):
        a = lib.tensor(x, requires_grad=True)
        b = a * 1.5
        out = getattr(lib.nn.functional, name)(b, *args, inplace=True)
        assert out is b
        (out * lib.tensor(x)).sum().backward()
        results.append((out.detach().numpy(), a.grad.numpy()))
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(lib.nn.functional, name)(lib.tensor(x, requires_grad=True), *args, inplace=True)
    for r, e in zip(results[1], results[0]):
        # 1e-7: PyTorch multiplies some backward factors in float32 (hardsigmoid: 1/6)
        np.testing.assert_allclose(r, e, rtol=1e-7, atol=1e-12)


def test_inplace_activation_without_grad_writes_in_place():
    x = tc.tensor([-1.0, 2.0])
    out = tc.nn.functional.leaky_relu(x, 0.5, inplace=True)
    assert out is x and x.tolist() == [-0.5, 2.0]
    with tc.no_grad():
        y = tc.tensor([-1.0, 2.0], requires_grad=True)
        tc.nn.functional.silu(y, inplace=True)
    assert y.tolist()[1] == pytest.approx(2.0 / (1 + np.exp(-2.0)))


@pytest.mark.parametrize("prop", ["is_xpu", "is_mps", "is_meta", "is_mkldnn", "is_nested", "is_sparse_csr"])
def test_device_predicates_match_torch_cpu_tensors(prop):
    torch = pytest.importorskip("torch")
    assert getattr(tc.ones(2), prop) is getattr(torch.ones(2), prop) is False
    assert tc.ones(1).is_inference() is False


@pytest.mark.parametrize("key", [lambda lib: (range(3), lib.tensor([1, 2, 0])), lambda lib: range(2),
                                 lambda lib: range(0), lambda lib: (slice(None), range(1, 4, 2)),
                                 lambda lib: (range(3), [0, 1, 1])])
def test_range_indices_match_torch(key):
    """x[range(n), y]: mnist_forward_forward's overlay_y_on_x, the log_probs[range(n), targets] idiom."""
    torch = pytest.importorskip("torch")
    x = np.arange(12.0).reshape(3, 4)
    results = []
    for lib in (torch, tc):
        t = lib.tensor(x, requires_grad=True)
        picked = t[key(lib)]
        (picked * picked).sum().backward()
        y = lib.tensor(x)
        y[key(lib)] = -1.0
        results.append((picked.detach().numpy(), t.grad.numpy(), y.numpy()))
    for a, e in zip(results[1], results[0]):
        np.testing.assert_array_equal(a, e)


def test_import_leaves_scipy_float32_lapack_working():
    # MorvanZhou/PyTorch-Tutorial 401_CNN.py runs sklearn's TSNE (PCA init: scipy.linalg.qr) on float32
    # activations; tensorcore's OpenBLAS in the global scope broke SciPy's own LAPACK
    # (Note [OpenBLAS stays out of the global scope]). A fresh interpreter: import order matters.
    pytest.importorskip("scipy.linalg")
    import os
    import subprocess
    import sys
    program = (
        "import tensorcore, numpy as np, scipy.linalg\n"
        "a = np.arange(60, dtype=np.float32).reshape(12, 5) % 7 + np.eye(12, 5, dtype=np.float32)\n"
        "q, r = scipy.linalg.qr(a, mode='economic')\n"
        "assert np.allclose(q @ r, a, atol=1e-4), 'qr'\n"
        "print(scipy.linalg.lapack.sgeqrf_lwork(50, 10)[0])\n"
        "print(tensorcore.linalg.qr(tensorcore.eye(3, dtype=tensorcore.float64)).R.diagonal().abs().tolist())\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["320.0", "[1.0,", "1.0,", "1.0]"]


# hunkim/PyTorchZeroToAll 13_3_char_rnn.py, 14_1_seq2seq.py: criterion(output [1, C], target[c]) with a 0-D
# target. PyTorch refuses a batch-size mismatch with a ValueError; the other shape errors are RuntimeErrors.
NLL_SHAPES = [((1, 128), ()), ((2, 5), ()), ((3, 5), (2,)), ((3, 5), (3, 2)), ((4, 5, 3), ()), ((4, 5, 3), (4,)),
              ((4, 5, 3), (2, 3)), ((3, 5, 4), (3, 5)), ((2, 3, 4, 5), (2, 4, 4)), ((5,), (2,)), ((5,), (1, 1)),
              ((5,), (1,)), ((5,), ()), ((3, 5), (3,)), ((2, 3, 4, 5), (2, 4, 5)), ((2, 3, 2, 2, 2), (2, 2, 2, 3))]


def _loss_outcome(lib, fn, input_shape, target_shape, **kwargs):
    gen = np.random.default_rng(0)
    x = lib.tensor(gen.standard_normal(input_shape), dtype=lib.float64)
    t = lib.tensor(np.zeros(target_shape, dtype=np.int64) + 1)
    try:
        out = getattr(lib.nn.functional, fn)(x, t, **kwargs)
    except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
        return type(e).__name__, str(e)
    return "ok", (tuple(out.shape), out.detach().numpy().round(10).tolist())


@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("input_shape,target_shape", NLL_SHAPES)
def test_class_index_loss_shape_checks_match_torch(fn, reduction, input_shape, target_shape):
    torch = pytest.importorskip("torch")
    expected = _loss_outcome(torch, fn, input_shape, target_shape, reduction=reduction)
    assert _loss_outcome(tc, fn, input_shape, target_shape, reduction=reduction) == expected


def test_nll_loss_of_0d_input_is_a_value_error():
    with pytest.raises(ValueError, match=r"Expected 1 or more dimensions \(got 0\)"):
        tc.nn.functional.nll_loss(tc.tensor(1.0), tc.tensor(0))


@pytest.mark.parametrize("fn", ["nll_loss", "cross_entropy"])
def test_one_sample_loss_with_one_element_target_gradcheck(fn):
    x = tc.randn(5, dtype=tc.float64, requires_grad=True)
    target = tc.tensor([2])
    assert tc.autograd.gradcheck(lambda v: getattr(tc.nn.functional, fn)(v, target), (x,))


# build-nanogpt's train_gpt2.py samples its next token under autocast: multinomial of bfloat16 top-k
# probabilities (Note [multinomial of float16/bfloat16]).
MULTINOMIAL_PROBS = {
    "1-D": lambda m, g: m.rand(50, generator=g),
    "rows": lambda m, g: m.rand(4, 300, generator=g),
    "transposed": lambda m, g: m.rand(30, 3, generator=g).t(),
    "transposed slice": lambda m, g: m.rand(40, 6, generator=g).t()[::2],
    "mostly zero (top-k)": lambda m, g: m.rand(3, 64, generator=g).masked_fill(m.arange(64) >= 5, 0.0),
    "ties": lambda m, g: m.ones(2, 7),
    "softmax of logits": lambda m, g: m.randn(2, 500, generator=g).mul(3).softmax(-1),
}


@pytest.mark.parametrize("probs", sorted(MULTINOMIAL_PROBS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("num_samples,replacement", [(1, False), (1, True), (6, True)])
@pytest.mark.parametrize("seeding", ["generator", "default"])
def test_multinomial_of_16_bit_floats_draws_torchs_samples(probs, dtype, num_samples, replacement, seeding):
    torch = pytest.importorskip("torch")

    def run(m):
        g = m.Generator()
        g.manual_seed(7)
        m.manual_seed(11)
        p = MULTINOMIAL_PROBS[probs](m, g).to(getattr(m, dtype))
        gen = g if seeding == "generator" else None
        samples = m.multinomial(p, num_samples, replacement, generator=gen)
        method = p.multinomial(num_samples, replacement, generator=gen)
        after = m.rand(3, generator=gen).tolist()  # both leave the stream at the same place
        return samples.tolist(), method.tolist(), tuple(samples.shape), str(samples.dtype).split(".")[1], after

    assert run(tc) == run(torch)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("probs,num_samples,replacement", [
    ([[0.5, -0.1]], 1, False), ([[0.5, float("inf")]], 1, True), ([[float("nan"), 1.0]], 1, False),
    ([[0.0, 0.0], [1.0, 2.0]], 1, False), ([[[1.0]]], 1, False), ([1.0, 2.0], 0, True), ([], 1, True),
    ([[]], 1, False), ([[0.5, -0.1]], 3, True), ([[0.0, 0.0]], 3, True),
])
def test_multinomial_of_16_bit_floats_refuses_like_torch(dtype, probs, num_samples, replacement):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as expected:
        torch.multinomial(torch.tensor(probs, dtype=getattr(torch, dtype)), num_samples, replacement)
    with pytest.raises(RuntimeError) as actual:
        tc.multinomial(tc.tensor(probs, dtype=getattr(tc, dtype)), num_samples, replacement)
    assert str(actual.value) == str(expected.value)


def test_multinomial_of_16_bit_floats_with_nothing_to_draw():
    torch = pytest.importorskip("torch")
    for m in (tc, torch):
        m.manual_seed(0)
        out = m.multinomial(m.ones(0, 4, dtype=m.bfloat16), 1)
        assert tuple(out.shape) == (0, 1) and out.dtype == m.int64
    assert tc.rand(2).tolist() == torch.rand(2).tolist()  # no draws were made


# Found while rebuilding multinomial for 16-bit floats: the C++ fills visited a permuted float16/bfloat16
# tensor in index order, PyTorch in memory order (Note [16-bit random fills visit memory order]).
RANDOM_FILLS = {
    "uniform_": lambda t: t.uniform_(-2, 3),
    "exponential_": lambda t: t.exponential_(0.5),
    "cauchy_": lambda t: t.cauchy_(),
    "log_normal_": lambda t: t.log_normal_(0.1, 0.5),
    "geometric_": lambda t: t.geometric_(0.3),
    "random_": lambda t: t.random_(),
    "random_(to)": lambda t: t.random_(50),
    "random_(from, to)": lambda t: t.random_(-5, 50),
    "bernoulli_": lambda t: t.bernoulli_(0.4),
}
LAYOUTS = {
    "transposed": lambda m, dt: m.empty(8, 5, dtype=dt).t(),
    "permuted 3-D": lambda m, dt: m.empty(2, 3, 4, dtype=dt).permute(2, 0, 1),
    "strided slice of a transpose": lambda m, dt: m.empty(8, 6, dtype=dt).t()[::2],
    "contiguous": lambda m, dt: m.empty(4, 5, dtype=dt),
}


@pytest.mark.parametrize("fill", sorted(RANDOM_FILLS))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_random_fills_of_strided_tensors_draw_torchs_values(fill, layout, dtype):
    torch = pytest.importorskip("torch")

    def run(m):
        m.manual_seed(5)
        t = LAYOUTS[layout](m, getattr(m, dtype))
        out = RANDOM_FILLS[fill](t)
        return out is t, t.stride(), t.float().tolist(), m.rand(2).tolist()

    assert run(tc) == run(torch)


def test_random_fill_of_a_leaf_that_requires_grad_still_refuses_like_torch():
    torch = pytest.importorskip("torch")
    for m in (tc, torch):
        t = m.empty(4, 3, dtype=m.bfloat16).t().requires_grad_()
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            t.uniform_()


# ---- Tensor.new, the legacy constructor (udacity char-RNN / sentiment-RNN: weight.new(L, B, H).zero_()) ----
def _same_tensor(actual, expected):
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    assert tuple(actual.shape) == tuple(expected.shape)
    assert actual.requires_grad == expected.requires_grad
    np.testing.assert_array_equal(actual.detach().numpy(), expected.detach().numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "complex64"])
@pytest.mark.parametrize("make_args", [
    lambda lib: (),
    lambda lib: ([1, 0, 2],),  # a list is data
    lambda lib: ((1, 2),),  # so is a tuple of ints (only a Size is a shape)
    lambda lib: (np.array([3, 1]),),
    lambda lib: (range(3),),
    lambda lib: ([[1, 2], [3, 4]],),
])
def test_tensor_new_from_data_matches_torch(dtype, make_args):
    torch = pytest.importorskip("torch")
    expected = torch.ones(2, dtype=getattr(torch, dtype), requires_grad=dtype == "float64").new(*make_args(torch))
    actual = tc.ones(2, dtype=getattr(tc, dtype), requires_grad=dtype == "float64").new(*make_args(tc))
    _same_tensor(actual, expected)


@pytest.mark.parametrize("make_args", [
    lambda lib: (2, 3), lambda lib: (lib.Size([4, 1]),), lambda lib: (np.int64(3),), lambda lib: (0,),
])
def test_tensor_new_with_sizes_matches_torch(make_args):
    torch = pytest.importorskip("torch")
    expected = torch.zeros(1, dtype=torch.int64).new(*make_args(torch))
    actual = tc.zeros(1, dtype=tc.int64).new(*make_args(tc))
    assert actual.dtype == tc.int64 and tuple(actual.shape) == tuple(expected.shape)
    assert not actual.requires_grad
    assert actual.zero_().tolist() == expected.zero_().tolist()  # the char-RNN idiom
    assert tc.zeros(1).new(2, device="cpu").shape == (2,)


def test_tensor_new_of_a_tensor_is_an_alias():
    x = tc.randn(3, dtype=tc.float64, requires_grad=True)
    y = tc.zeros(1, dtype=tc.float64).new(x)
    assert y.data_ptr() == x.data_ptr() and y is not x and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("call", [
    lambda lib, x: x.new(2, dtype=lib.float64),  # only device= is a keyword
    lambda lib, x: x.new([1], requires_grad=True),
    lambda lib, x: x.new(2.5),  # data must be a sequence
    lambda lib, x: x.new(True),
    lambda lib, x: x.new(None),
    lambda lib, x: x.new("ab"),
    lambda lib, x: x.new(lib.tensor([1, 2])),  # a tensor of another dtype
    lambda lib, x: x.new(x, 2),
    lambda lib, x: x.new(lib.Size([2]), 3),
    lambda lib, x: x.new(-1),
    lambda lib, x: x.new([[1, 2], [3]]),
])
def test_tensor_new_errors_match_torch(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:
        call(torch, torch.zeros(2))
    with pytest.raises(expected.type) as actual:
        call(tc, tc.zeros(2))
    first = str(expected.value).split("\n")[0].replace("torch.", "")
    assert str(actual.value).split("\n")[0].replace("tensorcore.", "").replace("torch.", "") == first


# ---- Note [Dropout mask in the input's layout] (udacity char-RNN: dropout of a batch_first LSTM's output) ----
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", [
    lambda x: x.transpose(0, 1),  # the batch_first LSTM output
    lambda x: x.permute(2, 0, 1),
    lambda x: x.transpose(0, 1)[:, ::2],  # not dense: empty_like keeps the stride order
    lambda x: x,
])
@pytest.mark.parametrize("drop", [
    lambda F, x: F.dropout(x, 0.4, True),
    lambda F, x: F.dropout(x.clone(), 0.3, True, inplace=True),
    lambda F, x: F.alpha_dropout(x, 0.3, True),
    lambda F, x: F.dropout2d(x, 0.5, True),
])
def test_dropout_mask_follows_memory_order_as_torch(dtype, layout, drop):
    torch = pytest.importorskip("torch")
    values = np.random.RandomState(0).randn(5, 4, 6).astype(dtype)
    torch.manual_seed(3)
    expected = drop(torch.nn.functional, layout(torch.from_numpy(values)))
    after_t = torch.rand(2)
    tc.manual_seed(3)
    actual = drop(tc.nn.functional, layout(tc.from_numpy(values)))
    np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(tc.rand(2).numpy(), after_t.numpy())  # as many draws


def test_dropout_of_permuted_input_gradcheck():
    x = tc.randn(4, 3, 5, dtype=tc.float64).transpose(0, 1).requires_grad_()

    def f(t):
        tc.manual_seed(7)
        return tc.nn.functional.dropout(t, 0.5, True)
    assert tc.autograd.gradcheck(f, (x,))


# ---- Note [Lazy initialisation]: placeholders materialised in place (d2l LinearRegression: LazyLinear, then
# the optimizer, then the first forward) ----
@pytest.mark.parametrize("make", [
    lambda nn: nn.LazyLinear(2),
    lambda nn: nn.LazyConv1d(2, 3),
    lambda nn: nn.LazyBatchNorm1d(),
])
@pytest.mark.parametrize("opt", ["SGD", "Adam"])
def test_optimizer_built_before_lazy_init_trains_like_torch(make, opt):
    torch = pytest.importorskip("torch")
    x = np.random.RandomState(0).randn(4, 3, 5)

    def run(lib):
        lib.manual_seed(0)
        m = make(lib.nn)
        held = list(m.parameters())
        o = getattr(lib.optim, opt)(m.parameters(), lr=0.1)
        losses = []
        for _ in range(3):
            loss = ((m(lib.tensor(x, dtype=lib.float32)) - 1) ** 2).mean()  # no gradient that is 0 up to rounding
            o.zero_grad()
            loss.backward()
            o.step()
            losses.append(loss.item())
        assert all(a is b for a, b in zip(held, m.parameters()))
        assert type(held[0]).__name__ == "Parameter"
        return losses, [p.detach().numpy() for p in m.parameters()]

    (lt, pt), (lc, pc) = run(torch), run(tc)
    np.testing.assert_allclose(lc, lt, rtol=1e-5)
    assert losses_change(lc)
    for a, b in zip(pc, pt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def losses_change(losses):
    return losses[0] != losses[-1]


def test_uninitialized_materialize_in_place_as_torch():
    from tensorcore.nn.modules.lazy import UninitializedBuffer, UninitializedParameter
    p = UninitializedParameter()
    assert p.materialize((2, 3)) is None
    assert type(p) is tc.nn.Parameter and p.shape == (2, 3) and p.requires_grad and p.is_leaf
    b = UninitializedBuffer()
    assert b.materialize((4,), dtype=tc.float64) is None
    assert b.shape == (4,) and b.dtype == tc.float64


# ---- Note [float() of a tensor that requires grad] (d2l weight decay: float(l2_penalty(w))) ----
_FLOAT_WARNING_CASES = [
    "float(x * 2)", "with lib.no_grad(): float(x)", "float(lib.ones(2, requires_grad=True)[0])", "'%.3f' % x",
    "float(x); float(x)", "int(x)", "x.item()", "bool(x)", "float(x.detach())", "import math; math.exp(x)",
]


_COUNT_FLOAT_WARNINGS = """
import os, sys, warnings
import {lib} as lib

def count(code):  # in a forked child: PyTorch warns once per process
    r, w = os.pipe()
    if os.fork() == 0:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            x = lib.ones(1, requires_grad=True)
            exec(code.replace("with lib.no_grad(): ", "with lib.no_grad():\\n    "))
        n = sum("Converting a tensor with requires_grad=True to a scalar" in str(m.message) for m in seen)
        os.write(w, str(n).encode())
        os._exit(0)
    os.close(w)
    n = int(os.read(r, 10))
    os.wait()
    return n

print([count(c) for c in {cases!r}])
"""


def test_float_of_grad_tensor_warns_once_like_torch():
    pytest.importorskip("torch")
    import ast
    import subprocess
    import sys

    def counts(lib):
        prog = _COUNT_FLOAT_WARNINGS.format(lib=lib, cases=_FLOAT_WARNING_CASES)
        out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, check=True).stdout
        return ast.literal_eval(out.strip().splitlines()[-1])

    expected = counts("torch")
    assert expected[0] == 1 and expected[1] == 0  # the oracle did warn, and not under no_grad
    assert counts("tensorcore") == expected


# ---- torch.set_default_tensor_type (deprecated, still in older programs) ----
@pytest.mark.parametrize("make_arg", [
    lambda lib: "torch.DoubleTensor", lambda lib: lib.FloatTensor, lambda lib: "torch.HalfTensor",
    lambda lib: lib.DoubleTensor, lambda lib: "torch.LongTensor", lambda lib: "torch.cuda.FloatTensor",
    lambda lib: lib.float64, lambda lib: "DoubleTensor", lambda lib: 3, lambda lib: "torch.NoSuchTensor",
])
def test_set_default_tensor_type_matches_torch(make_arg):
    torch = pytest.importorskip("torch")
    import warnings

    def run(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                lib.set_default_tensor_type(make_arg(lib))
                return "ok", str(lib.get_default_dtype()).split(".")[1], str(lib.ones(1).dtype).split(".")[1]
            except Exception as e:  # noqa: BLE001 - the exception type is what is compared
                return type(e).__name__, str(e).replace("tensorcore", "torch")
            finally:
                lib.set_default_dtype(lib.float32)

    assert run(tc) == run(torch)


def test_set_default_tensor_type_warns_deprecation():
    import tensorcore._functions as functions
    functions._warned_default_tensor_type = False
    with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated as of PyTorch 2.1"):
        tc.set_default_tensor_type(tc.FloatTensor)
    assert tc.get_default_dtype() == tc.float32
