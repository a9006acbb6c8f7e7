"""tensorcore.save / tensorcore.load in PyTorch's checkpoint format.

`save` writes what torch.save (>= 1.6) writes: a zip archive holding
`archive/data.pkl` (the object tree pickled with protocol 2 under PyTorch's
names, see _torch_pickle) and one uncompressed, 64-byte aligned record per
storage (see _zip_archive), so torch.load(path, weights_only=True) reads a
tensorcore state_dict, optimizer state_dict or nested container, and tensors
that shared a storage (a tensor and its views) still share one.
`load` reads those files and PyTorch's own. `save(...,
_use_new_zipfile_serialization=False)` writes PyTorch's legacy (pre-1.6)
layout, which `load` reads too (Note [legacy checkpoint layout] in
_legacy_format). The safetensors layout tensorcore used before stays readable
(detected by its header); _safetensors_format.write still writes it.

Note [load: safety and memory]
- weights_only=True (the default, as in PyTorch 2.6+) unpickles with
  _weights_only_unpickler: nothing outside PyTorch's allowlist and the
  user's (add_safe_globals / safe_globals) is ever imported or called.
- Every zip record's CRC-32 is verified; element counts, sizes, strides and
  offsets are checked against the record sizes (Python ints: no overflow).
  A corrupt, truncated or crafted file raises pickle.UnpicklingError
  (tensorcore.serialization.UnpicklingError, also a RuntimeError).
- Each storage is read with readinto straight into the numpy buffer that
  becomes the tensor's memory, so loading peaks at about 1x the file size.
  With mmap=True the storages are slices of a private (copy-on-write) map of
  the file instead, so nothing is read until used (the CRC check still reads
  each record once).

Note [save: atomic replacement]
Saving to a path writes a temporary file in the target's directory, flushes
and fsyncs it, then os.replace()s it onto the target (and fsyncs the
directory): a crash or SIGKILL at any moment leaves either the old file or the
new one, never a torn mix. A killed save can leave its temporary file behind
(`.<name>.<random>.tmp` next to the target).
"""
from __future__ import annotations
from typing import Any
import io
import mmap as _mmap
import os
import pickle
import secrets
import stat
import sys

import numpy as np

from . import _C, _legacy_format, _safetensors_format, _torch_pickle
from ._dtype import bfloat16, int16
from ._torch_pickle import EmptyFileError, StorageType, TorchPickler, UnpicklingError, _LoadedStorage
from ._weights_only_unpickler import (WeightsOnlyUnpickler, WeightsOnlyRefusal, add_safe_globals,
                                      clear_safe_globals, get_safe_globals, globals_in_pickle, is_safe_global,
                                      safe_globals)
from ._zip_archive import ZIP_MAGIC, BadZipArchive, ZipReader, ZipWriter, check_crc

__all__ = ["save", "load", "add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals",
           "get_unsafe_globals_in_checkpoint", "UnpicklingError", "SerializationError", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2  # what torch.save uses; PyTorch's weights_only unpickler expects it
UnpicklingError.__module__ = __name__  # tracebacks name it tensorcore.serialization.UnpicklingError
SerializationError = UnpicklingError  # the name tensorcore used before

_ARCHIVE = "archive"
_SMALL_RECORD = 1 << 16
# bfloat16 has no numpy type without ml_dtypes: its bytes travel as int16 and
# are reinterpreted with Tensor.view(dtype).
_NUMPY_DTYPE = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64,
                "bool": np.bool_, "float16": np.float16, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
                "bfloat16": np.int16, "complex64": np.complex64, "complex128": np.complex128}
_UNSAFE_MESSAGE = (
    "In PyTorch 2.6 the default value of the `weights_only` argument of `torch.load` changed from `False` to "
    "`True`, and tensorcore.load follows it. Re-running `tensorcore.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the file from a trusted "
    "source.")


