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


# --- torch.utils.checkpoint and torch.random (absent modules: ModuleNotFoundError under tensorcore) ---

def _checkpoint_module(lib):
    import importlib
    return importlib.import_module(lib.__name__ + ".utils.checkpoint")


def _net(lib):
    lib.manual_seed(0)
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Tanh(), nn.Linear(8, 3), nn.ReLU(), nn.Linear(3, 2))


def _run_checkpointed(lib, use_reentrant, x_requires_grad, segments=None):
    """Loss, parameter gradients, input gradient and the next random draw after a checkpointed
    forward/backward; warnings recorded."""
    import warnings
    C = _checkpoint_module(lib)
    net = _net(lib)
    lib.manual_seed(1)
    x = lib.tensor(np.linspace(-1, 1, 20).reshape(5, 4).astype(np.float32), requires_grad=x_requires_grad)
    kwargs = {} if use_reentrant == "unset" else {"use_reentrant": use_reentrant}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if segments is None:
            out = C.checkpoint(net, x, **kwargs)
        else:
            out = C.checkpoint_sequential(net, segments, x, **kwargs)
        result = {"out": out.detach().numpy().copy(), "out_requires_grad": out.requires_grad}
        if out.requires_grad:
            out.sum().backward()
    result["param_grads"] = [None if p.grad is None else p.grad.numpy().copy() for p in net.parameters()]
    result["x_grad"] = None if x.grad is None else x.grad.numpy().copy()
    result["next_draw"] = lib.rand(3).numpy().copy()  # the stream advances once, by the forward's dropout
    result["warnings"] = [str(w.message) for w in caught]
    return result


def _assert_same_run(expected, got):
    assert got["warnings"] == expected["warnings"]
    assert got["out_requires_grad"] == expected["out_requires_grad"]
    np.testing.assert_allclose(got["out"], expected["out"], rtol=1e-6, atol=1e-7)
    for e, g in zip(expected["param_grads"], got["param_grads"]):
        assert (e is None) == (g is None)
        if e is not None:
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    assert (expected["x_grad"] is None) == (got["x_grad"] is None)
    if expected["x_grad"] is not None:
        np.testing.assert_allclose(got["x_grad"], expected["x_grad"], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got["next_draw"], expected["next_draw"])


@pytest.mark.parametrize("use_reentrant", ["unset", True, False])
@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_checkpoint_matches_pytorch(use_reentrant, x_requires_grad):
    # Reentrant: dropout's mask is replayed in the recomputation; with no input requiring grad the
    # output does not require grad and PyTorch warns (the parameters get no gradient).
    # Non-reentrant: parameters get gradients either way (Note [Two checkpoint variants]).
    _assert_same_run(_run_checkpointed(torch, use_reentrant, x_requires_grad),
                     _run_checkpointed(tc, use_reentrant, x_requires_grad))


@pytest.mark.parametrize("segments", [1, 2, 3])
@pytest.mark.parametrize("use_reentrant", ["unset", True, False])
def test_checkpoint_sequential_matches_pytorch(segments, use_reentrant):
    _assert_same_run(_run_checkpointed(torch, use_reentrant, True, segments),
                     _run_checkpointed(tc, use_reentrant, True, segments))


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("how", ["autograd.grad", "backward(inputs=)"])
def test_reentrant_checkpoint_refuses_grad_and_inputs(how):
    # Note [Reentrant checkpoint needs a plain backward]
    def attempt(lib):
        C = _checkpoint_module(lib)
        net = _net(lib)
        x = lib.ones(2, 4, requires_grad=True)
        out = C.checkpoint(net, x, use_reentrant=True)
        if how == "autograd.grad":
            return _error(lambda: lib.autograd.grad(out.sum(), x))
        return _error(lambda: out.sum().backward(inputs=[x]))
    expected = attempt(torch)
    assert expected is not None and attempt(tc) == expected


