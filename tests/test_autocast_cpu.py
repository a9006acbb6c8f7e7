"""CPU autocast (Note [CPU autocast], Note [CPU autocast op lists]), GradScaler
on the CPU and optimizers on float16/bfloat16 parameters (Note [Optimizer
steps on 16-bit parameters]), compared with PyTorch."""
import pickle
import warnings
import zlib

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

FLOATS = ["float32", "bfloat16", "float16", "float64"]


def _dt(lib, name):
    return getattr(lib, name)


def _dtype_name(d):
    return str(d).split(".")[-1]


# ---------------------------------------------------------------- op result dtypes

def _cases():
    """name -> fn(lib, F, mk, t) where mk(*shape) makes a tensor of the case's
    input dtype and t(data) an integer or float tensor (targets, indices)."""
    eye = lambda lib, mk: lib.eye(3).to(mk(1).dtype)  # noqa: E731
    return {
        # lower_precision_fp
        "mm": lambda lib, F, mk, t: lib.mm(mk(3, 4), mk(4, 5)),
        "Tensor.mm": lambda lib, F, mk, t: mk(3, 4).mm(mk(4, 5)),
        "matmul": lambda lib, F, mk, t: lib.matmul(mk(3, 4), mk(4, 5)),
        "matmul_operator": lambda lib, F, mk, t: mk(2, 3, 4) @ mk(4, 5),
        "matmul_vec": lambda lib, F, mk, t: lib.matmul(mk(4), mk(4)),
        "matmul_batched": lambda lib, F, mk, t: lib.matmul(mk(2, 3, 4), mk(2, 4, 5)),
        "Tensor.matmul": lambda lib, F, mk, t: mk(3, 4).matmul(mk(4)),
        "bmm": lambda lib, F, mk, t: lib.bmm(mk(2, 3, 4), mk(2, 4, 5)),
        "Tensor.bmm": lambda lib, F, mk, t: mk(2, 3, 4).bmm(mk(2, 4, 5)),
        "addmm": lambda lib, F, mk, t: lib.addmm(mk(3, 5), mk(3, 4), mk(4, 5)),
        "Tensor.addmm": lambda lib, F, mk, t: mk(3, 5).addmm(mk(3, 4), mk(4, 5)),
        "linear": lambda lib, F, mk, t: F.linear(mk(3, 4), mk(5, 4), mk(5)),
        "linear_3d": lambda lib, F, mk, t: F.linear(mk(2, 3, 4), mk(5, 4)),
        "conv1d": lambda lib, F, mk, t: F.conv1d(mk(1, 2, 8), mk(3, 2, 3), mk(3)),
        "conv2d": lambda lib, F, mk, t: F.conv2d(mk(1, 2, 6, 6), mk(3, 2, 3, 3), padding=1),
        "conv3d": lambda lib, F, mk, t: F.conv3d(mk(1, 2, 4, 4, 4), mk(3, 2, 3, 3, 3)),
        "conv_transpose1d": lambda lib, F, mk, t: F.conv_transpose1d(mk(1, 2, 8), mk(2, 3, 3)),
        "conv_transpose2d": lambda lib, F, mk, t: F.conv_transpose2d(mk(1, 2, 4, 4), mk(2, 3, 3, 3), stride=2),
        "prelu": lambda lib, F, mk, t: F.prelu(mk(2, 3), mk(3)),
        "sdpa": lambda lib, F, mk, t: F.scaled_dot_product_attention(mk(1, 2, 3, 4), mk(1, 2, 3, 4), mk(1, 2, 3, 4)),
        "vecdot": lambda lib, F, mk, t: lib.linalg.vecdot(mk(3, 4), mk(3, 4)),
        "einsum": lambda lib, F, mk, t: lib.einsum("ij,jk->ik", mk(3, 4), mk(4, 5)),
        "einsum_sum": lambda lib, F, mk, t: lib.einsum("i,i->", mk(4), mk(4)),
        "einsum_outer": lambda lib, F, mk, t: lib.einsum("i,j->ij", mk(4), mk(3)),
        "einsum_elementwise": lambda lib, F, mk, t: lib.einsum("ij,ij->ij", mk(2, 3), mk(2, 3)),
        "einsum_three": lambda lib, F, mk, t: lib.einsum("ij,jk,kl->il", mk(2, 3), mk(3, 4), mk(4, 2)),
        "einsum_trace": lambda lib, F, mk, t: lib.einsum("ii->i", mk(3, 3)),
        "multi_dot": lambda lib, F, mk, t: lib.linalg.multi_dot([mk(2, 3), mk(3, 4), mk(4, 2)]),
        # not listed: keep the input dtype
        "dot": lambda lib, F, mk, t: lib.dot(mk(4), mk(4)),
        "mv": lambda lib, F, mk, t: lib.mv(mk(3, 4), mk(4)),
        "outer": lambda lib, F, mk, t: lib.outer(mk(3), mk(2)),
        "bilinear": lambda lib, F, mk, t: F.bilinear(mk(2, 3), mk(2, 4), mk(5, 3, 4)),
        "softmax": lambda lib, F, mk, t: F.softmax(mk(3, 4), -1),
        "log_softmax": lambda lib, F, mk, t: F.log_softmax(mk(3, 4), -1),
        "layer_norm": lambda lib, F, mk, t: F.layer_norm(mk(3, 4), (4,)),
        "group_norm": lambda lib, F, mk, t: F.group_norm(mk(2, 4, 3), 2),
        "batch_norm": lambda lib, F, mk, t: F.batch_norm(mk(4, 3), None, None, training=True),
        "relu": lambda lib, F, mk, t: F.relu(mk(3)),
        "gelu": lambda lib, F, mk, t: F.gelu(mk(3)),
        "silu": lambda lib, F, mk, t: F.silu(mk(3)),
        "sum": lambda lib, F, mk, t: mk(3).sum(),
        "mean": lambda lib, F, mk, t: mk(3, 2).mean(0),
        "cumsum": lambda lib, F, mk, t: mk(3).cumsum(0),
        "exp": lambda lib, F, mk, t: mk(3).exp(),
        "add_f32": lambda lib, F, mk, t: mk(3) + lib.ones(3),
        "norm": lambda lib, F, mk, t: mk(3).norm(),
        "var": lambda lib, F, mk, t: mk(4).var(),
        "logsumexp": lambda lib, F, mk, t: mk(3).logsumexp(0),
        "avg_pool2d": lambda lib, F, mk, t: F.avg_pool2d(mk(1, 1, 4, 4), 2),
        "max_pool2d": lambda lib, F, mk, t: F.max_pool2d(mk(1, 1, 4, 4), 2),
        "adaptive_avg_pool2d": lambda lib, F, mk, t: F.adaptive_avg_pool2d(mk(1, 1, 4, 4), 2),
        "pad_constant": lambda lib, F, mk, t: F.pad(mk(1, 2, 5), (1, 1)),
        "pad_circular": lambda lib, F, mk, t: F.pad(mk(1, 2, 5), (1, 1), mode="circular"),
        "gaussian_nll_loss": lambda lib, F, mk, t: F.gaussian_nll_loss(mk(3), mk(3), mk(3).abs() + 0.5),
        "cosine_similarity": lambda lib, F, mk, t: F.cosine_similarity(mk(3, 4), mk(3, 4)),
        "normalize": lambda lib, F, mk, t: F.normalize(mk(3, 4)),
        "interpolate": lambda lib, F, mk, t: F.interpolate(mk(1, 1, 4), scale_factor=2),
        "embedding": lambda lib, F, mk, t: F.embedding(t([0, 1]), mk(3, 4)),
        # fp32
        "prod": lambda lib, F, mk, t: mk(3).prod(),
        "prod_dim": lambda lib, F, mk, t: lib.prod(mk(3, 2), 1),
        "trace": lambda lib, F, mk, t: lib.trace(mk(3, 3)),
        "inverse": lambda lib, F, mk, t: lib.inverse(mk(3, 3) + 3 * eye(lib, mk)),
        "pinverse": lambda lib, F, mk, t: lib.pinverse(mk(3, 3) + 3 * eye(lib, mk)),
        "linalg.inv": lambda lib, F, mk, t: lib.linalg.inv(mk(3, 3) + 3 * eye(lib, mk)),
        "linalg.solve": lambda lib, F, mk, t: lib.linalg.solve(mk(3, 3) + 3 * eye(lib, mk), mk(3)),
        "linalg.svdvals": lambda lib, F, mk, t: lib.linalg.svdvals(mk(3, 3)),
        "linalg.eigvalsh": lambda lib, F, mk, t: lib.linalg.eigvalsh(mk(3, 3) + mk(3, 3).mT),
        "linalg.cholesky": lambda lib, F, mk, t: lib.linalg.cholesky(2 * eye(lib, mk)),
        "linalg.matrix_rank": lambda lib, F, mk, t: lib.linalg.matrix_rank(mk(3, 3)),
        "mse_loss": lambda lib, F, mk, t: F.mse_loss(mk(3), mk(3)),
        "l1_loss": lambda lib, F, mk, t: F.l1_loss(mk(3), mk(3)),
        "smooth_l1_loss": lambda lib, F, mk, t: F.smooth_l1_loss(mk(3), mk(3)),
        "huber_loss": lambda lib, F, mk, t: F.huber_loss(mk(3), mk(3)),
        "cross_entropy": lambda lib, F, mk, t: F.cross_entropy(mk(3, 4), t([0, 1, 3])),
        "cross_entropy_smoothing": lambda lib, F, mk, t: F.cross_entropy(mk(3, 4), t([0, 1, 3]),
                                                                         label_smoothing=0.1),
        "nll_loss": lambda lib, F, mk, t: F.nll_loss(mk(3, 4), t([0, 1, 2])),
        "binary_cross_entropy": lambda lib, F, mk, t: F.binary_cross_entropy(lib.sigmoid(mk(3)),
                                                                             lib.sigmoid(mk(3))),
        "bce_with_logits": lambda lib, F, mk, t: F.binary_cross_entropy_with_logits(mk(3), lib.sigmoid(mk(3))),
        "kl_div": lambda lib, F, mk, t: F.kl_div(mk(3), mk(3), reduction="batchmean"),
        "cosine_embedding_loss": lambda lib, F, mk, t: F.cosine_embedding_loss(mk(2, 3), mk(2, 3), t([1, -1])),
        "margin_ranking_loss": lambda lib, F, mk, t: F.margin_ranking_loss(mk(3), mk(3), t([1.0, -1.0, 1.0])),
        "soft_margin_loss": lambda lib, F, mk, t: F.soft_margin_loss(mk(3), t([1.0, -1.0, 1.0])),
        "hinge_embedding_loss": lambda lib, F, mk, t: F.hinge_embedding_loss(mk(3), t([1.0, -1.0, 1.0])),
        "poisson_nll_loss": lambda lib, F, mk, t: F.poisson_nll_loss(mk(3), mk(3).abs()),
        "triplet_margin_loss": lambda lib, F, mk, t: F.triplet_margin_loss(mk(2, 3), mk(2, 3), mk(2, 3)),
        "multi_margin_loss": lambda lib, F, mk, t: F.multi_margin_loss(mk(2, 3), t([0, 2])),
        "multilabel_margin_loss": lambda lib, F, mk, t: F.multilabel_margin_loss(mk(2, 3),
                                                                                 t([[0, 2, -1], [1, -1, 0]])),
        "avg_pool3d": lambda lib, F, mk, t: F.avg_pool3d(mk(1, 1, 4, 4, 4), 2),
        "max_pool3d": lambda lib, F, mk, t: F.max_pool3d(mk(1, 1, 4, 4, 4), 2),
        "adaptive_avg_pool3d": lambda lib, F, mk, t: F.adaptive_avg_pool3d(mk(1, 1, 4, 4, 4), 2),
        "adaptive_max_pool3d": lambda lib, F, mk, t: F.adaptive_max_pool3d(mk(1, 1, 4, 4, 4), 2),
        "pad_reflect1d": lambda lib, F, mk, t: F.pad(mk(1, 2, 5), (1, 1), mode="reflect"),
        "pad_reflect2d": lambda lib, F, mk, t: F.pad(mk(1, 2, 5, 5), (1, 1, 1, 1), mode="reflect"),
        "pad_replicate1d": lambda lib, F, mk, t: F.pad(mk(1, 2, 5), (1, 1), mode="replicate"),
        "pad_replicate2d": lambda lib, F, mk, t: F.pad(mk(1, 2, 5, 5), (1, 1, 1, 1), mode="replicate"),
        "pad_replicate3d": lambda lib, F, mk, t: F.pad(mk(1, 2, 3, 3, 3), (1, 1, 1, 1, 1, 1), mode="replicate"),
        "grid_sample": lambda lib, F, mk, t: F.grid_sample(mk(1, 1, 4, 4), mk(1, 2, 2, 2).clamp(-1, 1),
                                                           align_corners=False),
        # promote
        "cat_same": lambda lib, F, mk, t: lib.cat([mk(2), mk(3)]),
        "cat_with_f32": lambda lib, F, mk, t: lib.cat([mk(2), lib.ones(3)]),
        "stack_with_f32": lambda lib, F, mk, t: lib.stack([mk(2), lib.ones(2)]),
        "hstack_with_f32": lambda lib, F, mk, t: lib.hstack([mk(2), lib.ones(2)]),
    }


