"""Bit-exact fidelity of seeded random streams and initializers, side by side
with PyTorch: the same seed in both libraries must give the same bits
(np.array_equal, never allclose), and leave the generator in the same state
(a draw after the call must match too). Each case differed before its fix:

* float16/bfloat16 rand/uniform_: PyTorch folds a value that rounds up to `to`
  back to `from` after the rounding (Note [16-bit uniform and normal streams]);
* float16/bfloat16 randn/normal_ of n >= 16 elements with n % 16 != 0: PyTorch
  draws the ragged tail right after the whole 16-blocks;
* int8/int16 random_(): PyTorch draws [0, max], tensorcore wrapped negatives;
* rrelu(training=True) on float32: slopes from float-rounded bounds;
* nn.init.uniform_/normal_ (and the xavier/kaiming/trunc_normal_ built on them)
  with generator=: drawn straight into the tensor, not scaled from rand()."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _bits(t):
    """A tensor's values as numpy, 16-bit floats widened exactly to float32."""
    t = t.detach()
    if str(t.dtype).endswith(("float16", "bfloat16")):
        t = t.float()
    return t.numpy()


def _same_stream(make, seed=0):
    """make(lib) under manual_seed(seed) in both libraries; the results and the
    next float32 draw (the generator state after) must be bit-identical."""
    results = []
    for lib in (torch, tc):
        lib.manual_seed(seed)
        out = make(lib)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        results.append([_bits(x) for x in out] + [lib.rand(5).numpy()])
    expected, actual = results
    assert len(expected) == len(actual)
    for e, a in zip(expected, actual):
        assert e.dtype == a.dtype and e.shape == a.shape
        assert np.array_equal(e, a), f"first difference at {np.argwhere(e != a)[:3].tolist()}"