@pytest.mark.parametrize("how", ["autograd.grad", "backward(inputs=)"])
def test_non_reentrant_checkpoint_supports_grad_and_inputs(how):
    def run(lib):
        C = _checkpoint_module(lib)
        net = _net(lib)
        x = lib.tensor(np.arange(8, dtype=np.float32).reshape(2, 4) / 8, requires_grad=True)
        net.eval()
        out = C.checkpoint(net, x, use_reentrant=False)
        if how == "autograd.grad":
            return lib.autograd.grad(out.sum(), x)[0].numpy(), [p.grad for p in net.parameters()]
        out.sum().backward(inputs=[x])
        return x.grad.numpy(), [p.grad for p in net.parameters()]
    (e, e_params), (g, g_params) = run(torch), run(tc)
    np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-7)
    assert e_params == [None] * 6 and g_params == [None] * 6


def test_checkpoint_argument_errors_match_pytorch():
    def attempts(lib):
        C = _checkpoint_module(lib)
        x = lib.ones(2)
        net = _net(lib)
        return [
            _error(lambda: C.checkpoint(lambda a, b=1: a * b, x, use_reentrant=True, b=2)),
            _error(lambda: C.checkpoint(net, lib.ones(1, 4), use_reentrant=True, debug=True)),
            _error(lambda: C.checkpoint_sequential(net, 2, lib.ones(1, 4), use_reentrant=True, foo=1)),
            _error(lambda: C.detach_variable([x])),
        ]
    assert attempts(tc) == attempts(torch)


def test_checkpoint_passes_non_tensor_arguments_and_outputs():
    def run(lib):
        C = _checkpoint_module(lib)

        def two(a, b, k):
            return a * k + b, (a - b).sum(), "tag"
        a = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        b = lib.tensor([0.25, 3.0, -1.0], requires_grad=True)
        o1, o2, tag = C.checkpoint(two, a, b, 3.0, use_reentrant=True)
        (o1.sum() + o2 * 2).backward()
        return tag, a.grad.tolist(), b.grad.tolist()
    assert run(tc) == run(torch)


def test_random_fork_rng_and_seeding_match_pytorch():
    def run(lib):
        lib.random.manual_seed(5)
        first = lib.rand(2).tolist()
        with lib.random.fork_rng():
            inside = lib.rand(2).tolist()
        after = lib.rand(2).tolist()           # the draws inside the fork did not advance the stream
        with lib.random.fork_rng(enabled=False):
            lib.rand(1)
        skipped = lib.rand(1).tolist()
        state = lib.random.get_rng_state()
        again = lib.rand(1).tolist()
        lib.random.set_rng_state(state)
        return first, inside, after, skipped, again == lib.rand(1).tolist(), lib.random.initial_seed()
    assert run(tc) == run(torch)


# --- torch.autograd.functional (an absent module) ---

def _functional(lib):
    import importlib
    return importlib.import_module(lib.__name__ + ".autograd.functional")


