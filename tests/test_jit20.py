"""tensorcore.jit and tensorcore.profiler against PyTorch: the marker API
(is_scripting, is_tracing, annotate, ignore, unused, export, interface,
Final, isinstance, ...), script / trace of functions and modules (values,
gradients, reprs, parameters, train/eval, errors), freeze, save/load round
trips, fork/wait, and record_function / profile / schedule. Each case runs
the same code under both libraries and compares what a program would see."""
import io
import os
import typing
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

LIBS = [tc, torch]


def _np(t):
    return t.detach().numpy()


def _same_values(a, b, atol=1e-6):
    np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=atol)


def _make_net(lib):
    """A small custom module (Linear + buffer + ReLU) under `lib`."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(3, 2)
            self.act = lib.nn.ReLU()
            self.register_buffer("shift", lib.zeros(2))
            self.scale = 2

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale + self.shift
    return Net()


def _paired_nets():
    """The same Net under tensorcore and PyTorch, with PyTorch's weights."""
    torch.manual_seed(0)
    pt = _make_net(torch)
    ours = _make_net(tc)
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in pt.state_dict().items()})
    return ours, pt


def _paired_sequential():
    torch.manual_seed(1)
    pt = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    ours = tc.nn.Sequential(tc.nn.Linear(3, 4), tc.nn.ReLU(), tc.nn.Linear(4, 2))
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in pt.state_dict().items()})
    return ours, pt


X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)


