"""torch.storage: TypedStorage and UntypedStorage, the memory behind tensors as Python objects.

Note [Storages are flat alias tensors]
tensorcore's C++ core has no Python storage type; a tensor knows its storage's base pointer and size
(``_storage_ptr``, ``_storage_nbytes``). A storage object here reads the memory through a 1-D tensor that
aliases the *whole* storage from byte 0 (``t._storage_view(dtype)``, made afresh from an anchor tensor on
each use, so it follows ``resize_``), so reads and writes through the storage are reads and writes of the
tensor's memory, as in PyTorch:
``x.storage()[0] = 7`` changes ``x``; ``x[1:].storage()`` is all of ``x``'s memory, not the slice; its
``data_ptr()`` is the storage's base, not the view's first element. A TypedStorage's alias has the tensor's
dtype; an UntypedStorage's is the same memory viewed as uint8 (one element per byte).
``resize_`` reallocates the block in place (``_storage_resize_``): every tensor over it sees the new block, and
one that then reaches past its end raises on use (Note [Shrunk storage], csrc/core/storage.h) where PyTorch
reads out of bounds. A slice of an UntypedStorage (``s[4:8]``) is a fixed alias and cannot be resized.
What PyTorch's storages do that these do not: pinned memory and shared-memory file handles; each raises
instead of doing something else.
"""
import warnings

from ._dtype import Size  # noqa: F401  (re-exported by PyTorch's torch.storage too)

_LEGACY_NAMES = {
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage", "bfloat16": "BFloat16Storage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
    "uint8": "ByteStorage", "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
    "complex128": "ComplexDoubleStorage",
}

_WARNED = []


def _warn_typed_storage_removal(stacklevel=3):
    # PyTorch warns once per process, at the first TypedStorage use.
    if not _WARNED:
        _WARNED.append(True)
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
            "storage class. This should only matter to you if you are using storages directly.  To access "
            "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
            UserWarning, stacklevel=stacklevel)


def _index(i, n, kind):
    if not isinstance(i, int) or isinstance(i, bool):
        if hasattr(i, "__index__"):
            i = i.__index__()
        else:
            raise TypeError(f"can't index a {kind} with {type(i).__name__}")
    if i < -n or i >= n:
        raise IndexError(f"index {i} out of range for storage of size {n}")
    return i + n if i < 0 else i


class UntypedStorage:
    """Bytes of memory (Note [Storages are flat alias tensors])."""
    is_sparse = False

    def __init__(self, *args, device=None, _bytes=None, _anchor=None):
        import tensorcore
        # _anchor: a tensor over the whole storage (its bytes are read through it afresh: resize_ moves them);
        # _bytes: a fixed byte alias (a slice of another storage).
        self._anchor, self._fixed = _anchor, _bytes
        if _anchor is not None or _bytes is not None:
            return
        if device is not None and tensorcore.device(device).type != "cpu":
            raise RuntimeError(f"UntypedStorage: tensorcore has no {tensorcore.device(device).type} device")
        if len(args) == 0:
            self._anchor = tensorcore.empty(0, dtype=tensorcore.uint8)
        elif len(args) == 1 and isinstance(args[0], int) and not isinstance(args[0], bool):
            self._anchor = tensorcore.empty(args[0], dtype=tensorcore.uint8)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            self._anchor = tensorcore.tensor(list(args[0]), dtype=tensorcore.uint8)
        else:
            raise TypeError(f"UntypedStorage(): invalid arguments {args!r}: expected a size or a sequence of bytes")

    @classmethod
    def _of(cls, tensor):
        return cls(_anchor=tensor.detach())

    @property
    def _bytes(self):
        import tensorcore
        return self._fixed if self._anchor is None else self._anchor._storage_view(tensorcore.uint8)

    def _view(self, dtype):
        """The storage's memory as a 1-D tensor of dtype."""
        return self._fixed.view(dtype) if self._anchor is None else self._anchor._storage_view(dtype)

    @property
    def device(self):
        return self._bytes.device

    @property
    def is_cuda(self):
        return False

    @property
    def dtype(self):
        import tensorcore
        return tensorcore.uint8

    def nbytes(self):
        return self._bytes.numel()

    def size(self):
        return self.nbytes()

    def __len__(self):
        return self.nbytes()

    def element_size(self):
        return 1

    def data_ptr(self):
        return self._bytes.data_ptr()

    def type(self):
        return "torch.UntypedStorage"

    def tolist(self):
        return self._bytes.tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            start, stop, step = idx.indices(self.nbytes())
            if step != 1:
                raise RuntimeError(f"Trying to slice with a step of {step}, but only a step of 1 is supported")
            return UntypedStorage(_bytes=self._bytes[start:stop])
        return int(self._bytes[_index(idx, self.nbytes(), "storage")].item())

    def __setitem__(self, idx, value):
        if isinstance(idx, slice):
            self._bytes[idx] = value
        else:
            self._bytes[_index(idx, self.nbytes(), "storage")] = value

    def fill_(self, value):
        self._bytes.fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        other = source._bytes if isinstance(source, UntypedStorage) else source._untyped_storage._bytes
        if other.numel() != self.nbytes():
            raise RuntimeError(f"size mismatch, expected {self.nbytes()} bytes, got {other.numel()}")
        self._bytes.copy_(other)
        return self

    def clone(self):
        return UntypedStorage(_anchor=self._bytes.clone())

    def cpu(self):
        return self

    def is_shared(self):
        return self._bytes.is_shared()

    def share_memory_(self):
        self._bytes.share_memory_()
        return self

    def is_pinned(self, device="cuda"):
        return False

    def resize_(self, size):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"resize_(): argument 'size' must be int, not {type(size).__name__}")
        if self._anchor is None:  # a slice of another storage: it does not own its memory
            raise RuntimeError("Trying to resize storage that is not resizable")
        self._anchor._storage_resize_(size)
        return self

    def untyped(self):
        return self

    def __str__(self):
        info = f"[{_typename(self)}(device={self.device}) of size {self.nbytes()}]"
        return " " + "\n ".join(str(b) for b in self.tolist()) + "\n" + info

    __repr__ = __str__

    def __sizeof__(self):
        return super().__sizeof__() + self.nbytes()


