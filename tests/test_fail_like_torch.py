"""Issue 17: tensorcore fails where PyTorch fails, with PyTorch's exception
type, and accepts what PyTorch accepts. One test per example of the issue
(and a few the differential fuzzer, tests/differential_fuzz.py, found); each
runs the same code under PyTorch and tensorcore and compares the outcomes."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def outcome(lib, fn):
    """("raise", builtin exception type) or ("ok", value as numpy/Python)."""
    try:
        v = fn(lib)
    except Exception as e:
        base = next(c for c in type(e).__mro__ if c.__module__ == "builtins")
        return ("raise", base.__name__)
    # values as their repr, so that NaN equals NaN
    if isinstance(v, lib.Tensor):
        return ("ok", str(v.dtype).split(".")[-1], repr(v.detach().numpy().tolist()))
    if isinstance(v, np.ndarray):
        return ("ok", v.dtype.name, repr(v.tolist()))
    if isinstance(v, tuple):
        return ("ok", tuple(outcome(lib, lambda _lib, x=x: x)[1:] for x in v))
    return ("ok", type(v).__name__, v)


def assert_like_torch(fn, expect=None):
    """fn(lib) under both libraries gives the same outcome; `expect` (an
    exception type name or "ok") pins what PyTorch itself does."""
    t, c = outcome(torch, fn), outcome(tc, fn)
    if expect is not None:
        assert (t[1] if t[0] == "raise" else "ok") == expect, f"PyTorch changed: {t}"
    assert c == t, f"torch: {t}\ntensorcore: {c}"


# ---- Python ints beyond int64, NaN/inf to integers ----
@pytest.mark.parametrize("data", [[2 ** 63], [-2 ** 63 - 1], 2 ** 64, [True, 2 ** 63], [[2 ** 63]]])
def test_tensor_int_overflow_is_value_error(data):
    assert_like_torch(lambda m: m.tensor(data), "ValueError")


@pytest.mark.parametrize("data,dtype", [([2 ** 63], "float32"), ([1.5, 2 ** 64], None), (2 ** 63, "float64"),
                                        (2 ** 63, "bool"), (-2 ** 63, None)])
def test_tensor_big_int_accepted_for_float_targets(data, dtype):
    assert_like_torch(lambda m: m.tensor(data, dtype=None if dtype is None else getattr(m, dtype)), "ok")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e30, 2.0 ** 63, -3.7])
def test_int_of_float_tensor(value):
    assert_like_torch(lambda m: int(m.tensor(value)))
    assert_like_torch(lambda m: int(m.tensor([value], dtype=m.float64)))


def test_scalar_argument_beyond_uint64_is_overflow_error():
    assert_like_torch(lambda m: m.ones(2) + 2 ** 64, "OverflowError")
    assert_like_torch(lambda m: m.ones(2).mul_(2 ** 70), "OverflowError")


def test_setitem_int_overflow_is_value_error():
    def f(m):
        x = m.zeros(2, dtype=m.int64)
        x[0] = 2 ** 63
        return x
    assert_like_torch(f, "ValueError")


# ---- out= casting rules ----
def test_add_float_into_int_out():
    assert_like_torch(lambda m: m.add(m.ones(2), m.ones(2), out=m.zeros(2, dtype=m.int32)), "RuntimeError")
    assert_like_torch(lambda m: m.mul(m.ones(2, dtype=m.float64), 2, out=m.zeros(2, dtype=m.int64)), "RuntimeError")
    assert_like_torch(lambda m: m.div(m.ones(2, dtype=m.int64), 2, out=m.zeros(2, dtype=m.bool)), "RuntimeError")
    assert_like_torch(lambda m: m.add(m.ones(2, dtype=m.int32), 1, out=m.zeros(2, dtype=m.float64)), "ok")


@pytest.mark.parametrize("out_dtype", ["bool", "int64", "int32"])
def test_stack_and_cat_floats_into_integer_out(out_dtype):
    assert_like_torch(lambda m: m.stack([m.ones(2), m.ones(2)], out=m.zeros(2, 2, dtype=getattr(m, out_dtype))),
                      "TypeError")
    assert_like_torch(lambda m: m.cat([m.ones(2), m.ones(2)], out=m.zeros(4, dtype=getattr(m, out_dtype))),
                      "TypeError")


@pytest.mark.parametrize("op", ["abs", "neg", "floor", "sign"])
def test_dtype_keeping_unary_out_wants_the_same_dtype(op):
    assert_like_torch(lambda m: getattr(m, op)(m.ones(2), out=m.zeros(2, dtype=m.float64)), "RuntimeError")
    assert_like_torch(lambda m: getattr(m, op)(m.ones(2, dtype=m.int64), out=m.zeros(2)), "RuntimeError")
    assert_like_torch(lambda m: m.exp(m.ones(2), out=m.zeros(2, dtype=m.float64)), "ok")


# ---- in-place ops on leaves that require grad ----
@pytest.mark.parametrize("op,args", [("transpose_", (0, -1)), ("t_", ()), ("squeeze_", ()), ("unsqueeze_", (0,)),
                                     ("swapdims_", (0, 1)), ("swapaxes_", (0, 1)), ("as_strided_", ((3, 2), (1, 3)))])
def test_inplace_view_ops_on_leaf_requiring_grad(op, args):
    def leaf(m):
        getattr(m.ones(2, 3, requires_grad=True), op)(*args)

    def view_of_leaf(m):
        getattr(m.ones(2, 3, requires_grad=True)[:], op)(*args)

    def no_grad_leaf(m):
        x = m.ones(2, 3)
        return getattr(x, op)(*args).shape == x.shape and tuple(x.shape)
    assert_like_torch(leaf, "RuntimeError")
    assert_like_torch(view_of_leaf, "RuntimeError")
    assert_like_torch(no_grad_leaf, "ok")


# ---- numpy access ----
@pytest.mark.parametrize("fn", [lambda t: np.multiply(t, -1), np.asarray, np.array, lambda t: np.add(t, 1)])
def test_numpy_of_tensor_requiring_grad(fn):
    assert_like_torch(lambda m: fn(m.ones(2, requires_grad=True)), "RuntimeError")
    assert_like_torch(lambda m: fn(m.ones(2, requires_grad=True).detach()).tolist(), "ok")


def test_tensor_from_list_of_tensors_requiring_grad():
    assert_like_torch(lambda m: m.tensor([m.tensor(1.5, requires_grad=True), m.tensor(2.0)]), "ok")


# ---- tensor() of 0-dim tensors; scalar-first comparisons ----
@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
def test_tensor_of_float_tensors_with_integer_dtype(dtype):
    assert_like_torch(lambda m: m.tensor([m.tensor(1.5), m.tensor(2.0)], dtype=getattr(m, dtype)), "TypeError")
    assert_like_torch(lambda m: m.tensor([m.tensor(1), m.tensor(2)], dtype=getattr(m, dtype)), "ok")


def test_tensor_of_multi_element_tensors():
    assert_like_torch(lambda m: m.tensor([m.tensor([1, 2])], dtype=m.float32), "ValueError")
    assert_like_torch(lambda m: m.tensor([m.tensor([1.5])]), "ok")


def test_eq_with_scalar_first():
    assert_like_torch(lambda m: m.eq(-1.25, m.ones(2)), "TypeError")


# ---- argument types and PyTorch's exception types ----
@pytest.mark.parametrize("op", ["reshape_as", "view_as", "expand_as"])
def test_tensor_argument_given_a_list(op):
    assert_like_torch(lambda m: getattr(m.ones(2), op)([[1], 2]), "TypeError")


def test_amax_of_empty():
    assert_like_torch(lambda m: m.ones(0).amax(), "RuntimeError")
    assert_like_torch(lambda m: m.ones(0, 3).amin(), "RuntimeError")
    assert_like_torch(lambda m: m.ones(0, 3).amax(0), "IndexError")
    assert_like_torch(lambda m: m.ones(0, 1, 0).amin((0, -1)), "IndexError")
    assert_like_torch(lambda m: m.ones(0, 3).amax(1), "ok")


def test_narrow_of_0_dim():
    assert_like_torch(lambda m: m.tensor(1.0).narrow(0, 0, 1), "RuntimeError")


def test_arange_int64_with_tiny_step():
    assert_like_torch(lambda m: m.arange(0, 1, 1e-17, dtype=m.int64), "ValueError")
    assert_like_torch(lambda m: m.arange(0, 5, 0), "RuntimeError")


def test_softmax_checks_dim_before_dtype():
    assert_like_torch(lambda m: m.softmax(m.ones(1, dtype=m.int64).expand(2), dim=1), "IndexError")
    assert_like_torch(lambda m: m.softmax(m.ones(2, dtype=m.int64), dim=0), "NotImplementedError")


@pytest.mark.parametrize("fn", [lambda m: m.randn_like(m.ones(2), dtype=m.int32),
                                lambda m: m.randn_like(m.ones(2, 2).t(), dtype=m.int64),
                                lambda m: m.rand_like(m.ones(2), dtype=m.int32),
                                lambda m: m.randn(2, dtype=m.int32)])
def test_random_floats_into_integers(fn):
    assert_like_torch(fn, "NotImplementedError")


@pytest.mark.parametrize("op", ["amax", "argmax", "logsumexp", "all", "std"])
def test_keepdim_must_be_bool(op):
    assert_like_torch(lambda m: getattr(m.ones(2, 2), op)(0, keepdim=1), "TypeError")


def test_lerp_dtypes_checked_before_kernel():
    assert_like_torch(lambda m: m.lerp(m.ones(2, dtype=m.int64), m.ones(2), 0.5), "RuntimeError")
    assert_like_torch(lambda m: m.lerp(m.ones(2), m.ones(2), m.ones(2, dtype=m.float64)), "RuntimeError")
    assert_like_torch(lambda m: m.ones(2, dtype=m.int64).lerp_(m.ones(2, dtype=m.int64), 0.5),
                      "NotImplementedError")


def test_masks_and_indices_need_their_dtypes():
    assert_like_torch(lambda m: m.ones(3).masked_select(m.ones(3, dtype=m.int64)), "RuntimeError")
    assert_like_torch(lambda m: m.ones(3).take(m.tensor([0], dtype=m.int32)), "RuntimeError")


def test_random_fill_of_expanded_tensor():
    for op in ("uniform_", "normal_", "random_", "bernoulli_", "exponential_"):
        assert_like_torch(lambda m: getattr(m.ones(1).expand(3), op)(), "RuntimeError")


def test_cumprod_dims_and_dtypes():
    assert_like_torch(lambda m: m.arange(3).cumprod(-3), "IndexError")
    assert_like_torch(lambda m: m.tensor([True, True, False]).cumprod(0), "ok")
    assert_like_torch(lambda m: m.tensor([1, 2, 3], dtype=m.int32).cumprod(0), "ok")


def test_kron_of_tensors_with_different_dims():
    assert_like_torch(lambda m: m.kron(m.arange(6.0).reshape(3, 2), m.tensor([1.0, 2.0, 3.0])), "ok")


# ---- accepted by PyTorch ----
@pytest.mark.parametrize("key", [(Ellipsis, Ellipsis, slice(None)), (Ellipsis, Ellipsis), (0, Ellipsis, Ellipsis),
                                 (Ellipsis, 0, Ellipsis), (Ellipsis, None, Ellipsis, slice(None)),
                                 (Ellipsis, Ellipsis, 0), (Ellipsis, Ellipsis, slice(1, 2))])
def test_several_ellipses(key):
    assert_like_torch(lambda m: m.arange(24.0).reshape(2, 3, 4)[key])


def test_view_as_the_same_dtype():
    assert_like_torch(lambda m: m.arange(6.0).reshape(2, 3).view(m.float32), "ok")


@pytest.mark.parametrize("args", [(5, True, 0), (2, False), ([2, True],), ((True,),), (True,)])
def test_bool_in_a_size_list(args):
    assert_like_torch(lambda m: m.zeros(*args))


# ---- found by the differential fuzzer ----
def test_matmul_size_mismatch_with_an_empty_last_dim_raises():
    # crashed the interpreter (SIGFPE: a division by the empty dim in the error message)
    assert_like_torch(lambda m: m.matmul(m.ones(2, 2, 0)[1:], m.ones(3)), "RuntimeError")
    assert_like_torch(lambda m: m.matmul(m.ones(1, 2, 0), m.ones(0)), "ok")


def test_eq_with_a_numpy_array_is_a_tensor():
    assert_like_torch(lambda m: m.arange(3.0).__eq__(np.arange(3)), "ok")
    assert_like_torch(lambda m: m.arange(3.0).__add__(np.arange(3)) is NotImplemented, "ok")


def test_lerp_with_infinities_uses_pytorchs_formula():
    assert_like_torch(lambda m: m.lerp(m.tensor([float("inf"), 1.0]), m.tensor([-float("inf"), 2.0]), 2), "ok")
    assert_like_torch(lambda m: m.lerp(m.tensor([1.0, 3.0]), m.tensor([2.0, 5.0]), m.tensor([0.25, 1.0])), "ok")


def test_setitem_of_integer_tensor_from_value_requiring_grad():
    def f(m):
        x = m.zeros(2, dtype=m.int64)
        x[()] = m.tensor([1.5, 2.5], requires_grad=True)
        return x
    assert_like_torch(f, "ok")


def test_elementwise_out_of_another_shape_is_resized():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_like_torch(lambda m: m.add(m.ones(2, 2), 1, out=m.zeros(3)), "ok")
        assert_like_torch(lambda m: m.sqrt(m.ones(3), out=m.zeros(1, 2)), "ok")


def test_index_select_out_of_range_error_type_per_dim():
    assert_like_torch(lambda m: m.ones(3, 4).index_select(1, m.tensor([4])), "RuntimeError")
    assert_like_torch(lambda m: m.ones(3, 4).index_select(0, m.tensor([3])), "IndexError")
    assert_like_torch(lambda m: m.ones(2, 3, 4).index_select(2, m.tensor([4])), "IndexError")


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "mm", "matmul"])
def test_out_for_reductions_and_matmul(op):
    def call(m, out):
        x = m.arange(6.0).reshape(2, 3)
        if op in ("mm", "matmul"):
            return getattr(m, op)(x, x.t(), out=out)
        return getattr(m, op)(x, 0, out=out)
    shape = [2, 2] if op in ("mm", "matmul") else [3]
    assert_like_torch(lambda m: call(m, m.empty(shape)), "ok")
    assert_like_torch(lambda m: call(m, m.empty(shape, dtype=m.float64)),
                      "ok" if op in ("sum", "mean") else "RuntimeError")
    assert_like_torch(lambda m: call(m, m.empty(shape, requires_grad=True)), "RuntimeError")


def test_fill_values_must_fit_the_dtype():
    assert_like_torch(lambda m: m.ones(2, dtype=m.int32).masked_fill(m.ones(2, dtype=m.bool), 2 ** 40),
                      "RuntimeError")
    assert_like_torch(lambda m: m.where(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int32), 2 ** 40), "RuntimeError")
    assert_like_torch(lambda m: m.ones(2, dtype=m.int64).masked_fill(m.ones(2, dtype=m.bool), float("nan")),
                      "RuntimeError")


def test_view_as_another_dtype():
    assert_like_torch(lambda m: m.arange(6.0).reshape(2, 3).view(m.int32), "ok")
    assert_like_torch(lambda m: m.arange(4.0).view(m.float64), "ok")
    assert_like_torch(lambda m: m.arange(6.0).reshape(2, 3).view(m.float64), "RuntimeError")
    assert_like_torch(lambda m: m.tensor(1.0).view(m.float64), "RuntimeError")


def test_integer_results_of_inputs_requiring_grad():
    assert_like_torch(lambda m: m.ones(2, requires_grad=True).sum(dtype=m.int64), "RuntimeError")
    assert_like_torch(lambda m: m.ones(2, requires_grad=True).cumsum(0, dtype=m.int32), "RuntimeError")
    assert_like_torch(lambda m: m.ones(2, requires_grad=True).sum(dtype=m.float64).detach(), "ok")


@pytest.mark.parametrize("data", [[float("inf"), 1.0], [float("nan")], [1e10]])
def test_python_floats_that_do_not_fit_an_integer_dtype(data):
    assert_like_torch(lambda m: m.tensor(data, dtype=m.int32), "RuntimeError")


def test_clamp_mixing_tensor_and_number_bounds():
    assert_like_torch(lambda m: m.clamp(m.arange(3.0), 0.5, m.tensor(1.5)), "ok")
    assert_like_torch(lambda m: m.clamp(m.arange(3.0), 0.5, m.ones(3)), "TypeError")
    assert_like_torch(lambda m: m.clamp(m.arange(3.0), 0.5, m.tensor(1.5, requires_grad=True)), "TypeError")


def test_inplace_view_op_argument_types_before_the_leaf_check():
    assert_like_torch(lambda m: m.ones(2, 2, requires_grad=True).transpose_(0, [0, 1]), "TypeError")
    assert_like_torch(lambda m: m.ones(2, 2, requires_grad=True).transpose_(0, 5), "RuntimeError")


def test_predicate_in_place_on_leaf_requiring_grad():
    assert_like_torch(lambda m: m.ones(2, requires_grad=True).logical_not_().detach(), "ok")
    assert_like_torch(lambda m: m.ones(2, requires_grad=True).sign_(), "RuntimeError")


def test_values_the_fuzzer_found_different():
    assert_like_torch(lambda m: m.isclose(m.tensor([0.07, -0.69, float("inf")]),
                                          m.tensor([-float("inf"), float("inf"), float("inf")])), "ok")
    assert_like_torch(lambda m: m.unique(m.tensor([1.0, float("nan"), float("nan")]), return_counts=True), "ok")
    assert_like_torch(lambda m: m.tensor([1.5, -2.0]).prod(dtype=m.bool), "ok")
    assert_like_torch(lambda m: m.linspace(0, 3, 3, out=m.empty(3, 1)), "ok")
    assert_like_torch(lambda m: m.clamp(m.tensor(4.0, dtype=m.float64), m.tensor([2, -3], dtype=m.int32),
                                        m.tensor([1.0, 5.0])), "ok")
    assert_like_torch(lambda m: m.ones(3, dtype=m.int32).expand(2, 3).__setitem__(True, 1), "RuntimeError")


def test_arange_of_integer_dtypes_with_float_bounds():
    for args in [(3.5,), (0, 2.5), (-1.5, 2), (0, 5, 1.5), (0, 5, 2.7), (5, 0.5, -1), (0.5, 4, 1.5)]:
        assert_like_torch(lambda m: m.arange(*args, dtype=m.int32), "ok")
        assert_like_torch(lambda m: m.arange(*args, dtype=m.int64), "ok")  # (PyTorch counts these differently)


def test_more_fuzzer_findings():
    assert_like_torch(lambda m: m.pow(m.ones(2, dtype=m.int32), 2 ** 40), "RuntimeError")
    assert_like_torch(lambda m: m.tensor(1.0).flatten(1), "IndexError")
    assert_like_torch(lambda m: m.tensor(1.0).flatten(0, -1), "ok")
    assert_like_torch(lambda m: m.add(m.tensor([True]), m.tensor([True]), alpha=2), "ok")