CASES = _cases()


def _run_case(lib, name, in_dtype, ac_dtype, with_grad=False):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    F = lib.nn.functional

    def mk(*shape):
        x = lib.tensor(rng.standard_normal(shape).astype(np.float32)).to(_dt(lib, in_dtype))
        return x.requires_grad_() if with_grad else x

    def t(data):
        return lib.tensor(data)
    with lib.autocast("cpu", dtype=_dt(lib, ac_dtype)):
        out = CASES[name](lib, F, mk, t)
    return out if isinstance(out, (tuple, list)) else (out,)


def _describe(lib, name, in_dtype, ac_dtype):
    try:
        outs = _run_case(lib, name, in_dtype, ac_dtype)
    except Exception as e:  # noqa: BLE001  (compared: both libraries must fail)
        return "error", type(e).__name__
    return "ok", [(_dtype_name(o.dtype), o.detach().double().numpy()) for o in outs]


@pytest.mark.parametrize("ac_dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_result_dtype_under_autocast_matches_torch(name, ac_dtype):
    for in_dtype in FLOATS:
        expected = _describe(torch, name, in_dtype, ac_dtype)
        actual = _describe(tc, name, in_dtype, ac_dtype)
        where = f"{name} on {in_dtype} under autocast({ac_dtype})"
        if expected[0] == "error":
            assert actual[0] == "error", f"{where}: PyTorch raises {expected[1]}, tensorcore returns"
            continue
        assert actual[0] == "ok", f"{where}: tensorcore raises {actual[1]}"
        assert [d for d, _ in actual[1]] == [d for d, _ in expected[1]], where
        low = "float16" if "float16" in (ac_dtype, in_dtype) and "bfloat16" not in (ac_dtype, in_dtype) else \
            "bfloat16"
        tol = 4e-2 if low == "bfloat16" else 5e-3
        for (_, a), (_, e) in zip(actual[1], expected[1]):
            # absolute error relative to the output's magnitude: 16-bit accumulations cancel
            scale = float(np.max(np.abs(e))) if e.size and np.isfinite(e).all() else 1.0
            np.testing.assert_allclose(a, e, rtol=tol, atol=tol * max(scale, 1.0), err_msg=where)


def test_ops_outside_autocast_are_unchanged():
    x, w = tc.ones(2, 3), tc.ones(3, 4)
    with tc.autocast("cpu"):
        pass
    assert (x @ w).dtype == tc.float32 and tc.nn.functional.linear(x, w.t()).dtype == tc.float32
    with tc.autocast("cpu", enabled=False):
        assert (x @ w).dtype == tc.float32


def test_integer_inputs_are_not_cast():
    for lib in (torch, tc):
        a = lib.ones(2, 2, dtype=lib.int64)
        with lib.autocast("cpu"):
            assert lib.mm(a, a).dtype == lib.int64 and lib.matmul(a, a).dtype == lib.int64


def test_promote_rejects_the_other_16_bit_type_like_torch():
    for lib in (torch, tc):
        with lib.autocast("cpu"):
            with pytest.raises(RuntimeError, match="Unexpected floating ScalarType in at::autocast::prioritize"):
                lib.cat([lib.ones(2).half(), lib.ones(2).bfloat16()])
            with pytest.raises(RuntimeError, match="prioritize"):
                lib.stack([lib.ones(2).half(), lib.ones(2).bfloat16()])


def test_float64_and_float32_mixed_under_autocast_raise_like_torch():
    for lib in (torch, tc):
        with lib.autocast("cpu"):
            with pytest.raises(RuntimeError):
                lib.mm(lib.ones(2, 2, dtype=lib.float64), lib.ones(2, 2))


# ---------------------------------------------------------------- modules

def _modules_case(lib, which):
    rng = np.random.default_rng(7)
    lib.manual_seed(0)
    x = lib.tensor(rng.standard_normal((2, 3, 8)).astype(np.float32))
    mods = {
        "Linear": lambda: lib.nn.Linear(8, 4),
        "Conv1d": lambda: lib.nn.Conv1d(3, 2, 3),
        "LayerNorm_after_Linear": lambda: lib.nn.Sequential(lib.nn.Linear(8, 8), lib.nn.LayerNorm(8)),
        "PReLU": lambda: lib.nn.Sequential(lib.nn.Linear(8, 8), lib.nn.PReLU()),
        "MultiheadAttention": lambda: lib.nn.MultiheadAttention(8, 2, batch_first=True),
        "Bilinear": lambda: lib.nn.Bilinear(8, 8, 3),
        "BatchNorm1d_after_Conv": lambda: lib.nn.Sequential(lib.nn.Conv1d(3, 4, 3), lib.nn.BatchNorm1d(4)),
    }
    m = mods[which]()
    with lib.autocast("cpu"):
        if which == "MultiheadAttention":
            out, w = m(x, x, x)
            return [out.dtype, w.dtype]
        if which == "Bilinear":
            return [m(x, x).dtype]
        return [m(x).dtype]


@pytest.mark.parametrize("which", ["Linear", "Conv1d", "LayerNorm_after_Linear", "PReLU", "MultiheadAttention",
                                   "Bilinear", "BatchNorm1d_after_Conv"])
def test_module_output_dtypes_match_torch(which):
    assert [_dtype_name(d) for d in _modules_case(tc, which)] == \
        [_dtype_name(d) for d in _modules_case(torch, which)]


# ---------------------------------------------------------------- autograd and the cast cache

def _grads_through_autocast(lib):
    rng = np.random.default_rng(3)
    w = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    x = lib.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    target = lib.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    with lib.autocast("cpu"):
        h = lib.nn.functional.linear(x, w, b)
        h2 = h @ lib.eye(4)
        loss = lib.nn.functional.mse_loss(lib.relu(h2), target)
    loss.backward()
    return (h.dtype, h2.dtype, loss.dtype, type(h.grad_fn).__name__, type(loss.grad_fn).__name__,
            loss.item(), w.grad, b.grad, x.grad)


def test_gradients_flow_to_float32_leaves_like_torch():
    a = _grads_through_autocast(tc)
    e = _grads_through_autocast(torch)
    assert [_dtype_name(d) for d in a[:3]] == [_dtype_name(d) for d in e[:3]] == ["bfloat16", "bfloat16", "float32"]
    assert a[4] == e[4]
    assert a[5] == pytest.approx(e[5], rel=2e-2)
    for ga, ge in zip(a[6:], e[6:]):
        assert ga.dtype == tc.float32 and ge.dtype == torch.float32
        np.testing.assert_allclose(ga.numpy(), ge.numpy(), rtol=5e-2, atol=5e-2)


def _cache_behaviour(lib, **kw):
    w = lib.nn.Parameter(lib.ones(3, 3))
    x = lib.ones(2, 3)
    with lib.autocast("cpu", **kw):
        y1 = x @ w
        y2 = lib.mm(x, w)
        shared = y1.grad_fn.next_functions[1][0] is y2.grad_fn.next_functions[1][0]
        with lib.no_grad():
            w.add_(1.0)
        stale = bool((x @ w == y1).all())
        with lib.no_grad():
            a = lib.nn.functional.linear(x, lib.nn.Parameter(lib.ones(3, 3)))
    with lib.autocast("cpu", **kw):
        fresh = bool((x @ w == y1).all())
    return shared, stale, fresh, a.requires_grad


@pytest.mark.parametrize("kw", [{}, {"cache_enabled": False}])
def test_weight_cast_cache_matches_torch(kw):
    assert _cache_behaviour(tc, **kw) == _cache_behaviour(torch, **kw)


def test_cast_under_no_grad_is_not_cached_like_torch():
    def run(lib):
        w = lib.nn.Parameter(lib.ones(3, 3))
        x = lib.ones(2, 3)
        with lib.autocast("cpu"):
            with lib.no_grad():
                a = x @ w
            b = x @ w
            return a.requires_grad, b.requires_grad, type(b.grad_fn.next_functions[1][0]).__name__
    assert run(tc) == run(torch) == (False, True, "ToCopyBackward0")


def test_nested_regions_keep_the_cache_until_the_outermost_exit():
    def run(lib):
        w = lib.nn.Parameter(lib.ones(2, 2))
        with lib.autocast("cpu"):
            y1 = lib.ones(1, 2) @ w
            with lib.autocast("cpu"):
                y2 = lib.ones(1, 2) @ w
            y3 = lib.ones(1, 2) @ w
        node = lambda y: y.grad_fn.next_functions[1][0]  # noqa: E731
        return node(y1) is node(y2), node(y1) is node(y3)
    assert run(tc) == run(torch) == (True, True)


# ---------------------------------------------------------------- the API

def test_state_functions_match_torch():
    def run(lib):
        seen = [lib.is_autocast_enabled("cpu"), lib.get_autocast_dtype("cpu"), lib.is_autocast_enabled(),
                lib.get_autocast_dtype("cuda"), lib.is_autocast_cache_enabled()]
        with lib.autocast("cpu"):
            seen += [lib.is_autocast_enabled("cpu"), lib.get_autocast_dtype("cpu"), lib.is_autocast_enabled()]
            with lib.autocast("cpu", enabled=False):
                seen += [lib.is_autocast_enabled("cpu"), (lib.ones(2) @ lib.ones(2, 2)).dtype]
            with lib.autocast("cpu", dtype=lib.float16, cache_enabled=False):
                seen += [lib.get_autocast_dtype("cpu"), lib.is_autocast_cache_enabled(), lib.mm(
                    lib.ones(1, 1), lib.ones(1, 1)).dtype]
            seen += [lib.get_autocast_dtype("cpu"), lib.is_autocast_cache_enabled()]
        with lib.amp.autocast("cpu", dtype=lib.float16):
            seen.append(lib.mm(lib.ones(1, 1), lib.ones(1, 1)).dtype)
        seen += [lib.is_autocast_enabled("cpu"), lib.autocast_increment_nesting(), lib.autocast_decrement_nesting()]
        lib.set_autocast_enabled("cpu", True)
        lib.set_autocast_dtype("cpu", lib.float16)
        seen += [lib.is_autocast_enabled("cpu"), lib.mm(lib.ones(1, 1), lib.ones(1, 1)).dtype]
        lib.set_autocast_enabled("cpu", False)
        lib.set_autocast_dtype("cpu", lib.bfloat16)
        lib.clear_autocast_cache()
        seen += [lib.amp.is_autocast_available("cpu"), lib.amp.is_autocast_available("cuda")]
        return [_dtype_name(s) if not isinstance(s, (bool, int)) else s for s in seen]
    assert run(tc) == run(torch)


def test_decorator_and_deprecated_spellings_match_torch():
    def run(lib):
        @lib.autocast("cpu")
        def f(a, b):
            return a @ b

        @lib.autocast("cpu", enabled=False)
        def g(a, b):
            return a @ b
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            with lib.cpu.amp.autocast(dtype=lib.float16):
                h = lib.ones(1, 1) @ lib.ones(1, 1)
            legacy = lib.is_autocast_cpu_enabled(), lib.get_autocast_cpu_dtype(), lib.get_autocast_gpu_dtype()
        kinds = sorted({w.category.__name__ for w in rec})
        return (f(lib.ones(1, 1), lib.ones(1, 1)).dtype, g(lib.ones(1, 1), lib.ones(1, 1)).dtype, h.dtype,
                [_dtype_name(v) if not isinstance(v, bool) else v for v in legacy], kinds)
    a, e = run(tc), run(torch)
    assert [_dtype_name(d) for d in a[:3]] == [_dtype_name(d) for d in e[:3]]
    assert a[3:] == e[3:]


def test_autocast_state_is_per_thread_like_torch():
    import threading

    def run(lib):
        seen = []

        def worker():
            seen.append((lib.is_autocast_enabled("cpu"), _dtype_name((lib.ones(2, 2) @ lib.ones(2, 2)).dtype)))
        with lib.autocast("cpu"):
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            seen.append(_dtype_name((lib.ones(2, 2) @ lib.ones(2, 2)).dtype))
        return seen
    assert run(tc) == run(torch) == [(False, "float32"), "bfloat16"]


def test_unsupported_dtype_and_device_like_torch():
    for lib in (torch, tc):
        with pytest.warns(UserWarning, match="CPU autocast, but the target dtype is not supported"):
            with lib.autocast("cpu", dtype=lib.float32):
                assert not lib.is_autocast_enabled("cpu")
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.autocast(0)
        with pytest.raises(TypeError, match="requires a callable"):
            lib.autocast("cpu")(3)


def test_custom_fwd_bwd_like_torch():
    def run(lib):
        class Mul(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
            def forward(ctx, a, b):
                ctx.save_for_backward(a, b)
                seen.append(lib.is_autocast_enabled("cpu"))
                return a @ b

            @staticmethod
            @lib.amp.custom_bwd(device_type="cpu")
            def backward(ctx, g):
                a, b = ctx.saved_tensors
                seen.append(lib.is_autocast_enabled("cpu"))
                return g @ b.t(), a.t() @ g
        seen = []
        a = lib.ones(2, 2, requires_grad=True)
        with lib.autocast("cpu"):
            out = Mul.apply(a.bfloat16(), lib.ones(2, 2))
        out.sum().backward()
        return _dtype_name(out.dtype), seen, _dtype_name(a.grad.dtype)
    assert run(tc) == run(torch) == ("float32", [False, False], "float32")


# ---------------------------------------------------------------- training under autocast with a GradScaler

def _train_mixed(lib, opt_name, ac_dtype, steps=8):
    rng = np.random.default_rng(11)
    model = lib.nn.Sequential(lib.nn.Linear(6, 16), lib.nn.ReLU(), lib.nn.LayerNorm(16), lib.nn.Linear(16, 3))
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.3))
    if opt_name == "SGD":
        opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    else:
        opt = lib.optim.AdamW(model.parameters(), lr=0.01)
    scaler = lib.amp.GradScaler("cpu", init_scale=2.0 ** 8, growth_interval=3)
    losses, dtypes, scales = [], [], []
    for step in range(steps):
        x = lib.tensor(rng.standard_normal((12, 6)).astype(np.float32))
        y = lib.tensor(rng.integers(0, 3, 12))
        opt.zero_grad()
        with lib.autocast("cpu", dtype=_dt(lib, ac_dtype)):
            out = model(x)
            loss = lib.nn.functional.cross_entropy(out, y)
        dtypes.append((_dtype_name(out.dtype), _dtype_name(loss.dtype)))
        scaler.scale(loss).backward()
        if step == 4:  # an overflow: the step is skipped and the scale backs off
            model[0].weight.grad[0, 0] = float("inf")
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
        scales.append(scaler.get_scale())
    weights = [p.detach().numpy() for p in model.parameters()]
    return losses, dtypes, scales, weights, scaler.state_dict(), [_dtype_name(p.grad.dtype)
                                                                  for p in model.parameters()]