def _raises(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (the type and message are what is compared)
        return type(e).__name__, str(e)
    return None


# ---- markers and annotations ----

@pytest.mark.parametrize("lib", LIBS, ids=["tensorcore", "torch"])
def test_markers_outside_compiled_code(lib):
    assert lib.jit.is_scripting() is False
    assert lib.jit.is_tracing() is False
    value = [1, 2]
    assert lib.jit.annotate(typing.List[int], value) is value
    assert lib.jit.Final is typing.Final

    def fn(x):
        return x

    assert lib.jit.ignore(fn) is fn
    assert lib.jit.unused(fn) is fn
    assert lib.jit.export(fn) is fn

    def stub(x: int) -> int:
        pass
    assert lib.jit._overload_method(stub) is stub
    assert lib.jit._overload(stub) is stub
    with pytest.raises(RuntimeError, match="can be the body of overload declaration"):
        lib.jit._overload_method(fn)


def test_marker_attributes_and_errors_match_pytorch():
    def seen(lib):
        out = []

        def f(x):
            return x
        for deco in (lib.jit.ignore, lib.jit.unused, lib.jit.export):
            deco(f)
            out.append(f._torchscript_modifier)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.jit.ignore(drop=True)(f)
        out.append((f._torchscript_modifier, [(x.category.__name__, str(x.message)) for x in w]))

        class P:
            @lib.jit.unused
            @property
            def value(self):
                return 1
        out.append(P.value.fget._torchscript_modifier)
        out.append(_raises(lambda: lib.jit.ignore(3)))
        out.append(_raises(lambda: lib.jit.interface(f)))

        class Base:
            pass

        class Derived(Base):
            pass
        out.append(_raises(lambda: lib.jit.interface(Derived)))
        out.append(lib.jit.Attribute(1, int))
        out.append([c.__name__ for c in lib.jit.Error.__mro__[1:]])
        return out
    assert seen(tc) == seen(torch)


@pytest.mark.parametrize("lib", LIBS, ids=["tensorcore", "torch"])
def test_interface_returns_the_class(lib):
    @lib.jit.interface
    class ModuleInterface(lib.nn.Module):
        def forward(self, x: typing.Any) -> typing.Any:
            pass
    assert isinstance(ModuleInterface, type) and ModuleInterface.__name__ == "ModuleInterface"
    assert hasattr(ModuleInterface, "__torch_script_interface__")


def test_jit_isinstance_matches_pytorch():
    cases = [([1, 2], typing.List[int]), ([1, "a"], typing.List[int]), ({"a": 1}, typing.Dict[str, int]),
             ({"a": "b"}, typing.Dict[str, int]), ((1, "a"), typing.Tuple[int, str]), ((1, 2), typing.Tuple[int]),
             (None, typing.Optional[int]), (3, typing.Optional[int]), ("s", typing.Optional[int]), (3, int),
             ([[1.0]], typing.List[typing.List[float]])]
    assert [tc.jit.isinstance(v, t) for v, t in cases] == [torch.jit.isinstance(v, t) for v, t in cases]


def test_script_if_tracing_runs_the_function():
    for lib in LIBS:
        @lib.jit.script_if_tracing
        def double(x):
            """Doubles."""
            return x * 2
        assert double.__name__ == "double" and double.__doc__ == "Doubles."
        assert double(lib.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]


# ---- script / trace of functions ----

def _fused_swish(lib):
    @lib.jit.script
    def swish(x):
        return x * lib.sigmoid(x)
    return swish


def test_scripted_function_values_and_gradients():
    out = {}
    for lib in LIBS:
        swish = _fused_swish(lib)
        x = lib.tensor(X, requires_grad=True)
        y = swish(x)
        y.sum().backward()
        out[lib.__name__] = (y, x.grad, swish.name, swish.qualified_name, type(swish).__name__,
                             lib.jit.script(swish) is swish)
    ours, ref = out["tensorcore"], out["torch"]
    _same_values(ours[0], ref[0])
    _same_values(ours[1], ref[1])
    assert ours[2:] == ref[2:]


def test_is_scripting_inside_scripted_function():
    for lib in LIBS:
        @lib.jit.script
        def flag(x):
            if lib.jit.is_scripting():
                return x + 1
            return x - 1
        assert flag(lib.tensor([0.0])).tolist() == [1.0], lib.__name__


def test_traced_function_calls_and_flags():
    seen = {}
    for lib in LIBS:
        calls = []

        def add(a, b, lib=lib, calls=calls):
            calls.append(lib.jit.is_tracing())
            return a + b
        traced = lib.jit.trace(add, (lib.ones(2), lib.ones(2)))
        result = traced(lib.ones(2), lib.full((2,), 3.0))
        unchecked_calls = []

        def mul(a, lib=lib, calls=unchecked_calls):
            calls.append(lib.jit.is_tracing())
            return a * 2
        lib.jit.trace(mul, lib.ones(1), check_trace=False)
        seen[lib.__name__] = (calls[:3], result.tolist(), traced.name, type(traced).__name__, unchecked_calls)
    assert seen["tensorcore"] == seen["torch"]
    assert seen["torch"][0] == [True, True, False]


def test_trace_argument_errors_match_pytorch():
    def errs(lib):
        m = lib.nn.Linear(2, 2)
        return [_raises(lambda: lib.jit.trace(m, 5))[0],
                _raises(lambda: lib.jit.script(5))]
    assert errs(tc) == errs(torch)


# ---- script / trace of modules ----

def test_scripted_and_traced_reprs_match_pytorch():
    printed = {}
    for (ours_seq, pt_seq), (ours_net, pt_net) in [(_paired_sequential(), _paired_nets())]:
        for name, seq, net in (("tensorcore", ours_seq, ours_net), ("torch", pt_seq, pt_net)):
            lib = tc if name == "tensorcore" else torch
            x = lib.tensor(X)
            printed[name] = [repr(lib.jit.script(seq)), str(lib.jit.script(net)), repr(lib.jit.trace(seq, x)),
                             str(lib.jit.trace(net, x)), repr(lib.jit.script(net).fc),
                             repr(lib.jit.trace(net, x).fc), type(lib.jit.script(net)).__name__,
                             type(lib.jit.trace(net, x)).__name__, type(lib.jit.trace(net, x).fc).__name__,
                             lib.jit.script(net).original_name, lib.jit.trace(net, x).fc.original_name]
    assert printed["tensorcore"] == printed["torch"]
    assert printed["torch"][0].startswith("RecursiveScriptModule(\n  original_name=Sequential")


def test_scripted_module_values_state_and_modes():
    out = {}
    for lib, net in zip(LIBS, _paired_nets()):
        scripted = lib.jit.script(net)
        x = lib.tensor(X, requires_grad=True)
        y = scripted(x)
        y.sum().backward()
        scripted.eval()
        row = dict(y=_np(y), grad=_np(x.grad), fc_grad=_np(net.fc.weight.grad),
                   keys=list(scripted.state_dict().keys()), names=[n for n, _ in scripted.named_parameters()],
                   shared=scripted.fc.weight is net.fc.weight, training=(scripted.training, scripted.fc.training,
                                                                         net.training, net.fc.training),
                   modules=[type(m).__name__ for m in scripted.modules()], in_features=scripted.fc.in_features,
                   hook=_raises(lambda: scripted.register_forward_hook(lambda *a: None)),
                   pre_hook=_raises(lambda: scripted.register_forward_pre_hook(lambda *a: None)))
        scripted.double()
        row["double"] = (str(scripted(lib.tensor(X, dtype=lib.float64)).dtype).split(".")[-1],
                         str(net.fc.weight.dtype).split(".")[-1])
        out[lib.__name__] = row
    ours, ref = out["tensorcore"], out["torch"]
    for key in ("y", "grad", "fc_grad"):
        np.testing.assert_allclose(ours[key], ref[key], rtol=1e-5, atol=1e-6)
    for key in ("keys", "names", "shared", "training", "modules", "in_features", "hook", "pre_hook", "double"):
        assert ours[key] == ref[key], key


def test_scripted_sequential_indexing_and_iteration():
    out = {}
    for lib, seq in zip(LIBS, _paired_sequential()):
        scripted = lib.jit.script(seq)
        out[lib.__name__] = (repr(scripted[0]), len(scripted), [repr(m) for m in scripted],
                             type(scripted._modules["0"]).__name__, scripted[0] is seq[0],
                             [a is b for a, b in zip(scripted, seq)])
    assert out["tensorcore"] == out["torch"]


def test_traced_module_values_flags_and_attributes():
    out = {}
    for lib, net in zip(LIBS, _paired_nets()):
        flags = []
        net.register_forward_pre_hook(lambda mod, args, flags=flags, lib=lib: flags.append(lib.jit.is_tracing()))
        traced = lib.jit.trace(net, lib.tensor(X))
        during_trace = list(flags)
        y = traced(lib.tensor(X))
        traced.eval()
        out[lib.__name__] = dict(
            y=_np(y), during_trace=during_trace, after=lib.jit.is_tracing(),
            training=(traced.training, net.training),
            scale=_raises(lambda: traced.scale), in_features=_raises(lambda: traced.fc.in_features),
            keys=list(traced.state_dict().keys()), buffers=[n for n, _ in traced.named_buffers()],
            shared=traced.fc.weight is net.fc.weight, subscript=_raises(lambda: traced[0]) is not None,
            again=lib.jit.script(traced) is traced)
    ours, ref = out["tensorcore"], out["torch"]
    np.testing.assert_allclose(ours.pop("y"), ref.pop("y"), rtol=1e-5, atol=1e-6)
    assert ours == ref
    assert ref["during_trace"] == [True, True, False]


def test_c_get_tracing_state_during_trace():
    out = {}
    for lib in LIBS:
        seen = []

        class Probe(lib.nn.Module):
            def forward(self, x, lib=lib, seen=seen):
                seen.append(lib._C._get_tracing_state() is not None)
                return x
        lib.jit.trace(Probe(), lib.ones(1), check_trace=False)
        out[lib.__name__] = (lib._C._get_tracing_state(), seen)
    assert out["tensorcore"] == out["torch"] == (None, [True])


def test_branch_on_is_tracing_follows_the_traced_branch():
    out = {}
    for lib in LIBS:
        class Branchy(lib.nn.Module):
            def forward(self, x, lib=lib):
                if lib.jit.is_tracing():
                    return x + 100
                return x - 100
        m = Branchy()
        traced = lib.jit.trace(m, lib.zeros(1), check_trace=False)
        out[lib.__name__] = (traced(lib.zeros(1)).tolist(), m(lib.zeros(1)).tolist())
    assert out["tensorcore"] == out["torch"] == ([100.0], [-100.0])


def test_batchnorm_running_stats_are_shared_with_the_original():
    out = {}
    for lib in LIBS:
        bn = lib.nn.BatchNorm1d(2).eval()
        scripted = lib.jit.script(bn)
        scripted.train()
        scripted(lib.tensor([[1.0, 2.0], [3.0, 6.0]]))
        out[lib.__name__] = (bn.running_mean.tolist(), scripted.running_mean.tolist(), bn.training,
                             scripted.training)
    assert out["tensorcore"] == out["torch"]


def test_load_state_dict_through_scripted_module():
    out = {}
    for lib, net in zip(LIBS, _paired_nets()):
        scripted = lib.jit.script(net)
        state = {k: v * 0 + 1 for k, v in scripted.state_dict().items()}
        result = scripted.load_state_dict(state)
        out[lib.__name__] = (scripted(lib.tensor(X)).tolist(), list(result.missing_keys),
                             list(result.unexpected_keys), net.fc.weight.tolist())
    assert out["tensorcore"] == out["torch"]


# ---- freeze / optimize_for_inference ----

def test_freeze_and_optimize_for_inference():
    out = {}
    for lib, seq in zip(LIBS, _paired_sequential()):
        errors = [_raises(lambda: lib.jit.freeze(seq)), _raises(lambda: lib.jit.freeze(lib.jit.script(seq))),
                  _raises(lambda: lib.jit.optimize_for_inference(seq))]
        frozen = lib.jit.freeze(lib.jit.script(seq).eval())
        optimized = lib.jit.optimize_for_inference(lib.jit.script(seq))
        x = lib.tensor(X)
        out[lib.__name__] = dict(
            errors=errors, repr=repr(frozen), params=len(list(frozen.parameters())),
            keys=list(frozen.state_dict().keys()), has_training=hasattr(frozen, "training"),
            y=_np(frozen(x)), y_opt=_np(optimized(x)), requires_grad=frozen(x).requires_grad,
            opt_repr=repr(optimized))
    ours, ref = out["tensorcore"], out["torch"]
    for key in ("y", "y_opt"):
        np.testing.assert_allclose(ours.pop(key), ref.pop(key), rtol=1e-5, atol=1e-6)
    assert ours == ref


# ---- save / load ----

class TcNet(tc.nn.Module):
    """Net at module level: tensorcore's jit archive pickles the module, so its class must be importable."""

    def __init__(self):
        super().__init__()
        self.fc = tc.nn.Linear(3, 2)
        self.act = tc.nn.ReLU()
        self.register_buffer("shift", tc.ones(2))

    def forward(self, x):
        return self.act(self.fc(x)) + self.shift


def test_save_load_round_trip(tmp_path):
    ours = TcNet()
    x = tc.tensor(X)
    for make in (tc.jit.script, lambda m: tc.jit.trace(m, x)):
        module = make(ours)
        path = tmp_path / "model.pt"
        tc.jit.save(module, str(path), _extra_files={"meta.txt": "hello"})
        extra = {"meta.txt": ""}
        loaded = tc.jit.load(str(path), _extra_files=extra)
        assert extra["meta.txt"] == b"hello"
        assert type(loaded) is type(module) and repr(loaded) == repr(module)
        assert loaded(x).tolist() == module(x).tolist()
        assert list(loaded.state_dict()) == list(module.state_dict())
        assert loaded.fc.weight.tolist() == ours.fc.weight.tolist()
        buffer = io.BytesIO()
        module.save(buffer)
        buffer.seek(0)
        assert tc.jit.load(buffer)(x).tolist() == module(x).tolist()


def test_save_load_errors_match_pytorch(tmp_path):
    def errs(lib, tag):
        plain = str(tmp_path / f"{tag}_plain.pt")
        lib.save({"a": lib.ones(1)}, plain)
        return [_raises(lambda: lib.jit.save(lib.nn.Linear(2, 2), str(tmp_path / f"{tag}.pt"))),
                _raises(lambda: lib.jit.load(str(tmp_path / "missing.pt")))[0],
                _raises(lambda: lib.jit.load(str(tmp_path)))[0],
                _raises(lambda: lib.jit.load(plain))[0]]
    ours, ref = errs(tc, "tc"), errs(torch, "pt")
    assert ours == ref
    assert ours[1] == "ValueError"


def test_save_of_a_local_class_explains_the_limit(tmp_path):
    net, _ = _paired_nets()  # its class is defined inside a function
    with pytest.raises(RuntimeError, match="must be importable"):
        tc.jit.save(tc.jit.script(net), str(tmp_path / "local.pt"))


def test_loading_a_pytorch_torchscript_archive_is_refused_by_name(tmp_path):
    path = str(tmp_path / "scripted_by_pytorch.pt")
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path)
    with pytest.raises(RuntimeError, match="TorchScript archive written by PyTorch"):
        tc.jit.load(path)
    assert os.path.exists(path)


