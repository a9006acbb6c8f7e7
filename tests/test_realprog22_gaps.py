"""Gaps found running real public PyTorch programs under tensorcore (realprog22), each
compared with PyTorch: both raise the same exception type, or both return the same value.

- efficient-kan (Blealtan/efficient-kan, tests/test_simple_math.py): its LBFGS run diverges and
  the spline-grid update then calls torch.linalg.lstsq on NaN; PyTorch raises RuntimeError, ours
  printed LAPACK complaints to stdout and went on with NaN. An infinity in A hung tensorcore's
  lstsq and pinv forever (Note [lstsq rejects NaN], Note [pinv of a non-finite matrix]).
- pytorch/tutorials torch.func tutorials (per_sample_grads, ensembling, jacobians_hessians) time
  their variants with torch.utils.benchmark.Timer, which was missing (ModuleNotFoundError).
"""
import subprocess
import sys

import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _outcome(lib, fn):
    """('raise', exception class name by its RuntimeError-ness, message head) or ('ok', result)."""
    try:
        return "ok", fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        base = "LinAlgError" if "LinAlgError" in type(e).__name__ else type(e).__name__
        return "raise", base, str(e).split("please report a bug to PyTorch. ")[-1][:60]


def _nan_at(lib, shape, index, dtype="float32", value=float("nan")):
    g = lib.Generator().manual_seed(0)
    t = lib.rand(*shape, generator=g, dtype=getattr(lib, dtype))
    if index is not None:
        t[index] = value
    return t


LSTSQ_CASES = [
    # (A shape, NaN index in A, B shape, NaN index in B, driver)
    ((3, 6, 3), (1, 0, 0), (3, 6, 2), None, "gelsy"),
    ((3, 6, 3), None, (3, 6, 2), (2, 0, 0), "gelsy"),
    ((3, 6, 3), (1, 0, 0), (3, 6, 2), None, "gelsd"),
    ((3, 6, 3), None, (3, 6, 2), (2, 0, 0), "gelss"),
    ((3, 6, 3), (1, 0, 0), (3, 6, 2), None, "gels"),
    ((3, 6, 3), None, (3, 6, 2), (2, 0, 0), "gels"),
    ((6, 3), (0, 0), (6,), None, None),
    ((2, 5), (1, 1), (2, 1), None, None),
    ((2, 6, 3), (1, 2, 2), (2, 6, 1), (0, 0, 0), None),    # both: the first batch element holding one
]


@pytest.mark.parametrize("a_shape,a_nan,b_shape,b_nan,driver", LSTSQ_CASES)
def test_lstsq_nan_input_raises_like_pytorch(a_shape, a_nan, b_shape, b_nan, driver):
    def run(lib):
        A, B = _nan_at(lib, a_shape, a_nan), _nan_at(lib, b_shape, b_nan)
        return lib.linalg.lstsq(A, B, driver=driver)
    expected, actual = _outcome(torch, run), _outcome(tc, run)
    assert expected[0] == "raise"
    # The message head names the batch element and the LAPACK argument as PyTorch does.
    assert actual[:2] == expected[:2]
    assert actual[2].split(" has illegal value")[0] == expected[2].split(" has illegal value")[0]


@pytest.mark.parametrize("driver", ["gelsd", "gels"])
def test_lstsq_infinite_A_raises_like_pytorch(driver):
    def run(lib):
        A = _nan_at(lib, (2, 6, 3), (1, 0, 0), value=float("inf"))
        return lib.linalg.lstsq(A, _nan_at(lib, (2, 6, 2), None), driver=driver)
    expected, actual = _outcome(torch, run), _outcome(tc, run)
    assert expected[0] == actual[0] == "raise"
    assert actual[1] == expected[1]
    assert actual[2][:40] == expected[2][:40]


