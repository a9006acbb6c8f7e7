"""Every collective of tensorcore.distributed against a numpy reference,
on all ranks of the MPI job (see conftest.py)."""
import os

import numpy as np
import pytest

import tensorcore as tc
import tensorcore.distributed as dist

DTYPES = [tc.float32, tc.float64, tc.int32, tc.int64]
NP = {tc.float32: np.float32, tc.float64: np.float64, tc.int32: np.int32, tc.int64: np.int64, tc.bool: np.bool_}


def data(r, shape, dtype, seed=0):
    """Rank r's input: the same on every rank that asks, so each rank can
    compute the expected result of a collective on its own."""
    rng = np.random.default_rng(1000 * seed + r)
    if dtype == tc.bool:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if dtype.is_floating_point:
        return rng.standard_normal(shape).astype(NP[dtype])
    return rng.integers(-5, 6, shape).astype(NP[dtype])


def all_data(world, shape, dtype, seed=0):
    return [data(r, shape, dtype, seed) for r in range(world)]


def assert_equal(t, expected, exact=True):
    got = t.numpy()
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if exact:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


REDUCE = {dist.ReduceOp.SUM: lambda xs: np.sum(xs, axis=0), dist.ReduceOp.PRODUCT: lambda xs: np.prod(xs, axis=0),
          dist.ReduceOp.MIN: lambda xs: np.min(xs, axis=0), dist.ReduceOp.MAX: lambda xs: np.max(xs, axis=0),
          dist.ReduceOp.AVG: lambda xs: np.sum(xs, axis=0) / len(xs)}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(REDUCE))
def test_all_reduce(rank, world, dtype, op):
    if op == dist.ReduceOp.AVG and not dtype.is_floating_point:
        with pytest.raises(RuntimeError, match="AVG needs a floating-point tensor"):
            dist.all_reduce(tc.from_numpy(data(rank, (3,), dtype)), op=op)
        return
    t = tc.from_numpy(data(rank, (4, 5), dtype))
    assert dist.all_reduce(t, op=op) is None
    expected = REDUCE[op](np.stack(all_data(world, (4, 5), dtype))).astype(NP[dtype])
    assert_equal(t, expected, exact=not dtype.is_floating_point)


@pytest.mark.parametrize("numel", [1, 300, 20_000])
def test_repeated_all_reduce_either_path(rank, world, numel):
    # The first call of a size goes through the signature exchange then
    # MPI_Allreduce; the repeats ride inside the exchange's record and are
    # reduced locally (_signature.py), up to 32 KB on 2 ranks: 20_000 float64
    # values (160 KB) never fold. Every call must equal numpy's reduction.
    for dtype in DTYPES:
        for op in REDUCE:
            if op == dist.ReduceOp.AVG and not dtype.is_floating_point:
                continue
            for seed in range(3):
                t = tc.from_numpy(data(rank, (numel,), dtype, seed))
                dist.all_reduce(t, op=op)
                expected = REDUCE[op](np.stack(all_data(world, (numel,), dtype, seed))).astype(NP[dtype])
                assert_equal(t, expected, exact=not dtype.is_floating_point)
    for seed in range(3):
        b = tc.from_numpy(data(rank, (numel,), tc.bool, seed))
        dist.all_reduce(b, op=dist.ReduceOp.PRODUCT)
        assert_equal(b, np.logical_and.reduce(all_data(world, (numel,), tc.bool, seed)))


# Every op each dtype takes, with numpy's reduction over the ranks' inputs.
BITWISE = {dist.ReduceOp.BAND: np.bitwise_and.reduce, dist.ReduceOp.BOR: np.bitwise_or.reduce,
           dist.ReduceOp.BXOR: np.bitwise_xor.reduce}
BOOL_OPS = {dist.ReduceOp.SUM: np.logical_or.reduce, dist.ReduceOp.MAX: np.logical_or.reduce,
            dist.ReduceOp.BOR: np.logical_or.reduce, dist.ReduceOp.PRODUCT: np.logical_and.reduce,
            dist.ReduceOp.MIN: np.logical_and.reduce, dist.ReduceOp.BAND: np.logical_and.reduce,
            dist.ReduceOp.BXOR: np.logical_xor.reduce}


