"""The cross-rank consistency check that runs before each collective.

Note [signature check]
MPI trusts every rank to pass matching arguments: when one rank all-reduces
12 float32 values and another 16, or float64 values, MPI either fails deep
inside with "message truncated", hangs, or silently mixes bytes. Before each
collective the ranks therefore all-reduce (MAX) a fixed, 8-integer
signature of the call and its negation: the result equals this rank's own
signature (and its negation) only if every rank passed the same values, and
otherwise gives the smallest and largest value of each field, enough for an
error that names what differs. It costs one tiny all-reduce (a few
microseconds in shared memory); set TENSORCORE_DISTRIBUTED_CHECK=0 before
init_process_group to skip it once a program is known to be consistent.
"""
import numpy as np

from ._buffers import DTYPE_BY_CODE

# Collective kinds (field 0); the numbers only need to agree between ranks.
KINDS = ["barrier", "broadcast", "all_reduce", "reduce", "all_gather", "all_gather_into_tensor",
         "reduce_scatter_tensor", "gather", "scatter", "broadcast_object_list", "all_gather_object",
         "gather_object", "scatter_object_list", "new_group", "reduce_scatter", "all_to_all_single",
         "monitored_barrier", "all_to_all"]
_KIND_CODE = {k: i + 1 for i, k in enumerate(KINDS)}
_FIELDS = ("collective", "dtype", "number of elements", "reduce op", "root rank", "number of dimensions",
           "shape")
NFIELDS = 8


def make(kind, dtype_code=0, numel=0, op=0, root=-1, shape=()):
    """The signature of one call and its negation (int64[2 * 8])."""
    shape = tuple(shape)
    sig = [_KIND_CODE[kind], dtype_code, numel, op, root, len(shape), hash(shape) & ((1 << 62) - 1), 0]
    return np.array(sig + [-v for v in sig], dtype=np.int64)


def check(comm, MPI, both, kind, shape=None):
    """All-reduces (MAX) a signature from make(); raises RuntimeError naming
    the first field that differs between the ranks."""
    out = np.empty_like(both)
    comm.Allreduce(both, out, op=MPI.MAX)
    if out.tobytes() == both.tobytes():
        return
    sig = both[:NFIELDS]
    hi, lo = out[:NFIELDS], -out[NFIELDS:]
    field = int(np.nonzero((hi != sig) | (lo != sig))[0][0])
    raise RuntimeError(f"{kind}: the ranks of the group passed different arguments "
                       f"({_describe(field, sig, lo, hi, shape)}); every rank must call the same collective "
                       f"with tensors of the same dtype and shape")


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
