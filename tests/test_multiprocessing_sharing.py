"""tensorcore.multiprocessing: Tensor.share_memory_ / Module.share_memory put
values in shared memory; a spawned process given the tensor (or the module)
updates the same values in place, as PyTorch's Hogwild example relies on;
tensors not shared still travel by value."""
import multiprocessing.reduction
import pickle

import numpy as np
import pytest

import tensorcore as tc
import tensorcore.multiprocessing as tmp


def _add_rank(rank, model, amount):
    with tc.no_grad():
        for p in model.parameters():
            p.add_(amount * (rank + 1))


def _fill_from_queue(q, t):
    q.put(t)  # a shared tensor sent back through a queue is the same memory
    with tc.no_grad():
        t.fill_(7.0)


def test_share_memory_keeps_the_tensor_and_its_values():
    tc.manual_seed(0)
    m = tc.nn.Linear(3, 2)
    values = [p.detach().clone() for p in m.parameters()]
    assert not any(p.is_shared() for p in m.parameters())
    assert m.share_memory() is m
    for p, v in zip(m.parameters(), values):
        assert type(p) is tc.nn.Parameter and p.requires_grad and p.is_leaf and p.is_shared()
        np.testing.assert_array_equal(p.detach().numpy(), v.numpy())
    m(tc.ones(1, 3)).sum().backward()  # autograd still reaches the parameters
    assert m.weight.grad is not None
    t = tc.arange(4.0)
    assert t.share_memory_() is t and t.is_shared() and t.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert not tc.zeros(0).share_memory_().is_shared()  # nothing to share, as PyTorch's empty storage


def test_spawned_processes_update_shared_parameters():
    m = tc.nn.Linear(2, 1)
    before = [p.detach().clone() for p in m.parameters()]
    m.share_memory()
    ctx = tmp.get_context("spawn")
    procs = [ctx.Process(target=_add_rank, args=(r, m, 1.0)) for r in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0, 0]
    for p, b in zip(m.parameters(), before):
        np.testing.assert_allclose((p.detach() - b).numpy(), 3.0)  # 1 + 2
    tmp.spawn(_add_rank, args=(m, 0.5), nprocs=1)
    for p, b in zip(m.parameters(), before):
        np.testing.assert_allclose((p.detach() - b).numpy(), 3.5)


def test_spawn_reports_a_failed_process():
    with pytest.raises(tmp.ProcessExitedException, match="process 0 terminated with exit code 1"):
        tmp.spawn(_add_rank, args=(None, 1.0), nprocs=1)  # None has no parameters(): the child raises


def test_queue_passes_shared_tensor_by_reference():
    ctx = tmp.get_context("spawn")
    t = tc.zeros(3).share_memory_()
    q = ctx.Queue()
    p = ctx.Process(target=_fill_from_queue, args=(q, t))
    p.start()
    back = q.get(timeout=60)
    p.join()
    assert t.tolist() == [7.0, 7.0, 7.0] and back.tolist() == [7.0, 7.0, 7.0]


def test_unshared_tensors_pickle_by_value():
    t = tc.arange(3.0)
    data = multiprocessing.reduction.ForkingPickler.dumps(t)
    r = pickle.loads(data)
    assert r.tolist() == [0.0, 1.0, 2.0] and not r.is_shared()
    r.add_(1)
    assert t.tolist() == [0.0, 1.0, 2.0]
    y = tc.ones(2, requires_grad=True) * 2
    y.share_memory_()
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor which requires_grad"):
        multiprocessing.reduction.ForkingPickler.dumps(y)


def test_namespace_like_pytorch():
    torch = pytest.importorskip("torch")
    for name in ("Process", "Queue", "get_context", "set_start_method", "spawn", "set_sharing_strategy",
                 "get_sharing_strategy", "get_all_sharing_strategies", "Pool", "Manager"):
        assert hasattr(tmp, name) and hasattr(torch.multiprocessing, name), name
    assert tmp.get_sharing_strategy() in torch.multiprocessing.get_all_sharing_strategies()
