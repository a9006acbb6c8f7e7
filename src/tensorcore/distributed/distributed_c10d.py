"""tensorcore.distributed's process groups and collectives (PyTorch's
torch.distributed API) on MPI through mpi4py.

Ranks and world size come from MPI (mpiexec starts the processes); a group
is an MPI communicator plus an OrderedExecutor (_work.py) that keeps each
rank's calls in program order and a watchdog that bounds every wait. Tensors
reach MPI as numpy views of their memory (_buffers.py): no copies for
contiguous tensors, and mpi4py releases the GIL inside MPI.

As in PyTorch, `src`/`dst` arguments are ranks of the default (world) group
whatever `group` is; get_rank(group) is the rank inside `group`.
"""
import datetime
import enum
import os
import sys
import time
import warnings

import numpy as np

from .. import _C
from . import _mpi, _signature
from ._buffers import DTYPE_CODES, Writable, array_of, check_tensor, readable
from ._work import DistBackendError, OrderedExecutor, Work

default_pg_timeout = datetime.timedelta(minutes=30)


class RedOpType(enum.Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"

    def __str__(self):
        return f"RedOpType.{self.name}"

    def __int__(self):
        return self.value

    __index__ = __int__


class ReduceOp:
    """The reduction of all_reduce/reduce/reduce_scatter: ReduceOp.SUM, AVG,
    PRODUCT, MIN, MAX, BAND, BOR, BXOR (AVG: the sum divided by the group
    size, for floating-point tensors)."""
    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR


reduce_op = ReduceOp  # PyTorch's deprecated spelling


# PyTorch's CPU backend: scripts written for it (init_process_group("gloo"),
# new_group(backend="gloo")) run on MPI unchanged; the collectives' results
# on CPU tensors are the same.
_CPU_BACKEND_ALIASES = ("gloo", "cpu:gloo")


def _backend_name(backend):
    if isinstance(backend, str) and backend.lower() in _CPU_BACKEND_ALIASES:
        return Backend.MPI
    return Backend(backend)


class Backend(str):
    """Backend names; "mpi" is the only one tensorcore has ("gloo", PyTorch's
    CPU backend, is accepted by init_process_group/new_group and runs on MPI)."""
    UNDEFINED = "undefined"
    MPI = "mpi"
    GLOO = "gloo"
    NCCL = "nccl"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = name.lower()
        if value != "mpi":
            hint = " (CUDA collectives are not supported)" if "nccl" in value else ""
            raise ValueError(f"Invalid backend: '{name}'{hint}. tensorcore.distributed runs on MPI: use "
                             f"init_process_group(backend=\"mpi\") (\"gloo\" is accepted too) and start the "
                             f"ranks with mpiexec or python -m tensorcore.distributed.run")
        return str.__new__(cls, value)


class ProcessGroup:
    """A set of ranks that run collectives together: an MPI communicator,
    the global ranks of its members, and the executor that orders its calls."""

    def __init__(self, comm, global_ranks, timeout_s, name, check):
        self._comm = comm
        self._ranks = list(global_ranks)
        self._group_rank = {g: i for i, g in enumerate(self._ranks)}
        self._executor = OrderedExecutor(name, timeout_s)
        self._name = name
        self._check = check

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return Backend.MPI

    @property
    def group_name(self):
        return self._name

    def __repr__(self):
        return f"<tensorcore.distributed.ProcessGroup {self._name} ranks={self._ranks}>"


class GroupMember:
    """GroupMember.WORLD: the default group (None before init_process_group);
    NON_GROUP_MEMBER: what new_group returns on ranks outside the group."""
    WORLD = None
    NON_GROUP_MEMBER = -100


class group:  # noqa: N801 (PyTorch's name)
    WORLD = None


class _State:
    world = None          # the default ProcessGroup
    groups = []           # every live group, world first
    saved_excepthook = None


def _world_rank_for_messages():
    w = _State.world
    return w.rank() if w is not None else "?"


# ------------------------------------------------------------------ setup

def is_available():
    """True when the MPI transport (mpi4py) is installed."""
    return _mpi.available()


def is_mpi_available():
    return _mpi.available()


def is_gloo_available():
    """True where init_process_group("gloo") works: it runs on MPI."""
    return _mpi.available()


def is_nccl_available():
    return False


def is_backend_available(backend):
    return (str(backend).lower() == "mpi" or str(backend).lower() in _CPU_BACKEND_ALIASES) and _mpi.available()


def is_initialized():
    return _State.world is not None


def is_torchelastic_launched():
    return False


def _timeout_seconds(timeout):
    if timeout is None:
        return default_pg_timeout.total_seconds()
    if isinstance(timeout, datetime.timedelta):
        seconds = timeout.total_seconds()
    elif isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        seconds = float(timeout)
    else:
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout)}")
    if seconds <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    return seconds


