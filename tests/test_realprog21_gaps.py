"""Differences found by running real public PyTorch programs under tensorcore
(tests/real_programs, helper realprog21: lucidrains' einops models, llama2.c,
minLoRA, ...), each reduced to a repro and compared with PyTorch here. Every case
failed or differed before its fix."""
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _raised(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None


def _structure(module):
    """What a program sees of a module: parameter names and shapes, state_dict keys, child names."""
    return ([(n, tuple(p.shape)) for n, p in module.named_parameters()], list(module.state_dict().keys()),
            [n for n, _ in module.named_children()])


def _nested_parameter_lists(lib):
    # lucidrains/vit-pytorch normalized_vit.py: a ParameterList of per-layer ParameterLists.
    scales = lib.nn.ParameterList([])
    for _ in range(2):
        scales.append(lib.nn.ParameterList([lib.nn.Parameter(lib.ones(3)), lib.nn.Parameter(lib.ones(3))]))
    return scales


def _mixed_parameter_list(lib):
    pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)), lib.nn.Linear(2, 3), 5, lib.zeros(1)])
    pl[2] = lib.nn.ParameterList([lib.ones(4)])
    return pl


def _parameter_dict_with_module(lib):
    return lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones(2)), "b": lib.nn.ParameterList([lib.ones(1)]),
                                 "c": 3, "d": lib.nn.Linear(1, 1)})


@pytest.mark.parametrize("build", [_nested_parameter_lists, _mixed_parameter_list, _parameter_dict_with_module],
                         ids=["nested_lists", "mixed_list", "dict_with_modules"])
def test_module_entries_of_parameter_containers_are_submodules(build):
    ours, theirs = build(tc), build(torch)
    assert _structure(ours) == _structure(theirs)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    assert repr(ours).replace("tensorcore.", "torch.") == repr(theirs)


def test_parameter_dict_refuses_non_string_key_like_torch():
    def set_int_key(lib):
        lib.nn.ParameterDict()[1] = lib.ones(1)
    assert _raised(set_int_key, tc) == _raised(set_int_key, torch)
    assert _raised(set_int_key, tc)[0] == "TypeError"


def test_optimizer_sees_nested_parameter_list_entries():
    # Before the fix the inner lists' parameters were not the module's, so Adam never updated them.
    for lib in (tc, torch):
        lib.manual_seed(0)
    ours, theirs = _nested_parameter_lists(tc), _nested_parameter_lists(torch)
    results = []
    for lib, scales in ((tc, ours), (torch, theirs)):
        opt = lib.optim.SGD(scales.parameters(), lr=0.5)
        loss = sum((a * b).sum() for a, b in scales)
        loss.backward()
        opt.step()
        results.append([p.detach().numpy().tolist() for p in scales.parameters()])
    assert results[0] == results[1]


# Tensor.set_ (Note [set_ rebinds, it does not copy]): torch.nn.utils.parametrize sets originals with it.
def _set_results(lib):
    out = []
    source = lib.arange(6.0)
    a = lib.zeros(3)
    alias_of_old = a.detach()
    version = a._version
    a.set_(source)
    out += [a, alias_of_old, a._version - version]
    source[0] = 7.0  # a views source's memory now
    out.append(a.clone())
    b = lib.zeros(1)
    b.set_(source, 1, (2, 2), (1, 2))
    out += [b, list(b.stride())]
    c = lib.zeros(1)
    c.set_(source, 2, (2,))
    out.append(c)
    d = lib.zeros(1)
    d.set_(source, 1, (3,), (0,))  # an expanded view: set_ accepts it
    out.append(d)
    e = lib.zeros(2, dtype=lib.bool)
    out.append(e.set_())
    with lib.no_grad():
        p = lib.nn.Parameter(lib.zeros(2))
        out.append(type(p.set_(lib.ones(2))).__name__)
    out.append(p)
    return out


def test_set_rebinds_like_torch():
    ours, theirs = _set_results(tc), _set_results(torch)
    assert len(ours) == len(theirs)
    for x, y in zip(ours, theirs):
        if isinstance(y, torch.Tensor):
            assert list(x.shape) == list(y.shape) and str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1]
            assert x.detach().numpy().tolist() == y.detach().numpy().tolist()
        else:
            assert x == y


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(3).set_(lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.zeros(1, dtype=lib.int64).set_(lib.ones(1, dtype=lib.int32)),
    lambda lib: lib.zeros(1, dtype=lib.float16).set_(lib.ones(1, dtype=lib.bfloat16)),
    lambda lib: lib.zeros(3, requires_grad=True).set_(lib.ones(2)),
    lambda lib: lib.zeros(3).set_(5),
    lambda lib: lib.zeros(3).set_("x"),
], ids=["double_into_float", "int_into_long", "bf16_into_half", "leaf_requires_grad", "int_source", "str_source"])
def test_set_errors_like_torch(call):
    ours, theirs = _raised(call, tc), _raised(call, torch)
    assert ours is not None and theirs is not None
    assert ours[0] == theirs[0]
    if ours[0] == "RuntimeError":
        assert ours[1] == theirs[1]


