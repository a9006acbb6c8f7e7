"""The tensor collectives (PyTorch's names and arguments): barrier,
broadcast, all_reduce, reduce, all_gather(_into_tensor), reduce_scatter(_tensor),
gather, scatter, all_to_all(_single).

Each builds a `body` that makes the MPI call on the tensors' memory (numpy
views, _buffers.py), prefixes it with the cross-rank signature check
(_signature.py), and runs it through the group's executor: inline, or as a
Work with async_op=True (_work.py).
"""
import time

import numpy as np

from .._C import Tensor as _Tensor
from .._dtype import bool_ as _C_bool
from . import _mpi, _signature
from ._buffers import DTYPE_CODES, Writable, array_of, check_tensor, readable
from .distributed_c10d import ReduceOp, RedOpType, _State, _group_root, _resolve, _timeout_seconds

_MPI_OPS = {}  # (op, dtype) -> MPI.Op, filled by _mpi_op


def _mpi_op(MPI, op, dtype, opname):
    key = (getattr(op, "_value_", None), dtype)  # an Enum's hash is computed in Python: key on its value
    cached = _MPI_OPS.get(key) if isinstance(op, RedOpType) else None
    if cached is not None:
        return cached
    result = _mpi_op_uncached(MPI, op, dtype, opname)
    _MPI_OPS[key] = result
    return result


def _mpi_op_uncached(MPI, op, dtype, opname):
    if not isinstance(op, RedOpType):
        raise TypeError(f"{opname}(): op must be a ReduceOp (ReduceOp.SUM, ...), not {op!r}")
    if dtype == _C_bool:
        # Booleans: SUM/MAX act as OR, PRODUCT/MIN as AND (as a uint8 reduction would).
        table = {RedOpType.SUM: MPI.LOR, RedOpType.MAX: MPI.LOR, RedOpType.BOR: MPI.LOR,
                 RedOpType.PRODUCT: MPI.LAND, RedOpType.MIN: MPI.LAND, RedOpType.BAND: MPI.LAND,
                 RedOpType.BXOR: MPI.LXOR}
        if op not in table:
            raise RuntimeError(f"{opname}(): ReduceOp.{op.name} is not supported for bool tensors")
        return table[op]
    floating = dtype.is_floating_point
    if op == RedOpType.AVG and not floating:
        raise RuntimeError(f"{opname}(): ReduceOp.AVG needs a floating-point tensor, got {dtype}")
    if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and floating:
        raise RuntimeError(f"{opname}(): ReduceOp.{op.name} needs an integer or bool tensor, got {dtype}")
    return {RedOpType.SUM: MPI.SUM, RedOpType.AVG: MPI.SUM, RedOpType.PRODUCT: MPI.PROD, RedOpType.MIN: MPI.MIN,
            RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND, RedOpType.BOR: MPI.BOR,
            RedOpType.BXOR: MPI.BXOR}[op]




def _finish(pg, fn, description, async_op, outputs=()):
    if async_op:
        return pg._executor.submit(fn, description, outputs)
    pg._executor.run(fn, description)
    return None


class _desc:  # noqa: N801 (used like a function)
    """An operation's description for errors and the watchdog, formatted
    only when one is shown (formatting on every call would cost more than a
    small all-reduce)."""
    __slots__ = ("op", "t", "pg", "suffix")

    def __init__(self, op, t, pg, suffix=""):
        self.op, self.t, self.pg, self.suffix = op, t, pg, suffix

    def __str__(self):
        return (f"{self.op} (tensor {list(self.t.shape)} {self.t.dtype}, group {self.pg._name}, "
                f"rank {self.pg.rank()}){self.suffix}")


def _sig(kind, t, op=None, root=-1):
    return _signature.make(kind, DTYPE_CODES[t.dtype], t.numel(), 0 if op is None else op.value + 1, root,
                           _shape(t))


def _shape(t):
    """t's shape as a tuple (faster than building a Size)."""
    return array_of(t).shape


def _checked(pg, MPI, sig, kind, shape, body):
    """`body` preceded by the signature check (Note [signature check]);
    `sig` is a signature or a function that makes one (called only when
    checks are on)."""
    if not pg._check:
        return body

    def run():
        pg._checker.check(sig() if callable(sig) else sig, kind, shape)
        return body()
    return run


