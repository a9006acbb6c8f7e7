"""Attention: F.scaled_dot_product_attention (fused kernel, forward and
backward), nn.MultiheadAttention, F.multi_head_attention_forward and the
Transformer modules, compared with PyTorch where it is installed; dropout,
error types, memory use and gradchecks checked directly."""
import copy
import math
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck

F = nn.functional


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def np_of(t):
    return t.detach().numpy() if isinstance(t, tc.Tensor) else t.detach().cpu().numpy()


def to_tc(t, requires_grad=False):
    out = tc.tensor(t.detach().numpy())
    return out.requires_grad_() if requires_grad else out


def assert_close(a, b, rtol=1e-5, atol=1e-5):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def naive_attention(q, k, v, mask=None, causal=False, scale=None):
    """softmax(q k^T * scale + mask) v in float64 numpy (fully masked rows give 0)."""
    q, k, v = (np.asarray(x, dtype=np.float64) for x in (q, k, v))
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    if mask is not None:
        mask = np.asarray(mask)
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    if causal:
        L, S = s.shape[-2:]
        s = np.where(np.tril(np.ones((L, S), dtype=bool)), s, -np.inf)
    m = np.max(s, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    p = np.exp(s - m)
    denom = p.sum(-1, keepdims=True)
    p = np.where(denom > 0, p / np.where(denom > 0, denom, 1.0), 0.0)
    return p @ v


# ---------------------------------------------------------------------------
# scaled_dot_product_attention against a float64 reference (no PyTorch needed)
# ---------------------------------------------------------------------------

def rand(*shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("L,S,E,Ev", [(5, 6, 8, 8), (1, 1, 4, 4), (130, 150, 16, 16), (64, 64, 32, 12),
                                      (7, 300, 8, 8)])
@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_matches_reference(L, S, E, Ev, causal):
    q, k, v = rand(2, 3, L, E), rand(2, 3, S, E, seed=1), rand(2, 3, S, Ev, seed=2)
    out = F.scaled_dot_product_attention(tc.tensor(q), tc.tensor(k), tc.tensor(v), is_causal=causal)
    np.testing.assert_allclose(out.numpy(), naive_attention(q, k, v, causal=causal), rtol=1e-4, atol=1e-5)


def test_sdpa_masks_and_fully_masked_rows():
    q, k, v = rand(2, 2, 9, 8), rand(2, 2, 11, 8, seed=1), rand(2, 2, 11, 8, seed=2)
    bmask = np.random.default_rng(3).random((9, 11)) > 0.4
    bmask[4] = False  # a row with nothing to attend to gives 0, as PyTorch
    out = F.scaled_dot_product_attention(tc.tensor(q), tc.tensor(k), tc.tensor(v), attn_mask=tc.tensor(bmask))
    np.testing.assert_allclose(out.numpy(), naive_attention(q, k, v, bmask), rtol=1e-4, atol=1e-5)
    assert np.all(out.numpy()[:, :, 4] == 0)
    fmask = rand(2, 1, 9, 11, seed=4)
    fmask[..., 2, :] = -np.inf
    out = F.scaled_dot_product_attention(tc.tensor(q), tc.tensor(k), tc.tensor(v), attn_mask=tc.tensor(fmask))
    np.testing.assert_allclose(out.numpy(), naive_attention(q, k, v, fmask), rtol=1e-4, atol=1e-5)
    assert np.all(out.numpy()[:, :, 2] == 0)


def test_sdpa_batch_dims_broadcast_and_gqa():
    q, k, v = rand(4, 3, 6, 5, 8), rand(3, 1, 7, 8, seed=1), rand(1, 7, 8, seed=2)
    out = F.scaled_dot_product_attention(tc.tensor(q), tc.tensor(k), tc.tensor(v))
    np.testing.assert_allclose(out.numpy(), naive_attention(q, k, v), rtol=1e-4, atol=1e-5)
    # GQA: 6 query heads over 2 key heads and 3 value heads.
    q, k, v = rand(2, 6, 5, 8), rand(2, 2, 7, 8, seed=1), rand(2, 3, 7, 4, seed=2)
    out = F.scaled_dot_product_attention(tc.tensor(q), tc.tensor(k), tc.tensor(v), enable_gqa=True)
    ref = naive_attention(q, np.repeat(k, 3, axis=1), np.repeat(v, 2, axis=1))
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-5)


def test_sdpa_empty_and_edge_shapes():
    q = tc.randn(2, 3, 5, 8)
    out = F.scaled_dot_product_attention(q, tc.randn(2, 3, 0, 8), tc.randn(2, 3, 0, 4))
    assert out.shape == (2, 3, 5, 4) and float(out.abs().sum()) == 0.0
    assert F.scaled_dot_product_attention(tc.randn(2, 3, 0, 8), q, q).shape == (2, 3, 0, 8)
    empty_batch = tc.randn(0, 3, 4, 8)
    assert F.scaled_dot_product_attention(empty_batch, empty_batch, empty_batch).shape == (0, 3, 4, 8)


def test_sdpa_output_keeps_query_layout():
    # A [B, L, H, E]-ordered query (the usual split-heads view) gives an output
    # in the same order, as PyTorch, so out.transpose(1, 2) is contiguous.
    q = tc.randn(2, 5, 3, 8).transpose(1, 2)
    out = F.scaled_dot_product_attention(q, q, q)
    assert out.stride() == (120, 8, 24, 1)
    assert F.scaled_dot_product_attention(q.contiguous(), q, q).is_contiguous()
    np.testing.assert_allclose(out.numpy(), naive_attention(q.numpy(), q.numpy(), q.numpy()), rtol=1e-4,
                               atol=1e-5)


def test_sdpa_gradcheck_float64():
    g = tc.Generator().manual_seed(0)
    q = tc.randn(2, 2, 5, 4, dtype=tc.float64, generator=g, requires_grad=True)
    k = tc.randn(2, 2, 6, 4, dtype=tc.float64, generator=g, requires_grad=True)
    v = tc.randn(2, 2, 6, 3, dtype=tc.float64, generator=g, requires_grad=True)
    mask = tc.randn(5, 6, dtype=tc.float64, generator=g, requires_grad=True)
    bmask = tc.rand(2, 1, 5, 6, generator=g) > 0.3
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c), (q, k, v))
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True, scale=0.7), (q, k, v))
    assert gradcheck(lambda a, b, c, m: F.scaled_dot_product_attention(a, b, c, attn_mask=m), (q, k, v, mask))
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, attn_mask=bmask), (q, k, v))
    # Broadcast batch dims and grouped heads sum their gradients back.
    kb = tc.randn(1, 1, 6, 4, dtype=tc.float64, generator=g, requires_grad=True)
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c), (q, kb, v))
    qg = tc.randn(1, 4, 3, 4, dtype=tc.float64, generator=g, requires_grad=True)
    kg = tc.randn(1, 2, 6, 4, dtype=tc.float64, generator=g, requires_grad=True)
    vg = tc.randn(1, 1, 6, 2, dtype=tc.float64, generator=g, requires_grad=True)
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, enable_gqa=True), (qg, kg, vg))