# ---------------------------------------------------------------- save
def save(obj: Any, f: Any, pickle_module: Any = None, pickle_protocol: Any = DEFAULT_PROTOCOL, _use_new_zipfile_serialization: Any = True,
         _disable_byteorder_record: Any = False) -> None:
    """Saves `obj` (tensors, a state_dict, an optimizer state_dict, nested
    containers, or any picklable object) to `f`, a path or a binary file
    object, in PyTorch's checkpoint format (torch.load reads it). Saving to
    a path replaces the file atomically. `_use_new_zipfile_serialization=False`
    writes PyTorch's legacy (pre-1.6) layout instead, as torch.save does."""
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("tensorcore.save: only the standard `pickle` module is supported as pickle_module")
    if not isinstance(f, (str, os.PathLike)) and not hasattr(f, "write"):
        raise AttributeError(f"tensorcore.save: expected a path or a binary file object, got {type(f).__name__}")
    if _use_new_zipfile_serialization:
        buf = io.BytesIO()
        pickler = TorchPickler(buf, pickle_protocol)
        pickler.dump(obj)  # before touching `f`: an unpicklable object leaves the old file alone

        def write(fh):
            _write_zip(fh, buf.getvalue(), pickler.storages, not _disable_byteorder_record)
    else:
        body = io.BytesIO()
        _legacy_format.write(obj, body, pickle_protocol)  # before touching `f`, as above

        def write(fh):
            fh.write(body.getvalue())
    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.path.abspath(os.fspath(f)))
        if not os.path.isdir(parent):  # PyTorch checks this before opening the file
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        _atomic_write(os.fspath(f), write)
    else:
        write(f)


def _write_zip(fh, pkl, storages, byteorder_record):
    zw = ZipWriter(fh)
    zw.write_record(f"{_ARCHIVE}/data.pkl", pkl)
    zw.write_record(f"{_ARCHIVE}/.format_version", b"1")
    zw.write_record(f"{_ARCHIVE}/.storage_alignment", b"64")
    if byteorder_record:
        zw.write_record(f"{_ARCHIVE}/byteorder", sys.byteorder.encode("ascii"))
    for key, flat in storages:
        if flat.device.type != "cpu":
            flat = flat.cpu()
        if flat.dtype is bfloat16:
            flat = _C._view_dtype(flat, int16)
        arr = _C._tensor_to_numpy_forced(flat)  # a view of the storage: written without a copy
        zw.write_record(f"{_ARCHIVE}/data/{key}", arr.view(np.uint8) if arr.size else b"")
    zw.write_record(f"{_ARCHIVE}/version", b"3\n")
    zw.finish()


def _atomic_write(path, write):
    """See Note [save: atomic replacement]."""
    target = os.path.realpath(path)  # through symlinks: replace the file, not the link
    directory = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        tmp = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)  # keep the permissions of the file we replace
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


# ---------------------------------------------------------------- load
def load(f: Any, map_location: Any = None, pickle_module: Any = None, *, weights_only: Any = None, mmap: Any = None, **pickle_load_args: Any) -> Any:
    """Loads an object saved with tensorcore.save or torch.save from `f` (a
    path or a binary file object).

    weights_only (default True): unpickle only tensors, containers and
    primitive types, plus globals allowed with add_safe_globals/safe_globals.
    map_location: a str or device, a dict {saved location: new location}, or
    callable(storage, location) returning the storage to use or None (the
    storage is a flat 1-D tensor over the saved storage: tensorcore has no
    separate Storage type). mmap: back tensors with a private map of the file
    instead of reading it (f must be a path)."""
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("tensorcore.load: only the standard `pickle` module is supported as pickle_module")
    # the rest go to the unpickler, whose TypeError PyTorch lets through: pickle's takes four keywords,
    # the weights-only unpickler the encoding alone
    for key in pickle_load_args:
        if key not in (("encoding",) if weights_only else ("encoding", "errors", "fix_imports", "buffers")):
            raise TypeError(f"Unpickler.__init__() got an unexpected keyword argument '{key}'")
    pickle_load_args.setdefault("encoding", "utf-8")
    if mmap and not isinstance(f, (str, os.PathLike)):
        raise ValueError("f must be a file path in order to use the mmap argument")
    if isinstance(f, (str, os.PathLike)):
        src = repr(os.fspath(f))
        with open(f, "rb") as fh:
            return _load_from(fh, src, map_location, weights_only, mmap, pickle_load_args)
    if not hasattr(f, "read"):
        raise TypeError(f"tensorcore.load: expected a path or a binary file object, got {type(f).__name__}")
    fh = f
    try:
        seekable = f.seekable()
    except AttributeError:
        seekable = hasattr(f, "seek") and hasattr(f, "tell")
    if not seekable:  # a pipe or socket: buffer it (as PyTorch does)
        data = f.read()
        if isinstance(data, str):
            raise TypeError("tensorcore.load: the file object must be opened in binary mode ('rb')")
        fh = io.BytesIO(data)
    return _load_from(fh, "file object", map_location, weights_only, False, pickle_load_args)


def _fail(src, msg):
    raise UnpicklingError(f"tensorcore.load: {src}: {msg}")


