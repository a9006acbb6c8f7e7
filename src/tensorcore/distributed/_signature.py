"""The cross-rank consistency check that runs before each collective, and
small all-reduces folded into it.

Note [signature check]
MPI trusts every rank to pass matching arguments: when one rank all-reduces
12 float32 values and another 16, or float64 values, MPI either fails deep
inside with "message truncated", hangs, or silently mixes bytes. Each
collective therefore starts with an exchange (MPI_Allgather) of one fixed-size
record per rank whose first 64 bytes are an 8-integer signature of the call
(collective, dtype, element count, op, root, shape). Every rank sees every
rank's signature, so all of them raise the same RuntimeError, naming what
differs, before any data moves -- and the group stays usable.

Note [small all-reduces ride in the check]
The exchange is a rendezvous as costly as a small all-reduce itself, so an
all-reduce whose data fits in the record sends its data in the same record:
after the Allgather every rank checks the signatures and reduces the rows
itself (in rank order, so every rank gets bit-identical results). That is
one MPI call per all_reduce, as raw MPI -- and on 2 ranks of one machine
MPICH's Allgather of 1-64 KB records takes 60-80% of the time of its
Allreduce of the data alone, which pays for the Python around it. The rows
are reduced with MPI_Reduce_local (MPI's own op: the same results, NaN,
overflow and bool included, as MPI_Allreduce gives larger tensors), except
SUM/AVG/PRODUCT from 8 KB up, which use tensorcore's add/mul: MPICH's local
loop is not vectorised (16K float32 values: ~12 us against ~3 us) and IEEE +
and * give the same bits in either operand order. The record size must be
the same on every rank, so it is group state that changes only on values
every rank agrees on: after an all-reduce of at most `cap` bytes passed the
check, the record's data part becomes that size (rounded up to a power of
two) for the next calls; any other check shrinks it to at most 512 bytes, so
the exchanges of other collectives and large all-reduces stay small. A
repeated all_reduce of the same small tensor thus costs one exchange; a
larger one, or the first of a new size, costs the header exchange plus
MPI_Allreduce. Set TENSORCORE_DISTRIBUTED_CHECK=0 before init_process_group
to skip the check (and the folding) altogether.

Why every call is checked, not each signature once: the choice between the
exchange and a bare MPI_Allreduce must be the same on every rank, or the
ranks would pair an Allgather with an Allreduce -- exactly the hang or
corruption the check exists to prevent. A per-rank cache of "signatures
already checked" diverges precisely when the ranks diverge (rank 0 repeats a
checked call while rank 1 makes a new one), so it cannot decide that safely;
only state every rank agreed on (the record size above) can. PyTorch makes
the other trade: NCCL and Gloo do not check by default and
TORCH_DISTRIBUTED_DEBUG=DETAIL adds a separate collective per call. Here the
check stays on by default because folding makes it free for small
all-reduces (one exchange, as raw MPI's one call), and costs one small
Allgather (~10 us on 2 ranks here) next to the MPI_Allreduce of a larger
tensor, where the data movement dominates. TENSORCORE_DISTRIBUTED_CHECK=0 is
the equivalent of PyTorch's default.

Note [all_reduce plans]
Everything a contiguous all_reduce needs that depends only on (element count,
dtype, op) is built once per group into a plan: the signature, the MPI op
and datatype, and for a folded one its send record with the signature
already in place and prebuilt [MPI.buffer, count, datatype] specs for the
Allgather and the local reduction (mpi4py then parses no buffer format per
call). A call then reads the tensor's address (`data_ptr()`), wraps it as an
MPI buffer without a copy (MPI.buffer.fromaddress: ~0.15 us, against ~1.2 us
for a numpy view), and runs the plan. A plan is tied to the record size it
was made for (`version`): when a queued call runs after another one resized
the record, it re-plans from the state at that moment, which every rank
reaches in the same order. all_reduce's fast path (Note [all_reduce fast
path] in collectives.py) finds the last plan used for an element count in
`Checker.fast` (cleared with every resize) and checks dtype and op by
identity.
"""
import numpy as np

from .. import _C
from .._dtype import bool_
from . import _mpi
from ._buffers import DTYPE_BY_CODE, DTYPE_CODES, NUMPY_DTYPES, mpi_datatype

