"""Gaps found running real public PyTorch programs under tensorcore (realprog23), each compared
with PyTorch on the same inputs.

- openai/CLIP (clip/model.py): build_model() converts the weights to float16 and the text
  transformer casts its causal -inf mask to the activations' dtype, so nn.MultiheadAttention gets a
  float16 attn_mask; tensorcore accepted only float32/float64 masks (AssertionError). Its
  need_weights=True path then added a mask of another dtype by promotion, where PyTorch's baddbmm
  raises, and under CPU autocast it failed on any float mask (bmm of float32 weights with bfloat16
  values) where PyTorch's autocast baddbmm casts the mask to the autocast dtype.
"""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _mha_with_mask(lib, mask_dtype, activation_dtype, need_weights=False):
    lib.manual_seed(0)
    mha = lib.nn.MultiheadAttention(8, 2)
    x = lib.linspace(-1, 1, 5 * 2 * 8).reshape(5, 2, 8)
    mask = lib.full((5, 5), float("-inf")).triu(1)
    if activation_dtype is not None:
        mha = mha.to(getattr(lib, activation_dtype))
        x = x.to(getattr(lib, activation_dtype))
    mask = mask.to(getattr(lib, mask_dtype))
    with lib.no_grad():
        out, _ = mha(x, x, x, need_weights=need_weights, attn_mask=mask)
    return out.float().numpy()


@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("mask_dtype, activation_dtype", [
    ("float16", "float16"), ("bfloat16", "bfloat16"), ("float64", "float64"), ("float32", None)])
def test_multihead_attention_accepts_a_floating_mask_of_the_activations_dtype(mask_dtype, activation_dtype,
                                                                              need_weights):
    ours = _mha_with_mask(tc, mask_dtype, activation_dtype, need_weights)
    theirs = _mha_with_mask(torch, mask_dtype, activation_dtype, need_weights)
    tol = 1e-2 if activation_dtype in ("float16", "bfloat16") else 1e-5
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("mask_dtype", ["float16", "bfloat16", "float64"])
def test_multihead_attention_mask_of_another_floating_dtype_raises_like_pytorch(mask_dtype, need_weights):
    for lib in (tc, torch):
        with pytest.raises(RuntimeError):
            _mha_with_mask(lib, mask_dtype, None, need_weights)


@pytest.mark.parametrize("mask_dtype", ["int64", "int32", "uint8"])
def test_multihead_attention_rejects_integer_masks_like_pytorch(mask_dtype):
    for lib in (tc, torch):
        mha = lib.nn.MultiheadAttention(4, 1)
        x = lib.zeros(3, 1, 4)
        with pytest.raises(AssertionError, match="only bool and floating types of attn_mask are supported"):
            mha(x, x, x, attn_mask=lib.zeros(3, 3, dtype=getattr(lib, mask_dtype)))


@pytest.mark.parametrize("mask_dtype", ["float32", "float16", "bool", "float64"])
def test_multihead_attention_weights_under_cpu_autocast(mask_dtype):
    def run(lib):
        lib.manual_seed(0)
        mha = lib.nn.MultiheadAttention(8, 2)
        x = lib.linspace(-1, 1, 5 * 2 * 8).reshape(5, 2, 8)
        if mask_dtype == "bool":
            mask = lib.ones(5, 5, dtype=lib.bool).triu(1)
        else:
            mask = lib.full((5, 5), float("-inf")).triu(1).to(getattr(lib, mask_dtype))
        try:
            with lib.autocast("cpu", dtype=lib.bfloat16):
                out, weights = mha(x, x, x, attn_mask=mask, need_weights=True)
        except RuntimeError as e:
            return "RuntimeError", str(e)[:31]
        return str(out.dtype).split(".")[-1], out.float().detach().numpy(), weights.float().detach().numpy()

    ours, theirs = run(tc), run(torch)
    assert ours[0] == theirs[0]
    if ours[0] == "RuntimeError":  # a float64 mask is not cast by autocast: baddbmm refuses it
        assert ours[1] == theirs[1] == "Input dtypes must be the same, "
        return
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-2, atol=1e-2)
