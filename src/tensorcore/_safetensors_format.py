"""The safetensors layout: tensorcore's checkpoint format before it adopted
PyTorch's zip format. tensorcore.load still reads it (detected by its header)
and tensorcore.save writes it with `_use_new_zipfile_serialization=False`.

A file is: an 8-byte little-endian header length N, N bytes of UTF-8 JSON,
then the raw tensor bytes. The JSON maps each tensor name to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets into the byte
buffer after the header) and may hold "__metadata__" (string -> string).

Loading never executes code: it parses JSON and copies bytes. A flat
{str: Tensor} dict (a state dict) is stored as a plain safetensors file, which
other safetensors readers can open; anything else built from dicts, lists,
tuples, strings, numbers, None, booleans and tensors (e.g. an optimizer's
state_dict) is described by a JSON "structure" entry in __metadata__ whose
tensors are stored under generated names. Other objects (a whole nn.Module,
user classes) are pickled, as torch.save does, with every tensor stored in the
safetensors buffer and referenced from the pickle; as in PyTorch, loading them
needs load(..., weights_only=False) because unpickling can run code.
tensorcore.load reads any
safetensors file with supported dtypes. A CRC-32 of the byte buffer is stored
in __metadata__ and checked on load, and every offset and size is validated,
so a truncated or corrupted file raises a clear error instead of returning
wrong tensors.
"""
import base64
import io
import json
import math
import pickle
import struct
import zlib
from collections import OrderedDict

import numpy as np

from . import _C
from ._dtype import bfloat16, bool_, complex64, float16, float32, float64, int8, int16, int32, int64, uint8
from ._torch_pickle import UnpicklingError

Tensor = _C.Tensor

__all__ = ["write", "read", "looks_like_safetensors"]

_FORMAT = "tensorcore.safetensors/1"
_TO_ST = {"float32": "F32", "float64": "F64", "int32": "I32", "int64": "I64", "bool": "BOOL", "float16": "F16",
          "bfloat16": "BF16", "uint8": "U8", "int8": "I8", "int16": "I16", "complex64": "C64"}
# bfloat16's bytes travel as little-endian int16 (numpy has no bfloat16 without ml_dtypes).
_FROM_ST = {"F32": (float32, np.dtype("<f4")), "F64": (float64, np.dtype("<f8")), "I32": (int32, np.dtype("<i4")),
            "I64": (int64, np.dtype("<i8")), "BOOL": (bool_, np.dtype("?")), "F16": (float16, np.dtype("<f2")),
            "BF16": (bfloat16, np.dtype("<i2")), "U8": (uint8, np.dtype("u1")), "I8": (int8, np.dtype("i1")),
            "I16": (int16, np.dtype("<i2")), "C64": (complex64, np.dtype("<c8"))}
_MAX_HEADER = 100 * 1024 * 1024


SerializationError = UnpicklingError


class _Unencodable(TypeError):
    """An object the JSON structure cannot describe: the pickle path takes it."""


# ---- encoding ----
def _is_flat_state_dict(obj):
    return isinstance(obj, dict) and len(obj) > 0 and all(
        isinstance(k, str) and not k.startswith("__") and isinstance(v, Tensor) for k, v in obj.items())