def ops_for(dtype):
    if dtype == tc.bool:
        return BOOL_OPS
    if dtype.is_floating_point:
        return REDUCE
    return {**{op: f for op, f in REDUCE.items() if op != dist.ReduceOp.AVG}, **BITWISE}


@pytest.mark.parametrize("checked", [True, False], ids=["checked", "unchecked"])
@pytest.mark.parametrize("numel", [1, 300, 4000, 20_000])
def test_all_reduce_fast_path_every_op_and_dtype(rank, world, numel, checked):
    # Note [all_reduce plans]: the first call of a kind builds its plan, the
    # repeats take all_reduce's fast path to it. On 2 ranks 1 and 300 values
    # fold into the check's record and are reduced with MPI_Reduce_local,
    # 4000 values (16-32 KB) fold and are reduced with tensorcore's add/mul,
    # 20_000 (80-160 KB) go through the check then MPI_Allreduce; with the
    # check off every size is one MPI_Allreduce on the tensor's memory.
    pg = dist.group.WORLD
    pg._check = checked
    try:
        for dtype in DTYPES + [tc.bool]:
            for op, reduce_fn in ops_for(dtype).items():
                for seed in range(3):
                    t = tc.from_numpy(data(rank, (numel,), dtype, seed))
                    dist.all_reduce(t, op=op)
                    expected = np.asarray(reduce_fn(np.stack(all_data(world, (numel,), dtype, seed))))
                    assert_equal(t, expected.astype(NP[dtype]), exact=not dtype.is_floating_point)
    finally:
        pg._check = True


def test_all_reduce_mismatch_caught_after_the_fast_path_is_warm(rank, world):
    for _ in range(2):  # plans for SUM and MAX of 4 float32 values on every rank
        dist.all_reduce(tc.ones(4))
        dist.all_reduce(tc.ones(4), op=dist.ReduceOp.MAX)
    with pytest.raises(RuntimeError, match="reduce op differs"):
        dist.all_reduce(tc.ones(4), op=dist.ReduceOp.SUM if rank == 0 else dist.ReduceOp.MAX)
    with pytest.raises(RuntimeError, match="dtypes differ"):  # same count and op, a dtype with no plan yet
        dist.all_reduce(tc.ones(4, dtype=tc.float32 if rank == 0 else tc.int32))
    for _ in range(2):
        dist.all_reduce(tc.ones(4, dtype=tc.int32))  # now both dtypes have plans
    with pytest.raises(RuntimeError, match="dtypes differ"):
        dist.all_reduce(tc.ones(4, dtype=tc.float32 if rank == 0 else tc.int32))
    with pytest.raises(RuntimeError, match="number of elements differs"):
        dist.all_reduce(tc.ones(4 if rank == 0 else 2))
    with pytest.raises(RuntimeError, match="number of elements differs"):
        dist.all_reduce(tc.ones(4 if rank == 0 else 40_000))  # folded on one rank, checked then Allreduce on the other
    # one rank queued (async_op), the other on the fast path
    with pytest.raises(RuntimeError, match="number of elements differs"):
        if rank == 0:
            dist.all_reduce(tc.ones(4), async_op=True).wait()
        else:
            dist.all_reduce(tc.ones(3))
    t = tc.ones(4)
    dist.all_reduce(t)  # the group agrees on its state after every mismatch
    assert_equal(t, np.full(4, world, np.float32))


def test_all_reduce_planned_before_queued_work_resized_the_record(rank, world):
    # A plan found when the call is issued can be stale by the time it runs
    # (queued behind async work that resized the record); it re-plans then, so
    # every rank decides from the same state however its timing went.
    import time
    small = tc.ones(4)
    dist.all_reduce(small)
    dist.all_reduce(small)  # the fast path's plan for 4 values: folded, 16-byte record
    big = tc.ones(64)
    work = dist.all_reduce(big, async_op=True)  # resizes the record to 256 bytes when it runs
    if rank == 1:
        work.wait()
        time.sleep(0.05)  # here the resize has happened; on rank 0 it is still queued
    dist.all_reduce(small)
    work.wait()
    assert_equal(small, np.full(4, world ** 3, np.float32))
    assert_equal(big, np.full(64, world, np.float32))