class TypedStorage:
    """A storage seen as elements of one dtype (deprecated in PyTorch, still what ``Tensor.storage()`` returns)."""
    is_sparse = False

    def __init__(self, *args, dtype=None, device=None, wrap_storage=None, _flat=None, _internal=False):
        import tensorcore
        if not _internal:
            _warn_typed_storage_removal()
        if _flat is not None:  # a tensor over the whole storage, in the storage's dtype
            self._untyped, self._dtype = UntypedStorage(_anchor=_flat), _flat.dtype
            return
        dtype = tensorcore.get_default_dtype() if dtype is None else dtype
        self._dtype = dtype
        if wrap_storage is not None:
            if args:
                raise RuntimeError("TypedStorage(): No positional arguments should be given when using "
                                   "'wrap_storage'")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError(f"TypedStorage(): Argument 'wrap_storage' must be UntypedStorage, but got "
                                f"{type(wrap_storage)}")
            self._untyped = wrap_storage
            return
        if device is not None and tensorcore.device(device).type != "cpu":
            raise RuntimeError(f"TypedStorage: tensorcore has no {tensorcore.device(device).type} device")
        if len(args) == 0:
            flat = tensorcore.empty(0, dtype=dtype)
        elif len(args) == 1 and isinstance(args[0], int) and not isinstance(args[0], bool):
            flat = tensorcore.empty(args[0], dtype=dtype)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            flat = tensorcore.tensor(list(args[0]), dtype=dtype)
        else:
            raise TypeError(f"TypedStorage(): invalid arguments {args!r}: expected a size or a sequence")
        self._untyped = UntypedStorage(_anchor=flat)

    @classmethod
    def _of(cls, tensor):
        return cls(_flat=tensor.detach(), _internal=True)

    @property
    def _flat(self):
        return self._untyped._view(self._dtype)

    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return self._flat.device

    @property
    def is_cuda(self):
        return False

    @property
    def _untyped_storage(self):
        return self._untyped

    def untyped(self):
        return self._untyped_storage

    def size(self):
        return self._flat.numel()

    def __len__(self):
        return self._flat.numel()

    def element_size(self):
        return self._flat.element_size()

    def nbytes(self):
        return self._flat.numel() * self._flat.element_size()

    def data_ptr(self):
        return self._flat.data_ptr()

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return f"torch.{_LEGACY_NAMES.get(self.dtype.name, 'TypedStorage')}"
        raise NotImplementedError("TypedStorage.type(dtype): use .to(dtype) on a tensor instead")

    def tolist(self):
        return self._flat.tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return self._flat[_index(idx, self.size(), "storage")].item()

    def __setitem__(self, idx, value):
        if isinstance(idx, slice):
            self._flat[idx] = value
        else:
            self._flat[_index(idx, self.size(), "storage")] = value

    def fill_(self, value):
        self._flat.fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        other = source._flat if isinstance(source, TypedStorage) else source._bytes.view(self.dtype)
        if other.numel() != self.size():
            raise RuntimeError(f"size mismatch, expected {self.size()} elements, got {other.numel()}")
        self._flat.copy_(other)
        return self

    def clone(self):
        return TypedStorage(_flat=self._flat.clone(), _internal=True)

    def cpu(self):
        return TypedStorage(_flat=self._flat, _internal=True)

    def _to(self, dtype):
        return TypedStorage(_flat=self._flat.to(dtype), _internal=True)

    def double(self):
        import tensorcore
        return self._to(tensorcore.float64)

    def float(self):
        import tensorcore
        return self._to(tensorcore.float32)

    def half(self):
        import tensorcore
        return self._to(tensorcore.float16)

    def bfloat16(self):
        import tensorcore
        return self._to(tensorcore.bfloat16)

    def long(self):
        import tensorcore
        return self._to(tensorcore.int64)

    def int(self):
        import tensorcore
        return self._to(tensorcore.int32)

    def short(self):
        import tensorcore
        return self._to(tensorcore.int16)

    def char(self):
        import tensorcore
        return self._to(tensorcore.int8)

    def byte(self):
        import tensorcore
        return self._to(tensorcore.uint8)

    def bool(self):
        import tensorcore
        return self._to(tensorcore.bool)

    def is_shared(self):
        return self._flat.is_shared()

    def share_memory_(self):
        self._flat.share_memory_()
        return self

    def is_pinned(self, device="cuda"):
        return False

    def resize_(self, size):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"resize_(): argument 'size' must be int, not {type(size).__name__}")
        self._untyped.resize_(size * self.element_size())
        return self

    def __str__(self):
        info = f"[{_typename(self)}(dtype={self.dtype}, device={self.device}) of size {self.size()}]"
        return " " + "\n ".join(str(v) for v in self.tolist()) + "\n" + info

    __repr__ = __str__