@pytest.mark.parametrize("opt_name", ["SGD", "AdamW"])
@pytest.mark.parametrize("ac_dtype", ["bfloat16", "float16"])
def test_training_loop_under_autocast_with_grad_scaler_matches_torch(opt_name, ac_dtype):
    a = _train_mixed(tc, opt_name, ac_dtype)
    e = _train_mixed(torch, opt_name, ac_dtype)
    tol = 3e-2 if ac_dtype == "bfloat16" else 5e-3
    np.testing.assert_allclose(a[0], e[0], rtol=tol, atol=tol)
    assert a[1] == e[1]
    assert a[2] == e[2]
    for wa, we in zip(a[3], e[3]):
        np.testing.assert_allclose(wa, we, rtol=5 * tol, atol=tol)
    assert a[4] == e[4]
    assert a[5] == e[5] == ["float32"] * 6


# ---------------------------------------------------------------- GradScaler details

def test_grad_scaler_growth_backoff_and_state_like_torch():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.SGD([p], lr=0.1)
        scaler = lib.amp.GradScaler("cpu", init_scale=4.0, growth_factor=3.0, backoff_factor=0.25,
                                    growth_interval=2)
        seen = [scaler.state_dict(), scaler.get_scale()]
        for step in range(6):
            opt.zero_grad()
            scaler.scale((p * p).sum()).backward()
            if step in (2, 3):
                p.grad[1] = float("nan") if step == 2 else float("-inf")
            scaler.unscale_(opt)
            seen.append([float(v) for v in p.grad])
            seen.append(float(sum(v.item() for v in scaler._found_inf_per_device(opt).values())))
            scaler.step(opt)
            scaler.update()
            seen += [scaler.get_scale(), scaler._get_growth_tracker(), [float(v) for v in p.detach()]]
        scaler.update(16.0)
        seen.append(scaler.get_scale())
        scaler.update(lib.full((), 32.0))
        seen.append(scaler.get_scale())
        seen.append(scaler.state_dict())
        state = pickle.loads(pickle.dumps(scaler)).state_dict()
        seen.append(state)
        return seen
    a, e = run(tc), run(torch)
    assert len(a) == len(e)
    for x, y in zip(a, e):
        if isinstance(x, list):
            np.testing.assert_allclose(x, y, rtol=1e-6)
        else:
            assert x == y


