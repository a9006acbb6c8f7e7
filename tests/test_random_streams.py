"""Distributions beyond rand/randn: multinomial, exponential_, geometric_,
cauchy_, log_normal_, uniform_, random_, poisson, bernoulli, normal and the
*_like factories draw PyTorch's CPU streams: for the same seed the values are
PyTorch's and the generator is left where PyTorch leaves it (checked by drawing
afterwards, through both the 53-bit uniform path and the cached-normal path)."""
import math

import numpy as np
import pytest

import tensorcore as tc

SEEDS = (0, 7, 2 ** 40 + 3)

# Both libraries warn about float random_ bounds past 2^24 (checked below).
pytestmark = pytest.mark.filterwarnings("ignore:.*is out of bounds:UserWarning")


def _np(x):
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


def _equal(got, want, name):
    got, want = _np(got), _np(want)
    assert got.shape == want.shape, name
    assert got.dtype == want.dtype, name
    assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), name


def _after(m):
    """Draws that expose the generator state: the Mersenne Twister position
    (rand, randint with 64-bit draws) and the cached Box-Muller sample (a
    small randn takes the per-element path that uses the cache)."""
    return [m.rand(5), m.randint(0, 1 << 40, (2,)), m.randn(3, dtype=m.float64)]


def _assert_same_state(tc_state, torch_state, name):
    """tensorcore's get_rng_state() is PyTorch's 5056-byte CPUGeneratorImplState
    (Note [Generator state bytes]): the same bytes, but for the cached float
    normal (bytes 5048 on, which tensorcore does not keep) and `next` where
    left == 1 (PyTorch never reads it then)."""
    ours, theirs = tc_state.numpy(), torch_state.numpy()
    assert ours.dtype == theirs.dtype == np.uint8 and ours.shape == theirs.shape, name
    same = ours[:5048] == theirs[:5048]
    if theirs[8:12].view(np.int32)[0] == 1:
        same[16:24] = True
    assert same.all(), (name, np.nonzero(~same)[0][:8])


def _check_stream(fn, name, seeds=SEEDS):
    torch = pytest.importorskip("torch")
    for seed in seeds:
        tc.manual_seed(seed)
        torch.manual_seed(seed)
        _equal(fn(tc), fn(torch), f"{name} seed={seed}")
        _assert_same_state(tc.get_rng_state(), torch.get_rng_state(), f"{name}: generator state, seed={seed}")
        for a, b in zip(_after(tc), _after(torch)):
            _equal(a, b, f"{name}: draws after, seed={seed}")


def _check_generator_object(fn, name, seed=11):
    torch = pytest.importorskip("torch")
    g, tg = tc.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    tc.manual_seed(1)
    torch.manual_seed(1)
    _equal(fn(tc, g), fn(torch, tg), name)
    _assert_same_state(g.get_state(), tg.get_state(), name)
    _equal(tc.rand(4, generator=g), torch.rand(4, generator=tg), name + " (generator after)")
    _equal(tc.rand(4), torch.rand(4), name + " (default generator untouched)")


def _probs(m, shape, dtype, zeros=0, seed=3):
    rs = np.random.RandomState(seed)
    p = rs.rand(*shape)
    if zeros:
        flat = p.reshape(-1, shape[-1])
        for row in flat:
            row[rs.choice(shape[-1], zeros, replace=False)] = 0
    return m.tensor(p, dtype=dtype)


# ---- multinomial ----