def _agree(what, mpi_value, given, source):
    if given is not None and int(given) != -1 and int(given) != mpi_value:
        raise ValueError(f"init_process_group: {what}={given} from {source} disagrees with MPI, which started "
                         f"this process as {what} {mpi_value}; launch with mpiexec -n N (or "
                         f"python -m tensorcore.distributed.run) and let MPI assign ranks")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Creates the default process group over every process that mpiexec
    started (a single process when run without mpiexec).

    Rank and world size come from MPI. `world_size`/`rank`, and with
    init_method "env://" (or none) the RANK and WORLD_SIZE environment
    variables, are accepted when they agree with MPI and rejected otherwise.
    `timeout` (timedelta, default 30 min) bounds every collective: a rank
    waiting longer aborts the whole job with a message (a peer died, raised,
    or called something else).
    """
    if _State.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if backend is not None:
        backend = _backend_name(backend)
    if store is not None:
        raise ValueError("init_process_group: store= is not supported by the MPI backend (MPI does the "
                         "rendezvous); leave it out")
    if init_method is not None and init_method != "env://":
        raise ValueError(f"init_process_group: init_method {init_method!r} is not supported; the MPI backend "
                         f"takes ranks from mpiexec (init_method=None or 'env://')")
    seconds = _timeout_seconds(timeout)
    if not _mpi.available():
        raise RuntimeError(_mpi.INSTALL_HINT)
    MPI = _mpi.load()
    comm = MPI.COMM_WORLD.Dup()  # our own context: never mixes with the user's mpi4py traffic
    mpi_rank, mpi_size = comm.Get_rank(), comm.Get_size()
    _agree("rank", mpi_rank, rank, "the rank= argument")
    _agree("world_size", mpi_size, world_size, "the world_size= argument")
    _agree("rank", mpi_rank, os.environ.get("RANK"), "the RANK environment variable")
    _agree("world_size", mpi_size, os.environ.get("WORLD_SIZE"), "the WORLD_SIZE environment variable")
    check = os.environ.get("TENSORCORE_DISTRIBUTED_CHECK", "1") != "0"
    pg = ProcessGroup(comm, range(mpi_size), seconds, group_name or "WORLD", check)
    _State.world = pg
    _State.groups = [pg]
    GroupMember.WORLD = group.WORLD = pg
    _install_excepthook()


def _install_excepthook():
    """An uncaught exception on one rank aborts every rank (MPI_Abort):
    otherwise the others would wait in their next collective until the
    timeout. The traceback is printed first, so the cause is visible."""
    if _State.saved_excepthook is not None:
        return
    previous = sys.excepthook
    _State.saved_excepthook = previous

    def hook(exc_type, exc, tb):
        previous(exc_type, exc, tb)
        world = _State.world
        if world is None or world.size() == 1 or issubclass(exc_type, KeyboardInterrupt):
            return
        sys.stderr.write(f"[rank {world.rank()}] tensorcore.distributed: uncaught {exc_type.__name__} (traceback "
                         f"above); aborting all {world.size()} ranks of the MPI job\n")
        sys.stderr.flush()
        _mpi.load().COMM_WORLD.Abort(1)

    sys.excepthook = hook


def destroy_process_group(group=None):
    """Destroys `group`, or (default) every group and the default one."""
    if group is None or group is GroupMember.WORLD:
        if _State.world is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        for pg in reversed(_State.groups):
            _free(pg)
        _State.world = None
        _State.groups = []
        GroupMember.WORLD = group_ns.WORLD = None
        if _State.saved_excepthook is not None:
            sys.excepthook = _State.saved_excepthook
            _State.saved_excepthook = None
        return
    if group == GroupMember.NON_GROUP_MEMBER:
        return
    if group not in _State.groups:
        raise ValueError("Invalid process group specified")
    _free(group)
    _State.groups.remove(group)


group_ns = group


def _free(pg):
    pg._executor.close()
    try:
        pg._comm.Free()
    except Exception:  # freeing is best effort at teardown
        pass


def _default_group(op):
    if _State.world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _State.world


def _resolve(group, op):
    """The ProcessGroup to use, or None for a rank outside `group` (PyTorch
    warns and does nothing then)."""
    world = _default_group(op)
    if group is None:
        return world
    if group == GroupMember.NON_GROUP_MEMBER:
        warnings.warn(f"Running {op} on global rank {world.rank()} which does not belong to the given group.")
        return None
    if not isinstance(group, ProcessGroup) or group not in _State.groups:
        raise ValueError("Invalid process group specified")
    return group


def get_rank(group=None):
    """This process's rank in `group` (default: the world); -1 outside it."""
    world = _default_group("get_rank")
    if group is None or group is world:
        return world.rank()
    if group == GroupMember.NON_GROUP_MEMBER:
        return -1
    if not isinstance(group, ProcessGroup) or group not in _State.groups:
        raise ValueError(f"Group {group} is not registered, please create group with "
                         f"tensorcore.distributed.new_group API")
    return group.rank()