# Collective kinds (field 0); the numbers only need to agree between ranks.
KINDS = ["barrier", "broadcast", "all_reduce", "reduce", "all_gather", "all_gather_into_tensor",
         "reduce_scatter_tensor", "gather", "scatter", "broadcast_object_list", "all_gather_object",
         "gather_object", "scatter_object_list", "new_group", "reduce_scatter", "all_to_all_single",
         "monitored_barrier", "all_to_all", "send_object_list"]
_KIND_CODE = {k: i + 1 for i, k in enumerate(KINDS)}
_FIELDS = ("collective", "dtype", "number of elements", "reduce op", "root rank", "number of dimensions",
           "shape")
NFIELDS = 8
HEADER_BYTES = 8 * NFIELDS


def make(kind, dtype_code=0, numel=0, op=0, root=-1, shape=()):
    """The signature of one call (int64[8])."""
    shape = tuple(shape)
    sig = [_KIND_CODE[kind], dtype_code, numel, op, root, len(shape), hash(shape) & ((1 << 62) - 1), 0]
    return np.array(sig, dtype=np.int64)


# What a check that carries no data (another collective, a large all_reduce)
# leaves of the record: small all_reduces of up to this size still fold after it.
_KEEP_BYTES = 512


# mpi4py's names, bound when the first group is made (importing mpi4py starts MPI: _mpi.py).
_IN_PLACE = _from_address = _buffer = None


def _bind_mpi():
    global _IN_PLACE, _from_address, _buffer
    MPI = _mpi.load()
    buffer = getattr(MPI, "buffer", None) or MPI.memory  # mpi4py 4 renamed memory to buffer
    _IN_PLACE, _from_address, _buffer = MPI.IN_PLACE, buffer.fromaddress, buffer


def _payload_size(nbytes):
    return 1 << max(3, (nbytes - 1).bit_length())


class _AllReducePlan:
    """What one kind of contiguous all_reduce (element count, dtype, op) needs,
    built once and called with each tensor (Note [all_reduce plans]). Also the
    call's description for errors and the watchdog: `tensor` is set while a
    call runs."""
    __slots__ = ("checker", "dtype", "op", "numel", "nbytes", "mop", "spec", "average", "version", "tensor",
                 "np_dtype")

    def __init__(self, checker, dtype, op, numel, mop, average):
        self.checker = checker
        self.dtype, self.op, self.numel, self.mop = dtype, op, numel, mop
        self.nbytes = numel * dtype.itemsize
        self.np_dtype = NUMPY_DTYPES[dtype]
        self.spec = (numel, mpi_datatype(dtype))
        self.average = average
        self.version = checker.version
        self.tensor = None

    def __str__(self):
        t, c = self.tensor, self.checker
        what = f"tensor {list(t.shape)} {t.dtype}" if t is not None else f"{self.numel} x {self.dtype}"
        return f"all_reduce ({what}, group {c.name}, rank {c.rank})"

    def _average(self, memory):
        a = np.frombuffer(memory, self.np_dtype)
        np.divide(a, self.checker.size, out=a)


class _DirectPlan(_AllReducePlan):
    """MPI_Allreduce on the tensor's memory, no check (the group's check is off)."""
    __slots__ = ()

    def __call__(self, tensor):
        self.tensor = tensor
        memory = _from_address(tensor.data_ptr(), self.nbytes)
        self.checker.comm.Allreduce(_IN_PLACE, [memory, *self.spec], op=self.mop)
        if self.average:
            self._average(memory)
        self.tensor = None


class _CheckedPlan(_AllReducePlan):
    """Larger than the record's data part: the signature exchange, then
    MPI_Allreduce on the tensor's memory."""
    __slots__ = ("sig",)

    def __init__(self, checker, dtype, op, numel, mop, average, sig):
        super().__init__(checker, dtype, op, numel, mop, average)
        self.sig = sig

    def __call__(self, tensor):
        checker = self.checker
        if self.version != checker.version:  # planned before a queued call resized the record: re-plan
            return checker.all_reduce_plan(self.numel, self.dtype, self.op, self.mop, self.average)(tensor)
        self.tensor = tensor
        checker.check(self.sig, "all_reduce", tensor.shape)
        memory = _from_address(tensor.data_ptr(), self.nbytes)
        checker.comm.Allreduce(_IN_PLACE, [memory, *self.spec], op=self.mop)
        if self.average:
            self._average(memory)
        # Every rank agreed on nbytes (the check passed): size the next record for it.
        if self.nbytes <= checker.cap:
            checker._set_payload(_payload_size(self.nbytes))
        self.tensor = None


