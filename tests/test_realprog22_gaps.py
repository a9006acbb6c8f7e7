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
                                          description="three ones", num_threads=1).blocked_autorange(min_run_time=0.02),
]


@pytest.mark.parametrize("case", range(len(BENCHMARKS)))
def test_benchmark_timer_measurement_as_pytorch(case):
    import torch.utils.benchmark  # noqa: F401  (a submodule PyTorch does not import eagerly)
    import tensorcore.utils.benchmark  # noqa: F401
    expected = _measurement_layout(torch, BENCHMARKS[case])
    actual = _measurement_layout(tc, BENCHMARKS[case])
    if "IQR" in expected[0]:   # four or more blocks: both print the spread (their counts are wall-clock)
        assert "IQR" in actual[0]
        expected, actual = expected[1:], actual[1:]
    assert actual == expected


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