# ---- fork / wait ----

def test_fork_and_wait_match_pytorch():
    def seen(lib):
        futures: typing.List[lib.jit.Future[lib.Tensor]] = []  # Future is subscriptable, as in PyTorch
        fut = lib.jit.fork(lambda a, b: a + b, lib.ones(2), b=lib.ones(2))
        futures.append(fut)
        out = [fut.done(), lib.jit.wait(fut).tolist(), fut.wait().tolist()]

        def boom(x):
            raise ValueError("boom")
        out.append(_raises(lambda: lib.jit.fork(boom, 1)))
        return out
    assert seen(tc) == seen(torch)


# ---- profiler ----

def test_record_function_context_and_decorator():
    for lib in LIBS:
        with lib.profiler.record_function("region", "args") as r:
            assert (r.name, r.args) == ("region", "args")

        @lib.profiler.record_function("deco")
        def f(x):
            return x + 1
        assert f(1) == 2 and f.__name__ == "f"
        assert lib.autograd.profiler.record_function is lib.profiler.record_function


def _user_rows(prof, names):
    """key -> count for the record_function regions (PyTorch also lists its aten:: operators)."""
    return {e.key: e.count for e in prof.key_averages() if e.key in names}


def test_profile_records_record_function_regions():
    names = {"outer", "inner"}
    out = {}
    for lib in LIBS:
        x = lib.ones(8, 8)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU]) as prof:
            with lib.profiler.record_function("outer"):
                for _ in range(3):
                    with lib.profiler.record_function("inner"):
                        x = x + 1
        rows = {e.key: e for e in prof.key_averages() if e.key in names}
        assert rows["outer"].cpu_time_total >= rows["inner"].cpu_time_total > 0
        table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=10)
        header = [line.split() for line in table.splitlines()[:3]]
        out[lib.__name__] = (_user_rows(prof, names), header[1], table.splitlines()[-1].split(":")[0],
                             type(rows["outer"].cpu_time_total).__name__)
    assert out["tensorcore"] == out["torch"]


