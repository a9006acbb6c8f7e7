"""Namespaces programs touch at start-up: tensorcore.backends, accelerator,
onnx, compile, is_complex, deterministic algorithms and the float32 matmul
precision, compared with what PyTorch (CPU build) presents."""
import importlib
import inspect
import warnings

import pytest

import tensorcore as tc
from tensorcore import nn


@pytest.fixture(autouse=True)
def _restore_global_settings():
    precision = tc.get_float32_matmul_precision()
    det, warn_only = tc.are_deterministic_algorithms_enabled(), tc.is_deterministic_algorithms_warn_only_enabled()
    cudnn = {k: getattr(tc.backends.cudnn, k) for k in ("enabled", "benchmark", "deterministic", "allow_tf32")}
    yield
    tc.set_float32_matmul_precision(precision)
    tc.use_deterministic_algorithms(det, warn_only=warn_only)
    for k, v in cudnn.items():
        setattr(tc.backends.cudnn, k, v)


def test_backend_modules_import_like_torch():
    for name in ("cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"):
        assert importlib.import_module(f"tensorcore.backends.{name}") is getattr(tc.backends, name)
    for name in ("accelerator", "onnx", "backends"):
        assert importlib.import_module(f"tensorcore.{name}") is getattr(tc, name)


def test_cpu_capability_matches_torch_on_this_machine():
    cap = tc.backends.cpu.get_cpu_capability()
    assert cap in ("DEFAULT", "AVX2", "AVX512")
    torch = pytest.importorskip("torch")
    # Both libraries pick the widest instruction set the CPU has (among the ones both know).
    assert cap == torch.backends.cpu.get_cpu_capability()


def test_availability_answers():
    assert tc.backends.mps.is_available() is False and tc.backends.mps.is_built() is False
    assert tc.backends.cudnn.is_available() is False and tc.backends.cudnn.version() is None
    assert tc.backends.cudnn.is_acceptable(tc.ones(1)) is False
    assert tc.backends.mkldnn.is_available() is False and tc.backends.mkl.is_available() is False
    assert tc.backends.opt_einsum.is_available() is False and tc.backends.opt_einsum.get_opt_einsum() is None
    try:
        tc.ones(1).to("cuda")
        built = True
    except (RuntimeError, AssertionError) as e:  # PyTorch's "Torch not compiled with CUDA enabled"
        built = "not compiled with CUDA" not in str(e) and "built without CUDA" not in str(e)
    assert tc.backends.cuda.is_built() is built
    assert isinstance(tc.backends.openmp.is_available(), bool)
    threads = tc.get_num_threads()
    tc.backends.openmp.is_available.cache_clear()
    tc.backends.openmp.is_available()
    assert tc.get_num_threads() == threads  # probing restores the thread count
    if threads > 1:
        assert tc.backends.openmp.is_available()


def test_accelerator_without_a_gpu():
    if tc.cuda.is_available():
        pytest.skip("a CUDA device is present")
    assert tc.accelerator.is_available() is False
    assert tc.accelerator.current_accelerator() is None
    assert tc.accelerator.device_count() == 0
    for fn in (tc.accelerator.current_device_index, tc.accelerator.synchronize):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
            fn()
    torch = pytest.importorskip("torch")
    assert torch.accelerator.is_available() is False and torch.accelerator.current_accelerator() is None
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none is available."):
        torch.accelerator.current_device_index()


def test_typical_device_selection_line_runs():
    """pytorch/examples' idiom: pick the accelerator if there is one."""
    device = tc.accelerator.current_accelerator() if tc.accelerator.is_available() else tc.device("cpu")
    assert tc.ones(2, device=device).device.type in ("cpu", "cuda")


