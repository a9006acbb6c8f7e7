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
one MPI call per all_reduce, as raw MPI. The record size must be the same on
every rank, so it is group state that changes only on values every rank
agrees on: after an all-reduce of at most `cap` bytes passed the check, the
record's data part becomes that size (rounded up to a power of two) for the
next calls; any other check shrinks it to at most 512 bytes, so the
exchanges of other collectives and large all-reduces stay small. A repeated
all_reduce of the same small tensor thus costs one exchange; a larger one,
or the first of a new size, costs the header exchange plus MPI_Allreduce. Set TENSORCORE_DISTRIBUTED_CHECK=0 before
init_process_group to skip the check (and the folding) altogether.
"""
import ctypes

import numpy as np

from . import _mpi
from ._buffers import DTYPE_BY_CODE, array_of

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


def _payload_size(nbytes):
    return 1 << max(3, (nbytes - 1).bit_length())


class _Plan:
    """A small all-reduce's record with its signature written once, and the
    gathered rows it is reduced from (Note [small all-reduces ride in the
    check]). Byte memoryviews throughout: slice assignment between them is
    the cheapest copy Python has, and mpi4py reads them faster than arrays."""
    __slots__ = ("send", "send_data", "header", "others", "rows", "result", "result_bytes", "resize_to",
                 "src_ptr", "src")

    def __init__(self, checker, header, nbytes, np_dtype):
        record = checker.record
        send = np.zeros(record, np.uint8)
        send[:HEADER_BYTES] = np.frombuffer(header, np.uint8)
        self.send = memoryview(send)
        self.send_data = self.send[HEADER_BYTES:HEADER_BYTES + nbytes]
        self.header = header
        rows = checker.recv[:, HEADER_BYTES:HEADER_BYTES + nbytes].view(np_dtype)
        self.rows = [memoryview(r) for r in rows]
        self.result = rows[-1]  # the reduction accumulates into the last row
        self.result_bytes = memoryview(self.result).cast("B")
        # The other ranks' signatures in the gathered records (this rank's is what it sent).
        me = checker.comm.Get_rank()
        self.others = [checker.recv_bytes[i * record:i * record + HEADER_BYTES] for i in range(checker.size) if i != me]
        payload = _payload_size(nbytes)
        self.resize_to = payload if nbytes <= checker.cap and payload != checker.payload else None
        self.src_ptr = None
        self.src = None

    def source(self, ptr):
        """The tensor memory at `ptr` (len(send_data) bytes) as a memoryview;
        kept for the next call at the same address (the usual case: one
        tensor reduced again and again). It never owns the memory and is only
        used while the caller's tensor, whose data is at `ptr`, is alive."""
        if ptr != self.src_ptr:
            n = len(self.send_data)
            self.src = memoryview((ctypes.c_char * n).from_address(ptr)).cast("B") if n else self.send_data
            self.src_ptr = ptr
        return self.src


class Checker:
    """One per process group: the record exchange of Note [signature check].
    Used only from inside the group's executor (one call at a time)."""

    def __init__(self, comm, size):
        self.comm = comm
        self.size = size
        # An Allgather moves size x record bytes to each rank: past a few
        # tens of KB MPI's own all-reduce is the better transport.
        self.cap = max(1024, (128 << 10) // size)
        self._set_payload(0)

    def _set_payload(self, nbytes):
        self.payload = nbytes
        self.record = HEADER_BYTES + nbytes
        self.send = np.zeros(self.record, np.uint8)
        self.recv = np.zeros((self.size, self.record), np.uint8)
        self.recv_bytes = memoryview(self.recv).cast("B")
        self.plans = {}

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

    def all_reduce(self, key, header, tensor, src_ptr, nbytes, np_dtype, mop, average):
        """all_reduce of contiguous `tensor` (`nbytes` bytes at `src_ptr`),
        in place: folded into the record when it fits, else the header
        exchange then MPI_Allreduce on the tensor's memory. `header` is the
        call's signature (bytes), `key` identifies it for the plan cache."""
        if nbytes > self.payload:
            self.check(np.frombuffer(header, np.int64), "all_reduce")
            array = array_of(tensor).reshape(-1)  # contiguous: a view
            self.comm.Allreduce(_mpi.load().IN_PLACE, array, op=mop)
            if average:
                np.divide(array, self.size, out=array)
            # Every rank agreed on nbytes (the check passed): size the next record for it.
            if nbytes <= self.cap:
                self._set_payload(_payload_size(nbytes))
        else:
            plan = self.plans.get(key)
            if plan is None:
                if len(self.plans) > 64:
                    self.plans.clear()
                plan = self.plans[key] = _Plan(self, header, nbytes, np_dtype)
            source = plan.source(src_ptr)
            plan.send_data[:] = source
            self.comm.Allgather(plan.send, self.recv_bytes)
            for theirs in plan.others:
                if theirs != header:
                    self._raise(np.frombuffer(header, np.int64), "all_reduce", None)
            # MPI's own op, applied locally: the same results (NaN, overflow, bool)
            # as MPI_Allreduce gives larger tensors, in rank order on every rank.
            rows = plan.rows
            for i in range(1, self.size):
                mop.Reduce_local(rows[i - 1], rows[i])
            if average:
                np.divide(plan.result, self.size, out=plan.result)
            source[:] = plan.result_bytes
            if plan.resize_to is not None:  # a much smaller all_reduce than the record: shrink it
                self._set_payload(plan.resize_to)


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
