"""PyTorch's pickle vocabulary, spoken by tensorcore.

A PyTorch checkpoint's `data.pkl` names PyTorch objects: tensors are rebuilt
by `torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, hooks)`, storages are persistent ids
`('storage', torch.FloatStorage, key, location, numel)`, parameters go through
`torch._utils._rebuild_parameter`, and dtypes, sizes and devices are the
globals `torch.float32`, `torch.Size`, `torch.device`.

This module holds both directions:
  - TORCH_NAMES maps each of those names to tensorcore's equivalent (the
    rebuild functions below, tensorcore.Size, ...), for the unpicklers;
  - TorchPickler writes tensorcore objects under PyTorch's names, so that
    torch.load(..., weights_only=True) reads tensorcore's checkpoints.

Note [storages in tensorcore]
tensorcore has no Storage type: a storage is carried as a flat 1-D tensor
over the whole storage (`_LoadedStorage.flat`), and every tensor that names
the same storage key is an `as_strided` view of that one flat tensor, so views
that shared memory when saved share it after loading. On the saving side a
storage is identified by its data pointer and byte size.
"""
import collections
import pickle

from . import _C, _layout
from ._dtype import Size, bool_, device, dtype as _DType, float32, float64, int32, int64
from ._dtype import bfloat16, complex64, complex128, float16, int8, int16, uint8

Tensor = _C.Tensor


class UnpicklingError(pickle.UnpicklingError, RuntimeError):
    """A file given to tensorcore.load cannot be read (corrupt, truncated,
    crafted, or holding something tensorcore does not support). Typed like
    the pickle.UnpicklingError PyTorch raises, and a RuntimeError as well."""


class EmptyFileError(UnpicklingError, EOFError):
    """tensorcore.load of an empty file, or of a file object already at its
    end: PyTorch's unpickler runs out of input at once and raises EOFError."""


# ---- dtypes and storage classes ----
_TORCH_DTYPE_OF_STORAGE = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16", "BFloat16Storage": "bfloat16",
    "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8",
    "ByteStorage": "uint8", "BoolStorage": "bool", "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128", "QUInt8Storage": "quint8", "QInt8Storage": "qint8",
    "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
SUPPORTED_DTYPES = {"float32": float32, "float64": float64, "int32": int32, "int64": int64, "bool": bool_,
                    "float16": float16, "bfloat16": bfloat16, "uint8": uint8, "int8": int8, "int16": int16,
                    "complex64": complex64, "complex128": complex128}
STORAGE_NAME_OF_DTYPE = {d: s for s, d in _TORCH_DTYPE_OF_STORAGE.items() if d in SUPPORTED_DTYPES}
_OTHER_TORCH_DTYPES = [
    "complex32", "qint8", "qint32",
    "quint8", "quint4x2", "quint2x4", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2",
    "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits1x8", "bits2x4", "bits4x2",
    "bits8", "bits16"] + [f"uint{i}" for i in range(1, 8)] + [f"int{i}" for i in range(1, 8)]


def unsupported_dtype_error(torch_dtype, what=""):
    supported = ", ".join("torch." + n for n in SUPPORTED_DTYPES)
    return UnpicklingError(f"tensorcore.load: the checkpoint holds {what or 'a value'} of dtype torch.{torch_dtype}, "
                           f"which tensorcore does not support (supported dtypes: {supported})")


class StorageType:
    """What `torch.FloatStorage` & co. unpickle to: names the element type of
    a storage persistent id."""

    __slots__ = ("name", "dtype")

    def __init__(self, name):
        self.name = name
        self.dtype = SUPPORTED_DTYPES[_TORCH_DTYPE_OF_STORAGE[name]]

    def __repr__(self):
        return f"StorageType(dtype=torch.{self.dtype.name})"


class _Unsupported:
    """A name PyTorch's allowlist accepts but tensorcore cannot represent:
    resolving it raises a clear error instead of misreading the file."""

    def __init__(self, message):
        self.message = message

    def resolve(self):
        raise UnpicklingError(self.message)


class _LoadedStorage:
    """A storage read from a checkpoint (see Note [storages in tensorcore])."""

    __slots__ = ("flat", "dtype", "numel", "key")

    def __init__(self, flat, dtype, numel, key):
        self.flat, self.dtype, self.numel, self.key = flat, dtype, numel, key


# ---- rebuild functions (tensorcore's side of torch._utils._rebuild_*) ----
_MAX_DIMS = 64


