"""tensorcore.distributed's process groups (PyTorch's torch.distributed
API) on MPI through mpi4py: initialisation and teardown, ranks, groups, the
reduction ops; the operations themselves are in collectives.py, p2p.py and
object_collectives.py.

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

from . import _mpi, _signature
from ._work import ABORT_OUTPUT_GRACE_S, OrderedExecutor

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
        self._checker = _signature.Checker(comm, comm.Get_size(), name, self._executor)
        self._check = check
        # all_reduce's first stop (Note [Native all_reduce]): run(tensor, op) -> done?
        self._native_all_reduce = self._checker.native.run if self._checker.native is not None else None

    @property
    def _check(self):
        """Whether calls start with the signature check (Note [signature check])."""
        return self._checks

    @_check.setter
    def _check(self, value):
        self._checks = bool(value)
        if self._checker.native is not None:  # its fold plans run only while checking, its direct ones only not
            self._checker.native.checked = self._checks

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
    native_all_reduce = None  # world._native_all_reduce (all_reduce reads it first)
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
    _State.native_all_reduce = pg._native_all_reduce
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
        sys.stdout.flush()
        sys.stderr.flush()
        time.sleep(ABORT_OUTPUT_GRACE_S)  # Note [Output before MPI_Abort]
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
        _State.native_all_reduce = None
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
            world._checker.check(sig, "new_group", members)
        return world._comm.Split(0 if me in members else MPI.UNDEFINED, members.index(me) if me in members else 0)

    comm = world._executor.run(split, "new_group")
    if comm == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(comm, members, seconds, group_desc or f"group{len(_State.groups)}", world._check)
    _State.groups.append(pg)
    return pg