def test_lstsq_infinite_A_returns_instead_of_hanging():
    # Before the fix tensorcore's gelsd never returned on an infinite A; run it in a child with a timeout.
    code = ("import tensorcore as t\nA = t.rand(6, 3)\nA[0, 0] = float('inf')\n"
            "try:\n    t.linalg.lstsq(A, t.rand(6, 2))\nexcept RuntimeError:\n    print('raised')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "raised"


def test_lstsq_finite_input_unchanged():
    A, B = torch.rand(2, 6, 3, dtype=torch.float64), torch.rand(2, 6, 2, dtype=torch.float64)
    for driver in ["gelsy", "gelsd", "gelss", "gels"]:
        got = tc.linalg.lstsq(tc.tensor(A.numpy()), tc.tensor(B.numpy()), driver=driver).solution
        want = torch.linalg.lstsq(A, B, driver=driver).solution
        assert torch.allclose(torch.tensor(got.numpy()), want, atol=1e-10)


def test_lstsq_infinite_B_gives_nan_like_pytorch():
    def run(lib):
        B = _nan_at(lib, (6, 2), (0, 0), value=float("inf"))
        return bool(lib.linalg.lstsq(_nan_at(lib, (6, 3), None), B).solution.isnan().any())
    assert _outcome(tc, run) == _outcome(torch, run) == ("ok", True)


@pytest.mark.parametrize("hermitian", [False, True])
def test_pinv_infinite_batch_element_is_zero_like_pytorch(hermitian):
    def run(lib):
        A = lib.tensor([[[2.0, 1.0], [1.0, 3.0]], [[float("inf"), 1.0], [1.0, 3.0]]])
        return lib.linalg.pinv(A, hermitian=hermitian).tolist()
    expected, actual = _outcome(torch, run), _outcome(tc, run)
    assert expected[0] == actual[0] == "ok"
    assert expected[1][1] == actual[1][1] == [[0.0, 0.0], [0.0, 0.0]]
    assert torch.allclose(torch.tensor(actual[1][0]), torch.tensor(expected[1][0]))


def test_pinv_nan_raises_linalg_error_like_pytorch():
    def run(lib):
        A = lib.tensor([[[2.0, 1.0], [1.0, 3.0]], [[float("nan"), 1.0], [1.0, 3.0]]])
        return lib.linalg.pinv(A)
    expected, actual = _outcome(torch, run), _outcome(tc, run)
    assert expected[:2] == actual[:2] == ("raise", "LinAlgError")
    assert actual[2].split(":")[0] == expected[2].split(":")[0]


def test_pinv_nonfinite_input_keeps_gradient_of_finite_elements():
    def run(lib):
        A = lib.tensor([[[2.0, 1.0], [1.0, 3.0]], [[float("inf"), 1.0], [1.0, 3.0]]], requires_grad=True)
        lib.linalg.pinv(A).sum().backward()
        return A.grad[0].tolist()
    expected, actual = _outcome(torch, run), _outcome(tc, run)
    assert torch.allclose(torch.tensor(actual[1]), torch.tensor(expected[1]), atol=1e-6)


# ---- torch.utils.benchmark (pytorch/tutorials per_sample_grads / ensembling / jacobians_hessians import it)

def _measurement_layout(lib, make):
    """A Measurement's repr with the times, counts and address blanked, plus its attributes."""
    import re
    m = make(lib)
    text = repr(m).replace("tensorcore.", "torch.")
    text = re.sub(r"at 0x[0-9a-f]+", "at ADDR", text)
    text = re.sub(r"[\d.]+ (ns|us|ms|s)\b", "T", text)
    text = re.sub(r"\d+ (runs|measurements?)", r"N \1", text)
    text = re.sub(r"WARNING.*\n.*", "WARNING", text)
    return (text, type(m).__module__.replace("tensorcore", "torch"), m.title, m.stmt, m.label, m.sub_label,
            m.description, m.env, m.num_threads, m.as_row_name, len(m.times) >= 1, m.median > 0, m.mean > 0)


BENCHMARKS = [
    lambda lib: lib.utils.benchmark.Timer("x + 1", globals={"x": lib.ones(3)}).timeit(5),
    lambda lib: lib.utils.benchmark.Timer("y = x * 2\ny.sum()", setup="import math",
                                          globals={"x": lib.ones(3)}).timeit(3),
    lambda lib: lib.utils.benchmark.Timer("x * 2", globals={"x": lib.ones(3)}, label="mul", sub_label="small",
                                          description="three ones", num_threads=1).timeit(10),
]


@pytest.mark.parametrize("case", range(len(BENCHMARKS)))
def test_benchmark_timer_measurement_as_pytorch(case):
    import torch.utils.benchmark  # noqa: F401  (a submodule PyTorch does not import eagerly)
    import tensorcore.utils.benchmark  # noqa: F401
    expected = _measurement_layout(torch, BENCHMARKS[case])
    actual = _measurement_layout(tc, BENCHMARKS[case])
    assert actual == expected


def test_benchmark_blocked_autorange_blocks_as_pytorch():
    # How many blocks there are depends on wall-clock time, so the rule is checked, not the count:
    # a power-of-ten block size, blocks until min_run_time is spent, the Median/IQR layout with 4+.
    from tensorcore.utils.benchmark import Timer
    m = Timer("sum(range(50))").blocked_autorange(min_run_time=0.05)
    assert str(m.number_per_run).lstrip("1").strip("0") == ""
    assert sum(m.raw_times) >= 0.05 and len(m.times) == len(m.raw_times)
    text = repr(m)
    assert ("Median: " in text) == (len(m.times) > 1) and ("IQR:" in text) == (len(m.times) >= 4)


def test_benchmark_timer_runs_statement_with_globals_and_setup():
    from tensorcore.utils.benchmark import Timer
    calls = []
    m = Timer("calls.append(k)", setup="k = 7", globals={"calls": calls}).timeit(4)
    # timeit warms up with max(number // 100, 2) runs, then measures `number` runs
    assert calls == [7] * 6 and m.number_per_run == 4 and len(m.raw_times) == 1
    assert m.times == [m.raw_times[0] / 4]


def test_benchmark_measurement_merge_and_unit_helpers():
    from torch.utils.benchmark import Measurement as TM, TaskSpec as TS, select_unit as tsel
    from tensorcore.utils.benchmark import Measurement as CM, TaskSpec as CS, select_unit as csel
    for t in [3e-9, 4.5e-6, 0.02, 3.0, 120.0]:
        assert csel(t) == tsel(t)
    for M, S in [(TM, TS), (CM, CS)]:
        spec = S(stmt="f()", setup="pass")
        merged = M.merge([M(2, [1.0, 3.0], spec), M(1, [4.0], spec)])
        assert len(merged) == 1 and merged[0].times == [0.5, 1.5, 4.0] and merged[0].number_per_run == 1


# ---- torch._foreach_* (lucidrains/lion-pytorch's foreach Lion asserts they exist; Note [foreach is a loop on the CPU])

def _lists(lib):
    g = lib.Generator().manual_seed(3)
    a = [lib.randn(3, generator=g), lib.randn(2, 2, generator=g)]
    b = [lib.randn(3, generator=g), lib.randn(2, 2, generator=g)]
    c = [lib.rand(3, generator=g) + 0.5, lib.rand(2, 2, generator=g) + 0.5]
    return a, b, c


FOREACH_CASES = {
    "add_scalar": lambda L, a, b, c: L._foreach_add(a, 2.5),
    "add_list_alpha": lambda L, a, b, c: L._foreach_add(a, b, alpha=-0.5),
    "add_scalarlist": lambda L, a, b, c: L._foreach_add(a, [1.0, -2.0]),
    "add_tensor": lambda L, a, b, c: L._foreach_add(a, L.tensor(2.0), alpha=3),
    "sub_list": lambda L, a, b, c: L._foreach_sub(a, b, alpha=2),
    "mul_scalar_": lambda L, a, b, c: L._foreach_mul_(a, 0.3),
    "mul_tensor": lambda L, a, b, c: L._foreach_mul(a, L.tensor(-1.5)),
    "div_list_": lambda L, a, b, c: L._foreach_div_(a, c),
    "lerp_scalar_": lambda L, a, b, c: L._foreach_lerp_(a, b, 0.1),
    "lerp_list": lambda L, a, b, c: L._foreach_lerp(a, b, c),
    "lerp_scalarlist": lambda L, a, b, c: L._foreach_lerp(a, b, [0.2, 0.7]),
    "addcmul_": lambda L, a, b, c: L._foreach_addcmul_(a, b, c, value=0.01),
    "addcmul_scalars_tensor": lambda L, a, b, c: L._foreach_addcmul(a, b, c, L.tensor([1.0, 2.0])),
    "addcdiv_scalarlist_": lambda L, a, b, c: L._foreach_addcdiv_(a, b, c, [-0.1, 0.2]),
    "sign_": lambda L, a, b, c: L._foreach_sign_(a),
    "sqrt": lambda L, a, b, c: L._foreach_sqrt(c),
    "neg_": lambda L, a, b, c: L._foreach_neg_(a),
    "exp": lambda L, a, b, c: L._foreach_exp(a),
    "norm": lambda L, a, b, c: L._foreach_norm(a),
    "norm_inf": lambda L, a, b, c: L._foreach_norm(a, float("inf")),
    "norm_dtype": lambda L, a, b, c: L._foreach_norm(a, 2, dtype=L.float64),
    "powsum": lambda L, a, b, c: L._foreach_powsum(a, 3),
    "max": lambda L, a, b, c: L._foreach_max(a),
    "maximum_list_": lambda L, a, b, c: L._foreach_maximum_(a, b),
    "clamp_min_scalar": lambda L, a, b, c: L._foreach_clamp_min(a, 0.0),
    "clamp_max_scalarlist_": lambda L, a, b, c: L._foreach_clamp_max_(a, [0.1, -0.2]),
    "pow_scalar": lambda L, a, b, c: L._foreach_pow(c, 2.5),
    "pow_scalar_first": lambda L, a, b, c: L._foreach_pow(2.0, a),
    "copy_": lambda L, a, b, c: L._foreach_copy_(a, b),
    "zero_": lambda L, a, b, c: L._foreach_zero_(a),
    "clone": lambda L, a, b, c: L._foreach_clone(b),
    "tuple_input": lambda L, a, b, c: L._foreach_mul(tuple(a), 2.0),
    # PyTorch's errors
    "empty": lambda L, a, b, c: L._foreach_add([], 1.0),
    "length_mismatch": lambda L, a, b, c: L._foreach_add(a, b[:1]),
    "scalar_list_length": lambda L, a, b, c: L._foreach_add(a, [1.0]),
    "lerp_length": lambda L, a, b, c: L._foreach_lerp_(a, b[:1], 0.5),
    "addcmul_length": lambda L, a, b, c: L._foreach_addcmul_(a, b, c[:1]),
    "scalars_tensor_length": lambda L, a, b, c: L._foreach_addcmul(a, b, c, L.tensor([1.0, 2.0, 3.0])),
    "tensor_not_0dim": lambda L, a, b, c: L._foreach_add(a, L.tensor([2.0])),
    "shape_mismatch": lambda L, a, b, c: L._foreach_add(a, [b[1], b[0]]),
    "int_inplace_float": lambda L, a, b, c: L._foreach_add_([L.ones(2, dtype=L.int64)], [L.ones(2)]),
    "max_of_empty": lambda L, a, b, c: L._foreach_max([L.ones(0)]),
    "norm_of_int": lambda L, a, b, c: L._foreach_norm([L.ones(2, dtype=L.int64)]),
    "not_a_list": lambda L, a, b, c: L._foreach_add(a[0], 1.0),
}


def _foreach_outcome(lib, case):
    a, b, c = _lists(lib)
    try:
        result = FOREACH_CASES[case](lib, a, b, c)
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return "raise", type(e).__name__, str(e).splitlines()[0][:70]
    returned = "self" if result is a else type(result).__name__
    values = [t.tolist() for t in (result if isinstance(result, (list, tuple)) else [])]
    return "ok", returned, values, [t.tolist() for t in a], [str(t.dtype).split(".")[-1] for t in result]


# The list checks are foreach's own: their text is PyTorch's. The other errors come from the
# per-entry op, whose message tensorcore words its own way (naming the op and the fix).
_FOREACH_OWN_ERRORS = {"empty", "length_mismatch", "scalar_list_length", "lerp_length", "addcmul_length",
                       "scalars_tensor_length", "tensor_not_0dim", "max_of_empty"}


def _close_nested(x, y):
    return torch.allclose(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64),
                          rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", sorted(FOREACH_CASES))
def test_foreach_as_pytorch(case):
    expected, actual = _foreach_outcome(torch, case), _foreach_outcome(tc, case)
    if expected[0] == "raise":
        assert actual[:2] == expected[:2]
        if case in _FOREACH_OWN_ERRORS:
            assert actual[2] == expected[2]
        return
    # Values to float32 rounding: the per-entry ops (sqrt, exp, lerp, addcmul) are not all bitwise
    # PyTorch's (see the realprog22 survey); the foreach layer adds no rounding of its own.
    assert actual[0] == expected[0] and actual[1] == expected[1] and actual[4] == expected[4]
    assert len(actual[2]) == len(expected[2])
    for got, want in zip(actual[2] + actual[3], expected[2] + expected[3]):
        assert _close_nested(got, want)


def test_foreach_inplace_bumps_version_and_refuses_leaf_requiring_grad():
    for lib in (torch, tc):
        params = [lib.ones(2), lib.ones(3)]
        before = [p._version for p in params]
        lib._foreach_mul_(params, 2.0)
        assert [p._version for p in params] == [v + 1 for v in before]
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            lib._foreach_mul_([lib.ones(2, requires_grad=True)], 2.0)
        out = lib._foreach_mul([lib.ones(2, requires_grad=True)], 3.0)
        out[0].sum().backward()


def test_foreach_matches_per_tensor_loop_bitwise():
    # Note [foreach is a loop on the CPU]: each entry rounds as its single op does.
    a, b, c = _lists(tc)
    want = [tc.addcdiv(x, y, z, value=-0.3) for x, y, z in zip(a, b, c)]
    got = tc._foreach_addcdiv(a, b, c, value=-0.3)
    assert all(tc.equal(g, w) for g, w in zip(got, want))


# ---- linalg.cholesky of a matrix holding NaN (found next to the lstsq fix; Note [cholesky of a NaN matrix])

CHOLESKY_NAN_CASES = [((0, 0),), ((1, 1),), ((2, 2),), ((1, 0), (0, 1))]


@pytest.mark.parametrize("where", CHOLESKY_NAN_CASES)
def test_cholesky_nan_reports_leading_minor_like_pytorch(where):
    def run(lib):
        A = lib.eye(3) * 2
        for idx in where:
            A[idx] = float("nan")
        info = lib.linalg.cholesky_ex(A).info.item()
        try:
            lib.linalg.cholesky(A)
            return info, None
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            return info, ("LinAlgError" in type(e).__name__, str(e))
    assert run(tc) == run(torch)


def test_cholesky_batched_nan_and_not_pd_info_like_pytorch():
    def run(lib):
        B = lib.eye(3).repeat(3, 1, 1) * 2
        B[1, 2, 2] = float("nan")
        B[2, 0, 0] = -1.0
        return lib.linalg.cholesky_ex(B).info.tolist()
    assert run(tc) == run(torch) == [0, 3, 1]


def test_cholesky_infinite_diagonal_is_not_an_error_like_pytorch():
    def run(lib):
        A = lib.eye(3) * 2
        A[2, 2] = float("inf")
        return lib.linalg.cholesky_ex(A).info.item()
    assert run(tc) == run(torch) == 0


def test_benchmark_timer_statement_sees_torch_without_globals():
    import torch.utils.benchmark  # noqa: F401  (a submodule PyTorch does not import eagerly)
    from tensorcore.utils.benchmark import Timer
    for lib_timer in (torch.utils.benchmark.Timer, Timer):
        m = lib_timer("torch.ones(3).sum()", setup="x = torch.zeros(1)").timeit(2)
        assert m.number_per_run == 2 and len(m.times) == 1
