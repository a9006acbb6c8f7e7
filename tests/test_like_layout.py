"""*_like factories and empty_strided lay results out as PyTorch does
(preserve_format: a dense, non-overlapping input's strides are kept)."""
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

INPUTS = {
    "transposed": lambda m: m.arange(6.).reshape(2, 3).t(),
    "permuted": lambda m: m.ones(2, 3, 4).permute(2, 0, 1),
    "sliced (not dense)": lambda m: m.ones(4, 6)[:, ::2],
    "expanded (overlapping)": lambda m: m.ones(3, 1).expand(3, 4),
    # Not dense but strided: ATen infers dense strides in the input's order (Note [Dense strides like a strided input]).
    "transposed then sliced": lambda m: m.ones(3, 4).t()[::2],
    "sliced then transposed": lambda m: m.ones(4, 6)[:, ::2].t(),
    "permuted then sliced": lambda m: m.ones(2, 3, 4).permute(2, 0, 1)[:, :, ::2],
    "size-1 dim between strided ones": lambda m: m.ones(4, 1, 3).permute(2, 1, 0)[:, :, ::2],
    "equal strides (size decides)": lambda m: m.ones(2, 6)[:, ::3].as_strided((2, 3), (2, 2)),
    "expanded transposed": lambda m: m.ones(2, 3, 4).transpose(0, 2).expand(2, 4, 3, 2),
    "contiguous": lambda m: m.ones(2, 3),
    "scalar": lambda m: m.tensor(1.0),
}
LIKES = {
    "empty_like": lambda m, x, **kw: m.empty_like(x, **kw),
    "zeros_like": lambda m, x, **kw: m.zeros_like(x, **kw),
    "ones_like": lambda m, x, **kw: m.ones_like(x, **kw),
    "full_like": lambda m, x, **kw: m.full_like(x, 2, **kw),
    "rand_like": lambda m, x, **kw: m.rand_like(x, **kw),
    "randn_like": lambda m, x, **kw: m.randn_like(x, **kw),
}


@pytest.mark.parametrize("inp", sorted(INPUTS))
@pytest.mark.parametrize("like", sorted(LIKES))
@pytest.mark.parametrize("fmt", [None, "contiguous_format", "preserve_format"])
def test_like_strides_match_torch(inp, like, fmt):
    def run(m):
        kw = {} if fmt is None else {"memory_format": getattr(m, fmt)}
        r = LIKES[like](m, INPUTS[inp](m), dtype=m.float64, **kw)
        return tuple(r.shape), r.stride(), str(r.dtype).split(".")[-1]
    assert run(tc) == run(torch)


def test_full_like_values_follow_the_layout():
    x = tc.ones(2, 3).t()
    r = tc.full_like(x, 7)
    assert r.stride() == (1, 3) and r.tolist() == [[7.0] * 2] * 3


@pytest.mark.parametrize("size,stride", [((2, 3), (1, 2)), ((2, 3), (0, 1)), ((3, 0), (1, 1)), ((2, 2), (4, 1))])
def test_empty_strided_matches_torch(size, stride):
    a, b = tc.empty_strided(size, stride), torch.empty_strided(size, stride)
    assert (tuple(a.shape), a.stride()) == (tuple(b.shape), b.stride())
    a.fill_(1.0)  # every element is writable (the block covers the highest one)
    assert a.sum().item() == a.numel()


def test_empty_strided_errors_like_torch():
    for m in (tc, torch):
        with pytest.raises(RuntimeError):
            m.empty_strided((2, 3), (1,))


def test_gradcheck_accepts_strided_inputs():
    # gradcheck perturbs elements through indices (row-major), so a transposed
    # input works as in PyTorch, and a wrong gradient is still caught.
    x = tc.randn(3, 4, dtype=tc.float64).t().requires_grad_()
    assert tc.autograd.gradcheck(lambda a: (a * a).sum(1), (x,))

    class Wrong(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a  # should be 2 * g * a

    with pytest.raises(Exception):
        tc.autograd.gradcheck(Wrong.apply, (x,))


@pytest.mark.parametrize("like", ["rand_like", "randn_like", "randint_like"])
def test_random_like_of_a_strided_slice_draws_torchs_values(like):
    # The fill visits memory order, so the inferred column-major layout decides
    # which element gets which draw.
    def run(m):
        m.manual_seed(3)
        x = m.ones(5, 8, dtype=m.float64).t()[::2]
        r = m.randint_like(x, 100) if like == "randint_like" else getattr(m, like)(x)
        return r.stride(), r.tolist()
    assert run(tc) == run(torch)