def test_all_reduce_fast_path_skips_strided_tensors(rank, world):
    for seed in range(2):  # a plan for 16 float64 values
        dist.all_reduce(tc.from_numpy(data(rank, (16,), tc.float64, seed)))
    base = tc.from_numpy(data(rank, (4, 4), tc.float64))
    view = base.t()  # 16 float64 values too, not contiguous
    dist.all_reduce(view)
    expected = np.sum(all_data(world, (4, 4), tc.float64), axis=0)
    np.testing.assert_allclose(base.numpy(), expected, rtol=1e-12)
    rows = tc.from_numpy(data(rank, (8, 4), tc.float64))
    dist.all_reduce(rows[::2])  # 16 values, every other row
    expected = data(rank, (8, 4), tc.float64)
    expected[::2] = np.sum([d[::2] for d in all_data(world, (8, 4), tc.float64)], axis=0)
    np.testing.assert_allclose(rows.numpy(), expected, rtol=1e-12)


def test_all_reduce_fast_path_parameters_and_requires_grad(rank, world):
    p = tc.nn.Parameter(tc.from_numpy(data(rank, (5,), tc.float32)))
    x = tc.from_numpy(data(rank, (5,), tc.float32, seed=1)).requires_grad_()
    for _ in range(3):
        dist.all_reduce(p, op=dist.ReduceOp.MAX)
        dist.all_reduce(x, op=dist.ReduceOp.MAX)
    assert type(p) is tc.nn.Parameter and p.requires_grad and x.requires_grad
    assert_equal(p.detach(), np.max(all_data(world, (5,), tc.float32), axis=0))
    assert_equal(x.detach(), np.max(all_data(world, (5,), tc.float32, seed=1), axis=0))


def test_folded_all_reduce_on_a_view_with_offset_and_empty(rank, world):
    # contiguous views with a storage offset and empty tensors take the folded path too
    for _ in range(3):
        base = tc.from_numpy(np.arange(10, dtype=np.float64) + 100 * rank)
        dist.all_reduce(base[2:5])
        expected = np.arange(10, dtype=np.float64) + 100 * rank
        expected[2:5] = np.sum([np.arange(2, 5) + 100 * r for r in range(world)], axis=0)
        assert_equal(base, expected)
        empty = tc.zeros(0, dtype=tc.int64)
        dist.all_reduce(empty, op=dist.ReduceOp.MAX)
        assert empty.numel() == 0


def test_small_all_reduce_overflow_and_nan_as_mpi(rank, world):
    # Folded all-reduces apply MPI's own op locally: the same values as
    # MPI_Allreduce on large tensors (inf on overflow, no numpy warning).
    import warnings
    big = np.full(100_000, np.finfo(np.float32).max, np.float32)
    big[1] = np.nan
    results = []
    for n in (4, 4, 100_000):
        t = tc.from_numpy(big[:n].copy())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dist.all_reduce(t)
        results.append(t.numpy()[:4])
    for r in results:
        assert np.isinf(r[0]) and np.isnan(r[1])
        np.testing.assert_array_equal(r, results[-1])


def test_all_reduce_mismatch_between_a_folded_and_a_large_call(rank, world):
    small = tc.ones(4)
    dist.all_reduce(small)
    dist.all_reduce(small)  # the record now carries 16 bytes of data
    with pytest.raises(RuntimeError, match="number of elements differs"):
        dist.all_reduce(tc.ones(4) if rank == 0 else tc.ones(50_000))
    with pytest.raises(RuntimeError, match="dtypes differ"):
        dist.all_reduce(tc.ones(4, dtype=tc.float32 if rank == 0 else tc.int32))
    with pytest.raises(RuntimeError, match="reduce op differs"):
        dist.all_reduce(tc.ones(4), op=dist.ReduceOp.SUM if rank == 0 else dist.ReduceOp.MAX)
    t = tc.ones(4)
    dist.all_reduce(t)
    assert_equal(t, np.full(4, world, np.float32))


def test_all_reduce_bool_and_bitwise(rank, world):
    b = tc.from_numpy(data(rank, (16,), tc.bool))
    dist.all_reduce(b, op=dist.ReduceOp.MAX)
    assert_equal(b, np.logical_or.reduce(all_data(world, (16,), tc.bool)))
    i = tc.from_numpy(data(rank, (16,), tc.int64))
    dist.all_reduce(i, op=dist.ReduceOp.BXOR)
    assert_equal(i, np.bitwise_xor.reduce(all_data(world, (16,), tc.int64)))


