"""Gaps found by running real programs (realprog26), each checked against PyTorch.

- Tensor.storage() / untyped_storage() (devnag's GAN prints v.data.storage().tolist()).
- torch.nn.parallel._functions (kimiyoung/transformer-xl imports Scatter for its BalancedDataParallel).
- channels_last results of convolutions, 2-d poolings and constant padding (rosinality/vq-vae-2-pytorch's PixelSNAIL:
  a dropout after them draws its mask in memory order).
"""
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _both(fn):
    return fn(torch), fn(tc)


# ---- storages ----

def test_storage_reads_the_whole_storage_of_a_view():
    def run(lib):
        x = lib.arange(6.0).view(2, 3)[1:]
        s = x.storage()
        return s.tolist(), s.size(), len(s), s.element_size(), s.nbytes(), s[4], s.data_ptr() == x.data_ptr() - 12
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        tc.storage._WARNED.clear()
        got = run(tc)
    assert got == run(torch)


def test_storage_writes_alias_the_tensor_and_set_takes_a_storage():
    def run(lib):
        x = lib.arange(4.0)
        s = x.storage()
        s[0] = 7
        y = lib.empty(0)
        y.set_(s, 1, (2,), (1,))
        z = lib.empty(0)
        z.set_(x.untyped_storage())
        c = s.clone()
        c[1] = 100
        return x.tolist(), y.tolist(), z.tolist(), c.tolist(), s.double().tolist()
    assert run(tc) == run(torch)


def test_untyped_storage_is_bytes():
    def run(lib):
        x = lib.tensor([1.0, 2.0])
        u = x.untyped_storage()
        return u.nbytes(), len(u), u.tolist(), u[5], u[4:8].tolist(), u.data_ptr() == x.data_ptr()
    assert run(tc) == run(torch)


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "float16"])
def test_storage_prints_as_pytorch(dtype):
    def run(lib):
        return str(lib.zeros(2, dtype=getattr(lib, dtype)).storage()).replace("tensorcore.", "torch.")
    assert run(tc) == run(torch)


def test_storage_refuses_slices_and_bad_indices_as_pytorch():
    for lib in (torch, tc):
        s = lib.arange(3.0).storage()
        with pytest.raises(RuntimeError, match="slices are only supported in UntypedStorage"):
            s[0:2]
        with pytest.raises(IndexError):
            s[3]


def test_storage_classes_are_exported():
    x = tc.ones(2)
    assert isinstance(x.storage(), tc.TypedStorage)
    assert isinstance(x.untyped_storage(), tc.UntypedStorage)
    assert tc.TypedStorage(3, dtype=tc.int64).size() == torch.TypedStorage(3, dtype=torch.int64).size()
    assert tc.UntypedStorage(5).nbytes() == torch.UntypedStorage(5).nbytes()


# ---- nn.parallel._functions ----

def test_parallel_functions_refuse_cpu_tensors_as_a_cpu_pytorch():
    from tensorcore.nn.parallel._functions import Broadcast, Gather, ReduceAddCoalesced, Scatter
    from torch.nn.parallel import _functions as tf
    for ours, theirs, args in ((Scatter, tf.Scatter, (["cpu"], None, 0)), (Gather, tf.Gather, (-1, 0)),
                               (Broadcast, tf.Broadcast, ([-1],)), (ReduceAddCoalesced, tf.ReduceAddCoalesced, (-1, 1))):
        with pytest.raises(Exception) as want:
            theirs.apply(*args, torch.ones(2, requires_grad=True))
        with pytest.raises(type(want.value)):
            ours.apply(*args, tc.ones(2, requires_grad=True))
    with pytest.raises(AttributeError):  # the CPU build lacks torch._C._scatter
        Scatter.apply([-1], None, 0, tc.ones(2))
    assert issubclass(Scatter, tc.autograd.Function)


# ---- channels_last results ----

