"""Tensors in shared memory, passed between processes by reference.

Note [Shared tensors]
Tensor.share_memory_() moves a tensor's values into a file in /dev/shm (a
tmpfs: RAM) mapped with MAP_SHARED, and points the tensor at the mapping
through `.data` (the tensor object, its autograd identity and its
Parameter-ness stay). Pickled by multiprocessing's ForkingPickler (a spawned
Process's arguments, a Queue), a shared tensor travels as the file's path and
is rebuilt in the other process over the same pages, so in-place updates
(optimizer steps: Hogwild training) are seen by every process. The file is
unlinked when the process that created it drops the mapping or exits; a
process that has mapped it keeps the pages. Tensors that are not shared are
pickled by value, as before.
"""
import multiprocessing.reduction
import os
import tempfile
import weakref

import numpy as np

from .. import _C
from ..utils.data._shared_memory import _segment_dir

Tensor = _C.Tensor


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _mapping(t):
    """The (path, memmap) `t` lives in, or None when it is not shared (or its
    data was replaced since)."""
    info = t.__dict__.get("_tc_shared") if hasattr(t, "__dict__") else None
    if info is None:
        return None
    path, mm = info
    values = _C._tensor_to_numpy_forced(t)
    if values.shape != mm.shape or values.ctypes.data != mm.ctypes.data:
        return None
    return info


def is_shared(self):
    return _mapping(self) is not None


def share_memory_(self):
    """Moves the values into shared memory (Note [Shared tensors]); returns self."""
    if _mapping(self) is not None or self.numel() == 0:
        return self
    from ..autograd import no_grad
    values = _C._tensor_to_numpy_forced(self)
    fd, path = tempfile.mkstemp(prefix=f"tensorcore_shared_{os.getpid()}_", dir=_segment_dir())
    try:
        os.ftruncate(fd, values.nbytes)
    finally:
        os.close(fd)
    mm = np.memmap(path, dtype=values.dtype, mode="r+", shape=values.shape)
    weakref.finalize(mm, _unlink, path)
    mm[...] = values
    with no_grad():
        self.data = _C.from_numpy(mm)
    self.__dict__["_tc_shared"] = (path, mm)
    return self


def _rebuild_shared(path, dtype, shape, requires_grad, is_parameter):
    mm = np.memmap(path, dtype=np.dtype(dtype), mode="r+", shape=tuple(shape))
    t = _C.from_numpy(mm)
    if is_parameter:
        from ..nn.parameter import Parameter
        t = Parameter(t, requires_grad)
    elif requires_grad:
        t.requires_grad_(True)
    t.__dict__["_tc_shared"] = (path, mm)
    return t


def _reduce_tensor(t):
    info = _mapping(t)
    if info is None:
        return t.__reduce_ex__(multiprocessing.reduction.ForkingPickler.protocol if hasattr(
            multiprocessing.reduction.ForkingPickler, "protocol") else 2)
    from ..nn.parameter import Parameter
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does "
                           "not support crossing process boundaries.  If you just want to transfer the data, call "
                           "detach() on the tensor before serializing (e.g., putting it on the queue).")
    path, mm = info
    return (_rebuild_shared, (path, mm.dtype.str, tuple(mm.shape), t.requires_grad, type(t) is Parameter))


def install(Tensor):
    from ..nn.parameter import Parameter
    Tensor.share_memory_ = share_memory_
    Tensor.is_shared = is_shared
    for cls in (Tensor, Parameter):
        multiprocessing.reduction.ForkingPickler.register(cls, _reduce_tensor)