@pytest.mark.slow
def test_sdpa_gradcheck_float64_many_tiles():
    # Sequences longer than one query tile (48) and one key tile (128).
    g = tc.Generator().manual_seed(1)
    q = tc.randn(1, 1, 50, 3, dtype=tc.float64, generator=g, requires_grad=True)
    k = tc.randn(1, 1, 130, 3, dtype=tc.float64, generator=g, requires_grad=True)
    v = tc.randn(1, 1, 130, 2, dtype=tc.float64, generator=g, requires_grad=True)
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True), (q, k, v))


def test_sdpa_dropout_drops_weights_and_is_reproducible():
    # With V = identity the output rows are the (dropped, rescaled) weights.
    S, p = 64, 0.25
    q, k = tc.randn(4, 8, 32, 16), tc.randn(4, 8, S, 16)
    v = tc.eye(S).expand(4, 8, S, S)
    weights = F.scaled_dot_product_attention(q, k, v).numpy()
    tc.manual_seed(5)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy()
    kept = out != 0
    assert abs(1 - kept.mean() - p) < 0.01
    np.testing.assert_allclose(out[kept], weights[kept] / (1 - p), rtol=1e-5)
    tc.manual_seed(5)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy(), out)
    assert not np.array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy(), out)
    assert float(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).abs().sum()) == 0.0


def test_sdpa_dropout_gradient():
    g = tc.Generator().manual_seed(0)
    q = tc.randn(1, 2, 5, 4, dtype=tc.float64, generator=g, requires_grad=True)
    k = tc.randn(1, 2, 7, 4, dtype=tc.float64, generator=g, requires_grad=True)
    v = tc.randn(1, 2, 7, 3, dtype=tc.float64, generator=g, requires_grad=True)

    def f(a, b, c):
        tc.manual_seed(3)  # the same dropout pattern at every evaluation
        return F.scaled_dot_product_attention(a, b, c, dropout_p=0.4)
    assert gradcheck(f, (q, k, v))