def _cl(lib, *shape):
    return lib.arange(float(_numel(shape))).div(7).sin().view(*shape).contiguous(memory_format=lib.channels_last)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@pytest.mark.parametrize("case", ["conv", "conv_f64", "conv_weight_cl", "conv_groups", "conv_transpose", "max_pool",
                                  "max_pool_indices", "avg_pool", "adaptive_avg_pool", "pad", "conv_empty_batch",
                                  "conv_row_major"])
def test_layout_following_ops_keep_channels_last(case):
    def run(lib):
        F = lib.nn.functional
        x = _cl(lib, 2, 3, 5, 5)
        w = lib.arange(108.0).div(50).cos().view(4, 3, 3, 3)
        out = {
            "conv": lambda: F.conv2d(x, w, padding=1),
            "conv_f64": lambda: F.conv2d(x.double(), w.double()),
            "conv_weight_cl": lambda: F.conv2d(x.contiguous(), w.contiguous(memory_format=lib.channels_last)),
            "conv_groups": lambda: F.conv2d(_cl(lib, 2, 4, 5, 5), w[:, :1].repeat(1, 1, 1, 1), groups=4),
            "conv_transpose": lambda: F.conv_transpose2d(x, w[:3, :2], stride=2),
            "max_pool": lambda: F.max_pool2d(x, 2),
            "max_pool_indices": lambda: F.max_pool2d(x, 2, return_indices=True)[1],
            "avg_pool": lambda: F.avg_pool2d(x, 2),
            "adaptive_avg_pool": lambda: F.adaptive_avg_pool2d(x, 3),
            "pad": lambda: F.pad(x, (1, 2, 0, 1)),
            "conv_empty_batch": lambda: F.conv2d(_cl(lib, 0, 3, 5, 5), w),
            "conv_row_major": lambda: F.conv2d(x.contiguous(), w),
        }[case]()
        return out.stride(), out.tolist()
    got, want = run(tc), run(torch)
    assert got[0] == want[0]
    assert _close(got, want)


def _close(a, b):
    import numpy as np
    return a[0] == b[0] and np.allclose(np.array(a[1]), np.array(b[1]), rtol=1e-5, atol=1e-6)


def test_dropout_after_a_channels_last_conv_drops_what_pytorch_drops():
    def run(lib):
        lib.manual_seed(0)
        conv = lib.nn.Conv2d(3, 4, 3)
        x = _cl(lib, 2, 3, 6, 6).requires_grad_()
        lib.manual_seed(1)
        y = lib.nn.functional.dropout(conv(x), 0.5)
        y.sum().backward()
        return (y == 0).flatten().tolist(), y.grad_fn.name(), conv.weight.grad.sum().item(), x.grad.sum().item()
    got, want = run(tc), run(torch)
    assert got[:2] == want[:2]
    assert got[2:] == pytest.approx(want[2:], rel=1e-5)


def test_channels_last_conv_keeps_its_autograd_node():
    def run(lib):
        x = _cl(lib, 1, 3, 4, 4).requires_grad_()
        y = lib.nn.functional.conv2d(x, lib.ones(2, 3, 1, 1, requires_grad=True))
        return y.grad_fn.name(), y.stride(), y.is_contiguous(memory_format=lib.channels_last)
    assert run(tc) == run(torch)


# ---- torch.hub / torch.utils.model_zoo (lukemelas/EfficientNet-PyTorch imports model_zoo at module level) ----

def test_hub_dir_follows_torch_home_and_set_dir(monkeypatch, tmp_path):
    for lib in (torch, tc):
        monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
        monkeypatch.setattr(lib.hub, "_hub_dir", None)
        assert lib.hub.get_dir() == str(tmp_path / "th" / "hub")
        lib.hub.set_dir(str(tmp_path / "elsewhere"))
        assert lib.hub.get_dir() == str(tmp_path / "elsewhere")
        monkeypatch.setattr(lib.hub, "_hub_dir", None)