def _functional_cases(lib):
    F = _functional(lib)
    f64 = lib.float64
    x = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=f64)
    y = lib.tensor([0.3, -0.2, 0.9], dtype=f64)
    ones23 = lib.ones(2, 3, dtype=f64)
    f1 = lambda a: (a ** 3).sum(dim=1) * a[0, 0]  # noqa: E731
    f2 = lambda a, b: (a.sin() * b, (a @ b).exp())  # noqa: E731
    f3 = lambda a: (a.exp() * a).sum()  # noqa: E731
    f4 = lambda a, b: (a * b).sum() + b.pow(3).sum()  # noqa: E731
    unused = lambda a, b: a.sum() * 2  # noqa: E731
    cases = {}
    for cg in (False, True):
        cases.update({
            f"jacobian_tensor_cg{cg}": lambda cg=cg: F.jacobian(f1, x, create_graph=cg),
            f"jacobian_tuples_cg{cg}": lambda cg=cg: F.jacobian(f2, (x, y), create_graph=cg),
            f"jacobian_unused_input_cg{cg}": lambda cg=cg: F.jacobian(unused, (x, y), create_graph=cg),
            f"hessian_tensor_cg{cg}": lambda cg=cg: F.hessian(f3, x, create_graph=cg),
            f"hessian_tuple_cg{cg}": lambda cg=cg: F.hessian(f4, (x[0], y), create_graph=cg),
            f"vjp_cg{cg}": lambda cg=cg: F.vjp(f1, x, lib.tensor([1.0, -2.0], dtype=f64), create_graph=cg),
            f"vjp_tuples_cg{cg}": lambda cg=cg: F.vjp(f2, (x, y), (ones23, lib.tensor([1.0, 0.5], dtype=f64)),
                                                      create_graph=cg),
            f"jvp_cg{cg}": lambda cg=cg: F.jvp(f1, x, ones23, create_graph=cg),
            f"jvp_tuples_cg{cg}": lambda cg=cg: F.jvp(f2, (x, y), (ones23, y), create_graph=cg),
            f"hvp_cg{cg}": lambda cg=cg: F.hvp(f3, x, ones23, create_graph=cg),
            f"hvp_tuple_cg{cg}": lambda cg=cg: F.hvp(f4, (x[0], y), (y, x[1]), create_graph=cg),
            f"vhp_tuple_cg{cg}": lambda cg=cg: F.vhp(f4, (x[0], y), (y, y), create_graph=cg),
        })
    xr = x.clone().requires_grad_()
    cases.update({
        "vjp_scalar_output_without_v": lambda: F.vjp(f3, x),
        "jacobian_of_input_requiring_grad": lambda: F.jacobian(f1, x.clone().requires_grad_()),
        "jacobian_create_graph_keeps_callers_graph": lambda: F.jacobian(lambda a: a * a, xr, create_graph=True),
        "jacobian_vectorize_same_values": lambda: F.jacobian(f1, x, vectorize=True),
        "hessian_forward_over_reverse": lambda: F.hessian(f3, x, outer_jacobian_strategy="forward-mode",
                                                          vectorize=True),
        "vjp_v_none_needs_scalar": lambda: F.vjp(f1, x),
        "jvp_v_none_needs_scalar_input": lambda: F.jvp(f1, x),
        "jvp_v_wrong_size": lambda: F.jvp(f1, x, lib.ones(3)),
        "vjp_v_wrong_length": lambda: F.vjp(f2, (x, y), (lib.ones(2, 3),)),
        "vjp_v_wrong_entry_size": lambda: F.vjp(f2, (x, y), (lib.ones(2, 2), lib.ones(2))),
        "jacobian_non_tensor_output": lambda: F.jacobian(lambda a: 3, x),
        "jacobian_list_input": lambda: F.jacobian(f1, [x]),
        "jacobian_tuple_with_non_tensor_output": lambda: F.jacobian(lambda a: (a, 3), x),
        "hessian_vector_output": lambda: F.hessian(lambda a: a * 2, x),
        "hessian_tuple_output": lambda: F.hessian(lambda a: (a.sum(),), x),
        "hvp_vector_output": lambda: F.hvp(lambda a: a * 2, x, x),
        "strict_jacobian_unused_input": lambda: F.jacobian(unused, (x, y), strict=True),
        "strict_vjp_unused_input": lambda: F.vjp(lambda a, b: a.sum(), (x, y), strict=True),
        "strict_hessian_of_linear": lambda: F.hessian(lambda a: a.sum(), x, strict=True),
        "strict_constant_output": lambda: F.jacobian(lambda a: lib.ones(2), x, strict=True),
        "forward_mode_needs_vectorize": lambda: F.jacobian(f1, x, strategy="forward-mode"),
        "forward_mode_strict": lambda: F.jacobian(f1, x, strategy="forward-mode", strict=True, vectorize=True),
        "forward_mode_create_graph": lambda: F.jacobian(f1, x, strategy="forward-mode", create_graph=True),
        "vectorize_strict": lambda: F.jacobian(f1, x, vectorize=True, strict=True),
        "unknown_strategy": lambda: F.jacobian(f1, x, strategy="x"),
        "empty_output": lambda: F.jacobian(lambda a: a[:0], lib.ones(2)),
    })
    return cases