def test_schedule_matches_pytorch():
    configs = [dict(wait=1, warmup=1, active=2), dict(wait=1, warmup=1, active=2, repeat=1),
               dict(wait=0, warmup=2, active=1, repeat=2, skip_first=3),
               dict(wait=2, warmup=1, active=1, skip_first=1, skip_first_wait=1)]
    for cfg in configs:
        ours = [a.name for a in map(tc.profiler.schedule(**cfg), range(14))]
        ref = [a.name for a in map(torch.profiler.schedule(**cfg), range(14))]
        assert ours == ref, cfg
    for bad in (dict(wait=-1, warmup=1, active=1), dict(wait=0, warmup=1, active=0)):
        assert _raises(lambda: tc.profiler.schedule(**bad)) == _raises(lambda: torch.profiler.schedule(**bad))
    for lib in LIBS:
        with pytest.warns(UserWarning, match="won't be using warmup"):
            lib.profiler.schedule(wait=1, warmup=0, active=1)
    assert repr(tc.profiler.ProfilerActivity.CPU) == repr(torch.profiler.ProfilerActivity.CPU)
    assert [(m, v.value) for m, v in tc.profiler.ProfilerAction.__members__.items()] == \
        [(m, v.value) for m, v in torch.profiler.ProfilerAction.__members__.items()]


