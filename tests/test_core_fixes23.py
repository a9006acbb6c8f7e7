"""Stop 23's core fixes, each compared with PyTorch: lerp rounds once as
PyTorch's fused kernel (Note [lerp rounds once]), complex exp2 of infinite
parts, mean of a float into an integer out= checks its dim first."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "bfloat16"]


def _as_np(t):
    return t.detach().float().numpy() if t.dtype in (tc.float16, tc.bfloat16) else t.detach().numpy()


def _as_np_torch(t):
    return t.detach().float().numpy() if t.dtype in (torch.float16, torch.bfloat16) else t.detach().numpy()


def _operands(lib, dt, wkind, s, e, w):
    dtype = getattr(lib, dt)
    start, end = lib.tensor(s).to(dtype), lib.tensor(e).to(dtype)
    weight = {"number": lambda: float(w[0]),
              "0-dim": lambda: lib.tensor(w[0]).to(dtype),
              "0-dim float64": lambda: lib.tensor(float(w[0]), dtype=lib.float64),
              "0-dim float32": lambda: lib.tensor(float(w[0]), dtype=lib.float32),
              "tensor": lambda: lib.tensor(w).to(dtype)}[wkind]()
    return start, end, weight


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("wkind", ["number", "0-dim", "0-dim float64", "0-dim float32", "tensor"])
@pytest.mark.parametrize("n", [1, 7, 1000])
def test_lerp_bits_equal_pytorch(dt, wkind, n):
    # Both branches (|w| < 0.5 and not), vector bodies and tails, out of place and in place.
    rng = np.random.default_rng(n)
    s, e = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    w = rng.uniform(-1.5, 1.5, n).astype(np.float32)
    w[: n // 2] = rng.uniform(-0.6, 0.6, n // 2)
    expected = _as_np_torch(torch.lerp(*_operands(torch, dt, wkind, s, e, w)))
    np.testing.assert_array_equal(_as_np(tc.lerp(*_operands(tc, dt, wkind, s, e, w))), expected)
    a, b, c = _operands(tc, dt, wkind, s, e, w)
    assert a.lerp_(b, c) is a
    np.testing.assert_array_equal(_as_np(a), expected)


def test_lerp_special_values_equal_pytorch():
    x = np.array([np.inf, -np.inf, np.nan, 1.0, 0.0, 2.5])
    y = np.array([1.0, np.inf, 2.0, np.nan, -np.inf, 2.5])
    for w in (0.0, 0.3, 0.5, 1.0, -2.0, np.nan, np.inf):
        np.testing.assert_array_equal(tc.lerp(tc.tensor(x), tc.tensor(y), w).numpy(),
                                      torch.lerp(torch.tensor(x), torch.tensor(y), w).numpy())


@pytest.mark.parametrize("start_dtype,weight_dtype", [("float64", "float32"), ("complex128", "float32"),
                                                      ("float32", "float64"), ("complex64", "float64")])
def test_lerp_weight_of_another_dtype_is_not_rounded_in_its_own(start_dtype, weight_dtype):
    # lerp(complex128, complex128, float32 0-dim) computed 1 - w in float32: off by 4e-7.
    s = np.array([-1.25 + 1.5j, 3.3 - 0.25j] * 8) if "complex" in start_dtype else np.array([-1.25, 3.3] * 8)
    e = np.array([-4.85 - 2.33j, 0.85 - 4.07j] * 8) if "complex" in start_dtype else np.array([-4.85, 0.85] * 8)
    s, e, w = s.astype(start_dtype), e.astype(start_dtype), np.array(-1.35, weight_dtype)
    got = tc.lerp(tc.tensor(s), tc.tensor(e), tc.tensor(w)).numpy()
    expected = torch.lerp(torch.tensor(s), torch.tensor(e), torch.tensor(w)).numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15 if start_dtype.endswith("128") or
                               start_dtype == "float64" else 1e-6)


def test_lion_style_updates_follow_pytorch_bit_for_bit():
    # exp_avg.lerp_(grad, 1 - beta) every step, as the Lion optimizer and EMA weights do:
    # one rounding per step keeps the trajectory identical to PyTorch's.
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((60, 257)).astype(np.float32)
    ours, theirs = tc.zeros(257), torch.zeros(257)
    for g in grads:
        ours.lerp_(tc.tensor(g), 1 - 0.99)
        theirs.lerp_(torch.tensor(g), 1 - 0.99)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_lerp_gradients_in_float64():
    rng = np.random.default_rng(1)
    a, b, w = (rng.standard_normal(6) for _ in range(3))
    w[:3] *= 0.2
    ta, tb, tw = (tc.tensor(v, requires_grad=True) for v in (a, b, w))
    assert tc.autograd.gradcheck(tc.lerp, (ta, tb, tw))
    assert tc.autograd.gradcheck(lambda x, y: tc.lerp(x, y, 0.75), (ta, tb))
    pa, pb, pw = (torch.tensor(v, requires_grad=True) for v in (a, b, w))
    (torch.lerp(pa, pb, pw) ** 2).sum().backward()
    (tc.lerp(ta, tb, tw) ** 2).sum().backward()
    for x, y in ((ta, pa), (tb, pb), (tw, pw)):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert tc.lerp(ta, tb, tw).grad_fn.name() == torch.lerp(pa, pb, pw).grad_fn.name()
    assert tc.lerp(ta, tb, 0.3).grad_fn.name() == torch.lerp(pa, pb, 0.3).grad_fn.name()


def test_lerp_errors_match_pytorch():
    for args in ((tc.ones(3, dtype=tc.int64), tc.ones(3, dtype=tc.int64), 0.5),
                 (tc.ones(3), tc.ones(3, dtype=tc.float64), 0.5),
                 (tc.ones(3), tc.ones(2), 0.5)):
        targs = tuple(torch.from_numpy(a.numpy()) if isinstance(a, tc.Tensor) else a for a in args)
        with pytest.raises(Exception) as theirs:
            torch.lerp(*targs)
        with pytest.raises(type(theirs.value)):
            tc.lerp(*args)


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_complex_exp2_scales_each_part(dt):
    # exp2(inf + 0j) was inf + nanj: ln2 * z as a complex product adds inf * 0 to the imaginary part.
    inf, nan = np.inf, np.nan
    z = [complex(inf, 0), complex(-inf, 0), complex(inf, 1), complex(nan, 0), complex(0, inf),
         complex(1.5, -2.25), complex(-3, 0.5)]
    np.testing.assert_array_equal(tc.exp2(tc.tensor(z, dtype=getattr(tc, dt))).numpy(),
                                  torch.exp2(torch.tensor(z, dtype=getattr(torch, dt))).numpy())
    x = tc.tensor([1.5 - 2j, 0.3 + 0.1j], dtype=tc.complex128, requires_grad=True)
    assert tc.autograd.gradcheck(tc.exp2, (x,))


def test_mean_of_a_float_into_an_integer_out_checks_the_dim_first():
    # mean(x, 4, out=int64 tensor) of a float x: PyTorch's IndexError for the dim, then its cast error;
    # an integer input still fails on its dtype first, dim or not.
    for lib in (torch, tc):
        with pytest.raises(IndexError, match="Dimension out of range"):
            lib.mean(lib.zeros(0, 3, 1), 4, out=lib.zeros(0, 3, 1, dtype=lib.int64))
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            lib.mean(lib.ones(2, 3), 1, out=lib.zeros(2, dtype=lib.int64))
        with pytest.raises(RuntimeError, match="could not infer output dtype"):
            lib.mean(lib.zeros(2, dtype=lib.int64), 3)
        with pytest.raises(RuntimeError, match="could not infer output dtype"):
            lib.mean(lib.zeros(2, dtype=lib.int64), 0, out=lib.zeros(()))


def _same_outcome(f):
    """f(torch) and f(tensorcore): equal values (compared through numpy), or the same exception type."""
    results = []
    for lib in (torch, tc):
        try:
            r = f(lib)
            results.append(np.asarray(r.tolist() if hasattr(r, "tolist") else r))
        except Exception as e:  # noqa: BLE001 (the type is what is compared)
            results.append(type(e))
    if isinstance(results[0], type):
        assert results[1] is results[0]
    else:
        assert not isinstance(results[1], type), results[1]
        np.testing.assert_array_equal(results[1], results[0])


def test_nansum_checks_dims_first_and_sums_integers_into_complex():
    _same_outcome(lambda L: L.nansum(L.tensor([1j]), dim=5))                      # IndexError, not the complex error
    _same_outcome(lambda L: L.nansum(L.tensor([1, 2]), dtype=L.complex64))        # 3+0j (was refused)
    _same_outcome(lambda L: L.nansum(L.tensor([True]), dtype=L.complex128))
    _same_outcome(lambda L: L.nansum(L.zeros(2, 0, dtype=L.int64).t(), dtype=L.complex64))
    _same_outcome(lambda L: L.nansum(L.tensor([1.0, float("nan")]), dtype=L.complex64))  # NotImplementedError
    _same_outcome(lambda L: L.nansum(L.tensor([1j])))                             # RuntimeError
    _same_outcome(lambda L: L.nansum(L.tensor([1.0, float("nan"), 2.0])))


def test_complex_norm_of_a_0dim_tensor_refuses_repeated_dims():
    _same_outcome(lambda L: L.norm(L.tensor(1j), dim=[0, 0]))
    _same_outcome(lambda L: L.norm(L.tensor(3 + 4j), dim=[0]))


def test_radd_scales_the_other_operand_as_pytorch():
    # int64 tensor .__radd__(complex64 tensor): PyTorch computes self + 1 * other, so an infinite other
    # gets inf * 0 = NaN in its imaginary part; other + self did not.
    _same_outcome(lambda L: L.tensor([[-4], [-3], [4]]).__radd__(
        L.tensor([[complex("-inf")], [complex("inf")], [-0.75 + 0.72j]], dtype=L.complex64)).view(L.float32))
    _same_outcome(lambda L: 3 + L.tensor([1.5, -2.0]))
    _same_outcome(lambda L: ((2 + 1j) + L.tensor([float("inf"), 1.0])).view(L.float32))


@pytest.mark.parametrize("key", ["mask", "slice+mask", "int+mask"])
@pytest.mark.parametrize("value", [-0.41, -3.0, 300.0, 3.7, float("nan"), 3, -3, 300, -300, True])
def test_masked_setitem_checks_the_value_as_a_scalar(key, value):
    # x[mask] = one-element tensor is PyTorch's masked_fill with value.item(): a float or int that does not
    # fit the target dtype raises instead of wrapping (-0.41 into uint8 silently wrote 0, 300.0 wrote 44).
    def run(L):
        x = L.zeros(1, 3, dtype=L.uint8)
        mask = L.tensor([True, True, False])
        k = {"mask": mask.reshape(1, 3), "slice+mask": (slice(None, None, 2), mask), "int+mask": (0, mask)}[key]
        x[k] = L.tensor([value] if isinstance(value, float) and value == 3.7 else value)
        return x
    _same_outcome(run)


def test_masked_setitem_into_narrow_floats_and_signed_ints():
    def fill(dtype_name, value):
        def run(L):
            x = L.zeros(3, dtype=getattr(L, dtype_name))
            x[L.tensor([True, False, True])] = L.tensor(value)
            return x.float()
        return run
    _same_outcome(fill("float16", 1e6))      # RuntimeError
    _same_outcome(fill("int8", -200))        # RuntimeError
    _same_outcome(fill("int8", -100))
    _same_outcome(fill("float16", 1.5))


CUM_DTYPES = ["float32", "float64", "float16", "bfloat16", "int32", "int64", "int8", "uint8", "bool"]


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dt", CUM_DTYPES)
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_scans_accumulate_as_pytorch(op, dt, dim):
    # Note [Cumprod accumulates as PyTorch]: float32 products in double, 16-bit floats in float, each output
    # rounded once; a chain of float32 muls differed from PyTorch in most entries of a 1000-step product.
    rng = np.random.default_rng(dim)
    if dt == "bool":
        x = rng.integers(0, 2, (3, 40, 50)).astype(bool)
    elif dt.startswith("int") or dt == "uint8":
        x = rng.integers(0 if dt == "uint8" else -3, 4, (3, 40, 50))
    else:
        x = (rng.uniform(0.99, 1.01, (3, 40, 50)) if op == "cumprod" else rng.uniform(-1, 1, (3, 40, 50)))
        x = x.astype(np.float32)
    ours = getattr(tc, op)(tc.tensor(x).to(getattr(tc, dt)), dim)
    theirs = getattr(torch, op)(torch.tensor(x).to(getattr(torch, dt)), dim)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.double().numpy(), theirs.double().numpy())


def test_ddpm_alphas_cumprod_equals_pytorch():
    betas = np.linspace(1e-4, 0.02, 1000).astype(np.float32)
    ours = tc.cumprod(1 - tc.tensor(betas), dim=0)
    theirs = torch.cumprod(1 - torch.tensor(betas), dim=0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("values", [[2.0, 3.0, 4.0, 5.0], [2.0, 0.0, 4.0, 5.0], [0.0, 3.0, 0.0, 5.0],
                                    [2.0, 3.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.5, -2.0, 0.5, 0.0]])
def test_cumprod_gradients_with_zeros(values):
    # Note [cumprod's gradient]: first and second derivatives through zeros, against PyTorch and gradcheck.
    rows = [values, values[::-1]]
    w = np.arange(8.0).reshape(2, 4) + 1
    grads = []
    for lib in (torch, tc):
        x = lib.tensor(rows, dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad((lib.cumprod(x, 1) * lib.tensor(w)).sum(), x, create_graph=True)
        gg, = lib.autograd.grad((g * lib.tensor(w[::-1].copy())).sum(), x)
        grads.append((g.detach().numpy(), gg.numpy()))
        assert lib.cumprod(x, 1).grad_fn.name() == "CumprodBackward0"
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-12, atol=1e-12)
    x = tc.tensor(rows, dtype=tc.float64, requires_grad=True)
    for dim in (0, 1):
        assert tc.autograd.gradcheck(lambda t: tc.cumprod(t, dim), (x,))
        assert tc.autograd.gradgradcheck(lambda t: tc.cumprod(t, dim), (x,))


def test_cumprod_float32_gradient_without_zeros_equals_pytorch_bitwise():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((4, 50)).astype(np.float32), rng.standard_normal((4, 50)).astype(np.float32)
    for dim in (0, 1):
        a, b = torch.tensor(x, requires_grad=True), tc.tensor(x, requires_grad=True)
        (torch.cumprod(a, dim) * torch.tensor(w)).sum().backward()
        (tc.cumprod(b, dim) * tc.tensor(w)).sum().backward()
        np.testing.assert_array_equal(b.grad.numpy(), a.grad.numpy())


SGD_OPTIONS = [dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
               for m in (0, 0.9) for d in (0, 0.1) for n in (False, True) for w in (0, 0.01) for x in (False, True)
               if not (n and (m == 0 or d != 0))]


def _sgd_trajectory(lib, dt, options, steps=30):
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal(3001).astype(dt)
    grads = rng.standard_normal((steps, 3001)).astype(dt)
    p = lib.tensor(p0, requires_grad=True)
    opt = lib.optim.SGD([p], lr=0.05, **options)
    for g in grads:
        p.grad = lib.tensor(g)
        opt.step()
    return p.detach().numpy()


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("options", SGD_OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_sgd_trajectory_equals_torch_optim_bit_for_bit(dt, options):
    # Note [SGD rounds as torch.optim]: each add with alpha is one fused multiply-add, as ATen's.
    np.testing.assert_array_equal(_sgd_trajectory(tc, dt, options), _sgd_trajectory(torch, dt, options))


def test_sgd_portable_loop_equals_torch_optim_too():
    # The loop without FMA instructions (std::fma through libm), forced as on a CPU without FMA.
    import os
    import subprocess
    import sys
    code = ("import numpy as np, torch, tensorcore as tc, tests.test_core_fixes23 as t\n"
            "for o in t.SGD_OPTIONS:\n"
            "    np.testing.assert_array_equal(t._sgd_trajectory(tc, 'float32', o, 5), "
            "t._sgd_trajectory(torch, 'float32', o, 5))\n"
            "print('ok', tc._C._cpu_capability())\n")
    env = dict(os.environ, TENSORCORE_CPU_CAPABILITY="generic")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root, os.path.dirname(os.path.dirname(tc.__file__)),
                                         env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["ok", "generic"]


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("alpha", [-0.1, 0.3, 2, -3])
def test_add_with_alpha_rounds_once_as_aten(dt, alpha):
    # Note [Add with alpha rounds once]: a + alpha * b is one fused multiply-add when nothing records
    # (p.data.add_(grad, alpha=-lr)); the product rounded apart differed in ~9% of float32 elements.
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(4096).astype(dt), rng.standard_normal(4096).astype(dt)
    results = []
    for L in (torch, tc):
        A, B = L.tensor(a), L.tensor(b)
        r3, r4 = A.clone(), A.clone()
        r3.add_(B, alpha=alpha)
        r4.sub_(B, alpha=alpha)
        results.append([r.numpy() for r in (L.add(A, B, alpha=alpha), L.sub(A, B, alpha=alpha), r3, r4)])
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)


def test_hand_written_sgd_update_follows_pytorch():
    res = []
    for L in (torch, tc):
        L.manual_seed(0)
        w = L.randn(257, 33, requires_grad=True)
        for _ in range(20):
            g = L.randn(257, 33)
            w.data.add_(g, alpha=-0.01)
            with L.no_grad():
                w.add_(g, alpha=0.003)
        res.append(w.detach().numpy().copy())
    np.testing.assert_array_equal(res[1], res[0])


def test_add_with_alpha_still_records_its_graph():
    for L in (torch, tc):
        a = L.tensor([1.0, 2.0], requires_grad=True)
        b = L.tensor([3.0, 4.0], requires_grad=True)
        y = L.add(a, b, alpha=2.5)
        y.sum().backward()
        np.testing.assert_array_equal(b.grad.numpy(), [2.5, 2.5])
        np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])
        assert y.grad_fn.name() == "AddBackward0"


@pytest.mark.parametrize("value,dtype", [(1e40, "float64"), (3.0, "float32"), (float("inf"), "float64"), (7, "int64"),
                                         (-1e39, "float64"), (-0.0, "float64")])
@pytest.mark.parametrize("target", ["complex64", "complex128"])
def test_masked_setitem_into_complex_checks_the_real_range(value, dtype, target):
    # (found by the fuzzer, seed 777: a complex target reached numpy's iinfo and raised ValueError)
    def run(L):
        y = L.zeros(3, dtype=getattr(L, target))
        y[L.tensor([True, False, True])] = L.tensor(value, dtype=getattr(L, dtype))
        return L.view_as_real(y)
    _same_outcome(run)


@pytest.mark.parametrize("out_dtype", ["int8", "int64", "float32", "float64"])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_complex_scan_into_a_real_out_scans_the_cast_input(op, out_dtype):
    # cumsum(complex, out=int8) summed in complex, then truncated: -3, -5, -6 where PyTorch casts first and
    # gets -3, -4, -4 (fuzzer seed 2024).
    import warnings
    x = np.array([-3.94 - 1.71j, -1.59 + 0.11j, -0.49 + 1.51j, 2.25 - 0.5j])

    def run(L):
        out = L.zeros(4, dtype=getattr(L, out_dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(L, op)(L.tensor(x), -1, out=out)
        return out
    _same_outcome(run)