def test_all_reduce_shares_memory_and_strided(rank, world):
    # the result lands in the caller's tensor, a strided view included
    base = tc.from_numpy(data(rank, (6, 8), tc.float64))
    view = base[:, ::2].t()
    before = base.numpy().copy()
    dist.all_reduce(view)
    expected = before.copy()
    expected[:, ::2] = np.sum([d[:, ::2] for d in all_data(world, (6, 8), tc.float64)], axis=0)
    np.testing.assert_allclose(base.numpy(), expected, rtol=1e-12)
    # a numpy array that shares memory with a tensor sees the result
    arr = data(rank, (5,), tc.float32)
    dist.all_reduce(tc.from_numpy(arr))
    np.testing.assert_allclose(arr, np.sum(all_data(world, (5,), tc.float32), axis=0), rtol=1e-6)


def test_all_reduce_async_and_requires_grad(rank, world):
    x = tc.from_numpy(data(rank, (1000,), tc.float32)).requires_grad_()
    work = dist.all_reduce(x, async_op=True)
    assert isinstance(work, dist.Work)
    assert work.wait() is True and work.is_completed() and work.is_success()
    assert work.result()[0] is x
    np.testing.assert_allclose(x.detach().numpy(), np.sum(all_data(world, (1000,), tc.float32), axis=0), rtol=1e-5)
    # several in flight complete in order, each with the right value
    ts = [tc.from_numpy(data(rank, (64,), tc.float64, seed=s)) for s in range(5)]
    works = [dist.all_reduce(t, async_op=True) for t in ts]
    dist.all_reduce(ts[0])  # a synchronous call queued behind them
    for w in works:
        w.wait()
    for s, t in enumerate(ts):
        expected = np.sum(all_data(world, (64,), tc.float64, seed=s), axis=0) * (world if s == 0 else 1)
        np.testing.assert_allclose(t.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [tc.float32, tc.int64, tc.bool])
def test_broadcast(rank, world, dtype):
    for src in range(world):
        t = tc.from_numpy(data(rank, (3, 7), dtype))
        dist.broadcast(t, src=src)
        assert_equal(t, data(src, (3, 7), dtype))
    t = tc.from_numpy(data(rank, (4, 4), dtype)).t()  # non-contiguous
    dist.broadcast(t, src=world - 1)
    assert_equal(t, data(world - 1, (4, 4), dtype).T.copy())


def test_reduce(rank, world):
    for dst in range(world):
        t = tc.from_numpy(data(rank, (10,), tc.float64))
        dist.reduce(t, dst=dst, op=dist.ReduceOp.SUM)
        if rank == dst:
            np.testing.assert_allclose(t.numpy(), np.sum(all_data(world, (10,), tc.float64), axis=0), rtol=1e-12)
        else:
            assert_equal(t, data(rank, (10,), tc.float64))  # left unchanged
    t = tc.from_numpy(data(rank, (10,), tc.int32))
    dist.reduce(t, dst=0, op=dist.ReduceOp.MAX)
    if rank == 0:
        assert_equal(t, np.max(all_data(world, (10,), tc.int32), axis=0))


def test_all_gather(rank, world):
    out = [tc.zeros(2, 3, dtype=tc.int64) for _ in range(world)]
    dist.all_gather(out, tc.from_numpy(data(rank, (2, 3), tc.int64)))
    for r in range(world):
        assert_equal(out[r], data(r, (2, 3), tc.int64))
    with pytest.raises(RuntimeError, match="expected length"):
        dist.all_gather([tc.zeros(2, 3)], tc.zeros(2, 3))
    with pytest.raises(RuntimeError, match="invalid tensor at index 0"):
        dist.all_gather([tc.zeros(3) for _ in range(world)], tc.zeros(2))


