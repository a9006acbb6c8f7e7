"""dtype objects (tensorcore.float32, ...) and the Size tuple."""


class dtype:
    """A tensor element type. Singletons: compare with `is` or `==`."""

    __module__ = "tensorcore"  # type(x.dtype) prints <class 'tensorcore.dtype'>, as PyTorch

    __slots__ = ("name", "itemsize", "is_floating_point", "is_signed", "is_complex", "_code")

    def __init__(self, name, itemsize, is_floating_point, is_signed, code):
        self.name = name
        self.itemsize = itemsize
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self.is_complex = name.startswith("complex")
        self._code = code

    def __repr__(self):
        return "tensorcore." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        """The real dtype of a complex one (complex64 -> float32); other dtypes are returned as they are."""
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        """The complex dtype with this float dtype's precision (float32 -> complex64), as PyTorch."""
        if self.is_complex:
            return self
        if self.name == "float64":
            return complex128
        if self.name == "float32":
            return complex64
        raise RuntimeError(f"Unknown Complex ScalarType for {SCALAR_TYPE_NAMES[self.name]}")


# One object per C++ DType, made from the core's own table (Note [DType codes]
# in core/dtype.h), in code order.
from ._C import _dtype_table  # noqa: E402

_TABLE = _dtype_table()
ALL = [dtype(name, size, is_float, signed, code) for code, (name, size, is_float, signed, _, _) in enumerate(_TABLE)]
_BY_NAME = {d.name: d for d in ALL}
bool_, int32, int64, float32, float64 = (_BY_NAME[n] for n in ("bool", "int32", "int64", "float32", "float64"))
uint8, int8, int16, float16, bfloat16 = (_BY_NAME[n] for n in ("uint8", "int8", "int16", "float16", "bfloat16"))
complex64, complex128 = _BY_NAME["complex64"], _BY_NAME["complex128"]
# PyTorch's names for a dtype in its messages: ScalarType ("Long", "Half") and
# the C++ type ("long int", "c10::Half").
SCALAR_TYPE_NAMES = {row[0]: row[4] for row in _TABLE}
CPP_TYPE_NAMES = {row[0]: row[5] for row in _TABLE}
ALIASES = {"bool": bool_, "int32": int32, "int": int32, "int64": int64, "long": int64,
           "float32": float32, "float": float32, "float64": float64, "double": float64,
           "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
           "float16": float16, "half": float16, "bfloat16": bfloat16,
           "complex64": complex64, "cfloat": complex64, "complex128": complex128, "cdouble": complex128}


def _dtype_by_name(name):
    return ALIASES[name]


class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints as tensorcore.Size([...])."""

    __module__ = "tensorcore"  # type(x.shape) prints <class 'tensorcore.Size'>; pickles name tensorcore.Size

    __slots__ = ()

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, s in enumerate(sizes):
            if isinstance(s, bool) or not hasattr(s, "__index__"):
                raise TypeError(f"tensorcore.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')")
        return tuple.__new__(cls, (s.__index__() for s in sizes))

    def __repr__(self):
        return "tensorcore.Size([" + ", ".join(str(int(s)) for s in self) + "])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


# tensorcore.device is a C++ type (core/device.h, bindings/device.cpp): the
# same object a Tensor's `.device` returns.
from ._C import device  # noqa: E402,F401 (re-exported: tensorcore.device)
