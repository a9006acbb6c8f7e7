"""PyTorch's legacy (pre-1.6) checkpoint format: what
`torch.save(obj, f, _use_new_zipfile_serialization=False)` writes, and what
torch.load still reads.

Note [legacy checkpoint layout]
A legacy file is five pickles in a row, then the raw storages:
  1. the magic number 0x1950a86a20f9469cfc6c,
  2. the protocol version 1001,
  3. sys_info: {"protocol_version": 1001, "little_endian": bool,
     "type_sizes": {"short": 2, "int": 4, "long": 4}},
  4. the object tree, whose storages are persistent ids
     ('storage', torch.FloatStorage, key, location, numel, view_metadata)
     (view_metadata is None for every file PyTorch >= 1.0 writes),
  5. the list of storage keys, sorted (as strings),
and then, for each key in that order, the element count as a little-endian
int64 followed by the storage's bytes (in the byte order sys_info names).
The object tree is unpickled before the storages are read, so a storage is
created empty when the tree names it and filled afterwards; tensors are views
of it (Note [storages in tensorcore]), so tensors that shared a storage when
saved share it after loading, as in PyTorch.
"""
import io
import pickle
import struct
import sys

import numpy as np

from . import _C, _torch_pickle
from ._dtype import bfloat16, int16
from ._torch_pickle import EmptyFileError, StorageType, TorchPickler, UnpicklingError, _LoadedStorage

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001

# numpy types for the storage bytes; bfloat16 travels as int16 (numpy has no bfloat16).
_NUMPY_DTYPE = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64,
                "bool": np.bool_, "float16": np.float16, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
                "bfloat16": np.int16, "complex64": np.complex64, "complex128": np.complex128}


class _LegacyPickler(TorchPickler):
    """TorchPickler with the legacy storage id: a sixth field, view_metadata (always None)."""

    dispatch = TorchPickler.dispatch

    def persistent_id(self, obj):
        pid = super().persistent_id(obj)
        return None if pid is None else pid + (None,)


def write(obj, fh, protocol):
    """Writes `obj` to the binary file object `fh` in the legacy layout (Note [legacy checkpoint layout])."""
    body = io.BytesIO()
    pickler = _LegacyPickler(body, protocol)
    pickler.dump(obj)
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    out = io.BytesIO()
    for header in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(header, out, protocol=protocol)
    out.write(body.getvalue())
    storages = dict(pickler.storages)
    keys = sorted(storages)
    pickle.dump(keys, out, protocol=protocol)
    fh.write(out.getvalue())
    for key in keys:
        flat = storages[key]
        if flat.device.type != "cpu":
            flat = flat.cpu()
        if flat.dtype is bfloat16:
            flat = _C._view_dtype(flat, int16)
        arr = _C._tensor_to_numpy_forced(flat)
        fh.write(struct.pack("<q", int(arr.size)))
        if arr.size:
            fh.write(np.ascontiguousarray(arr).view(np.uint8).tobytes())


def read(data, src, restore, weights_only, pickle_load_args, fail):
    """Loads a legacy checkpoint from its bytes `data`. `restore(flat, location)` applies map_location;
    `fail(src, message)` raises the load error."""
    from ._weights_only_unpickler import WeightsOnlyUnpickler
    pos = 0
    storages = {}  # key -> (_LoadedStorage as the tree sees it, numpy buffer to fill, the unrestored flat)

    def persistent_load(pid):
        if not isinstance(pid, tuple) or len(pid) != 6 or pid[0] != "storage":
            fail(src, f"unsupported object reference {pid!r:.80} in a legacy checkpoint (only storages are read)")
        _, stype, key, location, numel, view_metadata = pid
        if not isinstance(stype, StorageType):
            fail(src, f"corrupt storage reference: {stype!r:.80} is not a storage type")
        if view_metadata is not None:
            fail(src, "this legacy checkpoint holds storage views (PyTorch < 1.0), which tensorcore does not read")
        if type(key) is not str or type(location) is not str or type(numel) is not int or numel < 0:
            fail(src, f"corrupt storage reference {pid!r:.120}")
        known = storages.get(key)
        if known is not None:
            return known[0]
        dtype = stype.dtype
        region = np.zeros(numel * dtype.itemsize, dtype=np.uint8)
        flat = _C.from_numpy(region.view(_NUMPY_DTYPE[dtype.name]))
        if dtype is bfloat16:
            flat = _C._view_dtype(flat, bfloat16)
        placed = restore(flat, location)
        if not isinstance(placed, _C.Tensor) or placed.dtype != dtype or tuple(placed.shape) != (numel,):
            raise RuntimeError(f"tensorcore.load: map_location returned {type(placed).__name__} for storage "
                               f"'{key}'; expected the storage (a 1-D tensor of {numel} {dtype.name} elements) "
                               "or None")
        if placed.storage_offset() != 0 or (numel > 1 and placed.stride() != (1,)):
            placed = placed.clone()
        storage = _LoadedStorage(placed, dtype, numel, key)
        storages[key] = (storage, region, flat)
        return storage

    def unpickle(persistent):
        nonlocal pos
        if pos >= len(data):  # PyTorch's pickle.load runs out of input: EOFError
            raise EmptyFileError(f"tensorcore.load: {src}: the legacy checkpoint ends after its first {pos} bytes")
        if weights_only:
            u = WeightsOnlyUnpickler(data[pos:], persistent, pickle_load_args["encoding"])
            value = u.load()
            pos += u.pos
            return value
        fh = io.BytesIO(data)
        fh.seek(pos)
        value = _torch_pickle.FullUnpickler(fh, persistent, **pickle_load_args).load()
        pos = fh.tell()
        return value

    def no_storage(pid):
        fail(src, "corrupt legacy checkpoint header")

    if unpickle(no_storage) != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = unpickle(no_storage)
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = unpickle(no_storage)
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    result = unpickle(persistent_load)
    keys = unpickle(no_storage)
    if not isinstance(keys, list):
        fail(src, "corrupt legacy checkpoint: the storage key list is missing")
    for key in keys:
        entry = storages.get(key)
        if entry is None:
            fail(src, f"corrupt legacy checkpoint: storage '{key}' is listed but no tensor names it")
        storage, region, flat = entry
        if pos + 8 > len(data):
            fail(src, f"the file is truncated before storage '{key}'")
        (numel,) = struct.unpack_from("<q", data, pos)
        pos += 8
        if numel != storage.numel:
            raise RuntimeError(f"storage has wrong byte size: expected {storage.numel * storage.dtype.itemsize} "
                               f"got {numel * storage.dtype.itemsize}")
        nbytes = region.size
        if pos + nbytes > len(data):
            fail(src, f"the file is truncated inside storage '{key}'")
        region[:] = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=pos)
        pos += nbytes
        if storage.dtype.name == "bool" and nbytes and region.max() > 1:
            fail(src, f"storage '{key}' of dtype bool holds bytes other than 0 and 1")
        if little != (sys.byteorder == "little") and storage.dtype.itemsize > 1:
            region.view(_NUMPY_DTYPE[storage.dtype.name]).byteswap(inplace=True)
        if storage.flat.data_ptr() != flat.data_ptr():  # map_location moved or copied it before it was filled
            storage.flat.copy_(flat)
    return result


__all__ = ["write", "read", "MAGIC_NUMBER", "PROTOCOL_VERSION", "UnpicklingError"]