def barrier(group=None, async_op=False, device_ids=None):
    """Blocks until every rank of the group reached it."""
    pg = _resolve(group, "barrier")
    if pg is None:
        return None
    MPI = _mpi.load()
    body = _checked(pg, MPI, _signature.make("barrier"), "barrier", (), pg._comm.Barrier)
    return _finish(pg, body, f"barrier (group {pg._name}, rank {pg.rank()})", async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that raises RuntimeError (instead of aborting the job) when
    the other ranks do not all arrive within `timeout` (default: the
    group's). MPI cannot say which ranks are missing; the group should not
    be used after such an error."""
    pg = _resolve(group, "monitored_barrier")
    if pg is None:
        return None
    seconds = _timeout_seconds(timeout) if timeout is not None else pg._executor.timeout_s

    def body():
        request = pg._comm.Ibarrier()
        deadline = time.monotonic() + seconds
        pause = 1e-5
        while not request.Test():
            if time.monotonic() > deadline:
                raise RuntimeError(f"monitored_barrier: rank {pg.rank()} waited {seconds:g} s and not every rank of "
                                   f"group {pg._name} reached the barrier")
            time.sleep(pause)
            pause = min(pause * 2, 1e-3)
    # Its own deadline is the point: the watchdog gets a longer one.
    return pg._executor.run(body, f"monitored_barrier (group {pg._name}, rank {pg.rank()})",
                            timeout_s=seconds + max(5.0, seconds))


def broadcast(tensor, src=0, group=None, async_op=False, group_src=None):
    """Copies `tensor` of rank `src` into `tensor` on every rank."""
    check_tensor(tensor, "tensor", "broadcast")
    pg = _resolve(group, "broadcast")
    if pg is None:
        return None
    MPI = _mpi.load()
    root = group_src if group_src is not None else _group_root(pg, src, "broadcast", "src")
    out = Writable(tensor, keep_values=pg.rank() == root)

    def body():
        pg._comm.Bcast(out.array, root=root)
        out.commit()
    body = _checked(pg, MPI, _sig("broadcast", tensor, root=root), "broadcast", _shape(tensor), body)
    return _finish(pg, body, _desc("broadcast", tensor, pg), async_op, [tensor])


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces `tensor` over the group, in place on every rank."""
    # Note [all_reduce fast path]: a synchronous all_reduce on the default
    # group of a contiguous CPU tensor whose element count, dtype and op were
    # seen before goes straight to that plan (Note [all_reduce plans] in
    # _signature.py): 3.4 us of CPU per call instead of 5.7 (one process,
    # 1 KB; raw mpi4py 0.6). Every check the slow path makes
    # below is implied: a plan exists only for a supported dtype and a valid
    # op, and dtype and op are compared by identity (both are singletons).
    # The cross-rank signature check is not skipped: it is part of the plan.
    # Anything else (a strided tensor, a new kind of call, async_op, another
    # group, a busy group) takes the slow path or the executor's queue.
    # Note [Native all_reduce] (csrc/bindings/mpi_all_reduce.cpp): the steady
    # state of a synchronous call runs in C++; it returns False, having done
    # nothing, for anything it does not handle.
    if group is None:
        run = _State.native_all_reduce  # the default group's
        if run is not None and not async_op and run(tensor, op):
            return None
    elif not async_op:
        run = getattr(group, "_native_all_reduce", None)
        if run is not None and run(tensor, op):
            return None
    world = _State.world
    if (group is None or group is world) and not async_op and world is not None and isinstance(tensor, _Tensor) \
            and tensor.is_cpu and tensor.is_contiguous():
        plan = (world._checker.fast if world._check else world._checker.unchecked).get(tensor.numel())
        if plan is not None and plan.dtype is tensor.dtype and plan.op is op:
            return world._executor.call(plan, tensor, plan)
    check_tensor(tensor, "tensor", "all_reduce")
    pg = _resolve(group, "all_reduce")
    if pg is None:
        return None
    dtype = tensor.dtype
    MPI = _mpi.load()
    mop = _mpi_op(MPI, op, dtype, "all_reduce")
    if tensor.is_contiguous():
        plan = pg._checker.all_reduce_plan(tensor.numel(), dtype, op, mop, op is RedOpType.AVG, pg._check)
        if async_op:
            return pg._executor.submit(lambda: plan(tensor), _desc("all_reduce", tensor, pg), [tensor])
        return pg._executor.call(plan, tensor, plan)
    # Strided: staged through a contiguous copy (Writable).
    out = Writable(tensor, keep_values=True)
    comm, array, in_place = pg._comm, out.array, MPI.IN_PLACE
    size = pg.size()

    def body():
        comm.Allreduce(in_place, array, op=mop)
        if op is RedOpType.AVG:
            np.divide(array, size, out=array)
        out.commit()
    body = _checked(pg, MPI, lambda: _signature.make("all_reduce", DTYPE_CODES[dtype], array.size, op.value + 1),
                    "all_reduce", array.shape, body)
    return _finish(pg, body, _desc("all_reduce", tensor, pg), async_op, [tensor])


def reduce(tensor, dst=0, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduces `tensor` over the group into `tensor` of rank `dst` (the
    others' tensors are left unchanged)."""
    check_tensor(tensor, "tensor", "reduce")
    pg = _resolve(group, "reduce")
    if pg is None:
        return None
    MPI = _mpi.load()
    mop = _mpi_op(MPI, op, tensor.dtype, "reduce")
    root = group_dst if group_dst is not None else _group_root(pg, dst, "reduce", "dst")
    is_root = pg.rank() == root
    size = pg.size()
    out = Writable(tensor, keep_values=True) if is_root else None
    send = None if is_root else readable(tensor)

    def body():
        if is_root:
            pg._comm.Reduce(MPI.IN_PLACE, out.array, op=mop, root=root)
            if op is RedOpType.AVG:
                out.array /= size
            out.commit()
        else:
            pg._comm.Reduce(send, None, op=mop, root=root)
    body = _checked(pg, MPI, _sig("reduce", tensor, op, root), "reduce", _shape(tensor), body)
    return _finish(pg, body, _desc("reduce", tensor, pg), async_op, [tensor])


def _check_list(tensors, like, n, op, what):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): {what} must be a list of tensors, not {type(tensors).__name__}")
    if len(tensors) != n:
        raise RuntimeError(f"{op}: invalid {what} (expected length {n}, got {len(tensors)})")
    for i, t in enumerate(tensors):
        check_tensor(t, f"{what}[{i}]", op)
        if tuple(t.shape) != tuple(like.shape) or t.dtype != like.dtype:
            raise RuntimeError(f"{op}: invalid tensor at index {i} of {what} (expected {list(like.shape)} "
                               f"{like.dtype}, got {list(t.shape)} {t.dtype})")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[i] = `tensor` of group rank i, on every rank."""
    check_tensor(tensor, "tensor", "all_gather")
    pg = _resolve(group, "all_gather")
    if pg is None:
        return None
    _check_list(tensor_list, tensor, pg.size(), "all_gather", "output tensor list")
    MPI = _mpi.load()
    send = readable(tensor)
    outs = [Writable(t) for t in tensor_list]

    def body():
        staging = np.empty((pg.size(),) + send.shape, send.dtype)
        pg._comm.Allgather(send, staging)
        for i, o in enumerate(outs):
            o.array[...] = staging[i]
            o.commit()
    body = _checked(pg, MPI, _sig("all_gather", tensor), "all_gather", _shape(tensor), body)
    return _finish(pg, body, _desc("all_gather", tensor, pg), async_op, list(tensor_list))


def _check_pair(out, inp, op, out_numel, in_numel):
    check_tensor(out, "output_tensor", op)
    check_tensor(inp, "input_tensor", op)
    if out.dtype != inp.dtype:
        raise RuntimeError(f"{op}: output and input tensors must have the same dtype, got {out.dtype} and "
                           f"{inp.dtype}")
    if out_numel != in_numel:
        raise ValueError(f"{op}: output tensor size must be equal to world_size times input tensor size "
                         f"(output {list(out.shape)}, input {list(inp.shape)})" if op != "reduce_scatter_tensor"
                         else f"{op}: input tensor size must be equal to world_size times output tensor size "
                              f"(output {list(out.shape)}, input {list(inp.shape)})")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's `input_tensor`, concatenated (or stacked) in rank order
    into `output_tensor`, whose size is group size times the input's."""
    pg = _resolve(group, "all_gather_into_tensor")
    if pg is None:
        return None
    _check_pair(output_tensor, input_tensor, "all_gather_into_tensor", output_tensor.numel(),
                pg.size() * input_tensor.numel())
    MPI = _mpi.load()
    send = readable(input_tensor)
    out = Writable(output_tensor)

    def body():
        pg._comm.Allgather(send, out.array)
        out.commit()
    body = _checked(pg, MPI, _sig("all_gather_into_tensor", input_tensor), "all_gather_into_tensor",
                    _shape(input_tensor), body)
    return _finish(pg, body, _desc("all_gather_into_tensor", input_tensor, pg), async_op, [output_tensor])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces `input` (group size times `output`'s size) over the group and
    gives group rank i the i-th block of the result, in `output`."""
    pg = _resolve(group, "reduce_scatter_tensor")
    if pg is None:
        return None
    _check_pair(output, input, "reduce_scatter_tensor", pg.size() * output.numel(), input.numel())
    MPI = _mpi.load()
    mop = _mpi_op(MPI, op, input.dtype, "reduce_scatter_tensor")
    send = readable(input)
    out = Writable(output)
    size = pg.size()

    def body():
        pg._comm.Reduce_scatter_block(send, out.array, op=mop)
        if op is RedOpType.AVG:
            out.array /= size
        out.commit()
    body = _checked(pg, MPI, _sig("reduce_scatter_tensor", input, op), "reduce_scatter_tensor", _shape(input), body)
    return _finish(pg, body, _desc("reduce_scatter_tensor", input, pg), async_op, [output])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces input_list[i] over the group into `output` of group rank i."""
    check_tensor(output, "output", "reduce_scatter")
    pg = _resolve(group, "reduce_scatter")
    if pg is None:
        return None
    _check_list(input_list, output, pg.size(), "reduce_scatter", "input tensor list")
    MPI = _mpi.load()
    mop = _mpi_op(MPI, op, output.dtype, "reduce_scatter")
    send = np.stack([readable(t) for t in input_list]) if input_list else None
    out = Writable(output)
    size = pg.size()

    def body():
        pg._comm.Reduce_scatter_block(send, out.array, op=mop)
        if op is RedOpType.AVG:
            out.array /= size
        out.commit()
    body = _checked(pg, MPI, _sig("reduce_scatter", output, op), "reduce_scatter", _shape(output), body)
    return _finish(pg, body, _desc("reduce_scatter", output, pg), async_op, [output])


def gather(tensor, gather_list=None, dst=0, group=None, async_op=False, group_dst=None):
    """gather_list[i] on rank `dst` = `tensor` of group rank i."""
    check_tensor(tensor, "tensor", "gather")
    pg = _resolve(group, "gather")
    if pg is None:
        return None
    root = group_dst if group_dst is not None else _group_root(pg, dst, "gather", "dst")
    is_root = pg.rank() == root
    if is_root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_list(gather_list, tensor, pg.size(), "gather", "gather_list")
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    MPI = _mpi.load()
    send = readable(tensor)
    outs = [Writable(t) for t in gather_list] if is_root else None

    def body():
        staging = np.empty((pg.size(),) + send.shape, send.dtype) if is_root else None
        pg._comm.Gather(send, staging, root=root)
        if is_root:
            for i, o in enumerate(outs):
                o.array[...] = staging[i]
                o.commit()
    body = _checked(pg, MPI, _sig("gather", tensor, root=root), "gather", _shape(tensor), body)
    return _finish(pg, body, _desc("gather", tensor, pg), async_op, list(gather_list or []))


def scatter(tensor, scatter_list=None, src=0, group=None, async_op=False, group_src=None):
    """`tensor` on group rank i = scatter_list[i] of rank `src`."""
    check_tensor(tensor, "tensor", "scatter")
    pg = _resolve(group, "scatter")
    if pg is None:
        return None
    root = group_src if group_src is not None else _group_root(pg, src, "scatter", "src")
    is_root = pg.rank() == root
    if is_root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(scatter_list, tensor, pg.size(), "scatter", "scatter_list")
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    MPI = _mpi.load()
    send = np.stack([readable(t) for t in scatter_list]) if is_root else None
    out = Writable(tensor)

    def body():
        pg._comm.Scatter(send, out.array, root=root)
        out.commit()
    body = _checked(pg, MPI, _sig("scatter", tensor, root=root), "scatter", _shape(tensor), body)
    return _finish(pg, body, _desc("scatter", tensor, pg), async_op, [tensor])


def _splits(sizes, rows, n, what, op):
    if sizes is None or len(sizes) == 0:
        if rows % n:
            raise ValueError(f"{op}: the first dimension of the {what} tensor ({rows}) must be divisible by the "
                             f"group size ({n}) when no split sizes are given")
        return [rows // n] * n
    sizes = [int(x) for x in sizes]
    if len(sizes) != n or sum(sizes) != rows or min(sizes) < 0:
        raise ValueError(f"{op}: {what}_split_sizes {sizes} must have {n} non-negative entries summing to the "
                         f"{what} tensor's first dimension {rows}")
    return sizes


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Splits `input` along dim 0 into group-size pieces (equal, or
    `input_split_sizes` rows each), sends piece i to group rank i, and
    concatenates the pieces received, in rank order, into `output`."""
    check_tensor(output, "output", "all_to_all_single")
    check_tensor(input, "input", "all_to_all_single")
    pg = _resolve(group, "all_to_all_single")
    if pg is None:
        return None
    if output.dtype != input.dtype:
        raise RuntimeError(f"all_to_all_single: output and input must have the same dtype, got {output.dtype} "
                           f"and {input.dtype}")
    n = pg.size()
    send = readable(input)
    out = Writable(output)
    rows_in = send.shape[0] if send.ndim else 1
    rows_out = out.array.shape[0] if out.array.ndim else 1
    row_in = send.size // max(rows_in, 1) if rows_in else 0
    row_out = out.array.size // max(rows_out, 1) if rows_out else 0
    send_counts = [k * row_in for k in _splits(input_split_sizes, rows_in, n, "input", "all_to_all_single")]
    recv_counts = [k * row_out for k in _splits(output_split_sizes, rows_out, n, "output", "all_to_all_single")]
    MPI = _mpi.load()
    uneven = input_split_sizes or output_split_sizes

    def body():
        if uneven:
            pg._comm.Alltoallv([send, (send_counts, None)], [out.array, (recv_counts, None)])
        else:
            pg._comm.Alltoall(send, out.array)
        out.commit()
    # With split sizes the element counts legitimately differ between ranks:
    # the check then covers the collective and the dtype only.
    sig = (lambda: _signature.make("all_to_all_single", DTYPE_CODES[input.dtype])) if uneven else \
        (lambda: _signature.make("all_to_all_single", DTYPE_CODES[input.dtype], send.size, 0, -1, send.shape))
    body = _checked(pg, MPI, sig, "all_to_all_single", send.shape, body)
    return _finish(pg, body, _desc("all_to_all_single", input, pg), async_op, [output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Sends input_tensor_list[i] to group rank i and receives
    output_tensor_list[j] from group rank j (sizes may differ per pair; the
    dtype must be the same everywhere)."""
    pg = _resolve(group, "all_to_all")
    if pg is None:
        return None
    n = pg.size()
    for what, lst in (("output_tensor_list", output_tensor_list), ("input_tensor_list", input_tensor_list)):
        if not isinstance(lst, (list, tuple)) or len(lst) != n:
            raise RuntimeError(f"all_to_all: {what} must be a list of {n} tensors (the group's size)")
        for i, t in enumerate(lst):
            check_tensor(t, f"{what}[{i}]", "all_to_all")
    dtype = input_tensor_list[0].dtype
    if any(t.dtype != dtype for t in list(input_tensor_list) + list(output_tensor_list)):
        raise RuntimeError("all_to_all: every input and output tensor must have the same dtype")
    send = np.concatenate([readable(t).reshape(-1) for t in input_tensor_list])
    send_counts = [t.numel() for t in input_tensor_list]
    recv_counts = [t.numel() for t in output_tensor_list]
    outs = [Writable(t) for t in output_tensor_list]
    MPI = _mpi.load()

    def body():
        recv = np.empty(sum(recv_counts), send.dtype)
        pg._comm.Alltoallv([send, (send_counts, None)], [recv, (recv_counts, None)])
        offset = 0
        for o, k in zip(outs, recv_counts):
            o.array[...] = recv[offset: offset + k].reshape(o.array.shape)
            o.commit()
            offset += k
    body = _checked(pg, MPI, lambda: _signature.make("all_to_all", DTYPE_CODES[dtype]), "all_to_all", (), body)
    return _finish(pg, body, _desc("all_to_all", input_tensor_list[0], pg), async_op, list(output_tensor_list))