def _load_from(fh, src, map_location, weights_only, mmap, pickle_load_args):
    base = fh.tell()
    head = fh.read(9)
    if isinstance(head, str):
        raise TypeError("tensorcore.load: the file object must be opened in binary mode ('rb')")
    if not head:
        raise EmptyFileError(f"tensorcore.load: {src}: file is truncated to nothing (an empty file, or a file object "
                             "already at its end: seek(0) after saving into it)")
    if head[:4] == ZIP_MAGIC:
        size = fh.seek(0, os.SEEK_END) - base
        try:
            reader = ZipReader(fh, base, size)
            return _load_zip(reader, fh, src, map_location, weights_only, mmap, pickle_load_args)
        except BadZipArchive as e:
            _fail(src, str(e))
    if mmap:
        raise RuntimeError("mmap can only be used with files saved with "
                           "`tensorcore.save(obj, f, _use_new_zipfile_serialization=True)`, please save your "
                           "checkpoint with this option in order to use mmap.")
    if head[:1] == b"\x80" and not _safetensors_format.looks_like_safetensors(head):
        fh.seek(base)
        return _load_legacy(bytes(fh.read()), src, map_location, weights_only, pickle_load_args)
    fh.seek(base)
    return _safetensors_format.read(bytes(fh.read()), src, weights_only)


def _load_zip(reader, fh, src, map_location, weights_only, use_mmap, pickle_load_args):
    names = reader.names()
    if not names:
        _fail(src, "the zip archive is empty")
    archive = names[0].split("/", 1)[0]
    if reader.has(f"{archive}/constants.pkl"):
        _fail(src, "this is a TorchScript archive (torch.jit.save), which tensorcore does not read")
    if not reader.has(f"{archive}/data.pkl"):
        _fail(src, f"not a checkpoint: the archive has no '{archive}/data.pkl' record")
    byteorder = "little"  # PyTorch's reading of files without the record
    if reader.has(f"{archive}/byteorder"):
        raw = reader.read(f"{archive}/byteorder")
        if raw not in (b"little", b"big"):
            _fail(src, f"unknown byte order {raw[:16]!r} in the byteorder record")
        byteorder = raw.decode("ascii")
    pkl = reader.read(f"{archive}/data.pkl")
    for name in names:  # the small bookkeeping records (version, ...) are CRC-checked too
        if not name.startswith(f"{archive}/data/") and reader.records[name].size <= _SMALL_RECORD:
            reader.read(name)
    mapped = None
    if use_mmap:
        mm = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY) if reader.size else None
        mapped = np.frombuffer(mm, dtype=np.uint8) if mm is not None else np.empty(0, np.uint8)
    restore = _restore_location(map_location)
    storages = {}

    def persistent_load(pid):
        try:
            return load_storage(pid)
        except BadZipArchive as e:
            _fail(src, str(e))

    def load_storage(pid):
        if not isinstance(pid, tuple) or len(pid) != 5:
            _fail(src, f"corrupt storage reference {pid!r:.80}")
        _, stype, key, location, numel = pid
        key = key.decode("ascii", "replace") if isinstance(key, bytes) else key
        location = location.decode("ascii", "replace") if isinstance(location, bytes) else location
        if not isinstance(stype, StorageType):
            _fail(src, f"corrupt storage reference: {stype!r:.80} is not a storage type")
        if type(key) is not str or type(location) is not str or type(numel) is not int or numel < 0:
            _fail(src, f"corrupt storage reference {pid!r:.120}")
        dtype = stype.dtype
        known = storages.get(key)
        if known is not None:
            if known.dtype is not dtype or known.numel != numel:
                _fail(src, f"storage '{key}' is referenced as {known.numel} x {known.dtype.name} and as "
                           f"{numel} x {dtype.name}")
            return known
        name = f"{archive}/data/{key}"
        if not reader.has(name):
            _fail(src, f"missing storage record '{name}'")
        rec = reader.record(name)
        nbytes = numel * dtype.itemsize
        if rec.size != nbytes:
            _fail(src, f"storage '{key}' should hold {numel} elements of {dtype.name} ({nbytes} bytes) but its "
                       f"record holds {rec.size} bytes")
        if mapped is not None and (reader.base + rec.data_offset) % dtype.itemsize == 0:
            region = mapped[reader.base + rec.data_offset:reader.base + rec.data_offset + nbytes]
            check_crc(rec, region)
        else:
            region = np.empty(nbytes, dtype=np.uint8)  # the tensor's final memory: read straight into it
            reader.read_into(name, region)
        if dtype.name == "bool" and nbytes and region.max() > 1:
            _fail(src, f"storage '{key}' of dtype bool holds bytes other than 0 and 1")
        arr = region.view(_NUMPY_DTYPE[dtype.name])
        if byteorder != sys.byteorder and dtype.itemsize > 1:
            arr.byteswap(inplace=True)
        flat = _C.from_numpy(arr)
        if dtype is bfloat16:
            flat = _C._view_dtype(flat, bfloat16)
        flat = restore(flat, location)
        if not isinstance(flat, _C.Tensor) or flat.dtype != dtype or tuple(flat.shape) != (numel,):
            raise RuntimeError(f"tensorcore.load: map_location returned {type(flat).__name__} for storage "
                               f"'{key}'; expected the storage (a 1-D tensor of {numel} {dtype.name} elements) or "
                               "None")
        if flat.storage_offset() != 0 or (numel > 1 and flat.stride() != (1,)):
            flat = flat.clone()  # tensors are rebuilt with offsets and strides into a storage that starts here
        storage = _LoadedStorage(flat, dtype, numel, key)
        storages[key] = storage
        return storage

    try:
        if weights_only:
            try:
                return WeightsOnlyUnpickler(pkl, persistent_load, pickle_load_args["encoding"]).load()
            except WeightsOnlyRefusal as e:
                raise UnpicklingError(_weights_only_message(str(e))) from None
        return _torch_pickle.FullUnpickler(io.BytesIO(pkl), persistent_load, **pickle_load_args).load()
    except BadZipArchive as e:
        _fail(src, str(e))
    except UnpicklingError as e:
        if str(e).startswith("tensorcore.load"):
            raise
        _fail(src, str(e))


