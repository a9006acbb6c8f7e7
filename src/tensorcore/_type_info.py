"""tensorcore.finfo / tensorcore.iinfo: the numeric limits of a dtype, with
PyTorch's attributes, errors and repr (values printed with %g)."""
from . import _C
from . import _dtype

# bits, eps, max, smallest normal, resolution (10 ** -decimal digits)
_FLOAT_LIMITS = {
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 1e-3),
    "bfloat16": (16, 2.0 ** -7, 3.3895313892515355e38, 2.0 ** -126, 1e-2),
    "float32": (32, 2.0 ** -23, 3.4028234663852886e38, 2.0 ** -126, 1e-6),
    "float64": (64, 2.0 ** -52, 1.7976931348623157e308, 2.0 ** -1022, 1e-15),
}
_INT_LIMITS = {
    "uint8": (8, 0, 255),
    "int8": (8, -128, 127),
    "int16": (16, -32768, 32767),
    "int32": (32, -2 ** 31, 2 ** 31 - 1),
    "int64": (64, -2 ** 63, 2 ** 63 - 1),
}


def _as_dtype(d, who):
    if d is None and who == "finfo":
        return _C.get_default_dtype()
    if not isinstance(d, _dtype.dtype):
        raise TypeError(f"{who}(): argument 'type' (position 1) must be torch.dtype, not {type(d).__name__}")
    return d


class finfo:
    """Limits of a floating-point dtype: bits, eps, max, min, tiny (=
    smallest_normal), resolution and dtype (its name)."""

    __module__ = "tensorcore"  # type(finfo(...)) prints <class 'tensorcore.finfo'>, as PyTorch

    __hash__ = None  # unhashable, as PyTorch's

    def __init__(self, type=None):  # noqa: A002 - PyTorch's parameter name
        d = _as_dtype(type, "finfo")
        d = d.to_real()  # a complex dtype: the limits of its parts, as PyTorch
        if d.name not in _FLOAT_LIMITS:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        self.bits, self.eps, self.max, self.smallest_normal, self.resolution = _FLOAT_LIMITS[d.name]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """Limits of an integer dtype: bits, min, max and dtype (its name)."""

    __module__ = "tensorcore"  # type(iinfo(...)) prints <class 'tensorcore.iinfo'>, as PyTorch

    __hash__ = None

    def __init__(self, type):  # noqa: A002 - PyTorch's parameter name
        d = _as_dtype(type, "iinfo")
        if d.name == "bool":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if d.name not in _INT_LIMITS:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        self.bits, self.min, self.max = _INT_LIMITS[d.name]
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__
