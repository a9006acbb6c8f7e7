"""tensorcore.amp (GradScaler, autocast), tensorcore.cuda.amp and the 16-bit
and small integer dtypes autocast and scripts name, compared with PyTorch."""
import pickle

import numpy as np
import pytest

import tensorcore as tc


def _train(lib, grads_scale_inf_at=(), steps=6, **scaler_kw):
    """A few steps of a linear model with a GradScaler on the CPU; an inf is
    injected into the gradient at the listed steps."""
    lib.manual_seed(0)
    model = lib.nn.Linear(4, 2)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", **scaler_kw)
    scales, x = [], lib.randn(8, 4)
    for step in range(steps):
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        if step in grads_scale_inf_at:
            model.weight.grad[0, 0] = float("inf")
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return scales, model.weight.detach().numpy(), scaled.item(), scaler.state_dict()


@pytest.mark.parametrize("kw", [{}, {"growth_interval": 2, "init_scale": 4.0}, {"enabled": False}])
def test_grad_scaler_matches_torch(kw):
    torch = pytest.importorskip("torch")
    infs = (1, 2) if kw.get("enabled", True) else ()  # disabled: an inf would reach the weights
    expected = _train(torch, grads_scale_inf_at=infs, **kw)
    actual = _train(tc, grads_scale_inf_at=infs, **kw)
    assert actual[0] == expected[0]
    np.testing.assert_allclose(actual[1], expected[1], rtol=1e-6)
    assert actual[2] == pytest.approx(expected[2], rel=1e-6)
    assert actual[3] == expected[3]


def test_grad_scaler_skips_the_step_on_inf_and_backs_off():
    scales, weight, _, state = _train(tc, grads_scale_inf_at=(0,), steps=1, init_scale=8.0)
    tc.manual_seed(0)
    assert scales == [4.0]
    np.testing.assert_array_equal(weight, tc.nn.Linear(4, 2).weight.detach().numpy())  # not stepped
    assert state == {"scale": 4.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2000,
                     "_growth_tracker": 0}


def test_grad_scaler_errors_and_state_round_trip():
    model = tc.nn.Linear(2, 1)
    opt = tc.optim.SGD(model.parameters(), lr=0.1)
    scaler = tc.amp.GradScaler("cpu", init_scale=16.0)
    scaler.scale(model(tc.ones(1, 2)).sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="after step"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure"):
        scaler.step(opt, closure=lambda: None)
    scaler.update()
    other = tc.amp.GradScaler("cpu")
    other.load_state_dict(scaler.state_dict())
    assert other.state_dict() == scaler.state_dict()
    with pytest.raises(AssertionError):
        tc.amp.GradScaler("cpu", growth_factor=0.5)


def test_cuda_spellings_disable_themselves_without_cuda():
    if tc.cuda.is_available():
        pytest.skip("CUDA build")
    import tensorcore.cuda.amp as cuda_amp
    with pytest.warns(FutureWarning):
        scaler = cuda_amp.GradScaler()
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    loss = tc.ones(())
    assert scaler.scale(loss) is loss
    with pytest.warns(UserWarning, match="CUDA is not available"):
        with tc.autocast(device_type="cuda", dtype=tc.float16):
            assert (tc.ones(2) @ tc.ones(2)).dtype == tc.float32


def test_autocast_cpu():
    with tc.autocast("cpu", enabled=False):
        assert (tc.ones(2, 2) @ tc.ones(2, 2)).dtype == tc.float32
    with pytest.warns(UserWarning, match="target dtype is not supported"):
        with tc.amp.autocast("cpu", dtype=tc.float32):
            pass
    with tc.autocast("cpu"):  # real CPU autocasting: tests/test_autocast_cpu.py
        assert (tc.ones(2, 2) @ tc.ones(2, 2)).dtype == tc.bfloat16

    @tc.autocast("cpu", enabled=False)
    def f(x):
        return x * 2
    assert f(tc.ones(1)).item() == 2.0


def test_storage_dtypes():
    torch = pytest.importorskip("torch")
    for name in ["float16", "half", "bfloat16", "uint8", "int8", "int16", "short"]:
        d, t = getattr(tc, name), getattr(torch, name)
        assert repr(d) == repr(t).replace("torch", "tensorcore")
        assert d.is_floating_point == t.is_floating_point and d.itemsize == t.itemsize
        assert pickle.loads(pickle.dumps(d)) is d
        assert d != tc.float32
        assert tc.zeros(2, dtype=d).dtype is d and tc.ones(2).to(d).dtype is d