def _check_int(v, what):
    if type(v) is not int:  # not bool, not a subclass with surprising __index__
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: {what} must be an int, got "
                              f"{type(v).__name__}")
    return v


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if not isinstance(storage, _LoadedStorage):
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: expected a storage, got "
                              f"{type(storage).__name__}")
    if not isinstance(size, (tuple, list)) or not isinstance(stride, (tuple, list)):
        raise UnpicklingError("tensorcore.load: corrupt tensor record: size and stride must be tuples")
    if len(size) != len(stride) or len(size) > _MAX_DIMS:
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: {len(size)} sizes and {len(stride)} strides")
    offset = _check_int(storage_offset, "storage offset")
    sizes = [_check_int(s, "a size") for s in size]
    strides = [_check_int(s, "a stride") for s in stride]
    if offset < 0 or any(s < 0 for s in sizes) or any(s < 0 for s in strides):
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: negative size, stride or offset "
                              f"(size {tuple(sizes)}, stride {tuple(strides)}, offset {offset})")
    if all(sizes):
        last = offset + sum((n - 1) * s for n, s in zip(sizes, strides))  # exact: Python ints do not overflow
        if last >= storage.numel:
            raise UnpicklingError(
                f"tensorcore.load: corrupt tensor record: size {tuple(sizes)}, stride {tuple(strides)} and offset "
                f"{offset} reach element {last} of a storage of {storage.numel} elements")
    elif offset > storage.numel:
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: offset {offset} is past the end of a "
                              f"storage of {storage.numel} elements")
    if type(requires_grad) is not bool:
        raise UnpicklingError("tensorcore.load: corrupt tensor record: requires_grad must be a bool")
    t = _C.as_strided(storage.flat, sizes, strides, offset)
    if requires_grad:
        if not (storage.dtype.is_floating_point or storage.dtype.is_complex):
            raise UnpicklingError("tensorcore.load: corrupt tensor record: only floating point and complex "
                                  "tensors can require gradients")
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _set_state(obj, state):
    """Restores the attributes pickled with a Parameter/tensor, as PyTorch's
    _set_obj_state: a dict for __dict__, or (dict, slots dict)."""
    if state is None:
        return obj
    if isinstance(state, tuple) and len(state) == 2:
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for part in (dict_state, slots_state):
        if part is not None and (not isinstance(part, dict) or not all(type(k) is str for k in part)):
            raise UnpicklingError("tensorcore.load: corrupt tensor state (expected a dict of attributes)")
    if dict_state:
        obj.__dict__.update(dict_state)  # not setattr: a file must not reach properties like .data or .grad
    for k, v in (slots_state or {}).items():
        setattr(obj, k, v)
    return obj


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise UnpicklingError("tensorcore.load: corrupt parameter record")
    if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
        raise UnpicklingError("tensorcore.load: corrupt parameter record: only floating point parameters can "
                              "require gradients")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor saved with Python attributes (or as a subclass): rebuilt by
    `func(*args)`, then given `new_type` and its attributes."""
    from .nn.parameter import Parameter
    if func not in (_rebuild_tensor_v2, _rebuild_tensor, _rebuild_parameter, _rebuild_parameter_with_state):
        raise UnpicklingError(f"tensorcore.load: unsupported tensor rebuild function {func!r}")
    if not isinstance(args, tuple):
        raise UnpicklingError("tensorcore.load: corrupt tensor record")
    ret = func(*args)
    if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
        raise UnpicklingError(f"tensorcore.load: corrupt tensor record: {new_type!r} is not a tensor type")
    if type(ret) is not new_type:
        if new_type is Parameter:
            ret = Parameter(ret, ret.requires_grad)
        else:  # PyTorch's ret.as_subclass(new_type): the same tensor (an alias), seen as the subclass
            sub = new_type.__new__(new_type)
            Tensor.__init__(sub, ret)
            if ret.requires_grad:
                sub.requires_grad_(True)
            ret = sub
    return _set_state(ret, state)


def _get_layout(name):
    from ._layout import sparse_coo, strided
    layouts = {"torch.strided": strided, "torch.sparse_coo": sparse_coo}
    if name not in layouts:
        raise UnpicklingError(f"tensorcore.load: layout {name} is not supported (only torch.strided and "
                              "torch.sparse_coo)")
    return layouts[name]


def _rebuild_sparse_tensor(layout, data):
    """PyTorch's form of a saved sparse COO tensor: (indices, values, size,
    is_coalesced) (older files: no is_coalesced)."""
    from ._layout import sparse_coo
    from .sparse import sparse_coo_tensor
    if layout is not sparse_coo:
        raise UnpicklingError(f"tensorcore.load: sparse layout {layout} is not supported (only torch.sparse_coo)")
    indices, values, size = data[:3]
    coalesced = data[3] if len(data) > 3 else None
    return sparse_coo_tensor(indices, values, size, is_coalesced=coalesced)


def _unsupported_rebuild(kind):
    return _Unsupported(f"tensorcore.load: the checkpoint holds a {kind}, which tensorcore does not support")


def _torch_names():
    from .nn.parameter import Parameter
    import _codecs
    names = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": device,
        "_codecs.encode": _codecs.encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch._utils._rebuild_sparse_tensor": _rebuild_sparse_tensor,
    }
    for name, dt in SUPPORTED_DTYPES.items():
        names["torch." + name] = dt
    for name in _OTHER_TORCH_DTYPES:
        names["torch." + name] = _Unsupported(str(unsupported_dtype_error(name)))
    for storage, dt in _TORCH_DTYPE_OF_STORAGE.items():
        names["torch." + storage] = (StorageType(storage) if dt in SUPPORTED_DTYPES else
                                     _Unsupported(str(unsupported_dtype_error(dt, f"a tensor (torch.{storage})"))))
    for legacy in ("torch.storage.UntypedStorage", "torch.storage.TypedStorage"):
        names[legacy] = _Unsupported(f"tensorcore.load: the checkpoint holds a bare {legacy.rsplit('.', 1)[1]}, "
                                     "which tensorcore does not support (it loads tensors)")
    for fn, kind in [("_rebuild_qtensor", "quantized tensor"),
                     ("_rebuild_nested_tensor", "nested tensor"), ("_rebuild_tensor_v3", "tensor saved by "
                                                                   "_rebuild_tensor_v3"),
                     ("_rebuild_meta_tensor_no_storage", "meta tensor"),
                     ("_rebuild_wrapper_subclass", "tensor wrapper subclass"),
                     ("_rebuild_device_tensor_from_numpy", "tensor of a device without storages"),
                     ("_rebuild_device_tensor_from_cpu_tensor", "tensor of a device without storages")]:
        names["torch._utils." + fn] = _unsupported_rebuild(kind)
    for scheme in ("per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
                   "per_channel_affine_float_qparams"):
        names["torch." + scheme] = _unsupported_rebuild("quantization scheme")
    for legacy in ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool"):
        names[f"torch.{legacy}Tensor"] = _unsupported_rebuild(f"legacy torch.{legacy}Tensor object")
        names[f"torch.sparse.{legacy}Tensor"] = _unsupported_rebuild("sparse tensor")
    return names


_NAMES = None


def torch_names():
    """{"module.name": object} for every global PyTorch's weights_only
    unpickler allows, mapped to tensorcore (or to an _Unsupported marker)."""
    global _NAMES
    if _NAMES is None:
        _NAMES = _torch_names()
    return _NAMES


def resolve(obj):
    """The object a resolved global stands for (raises for _Unsupported)."""
    if isinstance(obj, _Unsupported):
        obj.resolve()
    return obj


# ---- writing: tensorcore objects under PyTorch's names ----
class _Global:
    """A global written by name (pickle's GLOBAL opcode) without importing it:
    the pickle names torch's objects although torch need not be installed."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle's save_reduce insists on a callable; never called
        raise TypeError(f"{self.module}.{self.name} is a name written into a pickle, not a function")


_GLOBALS = {}


def _g(module, name):
    key = (module, name)
    if key not in _GLOBALS:
        _GLOBALS[key] = _Global(module, name)  # one object per name: the pickler's memo then reuses it
    return _GLOBALS[key]


class _StorageRef:
    """Stands for a tensor's whole storage while pickling (persistent id)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


class TorchPickler(pickle._Pickler):
    """Pickles like torch.save: tensors as `torch._utils._rebuild_tensor_v2`
    over storages that become persistent ids (their bytes go to separate zip
    records), parameters via `_rebuild_parameter`, dtypes/Size/device under
    torch's names. Built on the pure-Python pickler because its save_global
    would import torch to check the names we write.

    After dump(), `storages` lists (key, flat tensor, location) in key order."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, fh, protocol=2):
        super().__init__(fh, protocol)
        self.storages = []
        self._keys = {}  # (data pointer, nbytes) -> (key, dtype)

    def save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch[_Global] = save_torch_global

    def save_dtype(self, obj):
        self.save_torch_global(_g("torch", obj.name))

    dispatch[_DType] = save_dtype

    def save_size(self, obj):
        self.save_reduce(_g("torch", "Size"), (tuple(int(s) for s in obj),), obj=obj)

    dispatch[Size] = save_size

    def save_device(self, obj):
        args = (obj.type,) if obj.index is None else (obj.type, obj.index)
        self.save_reduce(_g("torch", "device"), args, obj=obj)

    dispatch[device] = save_device

    def persistent_id(self, obj):
        if type(obj) is not _StorageRef:
            return None
        t = obj.tensor
        itemsize = t.element_size()
        nbytes = t._storage_nbytes()
        ident = (t._storage_ptr(), nbytes) if nbytes else ("empty", id(t))
        known = self._keys.get(ident)
        if known is None:
            key = str(len(self.storages))
            self._keys[ident] = (key, t.dtype)
            flat = _C.as_strided(_C.detach(t), [nbytes // itemsize], [1], 0)
            self.storages.append((key, flat))
        else:
            key, dt = known
            if dt != t.dtype:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different "
                                   "types")
        loc = str(t.device)
        if loc == "cuda":
            loc = "cuda:0"
        return ("storage", _g("torch", STORAGE_NAME_OF_DTYPE[t.dtype.name]), key, loc, nbytes // itemsize)

    def save_layout(self, obj):
        self.save_reduce(_g("torch.serialization", "_get_layout"), (repr(obj).replace("tensorcore.", "torch."),),
                         obj=obj)

    dispatch[_layout.layout] = save_layout

    def reducer_override(self, obj):
        if not isinstance(obj, Tensor):
            return NotImplemented
        if obj.is_sparse:
            # as PyTorch's Tensor.__reduce_ex__ for a sparse COO tensor
            data = (_C.detach(obj._indices()), _C.detach(obj._values()), Size(obj.shape), obj.is_coalesced())
            return (_g("torch._utils", "_rebuild_sparse_tensor"), (obj.layout, data))
        from .nn.parameter import Parameter
        state = dict(obj.__dict__) if getattr(obj, "__dict__", None) else None
        if type(obj) is Parameter:
            data = _C.detach(obj)
            if state:
                return (_g("torch._utils", "_rebuild_parameter_with_state"),
                        (data, obj.requires_grad, collections.OrderedDict(), state))
            return (_g("torch._utils", "_rebuild_parameter"), (data, obj.requires_grad, collections.OrderedDict()))
        args = (_StorageRef(obj), obj.storage_offset(), tuple(int(s) for s in obj.shape),
                tuple(int(s) for s in obj.stride()), obj.requires_grad, collections.OrderedDict())
        rebuild = _g("torch._utils", "_rebuild_tensor_v2")
        if type(obj) is not Tensor or state:
            # a subclass, or a tensor with Python attributes: as torch, via _rebuild_from_type_v2
            new_type = _g("torch", "Tensor") if type(obj) is Tensor else type(obj)
            return (_g("torch._tensor", "_rebuild_from_type_v2"), (rebuild, new_type, args, state or {}))
        return (rebuild, args)


# ---- reading with weights_only=False: an ordinary Unpickler that maps torch's names ----
class FullUnpickler(pickle.Unpickler):
    """Unpickles anything (it can run code: only for weights_only=False), with
    PyTorch's names mapped to tensorcore: `torch.X` resolves to tensorcore's
    equivalent, or to `tensorcore.X` when that exists (so a whole PyTorch
    module can load as the same tensorcore module)."""

    def __init__(self, fh, persistent_load, **kwargs):
        super().__init__(fh, **kwargs)
        self._persistent_load = persistent_load

    def persistent_load(self, pid):
        return self._persistent_load(pid)

    def find_class(self, module, name):
        full = f"{module}.{name}"
        names = torch_names()
        if full in names:
            return resolve(names[full])
        if module == "torch" or module.startswith("torch."):
            import importlib
            try:
                mod = importlib.import_module("tensorcore" + module[len("torch"):])
                obj = mod
                for part in name.split("."):
                    obj = getattr(obj, part)
                return obj
            except (ImportError, AttributeError):
                pass
        return super().find_class(module, name)


def compat_global_name(module, name):
    """Python 2 names (`__builtin__.set`, which protocol-2 pickles use) mapped
    to Python 3's, as pickle does."""
    import _compat_pickle
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    elif module in _compat_pickle.IMPORT_MAPPING:
        module = _compat_pickle.IMPORT_MAPPING[module]
    return module, name

