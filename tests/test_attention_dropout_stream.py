"""Attention with dropout draws PyTorch's random stream
(Note [Attention dropout draws PyTorch's stream] in nn/_attention.py): the same
seed gives the same dropped weights, outputs, gradients and generator state
afterwards as PyTorch, for F.scaled_dot_product_attention, nn.MultiheadAttention
and a TransformerEncoderLayer in training mode."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck

F = nn.functional


def _inputs(lib, shapes, requires_grad=False):
    lib.manual_seed(0)
    return [lib.randn(*s, requires_grad=requires_grad) for s in shapes]


SDPA_CASES = [
    ("plain", [(2, 3, 5, 8)] * 3, {}),
    ("causal", [(2, 3, 5, 8)] * 3, {"is_causal": True}),
    ("rectangular", [(2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5)], {"scale": 0.3}),
    ("unbatched", [(5, 8)] * 3, {}),
    ("gqa", [(2, 4, 5, 8), (2, 2, 5, 8), (2, 2, 5, 8)], {"enable_gqa": True}),
    ("negative_scale", [(2, 3, 5, 8)] * 3, {"scale": -0.5}),
]


@pytest.mark.parametrize("name,shapes,kw", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_sdpa_dropout_matches_torch_values_gradients_and_stream(name, shapes, kw):
    torch = pytest.importorskip("torch")
    results = {}
    for lib in (torch, tc):
        q, k, v = _inputs(lib, shapes, requires_grad=True)
        lib.manual_seed(5)
        out = lib.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.3, **kw)
        after = lib.rand(4)
        (out * out).sum().backward()
        results[lib] = [out.detach().numpy(), after.numpy()] + [t.grad.numpy() for t in (q, k, v)]
    expected, actual = results[torch], results[tc]
    np.testing.assert_array_equal(actual[1], expected[1])  # generator left in the same state
    for a, e in zip(actual[:1] + actual[2:], expected[:1] + expected[2:]):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mask_kind", ["bool", "float"])
def test_sdpa_dropout_with_masks_matches_torch(mask_kind):
    torch = pytest.importorskip("torch")
    keep = np.random.default_rng(0).random((5, 6)) > 0.4
    keep[2] = False  # a row masked everywhere: PyTorch's _safe_softmax gives zeros there
    results = {}
    for lib in (torch, tc):
        q, k, v = _inputs(lib, [(2, 3, 5, 8), (2, 3, 6, 8), (2, 3, 6, 8)])
        mask = lib.from_numpy(keep.copy())
        if mask_kind == "float":
            mask = lib.zeros(5, 6).masked_fill(mask.logical_not(), float("-inf"))
        lib.manual_seed(7)
        out = lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.5)
        results[lib] = (out.numpy(), lib.rand(3).numpy())
    np.testing.assert_array_equal(results[tc][1], results[torch][1])
    np.testing.assert_allclose(results[tc][0], results[torch][0], rtol=1e-5, atol=1e-6)
    assert not np.isnan(results[tc][0]).any()
    np.testing.assert_array_equal(results[tc][0][:, :, 2], 0.0)


def test_sdpa_dropout_without_torch():
    q, k, v = _inputs(tc, [(2, 3, 5, 8)] * 3)
    tc.manual_seed(1)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    tc.manual_seed(1)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert float(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).abs().sum()) == 0.0
    with pytest.raises(RuntimeError, match="dropout probability"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tc.ones(5, 5, dtype=tc.bool), dropout_p=0.4,
                                       is_causal=True)


def test_sdpa_dropout_gradcheck():
    q, k, v = (t.double().requires_grad_() for t in _inputs(tc, [(1, 2, 3, 4)] * 3))

    def f(a, b, c):
        tc.manual_seed(3)  # the same dropout mask at every evaluation
        return F.scaled_dot_product_attention(a, b, c, dropout_p=0.4, is_causal=True)

    assert gradcheck(f, (q, k, v))


@pytest.mark.parametrize("need_weights", [False, True])
def test_multihead_attention_training_dropout_matches_torch(need_weights):
    torch = pytest.importorskip("torch")
    results = {}
    for lib in (torch, tc):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(16, 2, dropout=0.25)
        x = lib.randn(6, 3, 16)
        out, _ = m(x, x, x, need_weights=need_weights)
        results[lib] = (out.detach().numpy(), lib.rand(3).numpy())
    np.testing.assert_array_equal(results[tc][1], results[torch][1])
    np.testing.assert_allclose(results[tc][0], results[torch][0], rtol=1e-5, atol=1e-6)


def test_transformer_encoder_layer_training_matches_torch():
    torch = pytest.importorskip("torch")
    results = {}
    for lib in (torch, tc):
        lib.manual_seed(0)
        layer = lib.nn.TransformerEncoderLayer(16, 2, 32, dropout=0.2)
        x = lib.randn(7, 3, 16)
        mask = lib.nn.Transformer.generate_square_subsequent_mask(7)
        out = layer(x, src_mask=mask)
        out.sum().backward()
        results[lib] = (out.detach().numpy(), layer.self_attn.in_proj_weight.grad.numpy(), lib.rand(3).numpy())
    np.testing.assert_array_equal(results[tc][2], results[torch][2])
    np.testing.assert_allclose(results[tc][0], results[torch][0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(results[tc][1], results[torch][1], rtol=1e-4, atol=1e-5)