def test_load_state_dict_from_url_downloads_once_and_checks_the_hash(tmp_path, capsys):
    import hashlib
    src = tmp_path / "weights.pth"
    tc.save({"w": tc.arange(3.0)}, str(src))
    prefix = hashlib.sha256(src.read_bytes()).hexdigest()[:8]
    named = tmp_path / f"net-{prefix}.pth"
    named.write_bytes(src.read_bytes())
    model_dir = tmp_path / "ckpt"
    state = tc.hub.load_state_dict_from_url(named.as_uri(), model_dir=str(model_dir), check_hash=True)
    assert state["w"].tolist() == [0.0, 1.0, 2.0]
    assert f'Downloading: "{named.as_uri()}" to {model_dir / named.name}' in capsys.readouterr().out
    tc.hub.load_state_dict_from_url(named.as_uri(), model_dir=str(model_dir))  # cached: no second download
    assert "Downloading" not in capsys.readouterr().out
    bad = tmp_path / "net-0000abcd.pth"
    bad.write_bytes(src.read_bytes())
    with pytest.raises(RuntimeError, match="invalid hash value"):
        tc.hub.load_state_dict_from_url(bad.as_uri(), model_dir=str(tmp_path / "other"), check_hash=True)
    assert not (tmp_path / "other" / bad.name).exists()
    # torch reads the checkpoint tensorcore cached, through the same cache layout
    assert torch.hub.load_state_dict_from_url(named.as_uri(), model_dir=str(model_dir))["w"].tolist() == [0, 1, 2]


def test_model_zoo_load_url_is_the_hub_loader():
    from tensorcore.utils import model_zoo
    assert model_zoo.load_url is tc.hub.load_state_dict_from_url


def test_hub_load_runs_a_local_hubconf_entry_point(tmp_path):
    (tmp_path / "hubconf.py").write_text(
        "dependencies = ['torch']\n"
        "import torch\n"
        "def tiny(out=2):\n"
        "    '''A tiny model.'''\n"
        "    torch.manual_seed(0)\n"
        "    return torch.nn.Linear(3, out)\n"
        "def _private():\n"
        "    pass\n")
    got = tc.hub.load(str(tmp_path), "tiny", source="local", out=4)
    want = torch.hub.load(str(tmp_path), "tiny", source="local", out=4)
    assert got.weight.flatten().tolist() == pytest.approx(want.weight.flatten().tolist())
    for lib in (torch, tc):
        with pytest.raises(RuntimeError, match="Cannot find callable missing in hubconf"):
            lib.hub.load(str(tmp_path), "missing", source="local")
        with pytest.raises(ValueError, match="Unknown source"):
            lib.hub.load(str(tmp_path), "tiny", source="ftp")


# ---- small modules programs import ----

def test_nn_modules_utils_parsers_and_ddp_prefix():
    from tensorcore.nn.modules import utils as ours
    from torch.nn.modules import utils as theirs
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        for arg in (3, (1, 2), [4, 5, 6]):
            assert getattr(ours, name)(arg) == getattr(theirs, name)(arg)
    assert ours._reverse_repeat_tuple((1, 2, 3), 2) == theirs._reverse_repeat_tuple((1, 2, 3), 2)
    assert ours._list_with_default([None, 3], [8, 9, 10]) == theirs._list_with_default([None, 3], [8, 9, 10])
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        ours._list_with_default([None, 3], [8])

    def stripped(lib, utils):
        sd = lib.nn.DataParallel(lib.nn.Sequential(lib.nn.Linear(2, 2))).state_dict()
        utils.consume_prefix_in_state_dict_if_present(sd, "module.")
        return list(sd.keys()), dict(sd._metadata)
    assert stripped(tc, ours) == stripped(torch, theirs)