def test_grad_scaler_errors_like_torch():
    for lib in (torch, tc):
        p = lib.nn.Parameter(lib.ones(2).half())
        opt = lib.optim.SGD([p], lr=0.1)
        scaler = lib.amp.GradScaler("cpu")
        with pytest.raises(AssertionError, match="_scale is None"):
            scaler.unscale_(opt)
        scaler.scale(p.float().sum()).backward()
        with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
            scaler.step(opt)
        q = lib.nn.Parameter(lib.ones(2))
        opt2 = lib.optim.SGD([q], lr=0.1)
        with pytest.raises(AssertionError, match="No inf checks were recorded for this optimizer"):
            scaler.step(opt2)
        with pytest.raises(AssertionError, match="new_scale should be a float"):
            scaler.update(lib.ones(2))


def test_disabled_scalers_pass_through_like_torch():
    for lib in (torch, tc):
        with pytest.warns(FutureWarning):
            s1 = lib.cpu.amp.GradScaler(enabled=False)
        with pytest.warns(FutureWarning):
            s2 = lib.cuda.amp.GradScaler(enabled=False)
        for s in (s1, s2, lib.amp.GradScaler("cpu", enabled=False)):
            loss = lib.ones(())
            assert s.scale(loss) is loss and s.get_scale() == 1.0 and s.state_dict() == {}
            assert not s.is_enabled()
        with pytest.warns(FutureWarning):
            s3 = lib.cpu.amp.GradScaler(init_scale=8.0)
        assert s3.is_enabled() and s3.get_scale() == 8.0 and s3._device == "cpu"