def get_world_size(group=None):
    world = _default_group("get_world_size")
    if group is None:
        return world.size()
    if group == GroupMember.NON_GROUP_MEMBER:
        return -1
    return _resolve(group, "get_world_size").size()


def get_backend(group=None):
    _default_group("get_backend") if group is None else _resolve(group, "get_backend")
    return Backend.MPI


def get_process_group_ranks(group):
    pg = _resolve(group, "get_process_group_ranks") if group is not None else _default_group("")
    return list(pg._ranks)


def get_global_rank(group, group_rank):
    pg = _resolve(group, "get_global_rank")
    if not 0 <= group_rank < len(pg._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
    return pg._ranks[group_rank]


def get_group_rank(group, global_rank):
    pg = _resolve(group, "get_group_rank")
    if global_rank not in pg._group_rank:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}")
    return pg._group_rank[global_rank]


def _group_root(pg, global_rank, op, what="root"):
    """The group rank of global rank `global_rank` (src/dst are global)."""
    if not isinstance(global_rank, int) or isinstance(global_rank, bool):
        raise TypeError(f"{op}(): {what} rank must be an int, not {type(global_rank).__name__}")
    r = pg._group_rank.get(global_rank)
    if r is None:
        raise ValueError(f"{op}(): invalid {what} rank {global_rank}: the group's ranks are {pg._ranks}")
    return r


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of the given global ranks (default: all). Every rank of the
    world must call it, members or not; non-members get
    GroupMember.NON_GROUP_MEMBER."""
    world = _default_group("new_group")
    if backend is not None:
        _backend_name(backend)
    seconds = _timeout_seconds(timeout) if timeout is not None else world._executor.timeout_s
    members = sorted(set(range(world.size()) if ranks is None else (int(r) for r in ranks)))
    for r in members:
        if not 0 <= r < world.size():
            raise ValueError(f"new_group(): rank {r} is outside the world of {world.size()} ranks")
    MPI = _mpi.load()
    me = world.rank()
    sig = _signature.make("new_group", numel=len(members), shape=members)

    def split():
        if world._check:
            _signature.check(world._comm, MPI, sig, "new_group", members)
        return world._comm.Split(0 if me in members else MPI.UNDEFINED, members.index(me) if me in members else 0)

    comm = world._executor.run(split, "new_group")
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, members, seconds, group_desc or f"group{len(_State.groups)}", world._check)
    _State.groups.append(pg)
    return pg


# ------------------------------------------------------------ collectives

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


from .._dtype import bool_ as _C_bool  # noqa: E402


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
        _signature.check(pg._comm, MPI, sig() if callable(sig) else sig, kind, shape)
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
    check_tensor(tensor, "tensor", "all_reduce")
    pg = _resolve(group, "all_reduce")
    if pg is None:
        return None
    MPI = _mpi.load()
    dtype = tensor.dtype
    mop = _mpi_op(MPI, op, dtype, "all_reduce")
    out = Writable(tensor, keep_values=True)
    comm, array, in_place = pg._comm, out.array, MPI.IN_PLACE
    if op is RedOpType.AVG or out.target is not None:
        size = pg.size()

        def body():
            comm.Allreduce(in_place, array, op=mop)
            if op is RedOpType.AVG:
                np.divide(array, size, out=array)
            out.commit()
    else:
        def body():  # the common case: straight into the tensor's memory
            comm.Allreduce(in_place, array, op=mop)
    body = _checked(pg, MPI, lambda: _signature.make("all_reduce", DTYPE_CODES[dtype], array.size, op.value + 1, -1,
                                                     array.shape), "all_reduce", array.shape, body)
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


# ------------------------------------------------------- point to point
#
# Note [point-to-point header]
# A message is a small header (dtype code, element count, shape hash) on tag
# 2*tag followed by the data on tag 2*tag+1, both non-blocking (MPI_Isend),
# so isend/irecv never occupy the group's executor and cannot deadlock
# against collectives queued behind them. The receiver checks the header
# against its tensor: a dtype or shape mismatch raises instead of silently
# reinterpreting bytes, and a larger message is drained before raising, so
# the stream stays consistent.

def _header(t):
    return np.array([DTYPE_CODES[t.dtype], t.numel(), hash(tuple(t.shape)) & ((1 << 62) - 1)], np.int64)


class _P2PWork(Work):
    def __init__(self, description, finish, outputs, timeout_s):
        super().__init__(None, description, outputs)
        self._finish_fn = finish
        self._timeout_s = timeout_s
        self._value = None

    def wait(self, timeout=None):
        if not self._done.is_set():
            from ._work import watchdog
            token = watchdog.start(self._description, self._timeout_s)
            try:
                self._value = self._finish_fn()
            except _mpi.load().Exception as e:
                self._exception = DistBackendError(f"{self._description}: MPI error: {e}")
            except BaseException as e:
                self._exception = e
            finally:
                watchdog.finish(token)
                self._done.set()
        if self._exception is not None:
            raise self._exception
        return True

    def is_completed(self):
        return self._done.is_set()


def _p2p_peer(pg, peer, op, what):
    if peer is None:
        return None
    r = _group_root(pg, peer, op, what)
    return r


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Starts sending `tensor` to rank `dst`; returns a Work."""
    check_tensor(tensor, "tensor", "isend")
    pg = _resolve(group, "isend")
    if pg is None:
        return None
    peer = group_dst if group_dst is not None else _p2p_peer(pg, dst, "isend", "dst")
    if peer is None:
        raise ValueError("isend(): dst must be given")
    if peer == pg.rank():
        raise ValueError("Invalid destination rank: should not be the same as rank of the current process.")
    MPI = _mpi.load()
    header, data = _header(tensor), readable(tensor)
    reqs = [pg._comm.Isend(header, peer, tag=2 * tag), pg._comm.Isend(data, peer, tag=2 * tag + 1)]

    def finish():
        MPI.Request.Waitall(reqs)
        _ = (header, data)  # keep the buffers alive until MPI is done with them
    return _P2PWork(_desc("send", tensor, pg, f" to rank {dst}"), finish, [tensor], pg._executor.timeout_s)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Starts receiving into `tensor` from rank `src` (any rank if None);
    wait() then returns; the Work's result names the sender."""
    check_tensor(tensor, "tensor", "irecv")
    pg = _resolve(group, "irecv")
    if pg is None:
        return None
    peer = group_src if group_src is not None else _p2p_peer(pg, src, "irecv", "src")
    MPI = _mpi.load()
    header = np.empty(3, np.int64)
    mine = _header(tensor)
    out = Writable(tensor)
    status = MPI.Status()
    source = MPI.ANY_SOURCE if peer is None else peer
    head_req = pg._comm.Irecv(header, source, tag=2 * tag)
    # With a known sender the data receive is posted at once (overlap); with
    # any-source it waits for the header, which names the sender.
    data_req = pg._comm.Irecv(out.array, peer, tag=2 * tag + 1) if peer is not None else None

    def finish():
        nonlocal data_req
        head_req.Wait(status)
        sender = status.Get_source()
        if (header == mine).all():
            if data_req is None:
                data_req = pg._comm.Irecv(out.array, sender, tag=2 * tag + 1)
            data_req.Wait()
            out.commit()
            return pg._ranks[sender]
        if data_req is not None:
            data_req.Cancel()
            data_req.Wait()
        from ._buffers import DTYPE_BY_CODE
        dtype = DTYPE_BY_CODE.get(int(header[0]))
        np_dtype = array_of(_C.empty([1], dtype)).dtype if dtype is not None else np.uint8
        sink = np.empty(int(header[1]), np_dtype)
        pg._comm.Recv(sink, sender, tag=2 * tag + 1)
        raise RuntimeError(f"recv: rank {pg._ranks[sender]} sent {int(header[1])} elements of {dtype} but the "
                           f"receiving tensor has {tensor.numel()} elements of {tensor.dtype} (shape "
                           f"{list(tensor.shape)}); send and recv need the same dtype and shape")
    work = _P2PWork(_desc("recv", tensor, pg), finish, [tensor], pg._executor.timeout_s)
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Sends `tensor` to rank `dst` (returns when the buffer can be reused)."""
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into `tensor` from rank `src` (any if None); returns the
    sender's rank."""
    w = irecv(tensor, src, group, tag, group_src)
    if w is None:
        return -1
    w.wait()
    return w._value


