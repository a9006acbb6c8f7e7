"""Moving worker results to the main process with tensor data in shared
memory instead of pickled copies.

Note [DataLoader shared-memory segments]
A worker pickles each result with `dumps`: every Tensor in it is replaced by
a small record (dtype, shape, offset, requires_grad) and its bytes are copied
into ONE segment per result, a file in /dev/shm (a tmpfs: RAM, no disk; the
temporary directory where there is no /dev/shm) that the worker creates,
writes and closes. The pipe carries only the segment's name and
the small pickle. The main process (`loads`) opens the segment, maps it,
and unlinks the name at once: from then on the memory lives exactly as long
as the mapping, which is owned by the numpy arrays the tensors view
(tensorcore.from_numpy keeps its array alive), so it is freed when the last
tensor of the batch is gone and nothing is left in /dev/shm.

A segment that is created but never received (the loader shut down while
results were in flight, a worker killed mid-send) still has its name. Every
name starts with a prefix owned by one loader iterator
(`new_prefix`), and the iterator removes whatever matches its prefix after
its workers have exited (`unlink_prefix`), so no segment outlives it. If the
main process itself is killed, each worker removes its own segments when it
notices that its parent is gone.
"""
import glob
import io
import mmap
import os
import pickle
import secrets
import tempfile

import numpy as np

from ... import _C

Tensor = _C.Tensor

_ALIGN = 64  # every tensor starts on a cache line inside its segment
_TAG = "tensorcore.Tensor"


def _segment_dir():
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return shm
    return tempfile.gettempdir()


def new_prefix():
    """A path prefix unique to one loader iterator: its pid and a random token."""
    return os.path.join(_segment_dir(), f"tensorcore_dl_{os.getpid()}_{secrets.token_hex(6)}")


def unlink_prefix(prefix):
    """Removes the segments under `prefix` that nobody received."""
    for path in glob.glob(glob.escape(prefix) + "_*"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


class _Segment:
    """Stands for "the segment of this message" inside the pickle."""


_SEGMENT = _Segment()


def _rebuild_tensor(segment, dtype_name, shape, offset, requires_grad):
    dtype = np.dtype(dtype_name)
    numel = int(np.prod(shape, dtype=np.int64))
    if numel == 0:
        values = np.empty(shape, dtype=dtype)
    else:
        values = np.frombuffer(segment, dtype=dtype, count=numel, offset=offset).reshape(shape)
    tensor = _C.from_numpy(values)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


class _SharingPickler(pickle.Pickler):
    """Pickles everything normally except Tensors, which become references to
    byte ranges of the result's segment (laid out as they are met). Tensors
    go through the pickle memo, so one tensor met twice is sent once and
    comes back as one object."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays = []  # (offset, numpy array holding the tensor's values)
        self.nbytes = 0

    def persistent_id(self, obj):
        return _TAG if obj is _SEGMENT else None

    def reducer_override(self, obj):
        if type(obj) is not Tensor:
            return NotImplemented
        if obj.requires_grad and not obj.is_leaf:
            raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
                               "does not support crossing process boundaries.  If you just want to transfer the "
                               "data, call detach() on the tensor before serializing (e.g., putting it on the queue).")
        values = _C._tensor_to_numpy_forced(obj)  # a view, any strides
        offset = -(-self.nbytes // _ALIGN) * _ALIGN
        if values.size:
            self.arrays.append((offset, values))
            self.nbytes = offset + values.nbytes
        return (_rebuild_tensor, (_SEGMENT, obj.dtype.name, tuple(values.shape), offset, obj.requires_grad))


def dumps(obj, segment_path):
    """Pickles `obj` for the main process; tensor data goes to a new segment
    at `segment_path` (created only when some tensor holds data). Returns the
    message: (segment_path or None, pickled bytes)."""
    buf = io.BytesIO()
    pickler = _SharingPickler(buf)
    pickler.dump(obj)
    if not pickler.arrays:
        return (None, buf.getvalue())
    fd = os.open(segment_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if hasattr(os, "posix_fallocate"):
            # Reserves the pages first: a full /dev/shm is an OSError (ENOSPC)
            # here, reported like any worker exception.
            os.posix_fallocate(fd, 0, pickler.nbytes)
        else:
            os.ftruncate(fd, pickler.nbytes)
        for offset, values in pickler.arrays:
            # pwrite, not a copy through mmap: the kernel fills fresh tmpfs
            # pages about twice as fast as user-space page faults do.
            _pwrite_all(fd, memoryview(np.ascontiguousarray(values)).cast("B"), offset)
    except BaseException:
        os.unlink(segment_path)
        raise
    finally:
        os.close(fd)
    return (segment_path, buf.getvalue())


def _pwrite_all(fd, data, offset):
    while len(data):
        written = os.pwrite(fd, data, offset)
        data, offset = data[written:], offset + written


class _SharingUnpickler(pickle.Unpickler):
    def __init__(self, file, segment):
        super().__init__(file)
        self.segment = segment

    def persistent_load(self, pid):
        if pid != _TAG:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.segment


def loads(message):
    """Rebuilds what `dumps` sent, its tensors viewing the segment's memory.
    Unlinks the segment's name (see the Note above)."""
    segment_path, pickled = message
    segment = None
    if segment_path is not None:
        fd = os.open(segment_path, os.O_RDWR)
        try:
            segment = mmap.mmap(fd, os.fstat(fd).st_size)
        finally:
            os.close(fd)
            os.unlink(segment_path)
    return _SharingUnpickler(io.BytesIO(pickled), segment).load()
