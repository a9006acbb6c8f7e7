"""Random streams: deterministic per seed, and equal to PyTorch's for the same seed."""
import numpy as np
import pytest

import tensorcore as tc

CASES = [
    ("rand", lambda m: m.rand(7)),
    ("rand_f64", lambda m: m.rand(3, 4, dtype=m.float64)),
    ("randn_small", lambda m: m.randn(5)),
    ("randn_block", lambda m: m.randn(37)),
    ("randn_f64", lambda m: m.randn(2, 9, dtype=m.float64)),
    ("randint", lambda m: m.randint(0, 10, (6,))),
    ("randint_big", lambda m: m.randint(-5, 1 << 40, (4,))),
    ("randperm", lambda m: m.randperm(13)),
    ("uniform_", lambda m: m.empty(5).uniform_(-2, 3)),
    ("normal_", lambda m: m.empty(3, 6).normal_(1.5, 0.5)),
    ("seq", lambda m: m.cat([m.rand(2), m.randn(3), m.rand(2)])),
]


@pytest.mark.parametrize("name,fn", CASES)
def test_same_seed_same_values(name, fn):
    tc.manual_seed(123)
    a = fn(tc).numpy().copy()
    tc.manual_seed(123)
    b = fn(tc).numpy().copy()
    assert np.array_equal(a, b)


@pytest.mark.parametrize("name,fn", CASES)
def test_matches_pytorch_stream(name, fn):
    torch = pytest.importorskip("torch")
    for seed in (0, 7, 2 ** 40 + 3):
        tc.manual_seed(seed)
        torch.manual_seed(seed)
        got, want = fn(tc).numpy(), fn(torch).numpy()
        assert got.dtype == want.dtype
        assert np.array_equal(got, want), name


def test_generator_objects_match_pytorch():
    torch = pytest.importorskip("torch")
    g, tg = tc.Generator().manual_seed(42), torch.Generator().manual_seed(42)
    assert tc.randperm(10, generator=g).tolist() == torch.randperm(10, generator=tg).tolist()
    assert np.array_equal(tc.rand(4, generator=g).numpy(), torch.rand(4, generator=tg).numpy())


def test_rng_state_roundtrip():
    tc.manual_seed(5)
    tc.randn(3)  # leaves a cached normal sample
    st = tc.get_rng_state()
    a = tc.randn(3).numpy().copy()
    tc.set_rng_state(st)
    assert np.array_equal(a, tc.randn(3).numpy())


def test_distribution_sanity():
    tc.manual_seed(0)
    x = tc.randn(100000)
    assert abs(x.mean().item()) < 0.02 and abs(x.std().item() - 1) < 0.02
    u = tc.rand(100000)
    assert 0 <= u.min().item() and u.max().item() < 1 and abs(u.mean().item() - 0.5) < 0.01
    r = tc.randint(3, 9, (10000,))
    assert r.min().item() == 3 and r.max().item() == 8


def test_bad_random_arguments():
    with pytest.raises(RuntimeError):
        tc.randint(5, 5, (3,))
    with pytest.raises(RuntimeError):
        tc.randperm(-1)
    with pytest.raises(RuntimeError):
        tc.empty(3).normal_(0, -1)
    with pytest.raises(TypeError):
        tc.rand(3, generator="not a generator")