def test_utils_dlpack_round_trip_and_is_storage():
    from tensorcore.utils import dlpack
    x = tc.arange(4.0)
    y = dlpack.from_dlpack(dlpack.to_dlpack(x))
    y[0] = 9
    assert x[0].item() == 9  # shares memory
    assert torch.utils.dlpack.from_dlpack(dlpack.to_dlpack(tc.ones(2))).tolist() == [1.0, 1.0]
    assert int(dlpack.DLDeviceType.kDLCPU) == int(torch.utils.dlpack.DLDeviceType.kDLCPU)
    for lib in (torch, tc):
        assert lib.is_storage(lib.ones(1).untyped_storage())
        assert not lib.is_storage(lib.ones(1))


def test_interop_threads_are_set_once_as_pytorch():
    import subprocess
    import sys
    code = ("import {lib} as t\n"
            "print(t.get_num_interop_threads())\n"
            "t.set_num_interop_threads(3)\n"
            "print(t.get_num_interop_threads())\n"
            "for n in (2, 0):\n"
            "    try:\n"
            "        t.set_num_interop_threads(n)\n"
            "    except RuntimeError as e:\n"
            "        print(e)\n")
    import os
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(tc.__file__))] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    outs = [subprocess.run([sys.executable, "-c", code.format(lib=lib)], capture_output=True, text=True, env=env,
                           check=True).stdout for lib in ("torch", "tensorcore")]
    assert outs[0] == outs[1]


def test_overrides_dispatch_to_torch_function_as_pytorch():
    def run(lib):
        o = lib.overrides
        x = lib.ones(2)

        class Like:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return ("handled", func.__name__, [t.__name__ for t in types])

        class Sub(Like):
            pass

        class No:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return NotImplemented

        like = Like()
        out = [o.has_torch_function((x,)), o.has_torch_function_unary(x), o.has_torch_function_variadic(x, 1),
               o.is_tensor_like(x), o.is_tensor_like(1), o.has_torch_function((like, x)), o.is_tensor_like(like),
               o.handle_torch_function(lib.add, (like, x), like, x),
               o.handle_torch_function(lib.add, (like, Sub()), like, 1)]
        with pytest.raises(TypeError, match="no implementation found for '(torch|tensorcore).add'"):
            o.handle_torch_function(lib.add, (No(),), 1)

        @o.wrap_torch_function(lambda a, b=None: (a,))
        def f(a, b=None):
            return "plain"
        return out + [f(x), f(like)[0]]
    assert run(tc) == run(torch)


# ---- renorm (old training code: weight.data.uniform_(-1, 1).renorm_(2, 1, 1e-5).mul_(1e5)) ----

@pytest.mark.parametrize("p, dim, maxnorm", [(2, 0, 5.0), (1, 1, 3.0), (float("inf"), 0, 2.0), (3, -1, 2.5),
                                             (2, 1, 1e-5)])
def test_renorm_matches_pytorch(p, dim, maxnorm):
    def run(lib):
        x = lib.tensor([[1.0, 2, 3], [4, 5, 6], [0.1, 0.1, 0.1]], requires_grad=True)
        y = lib.renorm(x, p, dim, maxnorm)
        (y * lib.arange(9.0).view(3, 3)).sum().backward()
        return y.tolist(), y.grad_fn.name(), x.grad.tolist(), x.detach().renorm(p, dim, maxnorm).tolist()
    got, want = run(tc), run(torch)
    assert got[1] == want[1]
    for a, b in ((got[0], want[0]), (got[2], want[2]), (got[3], want[3])):
        assert sum(a, []) == pytest.approx(sum(b, []), rel=1e-5, abs=1e-6)


def test_renorm_in_place_out_and_errors_as_pytorch():
    def run(lib):
        lib.manual_seed(0)
        w = lib.empty(4, 3).uniform_(-1, 1).renorm_(2, 1, 1e-5).mul_(1e5)
        o = lib.empty(3, 3)
        lib.renorm(lib.ones(3, 3) * 2, 2, 0, 1.0, out=o)
        errors = []
        for args in ((lib.ones(3, 3), -1.0, 0, 1.0), (lib.ones(3, 3), 2.0, 0, -1.0), (lib.ones(3, 3), 2.0, 5, 1.0),
                     (lib.ones(3), 2, 0, 1)):
            try:
                lib.renorm(*args)
            except Exception as e:  # noqa: BLE001  (the type and text are compared)
                errors.append((type(e).__name__, str(e)))
        return [round(v, 4) for v in w.flatten().tolist()], o.tolist(), errors
    assert run(tc) == run(torch)


