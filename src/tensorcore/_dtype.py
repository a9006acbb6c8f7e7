"""dtype objects (tensorcore.float32, ...) and the Size tuple."""


class dtype:
    """A tensor element type. Singletons: compare with `is` or `==`."""

    __slots__ = ("name", "itemsize", "is_floating_point", "is_signed", "_code")

    def __init__(self, name, itemsize, is_floating_point, is_signed, code):
        self.name = name
        self.itemsize = itemsize
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self._code = code

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return "tensorcore." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        return self


bool_ = dtype("bool", 1, False, False, 0)
int32 = dtype("int32", 4, False, True, 1)
int64 = dtype("int64", 8, False, True, 2)
float32 = dtype("float32", 4, True, True, 3)
float64 = dtype("float64", 8, True, True, 4)
uint8 = dtype("uint8", 1, False, False, 5)
int8 = dtype("int8", 1, False, True, 6)
int16 = dtype("int16", 2, False, True, 7)
float16 = dtype("float16", 2, True, True, 8)
bfloat16 = dtype("bfloat16", 2, True, True, 9)

# In the order of the C++ DType enum (Note [DType codes] in core/dtype.h).
ALL = [bool_, int32, int64, float32, float64, uint8, int8, int16, float16, bfloat16]
ALIASES = {"bool": bool_, "int32": int32, "int": int32, "int64": int64, "long": int64,
           "float32": float32, "float": float32, "float64": float64, "double": float64,
           "uint8": uint8, "int8": int8, "int16": int16, "short": int16,
           "float16": float16, "half": float16, "bfloat16": bfloat16}


# PyTorch's ScalarType names, as its error messages print them ("Long", "Half").
SCALAR_TYPE_NAMES = {"bool": "Bool", "int32": "Int", "int64": "Long", "float32": "Float", "float64": "Double",
                     "uint8": "Byte", "int8": "Char", "int16": "Short", "float16": "Half", "bfloat16": "BFloat16"}


def _dtype_by_name(name):
    return ALIASES[name]


class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints as tensorcore.Size([...])."""

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