def _describe(value, lib_name):
    if isinstance(value, tuple):
        return tuple(_describe(v, lib_name) for v in value)
    return (tuple(value.shape), value.requires_grad, value.detach().numpy().astype(np.float64))


def _call(fn, lib_name):
    try:
        return "ok", _describe(fn(), lib_name)
    except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
        return type(e).__name__, str(e).replace(lib_name + ".", "torch.")


def _assert_same_description(got, expected, where=""):
    if isinstance(expected, tuple) and len(expected) == 3 and isinstance(expected[0], tuple) \
            and isinstance(expected[2], np.ndarray):
        assert got[:2] == expected[:2], where
        np.testing.assert_allclose(got[2], expected[2], rtol=1e-12, atol=1e-12, err_msg=where)
        return
    assert isinstance(got, tuple) and len(got) == len(expected), where
    for i, (g, e) in enumerate(zip(got, expected)):
        _assert_same_description(g, e, f"{where}[{i}]")


@pytest.mark.parametrize("case", sorted(_functional_cases(torch)))
def test_autograd_functional_matches_pytorch(case):
    kind_e, expected = _call(_functional_cases(torch)[case], "torch")
    kind_g, got = _call(_functional_cases(tc)[case], "tensorcore")
    assert kind_g == kind_e, (got, expected)
    if kind_e == "ok":
        _assert_same_description(got, expected)
    else:
        assert got == expected


# --- autograd.grad(is_grads_batched=True) was accepted and ignored: a batch of grad_outputs raised a shape
# mismatch, and an unbatched grad_output was silently used as one vector ---

def _batched_grad_cases(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    unused = lib.tensor([1.0, 1.0], requires_grad=True)
    y = x * x * w
    grad = lib.autograd.grad
    return {
        "identity_rows_two_inputs": lambda: grad(y, (x, w), lib.eye(3), retain_graph=True, is_grads_batched=True),
        "create_graph": lambda: grad(y, x, lib.eye(3), retain_graph=True, create_graph=True, is_grads_batched=True),
        "unused_input": lambda: grad(y, (x, unused), lib.ones(2, 3), retain_graph=True, allow_unused=True,
                                     is_grads_batched=True),
        "materialized_unused": lambda: grad(y, (x, unused), lib.ones(2, 3), retain_graph=True,
                                            materialize_grads=True, is_grads_batched=True),
        "two_outputs": lambda: grad((y, y.sum()), x, (lib.ones(4, 3), lib.arange(4.0)), retain_graph=True,
                                    is_grads_batched=True),
        "unbatched_grad_output": lambda: grad(y, x, lib.ones(3), retain_graph=True, is_grads_batched=True),
        "wrong_trailing_shape": lambda: grad(y, x, lib.ones(2, 4), retain_graph=True, is_grads_batched=True),
        "batch_sizes_differ": lambda: grad((y, y), x, (lib.ones(2, 3), lib.ones(4, 3)), retain_graph=True,
                                           is_grads_batched=True),
        "empty_batch": lambda: grad(y, x, lib.ones(0, 3), retain_graph=True, is_grads_batched=True),
        "graph_freed_after_the_batch": lambda: (grad(y, x, lib.eye(3) * 2, is_grads_batched=True),
                                                grad(y, x, lib.eye(3), is_grads_batched=True)),
    }


def _describe_grads(value):
    if isinstance(value, tuple):
        return tuple(_describe_grads(v) for v in value)
    if value is None:
        return None
    return tuple(value.shape), value.requires_grad, value.detach().numpy().tolist()


@pytest.mark.parametrize("case", sorted(_batched_grad_cases(torch)))
def test_autograd_grad_is_grads_batched_matches_pytorch(case):
    def run(lib):
        try:
            return "ok", _describe_grads(_batched_grad_cases(lib)[case]())
        except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
            return type(e).__name__, str(e).split(" Saved intermediate")[0].replace("tensorcore.", "torch.")
    assert run(tc) == run(torch)


# --- out= of the factorizations was accepted and ignored: the caller's out tensors stayed as they were
# (torch.linalg.qr(A, out=(Q, R)) left Q and R uninitialised) ---

_A = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]