def test_renorm_gradcheck():
    x = tc.tensor([[1.0, 2, 3], [4, 5, 6], [0.1, 0.2, 0.1]], dtype=tc.float64, requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: tc.renorm(t, 2, 0, 5.0), (x,))
    assert tc.autograd.gradcheck(lambda t: tc.renorm(t, 1.5, 1, 3.0), (x,))


def test_legacy_storage_classes_and_storage_type(recwarn):
    def run(lib):
        x = lib.arange(3.0)
        s = lib.FloatStorage(3)
        shared = lib.FloatStorage([1.5, 2.5])
        t = lib.FloatTensor(shared)
        t[0] = 9
        try:
            lib.LongTensor(lib.FloatStorage([1.0]))
        except RuntimeError as e:
            err = str(e)
        return (repr(x.storage_type()).replace("tensorcore.", "torch."), repr(lib.tensor([True]).storage_type()).replace(
                    "tensorcore.", "torch."),
                type(s).__name__, s.size(), isinstance(s, lib.TypedStorage), isinstance(x.storage(), lib.FloatStorage),
                isinstance(x.storage(), lib.LongStorage), lib.LongStorage([1, 2, 3]).tolist(),
                lib.Storage is lib.FloatStorage, shared[0], t.tolist(), err,
                x.is_set_to(x), x.is_set_to(x.view(3)), x.is_set_to(x.clone()), x[1:].is_set_to(x),
                lib.newaxis, lib.get_device(x))
    assert run(tc) == run(torch)


# ---- reversible layers' RNG bookkeeping (reformer-pytorch's reversible.py) ----

def test_checkpoint_device_states_for_cpu_tensors_and_cuda_initialized_flag():
    from tensorcore.utils.checkpoint import get_device_states, set_device_states
    from torch.utils.checkpoint import get_device_states as t_get, set_device_states as t_set
    args = (tc.ones(2), [tc.ones(1)], 3, {"a": tc.ones(1)})
    targs = (torch.ones(2), [torch.ones(1)], 3, {"a": torch.ones(1)})
    assert get_device_states(*args) == t_get(*targs)
    assert set_device_states([], []) is t_set([], [])
    assert tc.cuda._initialized == torch.cuda._initialized
    with pytest.raises(AttributeError):
        tc.cuda._no_such_flag


def test_recomputation_with_restored_rng_state_matches_pytorch():
    def grads(lib):
        ckpt = lib.utils.checkpoint

        class Recompute(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, w):
                ctx.cpu_state = lib.get_rng_state()
                ctx.devices, ctx.states = ckpt.get_device_states(x)
                ctx.save_for_backward(x, w)
                with lib.no_grad():
                    return lib.nn.functional.dropout(x @ w, 0.5, training=True)

            @staticmethod
            def backward(ctx, g):
                x, w = ctx.saved_tensors
                with lib.random.fork_rng(devices=[]):
                    lib.set_rng_state(ctx.cpu_state)
                    ckpt.set_device_states(ctx.devices, ctx.states)
                    with lib.enable_grad():
                        x_, w_ = x.detach().requires_grad_(), w.detach().requires_grad_()
                        y = lib.nn.functional.dropout(x_ @ w_, 0.5, training=True)
                        return lib.autograd.grad(y, (x_, w_), g)

        lib.manual_seed(0)
        x = lib.randn(4, 3, requires_grad=True)
        w = lib.randn(3, 5, requires_grad=True)
        out = Recompute.apply(x, w)
        out.sum().backward()
        after = lib.rand(2)
        return out.tolist(), x.grad.tolist(), w.grad.tolist(), after.tolist()
    got, want = grads(tc), grads(torch)
    for a, b in zip(got, want):
        assert _flat(a) == pytest.approx(_flat(b), rel=1e-6, abs=1e-7)