HALF_TYPES = ["float16", "bfloat16"]


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("n", [20000, 40003])
def test_rand_16bit_folds_values_rounded_up_to_one(dtype, n):
    # About one float32 draw in 4000 rounds up to 1.0 in float16; PyTorch writes 0 there.
    _same_stream(lambda L: L.rand(n, dtype=getattr(L, dtype)))
    torch.manual_seed(0)
    assert (torch.rand(n, dtype=getattr(torch, dtype)) == 0).any()  # the case is really exercised


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("bounds", [(0.0, 1.0), (-2.0, 3.0), (0.1, 0.7)])
def test_uniform_16bit_folds_to_from(dtype, bounds):
    _same_stream(lambda L: L.empty(30001, dtype=getattr(L, dtype)).uniform_(*bounds))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_rand_like_and_out_16bit(dtype):
    _same_stream(lambda L: L.rand_like(L.zeros(150, 101, dtype=getattr(L, dtype))))
    _same_stream(lambda L: L.rand(30000, out=L.empty(30000, dtype=getattr(L, dtype))))


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("n", [16, 17, 31, 33, 100003])
def test_randn_16bit_ragged_tail(dtype, n):
    _same_stream(lambda L: L.randn(n, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("mean_std", [(0.0, 1.0), (0.1, 0.3), (1.0, 2.0)])
def test_normal_16bit_ragged_tail(dtype, mean_std):
    _same_stream(lambda L: L.empty(5, 7, dtype=getattr(L, dtype)).normal_(*mean_std))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_normal_family_16bit_ragged_tail(dtype):
    _same_stream(lambda L: L.randn_like(L.zeros(3, 7, dtype=getattr(L, dtype))))
    _same_stream(lambda L: L.normal(0.5, 2.0, size=(19,), dtype=getattr(L, dtype)))
    _same_stream(lambda L: L.randn(19, out=L.empty(19, dtype=getattr(L, dtype))))
    _same_stream(lambda L: L.nn.init.normal_(L.empty(3, 11, dtype=getattr(L, dtype)), 0.0, 0.02))
    _same_stream(lambda L: L.nn.init.kaiming_normal_(L.empty(5, 7, dtype=getattr(L, dtype))))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_normal_16bit_short_and_strided_unchanged(dtype):
    # Under 16 elements or non-contiguous: PyTorch's per-element path, which already matched.
    _same_stream(lambda L: L.randn(15, dtype=getattr(L, dtype)))
    _same_stream(lambda L: L.empty(7, 5, dtype=getattr(L, dtype)).t().normal_())


def test_normal_16bit_generator_stream():
    def make(L):
        g = L.Generator().manual_seed(11)
        return [L.randn(21, dtype=L.float16, generator=g), L.rand(9000, dtype=L.bfloat16, generator=g),
                L.randn(3, generator=g)]
    _same_stream(make)


@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_random_full_range_small_ints_non_negative(dtype, n):
    _same_stream(lambda L: L.empty(n, dtype=getattr(L, dtype)).random_())
    tc.manual_seed(0)
    assert (tc.empty(1000, dtype=getattr(tc, dtype)).random_() >= 0).all()


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64", "bool", "float32", "float16"])
def test_random_full_range_other_dtypes(dtype):
    _same_stream(lambda L: L.empty(33, dtype=getattr(L, dtype)).random_())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bounds", [(1.0 / 8, 1.0 / 3), (0.1, 0.7)])
def test_rrelu_training_slopes(dtype, bounds):
    x = np.random.RandomState(0).randn(4, 6, 5, 7)
    _same_stream(lambda L: L.nn.functional.rrelu(L.tensor(x, dtype=getattr(L, dtype)), *bounds, training=True))
    _same_stream(lambda L: L.nn.RReLU(*bounds)(L.tensor(x, dtype=getattr(L, dtype))))


def test_rrelu_training_gradient_is_the_drawn_slope():
    x = np.random.RandomState(1).randn(50)

    def make(L):
        xt = L.tensor(x, dtype=L.float32, requires_grad=True)
        y = L.nn.functional.rrelu(xt, training=True)
        y.sum().backward()
        return [y, xt.grad]
    _same_stream(make)


def _with_generator(init):
    def make(L):
        g = L.Generator().manual_seed(3)
        return init(L, g)
    return make


@pytest.mark.parametrize("name,init", [
    ("uniform_", lambda L, g: L.nn.init.uniform_(L.empty(7, 5), -1.0, 2.0, generator=g)),
    ("normal_", lambda L, g: L.nn.init.normal_(L.empty(33), 0.5, 2.0, generator=g)),
    ("normal_ half", lambda L, g: L.nn.init.normal_(L.empty(33, dtype=L.float16), 0.5, 2.0, generator=g)),
    ("xavier_uniform_", lambda L, g: L.nn.init.xavier_uniform_(L.empty(4, 6), generator=g)),
    ("xavier_normal_", lambda L, g: L.nn.init.xavier_normal_(L.empty(4, 6), generator=g)),
    ("kaiming_uniform_", lambda L, g: L.nn.init.kaiming_uniform_(L.empty(8, 3, 3, 3), a=5 ** 0.5, generator=g)),
    ("kaiming_normal_", lambda L, g: L.nn.init.kaiming_normal_(L.empty(4, 6), mode="fan_out", generator=g)),
    ("trunc_normal_ narrow", lambda L, g: L.nn.init.trunc_normal_(L.empty(20), 0.0, 1.0, -0.1, 0.1, generator=g)),
    ("trunc_normal_ wide", lambda L, g: L.nn.init.trunc_normal_(L.empty(20), generator=g)),
    ("parameter", lambda L, g: L.nn.init.kaiming_uniform_(L.nn.Parameter(L.empty(4, 6)), generator=g)),
])
def test_init_with_generator(name, init):
    _same_stream(_with_generator(init))


def test_init_with_generator_keeps_global_stream():
    def make(L):
        g = L.Generator().manual_seed(3)
        L.nn.init.uniform_(L.empty(10), generator=g)
        return [L.rand(4), L.rand(2, generator=g)]
    _same_stream(make)


def test_init_generator_type_error():
    for lib in (torch, tc):
        with pytest.raises(TypeError):
            lib.nn.init.uniform_(lib.empty(3), generator=5)


@pytest.mark.parametrize("layer", [
    lambda L: L.nn.Linear(7, 5, dtype=L.float16), lambda L: L.nn.Linear(7, 5, dtype=L.bfloat16),
    lambda L: L.nn.Conv2d(3, 5, 3, dtype=L.bfloat16), lambda L: L.nn.Embedding(10, 40, dtype=L.float16),
    lambda L: L.nn.LSTM(4, 5, dtype=L.float16),
])
def test_16bit_layer_default_init(layer):
    _same_stream(lambda L: [v for _, v in sorted(layer(L).state_dict().items())])


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("make", [
    lambda L, dt: L.empty(7, 5, dtype=dt).t(),           # transposed, 35 elements
    lambda L, dt: L.empty(4, 3, dtype=dt).t(),           # transposed, under 16 elements
    lambda L, dt: L.empty(6, 20, dtype=dt)[:, ::2],      # gaps
    lambda L, dt: L.empty(2, 3, 9, dtype=dt).permute(2, 0, 1),
])
def test_normal_16bit_strided_memory_order(dtype, make):
    def fill(L):
        t = make(L, getattr(L, dtype))
        t.normal_(0.5, 2.0)
        return t
    _same_stream(fill)


@pytest.mark.parametrize("dtype", HALF_TYPES)
@pytest.mark.parametrize("p", [0.3, 0.1, 0.7])
def test_dropout_16bit_scale(dtype, p):
    # A kept element is half(1.0f / float(1 - p)): 1 / 0.7 is 1.4287 in float16, not 1.4277.
    _same_stream(lambda L: L.nn.functional.dropout(L.ones(40, 7, dtype=getattr(L, dtype)), p))
    _same_stream(lambda L: L.nn.functional.dropout2d(L.ones(4, 7, 3, 3, dtype=getattr(L, dtype)), p))
    _same_stream(lambda L: L.nn.Dropout1d(p)(L.ones(4, 7, 5, dtype=getattr(L, dtype))))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_normal_tensor_mean_std_16bit(dtype):
    def rates(L):
        return L.tensor(np.linspace(0.0, 2.0, 50), dtype=getattr(L, dtype))
    _same_stream(lambda L: L.normal(rates(L), rates(L) + 0.5))
    _same_stream(lambda L: L.normal(rates(L), 0.3))
    _same_stream(lambda L: L.normal(0.3, rates(L)))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_rand_into_strided_16bit_out(dtype):
    _same_stream(lambda L: L.rand(4, 5, out=L.empty(5, 4, dtype=getattr(L, dtype)).t()))
    _same_stream(lambda L: L.randn(4, 5, out=L.empty(5, 4, dtype=getattr(L, dtype)).t()))


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_poisson_16bit(dtype):
    def rates(L):
        return L.tensor(np.linspace(0.0, 300.0, 301), dtype=getattr(L, dtype))
    _same_stream(lambda L: L.poisson(rates(L)))
    tc.manual_seed(0)
    assert tc.poisson(rates(tc)).dtype == getattr(tc, dtype)


@pytest.mark.parametrize("dtype", HALF_TYPES)
def test_16bit_parameter_init_under_no_grad(dtype):
    # nn.init fills a Parameter (requires_grad) under no_grad: the exact 16-bit path applies there too.
    _same_stream(lambda L: L.nn.Embedding(1000, 33, dtype=getattr(L, dtype)).weight)

    def fill_parameter(L):
        p = L.nn.Parameter(L.empty(7, 5, dtype=getattr(L, dtype)).t())
        with L.no_grad():
            p.normal_()
            return [p.clone(), p.uniform_(-1.0, 1.0).clone()]
    _same_stream(fill_parameter)


def test_16bit_fill_of_leaf_requiring_grad_still_refused():
    for lib in (torch, tc):
        p = lib.nn.Parameter(lib.zeros(17, dtype=lib.float16))
        with pytest.raises(RuntimeError):
            p.normal_()
        with pytest.raises(RuntimeError):
            p.uniform_()