class P2POp:
    """One send or receive for batch_isend_irecv: P2POp(dist.isend, t, peer)
    or P2POp(dist.irecv, t, peer)."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group, self.tag, self.group_peer = op, tensor, peer, group, tag, \
            group_peer


def batch_isend_irecv(p2p_op_list):
    """Starts every send and receive of the list; returns their Works."""
    if not isinstance(p2p_op_list, (list, tuple)) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    works = []
    for p in p2p_op_list:
        if p.op is isend:
            works.append(isend(p.tensor, p.peer, p.group, p.tag, p.group_peer))
        else:
            works.append(irecv(p.tensor, p.peer, p.group, p.tag, p.group_peer))
    return works


# ------------------------------------------------------ object collectives

def _object_group(group, op):
    pg = _resolve(group, op)
    return pg, _mpi.load()


def broadcast_object_list(object_list, src=0, group=None, device=None, group_src=None):
    """Replaces object_list's items with rank `src`'s (pickled)."""
    pg, MPI = _object_group(group, "broadcast_object_list")
    if pg is None:
        return
    root = group_src if group_src is not None else _group_root(pg, src, "broadcast_object_list", "src")
    sig = _signature.make("broadcast_object_list", numel=len(object_list), root=root)

    def body():
        if pg._check:
            _signature.check(pg._comm, MPI, sig, "broadcast_object_list")
        return pg._comm.bcast(list(object_list) if pg.rank() == root else None, root=root)
    result = pg._executor.run(body, f"broadcast_object_list (group {pg._name}, rank {pg.rank()})")
    object_list[:] = result


def all_gather_object(object_list, obj, group=None):
    """object_list[i] = `obj` of group rank i (pickled)."""
    pg, MPI = _object_group(group, "all_gather_object")
    if pg is None:
        return
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object(): object_list must have {pg.size()} (the group's size) items, "
                         f"got {len(object_list)}")

    def body():
        if pg._check:
            _signature.check(pg._comm, MPI, _signature.make("all_gather_object"), "all_gather_object")
        return pg._comm.allgather(obj)
    object_list[:] = pg._executor.run(body, f"all_gather_object (group {pg._name}, rank {pg.rank()})")


def gather_object(obj, object_gather_list=None, dst=0, group=None, group_dst=None):
    """object_gather_list[i] on rank `dst` = `obj` of group rank i."""
    pg, MPI = _object_group(group, "gather_object")
    if pg is None:
        return
    root = group_dst if group_dst is not None else _group_root(pg, dst, "gather_object", "dst")
    if pg.rank() == root and (object_gather_list is None or len(object_gather_list) != pg.size()):
        raise ValueError(f"gather_object(): object_gather_list must have {pg.size()} items on the destination rank")

    def body():
        if pg._check:
            _signature.check(pg._comm, MPI, _signature.make("gather_object", root=root), "gather_object")
        return pg._comm.gather(obj, root=root)
    result = pg._executor.run(body, f"gather_object (group {pg._name}, rank {pg.rank()})")
    if pg.rank() == root:
        object_gather_list[:] = result


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=0, group=None,
                        group_src=None):
    """scatter_object_output_list[0] on group rank i = item i of rank `src`'s
    scatter_object_input_list."""
    pg, MPI = _object_group(group, "scatter_object_list")
    if pg is None:
        return
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    root = group_src if group_src is not None else _group_root(pg, src, "scatter_object_list", "src")
    if pg.rank() == root and (scatter_object_input_list is None or len(scatter_object_input_list) != pg.size()):
        raise ValueError(f"scatter_object_list(): the source rank needs {pg.size()} input objects")

    def body():
        if pg._check:
            _signature.check(pg._comm, MPI, _signature.make("scatter_object_list", root=root), "scatter_object_list")
        return pg._comm.scatter(list(scatter_object_input_list) if pg.rank() == root else None, root=root)
    scatter_object_output_list[0] = pg._executor.run(body, f"scatter_object_list (group {pg._name})")