def test_profile_with_schedule_calls_on_trace_ready_per_cycle():
    out = {}
    for lib in LIBS:
        ready = []

        def on_ready(prof, ready=ready):
            ready.append((prof.step_num, sorted(k for k in _user_rows(prof, {f"ProfilerStep#{i}" for i in range(8)}
                                                                     | {"work"}))))
        with lib.profiler.profile(schedule=lib.profiler.schedule(wait=1, warmup=1, active=2, repeat=2),
                                  on_trace_ready=on_ready) as prof:
            for _ in range(8):
                with lib.profiler.record_function("work"):
                    lib.ones(2) + 1
                prof.step()
        out[lib.__name__] = ready
    assert out["tensorcore"] == out["torch"]
    assert len(out["torch"]) == 2


# Module-level twins: PyTorch compiles these classes, so they name their library through a global.
class TorchWithExport(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)

    @torch.jit.export
    def scale(self, x):
        return x * (3.0 if torch.jit.is_scripting() else 5.0)

    @torch.jit.ignore
    def python_only(self, x: torch.Tensor) -> bool:
        return torch.jit.is_scripting()

    def forward(self, x):
        return self.scale(x)


class TcWithExport(tc.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = tc.nn.Linear(2, 2)

    @tc.jit.export
    def scale(self, x):
        return x * (3.0 if tc.jit.is_scripting() else 5.0)

    @tc.jit.ignore
    def python_only(self, x):
        return tc.jit.is_scripting()

    def forward(self, x):
        return self.scale(x)


TorchWithExport.__name__ = TcWithExport.__name__ = "WithExport"  # the reprs print the class name


def test_trace_of_a_module_with_exported_methods_is_a_recursive_script_module():
    out = {}
    for lib, cls in ((tc, TcWithExport), (torch, TorchWithExport)):
        m = cls()
        traced = lib.jit.trace(m, lib.ones(1, 2), check_trace=False)
        scripted = lib.jit.script(m)
        out[lib.__name__] = (repr(traced), type(traced).__name__, traced(lib.ones(1, 2)).tolist(),
                             scripted.scale(lib.ones(1)).tolist(), scripted(lib.ones(1)).tolist(),
                             scripted.python_only(lib.ones(1)), m(lib.ones(1)).tolist())
    assert out["tensorcore"] == out["torch"]


@torch.jit.script
def torch_swish(x):
    return x * torch.sigmoid(x)


@tc.jit.script
def tc_swish(x):
    return x * tc.sigmoid(x)


class TorchBlock(torch.nn.Module):
    use_act: torch.jit.Final[bool]

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 3)
        self.use_act = True

    @torch.jit.unused
    def debug(self, x):
        return x

    def forward(self, x):
        feats: typing.List[torch.Tensor] = torch.jit.annotate(typing.List[torch.Tensor], [])
        y = self.fc(x)
        if self.use_act:
            y = torch_swish(y)
        feats.append(y)
        if not torch.jit.is_scripting() and not torch.jit.is_tracing():
            feats.append(y * 10)
        return torch.stack(feats).sum(0)