# Past this size a folded SUM/AVG/PRODUCT is reduced locally with tensorcore's
# own kernel instead of MPI_Reduce_local, whose loop MPICH does not vectorize
# (16K float32 values: ~12 us against ~3 us; below it the kernel's dispatch costs more).
_KERNEL_BYTES = 8192


# The native path's local reduction per dtype and op (Note [Native all_reduce]):
# 1 = +, 2 = *, absent = MPI_Reduce_local. Bool goes through MPI's logical ops.
_NATIVE_LOCAL_OPS = {}


def _native_local_ops():
    from .._dtype import float32, float64, int32, int64
    real = {"SUM": 1, "AVG": 1, "PRODUCT": 2}
    _NATIVE_LOCAL_OPS.update({float32: real, float64: real, int32: real, int64: real, bool_: {}})


_native_local_ops()


def _local_kernel(dtype, op, nbytes):
    """tensorcore's add or mul for rows of `nbytes` bytes, when it gives
    MPI's SUM/PRODUCT bits (IEEE + and * are commutative, integers wrap in
    both), else None: MIN/MAX (MPICH's do not propagate NaN as
    tensorcore's do), the bitwise ops, bool (MPI's logical ops)."""
    if nbytes < _KERNEL_BYTES or dtype == bool_:
        return None
    return {"SUM": _C.add, "AVG": _C.add, "PRODUCT": _C.mul}.get(op.name)


class _FoldPlan(_AllReducePlan):
    """Fits in the record: its signature written once into its own send
    record, and the gathered rows it is reduced from (Note [small
    all-reduces ride in the check]). Buffers are prebuilt [MPI.buffer,
    count, datatype] specs: mpi4py then skips parsing a buffer format on
    each call (~1 us of the ~2 us the calls cost with numpy arrays)."""
    __slots__ = ("send_data", "send_spec", "recv_spec", "header", "others", "pairs", "kernel", "reduce",
                 "allgather", "result", "result_bytes", "resize_to")

    def __init__(self, checker, dtype, op, numel, mop, average, sig):
        super().__init__(checker, dtype, op, numel, mop, average)
        record, nbytes = checker.record, self.nbytes
        self.header = sig.tobytes()
        send = np.zeros(record, np.uint8)
        send[:HEADER_BYTES] = sig.view(np.uint8)
        self.send_data = memoryview(send)[HEADER_BYTES:HEADER_BYTES + nbytes]
        byte = _mpi.load().BYTE
        self.send_spec = [_buffer(send), record, byte]
        self.recv_spec = [_buffer(checker.recv), record, byte]
        rows = checker.recv[:, HEADER_BYTES:HEADER_BYTES + nbytes].view(self.np_dtype)
        # rows[i] = rows[i - 1] op rows[i], in rank order: the result is the last row.
        self.kernel = _local_kernel(dtype, op, nbytes)
        if self.kernel is None:
            specs = [[_buffer(r), *self.spec] for r in rows]
        else:
            specs = [_C.from_numpy(r) for r in rows]
        self.pairs = [(specs[i - 1], specs[i]) for i in range(1, checker.size)]
        self.reduce = self.kernel or mop.Reduce_local
        self.allgather = checker.comm.Allgather
        self.result = rows[-1]
        self.result_bytes = memoryview(self.result).cast("B")
        # The other ranks' signatures in the gathered records (this rank's is what it sent).
        self.others = [checker.recv_bytes[i * record:i * record + HEADER_BYTES] for i in range(checker.size)
                       if i != checker.rank]
        payload = _payload_size(nbytes)
        self.resize_to = payload if nbytes <= checker.cap and payload != checker.payload else None

    def __call__(self, tensor):
        checker = self.checker
        if self.version != checker.version:  # planned before a queued call resized the record: re-plan
            return checker.all_reduce_plan(self.numel, self.dtype, self.op, self.mop, self.average)(tensor)
        self.tensor = tensor
        memory = _from_address(tensor.data_ptr(), self.nbytes)
        self.send_data[:] = memory
        self.allgather(self.send_spec, self.recv_spec)
        header = self.header
        for theirs in self.others:
            if theirs != header:
                self.tensor = None
                checker._raise(np.frombuffer(header, np.int64), "all_reduce", tensor.shape)
        # rows[i] = rows[i - 1] op rows[i]: MPI's own op applied locally (the
        # same results, NaN, overflow and bool, as MPI_Allreduce gives larger
        # tensors), or tensorcore's kernel where that gives the same bits.
        reduce = self.reduce
        if self.kernel is None:
            for a, b in self.pairs:
                reduce(a, b)
        else:
            for a, b in self.pairs:
                reduce(a, b, out=b)
        if self.average:
            np.divide(self.result, checker.size, out=self.result)
        memory[:] = self.result_bytes
        if self.resize_to is not None:  # a much smaller all_reduce than the record: shrink it
            checker._set_payload(self.resize_to)
        self.tensor = None