def test_startup_flags_are_settable_with_torch_defaults():
    torch = pytest.importorskip("torch")
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32", "benchmark_limit"):
        assert getattr(tc.backends.cudnn, name) == getattr(torch.backends.cudnn, name), name
    for name in ("enabled", "deterministic"):
        assert getattr(tc.backends.mkldnn, name) == getattr(torch.backends.mkldnn, name), name
    for name in ("allow_tf32", "allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
        assert getattr(tc.backends.cuda.matmul, name) == getattr(torch.backends.cuda.matmul, name), name
    for name in ("flash_sdp_enabled", "mem_efficient_sdp_enabled", "math_sdp_enabled"):
        assert getattr(tc.backends.cuda, name)() == getattr(torch.backends.cuda, name)(), name
    tc.backends.cudnn.benchmark = True
    tc.backends.cudnn.deterministic = True
    assert tc.backends.cudnn.benchmark and tc.backends.cudnn.deterministic
    with tc.backends.cudnn.flags(enabled=False, benchmark=False):
        assert not tc.backends.cudnn.enabled and not tc.backends.cudnn.benchmark
    assert tc.backends.cudnn.enabled and tc.backends.cudnn.benchmark


def test_allow_tf32_is_the_matmul_precision_as_in_torch():
    torch = pytest.importorskip("torch")
    old = torch.get_float32_matmul_precision()
    try:
        for lib in (tc, torch):
            lib.backends.cuda.matmul.allow_tf32 = True
        assert tc.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "high"
        for lib in (tc, torch):
            lib.set_float32_matmul_precision("medium")
        assert tc.backends.cuda.matmul.allow_tf32 is torch.backends.cuda.matmul.allow_tf32 is True
        # (PyTorch 2.13's get_float32_matmul_precision() raises after this mix of
        # its legacy and new precision APIs; tensorcore has only the legacy one.)
        tc.backends.cuda.matmul.allow_tf32 = False
        assert tc.get_float32_matmul_precision() == "highest"
    finally:
        torch.set_float32_matmul_precision(old)
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        tc.backends.cuda.matmul.foo = 1
    with pytest.raises(AttributeError, match="Unknown attribute foo"):
        tc.backends.cuda.matmul.foo


def test_float32_matmul_precision():
    assert tc.get_float32_matmul_precision() == "highest"
    for p in ("high", "medium", "highest"):
        tc.set_float32_matmul_precision(p)
        assert tc.get_float32_matmul_precision() == p
    with pytest.warns(UserWarning, match="low is not one of 'highest', 'high', or 'medium'"):
        tc.set_float32_matmul_precision("low")
    assert tc.get_float32_matmul_precision() == "highest"
    with pytest.raises(RuntimeError, match="set_float32_matmul_precision expects a str, but got int"):
        tc.set_float32_matmul_precision(1)
    # the setting permits, never requires, lower precision: results stay float32-exact
    a = tc.tensor([[1.0 + 2.0 ** -20, 1.0]])
    b = tc.tensor([[1.0], [2.0 ** -20]])
    tc.set_float32_matmul_precision("medium")
    assert (a @ b).item() == pytest.approx(1.0 + 2.0 ** -19, abs=0, rel=1e-7)


def test_deterministic_algorithms_vs_torch():
    torch = pytest.importorskip("torch")
    assert tc.are_deterministic_algorithms_enabled() is torch.are_deterministic_algorithms_enabled() is False
    old = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
    try:
        for args, kw in [((True,), {}), ((True,), {"warn_only": True}), ((False,), {"warn_only": True}),
                         ((False,), {})]:
            for lib in (tc, torch):
                lib.use_deterministic_algorithms(*args, **kw)
            assert (tc.are_deterministic_algorithms_enabled(), tc.is_deterministic_algorithms_warn_only_enabled(),
                    tc.get_deterministic_debug_mode()) == \
                (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
                 torch.get_deterministic_debug_mode()), (args, kw)
        for mode in ("warn", "error", 0, 1, 2, "default"):
            for lib in (tc, torch):
                lib.set_deterministic_debug_mode(mode)
            assert tc.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode(), mode
            assert tc.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
        for bad in [lambda m: m.use_deterministic_algorithms("x"),
                    lambda m: m.use_deterministic_algorithms(True, warn_only="x"),
                    lambda m: m.set_deterministic_debug_mode(5), lambda m: m.set_deterministic_debug_mode("foo")]:
            errors = []
            for lib in (tc, torch):
                with pytest.raises(Exception) as info:
                    bad(lib)
                errors.append((type(info.value), str(info.value)))
            assert errors[0] == errors[1]
    finally:
        torch.use_deterministic_algorithms(old[0], warn_only=old[1])


def test_is_complex():
    for dtype in (tc.float32, tc.float64, tc.int64, tc.int32, tc.bool):
        t = tc.ones(2, dtype=dtype)
        assert tc.is_complex(t) is False and t.is_complex() is False
    with pytest.raises(TypeError, match=r"is_complex\(\): argument 'input' \(position 1\) must be Tensor, not int"):
        tc.is_complex(1)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"is_complex\(\): argument 'input' \(position 1\) must be Tensor, not int"):
        torch.is_complex(1)