class TcBlock(tc.nn.Module):
    use_act: tc.jit.Final[bool]

    def __init__(self):
        super().__init__()
        self.fc = tc.nn.Linear(3, 3)
        self.use_act = True

    @tc.jit.unused
    def debug(self, x):
        return x

    def forward(self, x):
        feats: typing.List[tc.Tensor] = tc.jit.annotate(typing.List[tc.Tensor], [])
        y = self.fc(x)
        if self.use_act:
            y = tc_swish(y)
        feats.append(y)
        if not tc.jit.is_scripting() and not tc.jit.is_tracing():
            feats.append(y * 10)
        return tc.stack(feats).sum(0)


def test_program_with_timm_style_markers_matches_pytorch():
    """A block using Final, annotate, unused, a scripted activation and an
    is_scripting/is_tracing branch: eager, scripted and traced values."""
    torch.manual_seed(3)
    pt = TorchBlock()
    ours = TcBlock()
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in pt.state_dict().items()})
    results = []
    for lib, m in ((tc, ours), (torch, pt)):
        x = lib.tensor(X)
        results.append([_np(m(x)), _np(lib.jit.script(m)(x)), _np(lib.jit.trace(m, x, check_trace=False)(x))])
    for got, ref in zip(*results):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    assert not np.allclose(results[1][0], results[1][1])  # the eager branch differs from the compiled one