def _load_legacy(data, src, map_location, weights_only, pickle_load_args):
    restore = _restore_location(map_location)
    try:
        return _legacy_format.read(data, src, restore, weights_only, pickle_load_args, _fail)
    except WeightsOnlyRefusal as e:
        raise UnpicklingError(_weights_only_message(str(e))) from None
    except UnpicklingError as e:
        if str(e).startswith("tensorcore.load"):
            raise
        _fail(src, str(e))


def get_unsafe_globals_in_checkpoint(f: Any) -> Any:
    """The globals (as "module.name") that the checkpoint `f` (a path or a
    binary file object) names and that are not allowed for weights_only
    loading, neither by default nor by add_safe_globals / safe_globals. The
    pickle is only disassembled, never run; globals a pickle could build at
    run time are not seen."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return get_unsafe_globals_in_checkpoint(fh)
    base = f.tell()
    if f.read(4) != ZIP_MAGIC:
        raise ValueError("Expected input to be a checkpoint returned by tensorcore.save or torch.save")
    try:
        reader = ZipReader(f, base)
        names = reader.names()
        archive = names[0].split("/", 1)[0] if names else ""
        if reader.has(f"{archive}/constants.pkl"):
            raise ValueError("Expected input to be a checkpoint returned by torch.save but got a torchscript "
                             "checkpoint")
        pkl = reader.read(f"{archive}/data.pkl")
    except (BadZipArchive, KeyError) as e:
        raise UnpicklingError(f"tensorcore.get_unsafe_globals_in_checkpoint: not a readable checkpoint ({e})") from None
    return sorted(name for name in globals_in_pickle(pkl) if not is_safe_global(name))


def _weights_only_message(message):
    if "was not an allowed global by default" in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
                "the recommended steps in the following error message.\n\tWeightsUnpickler error: " + message)
    return f"Weights only load failed. {_UNSAFE_MESSAGE}\n\nWeightsUnpickler error: {message}"


# ---- map_location ----
def _default_restore(flat, location):
    if location == "cpu":
        return flat
    if location.startswith("cuda"):
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but tensorcore.cuda.is_available() "
                               "is False. If you are running on a CPU-only machine, please use tensorcore.load with "
                               "map_location=tensorcore.device('cpu') to map your storages to the CPU.")
        return flat.to(location)
    raise RuntimeError(f"don't know how to restore data location of a storage (tagged with {location})")


def _restore_location(map_location):
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda flat, location: _default_restore(flat, str(map_location.get(location, location)))
    if isinstance(map_location, bytes):
        map_location = map_location.decode("ascii")
    if isinstance(map_location, str) or not callable(map_location):  # a str or a device
        target = str(map_location)
        return lambda flat, location: _default_restore(flat, target)

    def restore(flat, location):
        result = map_location(flat, location)
        return _default_restore(flat, location) if result is None else result
    return restore
