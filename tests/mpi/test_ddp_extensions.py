"""DistributedDataParallel's extension points on the ranks of the MPI job
(see conftest.py): communication hooks (default_hooks), gradients as bucket
views, join() on uneven inputs; each checked against one process training
on the same data."""
import numpy as np
import pytest

import tensorcore as tc
import tensorcore.distributed as dist
from tensorcore import nn
from tensorcore.distributed.algorithms.ddp_comm_hooks import debugging_hooks, default_hooks
from tensorcore.nn.parallel import DistributedDataParallel as DDP

from test_ddp import batches, make_model, params_of

LOSS = nn.CrossEntropyLoss()


def reference(data, local, world, steps_of=None):
    """One process, SGD on the ranks' batches: the loss of step i is the
    sum over the ranks still training of their mean loss, divided by the
    world size (DDP averages gradients over the initial world size)."""
    ref = make_model()
    opt = tc.optim.SGD(ref.parameters(), lr=0.1)
    for i, (x, y) in enumerate(data):
        active = [r for r in range(world) if steps_of is None or i < steps_of[r]]
        if not active:
            break
        opt.zero_grad()
        total = None
        for r in active:
            sl = slice(r * local, (r + 1) * local)
            term = LOSS(ref(tc.from_numpy(x[sl])), tc.from_numpy(y[sl]))
            total = term if total is None else total + term
        (total / world).backward()
        opt.step()
    return params_of(ref)


def train(ddp, data, local, rank, steps=None, set_to_none=True):
    opt = tc.optim.SGD(ddp.parameters(), lr=0.1)
    for x, y in data[:steps]:
        sl = slice(rank * local, (rank + 1) * local)
        opt.zero_grad(set_to_none=set_to_none)
        LOSS(ddp(tc.from_numpy(x[sl])), tc.from_numpy(y[sl])).backward()
        opt.step()


def test_allreduce_hook_matches_the_builtin_reduction(rank, world):
    data, local = batches(6, 8 * world), 8
    ddp = DDP(make_model(seed=rank), bucket_cap_mb=0.01)
    seen = []

    def hook(state, bucket):
        assert state == "state"
        grads = bucket.gradients()
        assert [tuple(g.shape) for g in grads] == [tuple(p.shape) for p in bucket.parameters()]
        assert bucket.buffer().numel() == sum(g.numel() for g in grads)
        seen.append((bucket.index(), bucket.is_last()))
        return default_hooks.allreduce_hook(None, bucket)
    ddp.register_comm_hook("state", hook)
    with pytest.raises(RuntimeError, match="can only be called once"):
        ddp.register_comm_hook(None, default_hooks.allreduce_hook)
    train(ddp, data, local, rank)
    n = len(ddp.reducer.buckets)
    assert n > 1 and seen[:n] == [(i, i == n - 1) for i in range(n)]
    for got, want in zip(params_of(ddp.module), reference(data, local, world)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_comm_hook_errors(rank, world):
    ddp = DDP(make_model())
    with pytest.raises(TypeError, match="must be callable"):
        ddp.register_comm_hook(None, 3)
    ddp.register_comm_hook(None, default_hooks.fp16_compress_hook)
    x, y = batches(1, 4)[0]
    with pytest.raises(RuntimeError, match="does not all-reduce float16"):
        LOSS(ddp(tc.from_numpy(x)), tc.from_numpy(y)).backward()
    ddp = DDP(make_model())
    ddp.register_comm_hook(None, default_hooks.bf16_compress_wrapper(default_hooks.allreduce_hook))
    with pytest.raises(RuntimeError, match="does not all-reduce bfloat16"):
        LOSS(ddp(tc.from_numpy(x)), tc.from_numpy(y)).backward()


def test_noop_hook_keeps_each_ranks_gradients(rank, world):
    x, y = batches(1, 4 * world)[0]
    sl = slice(rank * 4, (rank + 1) * 4)
    ref = make_model()
    LOSS(ref(tc.from_numpy(x[sl])), tc.from_numpy(y[sl])).backward()
    ddp = DDP(make_model())
    ddp.register_comm_hook(None, debugging_hooks.noop_hook)
    LOSS(ddp(tc.from_numpy(x[sl])), tc.from_numpy(y[sl])).backward()
    for p, q in zip(ddp.module.parameters(), ref.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())


def test_work_get_future_and_then(rank, world):
    t = tc.full((5,), float(rank + 1))
    fut = dist.all_reduce(t, async_op=True).get_future()
    doubled = fut.then(lambda f: f.value()[0] * 2)
    assert fut.wait()[0] is t
    np.testing.assert_array_equal(doubled.wait().numpy(), np.full(5, 2.0 * world * (world + 1) / 2, np.float32))
    done = tc.futures.collect_all([dist.barrier(async_op=True).get_future()]).wait()
    assert len(done) == 1 and done[0].done()
    peer = (rank + 1) % world
    left = (rank - 1) % world
    out = tc.zeros(3)
    recv_fut = dist.irecv(out, src=left).get_future()
    dist.isend(tc.full((3,), float(rank)), dst=peer).wait()
    assert recv_fut.wait()[0] is out
    np.testing.assert_array_equal(out.numpy(), np.full(3, float(left), np.float32))


def test_send_and_recv_object_list(rank, world):
    if rank == 0:
        dist.send_object_list([{"a": 1}, "two", (3,)], dst=1)
        dist.send_object_list([1, 2], dst=1)
    elif rank == 1:
        got = [None, None, None]
        assert dist.recv_object_list(got, src=0) == 0
        assert got == [{"a": 1}, "two", (3,)]
        with pytest.raises(RuntimeError, match="sent 2 objects but object_list has 3 items"):
            dist.recv_object_list([None] * 3)
    if rank == 0:
        with pytest.raises(ValueError, match="should not be the same as the rank"):
            dist.send_object_list([1], dst=0)
    dist.barrier()


@pytest.mark.parametrize("set_to_none", [True, False])
def test_gradient_as_bucket_view(rank, world, set_to_none):
    data, local = batches(5, 8 * world), 8
    ddp = DDP(make_model(seed=rank), bucket_cap_mb=0.01, gradient_as_bucket_view=True)
    train(ddp, data, local, rank, set_to_none=set_to_none)
    for p in ddp.module.parameters():  # every .grad is the bucket's memory
        assert any(np.shares_memory(p.grad.numpy(), b.buffer) for b in ddp.reducer.buckets)
    for got, want in zip(params_of(ddp.module), reference(data, local, world)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("hooked", [False, True])
def test_join_on_uneven_inputs(rank, world, hooked):
    steps_of = [3 + 2 * r for r in range(world)]  # rank 0 runs out first
    data, local = batches(max(steps_of), 8 * world), 8
    ddp = DDP(make_model(seed=rank), bucket_cap_mb=0.01)
    if hooked:
        ddp.register_comm_hook(None, default_hooks.allreduce_hook)
    with ddp.join():
        train(ddp, data, local, rank, steps=steps_of[rank])
    for got, want in zip(params_of(ddp.module), reference(data, local, world, steps_of)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_join_throw_on_early_termination(rank, world):
    ddp = DDP(make_model())
    x, y = batches(1, 4)[0]
    with pytest.raises(RuntimeError, match="exhausted inputs"):
        with ddp.join(throw_on_early_termination=True):
            for _ in range(1 + rank):
                LOSS(ddp(tc.from_numpy(x)), tc.from_numpy(y)).backward()
    dist.barrier()