def test_malformed_calls_raise_pytorchs_exception_types():
    def kinds(lib):
        cases = [lambda: lib.jit.trace(None, lib.ones(1)), lambda: lib.jit.trace(lib.nn.Linear(1, 1)),
                 lambda: lib.jit.trace(lambda x: x),
                 lambda: lib.jit.trace(lib.nn.Linear(1, 1), example_kwarg_inputs=5),
                 lambda: lib.jit.load(123), lambda: lib.jit.load(io.BytesIO(b"junkjunk")),
                 lambda: lib.jit.save(lib.jit.script(lib.nn.Linear(1, 1)), 123),
                 lambda: lib.jit.fork(5), lambda: lib.jit.wait(5),
                 lambda: lib.profiler.record_function(5).__enter__(), lambda: lib.profiler.schedule(wait=1),
                 lambda: lib.profiler.profile().events(), lambda: lib.profiler.profile().key_averages(),
                 lambda: lib.jit.freeze(None), lambda: lib.jit.interface(5)]
        out = []
        for case in cases:
            raised = _raises(case)
            out.append(raised[0] if raised else None)
        out.append(list(lib.jit.script([1, 2])))
        return out
    assert kinds(tc) == kinds(torch)


def test_jit_internal_and_annotations_names():
    import importlib

    def seen(lib):
        internal = importlib.import_module(lib.__name__ + "._jit_internal")
        annotations = importlib.import_module(lib.__name__ + ".jit.annotations")
        pick = internal.boolean_dispatch("flag", 1, False, lambda x, flag=False: ("true", x),
                                         lambda x, flag=False: ("false", x), None, "pick")
        return [annotations.BroadcastingList2[int], internal.BroadcastingList3[float], annotations.List[int],
                annotations.Optional[int], internal.Final is typing.Final, internal.is_scripting(), pick(1),
                pick(1, True), pick(1, flag=True), pick.__name__]
    assert seen(tc) == seen(torch)


class TorchMaybeUnused(torch.nn.Module):
    def __init__(self, efficient: bool):
        super().__init__()
        self.efficient = efficient

    @torch.jit.unused
    def memory_efficient(self, x):
        return x + 10

    def forward(self, x):
        if self.efficient:
            return self.memory_efficient(x)
        return x + 1


class TcMaybeUnused(tc.nn.Module):
    def __init__(self, efficient):
        super().__init__()
        self.efficient = efficient

    @tc.jit.unused
    def memory_efficient(self, x):
        return x + 10

    def forward(self, x):
        if self.efficient:
            return self.memory_efficient(x)
        return x + 1


def test_unused_method_raises_inside_scripted_code_only(tmp_path):
    out = {}
    for lib, cls in ((tc, TcMaybeUnused), (torch, TorchMaybeUnused)):
        x = lib.ones(1)
        scripted = lib.jit.script(cls(True))
        raised = _raises(lambda: scripted(x))
        out[lib.__name__] = (lib.jit.script(cls(False))(x).tolist(), raised[0],
                             "annotated to be ignored and cannot be run" in raised[1],
                             scripted.memory_efficient(x).tolist(), cls(True)(x).tolist(),
                             lib.jit.trace(cls(True), x, check_trace=False)(x).tolist())
    assert out["tensorcore"] == out["torch"]
    path = str(tmp_path / "unused.pt")
    tc.jit.save(tc.jit.script(TcMaybeUnused(True)), path)
    with pytest.raises(tc.jit.Error):
        tc.jit.load(path)(tc.ones(1))


