"""Tensors as MPI buffers, without copies where the layout allows.

A CPU tensor's memory is exposed as a numpy array (`Tensor.numpy()` is a
view, strided or not), and mpi4py reads and writes numpy arrays through the
buffer protocol: a contiguous tensor goes to MPI with no copy at all. A
strided tensor is staged through one contiguous copy (MPI needs a dense
buffer), and results are written back into the strided view.
"""
import numpy as np

from .. import _C
from .._dtype import float32, float64, int32, int64, bool_

# Codes that identify a dtype in the cross-rank signature check (_signature.py).
DTYPE_CODES = {float32: 1, float64: 2, int32: 3, int64: 4, bool_: 5}
DTYPE_BY_CODE = {v: k for k, v in DTYPE_CODES.items()}
NUMPY_DTYPES = {float32: np.float32, float64: np.float64, int32: np.int32, int64: np.int64, bool_: np.bool_}


_MPI_DATATYPES = {}


def mpi_datatype(dtype):
    """The MPI datatype of a supported dtype's elements (what mpi4py infers
    from the numpy array of that dtype)."""
    if not _MPI_DATATYPES:
        from . import _mpi
        MPI = _mpi.load()
        _MPI_DATATYPES.update({float32: MPI.FLOAT, float64: MPI.DOUBLE, int32: MPI.INT32_T, int64: MPI.INT64_T,
                               bool_: MPI.C_BOOL})
    return _MPI_DATATYPES[dtype]


def check_tensor(t, what, op):
    """The TypeError/RuntimeError PyTorch raises for a non-tensor or a
    non-CPU tensor argument, and a RuntimeError for a dtype the MPI backend
    does not carry yet (the storage dtypes: MPI has no float16/bfloat16 sum)."""
    if not isinstance(t, _C.Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be a Tensor, not {type(t).__name__}")
    if t.device.type != "cpu":
        raise RuntimeError(f"{op}(): the MPI backend works on CPU tensors; '{what}' is on {t.device}")
    if t.dtype not in DTYPE_CODES:
        raise RuntimeError(f"{op}(): tensorcore's MPI backend does not carry {t.dtype} tensors yet ('{what}'); "
                           f"supported: float32, float64, int32, int64, bool. Convert with .float() first")


def array_of(t):
    """A numpy view of `t`'s memory (shares it, any strides)."""
    return (t.detach() if t.requires_grad else t).numpy()


def readable(t):
    """A C-contiguous numpy array holding `t`'s values: a view when `t` is
    contiguous, else one copy."""
    a = array_of(t)
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


class Writable:
    """A C-contiguous numpy buffer that MPI writes `t`'s new values into;
    `commit()` copies them into `t` when `t` itself is not contiguous (for a
    contiguous `t` the buffer *is* `t`'s memory and commit does nothing)."""

    __slots__ = ("target", "array")

    def __init__(self, t, keep_values=False):
        a = array_of(t)
        if t.is_contiguous():
            self.target, self.array = None, a
        else:
            self.target = a
            self.array = np.ascontiguousarray(a) if keep_values else np.empty(a.shape, a.dtype)

    def commit(self):
        if self.target is not None:
            self.target[...] = self.array