def test_compile_is_a_no_op_with_torchs_signature():
    model = nn.Linear(3, 2)
    compiled = tc.compile(model)  # a module is wrapped as PyTorch's OptimizedModule (test_probe_repr19.py)
    assert compiled._orig_mod is model and compiled.weight is model.weight

    def f(x):
        return x * 2

    assert tc.compile(f) is f
    assert tc.compile(f, mode="max-autotune", fullgraph=True, dynamic=True) is f

    @tc.compile
    def g(x):
        return x + 1

    @tc.compile(mode="reduce-overhead")
    def h(x):
        return x - 1

    assert g(1) == 2 and h(1) == 0 and h.__name__ == "h"
    x = tc.ones(2, 3)
    assert tc.compile(model)(x).tolist() == model(x).tolist()
    torch = pytest.importorskip("torch")
    assert list(inspect.signature(tc.compile).parameters) == list(inspect.signature(torch.compile).parameters)
    for kwargs in [dict(mode="max-autotune", options={}), dict(mode="foo")]:
        errors = []
        for lib in (tc, torch):
            with pytest.raises(RuntimeError) as info:
                lib.compile(f, **kwargs)
            errors.append(str(info.value))
        assert errors[0] == errors[1]
    with pytest.raises(AssertionError, match="A callable function is expected, but <class 'int'> is provided."):
        tc.compile(1)


def test_onnx():
    assert tc.onnx.is_in_onnx_export() is False
    # export itself is tested in tests/test_onnx.py (it needs the optional onnx package).
    assert issubclass(tc.onnx.OnnxExporterError, RuntimeError)


def test_import_tensorcore_as_torch_startup_block():
    """The start-up lines of nanoGPT's train.py and pytorch/examples (with
    tensorcore in place of torch) run."""
    torch = tc
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.manual_seed(1337)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
        use_accel = torch.accelerator.is_available()
        device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
        use_mps = torch.backends.mps.is_available()
        model = torch.compile(nn.Linear(4, 2).to(device))
        opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
        opt.step()
        sched.step()
    assert not use_mps and sched.get_last_lr() == [0.7]


def test_compiler_namespace_and_constants():
    assert tc.compiler.is_compiling() is False and tc.compiler.is_dynamo_compiling() is False
    assert tc.compiler.is_exporting() is False
    assert tc.compiler.compile is tc.compile

    def f(x):
        return x

    assert tc.compiler.disable(f) is f and tc.compiler.disable()(f) is f
    assert tc.compiler.disable(recursive=False)(f) is f
    assert tc.compiler.allow_in_graph(f) is f and tc.compiler.assume_constant_result(f) is f
    assert tc.compiler.reset() is None
    assert tc.cuda.is_bf16_supported() is False
    import math
    assert (tc.pi, tc.e, tc.inf) == (math.pi, math.e, math.inf) and math.isnan(tc.nan)
    torch = pytest.importorskip("torch")
    assert (tc.pi, tc.e, tc.inf) == (torch.pi, torch.e, torch.inf)
    assert torch.compiler.is_compiling() is tc.compiler.is_compiling()
    for name in ("disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "reset", "allow_in_graph",
                 "assume_constant_result"):
        ours = inspect.signature(getattr(tc.compiler, name))
        theirs = inspect.signature(getattr(torch.compiler, name))
        assert list(ours.parameters) == list(theirs.parameters), name
    assert list(inspect.signature(tc.cuda.is_bf16_supported).parameters) == \
        list(inspect.signature(torch.cuda.is_bf16_supported).parameters)