def test_all_gather_into_tensor(rank, world):
    inp = tc.from_numpy(data(rank, (3, 2), tc.float32))
    flat = tc.zeros(world * 3, 2)
    dist.all_gather_into_tensor(flat, inp)
    assert_equal(flat, np.concatenate(all_data(world, (3, 2), tc.float32)))
    stacked = tc.zeros(world, 3, 2)
    dist.all_gather_into_tensor(stacked, inp)
    assert_equal(stacked, np.stack(all_data(world, (3, 2), tc.float32)))
    with pytest.raises(ValueError, match="world_size times input tensor size"):
        dist.all_gather_into_tensor(tc.zeros(5), tc.zeros(2))


@pytest.mark.parametrize("op", [dist.ReduceOp.SUM, dist.ReduceOp.MAX, dist.ReduceOp.AVG])
def test_reduce_scatter_tensor(rank, world, op):
    inp = tc.from_numpy(data(rank, (world * 4,), tc.float64))
    out = tc.zeros(4, dtype=tc.float64)
    dist.reduce_scatter_tensor(out, inp, op=op)
    full = REDUCE[op](np.stack(all_data(world, (world * 4,), tc.float64)))
    np.testing.assert_allclose(out.numpy(), full[4 * rank: 4 * rank + 4], rtol=1e-12)
    out2 = tc.zeros(4, dtype=tc.float64)
    dist.reduce_scatter(out2, [inp[4 * r: 4 * r + 4] for r in range(world)], op=op)
    np.testing.assert_allclose(out2.numpy(), out.numpy(), rtol=0)


def test_gather_and_scatter(rank, world):
    for root in range(world):
        t = tc.from_numpy(data(rank, (5,), tc.int32))
        gl = [tc.zeros(5, dtype=tc.int32) for _ in range(world)] if rank == root else None
        dist.gather(t, gl, dst=root)
        if rank == root:
            for r in range(world):
                assert_equal(gl[r], data(r, (5,), tc.int32))
        out = tc.zeros(2, 2)
        sl = [tc.from_numpy(data(100 + r, (2, 2), tc.float32)) for r in range(world)] if rank == root else None
        dist.scatter(out, sl, src=root)
        assert_equal(out, data(100 + rank, (2, 2), tc.float32))
    with pytest.raises(ValueError, match="must be specified on destination rank"):
        dist.gather(tc.zeros(1), None, dst=rank)
    with pytest.raises(ValueError, match="must NOT be specified on non-destination"):
        dist.gather(tc.zeros(1), [tc.zeros(1)] * world, dst=(rank + 1) % world)


def test_send_recv(rank, world):
    peer = (rank + 1) % world
    left = (rank - 1) % world
    if rank % 2 == 0:
        dist.send(tc.from_numpy(data(rank, (3, 3), tc.float64)), dst=peer)
        buf = tc.zeros(3, 3, dtype=tc.float64)
        assert dist.recv(buf, src=left) == left
    else:
        buf = tc.zeros(3, 3, dtype=tc.float64)
        assert dist.recv(buf) == left  # any source
        dist.send(tc.from_numpy(data(rank, (3, 3), tc.float64)), dst=peer)
    assert_equal(buf, data(left, (3, 3), tc.float64))
    # isend/irecv in both directions at once, with a tag, large enough to
    # need the rendezvous protocol
    out = tc.zeros(300_000)
    recv_work = dist.irecv(out, src=left, tag=7)
    send_work = dist.isend(tc.from_numpy(data(rank, (300_000,), tc.float32)), dst=peer, tag=7)
    send_work.wait()
    recv_work.wait()
    assert_equal(out, data(left, (300_000,), tc.float32))


def test_recv_mismatch_raises_and_stream_recovers(rank, world):
    if rank == 0:
        dist.send(tc.ones(4, dtype=tc.float64), dst=1)
        dist.send(tc.full((2,), 5.0), dst=1)
    elif rank == 1:
        with pytest.raises(RuntimeError, match="sent 4 elements of tensorcore.float64"):
            dist.recv(tc.zeros(4), src=0)  # float32: same count, other dtype
        t = tc.zeros(2)
        dist.recv(t, src=0)
        assert_equal(t, np.full(2, 5.0, np.float32))


