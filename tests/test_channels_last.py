"""Channels-last layouts (Note [Channels-last layouts] in tensorcore/_tensor.py),
each call compared with PyTorch: strides, is_contiguous answers, values,
errors, and modules converted with Module.to(memory_format=...)."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _outcome(f, lib):
    try:
        r = f(lib)
    except Exception as e:  # noqa: BLE001 (the exception type is what is compared)
        return type(e).__name__
    if isinstance(r, (lib.Tensor,)):
        return ("tensor", tuple(r.shape), tuple(r.stride()), r.detach().numpy().tobytes())
    return r


def _same(f):
    assert _outcome(f, tc) == _outcome(f, torch)


def x4(L):
    return L.arange(120.0).reshape(2, 3, 4, 5)


def x5(L):
    return L.arange(720.0).reshape(2, 3, 4, 5, 6)


CASES = {
    "contiguous(channels_last)": lambda L: x4(L).contiguous(memory_format=L.channels_last),
    "contiguous(channels_last_3d)": lambda L: x5(L).contiguous(memory_format=L.channels_last_3d),
    "of a transposed input": lambda L: x4(L).transpose(2, 3).contiguous(memory_format=L.channels_last),
    "of a sliced input": lambda L: x4(L)[:, :, ::2].contiguous(memory_format=L.channels_last),
    "back to contiguous": lambda L: x4(L).contiguous(memory_format=L.channels_last).contiguous(),
    "contiguous(contiguous_format)": lambda L: x4(L).contiguous(memory_format=L.channels_last).contiguous(
        memory_format=L.contiguous_format),
    "contiguous(preserve) of contiguous": lambda L: x4(L).contiguous(memory_format=L.preserve_format),
    "contiguous(preserve) of transposed": lambda L: x4(L).transpose(1, 2).contiguous(memory_format=L.preserve_format),
    "to(channels_last)": lambda L: x4(L).to(memory_format=L.channels_last),
    "to(dtype, channels_last)": lambda L: x4(L).to(L.float64, memory_format=L.channels_last),
    "to(contiguous_format)": lambda L: x4(L).to(memory_format=L.channels_last).to(memory_format=L.contiguous_format),
    "to(contiguous_format) of transposed aliases": lambda L: x4(L).transpose(1, 2).to(
        memory_format=L.contiguous_format),
    "to(channels_last_3d) of size-1 dims": lambda L: L.zeros(2, 2, 1, 1, 1).to(memory_format=L.channels_last_3d),
    "to(channels_last) of N111": lambda L: L.zeros(2, 1, 1, 1).to(memory_format=L.channels_last),
    "to(channels_last) of NC11": lambda L: L.zeros(2, 3, 1, 1).to(memory_format=L.channels_last),
    "to(channels_last) of 1CH1": lambda L: L.zeros(1, 3, 4, 1).to(memory_format=L.channels_last),
    "clone(channels_last)": lambda L: x4(L).clone(memory_format=L.channels_last),
    "clone() keeps channels_last": lambda L: x4(L).contiguous(memory_format=L.channels_last).clone(),
    "clone(contiguous_format)": lambda L: x4(L).contiguous(memory_format=L.channels_last).clone(
        memory_format=L.contiguous_format),
    "elementwise keeps channels_last": lambda L: x4(L).contiguous(memory_format=L.channels_last) * 2 + 1,
    "reduction over a channels_last input": lambda L: x4(L).contiguous(memory_format=L.channels_last).sum(dim=(2, 3)),
    "empty(channels_last) strides": lambda L: L.empty(2, 3, 4, 5, memory_format=L.channels_last).stride(),
    "empty(channels_last_3d) strides": lambda L: L.empty(2, 3, 4, 5, 6, memory_format=L.channels_last_3d).stride(),
    "empty(preserve_format)": lambda L: L.empty(2, 3, 4, 5, memory_format=L.preserve_format),
    "empty_like(channels_last)": lambda L: L.empty_like(x4(L), memory_format=L.channels_last).stride(),
    "zeros_like(channels_last)": lambda L: L.zeros_like(x4(L), memory_format=L.channels_last),
    "ones_like keeps channels_last": lambda L: L.ones_like(x4(L).contiguous(memory_format=L.channels_last)),
    "size-1 dims": lambda L: L.ones(1, 1, 4, 5).contiguous(memory_format=L.channels_last),
    "rank 3 refused": lambda L: x4(L)[0].contiguous(memory_format=L.channels_last),
    "rank 4 refused for 3d": lambda L: x4(L).contiguous(memory_format=L.channels_last_3d),
    "to() rank refused": lambda L: L.zeros(3).to(memory_format=L.channels_last),
    "empty rank refused": lambda L: L.empty(2, 3, 4, memory_format=L.channels_last),
    "bad memory_format type": lambda L: x4(L).contiguous(memory_format="channels_last"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_layouts_equal_pytorch(name):
    _same(CASES[name])


@pytest.mark.parametrize("fmt", ["channels_last", "channels_last_3d", "contiguous_format", "preserve_format"])
@pytest.mark.parametrize("make", [
    lambda L: L.zeros(2, 3, 4, 5), lambda L: L.zeros(2, 3, 4, 5, 6), lambda L: L.zeros(1, 1, 4, 5),
    lambda L: L.zeros(2, 3, 1, 1), lambda L: L.zeros(2, 3, 4, 5).transpose(1, 3),
    lambda L: L.zeros(2, 3, 4, 5).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2),
    lambda L: L.zeros(2, 3, 4, 5, 6).permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3),
    lambda L: L.zeros(3, 4)])
def test_is_contiguous_in_every_format_equals_pytorch(make, fmt):
    _same(lambda L: make(L).is_contiguous(memory_format=getattr(L, fmt)))
    _same(lambda L: make(L).is_contiguous())


def test_module_to_channels_last_converts_4d_and_5d_tensors():
    def strides(L, fmt):
        L.manual_seed(0)
        m = L.nn.Sequential(L.nn.Conv2d(3, 4, 3), L.nn.BatchNorm2d(4), L.nn.Linear(3, 2))
        assert m.to(memory_format=getattr(L, fmt)) is m
        return [tuple(p.stride()) for p in m.parameters()]
    assert strides(tc, "channels_last") == strides(torch, "channels_last")
    _same(lambda L: L.nn.Conv3d(2, 2, 1).to(memory_format=L.channels_last))  # a 5-D weight: rank error
    assert [tuple(p.stride()) for p in tc.nn.Conv3d(2, 2, 1).to(memory_format=tc.channels_last_3d).parameters()] == \
        [tuple(p.stride()) for p in torch.nn.Conv3d(2, 2, 1).to(memory_format=torch.channels_last_3d).parameters()]


def test_training_step_on_channels_last_matches_the_contiguous_one():
    # The layout changes no value: a conv net trained on channels_last inputs and weights gives the losses
    # and gradients of the same net on contiguous tensors (and PyTorch's within float32 rounding).
    def run(L, channels_last):
        L.manual_seed(0)
        m = L.nn.Sequential(L.nn.Conv2d(3, 8, 3, padding=1), L.nn.BatchNorm2d(8), L.nn.ReLU(),
                            L.nn.Conv2d(8, 4, 3, stride=2), L.nn.AdaptiveAvgPool2d(1), L.nn.Flatten())
        x = L.randn(4, 3, 9, 9)
        if channels_last:
            m = m.to(memory_format=L.channels_last)
            x = x.contiguous(memory_format=L.channels_last)
        opt = L.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = m(x).pow(2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return np.array(losses), m[0].weight.detach().numpy().copy()
    ours_cl, w_cl = run(tc, True)
    ours, w = run(tc, False)
    np.testing.assert_array_equal(ours_cl, ours)
    np.testing.assert_array_equal(w_cl, w)
    theirs, tw = run(torch, True)
    np.testing.assert_allclose(ours_cl, theirs, rtol=1e-5)
    np.testing.assert_allclose(w_cl, tw, rtol=1e-4, atol=1e-6)


def test_contiguous_in_channels_last_records_clone_and_passes_gradients():
    for lib in (tc, torch):
        x = lib.arange(24.0).reshape(1, 2, 3, 4).requires_grad_()
        y = x.contiguous(memory_format=lib.channels_last)
        assert y.grad_fn.name() == "CloneBackward0"
        (y * lib.arange(24.0).reshape(1, 2, 3, 4)).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.arange(24.0).reshape(1, 2, 3, 4))
