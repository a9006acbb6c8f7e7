"""Gaps found by running real public programs (realprog25) under tensorcore, each compared with PyTorch:
nn.EmbeddingBag(sparse=True) (facebookresearch/dlrm), torch.ops / torch._ops.ops and the nn.parallel helper
submodules (dlrm's imports), and the real-program runner's torch alias in spawned child processes
(pytorch/examples mnist_hogwild)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")

_RUNNER = os.path.join(os.path.dirname(__file__), "real_programs", "run_program.py")
# The folder holding the tensorcore these tests import (src/ in a checkout, site-packages in CI).
_SRC = os.path.dirname(os.path.dirname(os.path.abspath(tc.__file__)))


def _np(t):
    return t.detach().numpy()


# --- nn.EmbeddingBag(sparse=True): weight.grad is a sparse COO tensor, one entry per looked-up index ---

def _bag_pair(mode, padding_idx, **kwargs):
    weight = np.random.RandomState(0).randn(6, 3).astype(np.float32)
    ours = tc.nn.EmbeddingBag(6, 3, mode=mode, sparse=True, padding_idx=padding_idx, **kwargs)
    theirs = torch.nn.EmbeddingBag(6, 3, mode=mode, sparse=True, padding_idx=padding_idx, **kwargs)
    with tc.no_grad():
        ours.weight.copy_(tc.tensor(weight))
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(weight))
    return ours, theirs


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_sparse_grad_matches_pytorch(mode, padding_idx):
    ours, theirs = _bag_pair(mode, padding_idx)
    inp, off = [1, 2, 4, 2, 5, 1, 0], [0, 3, 3, 5]
    psw = np.random.RandomState(1).rand(7).astype(np.float32) if mode == "sum" else None
    scale = np.arange(12, dtype=np.float32).reshape(4, 3)
    out_t = theirs(torch.tensor(inp), torch.tensor(off),
                   per_sample_weights=None if psw is None else torch.tensor(psw))
    out_o = ours(tc.tensor(inp), tc.tensor(off), per_sample_weights=None if psw is None else tc.tensor(psw))
    np.testing.assert_allclose(_np(out_o), out_t.detach().numpy(), rtol=1e-6)
    (out_t * torch.tensor(scale)).sum().backward()
    (out_o * tc.tensor(scale)).sum().backward()
    g_t, g_o = theirs.weight.grad, ours.weight.grad
    assert g_o.is_sparse and g_t.is_sparse
    assert g_o._indices().tolist() == g_t._indices().tolist()
    np.testing.assert_allclose(_np(g_o._values()), g_t._values().numpy(), rtol=1e-6)
    np.testing.assert_allclose(_np(g_o.to_dense()), g_t.to_dense().numpy(), rtol=1e-6)


@pytest.mark.parametrize("optimizer", ["SGD", "Adagrad"])
def test_embedding_bag_sparse_grad_trains_like_pytorch(optimizer):
    ours, theirs = _bag_pair("sum", None)
    kwargs = {"lr": 0.1, "momentum": 0.9} if optimizer == "SGD" else {"lr": 0.1}
    opt_o = getattr(tc.optim, optimizer)(ours.parameters(), **kwargs)
    opt_t = getattr(torch.optim, optimizer)(theirs.parameters(), **kwargs)
    inp = [[1, 2, 2], [4, 5, 1]]
    for _ in range(3):
        for lib, bag, opt in ((tc, ours, opt_o), (torch, theirs, opt_t)):
            opt.zero_grad()
            (bag(lib.tensor(inp)) ** 2).sum().backward()
            opt.step()
    np.testing.assert_allclose(_np(ours.weight), theirs.weight.detach().numpy(), rtol=1e-5)


def test_embedding_bag_sparse_2d_input_and_accumulation():
    ours, theirs = _bag_pair("mean", None)
    for lib, bag in ((tc, ours), (torch, theirs)):
        bag(lib.tensor([[0, 1, 1]])).sum().backward()
        bag(lib.tensor([[3, 1, 5]])).sum().backward()  # sparse + sparse accumulates
    g_o, g_t = ours.weight.grad.coalesce(), theirs.weight.grad.coalesce()
    assert g_o._indices().tolist() == g_t._indices().tolist()
    np.testing.assert_allclose(_np(g_o._values()), g_t._values().numpy(), rtol=1e-6)


def test_embedding_bag_sparse_refusals_match_pytorch():
    for lib in (tc, torch):
        with pytest.raises(ValueError, match="max mode does not support sparse weights"):
            lib.nn.EmbeddingBag(4, 2, mode="max", sparse=True)(lib.tensor([[1, 2]]))
        bag = lib.nn.EmbeddingBag(4, 2, sparse=True, scale_grad_by_freq=True)
        out = bag(lib.tensor([[1, 2]])).sum()
        with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
            out.backward()


def test_embedding_bag_sparse_without_grad_is_dense_lookup():
    ours, theirs = _bag_pair("sum", None)
    with tc.no_grad():
        out_o = ours(tc.tensor([[1, 2], [3, 3]]))
    with torch.no_grad():
        out_t = theirs(torch.tensor([[1, 2], [3, 3]]))
    np.testing.assert_allclose(_np(out_o), out_t.numpy(), rtol=1e-6)
    assert ours.weight.grad is None and theirs.weight.grad is None


# --- torch.ops / torch._ops (Note [torch.ops without a dispatcher]) ---

def test_torch_ops_aten_calls_the_function():
    from tensorcore._ops import ops
    assert ops is tc.ops
    np.testing.assert_array_equal(_np(tc.ops.aten.relu(tc.tensor([-1.0, 2.0]))),
                                  torch.ops.aten.relu(torch.tensor([-1.0, 2.0])).numpy())
    np.testing.assert_array_equal(
        _np(tc.ops.aten.add.Tensor(tc.ones(2), tc.ones(2), alpha=2)),
        torch.ops.aten.add.Tensor(torch.ones(2), torch.ones(2), alpha=2).numpy())
    x, y = tc.ones(2), torch.ones(2)
    tc.ops.aten.add_(x, 1)
    torch.ops.aten.add_(y, 1)
    np.testing.assert_array_equal(_np(x), y.numpy())


def test_torch_ops_names_print_as_pytorch():
    for lib in (tc, torch):
        assert type(lib.ops.aten.add).__name__ == "OpOverloadPacket"
        assert type(lib.ops.aten.add.Tensor).__name__ == "OpOverload"
        assert str(lib.ops.aten.add) == "aten.add"
        assert repr(lib.ops.aten.add) == "<OpOverloadPacket(op='aten.add')>"
        assert str(lib.ops.aten.relu.default) == "aten.relu.default"
        assert type(lib.ops).__name__ == "_Ops" and type(lib.ops.aten).__name__ == "_OpNamespace"


@pytest.mark.parametrize("namespace,op", [("aten", "no_such_op_xyz"), ("quantized", "no_such_op_xyz"),
                                          ("myns", "foo")])
def test_torch_ops_unknown_operator_raises_attribute_error(namespace, op):
    for lib in (tc, torch):
        with pytest.raises(AttributeError, match=f"'_OpNamespace' '{namespace}' object has no attribute '{op}'"):
            getattr(getattr(lib.ops, namespace), op)


def test_torch_ops_unknown_overload_raises_attribute_error():
    for lib in (tc, torch):
        with pytest.raises(AttributeError):
            lib.ops.aten.relu.not_an_overload_name


# --- nn.parallel helper submodules (Note [nn.parallel helpers without devices]) ---

def _outcome(fn, *args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001  (the exception type is what is compared)
        return type(e).__name__
    return "ok"


def test_nn_parallel_submodules_import_and_refuse_like_cpu_pytorch():
    import torch.nn.parallel.parallel_apply
    import torch.nn.parallel.replicate
    import torch.nn.parallel.scatter_gather  # noqa: F401
    # (the package's attributes shadow the submodules' names, so take the modules themselves)
    t_pa, t_rep, t_sg = (sys.modules[f"torch.nn.parallel.{name}"]
                         for name in ("parallel_apply", "replicate", "scatter_gather"))
    from tensorcore.nn.parallel import parallel_apply as o_pa_fn
    from tensorcore.nn.parallel.parallel_apply import parallel_apply as o_pa
    from tensorcore.nn.parallel.replicate import replicate as o_rep
    from tensorcore.nn.parallel.scatter_gather import gather as o_gather, scatter as o_scatter
    assert o_pa_fn is o_pa  # the package's name is the function, as in PyTorch
    om, tm = tc.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    cases = [
        (o_rep, (om, [0]), t_rep.replicate, (tm, [0])),
        (o_rep, (om, ["cpu"]), t_rep.replicate, (tm, ["cpu"])),
        (o_scatter, (tc.ones(4, 2), ["cpu"]), t_sg.scatter, (torch.ones(4, 2), ["cpu"])),
        (o_scatter, (tc.ones(4, 2), [0]), t_sg.scatter, (torch.ones(4, 2), [0])),
        (o_gather, ([tc.ones(2), tc.ones(2)], -1), t_sg.gather, ([torch.ones(2), torch.ones(2)], -1)),
        (o_pa, ([om], [tc.ones(1, 2)], None, ["cpu"]), t_pa.parallel_apply, ([tm], [torch.ones(1, 2)], None, ["cpu"])),
        (o_pa, ([om], [tc.ones(1, 2)]), t_pa.parallel_apply, ([tm], [torch.ones(1, 2)])),
    ]
    for ours, o_args, theirs, t_args in cases:
        assert _outcome(ours, *o_args) == _outcome(theirs, *t_args), (ours.__name__, o_args)
    assert o_scatter("abc", [0]) == t_sg.scatter("abc", [0])
    assert o_scatter([1, 2], [0, 1]) == t_sg.scatter([1, 2], [0, 1])
    assert o_gather([None, None], -1) is None and t_sg.gather([None, None], -1) is None


# --- the real-program runner: spawned children get the torch alias (Note [torch alias in spawned processes]) ---

def test_runner_aliases_torch_in_spawned_children(tmp_path):
    program = tmp_path / "spawned.py"
    program.write_text(textwrap.dedent("""
        import torch
        import torch.multiprocessing as mp

        def child(shared):
            import torch as child_torch
            shared.add_(child_torch.ones(3))
            print("child library", child_torch.__name__.split(".")[0], flush=True)

        if __name__ == "__main__":
            mp.set_start_method("spawn", force=True)
            shared = torch.zeros(3)
            shared.share_memory_()
            p = mp.Process(target=child, args=(shared,))
            p.start()
            p.join()
            print("exit", p.exitcode, "shared", shared.tolist())
    """))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([_SRC, os.environ.get("PYTHONPATH", "")]))
    outputs = {}
    for library in ("torch", "tensorcore"):
        proc = subprocess.run([sys.executable, _RUNNER, library, str(program)], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs[library] = proc.stdout
    assert "child library tensorcore" in outputs["tensorcore"]
    assert "child library torch" in outputs["torch"]
    for out in outputs.values():
        assert "exit 0 shared [1.0, 1.0, 1.0]" in out