MULTINOMIAL = [
    ("1d_one", (10,), 1, False),
    ("1d_several", (10,), 4, False),
    ("1d_all", (6,), 6, False),
    ("2d_one", (4, 9), 1, False),
    ("2d_several", (3, 12), 5, False),
    ("vocab_one", (2, 3000), 1, False),
    ("vocab_topk_partial_sort", (2, 3000), 5, False),
    ("replacement_one", (3, 8), 1, True),
    ("replacement_several", (3, 8), 20, True),
    ("replacement_1d", (50,), 7, True),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,shape,n,replacement", MULTINOMIAL, ids=[c[0] for c in MULTINOMIAL])
def test_multinomial_matches_pytorch(name, shape, n, replacement, dtype):
    _check_stream(lambda m: m.multinomial(_probs(m, shape, getattr(m, dtype)), n, replacement), name)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cats,zeros,n", [(8, 5, 6), (300, 298, 4), (12, 3, 12)])
def test_multinomial_zero_probabilities_tie_like_pytorch(cats, zeros, n, dtype):
    # More samples than nonzero categories: the zero-probability keys tie at 0
    # and PyTorch's topk order (partial_sort or nth_element) decides.
    _check_stream(lambda m: m.multinomial(_probs(m, (2, cats), getattr(m, dtype), zeros=zeros), n), "zeros")
    _check_stream(lambda m: m.multinomial(_probs(m, (cats,), getattr(m, dtype), zeros=zeros), n), "zeros_1d")


def test_multinomial_strided_probs_like_pytorch():
    # q is drawn in probs' memory order (transposed) or row-major (sliced).
    _check_stream(lambda m: m.multinomial(_probs(m, (7, 4), m.float32).t(), 3), "transposed")
    _check_stream(lambda m: m.multinomial(_probs(m, (4, 14), m.float64)[:, ::2], 2), "sliced")
    _check_stream(lambda m: m.multinomial(_probs(m, (4, 14), m.float64)[:, ::2], 5, True), "sliced_replacement")


def test_multinomial_sampler_loop_like_pytorch():
    # A GPT-style sampling loop: softmax over logits, one draw per step.
    def run(m):
        logits = m.tensor(np.random.RandomState(0).randn(2, 500), dtype=m.float32)
        picks = []
        for step in range(5):
            probs = m.softmax(logits / 0.8, dim=-1)
            picks.append(m.multinomial(probs, num_samples=1))
            logits = logits + 0.01 * step
        return m.cat(picks, dim=1)
    _check_stream(run, "sampler")


def test_multinomial_random_configurations_match_pytorch():
    # Shapes, dtypes, sample counts and probability patterns (sparse, peaked,
    # tiny, uniform: ties) drawn at random; a fixed list so failures reproduce.
    rs = np.random.RandomState(12)
    for _ in range(40):
        rows = [None, 1, 3][rs.randint(3)]
        cats = [1, 2, 5, 17, 65, 130, 700][rs.randint(7)]
        replacement = rs.rand() < 0.3
        n = int(rs.randint(1, (cats if not replacement else 30) + 1))
        shape = (cats,) if rows is None else (rows, cats)
        p = rs.rand(*shape)
        kind = rs.randint(4)
        if kind == 0:
            p[p < 0.6] = 0
            p.reshape(-1, cats)[:, 0] = 0.5
        elif kind == 1:
            p = p ** 8
        elif kind == 2:
            p = np.ones_like(p)
        dtype = ["float32", "float64"][rs.randint(2)]
        _check_stream(lambda m: m.multinomial(m.tensor(p, dtype=getattr(m, dtype)), n, replacement),
                      f"{shape} n={n} replacement={replacement} kind={kind} {dtype}", seeds=(int(rs.randint(2 ** 31)),))


def test_multinomial_generator_object():
    _check_generator_object(lambda m, g: m.multinomial(_probs(m, (3, 10), m.float32), 4, generator=g), "multinomial")
    _check_generator_object(lambda m, g: _probs(m, (10,), m.float64).multinomial(3, True, generator=g), "method")


def test_multinomial_without_replacement_properties():
    tc.manual_seed(0)
    p = tc.tensor([0.0, 1.0, 2.0, 0.0, 3.0, 4.0])
    for _ in range(20):
        s = tc.multinomial(p, 4).tolist()
        assert sorted(s) == [1, 2, 4, 5]  # zero-probability categories only after every other one
    counts = np.bincount(tc.multinomial(tc.tensor([0.1, 0.2, 0.7]).expand(4000, 3), 1).numpy().ravel(), minlength=3)
    assert abs(counts[2] / 4000 - 0.7) < 0.04 and abs(counts[0] / 4000 - 0.1) < 0.03


MULTINOMIAL_ERRORS = [
    ("negative", lambda m: m.multinomial(m.tensor([0.5, -0.1, 0.3]), 2)),
    ("negative_replacement", lambda m: m.multinomial(m.tensor([0.5, -0.1, 0.3]), 2, True)),
    ("inf", lambda m: m.multinomial(m.tensor([0.5, math.inf, 0.3]), 1)),
    ("inf_replacement", lambda m: m.multinomial(m.tensor([0.5, math.inf, 0.3]), 2, True)),
    ("nan", lambda m: m.multinomial(m.tensor([0.5, math.nan]), 1)),
    ("nan_replacement", lambda m: m.multinomial(m.tensor([0.5, math.nan]), 3, True)),
    ("sum_zero", lambda m: m.multinomial(m.zeros(3), 1)),
    ("sum_zero_row", lambda m: m.multinomial(m.tensor([[1.0, 0.0], [0.0, 0.0]]), 1)),
    ("sum_zero_replacement", lambda m: m.multinomial(m.zeros(3), 2, True)),
    ("too_many", lambda m: m.multinomial(m.ones(3), 4)),
    ("zero_samples", lambda m: m.multinomial(m.ones(3), 0)),
    ("scalar", lambda m: m.multinomial(m.tensor(1.0), 1)),
    ("3d", lambda m: m.multinomial(m.ones(2, 2, 2), 1)),
    ("integer", lambda m: m.multinomial(m.ones(3, dtype=m.int64), 1)),
    ("no_categories", lambda m: m.multinomial(m.ones(0), 1, True)),
]


@pytest.mark.parametrize("name,fn", MULTINOMIAL_ERRORS, ids=[c[0] for c in MULTINOMIAL_ERRORS])
def test_multinomial_errors(name, fn):
    with pytest.raises(RuntimeError) as ours:
        fn(tc)
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        fn(torch)
    assert str(ours.value) == str(theirs.value).split("\n")[0]


def test_multinomial_empty_rows_draw_nothing():
    tc.manual_seed(3)
    a = tc.rand(3).tolist()
    tc.manual_seed(3)
    out = tc.multinomial(tc.ones(0, 4), 2)
    assert out.shape == (0, 2) and out.dtype == tc.int64
    assert tc.rand(3).tolist() == a


# ---- in-place distributions ----

FILLS = [
    ("exponential", lambda m, dt: m.empty(3, 7, dtype=dt).exponential_()),
    ("exponential_rate", lambda m, dt: m.empty(40, dtype=dt).exponential_(2.5)),
    ("exponential_transposed", lambda m, dt: m.empty(5, 3, dtype=dt).t().exponential_(0.5)),
    ("geometric", lambda m, dt: m.empty(30, dtype=dt).geometric_(0.2)),
    ("cauchy", lambda m, dt: m.empty(30, dtype=dt).cauchy_(0.3, 1.7)),
    ("log_normal", lambda m, dt: m.empty(4, 9, dtype=dt).log_normal_(0.3, 0.8)),
    ("log_normal_default", lambda m, dt: m.empty(5, dtype=dt).log_normal_()),
    ("uniform", lambda m, dt: m.empty(50, dtype=dt).uniform_(-2, 3)),
    ("uniform_narrow", lambda m, dt: m.empty(50, dtype=dt).uniform_(0.1, 0.7)),
    ("uniform_transposed", lambda m, dt: m.empty(4, 6, dtype=dt).t().uniform_(-1, 5)),
    ("uniform_sliced", lambda m, dt: m.empty(4, 6, dtype=dt)[:, ::2].uniform_(-1, 5)),
    ("normal_small", lambda m, dt: m.empty(5, dtype=dt).normal_(0.3, 1.7)),
    ("normal_transposed", lambda m, dt: m.empty(6, 5, dtype=dt).t().normal_(0.3, 1.7)),
    ("bernoulli_scalar", lambda m, dt: m.empty(20, dtype=dt).bernoulli_(0.3)),
    ("random_to", lambda m, dt: m.empty(20, dtype=dt).random_(10)),
    ("random_from_to", lambda m, dt: m.empty(20, dtype=dt).random_(-5, 5)),
    ("random_wide", lambda m, dt: m.empty(20, dtype=dt).random_(0, 1 << 30)),
    ("random_from_none", lambda m, dt: m.empty(20, dtype=dt).random_(3, None)),
    ("random_full", lambda m, dt: m.empty(20, dtype=dt).random_()),
    ("random_keywords", lambda m, dt: m.empty(6, dtype=dt).random_(**{"from": 2, "to": 9})),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,fn", FILLS, ids=[c[0] for c in FILLS])
def test_fill_matches_pytorch(name, fn, dtype):
    _check_stream(lambda m: fn(m, getattr(m, dtype)), name)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("name", ["geometric", "bernoulli_scalar", "random_to", "random_from_to", "random_wide",
                                  "random_from_none", "random_full"])
def test_integer_fill_matches_pytorch(name, dtype):
    fn = dict(FILLS)[name]
    _check_stream(lambda m: fn(m, getattr(m, dtype)), name)


def test_random_imprecise_float_bounds_warn_like_pytorch():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        tc.empty(3).random_(0, 1 << 30)
    with pytest.warns(UserWarning, match=r"from is out of bounds \[-\(2\^53\), 2\^53\]"):
        tc.empty(3, dtype=tc.float64).random_(-(1 << 60), 0)


@pytest.mark.parametrize("dtype,lo,hi", [("float16", 0, 5000), ("bfloat16", -300, 5), ("float32", 0, 1 << 30)])
def test_random_imprecise_bounds_warning_text_matches_pytorch(dtype, lo, hi):
    torch = pytest.importorskip("torch")
    import warnings

    def messages(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.empty(3, dtype=getattr(m, dtype)).random_(lo, hi)
        return [str(x.message).split(" (Triggered internally")[0] for x in w]
    assert messages(tc) == messages(torch)


def test_random_bounds_at_int64_limits_raise():
    # PyTorch overflows in from + 1 here and never returns; tensorcore rejects
    # the bound (it exceeds what float32 can draw up to).
    with pytest.raises(RuntimeError, match="less than or equal to 'to_inc'"):
        tc.empty(3).random_(2 ** 63 - 1, None)
    assert tc.empty(3, dtype=tc.int64).random_(2 ** 63 - 1, None).tolist() == [2 ** 63 - 1] * 3


def test_random_special_ranges_match_pytorch():
    _check_stream(lambda m: m.empty(9, dtype=m.int64).random_(-2 ** 63, None), "full_int64")
    _check_stream(lambda m: m.empty(9, dtype=m.float64).random_(-2 ** 63, None), "full_float64")
    _check_stream(lambda m: m.empty(9, dtype=m.bool).random_(), "bool")
    _check_stream(lambda m: m.empty(9, dtype=m.float32).random_(2 ** 31 + 5, 2 ** 32), "float32_rounded_bounds")
    _check_stream(lambda m: m.randint(0, 1 << 30, (8,)), "randint_wide")
    _check_stream(lambda m: m.randint(-3, 4, (8,), dtype=m.float32), "randint_float")


def test_normal_fill_double_matches_pytorch_exactly():
    # 16-element Box-Muller blocks; mean/std applied with one rounding (fma).
    _check_stream(lambda m: m.empty(37, dtype=m.float64).normal_(0.3, 1.7), "normal_fill")
    _check_stream(lambda m: m.normal(0.3, 1.7, (5, 8), dtype=m.float64), "normal_size")


def test_normal_fill_float32_matches_pytorch_exactly():
    # PyTorch's AVX2 polynomial log/sincos, reproduced bit for bit.
    _check_stream(lambda m: m.empty(100).normal_(0.5, 2.0), "normal_fill_float32")
    _check_stream(lambda m: m.randn(3, 1000), "randn_float32")
    _check_stream(lambda m: m.randn(21), "randn_ragged_tail")


def test_generator_keyword_on_every_fill():
    pytest.importorskip("torch")
    calls = [
        lambda m, g: m.empty(6, dtype=m.float64).exponential_(1.5, generator=g),
        lambda m, g: m.empty(6).geometric_(0.4, generator=g),
        lambda m, g: m.empty(6).cauchy_(generator=g),
        lambda m, g: m.empty(6).log_normal_(generator=g),
        lambda m, g: m.empty(6).uniform_(-1, 1, generator=g),
        lambda m, g: m.empty(6).normal_(2, 3, generator=g),
        lambda m, g: m.empty(6, dtype=m.int64).random_(0, 100, generator=g),
        lambda m, g: m.empty(6).random_(generator=g),
        lambda m, g: m.empty(6).bernoulli_(0.4, generator=g),
        lambda m, g: m.empty(6).bernoulli_(m.full((6,), 0.4), generator=g),
        lambda m, g: m.bernoulli(m.full((6,), 0.4, dtype=m.float64), generator=g),
        lambda m, g: m.bernoulli(m.ones(6), 0.25, generator=g),
        lambda m, g: m.poisson(m.full((6,), 3.0), generator=g),
        lambda m, g: m.normal(m.zeros(6), m.ones(6), generator=g),
        lambda m, g: m.normal(m.zeros(6), 2.0, generator=g),
        lambda m, g: m.normal(1.0, m.ones(6), generator=g),
        lambda m, g: m.normal(1.0, 2.0, (6,), generator=g),
        lambda m, g: m.rand_like(m.ones(6), generator=g),
        lambda m, g: m.randn_like(m.ones(6), generator=g),
        lambda m, g: m.randint_like(m.ones(6), 3, 9, generator=g),
    ]
    for i, call in enumerate(calls):
        _check_generator_object(call, f"call {i}")


# ---- bernoulli with probability tensors ----

@pytest.mark.parametrize("p_dtype", ["float32", "float64"])
def test_bernoulli_tensor_matches_pytorch(p_dtype):
    def probs(m):
        return m.tensor(np.random.RandomState(1).rand(4, 6), dtype=getattr(m, p_dtype))
    _check_stream(lambda m: m.bernoulli(probs(m)), "bernoulli")
    _check_stream(lambda m: probs(m).bernoulli(), "method")
    _check_stream(lambda m: m.empty(4, 6, dtype=m.int64).bernoulli_(probs(m)), "into int64")
    _check_stream(lambda m: m.empty(3, 4, 6, dtype=m.float64).bernoulli_(probs(m)), "broadcast p")
    _check_stream(lambda m: m.empty(6, 4).t().bernoulli_(probs(m)), "transposed output")
    _check_stream(lambda m: m.bernoulli(probs(m), 0.3), "scalar p")


def test_bernoulli_errors_like_pytorch():
    cases = [
        (lambda m: m.empty(2).bernoulli_(1.5), RuntimeError),
        (lambda m: m.empty(2).bernoulli_(m.tensor([0.5, 2.0])), RuntimeError),
        (lambda m: m.empty(2).bernoulli_(m.tensor([1, 0])), NotImplementedError),
        (lambda m: m.empty(2).bernoulli_(m.rand(3)), RuntimeError),
        (lambda m: m.bernoulli(m.tensor([1, 0])), NotImplementedError),
    ]
    _check_errors(cases)


# ---- poisson ----

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_poisson_matches_pytorch(dtype):
    rates = [0.0, 0.5, 3.0, 9.99, 10.0, 25.0, 400.0, 1e5]
    _check_stream(lambda m: m.poisson(m.tensor(rates, dtype=getattr(m, dtype))), "poisson")
    _check_stream(lambda m: m.poisson(m.tensor(np.random.RandomState(2).rand(3, 5) * 30, dtype=getattr(m, dtype)).t()),
                  "poisson_transposed")


def test_poisson_properties():
    tc.manual_seed(0)
    for lam in (0.7, 4.0, 60.0):
        x = tc.poisson(tc.full((20000,), lam, dtype=tc.float64)).numpy()
        assert (x >= 0).all() and (x == np.round(x)).all()
        assert abs(x.mean() - lam) < 0.05 * lam + 0.03 and abs(x.var() - lam) < 0.1 * lam + 0.05


# ---- normal with tensor arguments ----

NORMALS = [
    ("tensor_tensor", lambda m, dt: m.normal(m.arange(12, dtype=dt).reshape(3, 4), m.full((4,), 0.5, dtype=dt))),
    ("tensor_tensor_broadcast", lambda m, dt: m.normal(m.zeros(3, 1, dtype=dt), m.ones(5, dtype=dt) * 2)),
    ("tensor_tensor_small", lambda m, dt: m.normal(m.zeros(5, dtype=dt) + 1, m.ones(5, dtype=dt))),
    ("tensor_float", lambda m, dt: m.normal(m.arange(20, dtype=dt), 3.0)),
    ("tensor_default_std", lambda m, dt: m.normal(m.arange(7, dtype=dt))),
    ("float_tensor", lambda m, dt: m.normal(0.7, m.arange(1, 19, dtype=dt))),
    ("float_float_size", lambda m, dt: m.normal(0.7, 0.1, (3, 3), dtype=dt)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,fn", NORMALS, ids=[c[0] for c in NORMALS])
def test_normal_matches_pytorch(name, fn, dtype):
    _check_stream(lambda m: fn(m, getattr(m, dtype)), name)


def test_normal_gradients_are_zero_like_pytorch():
    torch = pytest.importorskip("torch")
    for m, label in ((tc, "tc"), (torch, "torch")):
        mean = m.zeros(3, requires_grad=True)
        std = m.ones(3, requires_grad=True)
        outs = [m.normal(mean, std), m.normal(mean, 2.0), m.normal(1.0, std)]
        names = [type(o.grad_fn).__name__ for o in outs]
        assert names == ["NormalBackward3", "NormalBackward1", "NormalBackward2"], label
        sum(o.sum() for o in outs).backward()
        assert mean.grad.tolist() == [0.0] * 3 and std.grad.tolist() == [0.0] * 3, label
        p = m.full((3,), 0.5, requires_grad=True)
        assert type(m.bernoulli(p).grad_fn).__name__ == "BernoulliBackward0"
        assert type(m.poisson(p).grad_fn).__name__ == "PoissonBackward0"
        assert m.multinomial(p, 2).grad_fn is None


# ---- *_like ----

LIKES = [
    ("rand_like", lambda m: m.rand_like(m.ones(3, 4))),
    ("rand_like_double", lambda m: m.rand_like(m.ones(3, 4), dtype=m.float64)),
    ("randn_like", lambda m: m.randn_like(m.ones(20, dtype=m.float64))),
    ("randint_like", lambda m: m.randint_like(m.ones(3, 4), 10)),
    ("randint_like_low_high", lambda m: m.randint_like(m.ones(3, 4, dtype=m.int64), -4, 4)),
    ("rand_like_transposed", lambda m: m.rand_like(m.ones(4, 3).t())),
    ("randn_like_permuted", lambda m: m.randn_like(m.ones(2, 3, 4, dtype=m.float64).permute(2, 0, 1))),
]


@pytest.mark.parametrize("name,fn", LIKES, ids=[c[0] for c in LIKES])
def test_like_factories_match_pytorch(name, fn):
    # Values per logical position equal PyTorch's (which draws a permuted
    # input's result in memory order); tensorcore stores the result contiguously.
    _check_stream(fn, name)
    _check_stream(lambda m: fn(m).contiguous(), name)


def test_like_factories_contiguous_format():
    x = lambda m: m.ones(4, 6, dtype=m.float64).t()  # noqa: E731
    _check_stream(lambda m: m.randn_like(x(m), memory_format=m.contiguous_format), "randn_like")
    _check_stream(lambda m: m.rand_like(x(m), memory_format=m.contiguous_format), "rand_like")
    # preserve_format (the default) keeps the transposed input's strides, as PyTorch does
    assert tc.rand_like(x(tc)).stride() == __import__("torch").rand_like(x(__import__("torch"))).stride()


def test_out_arguments_sample_into_out_like_pytorch():
    def into(m, make, dtype):
        out = m.zeros(3, 4, dtype=dtype)
        res = make(m, out)
        assert res is out or res.data_ptr() == out.data_ptr()
        return out
    for dt in ("float32", "float64"):
        _check_stream(lambda m: into(m, lambda m, o: m.rand(3, 4, out=o), getattr(m, dt)), "rand out")
        _check_stream(lambda m: into(m, lambda m, o: m.randn(3, 4, out=o), getattr(m, dt)), "randn out")
        _check_stream(lambda m: into(m, lambda m, o: m.normal(1.0, 2.0, (3, 4), out=o), getattr(m, dt)), "normal out")
        _check_stream(lambda m: into(m, lambda m, o: m.normal(m.ones(4), m.full((3, 4), 2.0), out=o),
                                     getattr(m, dt)), "normal tensors out")
        _check_stream(lambda m: into(m, lambda m, o: m.normal(m.ones(3, 4), 0.5, out=o), getattr(m, dt)),
                      "normal mean out")
        _check_stream(lambda m: into(m, lambda m, o: m.normal(0.5, m.ones(3, 4), out=o), getattr(m, dt)),
                      "normal std out")
        _check_stream(lambda m: into(m, lambda m, o: m.bernoulli(m.full((3, 4), 0.3), out=o), getattr(m, dt)),
                      "bernoulli out")
    _check_stream(lambda m: into(m, lambda m, o: m.randint(0, 9, (3, 4), out=o), m.int64), "randint out")
    _check_stream(lambda m: into(m, lambda m, o: m.multinomial(m.ones(3, 7), 4, out=o), m.int64), "multinomial out")
    # An out of another shape is resized first (silently, as PyTorch's factories do), then sampled into.
    _check_stream(lambda m: (lambda o: (m.rand(2, 3, out=o), o)[1])(m.empty(5)), "rand out resized")


# ---- errors ----

def _check_errors(cases):
    for fn, exc in cases:
        with pytest.raises(exc):
            fn(tc)
    torch = pytest.importorskip("torch")
    for fn, exc in cases:
        with pytest.raises(exc):
            fn(torch)


def test_distribution_argument_errors_like_pytorch():
    cases = [
        (lambda m: m.empty(2).exponential_(0), RuntimeError),
        (lambda m: m.empty(2).exponential_(-1), RuntimeError),
        (lambda m: m.empty(2).exponential_(math.nan), RuntimeError),
        (lambda m: m.empty(2, dtype=m.int64).exponential_(), RuntimeError),
        (lambda m: m.empty(2).geometric_(1), RuntimeError),
        (lambda m: m.empty(2).geometric_(0), RuntimeError),
        (lambda m: m.empty(2, dtype=m.bool).geometric_(0.5), NotImplementedError),
        (lambda m: m.empty(2).cauchy_(0, 0), RuntimeError),
        (lambda m: m.empty(2, dtype=m.int64).cauchy_(), RuntimeError),
        (lambda m: m.empty(2).log_normal_(0, 0), RuntimeError),
        (lambda m: m.empty(2, dtype=m.int64).log_normal_(), NotImplementedError),
        (lambda m: m.empty(2, dtype=m.int64).uniform_(), NotImplementedError),
        (lambda m: m.empty(2).uniform_(3, 1), RuntimeError),
        (lambda m: m.empty(2).uniform_(-1e39, 1), RuntimeError),
        (lambda m: m.empty(2).uniform_(-3e38, 3e38), RuntimeError),
        (lambda m: m.empty(2, dtype=m.int64).normal_(), NotImplementedError),
        (lambda m: m.empty(2).normal_(0, -1), RuntimeError),
        (lambda m: m.rand(2, dtype=m.int64), NotImplementedError),
        (lambda m: m.randn(2, dtype=m.int64), NotImplementedError),
        (lambda m: m.empty(2, dtype=m.int32).random_(0, 2 ** 40), RuntimeError),
        (lambda m: m.empty(2, dtype=m.bool).random_(-5, 3), RuntimeError),
        (lambda m: m.empty(2).random_(2 ** 31 + 5, 2 ** 31 + 9), RuntimeError),
        (lambda m: m.empty(2, dtype=m.int32).random_(-2 ** 63, None), RuntimeError),
        (lambda m: m.empty(2).random_(5, 5), RuntimeError),
        (lambda m: m.poisson(m.tensor([1.0, -1.0])), RuntimeError),
        (lambda m: m.poisson(m.tensor([1, 2])), NotImplementedError),
        (lambda m: m.normal(m.zeros(2), m.tensor([1.0, -1.0])), RuntimeError),
        (lambda m: m.normal(m.zeros(2), m.tensor([1.0, math.nan])), RuntimeError),
        (lambda m: m.normal(m.zeros(2), -1.0), RuntimeError),
        (lambda m: m.normal(m.zeros(2, dtype=m.int64), 1.0), NotImplementedError),
        (lambda m: m.normal(m.zeros(2), m.ones(3)), RuntimeError),
        (lambda m: m.multinomial(m.ones(3), 2.0), TypeError),
    ]
    _check_errors(cases)


def test_error_messages_match_pytorch():
    torch = pytest.importorskip("torch")
    cases = [
        lambda m: m.empty(2).exponential_(-1),
        lambda m: m.empty(2, dtype=m.int64).exponential_(),
        lambda m: m.empty(2).geometric_(1.5),
        lambda m: m.empty(2, dtype=m.bool).geometric_(0.5),
        lambda m: m.empty(2, dtype=m.int64).cauchy_(),
        lambda m: m.empty(2).log_normal_(0, -2),
        lambda m: m.empty(2, dtype=m.int64).uniform_(),
        lambda m: m.empty(2).uniform_(-3e38, 3e38),
        lambda m: m.empty(2, dtype=m.int32).random_(0, 2 ** 40),
        lambda m: m.empty(2).random_(2 ** 31 + 5, 2 ** 31 + 9),
        lambda m: m.empty(2).bernoulli_(1.5),
        lambda m: m.empty(2).bernoulli_(m.tensor([0.5, 2.0])),
        lambda m: m.poisson(m.tensor([-1.0])),
        lambda m: m.poisson(m.tensor([1])),
        lambda m: m.normal(m.zeros(2), m.tensor([1.0, -1.0])),
    ]
    for fn in cases:
        with pytest.raises(Exception) as ours:
            fn(tc)
        with pytest.raises(Exception) as theirs:
            fn(torch)
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value) == str(theirs.value).split("\n")[0]


# ---- behaviour without PyTorch ----

def test_same_seed_same_draws():
    fns = [lambda: tc.empty(9).exponential_(), lambda: tc.poisson(tc.full((5,), 12.0)),
           lambda: tc.multinomial(tc.ones(3, 20), 5), lambda: tc.normal(tc.zeros(4), tc.ones(4))]
    for fn in fns:
        tc.manual_seed(42)
        a = fn().numpy().copy()
        tc.manual_seed(42)
        assert np.array_equal(a, fn().numpy())


def test_distribution_moments():
    tc.manual_seed(1)
    e = tc.empty(50000, dtype=tc.float64).exponential_(2.0).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    g = tc.empty(50000, dtype=tc.int64).geometric_(0.25).numpy()
    assert g.min() >= 1 and abs(g.mean() - 4.0) < 0.1
    ln = tc.empty(50000, dtype=tc.float64).log_normal_(0.0, 0.5).numpy()
    assert abs(np.log(ln).mean()) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    c = tc.empty(50000, dtype=tc.float64).cauchy_(1.0, 2.0).numpy()
    assert abs(np.median(c) - 1.0) < 0.06
    u = tc.empty(50000).uniform_(-2, 3).numpy()
    assert u.min() >= -2 and u.max() < 3 and abs(u.mean() - 0.5) < 0.03
    r = tc.empty(50000, dtype=tc.int64).random_(-3, 4).numpy()
    assert r.min() == -3 and r.max() == 3