class _Encoder:
    def __init__(self):
        self.tensors = []  # (name, tensor)
        self.names = {}  # id(tensor) -> name: a tensor met twice is stored once

    def tensor(self, t, name=None):
        name = name if name is not None else f"t{len(self.tensors)}"
        self.tensors.append((name, t))
        return name

    def encode(self, obj):
        if isinstance(obj, Tensor):
            if id(obj) not in self.names:
                self.names[id(obj)] = self.tensor(obj)
            entry = {"T": "tensor", "name": self.names[id(obj)]}
            if obj.requires_grad:
                entry["requires_grad"] = True
            if type(obj).__name__ == "Parameter":
                entry["parameter"] = True
            return entry
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return {"T": "int", "v": str(obj)}
        if isinstance(obj, float):
            if math.isfinite(obj):
                return {"T": "float", "v": obj}
            return {"T": "float", "v": repr(obj)}
        if isinstance(obj, (np.integer, np.floating, np.bool_)):
            return self.encode(obj.item())
        from ._dtype import Size
        if isinstance(obj, Size):
            return {"T": "size", "v": [int(x) for x in obj]}
        if isinstance(obj, tuple):
            return {"T": "tuple", "v": [self.encode(x) for x in obj]}
        if isinstance(obj, list):
            return {"T": "list", "v": [self.encode(x) for x in obj]}
        if isinstance(obj, dict):
            kind = "odict" if isinstance(obj, OrderedDict) else "dict"
            return {"T": kind, "v": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
        from ._dtype import dtype as _dtype_cls
        if isinstance(obj, _dtype_cls):
            return {"T": "dtype", "v": obj.name}
        raise _Unencodable(type(obj).__name__)


class _TensorPickler(pickle.Pickler):
    """Pickles everything but tensors, which go to the safetensors buffer."""

    def __init__(self, fh, protocol, enc):
        super().__init__(fh, protocol)
        self.enc = enc

    def persistent_id(self, obj):
        if isinstance(obj, Tensor):
            entry = self.enc.encode(obj)
            return (entry["name"], bool(entry.get("requires_grad")), bool(entry.get("parameter")))
        return None


class _TensorUnpickler(pickle.Unpickler):
    def __init__(self, fh, tensors, src):
        super().__init__(fh)
        self.tensors, self.src, self.made = tensors, src, {}

    def persistent_load(self, pid):
        name, requires_grad, parameter = pid
        return _decode({"T": "tensor", "name": name, "requires_grad": requires_grad, "parameter": parameter},
                       self.tensors, self.src, self.made)


def _tensor_bytes(t):
    t = t.detach()
    if t.dtype is bfloat16:
        t = _C._view_dtype(t.contiguous(), int16)
    arr = _C._tensor_to_numpy_forced(t)
    dt = _FROM_ST[_TO_ST[t.dtype.name]][1]
    return np.ascontiguousarray(arr, dtype=dt).tobytes()


def write(obj, fh, pickle_protocol=None):
    """Writes a tensor, a state dict or a nested container of tensors to the
    binary file object `fh` in the safetensors layout."""
    enc = _Encoder()
    metadata = {"format": _FORMAT}
    if _is_flat_state_dict(obj):
        for k, v in obj.items():
            enc.tensor(v, k)
        metadata["tensorcore.kind"] = "odict" if isinstance(obj, OrderedDict) else "dict"
    else:
        try:
            metadata["tensorcore.structure"] = json.dumps(enc.encode(obj), separators=(",", ":"))
        except _Unencodable:
            enc = _Encoder()
            buf = io.BytesIO()
            _TensorPickler(buf, pickle_protocol or pickle.DEFAULT_PROTOCOL, enc).dump(obj)
            metadata["tensorcore.pickle"] = base64.b64encode(buf.getvalue()).decode("ascii")
    header, chunks, offset = {}, [], 0
    for name, t in enc.tensors:
        data = _tensor_bytes(t)
        header[name] = {"dtype": _TO_ST[t.dtype.name], "shape": [int(s) for s in t.shape],
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    crc = 0
    for c in chunks:
        crc = zlib.crc32(c, crc)
    metadata["tensorcore.crc32"] = str(crc)
    header["__metadata__"] = metadata
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)  # align the buffer to 8 bytes, as safetensors writers do
    _write(fh, hbytes, chunks)


def _write(fh, hbytes, chunks):
    fh.write(struct.pack("<Q", len(hbytes)))
    fh.write(hbytes)
    for c in chunks:
        fh.write(c)


# ---- decoding ----
def _fail(src, msg):
    raise SerializationError(f"tensorcore.load: {src}: {msg}")


def looks_like_safetensors(head):
    """`head`: the first bytes of a file (at least 9). A safetensors file
    starts with an 8-byte little-endian header length, then a JSON object."""
    if len(head) < 9:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return 2 <= n <= _MAX_HEADER and head[8:9] == b"{"


def _parse(raw, src):
    if len(raw) < 8:
        _fail(src, f"file is truncated or not a tensorcore file (only {len(raw)} bytes; a file starts with an "
                   "8-byte header length)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > _MAX_HEADER:
        _fail(src, f"not a tensorcore/safetensors file (header length {n} is implausible)")
    if 8 + n > len(raw):
        _fail(src, f"file is truncated: the header needs {n} bytes but only {len(raw) - 8} follow")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        _fail(src, f"corrupt header (not valid JSON: {e})")
    if not isinstance(header, dict):
        _fail(src, "corrupt header (expected a JSON object)")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        _fail(src, "corrupt header (__metadata__ must be an object)")
    buf = memoryview(raw)[8 + n:]
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
            _fail(src, f"corrupt header entry for tensor '{name}'")
        dt = info["dtype"]
        if dt not in _FROM_ST:
            _fail(src, f"tensor '{name}' has dtype {dt}, which tensorcore does not support "
                       f"(supported: {', '.join(_FROM_ST)})")
        shape, offs = info["shape"], info["data_offsets"]
        if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape)):
            _fail(src, f"corrupt shape for tensor '{name}': {shape!r}")
        if not (isinstance(offs, list) and len(offs) == 2 and all(isinstance(o, int) for o in offs)
                and 0 <= offs[0] <= offs[1]):
            _fail(src, f"corrupt data_offsets for tensor '{name}': {offs!r}")
        nbytes = int(np.prod(shape, dtype=np.int64)) * _FROM_ST[dt][1].itemsize
        if offs[1] - offs[0] != nbytes:
            _fail(src, f"tensor '{name}' of shape {shape} and dtype {dt} needs {nbytes} bytes but its data_offsets "
                       f"span {offs[1] - offs[0]}")
        if offs[1] > len(buf):
            _fail(src, f"file is truncated: tensor '{name}' ends at byte {offs[1]} of the data but the file holds "
                       f"only {len(buf)} bytes of data")
        spans.append((offs[0], offs[1], name))
    spans.sort()
    for (b0, e0, n0), (b1, e1, n1) in zip(spans, spans[1:]):
        if b1 < e0:
            _fail(src, f"corrupt header: tensors '{n0}' and '{n1}' overlap")
    crc = metadata.get("tensorcore.crc32")
    if crc is not None:
        end = max((e for _, e, _ in spans), default=0)
        if len(buf) != end:
            _fail(src, f"file has {len(buf)} bytes of tensor data but the header describes {end}: the file is "
                       "truncated or has trailing garbage")
        if str(zlib.crc32(buf)) != str(crc):
            _fail(src, "checksum mismatch: the tensor data is corrupted")
    tensors = {}  # in file order, which is the order they were saved in
    for _, _, name in spans:
        info = header[name]
        dt, npdt = _FROM_ST[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(buf[b:e], dtype=npdt).reshape(info["shape"])
        if dt is bfloat16:  # the bits, reinterpreted
            tensors[name] = _C._view_dtype(_C.tensor_from_data(arr.astype(npdt.newbyteorder("="), copy=True), int16),
                                           bfloat16)
        else:
            tensors[name] = _C.tensor_from_data(arr.astype(npdt.newbyteorder("="), copy=True), dt)
    return tensors, metadata


def _decode(obj, tensors, src, made=None):
    made = {} if made is None else made  # name -> object, so shared tensors stay shared
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if not isinstance(obj, dict) or "T" not in obj:
        _fail(src, "corrupt structure entry")
    kind, v = obj["T"], obj.get("v")
    if kind == "tensor":
        name = obj.get("name")
        if name not in tensors:
            _fail(src, f"structure refers to missing tensor '{name}'")
        if name not in made:
            t = tensors[name]
            if obj.get("parameter"):
                from .nn.parameter import Parameter
                t = Parameter(t, bool(obj.get("requires_grad", False)))
            elif obj.get("requires_grad"):
                t.requires_grad_(True)
            made[name] = t
        return made[name]
    try:
        if kind == "int":
            return int(v)
        if kind == "float":
            return float(v)
        if kind == "tuple":
            return tuple(_decode(x, tensors, src, made) for x in v)
        if kind == "size":
            from ._dtype import Size
            return Size(int(x) for x in v)
        if kind == "list":
            return [_decode(x, tensors, src, made) for x in v]
        if kind in ("dict", "odict"):
            items = [(_decode(k, tensors, src, made), _decode(x, tensors, src, made)) for k, x in v]
            return OrderedDict(items) if kind == "odict" else dict(items)
        if kind == "dtype":
            from . import _dtype
            return {d.name: d for d in _dtype.ALL}[v]
    except (TypeError, ValueError, KeyError):
        _fail(src, f"corrupt structure entry of kind {kind!r}")
    _fail(src, f"unknown structure entry kind {kind!r}")


def read(raw, src, weights_only):
    """Decodes the safetensors-layout file whose bytes are `raw`."""
    tensors, metadata = _parse(raw, src)
    pickled = metadata.get("tensorcore.pickle")
    if pickled is not None:
        if weights_only:
            raise UnpicklingError(
                f"Weights only load failed. {src} holds pickled Python objects (saved with tensorcore.save of an "
                "object that is not tensors and containers of them, e.g. a whole nn.Module). Re-running "
                "`tensorcore.load` with `weights_only` set to `False` will likely succeed, but it can result in "
                "arbitrary code execution. Do it only if you got the file from a trusted source.")
        try:
            blob = base64.b64decode(pickled, validate=True)
        except ValueError as e:
            _fail(src, f"corrupt pickle metadata ({e})")
        return _TensorUnpickler(io.BytesIO(blob), tensors, src).load()
    structure = metadata.get("tensorcore.structure")
    if structure is not None:
        try:
            tree = json.loads(structure)
        except json.JSONDecodeError as e:
            _fail(src, f"corrupt structure metadata ({e})")
        return _decode(tree, tensors, src)
    out = OrderedDict() if metadata.get("tensorcore.kind", "odict") == "odict" else {}
    out.update(tensors)
    return out