class Checker:
    """One per process group: the record exchange of Note [signature check],
    and the group's all_reduce plans (Note [all_reduce plans]). Used only
    from inside the group's executor (one call at a time), except `fast`
    and `unchecked`, which the caller's thread reads to find a plan."""

    def __init__(self, comm, size, name="?", executor=None):
        _bind_mpi()
        self.comm = comm
        self.size = size
        self.rank = comm.Get_rank()
        self.name = name
        # An Allgather moves size x record bytes to each rank: past a few
        # tens of KB MPI's own all-reduce is the better transport. On 2 ranks
        # of one machine (native path): 64 KB folded ran at 0.84-0.86 of raw
        # MPI, checked then MPI_Allreduce at 0.91-0.94; 16 KB folded at 1.1.
        self.cap = max(1024, (64 << 10) // size)
        self.version = 0
        self.unchecked = {}  # numel -> _DirectPlan (the check off: plans never go stale)
        self._unchecked_plans = {}
        # The native fast path (Note [Native all_reduce]): the eligible plans,
        # run in C++ by `native.run(tensor, op)`; None without an executor or MPI entry points.
        self.native = None
        api = _mpi.native_entry_points() if executor is not None else None
        if api is not None:
            MPI = _mpi.load()
            self.native = _C._NativeAllReduce(api, MPI._handleof(comm), MPI._handleof(MPI.BYTE), size, self.rank,
                                              executor, self._native_error, self._native_mismatch)
        self._set_payload(0)

    def _set_payload(self, nbytes):
        self.payload = nbytes
        self.record = HEADER_BYTES + nbytes
        self.send = np.zeros(self.record, np.uint8)
        self.recv = np.zeros((self.size, self.record), np.uint8)
        self.recv_bytes = memoryview(self.recv).cast("B")
        self.version += 1
        self.plans = {}  # (numel, dtype, op value) -> plan, for this record size
        self.fast = {}  # numel -> the last plan used for that count (all_reduce's fast path)
        if self.native is not None:  # its fold plans point into the old record
            self.native.set_record(self.version, self.recv, self.record)
            for plan in self._unchecked_plans.values():
                self._add_native(plan, self.version)

    def _add_native(self, plan, version=None):
        """Hands `plan` to the native path when it runs there exactly as in
        Python: a direct plan, or a fold plan that leaves the record as it is,
        of a dtype and op MPI reduces with a predefined op. The native side
        refuses a plan made for another record version than its own (a
        direct plan does not depend on the record: `version` is the current)."""
        kind = type(plan)
        if kind is _FoldPlan:
            if plan.resize_to is not None:
                return
        elif kind is _CheckedPlan:
            # natively only while it changes no record: too large to size the next one (> cap), and the
            # record small enough that check() keeps it (a resize bumps the version and drops the plan)
            if plan.nbytes <= self.cap or self.payload > _KEEP_BYTES:
                return
        elif kind is not _DirectPlan:
            return
        if plan.dtype not in _NATIVE_LOCAL_OPS:
            return
        local = _NATIVE_LOCAL_OPS[plan.dtype].get(plan.op.name, 0)
        header = plan.header if kind is _FoldPlan else plan.sig.tobytes() if kind is _CheckedPlan else \
            bytes(HEADER_BYTES)
        MPI = _mpi.load()
        self.native.add_plan(plan.version if version is None else version, plan.numel, plan.dtype, plan.op,
                             kind is _FoldPlan, kind is _CheckedPlan, MPI._handleof(plan.spec[1]),
                             MPI._handleof(plan.mop), local, plan.average, header, plan)

    def _native_error(self, plan, code):
        from ._work import DistBackendError
        raise DistBackendError(f"{plan}: MPI error: {_mpi.load().Exception(code)}")

    def _native_mismatch(self, plan, tensor):
        mine = plan.header if type(plan) is _FoldPlan else plan.sig.tobytes()
        self._raise(np.frombuffer(mine, np.int64), "all_reduce", tensor.shape)

    def check(self, sig, kind, shape=None):
        """Exchanges `sig` (from make()) with the group; raises RuntimeError
        naming the first field that differs between the ranks."""
        self.send[:HEADER_BYTES] = sig.view(np.uint8)
        self.comm.Allgather(self.send, self.recv)
        self._verify(sig.tobytes(), kind, shape)
        if self.payload > _KEEP_BYTES:  # a large record would slow every check: keep a small one
            self._set_payload(_KEEP_BYTES)

    def _verify(self, mine, kind, shape):
        got, step = self.recv_bytes, self.record
        for start in range(0, self.size * step, step):
            if got[start:start + HEADER_BYTES] != mine:
                self._raise(np.frombuffer(mine, np.int64), kind, shape)

    def _raise(self, sig, kind, shape):
        everyone = self.recv[:, :HEADER_BYTES].copy().view(np.int64)
        hi, lo = everyone.max(axis=0), everyone.min(axis=0)
        field = int(np.nonzero((hi != sig) | (lo != sig))[0][0])
        raise RuntimeError(f"{kind}: the ranks of the group passed different arguments "
                           f"({_describe(field, sig, lo, hi, shape)}); every rank must call the same collective "
                           f"with tensors of the same dtype and shape")

    def all_reduce_plan(self, numel, dtype, op, mop, average, checked=True):
        """The plan for a contiguous all_reduce of `numel` `dtype` values with
        ReduceOp `op` (MPI op `mop`, already validated for the dtype;
        `average`: divide by the group size after); it becomes the one
        all_reduce's fast path finds for `numel`."""
        key = (numel, dtype, op.value)
        plans, fast = (self.plans, self.fast) if checked else (self._unchecked_plans, self.unchecked)
        plan = plans.get(key)
        if plan is None:
            if len(plans) > 64:  # bounded: a program that reduces ever new sizes
                plans.clear()
                fast.clear()
                if self.native is not None:
                    self.native.clear()
                    for p in (self._unchecked_plans if checked else self.plans).values():  # the other kind's
                        self._add_native(p, self.version if checked else None)
            if not checked:
                plan = _DirectPlan(self, dtype, op, numel, mop, average)
            else:
                # Only dtype and element count are checked, not the shape: all_reduce is
                # elementwise over the memory, and PyTorch accepts [2, 3] against [6].
                sig = make("all_reduce", DTYPE_CODES[dtype], numel, op.value + 1)
                kind = _FoldPlan if numel * dtype.itemsize <= self.payload else _CheckedPlan
                plan = kind(self, dtype, op, numel, mop, average, sig)
            plans[key] = plan
            if self.native is not None:
                self._add_native(plan, None if checked else self.version)
        if len(fast) > 64:
            fast.clear()
        fast[numel] = plan
        return plan


def _describe(field, sig, lo, hi, shape):
    mine, a, b = int(sig[field]), int(lo[field]), int(hi[field])
    name = _FIELDS[field] if field < len(_FIELDS) else f"field {field}"
    if field == 0:
        names = {i + 1: k for i, k in enumerate(KINDS)}
        return (f"collectives differ: this rank called {names.get(mine)}, others called between "
                f"{names.get(a)} and {names.get(b)}")
    if field == 1:
        return (f"dtypes differ: this rank has {DTYPE_BY_CODE.get(mine)}, the group has "
                f"{DTYPE_BY_CODE.get(a)} to {DTYPE_BY_CODE.get(b)}")
    if field == 6:
        return f"shapes differ: this rank has {list(shape) if shape is not None else '?'}"
    return f"{name} differs: this rank has {mine}, the group has values from {a} to {b}"