def test_sdpa_results_do_not_depend_on_thread_count():
    g = tc.Generator().manual_seed(2)
    q, k, v = (tc.randn(3, 2, 100, 16, generator=g, requires_grad=True) for _ in range(3))

    def run(threads):
        old = tc.get_num_threads()
        tc.set_num_threads(threads)
        try:
            for t in (q, k, v):
                t.grad = None
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            (out * out).sum().backward()
            return [x.detach().numpy().copy() for x in (out, q.grad, k.grad, v.grad)]
        finally:
            tc.set_num_threads(old)
    for a, b in zip(run(1), run(2)):
        np.testing.assert_array_equal(a, b)


def test_sdpa_errors():
    q, k, v = tc.randn(2, 3, 5, 8), tc.randn(2, 3, 6, 8), tc.randn(2, 3, 6, 8)
    sdpa = F.scaled_dot_product_attention
    with pytest.raises(RuntimeError, match="attn_mask should not be set when is_causal=True"):
        sdpa(q, k, v, attn_mask=tc.zeros(5, 6), is_causal=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        sdpa(q, k.double(), v)
    with pytest.raises(RuntimeError):
        sdpa(q.long(), k.long(), v.long())
    with pytest.raises(RuntimeError):
        sdpa(q, tc.randn(2, 3, 6, 7), v)
    with pytest.raises(RuntimeError):
        sdpa(q, k, tc.randn(2, 3, 7, 8))
    with pytest.raises(RuntimeError, match="must match"):
        sdpa(q, tc.randn(3, 3, 6, 8), tc.randn(3, 3, 6, 8))
    with pytest.raises(RuntimeError, match="must divide"):
        sdpa(q, tc.randn(2, 2, 6, 8), tc.randn(2, 2, 6, 8), enable_gqa=True)
    with pytest.raises(RuntimeError):
        sdpa(q, k, v, attn_mask=tc.zeros(4, 6))
    with pytest.raises(RuntimeError):
        sdpa(q, k, v, attn_mask=tc.zeros(1, 2, 3, 5, 6))
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        sdpa(q, k, v, attn_mask=tc.zeros(5, 6, dtype=tc.int64))
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        sdpa(q, k, v, attn_mask=tc.zeros(5, 6, dtype=tc.float64))
    with pytest.raises(IndexError):
        sdpa(q, k, v, attn_mask=tc.zeros(6))
    with pytest.raises(RuntimeError, match="at least 2 dimensional"):
        sdpa(tc.randn(8), tc.randn(8), tc.randn(8))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        sdpa(q, k, v, dropout_p=1.5)


def test_sdpa_double_backward_is_not_implemented():
    q = tc.randn(1, 2, 4, 8, requires_grad=True)
    (g,) = tc.autograd.grad(F.scaled_dot_product_attention(q, q, q).sum(), q, create_graph=True)
    with pytest.raises(RuntimeError, match="not implemented"):
        g.sum().backward()


MEMORY_SCRIPT = textwrap.dedent("""
    import sys
    import tensorcore as tc

    def status_kib(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])

    T, E, naive = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "naive"
    F = tc.nn.functional
    q, k, v = (tc.randn(1, 1, T, E, requires_grad=True) for _ in range(3))
    F.scaled_dot_product_attention(q[..., :8, :], k, v).sum().backward()  # warm up pools and code
    q.grad = k.grad = v.grad = None
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current RSS
    before = status_kib("VmRSS")
    if naive:  # the materialised T x T weights, to show the measurement sees them
        out = ((q @ k.transpose(-2, -1)) * E ** -0.5).softmax(-1) @ v
    else:
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    out.sum().backward()
    print((status_kib("VmHWM") - before) / 1024.0)
""")


def peak_rss_growth_mb(T, E, naive=False):
    """Peak RSS growth (MiB) of one forward + backward, in a fresh process."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(T), str(E), "naive" if naive else "fused"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    return float(res.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_sdpa_memory_is_linear_in_sequence_length():
    # The measurement sees a T x T float32 matrix (16 MiB at T = 2048) ...
    assert peak_rss_growth_mb(2048, 16, naive=True) > 16
    # ... while at T = 8192, where the weights alone would be 256 MiB, forward
    # plus backward keeps O(T): outputs, gradients and lse are ~2.6 MiB.
    grown = peak_rss_growth_mb(8192, 16)
    assert grown < 16, f"peak RSS grew by {grown:.1f} MiB"


# ---------------------------------------------------------------------------
# Against PyTorch
# ---------------------------------------------------------------------------

SDPA_CASES = [
    # (q shape, k shape, v shape, kwargs, mask spec)
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, None),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 4), {"is_causal": True}, None),
    ((2, 3, 9, 8), (2, 3, 4, 8), (2, 3, 4, 8), {"is_causal": True}, None),
    ((1, 2, 100, 16), (1, 2, 140, 16), (1, 2, 140, 16), {"scale": 0.3}, None),
    ((1, 1, 100, 8), (1, 1, 300, 8), (1, 1, 300, 8), {"is_causal": True}, None),
    ((1, 1, 300, 8), (1, 1, 100, 8), (1, 1, 100, 8), {"is_causal": True}, None),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, ("bool", (5, 6))),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, ("bool", (2, 1, 5, 6))),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, ("float", (5, 6))),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, ("float", (2, 3, 5, 6))),
    ((2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8), {}, ("float", (1, 5, 1))),
    ((3, 7, 8), (3, 9, 8), (3, 9, 5), {}, None),
    ((7, 8), (9, 8), (9, 8), {"is_causal": True}, None),
    ((2, 2, 3, 5, 8), (2, 1, 6, 8), (6, 8), {}, None),
    ((2, 6, 5, 8), (2, 2, 6, 8), (2, 3, 6, 8), {"enable_gqa": True}, None),
    ((2, 6, 5, 8), (2, 2, 6, 8), (2, 2, 6, 8), {"enable_gqa": True, "is_causal": True}, None),
]


@pytest.mark.parametrize("qs,ks,vs,kwargs,mask", SDPA_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sdpa_vs_torch(torch, qs, ks, vs, kwargs, mask, dtype):
    tdt = getattr(torch, dtype)
    gen = torch.Generator().manual_seed(0)
    tq, tk, tv = (torch.randn(*s, generator=gen, dtype=tdt, requires_grad=True) for s in (qs, ks, vs))
    tm = None
    if mask is not None:
        kind, shape = mask
        tm = torch.rand(*shape, generator=gen) > 0.3 if kind == "bool" else torch.randn(*shape, generator=gen,
                                                                                        dtype=tdt)
    out_t = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm, **kwargs)
    cq, ck, cv = (to_tc(t, True) for t in (tq, tk, tv))
    cm = None if tm is None else to_tc(tm)
    out_c = F.scaled_dot_product_attention(cq, ck, cv, attn_mask=cm, **kwargs)
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-10, "atol": 1e-12}
    assert_close(out_c, out_t, **tol)
    assert type(out_t.grad_fn).__name__ == out_c.grad_fn.name()
    gout = torch.randn(*out_t.shape, generator=gen, dtype=tdt)
    out_t.backward(gout)
    out_c.backward(to_tc(gout))
    for a, b in ((cq, tq), (ck, tk), (cv, tv)):
        assert_close(a.grad, b.grad, **tol)


def test_sdpa_float_mask_gradient_vs_torch(torch):
    gen = torch.Generator().manual_seed(0)
    tq, tk, tv = (torch.randn(2, 3, 5, 8, generator=gen, requires_grad=True) for _ in range(3))
    tm = torch.randn(3, 1, 5, generator=gen, requires_grad=True)  # broadcast over batch and query rows
    out_t = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm)
    cq, ck, cv, cm = (to_tc(t, True) for t in (tq, tk, tv, tm))
    out_c = F.scaled_dot_product_attention(cq, ck, cv, attn_mask=cm)
    assert out_c.grad_fn.name() == type(out_t.grad_fn).__name__ == "UnsafeViewBackward0"
    (out_t ** 2).sum().backward()
    (out_c ** 2).sum().backward()
    assert_close(out_c, out_t)
    for a, b in ((cq, tq), (ck, tk), (cv, tv), (cm, tm)):
        assert_close(a.grad, b.grad, rtol=1e-4)


def test_sdpa_grad_fn_names_vs_torch(torch):
    def name(lib, shapes, **kw):
        ts = [lib.randn(*s, requires_grad=True) for s in shapes]
        return lib.nn.functional.scaled_dot_product_attention(*ts, **kw).grad_fn

    cases = [([(2, 3, 5, 8)] * 3, {}), ([(2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 4)], {}), ([(3, 5, 8)] * 3, {}),
             ([(5, 8)] * 3, {}), ([(2, 3, 5, 8), (1, 3, 5, 8), (1, 3, 5, 8)], {})]
    # With dropout the result comes from PyTorch's math path (Note [Attention
    # dropout draws PyTorch's stream]), whose last node is batched matmul's; the
    # core's batched matmul still names it ViewBackward0 where PyTorch has
    # UnsafeViewBackward0, so that case is not listed here.
    for shapes, kw in cases:
        assert name(tc, shapes, **kw).name() == type(name(torch, shapes, **kw)).__name__, (shapes, kw)


def test_sdpa_strided_inputs_vs_torch(torch):
    gen = torch.Generator().manual_seed(0)
    tq = torch.randn(2, 3, 8, 5, generator=gen).transpose(-1, -2)  # last dim not contiguous
    base_k = torch.randn(2, 12, 3, 8, generator=gen)
    tk = base_k.transpose(1, 2)[:, :, ::2]  # heads inner, row stride 2
    tv = torch.randn(1, 3, 6, 8, generator=gen).expand(2, 3, 6, 8)  # broadcast batch (stride 0)
    tm = torch.randn(6, 5, generator=gen).t()  # transposed mask: column stride 6
    cq = to_tc(tq.transpose(-1, -2).contiguous()).transpose(-1, -2)
    ck = to_tc(base_k).transpose(1, 2)[:, :, ::2]
    cv = to_tc(tv[:1]).expand(2, 3, 6, 8)
    cm = to_tc(tm.t().contiguous()).t()
    assert cq.stride() == tq.stride() and ck.stride() == tk.stride() and cm.stride() == tm.stride()
    out_t = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm)
    assert_close(F.scaled_dot_product_attention(cq, ck, cv, attn_mask=cm), out_t)


# ---------------------------------------------------------------------------
# MultiheadAttention
# ---------------------------------------------------------------------------

def make_pair(torch, cls_name, *args, **kwargs):
    torch.manual_seed(0)
    tm = getattr(torch.nn, cls_name)(*args, **kwargs)
    tc.manual_seed(0)
    cm = getattr(nn, cls_name)(*args, **kwargs)
    return tm, cm


def assert_same_params(tm, cm, rtol=1e-6, atol=1e-7):
    tsd, csd = tm.state_dict(), cm.state_dict()
    assert list(tsd.keys()) == list(csd.keys())
    for key in tsd:
        assert_close(csd[key], tsd[key], rtol=rtol, atol=atol)
    assert [n for n, _ in tm.named_parameters()] == [n for n, _ in cm.named_parameters()]


def assert_same_grads(tm, cm, rtol=1e-4, atol=1e-5):
    for (n, tp), (_, cp) in zip(tm.named_parameters(), cm.named_parameters()):
        assert (tp.grad is None) == (cp.grad is None), n
        if tp.grad is not None:
            assert_close(cp.grad, tp.grad, rtol=rtol, atol=atol)


MHA_CONFIGS = [
    {},
    {"bias": False},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"kdim": 6, "vdim": 10},
    {"batch_first": True},
    {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
]


@pytest.mark.parametrize("cfg", MHA_CONFIGS)
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "bool", "float", "kpm", "both"])
def test_multihead_attention_vs_torch(torch, cfg, need_weights, average, masks):
    E, H, L, S, N = 8, 2, 5, 7, 3
    tm, cm = make_pair(torch, "MultiheadAttention", E, H, **cfg)
    assert_same_params(tm, cm)
    assert repr(cm) == repr(tm)
    gen = torch.Generator().manual_seed(1)
    bf = cfg.get("batch_first", False)
    shape = (lambda T, D: (N, T, D)) if bf else (lambda T, D: (T, N, D))
    tq = torch.randn(*shape(L, E), generator=gen, requires_grad=True)
    tk = torch.randn(*shape(S, cfg.get("kdim", E)), generator=gen)
    tv = torch.randn(*shape(S, cfg.get("vdim", E)), generator=gen)
    if "kdim" not in cfg:
        tv = tk  # encoder-decoder attention: key is value
    kw = {}
    if masks in ("bool", "both"):
        m = torch.rand(L, S, generator=gen) > 0.3
        m[:, 0] = True
        kw["attn_mask"] = m
    if masks == "float":
        kw["attn_mask"] = torch.randn(N * H, L, S, generator=gen)
    if masks in ("kpm", "both"):
        kpm = torch.zeros(N, S, dtype=torch.bool)
        kpm[1, -2:] = True
        kw["key_padding_mask"] = kpm
    out_t, w_t = tm(tq, tk, tv, need_weights=need_weights, average_attn_weights=average, **kw)
    cq, ck = to_tc(tq, True), to_tc(tk)
    cv = ck if tv is tk else to_tc(tv)
    out_c, w_c = cm(cq, ck, cv, need_weights=need_weights, average_attn_weights=average,
                    **{k: to_tc(v) for k, v in kw.items()})
    assert_close(out_c, out_t)
    if need_weights:
        assert_close(w_c, w_t)
    else:
        assert w_c is None and w_t is None
    gout = torch.randn(*out_t.shape, generator=gen)
    out_t.backward(gout)
    out_c.backward(to_tc(gout))
    assert_close(cq.grad, tq.grad, rtol=1e-4)
    assert_same_grads(tm, cm)


def test_multihead_attention_self_attention_causal_and_unbatched(torch):
    E, H, L = 12, 3, 6
    tm, cm = make_pair(torch, "MultiheadAttention", E, H)
    gen = torch.Generator().manual_seed(2)
    tx = torch.randn(L, 2, E, generator=gen, requires_grad=True)
    cx = to_tc(tx, True)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(L)
    out_t, _ = tm(tx, tx, tx, attn_mask=mask, is_causal=True, need_weights=False)
    out_c, _ = cm(cx, cx, cx, attn_mask=to_tc(mask), is_causal=True, need_weights=False)
    assert_close(out_c, out_t)
    out_t.sum().backward()
    out_c.sum().backward()
    assert_close(cx.grad, tx.grad, rtol=1e-4)
    assert_same_grads(tm, cm)
    # unbatched (L, E) with a 1-D padding mask
    ux = torch.randn(L, E, generator=gen)
    kpm = torch.tensor([False] * (L - 2) + [True, True])
    out_t, w_t = tm(ux, ux, ux, key_padding_mask=kpm)
    out_c, w_c = cm(to_tc(ux), to_tc(ux), to_tc(ux), key_padding_mask=to_tc(kpm))
    assert_close(out_c, out_t)
    assert_close(w_c, w_t)


def test_multihead_attention_errors_and_train_dropout(torch):
    with pytest.raises(AssertionError):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError):
        nn.MultiheadAttention(0, 1)
    m = nn.MultiheadAttention(8, 2)
    x = tc.randn(4, 2, 8)
    with pytest.raises(AssertionError):
        m(tc.randn(4, 8), x, x)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        m(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="2D attn_mask"):
        m(x, x, x, attn_mask=tc.zeros(3, 4))
    with pytest.raises(AssertionError, match="only bool and floating"):
        m(x, x, x, attn_mask=tc.zeros(4, 4, dtype=tc.int64))
    d = nn.MultiheadAttention(8, 2, dropout=0.5)
    out_train = d(x, x, x, need_weights=False)[0]
    d.eval()
    out_eval = d(x, x, x, need_weights=False)[0]
    out_eval2 = d(x, x, x)[0]
    assert_close(out_eval, out_eval2)
    assert not np.allclose(out_train.detach().numpy(), out_eval.detach().numpy())


def test_multihead_attention_gradcheck():
    tc.manual_seed(0)
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True).double()
    x = tc.randn(3, 2, 4, dtype=tc.float64, requires_grad=True)
    mem = tc.randn(5, 2, 4, dtype=tc.float64, requires_grad=True)
    assert gradcheck(lambda a, b: m(a, b, b, need_weights=False)[0], (x, mem))
    assert gradcheck(lambda a, b: m(a, b, b)[0], (x, mem))


# ---------------------------------------------------------------------------
# Transformer modules
# ---------------------------------------------------------------------------

def test_transformer_module_paths_and_mask():
    from tensorcore.nn.modules.activation import MultiheadAttention
    from tensorcore.nn.modules.transformer import TransformerEncoderLayer, Transformer
    assert MultiheadAttention is nn.MultiheadAttention and TransformerEncoderLayer is nn.TransformerEncoderLayer
    m = Transformer.generate_square_subsequent_mask(4)
    expected = np.triu(np.full((4, 4), -np.inf, dtype=np.float32), 1)
    np.testing.assert_array_equal(m.numpy(), expected)
    assert m.dtype == tc.float32
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=tc.float64).dtype == tc.float64
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


@pytest.mark.parametrize("cfg", [
    {},
    {"norm_first": True, "activation": "gelu"},
    {"batch_first": True, "bias": False},
    {"activation": "gelu", "layer_norm_eps": 1e-3, "batch_first": True},
])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_transformer_encoder_vs_torch(torch, cfg, mode):
    d, h, ff, L, N = 16, 4, 32, 6, 3
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tl = torch.nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, **cfg)
        tenc = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(d))
    tc.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cl = nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, **cfg)
        cenc = nn.TransformerEncoder(cl, 2, norm=nn.LayerNorm(d))
    assert_same_params(tenc, cenc)
    assert repr(cenc) == repr(tenc)
    bf = cfg.get("batch_first", False)
    gen = torch.Generator().manual_seed(3)
    tx = torch.randn(*((N, L, d) if bf else (L, N, d)), generator=gen, requires_grad=True)
    kpm = torch.zeros(N, L, dtype=torch.bool)
    kpm[0, -1] = True
    mask = torch.nn.Transformer.generate_square_subsequent_mask(L)
    for kw in ({}, {"mask": mask}, {"src_key_padding_mask": kpm}, {"mask": mask, "is_causal": True}):
        getattr(tenc, mode)()
        getattr(cenc, mode)()
        cx = to_tc(tx, True)
        if mode == "eval":
            with torch.no_grad():
                out_t = tenc(tx, **kw)
            with tc.no_grad():
                out_c = cenc(cx, **{k: (to_tc(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()})
            # (with a padding mask and batch_first, PyTorch runs nested tensors here)
            assert_close(out_c, out_t, rtol=1e-4, atol=1e-5)
            continue
        out_t = tenc(tx, **kw)
        out_c = cenc(cx, **{k: (to_tc(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()})
        assert_close(out_c, out_t, rtol=1e-4, atol=1e-5)
        tx.grad = None
        tenc.zero_grad()
        cenc.zero_grad()
        out_t.pow(2).sum().backward()
        out_c.pow(2).sum().backward()
        assert_close(cx.grad, tx.grad, rtol=1e-3, atol=1e-4)
        assert_same_grads(tenc, cenc, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("cfg", [{}, {"norm_first": True, "batch_first": True, "activation": "gelu"}])
def test_transformer_vs_torch(torch, cfg):
    d, h, ff, S, T, N = 16, 2, 24, 7, 5, 2
    tm, cm = make_pair(torch, "Transformer", d, h, 2, 2, ff, dropout=0.0, **cfg)
    assert_same_params(tm, cm)
    assert repr(cm) == repr(tm)
    bf = cfg.get("batch_first", False)
    gen = torch.Generator().manual_seed(4)
    tsrc = torch.randn(*((N, S, d) if bf else (S, N, d)), generator=gen, requires_grad=True)
    ttgt = torch.randn(*((N, T, d) if bf else (T, N, d)), generator=gen, requires_grad=True)
    tgt_mask = torch.nn.Transformer.generate_square_subsequent_mask(T)
    mem_kpm = torch.zeros(N, S, dtype=torch.bool)
    mem_kpm[1, -2:] = True
    out_t = tm(tsrc, ttgt, tgt_mask=tgt_mask, memory_key_padding_mask=mem_kpm)
    csrc, ctgt = to_tc(tsrc, True), to_tc(ttgt, True)
    out_c = cm(csrc, ctgt, tgt_mask=to_tc(tgt_mask), memory_key_padding_mask=to_tc(mem_kpm))
    assert_close(out_c, out_t, rtol=1e-4, atol=1e-5)
    out_t.pow(2).sum().backward()
    out_c.pow(2).sum().backward()
    assert_close(csrc.grad, tsrc.grad, rtol=1e-3, atol=1e-4)
    assert_close(ctgt.grad, ttgt.grad, rtol=1e-3, atol=1e-4)
    assert_same_grads(tm, cm, rtol=1e-3, atol=1e-4)
    tm.eval()
    cm.eval()
    with torch.no_grad():
        out_t = tm(tsrc, ttgt, tgt_mask=tgt_mask)
    assert_close(cm(csrc, ctgt, tgt_mask=to_tc(tgt_mask)), out_t, rtol=1e-4, atol=1e-5)
    with pytest.raises(RuntimeError, match="batch number"):
        cm(csrc, ctgt[:1] if bf else ctgt[:, :1])
    with pytest.raises(RuntimeError, match="feature number"):
        cm(csrc, ctgt[..., :4])


def test_transformer_decoder_layer_masks_vs_torch(torch):
    d, h, T, S, N = 8, 2, 4, 6, 2
    tm, cm = make_pair(torch, "TransformerDecoderLayer", d, h, 16, dropout=0.0)
    assert_same_params(tm, cm)
    gen = torch.Generator().manual_seed(5)
    tgt, mem = torch.randn(T, N, d, generator=gen), torch.randn(S, N, d, generator=gen)
    mem_mask = torch.rand(T, S, generator=gen) > 0.2
    mem_mask[:, 0] = True
    tgt_kpm = torch.zeros(N, T, dtype=torch.bool)
    tgt_kpm[0, -1] = True
    kw = dict(tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(T), memory_mask=mem_mask,
              tgt_key_padding_mask=tgt_kpm)
    out_t = tm(tgt, mem, **kw)
    out_c = cm(to_tc(tgt), to_tc(mem), **{k: to_tc(v) for k, v in kw.items()})
    assert_close(out_c, out_t, rtol=1e-4, atol=1e-5)


def test_transformer_encoder_nested_tensor_warning(torch):
    def messages(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2), 2)
        return [str(x.message) for x in w]
    assert messages(tc) == messages(torch)


def test_transformer_gradcheck_small():
    tc.manual_seed(0)
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0).double()
    x = tc.randn(3, 2, 4, dtype=tc.float64, requires_grad=True)
    assert gradcheck(lambda a: layer(a, is_causal=True, src_mask=nn.Transformer.generate_square_subsequent_mask(
        3, dtype=tc.float64)), (x,))


def test_transformer_deepcopy_layers_are_independent():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    w0 = enc.layers[0].linear1.weight
    w1 = enc.layers[1].linear1.weight
    assert w0 is not w1 and np.array_equal(w0.detach().numpy(), w1.detach().numpy())
    copy.deepcopy(enc)


def test_multi_head_attention_forward_function_vs_torch(torch):
    E, H, L, S, N = 8, 2, 4, 5, 3
    gen = torch.Generator().manual_seed(7)
    q = torch.randn(L, N, E, generator=gen)
    k = torch.randn(S, N, E, generator=gen)
    v = torch.randn(S, N, E, generator=gen)
    w_in = torch.randn(3 * E, E, generator=gen)
    b_in = torch.randn(3 * E, generator=gen)
    w_out = torch.randn(E, E, generator=gen)
    b_out = torch.randn(E, generator=gen)
    static_k = torch.randn(N * H, S, E // H, generator=gen)
    static_v = torch.randn(N * H, S, E // H, generator=gen)
    args = (E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out)
    for kw in ({}, {"need_weights": False}, {"static_k": static_k, "static_v": static_v},
               {"use_separate_proj_weight": True, "q_proj_weight": w_in[:E], "k_proj_weight": w_in[E:2 * E],
                "v_proj_weight": w_in[2 * E:], "average_attn_weights": False}):
        out_t, w_t = torch.nn.functional.multi_head_attention_forward(q, k, v, *args, **kw)
        conv = lambda x: to_tc(x) if isinstance(x, torch.Tensor) else x  # noqa: E731
        out_c, w_c = F.multi_head_attention_forward(conv(q), conv(k), conv(v), *[conv(a) for a in args],
                                                    **{n: conv(x) for n, x in kw.items()})
        assert_close(out_c, out_t)
        assert (w_c is None) == (w_t is None)
        if w_t is not None:
            assert_close(w_c, w_t)


def test_multihead_attention_float64_state_dict_and_pickle(torch):
    import pickle
    torch.manual_seed(0)
    tm = torch.nn.MultiheadAttention(6, 3, kdim=4, vdim=5, dtype=torch.float64)
    tc.manual_seed(0)
    cm = nn.MultiheadAttention(6, 3, kdim=4, vdim=5, dtype=tc.float64)
    assert cm.q_proj_weight.dtype == tc.float64
    assert_same_params(tm, cm)
    tm.load_state_dict({k: torch.from_numpy(np_of(v).copy()) for k, v in cm.state_dict().items()})
    clone = pickle.loads(pickle.dumps(cm))
    x = tc.randn(3, 2, 6, dtype=tc.float64)
    kv, vv = tc.randn(4, 2, 4, dtype=tc.float64), tc.randn(4, 2, 5, dtype=tc.float64)
    assert_close(clone(x, kv, vv)[0], cm(x, kv, vv)[0])
    assert_close(cm(x, kv, vv)[0], tm(torch.from_numpy(x.numpy()), torch.from_numpy(kv.numpy()),
                                      torch.from_numpy(vv.numpy()))[0])
