"""conv_transpose1d/2d and ConvTranspose1d/2d against PyTorch (values, gradients,
init per seed, reprs, output_size, errors) and float64 gradchecks."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore import nn
from tensorcore.autograd import gradcheck

F = nn.functional

CASES_2D = [  # cin, cout, k, stride, padding, output_padding, groups, dilation, input HxW
    (4, 6, 3, 2, 1, 1, 2, 1, (5, 6)), (3, 2, 4, 2, 1, 0, 1, 1, (4, 4)), (2, 4, 3, 1, 0, 0, 1, 2, (6, 7)),
    (4, 4, 5, 3, 2, 2, 4, 1, (3, 4)), (1, 1, 1, 1, 0, 0, 1, 1, (3, 3)), (2, 3, (2, 3), (1, 2), (0, 1), (0, 1), 1,
                                                                          (1, 1), (4, 5))]


@pytest.mark.parametrize("case", CASES_2D)
def test_conv_transpose2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    cin, cout, k, s, p, op, g, d, hw = case
    kk = k if isinstance(k, tuple) else (k, k)
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, cin, *hw)), rng.standard_normal((cin, cout // g, *kk)), rng.standard_normal(cout)
    results = []
    for lib in (torch, tc):
        xt, wt, bt = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        out = lib.nn.functional.conv_transpose2d(xt, wt, bt, s, p, op, g, d)
        (out * out).sum().backward()
        results.append([out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
    for a, e in zip(results[1], results[0]):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-10)


def test_conv_transpose1d_and_unbatched_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 4, 7)), rng.standard_normal((4, 2, 3))
    for args in [(None, 2, 1, 1, 1, 1), (None, 1, 0, 0, 2, 2)]:
        outs = []
        for lib in (torch, tc):
            wt = lib.tensor(w if args[4] == 1 else np.concatenate([w, w], 1))
            outs.append(lib.nn.functional.conv_transpose1d(lib.tensor(x), wt, *args).numpy())
            outs.append(lib.nn.functional.conv_transpose2d(lib.tensor(x[:, :, None, :][0]), wt[:, :, None, :],
                                                           None, (1, args[1]), (0, args[2]), (0, args[3]), args[4],
                                                           (1, args[5])).numpy())
        for a, e in zip(outs[2:], outs[:2]):
            np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-10)


def test_conv_transpose2d_gradcheck():
    rng = np.random.default_rng(2)
    x = tc.tensor(rng.standard_normal((1, 2, 3, 3)), requires_grad=True)
    w = tc.tensor(rng.standard_normal((2, 2, 2, 3)), requires_grad=True)
    b = tc.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, 2, (0, 1), 1, 2), (x, w, b))


@pytest.mark.parametrize("name,args,kw", [
    ("ConvTranspose2d", (16, 33, 3), {"stride": 2}), ("ConvTranspose2d", (4, 6, (3, 5)), {"stride": (2, 1),
                                                                                            "padding": (4, 2),
                                                                                            "groups": 2}),
    ("ConvTranspose2d", (4, 4, 3), {"dilation": 2, "output_padding": 1, "bias": False, "stride": 2}),
    ("ConvTranspose1d", (3, 5, 4), {"stride": 2, "padding": 1})])
def test_modules_match_torch(name, args, kw):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tc.manual_seed(0)
    t, c = getattr(torch.nn, name)(*args, **kw), getattr(nn, name)(*args, **kw)
    assert repr(c) == repr(t)
    assert list(c.state_dict()) == list(t.state_dict())
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(c.state_dict()[k].numpy(), v.numpy())
    shape = (2, args[0], 5, 6) if name.endswith("2d") else (2, args[0], 9)
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    np.testing.assert_allclose(c(tc.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_output_size_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    for lib in (torch, tc):
        lib.manual_seed(0)
    t, c = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1), nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
    x = np.random.default_rng(4).standard_normal((1, 3, 4, 4)).astype(np.float32)
    for size in [(8, 8), (7, 8), [1, 2, 8, 7]]:
        a = c(tc.tensor(x), output_size=size).detach().numpy()
        np.testing.assert_allclose(a, t(torch.tensor(x), output_size=size).detach().numpy(), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="valid sizes"):
        c(tc.tensor(x), output_size=(10, 10))
    with pytest.raises(RuntimeError, match="output padding must be smaller"):
        F.conv_transpose2d(tc.ones(1, 1, 2, 2), tc.ones(1, 1, 2, 2), stride=1, output_padding=1)
    with pytest.raises(RuntimeError, match="channels"):
        F.conv_transpose2d(tc.ones(1, 2, 2, 2), tc.ones(3, 1, 2, 2))