def test_grad_scaler_scales_iterables_like_torch():
    def run(lib):
        s = lib.amp.GradScaler("cpu", init_scale=2.0)
        a, b = lib.ones(2).bfloat16(), lib.ones(1)
        out = s.scale([a, (b, b)])
        return [_dtype_name(out[0].dtype), out[0].tolist(), type(out[1]).__name__, out[1][0].tolist(),
                [v.tolist() for v in s.scale(iter([b]))]]
    assert run(tc) == run(torch)


# ---------------------------------------------------------------- optimizers on 16-bit parameters

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.1, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "maximize": True, "betas": (0.8, 0.9)}),
    ("RMSprop", {"lr": 0.01}),
    # eps representable in float16 (1e-8 rounds to 0 there, and sqrt(sq - avg^2) + 0 amplifies roundings)
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1, "eps": 1e-4}),
]


def _optimize_half(lib, dtype, opt_name, kw, steps=6):
    rng = np.random.default_rng(5)
    p = lib.nn.Parameter(lib.tensor(rng.standard_normal((4, 5)).astype(np.float32)).to(_dt(lib, dtype)))
    q = lib.nn.Parameter(lib.tensor(rng.standard_normal((64, 64)).astype(np.float32)).to(_dt(lib, dtype)))
    opt = getattr(lib.optim, opt_name)([p, q], **kw)
    trace = []
    for _ in range(steps):
        for t in (p, q):
            t.grad = lib.tensor(rng.standard_normal(tuple(t.shape)).astype(np.float32)).to(_dt(lib, dtype))
        opt.step()
        trace.append([t.detach().float().numpy().copy() for t in (p, q)])
    states = {}
    for i, t in enumerate((p, q)):
        for k, v in opt.state[t].items():
            if hasattr(v, "dtype") and v.dim() > 0:
                states[(i, k)] = (_dtype_name(v.dtype), v.float().numpy())
    return trace, states, _dtype_name(p.dtype)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("opt_name,kw", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_optimizer_steps_on_16_bit_params_match_torch(dtype, opt_name, kw):
    a_trace, a_state, a_dt = _optimize_half(tc, dtype, opt_name, kw)
    e_trace, e_state, e_dt = _optimize_half(torch, dtype, opt_name, kw)
    assert a_dt == e_dt == dtype
    # PyTorch rounds to the 16-bit type after every op and so does tensorcore (Note [Optimizer steps on
    # 16-bit parameters]): the large parameter (PyTorch's vectorized loops) agrees bit for bit almost
    # everywhere. PyTorch's scalar loops (tensors shorter than a vector, and loop tails) also round
    # add's alpha * b, so the small parameter agrees to 16-bit precision (the centered RMSprop variance
    # sq - avg^2 cancels and amplifies one such rounding).
    ulp = 2.0 ** -8 if dtype == "bfloat16" else 2.0 ** -11

    def close(a, e, tol):
        finite = np.abs(e[np.isfinite(e)])
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        np.testing.assert_allclose(a, e, rtol=tol, atol=tol * scale)
    for a_step, e_step in zip(a_trace, e_trace):
        close(a_step[0], e_step[0], 16 * ulp)
        close(a_step[1], e_step[1], 4 * ulp)
        assert np.mean(a_step[1] == e_step[1]) > 0.99
    assert sorted(a_state) == sorted(e_state)
    for k in e_state:
        assert a_state[k][0] == e_state[k][0] == dtype, k
        close(a_state[k][1], e_state[k][1], 16 * ulp if k[0] == 0 else 4 * ulp)


def _train_16_bit_model(lib, dtype, opt_name, steps=8):
    rng = np.random.default_rng(0)
    m = lib.nn.Sequential(lib.nn.Linear(8, 32), lib.nn.GELU(), lib.nn.LayerNorm(32), lib.nn.Linear(32, 4))
    with lib.no_grad():
        for p in m.parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.3))
    m = m.to(_dt(lib, dtype))
    opt = getattr(lib.optim, opt_name)(m.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        x = lib.tensor(rng.standard_normal((16, 8)).astype(np.float32)).to(_dt(lib, dtype))
        y = lib.tensor(rng.integers(0, 4, 16))
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().float().numpy() for p in m.parameters()], [_dtype_name(p.dtype) for p in
                                                                          m.parameters()]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW", "Adagrad", "Adamax", "NAdam", "RAdam", "Adadelta",
                                      "ASGD"])
def test_bfloat16_model_trains_like_torch(opt_name):
    a_loss, a_params, a_dts = _train_16_bit_model(tc, "bfloat16", opt_name)
    e_loss, e_params, e_dts = _train_16_bit_model(torch, "bfloat16", opt_name)
    assert a_dts == e_dts == ["bfloat16"] * 6
    np.testing.assert_allclose(a_loss, e_loss, rtol=2e-2, atol=2e-2)
    for a, e in zip(a_params, e_params):
        np.testing.assert_allclose(a, e, rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_float_alpha_on_16_bit_tensors_like_torch(dtype):
    def run(lib):
        a = lib.tensor([1.5, -2.25, 3.0]).to(_dt(lib, dtype))
        b = lib.tensor([0.5, 0.125, -1.0]).to(_dt(lib, dtype))
        c = a.clone()
        c.add_(b, alpha=0.3)
        return [a.add(b, alpha=0.5).tolist(), a.sub(b, alpha=0.25).tolist(), c.tolist(), _dtype_name(c.dtype)]
    assert run(tc) == run(torch)