def test_torchscript_executor_switches_in_c():
    """timm's set_jit_fuser and NVIDIA's scripts flip these before scripting."""
    def seen(lib):
        C = lib._C
        out = [C._jit_can_fuse_on_cpu(), C._jit_can_fuse_on_gpu(), C._jit_texpr_fuser_enabled(),
               C._get_graph_executor_optimize(), C._jit_llga_enabled(),
               C._jit_set_profiling_executor(False), C._jit_set_profiling_executor(True),
               C._jit_set_profiling_mode(True), C._jit_override_can_fuse_on_cpu(True), C._jit_can_fuse_on_cpu(),
               C._jit_override_can_fuse_on_cpu(False), C._jit_set_texpr_fuser_enabled(False),
               C._jit_texpr_fuser_enabled(), C._jit_set_texpr_fuser_enabled(True),
               C._jit_set_num_profiled_runs(3), C._jit_set_num_profiled_runs(1),
               C._jit_set_llga_enabled(True), lib.jit.onednn_fusion_enabled(), C._jit_set_llga_enabled(False)]
        out.append(_raises(lambda: C._jit_set_profiling_executor("x"))[0])
        return out
    assert seen(tc) == seen(torch)


def test_shared_submodule_and_containers_in_script_and_trace():
    def seen(lib):
        class Shared(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(2)])
                self.heads = lib.nn.ModuleDict({"a": lib.nn.Linear(2, 1), "b": lib.nn.Identity()})
                self.shared = self.layers[0]

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return self.heads["a"](x)
        m = Shared()
        out = []
        for made in (lib.jit.script(m), lib.jit.trace(m, lib.ones(1, 2))):
            out += [repr(made), list(made.state_dict()), [n for n, _ in made.named_modules()],
                    [n for n, _ in made.named_parameters()], made.shared.weight is m.layers[0].weight]
        return out
    assert seen(tc) == seen(torch)


def test_assigning_modules_to_a_script_module():
    def seen(lib):
        scripted = lib.jit.script(lib.nn.Sequential(lib.nn.Linear(2, 2)))
        out = [_raises(lambda: setattr(scripted, "0", lib.nn.Linear(2, 2))),
               _raises(lambda: setattr(lib.jit.trace(lib.nn.Linear(2, 2), lib.ones(1, 2)), "extra",
                                       lib.nn.Linear(2, 2)))]
        replacement = lib.nn.Linear(2, 2)
        with lib.no_grad():
            replacement.weight.fill_(1.0)
            replacement.bias.fill_(0.5)
        setattr(scripted, "0", lib.jit.script(replacement))
        out += [repr(scripted), scripted(lib.ones(1, 2)).tolist(), list(scripted.state_dict())]
        return out
    ours, ref = seen(tc), seen(torch)
    assert [o[0] if isinstance(o, tuple) else o for o in ours] == [r[0] if isinstance(r, tuple) else r for r in ref]
    assert ours[0][1].split(":")[0] == ref[0][1].split(":")[0]


def test_save_load_of_a_scripted_function(tmp_path):
    path = str(tmp_path / "swish.pt")
    tc.jit.save(tc_swish, path)
    loaded = tc.jit.load(path)
    x = tc.tensor(X)
    assert type(loaded).__name__ == "ScriptFunction" and loaded.name == "tc_swish"
    assert loaded(x).tolist() == tc_swish(x).tolist()
    _same_values(loaded(x), torch_swish(torch.tensor(X)))


class TorchCallsIgnored(torch.nn.Module):
    @torch.jit.ignore
    def in_python(self, x: torch.Tensor) -> bool:
        return torch.jit.is_scripting()

    def forward(self, x):
        if self.in_python(x):
            return x + 1
        if torch.jit.is_scripting():
            return x + 2
        return x + 3


class TcCallsIgnored(tc.nn.Module):
    @tc.jit.ignore
    def in_python(self, x):
        return tc.jit.is_scripting()

    def forward(self, x):
        if self.in_python(x):
            return x + 1
        if tc.jit.is_scripting():
            return x + 2
        return x + 3


def test_ignored_method_runs_as_python_inside_scripted_code(tmp_path):
    out = {}
    for lib, cls in ((tc, TcCallsIgnored), (torch, TorchCallsIgnored)):
        x = lib.zeros(1)
        scripted = lib.jit.script(cls())
        out[lib.__name__] = (scripted(x).tolist(), cls()(x).tolist(), scripted.in_python(x))
    assert out["tensorcore"] == out["torch"] == ([2.0], [3.0], False)
    path = str(tmp_path / "ignored.pt")
    tc.jit.save(tc.jit.script(TcCallsIgnored()), path)
    assert tc.jit.load(path)(tc.zeros(1)).tolist() == [2.0]