class _Symmetric:
    """Builds PyTorch's parametrize tutorial parametrization in either library."""

    @staticmethod
    def make(lib):
        class Symmetric(lib.nn.Module):
            def forward(self, x):
                return x.triu() + x.triu(1).transpose(-1, -2)

            def right_inverse(self, a):
                return a.triu()
        return Symmetric()


class _Double:
    @staticmethod
    def make(lib):
        class Double(lib.nn.Module):
            def forward(self, x):
                return 2 * x

            def right_inverse(self, a):
                return a / 2
        return Double()


def _parametrize_story(lib):
    """minLoRA's demo cell 16 in miniature, plus the other places PyTorch set_s an original."""
    P = lib.nn.utils.parametrize
    lib.manual_seed(0)
    out = []
    m = lib.nn.Linear(3, 3)
    P.register_parametrization(m, "weight", _Symmetric.make(lib))
    original = m.parametrizations.weight.original
    w = lib.eye(3)
    m.weight = w  # right_inverse, then original.set_(w.triu())
    out += [m.parametrizations.weight.original is original, original.detach().clone()]
    before = dict(m.state_dict())
    opt = lib.optim.SGD(m.parameters(), lr=0.1)
    m(lib.ones(2, 3)).sum().backward()
    opt.step()
    out += [original.detach().clone(), before["parametrizations.weight.original"]]
    kept = dict(m.state_dict())
    P.remove_parametrizations(m, "weight", leave_parametrized=True)
    # The state_dict taken before removal keeps the unparametrized original (set_, not copy_).
    out += [m.weight.detach().clone(), m.weight is original, kept["parametrizations.weight.original"]]
    a, b = lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)
    P.register_parametrization(a, "weight", _Double.make(lib))
    P.transfer_parametrizations_and_params(a, b)
    out.append(b.parametrizations.weight.original is a.parametrizations.weight.original)
    wn = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 2))
    P.remove_parametrizations(wn, "weight")
    out += [type(wn.weight).__name__, wn.weight.requires_grad]
    return out


def test_parametrize_sets_originals_like_torch():
    ours, theirs = _parametrize_story(tc), _parametrize_story(torch)
    assert len(ours) == len(theirs)
    for i, (x, y) in enumerate(zip(ours, theirs)):
        if isinstance(y, torch.Tensor):
            assert x.numpy().flatten().tolist() == pytest.approx(y.numpy().flatten().tolist(), abs=1e-6), i
        else:
            assert x == y, i


# torch.__version__ (Note [tensorcore reports the PyTorch version it implements]): lucidrains'
# denoising-diffusion-pytorch asserts version.parse(torch.__version__) >= 2.0 before flash attention.
def test_version_is_the_pytorch_release_implemented():
    assert str(tc.__version__) == str(torch.__version__)
    assert type(tc.__version__).__name__ == "TorchVersion" and isinstance(tc.__version__, str)
    assert tc.version.__version__ == torch.version.__version__
    assert (tc.version.cuda, tc.version.debug, tc.version.hip) == (torch.version.cuda, torch.version.debug,
                                                                  torch.version.hip)
    assert isinstance(tc.__tensorcore_version__, str)


@pytest.mark.parametrize("other", ["2.0", "2.13", "2.13.0", "2.13.0+cpu", "2.14", "1.9.1", "10.0", (2, 0), (2, 13, 0),
                                   [2, 14], "parrot", "2.13.0a0"])
def test_torch_version_compares_like_torch(other):
    from tensorcore.torch_version import TorchVersion as OurVersion
    from torch.torch_version import TorchVersion
    for version in ("2.13.0+cpu", "1.10.0", "2.1"):
        ours, theirs = OurVersion(version), TorchVersion(version)
        for op in ("__lt__", "__le__", "__eq__", "__ge__", "__gt__"):
            assert getattr(ours, op)(other) == getattr(theirs, op)(other), (version, op, other)


