"""Fixes of stop 18 outside linalg, each compared with PyTorch (or with the
behaviour PyTorch documents where the two cannot run side by side)."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def test_checkpoints_in_two_threads_both_recompute():
    # the "already inside a checkpoint" count is per thread (as PyTorch's): a checkpoint running in
    # another thread must not make this one run its function directly, without saving memory
    import threading
    from tensorcore.utils.checkpoint import checkpoint
    barrier = threading.Barrier(2)
    runs = {0: 0, 1: 0}
    errors = []

    def work(k):
        try:
            x = tc.randn(8, requires_grad=True)

            def fn(v):
                runs[k] += 1
                if runs[k] == 1:
                    barrier.wait(timeout=10)  # both threads are inside their checkpoint's forward here
                return (v.sin() * v).sum()
            checkpoint(fn, x, use_reentrant=False).backward()
            np.testing.assert_allclose(x.grad.numpy(), (np.cos(x.detach().numpy()) * x.detach().numpy()
                                                        + np.sin(x.detach().numpy())), rtol=1e-5)
        except Exception as e:  # reported below: an assertion in a thread would be lost
            errors.append(e)
    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert runs == {0: 2, 1: 2}  # forward + one recomputation each


@pytest.mark.parametrize("index", ["two", "three", "with_slice"])
def test_index_broadcast_error_lists_every_index_shape(index):
    def run(m):
        x = m.zeros(5, 5, 5)
        idx = {"two": (m.arange(2), m.arange(3)), "three": (m.arange(2), m.arange(2), m.arange(3)),
               "with_slice": (m.arange(2), slice(None), m.arange(3))}[index]
        x[idx]
    with pytest.raises(IndexError) as want:
        run(torch)
    with pytest.raises(IndexError) as got:
        run(tc)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
                                   "float64", "complex64"])
def test_masked_fill_non_bool_mask_message_names_the_cpp_type(dtype):
    with pytest.raises(RuntimeError) as want:
        torch.zeros(3).masked_fill(torch.zeros(3, dtype=getattr(torch, dtype)), 1.0)
    with pytest.raises(RuntimeError) as got:
        tc.zeros(3).masked_fill(tc.zeros(3, dtype=getattr(tc, dtype)), 1.0)
    assert str(got.value) == str(want.value)


def test_set_flush_denormal_flushes_like_torch():
    tiny = 1e-39  # a float32 denormal
    try:
        assert tc.set_flush_denormal(True) is torch.set_flush_denormal(True) is True
        assert tc.tensor([tiny]).item() == torch.tensor([tiny]).item() == 0.0
        x = tc.full((4096,), 1e-30) * 1e-9  # computed in a kernel: flushed too
        assert (x == 0).all().item()
    finally:
        tc.set_flush_denormal(False)
        torch.set_flush_denormal(False)
    assert tc.tensor([tiny]).item() == torch.tensor([tiny]).item() != 0.0
    with pytest.raises(RuntimeError, match="flush_denormal expects a bool, but got int"):
        tc.set_flush_denormal(1)


@pytest.mark.parametrize("make", ["scalar", "list", "nested"])
def test_int_beyond_int64_fills_a_complex_tensor(make):
    def run(m):
        data = {"scalar": 2**64, "list": [2**64, 3], "nested": [[2**64]]}[make]
        return m.tensor(data, dtype=m.complex128)
    got, want = run(tc), run(torch)
    assert got.dtype is tc.complex128
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_nansum_refuses_complex_even_with_a_real_dtype():
    with pytest.raises(RuntimeError, match="nansum on CPU does not support complex inputs"):
        torch.nansum(torch.tensor([1j]), dtype=torch.float32)
    with pytest.raises(RuntimeError, match="nansum on CPU does not support complex inputs"):
        tc.nansum(tc.tensor([1j]), dtype=tc.float32)


@pytest.mark.parametrize("weight", [0.25, 0.75])
def test_complex_lerp_inplace_with_a_number_weight(weight):
    def run(m):
        a = m.tensor([1j, 2 + 1j, -3 - 0.5j])
        a.lerp_(m.tensor([2 + 0j, 1j, 4 - 4j]), weight)
        return a
    np.testing.assert_allclose(run(tc).numpy(), run(torch).numpy(), rtol=1e-6)
    leaf = tc.tensor([1j], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        leaf.lerp_(tc.tensor([2 + 0j]), weight)


@pytest.mark.parametrize("n", [0, -3])
def test_set_num_threads_non_positive_is_a_runtime_error(n):
    before = tc.get_num_threads()
    with pytest.raises(RuntimeError) as want:
        torch.set_num_threads(n)
    with pytest.raises(RuntimeError) as got:
        tc.set_num_threads(n)
    assert str(got.value) == str(want.value)
    assert tc.get_num_threads() == before


@pytest.mark.parametrize("start,end,steps", [(0, -2, 5), (-1, -9, 5), (0, 10, 4), (10, 0, 4), (0.7, 9.9, 6),
                                             ("t-2", 5, 3)])
def test_uint8_linspace_wraps_its_bounds_first_like_torch(start, end, steps):
    def run(m):
        s = m.tensor(-2) if start == "t-2" else start
        return m.linspace(s, end, steps, dtype=m.uint8).tolist()
    assert run(tc) == run(torch)


def test_uint8_linspace_negative_float_bound_overflows_like_torch():
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without overflow"):
        torch.linspace(-1.5, 3.7, 5, dtype=torch.uint8)
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8_t without overflow"):
        tc.linspace(-1.5, 3.7, 5, dtype=tc.uint8)


@pytest.mark.parametrize("dims", [None, -1, (0, 1)])
def test_complex_mean_divides_as_a_complex_number(dims):
    # found by the differential fuzzer (seed 777): mean([inf, 1.95-1.13j]) is inf+nanj in PyTorch
    data = np.array([[complex("inf"), 1.95 - 1.13j], [1 + 1j, 2 - 3j]])
    def run(m):
        z = m.tensor(data)
        return (z.mean() if dims is None else z.mean(dims)).numpy()
    np.testing.assert_array_equal(np.isnan(run(tc)), np.isnan(run(torch)))
    got, want = run(tc), run(torch)
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12)
    np.testing.assert_array_equal(got[~finite], want[~finite])


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_logcumsumexp_matches_torch(dtype):
    # found by the differential fuzzer: it raised NotImplementedError; PyTorch scans with complex logaddexp
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 9)) + 1j * rng.standard_normal((4, 9))
    with_inf = a.copy()
    with_inf[1, 3] = complex("inf")
    with_inf[2, 0] = complex("-inf")
    tol = 1e-5 if dtype == "complex64" else 1e-12
    for dim in (0, 1):
        got = tc.logcumsumexp(tc.tensor(with_inf, dtype=getattr(tc, dtype)), dim).numpy()
        want = torch.logcumsumexp(torch.tensor(with_inf, dtype=getattr(torch, dtype)), dim).numpy()
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)

        def grad(m):
            x = m.tensor(a, dtype=getattr(m, dtype), requires_grad=True)
            y = m.logcumsumexp(x, dim)
            assert "LogcumsumexpBackward0" in str(y.grad_fn.name() if m is tc else type(y.grad_fn).__name__)
            y.abs().sum().backward()
            return x.grad.resolve_conj().numpy()
        np.testing.assert_allclose(grad(tc), grad(torch), rtol=tol * 10, atol=tol * 10)


# Note [Stale view history]: an in-place op on a view whose base was written since the view's grad_fn was set
# (through the base or another view) used the stale grad_fn as its input: silently wrong gradients.
STALE_VIEW_CASES = {
    "base_mul_then_view_div_": lambda x, v, m: (x.mul_(5), v.div_(3)),
    "row_mul_then_view_div_": lambda x, v, m: (x[0].mul_(5), v.div_(3)),
    "subview_copy_then_view_div_": lambda x, v, m: (v[:].copy_(v * 2), v.div_(3)),
    "setitem_full_then_view_div_": lambda x, v, m: (v.__setitem__(slice(None), v * 2), v.div_(3)),
    "setitem_index_then_view_mul_": lambda x, v, m: (v.__setitem__(0, v[1] * 2), v.mul_(3)),
    "setitem_number_then_view_sin_": lambda x, v, m: (v.__setitem__(slice(None), 5.0), v.sin_()),
    "base_add_then_view_pow_": lambda x, v, m: (x.add_(1), v.pow_(2)),
}


@pytest.mark.parametrize("view", ["flat", "transposed", "slice"])
@pytest.mark.parametrize("case", list(STALE_VIEW_CASES))
def test_inplace_on_a_view_after_its_base_changed(case, view):
    def run(m):
        leaf = m.tensor(np.arange(1.0, 7.0).reshape(2, 3) / 4, requires_grad=True)
        x = leaf * 1.0
        v = {"flat": lambda: x.view(-1), "transposed": lambda: x.t(), "slice": lambda: x[:, :]}[view]()
        STALE_VIEW_CASES[case](x, v, m)
        (x * m.arange(6.0, dtype=m.float64).reshape(2, 3)).sum().backward()
        return x.detach().numpy(), leaf.grad.numpy()
    (x_c, g_c), (x_t, g_t) = run(tc), run(torch)
    np.testing.assert_allclose(x_c, x_t, rtol=1e-12)
    np.testing.assert_allclose(g_c, g_t, rtol=1e-12)


@pytest.mark.parametrize("step", [4, 2])
def test_unfold_of_unfold_patches_backward(step):
    # image patches: the second unfold reads a non-contiguous (and, for step 2, overlapping) view; its backward
    # raised "[as_strided] backward is only supported when the input is contiguous"
    def run(m):
        img = m.tensor(np.arange(2 * 3 * 8 * 8.0).reshape(2, 3, 8, 8) / 100, requires_grad=True)
        p = img.unfold(2, 4, step).unfold(3, 4, step)
        (p * p).sum().backward()
        return tuple(p.shape), img.grad.numpy()
    (s_c, g_c), (s_t, g_t) = run(tc), run(torch)
    assert s_c == s_t
    np.testing.assert_allclose(g_c, g_t, rtol=1e-12)


@pytest.mark.parametrize("make", ["transposed", "selected", "expanded"])
def test_as_strided_backward_of_a_non_contiguous_input(make):
    def run(m):
        leaf = m.tensor(np.arange(1.0, 13.0).reshape(3, 4), requires_grad=True)
        x = {"transposed": lambda: (leaf * 1.0).t(), "selected": lambda: (leaf * 1.0).select(1, 1),
             "expanded": lambda: leaf.expand(2, 3, 4)}[make]()
        u = x.as_strided((2, 2), (1, 2))
        (u * m.arange(4.0, dtype=m.float64).reshape(2, 2)).sum().backward()
        return leaf.grad.numpy()
    np.testing.assert_allclose(run(tc), run(torch), rtol=1e-12)


def test_unfold_of_a_transposed_tensor_gradchecks():
    x = tc.tensor(np.random.default_rng(0).standard_normal((5, 4)), requires_grad=True)
    assert tc.autograd.gradcheck(lambda a: a.t().unfold(1, 2, 1).unfold(0, 2, 2), (x,))
    assert tc.autograd.gradgradcheck(lambda a: a.t().unfold(1, 2, 1), (x,))


@pytest.mark.parametrize("value", [0, 1.0, None, "a"])
def test_requires_grad_takes_only_a_bool(value):
    # reported by probe21: pybind's bool accepted 0, 1.0 and None
    with pytest.raises(TypeError) as want:
        torch.ones(2).requires_grad_(value)
    with pytest.raises(TypeError) as got:
        tc.ones(2).requires_grad_(value)
    assert str(got.value) == str(want.value)
    assert tc.ones(2).requires_grad_(requires_grad=True).requires_grad


# Found by the differential fuzzer (6000 calls, seed 4242).
@pytest.mark.parametrize("case", ["mask_row", "mask_nested", "index_list", "index_permuted"])
def test_setitem_with_advanced_index_drops_leading_unit_dims_of_the_value(case):
    def run(m):
        x = m.zeros(2, 3)
        key, value = {
            "mask_row": (x > -1, m.arange(6.0).reshape(1, 6)),
            "mask_nested": (m.tensor([[True, False, False], [False, True, False]]), m.tensor([[[7.0, 8.0]]])),
            "index_list": (m.tensor([0, 1]), m.arange(6.0).reshape(1, 2, 3)),
            "index_permuted": (m.tensor([1, 0]), m.arange(6.0).reshape(3, 1, 2).permute(1, 2, 0)),
        }[case]
        x[key] = value
        return x.numpy()
    np.testing.assert_array_equal(run(tc), run(torch))
    with pytest.raises(RuntimeError, match="shape mismatch"):
        tc.zeros(2, 3)[tc.tensor([0, 1])] = tc.ones(2, 2, 3)


def test_roll_checks_shifts_against_dims_even_when_empty():
    for shifts, dims in ((3, [0, 0]), ((1, 2), (0,))):
        with pytest.raises(RuntimeError) as want:
            torch.roll(torch.zeros(0), shifts, dims)
        with pytest.raises(RuntimeError) as got:
            tc.roll(tc.zeros(0), shifts, dims)
        assert str(got.value) == str(want.value)
    assert tuple(tc.roll(tc.zeros(0), 3, 5).shape) == (0,)


def test_ldexp_refuses_a_bool_exponent_tensor():
    with pytest.raises(NotImplementedError, match="ldexp_cpu_exp"):
        torch.ldexp(torch.ones(2), torch.tensor([True, False]))
    with pytest.raises(NotImplementedError, match="ldexp_cpu_exp"):
        tc.ldexp(tc.ones(2), tc.tensor([True, False]))


@pytest.mark.parametrize("shapes", [((2, 0), (0, 2)), ((0, 3), (3, 2)), ((2, 3), (3, 0))])
def test_tensordot_with_zero_sizes(shapes):
    def run(m):
        return m.tensordot(m.zeros(*shapes[0], dtype=m.int64), m.ones(*shapes[1], dtype=m.int64), dims=1).numpy()
    got, want = run(tc), run(torch)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_broadcast_error_names_the_rightmost_mismatch_like_torch():
    # reported by realprog21: PyTorch's infer_size scans from the last dim
    with pytest.raises(RuntimeError) as want:
        torch.zeros(4, 64, 32) + torch.zeros(65, 31)
    with pytest.raises(RuntimeError) as got:
        tc.zeros(4, 64, 32) + tc.zeros(65, 31)
    assert str(want.value) in str(got.value)


# Found by the differential fuzzer (6000 calls, seed 31337).
@pytest.mark.parametrize("op", ["add", "sub", "add_"])
def test_complex_add_with_a_float_alpha(op):
    def run(m):
        a = m.tensor([1 + 2j, -3j], dtype=m.complex64)
        b = m.tensor([0.5 - 1j, 2 + 0j], dtype=m.complex64)
        return getattr(a, op)(b, alpha=0.5).numpy()
    np.testing.assert_allclose(run(tc), run(torch))


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64"])
def test_invert_of_a_non_integer_tensor_is_torch_typeerror(dtype):
    with pytest.raises(TypeError) as want:
        ~torch.ones(2, dtype=getattr(torch, dtype))
    with pytest.raises(TypeError) as got:
        ~tc.ones(2, dtype=getattr(tc, dtype))
    assert str(got.value) == str(want.value)