def _flat(v):
    return [y for x in v for y in (_flat(x) if isinstance(x, list) else [x])]


# ---- legacy constructor and torch.functional (piEsposito/blitz's weight sampler) ----

def test_tensor_of_a_size_is_a_shape_not_data():
    def run(lib):
        a = lib.ones(3, 4)
        shapes = [tuple(lib.Tensor(*args).shape) for args in
                  ((a.shape,), (lib.Size([2, 3]),), ((2, 3),), ([2, 3],), (2, 3), (lib.Size([]),), (lib.Size([0]),))]
        buf = lib.Tensor(a.shape)
        buf.data.normal_()
        return shapes, buf.dtype.is_floating_point, buf.requires_grad, buf.is_leaf, lib.Tensor((2, 3)).tolist()
    assert run(tc) == run(torch)
    tc.set_default_dtype(tc.float64)
    try:
        assert tc.Tensor(tc.Size([2])).dtype == tc.float64
    finally:
        tc.set_default_dtype(tc.float32)


def test_torch_functional_module_names_the_same_functions():
    import tensorcore.functional as F
    for name in F.__all__:
        assert getattr(F, name) is getattr(tc, name)
    assert set(F.__all__) <= set(torch.functional.__all__)
    assert tc.functional is F


@pytest.mark.parametrize("case", ["nearest", "bilinear", "bicubic", "area", "nearest-exact", "bilinear_aa",
                                  "trilinear", "nearest3d", "pixel_shuffle_c1", "pixel_unshuffle",
                                  "adaptive_max_pool_indices", "max_pool3d_indices", "interp_3d_input"])
def test_more_ops_keep_the_input_layout(case):
    def run(lib):
        F = lib.nn.functional
        x = _cl(lib, 1, 4, 4, 4)
        x5 = lib.arange(384.0).div(9).sin().view(2, 3, 4, 4, 4).contiguous(memory_format=lib.channels_last_3d)
        out = {
            "bilinear_aa": lambda: F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True),
            "trilinear": lambda: F.interpolate(x5, scale_factor=2, mode="trilinear"),
            "nearest3d": lambda: F.interpolate(x5, scale_factor=2),
            "pixel_shuffle_c1": lambda: F.pixel_shuffle(x, 2),
            "pixel_unshuffle": lambda: F.pixel_unshuffle(x, 2),
            "adaptive_max_pool_indices": lambda: F.adaptive_max_pool2d(x, 2, return_indices=True)[1],
            "max_pool3d_indices": lambda: F.max_pool3d(x5, 2, return_indices=True)[1],
            "interp_3d_input": lambda: F.interpolate(lib.ones(2, 3, 4), scale_factor=2),
        }.get(case, lambda: F.interpolate(x, scale_factor=2, mode=case))()
        return out.stride(), out.tolist()
    got, want = run(tc), run(torch)
    assert got[0] == want[0]
    assert _close(got, want)


def test_conv3d_result_is_dense_as_pytorch():
    def run(lib):
        F = lib.nn.functional
        x = lib.arange(384.0).div(7).cos().view(2, 3, 4, 4, 4)
        w = lib.arange(405.0).div(11).sin().view(5, 3, 3, 3, 3)
        x5 = x.contiguous(memory_format=lib.channels_last_3d)
        lib.manual_seed(0)
        mask = (F.dropout(F.conv3d(x, w), 0.5) == 0).flatten().tolist()
        return (F.conv3d(x, w).stride(), F.conv3d(x, w, lib.zeros(5)).is_contiguous(), F.conv3d(x5, w).stride(),
                F.conv3d(x5.double(), w.double()).stride(), F.conv_transpose3d(x, w.transpose(0, 1)).stride(),
                F.conv3d(x[0], w).stride(), mask)
    assert run(tc) == run(torch)