def test_mismatched_collectives_raise_on_every_rank(rank, world):
    with pytest.raises(RuntimeError, match="dtypes differ"):
        dist.all_reduce(tc.zeros(4, dtype=tc.float32 if rank == 0 else tc.float64))
    with pytest.raises(RuntimeError, match="number of elements differs"):
        dist.all_reduce(tc.zeros(4 + rank))
    with pytest.raises(RuntimeError, match="collectives differ"):
        if rank == 0:
            dist.all_reduce(tc.zeros(4))
        else:
            dist.broadcast(tc.zeros(4), src=0)
    with pytest.raises(RuntimeError, match="root rank differs"):
        dist.broadcast(tc.zeros(4), src=rank)
    dist.barrier()  # the group still works afterwards
    t = tc.ones(3)
    dist.all_reduce(t)
    assert_equal(t, np.full(3, world, np.float32))


def test_new_group_and_ranks(rank, world):
    assert dist.get_rank() == rank and dist.get_world_size() == world
    assert dist.get_backend() == "mpi"
    assert dist.get_process_group_ranks(dist.group.WORLD) == list(range(world))
    members = [world - 1]
    g = dist.new_group(members)
    if rank in members:
        assert dist.get_rank(g) == 0 and dist.get_world_size(g) == 1
        assert dist.get_global_rank(g, 0) == world - 1
        t = tc.full((2,), 3.0)
        dist.all_reduce(t, group=g)
        assert_equal(t, np.full(2, 3.0, np.float32))
    else:
        assert g == dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(g) == -1
        with pytest.warns(UserWarning, match="does not belong to the given group"):
            assert dist.all_reduce(tc.zeros(1), group=g) is None
    everyone = dist.new_group(backend="gloo")  # PyTorch's CPU backend name runs on MPI
    t = tc.full((1,), float(rank))
    dist.broadcast(t, src=world - 1, group=everyone)  # src is a global rank
    assert_equal(t, np.full(1, world - 1, np.float32))
    dist.destroy_process_group(everyone)


def test_object_collectives(rank, world):
    objs = [{"rank": rank, "text": "x" * rank}, None] if rank == 0 else [0, 0]
    dist.broadcast_object_list(objs, src=0)
    assert objs == [{"rank": 0, "text": ""}, None]
    gathered = [None] * world
    dist.all_gather_object(gathered, ("r", rank, [rank] * rank))
    assert gathered == [("r", r, [r] * r) for r in range(world)]
    out = [None]
    dist.scatter_object_list(out, [f"to {r}" for r in range(world)] if rank == 0 else None, src=0)
    assert out == [f"to {rank}"]
    got = [None] * world if rank == world - 1 else None
    dist.gather_object(rank * 10, got, dst=world - 1)
    if rank == world - 1:
        assert got == [r * 10 for r in range(world)]


def test_barrier_and_async_barrier(rank, world):
    dist.barrier()
    w = dist.barrier(async_op=True)
    assert w.wait() is True


def test_init_twice_raises():
    with pytest.raises(ValueError, match="twice"):
        dist.init_process_group("mpi")


def test_monitored_barrier(rank, world):
    dist.monitored_barrier(timeout=30)
    if rank == 0:
        with pytest.raises(RuntimeError, match="not every rank of group .* reached the barrier"):
            dist.monitored_barrier(group=lonely_group(rank, world), timeout=0.2)
    else:
        lonely_group(rank, world)
    dist.barrier()


def lonely_group(rank, world):
    """A fresh group in which only rank 0 will call monitored_barrier (the
    group is unusable afterwards, so each use makes its own)."""
    return dist.new_group(list(range(world)))


def test_all_to_all_single(rank, world):
    # equal splits: row block j of rank r's input goes to rank j
    inp = tc.from_numpy(data(rank, (2 * world, 3), tc.int64))
    out = tc.zeros(2 * world, 3, dtype=tc.int64)
    dist.all_to_all_single(out, inp)
    expected = np.concatenate([data(r, (2 * world, 3), tc.int64)[2 * rank: 2 * rank + 2] for r in range(world)])
    assert_equal(out, expected)
    # uneven: rank r sends r + j + 1 rows to rank j
    def sizes(r):
        return [r + j + 1 for j in range(world)]
    inp = tc.from_numpy(data(rank, (sum(sizes(rank)), 2), tc.float64))
    recv_sizes = [sizes(r)[rank] for r in range(world)]
    out = tc.zeros(sum(recv_sizes), 2, dtype=tc.float64)
    dist.all_to_all_single(out, inp, output_split_sizes=recv_sizes, input_split_sizes=sizes(rank))
    pieces = []
    for r in range(world):
        start = sum(sizes(r)[:rank])
        pieces.append(data(r, (sum(sizes(r)), 2), tc.float64)[start: start + sizes(r)[rank]])
    assert_equal(out, np.concatenate(pieces))
    with pytest.raises(ValueError, match="divisible by the group size"):
        dist.all_to_all_single(tc.zeros(world + 1), tc.zeros(world + 1))