# einops under `import tensorcore as torch` (Note [An einops backend for tensorcore]): einops' own torch
# operations run on tensorcore tensors, compared with the same calls on PyTorch tensors.
_EINOPS_CALLS = {
    "rearrange_patches": lambda e, x: e.rearrange(x, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=2, p2=3),
    "rearrange_merge": lambda e, x: e.rearrange(x, "b c h w -> (b h) (w c)"),
    "rearrange_ellipsis": lambda e, x: e.rearrange(x, "b ... w -> b (...) w"),
    "repeat_new_axis": lambda e, x: e.repeat(x[0, 0], "h w -> b h w", b=3),
    "repeat_tile": lambda e, x: e.repeat(x, "b c h w -> b c (h 2) w"),
    "reduce_mean": lambda e, x: e.reduce(x, "b c h w -> b c", "mean"),
    "reduce_max_pool": lambda e, x: e.reduce(x, "b c (h 2) (w 2) -> b c h w", "max"),
    "reduce_min": lambda e, x: e.reduce(x, "b c h w -> c", "min"),
    "reduce_prod": lambda e, x: e.reduce(x / 40, "b c h w -> b w", "prod"),
    "reduce_keep_axis": lambda e, x: e.reduce(x, "b c h w -> b c 1 1", "sum"),
    "einsum": lambda e, x: e.einsum(x, x, "b c h w, b c h w -> b c"),
    "pack": lambda e, x: e.pack([x, x[:, 0]], "b * w")[0],
    "unpack": lambda e, x: e.unpack(*e.pack([x, x[:, 0]], "b * w"), "b * w")[1],
}


@pytest.mark.parametrize("name", sorted(_EINOPS_CALLS))
def test_einops_runs_on_tensorcore_tensors_like_torch(name):
    einops = pytest.importorskip("einops")
    call = _EINOPS_CALLS[name]
    ours = call(einops, tc.arange(2 * 3 * 4 * 6, dtype=tc.float32).reshape(2, 3, 4, 6))
    theirs = call(einops, torch.arange(2 * 3 * 4 * 6, dtype=torch.float32).reshape(2, 3, 4, 6))
    assert isinstance(ours, tc.Tensor)
    assert list(ours.shape) == list(theirs.shape)
    assert ours.numpy().tolist() == theirs.numpy().tolist()


def test_einops_errors_like_torch():
    einops = pytest.importorskip("einops")

    def bad_split(lib):
        einops.rearrange(lib.zeros(2, 3), "a (b c) -> a b c", b=2)
    ours, theirs = _raised(bad_split, tc), _raised(bad_split, torch)
    assert ours[0] == theirs[0] == "EinopsError"
    assert ours[1].replace("tensorcore.", "torch.") == theirs[1]


# torch._dynamo (Note [torch._dynamo without a compiler]): einops' own test suite sets
# torch._dynamo.config.verbose before torch.compile; programs set cache_size_limit / suppress_errors.
def _dynamo_story(lib):
    import importlib
    dynamo = importlib.import_module(lib.__name__ + "._dynamo")
    config = dynamo.config
    out = [config.cache_size_limit, config.suppress_errors, config.verbose, config.recompile_limit]
    config.cache_size_limit = 64
    out.append(config.cache_size_limit)
    config.cache_size_limit = 8
    with config.patch(verbose=True):
        out.append(config.verbose)
    out.append(config.verbose)

    @config.patch("capture_scalar_outputs", True)
    def inside():
        return config.capture_scalar_outputs
    out += [inside(), config.capture_scalar_outputs]
    for bad in (lambda: config.no_such_setting, lambda: setattr(config, "no_such_setting", 1)):
        try:
            bad()
        except AttributeError as e:
            out.append(str(e).replace(lib.__name__ + ".", "torch."))
    dynamo.reset()

    def add_one(x):
        return x + 1
    x = lib.ones(3, 4)
    out += [dynamo.disable(add_one)(x).sum().item(), dynamo.disable()(add_one)(x).sum().item(),
            dynamo.allow_in_graph(add_one)(x).sum().item(), dynamo.is_compiling()]
    dynamo.mark_dynamic(x, 0)
    dynamo.mark_static(x)
    out.append(dynamo.optimize("eager")(lambda t: t * 2)(x).sum().item())
    out.append(type(dynamo.optimize("inductor")(lib.nn.Linear(2, 2))).__name__)
    return out


def test_dynamo_config_and_markers_like_torch():
    assert _dynamo_story(tc) == _dynamo_story(torch)


def test_dynamo_is_an_attribute_after_plain_import():
    # `import torch; torch._dynamo.config.verbose = True` (einops' tests) needs no `import torch._dynamo`.
    import subprocess
    import sys
    code = "import tensorcore; tensorcore._dynamo.config.verbose = True; print(tensorcore._dynamo.config.verbose)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