def _factorization_out_cases(lib):
    import warnings
    L = lib.linalg
    A = lib.tensor(_A)
    B = lib.tensor([[1.0], [2.0], [3.0]])
    i32 = lib.int32

    def legacy(fn):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    return {
        "qr": lambda: (lambda o: (L.qr(A, out=o), o))((lib.empty(3, 3), lib.empty(3, 3))),
        "slogdet": lambda: (lambda o: (L.slogdet(A, out=o), o))((lib.empty(()), lib.empty(()))),
        "inv_ex": lambda: (lambda o: (L.inv_ex(A, out=o), o))((lib.empty(3, 3), lib.empty((), dtype=i32))),
        "solve_ex": lambda: (lambda o: (L.solve_ex(A, B, out=o), o))((lib.empty(3, 1), lib.empty((), dtype=i32))),
        "cholesky_ex": lambda: (lambda o: (L.cholesky_ex(A, out=o), o))((lib.empty(3, 3), lib.empty((), dtype=i32))),
        "eigh": lambda: (lambda o: (L.eigh(A, out=o), o))((lib.empty(3), lib.empty(3, 3))),
        "svd": lambda: (lambda o: (L.svd(A, out=o), o))((lib.empty(3, 3), lib.empty(3), lib.empty(3, 3))),
        "lu_factor": lambda: (lambda o: (L.lu_factor(A, out=o), o))((lib.empty(3, 3), lib.empty(3, dtype=i32))),
        "lu_factor_ex": lambda: (lambda o: (L.lu_factor_ex(A, out=o), o))(
            (lib.empty(3, 3), lib.empty(3, dtype=i32), lib.empty((), dtype=i32))),
        "lu": lambda: (lambda o: (L.lu(A, out=o), o))((lib.empty(3, 3), lib.empty(3, 3), lib.empty(3, 3))),
        "legacy_qr": lambda: (lambda o: (legacy(lambda: lib.qr(A, out=o)), o))((lib.empty(3, 3), lib.empty(3, 3))),
        "legacy_svd": lambda: (lambda o: (legacy(lambda: lib.svd(A, out=o)), o))(
            (lib.empty(3, 3), lib.empty(3), lib.empty(3, 3))),
        "resized_from_empty": lambda: (lambda o: (L.qr(A, out=o), o))((lib.empty(0), lib.empty(0))),
    }


@pytest.mark.parametrize("case", sorted(_factorization_out_cases(torch)))
def test_factorization_out_is_written_as_pytorch(case):
    def run(lib):
        returned, out = _factorization_out_cases(lib)[case]()
        # Up to the sign convention of eigen/singular vectors, which LAPACK fixes the same way here.
        values = [np.abs(o.numpy().astype(np.float64)) for o in out]
        return type(returned).__name__, all(r is o for r, o in zip(returned, out)), values
    (e_type, e_same, e_values), (g_type, g_same, g_values) = run(torch), run(tc)
    assert (g_type, g_same) == (e_type, e_same)
    for g, e in zip(g_values, e_values):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_factorization_out_must_be_a_tuple():
    for lib in (torch, tc):
        with pytest.raises(TypeError):
            lib.linalg.qr(lib.tensor(_A), out=lib.empty(3, 3))