def test_all_to_all_lists(rank, world):
    inputs = [tc.full((rank + 1, j + 1), float(10 * rank + j)) for j in range(world)]
    outputs = [tc.zeros(r + 1, rank + 1) for r in range(world)]
    dist.all_to_all(outputs, inputs)
    for r in range(world):
        assert_equal(outputs[r], np.full((r + 1, rank + 1), 10 * r + rank, np.float32))


def test_batch_isend_irecv_ring(rank, world):
    right, left = (rank + 1) % world, (rank - 1) % world
    got = tc.zeros(4, dtype=tc.int32)
    ops = [dist.P2POp(dist.isend, tc.full((4,), rank, dtype=tc.int32), right),
           dist.P2POp(dist.irecv, got, left)]
    for w in dist.batch_isend_irecv(ops):
        w.wait()
    assert_equal(got, np.full(4, left, np.int32))
    with pytest.raises(ValueError, match="Invalid ``op``"):
        dist.P2POp(dist.all_reduce, got, 0)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "uint8", "int8", "int16"])
def test_storage_dtypes_raise_a_clear_error(rank, world, dtype):
    t = tc.ones(3, dtype=getattr(tc, dtype))
    for call in (lambda: dist.all_reduce(t), lambda: dist.broadcast(t, 0)):
        with pytest.raises(RuntimeError, match=f"does not carry tensorcore.{dtype} tensors yet"):
            call()


# ---- Note [Native all_reduce]: the steady state in C++ -------------------

NATIVE = os.environ.get("TENSORCORE_DISTRIBUTED_NATIVE", "1") != "0"
native_only = pytest.mark.skipif(not NATIVE, reason="TENSORCORE_DISTRIBUTED_NATIVE=0: the Python path is under test")


@native_only
@pytest.mark.parametrize("checked", [True, False], ids=["checked", "direct"])
@pytest.mark.parametrize("numel", [1, 300, 4000, 20_000])
def test_native_all_reduce_runs_repeated_calls(rank, world, numel, checked):
    # (checked: up to 4000 values fold into the check record; 20_000 are too large on 2 ranks, so the
    # signature exchange comes first, then MPI_Allreduce)
    # After the first calls of a kind made its plan, the repeats run natively:
    # run(tensor, op) returns True, counts one call for the watchdog and gives
    # numpy's reduction for every dtype and op, as the Python plans do.
    pg = dist.group.WORLD
    assert pg._native_all_reduce is not None  # MPICH from the [distributed] extra
    pg._check = checked
    try:
        for dtype in DTYPES + [tc.bool]:
            for op, reduce_fn in ops_for(dtype).items():
                for _ in range(2):  # the first may resize the check record, the second plans for that size
                    dist.all_reduce(tc.from_numpy(data(rank, (numel,), dtype)), op=op)
                for seed in range(1, 3):
                    t = tc.from_numpy(data(rank, (numel,), dtype, seed))
                    calls = pg._executor.calls
                    assert pg._native_all_reduce(t, op) is True
                    assert pg._executor.calls == calls + 1 and pg._executor.running is None
                    expected = np.asarray(reduce_fn(np.stack(all_data(world, (numel,), dtype, seed))))
                    assert_equal(t, expected.astype(NP[dtype]), exact=not dtype.is_floating_point)
    finally:
        pg._check = True


