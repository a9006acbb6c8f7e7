"""Differences found by running public PyTorch programs under tensorcore (realprog17 survey),
each checked here against PyTorch on the same inputs."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _repr_as_torch(t):
    return repr(t).replace("tensorcore.", "torch.")


def _both(make):
    """The same tensor built by `make(lib)` under PyTorch and tensorcore."""
    return make(torch), make(tc)


# pytorch/tutorials custom_function_double_backward_tutorial printed a 3x3 float64 grad_x with a grad_fn:
# PyTorch keeps "dtype=torch.float64, grad_fn=<SubBackward0>)" on the last line, tensorcore measured its
# longer "dtype=tensorcore.float64" and wrapped the grad_fn onto a line of its own, so every line after it
# differed (Note [Suffix wrapping measured as PyTorch prints it]).
@pytest.mark.parametrize("case", [
    "grad_fn_3x3_float64", "sinh_rows", "summarized_1001_float64", "int32_row", "requires_grad_float16",
    "wide_rows_float64", "bool_with_grad_fn_free", "empty_float64_2d", "scalar_float64_grad_fn",
])
def test_suffix_line_breaks_are_pytorchs(case):
    def make(lib):
        rng = np.random.default_rng(17)
        if case == "grad_fn_3x3_float64":
            x = lib.tensor(rng.random((3, 3)) + 1.0, requires_grad=True)
            return x * 2 - 1
        if case == "sinh_rows":
            x = lib.tensor(rng.random((3, 3)), requires_grad=True)
            return lib.sinh(x) * 1
        if case == "summarized_1001_float64":
            return lib.tensor(rng.integers(-999, 999, 1001).astype(np.float64))
        if case == "int32_row":
            return lib.tensor(rng.integers(-99999, 99999, 9), dtype=lib.int32)
        if case == "requires_grad_float16":
            return lib.tensor(rng.random(11), dtype=lib.float16, requires_grad=True)
        if case == "wide_rows_float64":
            return lib.tensor(rng.random((2, 6)) * 1000, requires_grad=True).exp2().log2()
        if case == "bool_with_grad_fn_free":
            return lib.tensor(rng.random(19) > 0.5)
        if case == "empty_float64_2d":
            return lib.zeros(0, 3, dtype=lib.float64)
        if case == "scalar_float64_grad_fn":
            return lib.tensor(2.5, dtype=lib.float64, requires_grad=True) * 3
        raise AssertionError(case)

    expected, got = _both(make)
    assert _repr_as_torch(got) == repr(expected)


def test_line_breaks_follow_print_options_linewidth():
    # The decision uses PyTorch's length at every linewidth, not only the default 80.
    for width in (40, 60, 75, 77, 80, 120):
        torch.set_printoptions(linewidth=width)
        tc.set_printoptions(linewidth=width)
        try:
            for n in (3, 5, 7):
                expected = torch.arange(n, dtype=torch.float64, requires_grad=True) * 1.5
                got = tc.arange(n, dtype=tc.float64, requires_grad=True) * 1.5
                assert _repr_as_torch(got) == repr(expected), (width, n)
        finally:
            torch.set_printoptions(profile="default")
            tc.set_printoptions(profile="default")
