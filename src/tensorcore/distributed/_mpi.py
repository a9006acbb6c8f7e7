"""The one place that imports mpi4py.

`tensorcore.distributed` must import (and answer `is_available()`) on a
machine without mpi4py, and must not start MPI before the user asks for a
process group: `from mpi4py import MPI` initialises MPI as a side effect. So
nothing imports mpi4py at module level; `load()` does it on first use.
"""
import importlib.util

INSTALL_HINT = ('tensorcore.distributed needs mpi4py and an MPI library: '
                'pip install "tensorcore[distributed]" (or: pip install mpi4py mpich)')

_MPI = None


def available():
    """True when mpi4py can be imported (checked without importing it)."""
    if _MPI is not None:
        return True
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except (ImportError, ValueError):  # a broken or deliberately hidden install
        return False


def load():
    """Imports and returns mpi4py's MPI module, initialising MPI with
    MPI_THREAD_MULTIPLE (the communication thread and the caller's thread
    both enter MPI; see Note [one MPI call at a time per group])."""
    global _MPI
    if _MPI is None:
        try:
            import mpi4py
        except ImportError as e:
            raise RuntimeError(INSTALL_HINT) from e
        mpi4py.rc.thread_level = "multiple"
        from mpi4py import MPI
        _MPI = MPI
    return _MPI


# The value of the MPI_IN_PLACE macro in each ABI mpi4py may be built against.
_IN_PLACE_BY_VENDOR = {"MPICH": -1, "Open MPI": 1}


def native_entry_points():
    """(MPI_Allreduce, MPI_Allgather, MPI_Reduce_local, MPI_IN_PLACE) as
    integers, for tensorcore's native all_reduce (Note [MPI through
    addresses] in csrc/bindings/mpi_all_reduce.cpp), or None where they cannot
    be found or TENSORCORE_DISTRIBUTED_NATIVE=0 turns the native path off."""
    import ctypes
    import os

    if os.environ.get("TENSORCORE_DISTRIBUTED_NATIVE", "1") == "0":
        return None
    MPI = load()
    in_place = _IN_PLACE_BY_VENDOR.get(MPI.get_vendor()[0])
    if in_place is None:
        return None
    try:
        # dlsym through mpi4py's extension module searches the libmpi it links.
        lib = ctypes.CDLL(MPI.__file__)
        names = ("MPI_Allreduce", "MPI_Allgather", "MPI_Reduce_local")
        addresses = [ctypes.cast(getattr(lib, n), ctypes.c_void_p).value for n in names]
    except (OSError, AttributeError):
        return None
    if not all(addresses):
        return None
    return (*addresses, in_place & ((1 << 64) - 1))