@native_only
def test_native_all_reduce_leaves_other_calls_to_python(rank, world):
    # False, with the tensor untouched and no MPI call, for whatever Python's
    # path must decide; the same calls through dist.all_reduce then succeed.
    pg = dist.group.WORLD
    run = pg._native_all_reduce
    for _ in range(2):
        dist.all_reduce(tc.ones(6, dtype=tc.float64))
    assert run(tc.ones(6, dtype=tc.float64), dist.ReduceOp.SUM) is True
    x = tc.arange(12.0, dtype=tc.float64)
    cases = [x[::2],                                                  # strided
             tc.ones(7, dtype=tc.float64),                            # a count with no plan
             tc.ones(6, dtype=tc.float32),                            # a dtype with no plan
             np.ones(6)]                                              # not a tensor
    for t in cases:
        before = np.array(t.numpy() if isinstance(t, tc.Tensor) else t)
        calls = pg._executor.calls
        assert run(t, dist.ReduceOp.SUM) is False
        assert pg._executor.calls == calls
        np.testing.assert_array_equal(t.numpy() if isinstance(t, tc.Tensor) else t, before)
    assert run(tc.ones(6, dtype=tc.float64), dist.ReduceOp.MAX) is False  # an op with no plan
    assert run(tc.ones(6, dtype=tc.float64), "sum") is False
    # a busy executor: the call must queue behind whoever holds the group
    pg._executor._in_mpi.acquire()
    try:
        assert run(tc.ones(6, dtype=tc.float64), dist.ReduceOp.SUM) is False
    finally:
        pg._executor._in_mpi.release()
    with pytest.raises(TypeError):
        run(tc.ones(6, dtype=tc.float64))
    t = tc.full((6,), float(rank + 1), dtype=tc.float64)
    dist.all_reduce(t)
    assert_equal(t, np.full(6, world * (world + 1) / 2))


@native_only
def test_native_all_reduce_mismatch_raises_and_group_recovers(rank, world):
    # Both ranks have plans for 8 float32 and 8 int32 values: each takes the
    # native path with a different signature, and both raise the check's error.
    for _ in range(2):
        dist.all_reduce(tc.ones(8))
        dist.all_reduce(tc.ones(8, dtype=tc.int32))
    t = tc.ones(8, dtype=tc.float32 if rank == 0 else tc.int32)
    with pytest.raises(RuntimeError, match="dtypes differ"):
        dist.group.WORLD._native_all_reduce(t, dist.ReduceOp.SUM)
    assert dist.group.WORLD._executor.running is None
    np.testing.assert_array_equal(t.numpy(), np.ones(8))  # not written
    t = tc.ones(8)
    dist.all_reduce(t)
    assert_equal(t, np.full(8, world, np.float32))


@native_only
def test_native_all_reduce_checked_mismatch_raises(rank, world):
    # 40_000 values do not fold: the native path exchanges the signatures before MPI_Allreduce
    for _ in range(2):
        dist.all_reduce(tc.ones(40_000))
        dist.all_reduce(tc.ones(40_000, dtype=tc.int32))
    t = tc.ones(40_000, dtype=tc.float32 if rank == 0 else tc.int32)
    with pytest.raises(RuntimeError, match="dtypes differ"):
        dist.group.WORLD._native_all_reduce(t, dist.ReduceOp.SUM)
    np.testing.assert_array_equal(t.numpy(), np.ones(40_000))
    t = tc.ones(40_000)
    assert dist.group.WORLD._native_all_reduce(t, dist.ReduceOp.SUM) is True
    assert_equal(t, np.full(40_000, world, np.float32))


@native_only
def test_native_all_reduce_plans_follow_the_record(rank, world):
    # A resize of the check record (a larger all_reduce, or another
    # collective) drops the native plans made for the old record; the next
    # call re-plans in Python and the repeats are native again.
    pg = dist.group.WORLD
    native = pg._checker.native
    for _ in range(2):
        dist.all_reduce(tc.ones(4))
    assert native.num_plans >= 1
    dist.all_reduce(tc.ones(512))  # 2 KB: the record grows, the plans go
    assert pg._native_all_reduce(tc.ones(4), dist.ReduceOp.SUM) is False
    dist.barrier()
    for _ in range(2):
        t = tc.ones(4)
        dist.all_reduce(t)
        assert_equal(t, np.full(4, world, np.float32))
    t = tc.ones(4)
    assert pg._native_all_reduce(t, dist.ReduceOp.SUM) is True
    assert_equal(t, np.full(4, world, np.float32))
