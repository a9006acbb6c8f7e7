"""The CUDA backend (csrc/backend/cuda/, Note [CUDA backend not yet verified]).

Two parts. The first runs on every machine: a build without the backend, or
with it off, answers as PyTorch's CPU-only build, and a CUDA build with the
backend on but no GPU answers as PyTorch's CUDA build does on a machine with
no driver. The second runs only where a GPU is usable (scripts/gpu_check.sh
sets TENSORCORE_ENABLE_CUDA=1): every CUDA result is compared with the same
computation on the CPU (and with PyTorch's CUDA build where it is installed).
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import tensorcore as tc
from tensorcore import _C

HAS_GPU = tc.cuda.is_available()
gpu = pytest.mark.skipif(not HAS_GPU, reason="no usable CUDA device (scripts/gpu_check.sh runs these on a GPU)")
SRC = os.path.dirname(os.path.dirname(tc.__file__))


# ---- every machine ----

@pytest.mark.skipif(HAS_GPU, reason="a CUDA device is usable here")
def test_without_a_usable_backend_answers_as_the_cpu_build():
    assert tc.cuda.is_available() is False and tc.cuda.device_count() == 0
    assert tc.cuda.memory_allocated() == 0 and tc.cuda.max_memory_allocated() == 0
    assert tc.cuda.is_bf16_supported() is False and tc.cuda.is_initialized() is False
    tc.cuda.empty_cache()  # a no-op, as PyTorch's
    if not _C._cuda_enabled():
        assert tc.backends.cuda.is_built() is False
        for make in (lambda: tc.ones(2, device="cuda"), lambda: tc.ones(2).cuda(), lambda: tc.ones(2).to("cuda:0"),
                     lambda: tc.zeros(3, device=tc.device("cuda", 0))):
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                make()
        for call in (tc.cuda.current_device, tc.cuda.synchronize, tc.cuda.get_device_name,
                     lambda: tc.cuda.get_device_properties(0), lambda: tc.cuda.set_device(0)):
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                call()


def _run_with_backend_on(code):
    env = dict(os.environ, TENSORCORE_ENABLE_CUDA="1", PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.skipif(not _C._cuda_compiled(), reason="this build has no CUDA backend (TENSORCORE_CUDA=OFF)")
@pytest.mark.skipif(os.path.exists("/proc/driver/nvidia/version"), reason="an NVIDIA driver is present")
def test_cuda_build_without_a_driver_answers_as_pytorchs_cuda_build():
    """PyTorch's CUDA build on a machine with no driver: is_available() is
    False, and creating a CUDA tensor raises its RuntimeError."""
    r = _run_with_backend_on(
        "import tensorcore as tc\n"
        "print(tc.backends.cuda.is_built(), tc.cuda.is_available(), tc.cuda.device_count())\n"
        "for f in (lambda: tc.ones(2, device='cuda'), lambda: tc.ones(2).cuda(), tc.cuda.synchronize,\n"
        "          tc.cuda.current_device):\n"
        "    try:\n"
        "        f()\n"
        "    except RuntimeError as e:\n"
        "        print(type(e).__name__, str(e).split('.')[0])\n"
        "print(tc.ones(3).sum().item())\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "True False 0"
    assert lines[1:5] == ["RuntimeError Found no NVIDIA driver on your system"] * 4
    assert lines[5] == "3.0"  # the CPU engine is untouched


@pytest.mark.skipif(not _C._cuda_compiled(), reason="this build has no CUDA backend (TENSORCORE_CUDA=OFF)")
def test_cuda_build_with_the_backend_off_says_how_to_turn_it_on():
    if _C._cuda_enabled():
        pytest.skip("TENSORCORE_ENABLE_CUDA=1 is set in this process")
    with pytest.raises(AssertionError, match="TENSORCORE_ENABLE_CUDA=1"):
        tc.cuda.current_device()


def test_cpu_tensors_stay_put():
    x = tc.arange(6.0).reshape(2, 3)
    assert x.cpu() is x and x.to("cpu") is x and x.to("cpu:0") is x and x.to(tc.device("cpu", 1)) is x
    assert repr(x) == "tensor([[0., 1., 2.],\n        [3., 4., 5.]])"  # no device suffix on the CPU


# ---- on a GPU ----

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _rand(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return tc.from_numpy(rng.random(shape) > 0.5)
    if dtype in ("int64", "int32", "int16", "int8"):
        return tc.from_numpy(rng.integers(-20, 20, shape)).to(getattr(tc, dtype))
    if dtype == "uint8":
        return tc.from_numpy(rng.integers(0, 40, shape)).to(tc.uint8)
    return tc.from_numpy(rng.standard_normal(shape)).to(getattr(tc, dtype))


def _same(cuda_result, cpu_result, rtol=1e-6, atol=1e-6):
    assert cuda_result.device.type == "cuda", cuda_result.device
    assert cuda_result.dtype == cpu_result.dtype and cuda_result.shape == cpu_result.shape
    got, want = cuda_result.cpu(), cpu_result
    if got.dtype in (tc.float16, tc.bfloat16):
        got, want = got.float(), want.float()
        rtol, atol = max(rtol, 1e-2), max(atol, 1e-2)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=atol, equal_nan=True)


@gpu
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_and_factories(dtype):
    x = _rand(dtype, (3, 5))
    y = x.cuda()
    assert y.device == tc.device("cuda", 0) and y.is_cuda and str(y.device) == "cuda:0"
    assert tc.equal(y.cpu(), x) and tc.equal(x.to("cuda").to("cpu"), x)
    assert tc.equal(x.t().cuda().cpu(), x.t())  # a strided source
    z = tc.zeros(4, 2, dtype=getattr(tc, dtype), device="cuda")
    assert z.device.type == "cuda" and tc.equal(z.cpu(), tc.zeros(4, 2, dtype=getattr(tc, dtype)))
    assert tc.equal(tc.full((2, 2), 1, dtype=getattr(tc, dtype), device="cuda").cpu(),
                    tc.full((2, 2), 1, dtype=getattr(tc, dtype)))


@gpu
def test_printing_item_numpy_and_autograd():
    x = tc.tensor([1.0, 2.5], device="cuda")
    assert repr(x) == "tensor([1.0000, 2.5000], device='cuda:0')"
    assert x[1].item() == 2.5 and x.sum().item() == 3.5
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.numpy()
    w = tc.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (w.cuda() * w.cuda()).sum().backward()
    assert w.grad.device.type == "cpu" and tc.equal(w.grad, tc.tensor([2.0, -4.0, 6.0]))


BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "pow", "atan2", "remainder", "eq", "lt", "ge",
          "logical_and", "bitwise_and", "fmod", "hypot", "copysign"]
UNARY = ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "floor", "round", "sign",
         "isnan", "logical_not", "bitwise_not", "erf", "expm1", "log1p", "rsqrt", "reciprocal"]


def _call_or_error(f):
    try:
        return f(), None
    except Exception as e:  # noqa: BLE001 -- the CUDA side must raise the same type
        return None, type(e)


@gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", BINARY)
def test_binary_ops_match_the_cpu(op, dtype):
    a, b = _rand(dtype, (4, 6), 1), _rand(dtype, (6,), 2)
    fn = getattr(tc, op)
    want, err = _call_or_error(lambda: fn(a, b))
    got, cuda_err = _call_or_error(lambda: fn(a.cuda(), b.cuda()))
    assert err == cuda_err
    if err is None:
        _same(got, want)
        _same(fn(a.cuda().t().contiguous().t(), b.cuda()), want)  # strided operand
        if dtype not in ("bool", "uint8"):
            _same(fn(a.cuda(), 2), fn(a, 2))  # a Python number: a host scalar operand


@gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", UNARY)
def test_unary_ops_match_the_cpu(op, dtype):
    a = _rand(dtype, (5, 7), 3)
    fn = getattr(tc, op)
    want, err = _call_or_error(lambda: fn(a))
    got, cuda_err = _call_or_error(lambda: fn(a.cuda()))
    assert err == cuda_err
    if err is None:
        _same(got, want, rtol=2e-6)
        _same(fn(a.cuda()[:, ::2]), fn(a[:, ::2]), rtol=2e-6)


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool", "float16"])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 2)])
def test_reductions_match_the_cpu(dtype, dim):
    a = _rand(dtype, (6, 130, 3), 4)
    for name in ("sum", "prod", "amax", "amin", "any", "all", "mean"):
        fn = getattr(tc, name)
        kwargs = {} if dim is None else {"dim": dim}
        want, err = _call_or_error(lambda: fn(a, **kwargs))
        got, cuda_err = _call_or_error(lambda: fn(a.cuda(), **kwargs))
        assert err == cuda_err, name
        if err is None:
            _same(got, want, rtol=1e-5, atol=1e-5)
    if dtype != "bool" and isinstance(dim, int):
        for name in ("argmax", "argmin"):
            _same(getattr(tc, name)(a.cuda(), dim=dim), getattr(tc, name)(a, dim=dim))


@gpu
def test_reductions_propagate_nan_and_pick_the_first_index():
    a = tc.tensor([[1.0, float("nan"), 3.0, float("nan")], [2.0, 2.0, 1.0, 2.0]])
    for name in ("amax", "amin", "argmax", "argmin"):
        _same(getattr(tc, name)(a.cuda(), dim=1), getattr(tc, name)(a, dim=1))
    big = tc.zeros(1 << 20)
    big[777] = 5.0
    assert tc.argmax(big.cuda()).item() == 777 and big.cuda().sum().item() == 5.0


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_matmul_matches_the_cpu(dtype):
    a, b = _rand(dtype, (33, 17), 5), _rand(dtype, (17, 9), 6)
    tol = {"float32": 1e-5, "float64": 1e-12}.get(dtype, 2e-2)
    _same(a.cuda() @ b.cuda(), a @ b, rtol=tol, atol=tol)
    _same(a.cuda().t().contiguous().t() @ b.cuda(), a @ b, rtol=tol, atol=tol)  # column-major operand
    _same(b.cuda().t() @ a.cuda().t(), b.t() @ a.t(), rtol=tol, atol=tol)
    _same(a.cuda()[::2] @ b.cuda(), a[::2] @ b, rtol=tol, atol=tol)  # neither stride 1: copied first
    x, y = _rand(dtype, (4, 6, 5), 7), _rand(dtype, (4, 5, 3), 8)
    _same(tc.bmm(x.cuda(), y.cuda()), tc.bmm(x, y), rtol=tol, atol=tol)
    _same(tc.matmul(x.cuda(), y.cuda()[0]), tc.matmul(x, y[0]), rtol=tol, atol=tol)


@gpu
def test_where_clamp_lerp_and_add_with_alpha():
    a, b = _rand("float32", (8, 3), 9), _rand("float32", (8, 3), 10)
    c = a > 0
    _same(tc.where(c.cuda(), a.cuda(), b.cuda()), tc.where(c, a, b))
    _same(a.cuda().clamp(-0.5, 0.5), a.clamp(-0.5, 0.5))
    _same(tc.lerp(a.cuda(), b.cuda(), 0.3), tc.lerp(a, b, 0.3))
    _same(tc.add(a.cuda(), b.cuda(), alpha=2.5), tc.add(a, b, alpha=2.5))


@gpu
def test_mixing_devices_raises_pytorchs_error():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        tc.ones(3).cuda() + tc.ones(3)
    assert (tc.ones(3).cuda() + tc.tensor(2.0)).device.type == "cuda"  # a CPU scalar joins


@gpu
def test_an_op_without_a_cuda_kernel_raises_instead_of_crashing():
    x = tc.ones(4, 4, device="cuda")
    with pytest.raises(NotImplementedError, match="cuda"):
        tc.nn.functional.conv2d(x.reshape(1, 1, 4, 4), tc.ones(1, 1, 3, 3, device="cuda"))


@gpu
def test_memory_statistics_and_cache():
    tc.cuda.synchronize()
    before = tc.cuda.memory_allocated()
    x = tc.empty(1 << 20, device="cuda")
    assert tc.cuda.memory_allocated() >= before + 4 * (1 << 20)
    assert tc.cuda.max_memory_allocated() >= tc.cuda.memory_allocated()
    del x
    assert tc.cuda.memory_allocated() == before
    assert tc.cuda.memory_reserved() >= 4 * (1 << 20)
    tc.cuda.empty_cache()
    p = tc.cuda.get_device_properties(0)
    assert p.total_memory > 0 and p.name == tc.cuda.get_device_name(0)


@gpu
def test_dlpack_with_pytorchs_cuda_build():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch here has no CUDA")
    x = tc.arange(6.0, device="cuda").reshape(2, 3)
    t = torch.from_dlpack(x)
    assert t.device.type == "cuda" and t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    t.add_(1)  # shared memory, no copy
    assert x.cpu().tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    back = tc.from_dlpack(torch.ones(2, device="cuda"))
    assert back.device.type == "cuda" and back.cpu().tolist() == [1.0, 1.0]


ACTIVATIONS = [
    ("relu", lambda F, x: F.relu(x)), ("gelu", lambda F, x: F.gelu(x)),
    ("gelu_tanh", lambda F, x: F.gelu(x, approximate="tanh")), ("silu", lambda F, x: F.silu(x)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.1)), ("elu", lambda F, x: F.elu(x)),
    ("selu", lambda F, x: F.selu(x)), ("softplus", lambda F, x: F.softplus(x, beta=2.0)),
    ("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 0.5)), ("mish", lambda F, x: F.mish(x)),
    ("hardswish", lambda F, x: F.hardswish(x)), ("logsigmoid", lambda F, x: F.logsigmoid(x)),
    ("softshrink", lambda F, x: F.softshrink(x, 0.3)), ("threshold", lambda F, x: F.threshold(x, 0.1, -2.0)),
]


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,act", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations_forward_and_backward_match_the_cpu(name, act, dtype):
    F = tc.nn.functional
    x = (_rand(dtype, (7, 33), 11) * 3).requires_grad_()
    xc = x.detach().cuda().requires_grad_()
    y, yc = act(F, x), act(F, xc)
    _same(yc, y, rtol=1e-5, atol=1e-6)
    g = _rand(dtype, (7, 33), 12)
    y.backward(g)
    yc.backward(g.cuda())
    _same(xc.grad, x.grad, rtol=1e-5, atol=1e-6)


@gpu
@pytest.mark.parametrize("dim", [-1, 0, 1])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_forward_and_backward_match_the_cpu(dim, log):
    x = (_rand("float32", (5, 300, 4), 13) * 4).requires_grad_()
    xc = x.detach().cuda().requires_grad_()
    fn = tc.log_softmax if log else tc.softmax
    y, yc = fn(x, dim), fn(xc, dim)
    _same(yc, y, rtol=1e-5, atol=1e-6)
    g = _rand("float32", (5, 300, 4), 14)
    y.backward(g)
    yc.backward(g.cuda())
    _same(xc.grad, x.grad, rtol=1e-4, atol=1e-6)


@gpu
def test_a_small_mlp_trains_the_same_on_the_gpu():
    nn = tc.nn
    tc.manual_seed(0)
    cpu_model = nn.Sequential(nn.Linear(20, 64), nn.GELU(), nn.Linear(64, 5))
    tc.manual_seed(0)
    gpu_model = nn.Sequential(nn.Linear(20, 64), nn.GELU(), nn.Linear(64, 5)).cuda()
    x = _rand("float32", (16, 20), 15)
    for model, inp in ((cpu_model, x), (gpu_model, x.cuda())):
        out = tc.log_softmax(model(inp), dim=1)
        loss = -(out[:, 0]).mean()
        loss.backward()
    for p_cpu, p_gpu in zip(cpu_model.parameters(), gpu_model.parameters()):
        assert p_gpu.device.type == "cuda" and p_gpu.grad.device.type == "cuda"
        _same(p_gpu.grad, p_cpu.grad, rtol=1e-4, atol=1e-6)
    back = gpu_model.cpu()  # Module.cpu moves parameters and their gradients back
    for p_cpu, p_back in zip(cpu_model.parameters(), back.parameters()):
        assert p_back.device.type == "cpu" and p_back.grad.device.type == "cpu"
        np.testing.assert_allclose(p_back.detach().numpy(), p_cpu.detach().numpy(), rtol=1e-6, atol=1e-7)


OPTIMIZERS = [
    ("sgd", lambda o, p: o.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2)),
    ("adam", lambda o, p: o.Adam(p, lr=1e-2, weight_decay=1e-2, amsgrad=True)),
    ("adamw", lambda o, p: o.AdamW(p, lr=1e-2)),
    ("rmsprop", lambda o, p: o.RMSprop(p, lr=1e-2, momentum=0.5, centered=True)),
]


@gpu
@pytest.mark.parametrize("name,make", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_optimizer_steps_match_the_cpu(name, make):
    """Note [Optimizer steps on a device]: torch.optim's single-tensor formulas
    on the device, against the fused CPU kernels."""
    nn = tc.nn
    models = []
    for device in ("cpu", "cuda"):
        tc.manual_seed(0)
        model = nn.Sequential(nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 3)).to(device)
        opt = make(tc.optim, model.parameters())
        x = _rand("float32", (10, 12), 16).to(device)
        for _ in range(4):
            opt.zero_grad()
            (model(x) ** 2).mean().backward()
            opt.step()
        models.append(model)
    for p_cpu, p_gpu in zip(models[0].parameters(), models[1].parameters()):
        _same(p_gpu.detach(), p_cpu.detach(), rtol=1e-4, atol=1e-5)


@gpu
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 5), (4, 5, 3)])
def test_cross_entropy_matches_the_cpu(reduction, weighted, shape):
    F = tc.nn.functional
    x = _rand("float32", shape, 17).requires_grad_()
    target = tc.from_numpy(np.random.default_rng(18).integers(0, 5, (shape[0],) + shape[2:]))
    target[0] = -100  # ignored
    w = tc.tensor([0.5, 1.0, 2.0, 1.5, 0.25]) if weighted else None
    xc = x.detach().cuda().requires_grad_()
    loss = F.cross_entropy(x, target, weight=w, reduction=reduction)
    loss_c = F.cross_entropy(xc, target.cuda(), weight=None if w is None else w.cuda(), reduction=reduction)
    _same(loss_c, loss, rtol=1e-5, atol=1e-6)
    loss.sum().backward()
    loss_c.sum().backward()
    _same(xc.grad, x.grad, rtol=1e-5, atol=1e-6)


@gpu
def test_an_out_of_range_target_raises_pytorchs_index_error_on_the_gpu():
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        tc.nn.functional.nll_loss(tc.zeros(3, 5, device="cuda"), tc.tensor([1, 7, 9], device="cuda"))