class _LegacyStorageMeta(type):
    # isinstance(x.storage(), torch.FloatStorage) asks about the dtype: PyTorch's legacy classes make TypedStorages.
    def __instancecheck__(cls, instance):
        return isinstance(instance, TypedStorage) and instance.dtype == cls.dtype


class _LegacyStorage(metaclass=_LegacyStorageMeta):
    """torch.FloatStorage & co: constructors of a TypedStorage of one dtype (what the old API spelled a storage)."""

    def __new__(cls, *args, **kwargs):
        if "dtype" in kwargs:
            raise TypeError(f"{cls.__name__}.__new__ received an unexpected keyword argument 'dtype'")
        return TypedStorage(*args, dtype=cls.dtype, **kwargs)


def _legacy_classes():
    from . import _dtype
    classes = {}
    for dtype_name, class_name in _LEGACY_NAMES.items():
        dtype = getattr(_dtype, dtype_name, None) or getattr(_dtype, dtype_name + "_", None)
        if dtype is not None:
            classes[class_name] = _LegacyStorageMeta(class_name, (_LegacyStorage,), {"dtype": dtype,
                                                                                     "__module__": "tensorcore"})
    return classes


LEGACY_STORAGES = _legacy_classes()


def is_storage(obj):
    """torch.is_storage: a TypedStorage or an UntypedStorage."""
    return isinstance(obj, (TypedStorage, UntypedStorage))


def _typename(storage):
    # PyTorch prints torch.storage.TypedStorage; here the module is tensorcore.storage.
    return f"{type(storage).__module__}.{type(storage).__qualname__}"


def _storage_source(source, dtype):
    """set_'s tensor for a storage source: the whole storage in dtype (PyTorch reads an UntypedStorage's bytes
    as the destination's dtype)."""
    if isinstance(source, TypedStorage):
        return source._flat
    return source._view(dtype)


def _install():
    import tensorcore

    def storage(self):
        _warn_typed_storage_removal()
        return TypedStorage._of(self)

    def untyped_storage(self):
        return UntypedStorage._of(self)

    def _typed_storage(self):
        return TypedStorage._of(self)

    def storage_type(self):
        return LEGACY_STORAGES[_LEGACY_NAMES[self.dtype.name]]

    def is_set_to(self, tensor):
        """Whether self and tensor view the same memory the same way (storage, offset, sizes, strides)."""
        return (self._storage_ptr() == tensor._storage_ptr() and self.storage_offset() == tensor.storage_offset()
                and self.shape == tensor.shape and self.stride() == tensor.stride())

    tensorcore.Tensor.storage_type = storage_type
    tensorcore.Tensor.is_set_to = is_set_to
    tensorcore.Tensor.storage = storage
    tensorcore.Tensor.untyped_storage = untyped_storage
    tensorcore.Tensor._typed_storage = _typed_storage


_install()
