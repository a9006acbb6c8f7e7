"""Argument normalisation shared by Tensor methods and module functions."""
import builtins
import operator

from . import _C
from ._dtype import dtype as _dtype_cls


def shape_args(args, name="size"):
    """f(2, 3), f((2, 3)), f([2, 3]) and f(Size) all mean the shape (2, 3).

    Note [bool in an int list]: PyTorch's parser decides "is this an int
    list" from the first element alone, and refuses a bool there; a bool
    further on is read as the int it is (zeros(5, True, 0) has shape
    (5, 1, 0)). The same rule here."""
    if len(args) == 1 and not _is_int(args[0]):
        seq = args[0]
        if not isinstance(seq, (tuple, list)):
            raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(seq).__name__}")
        return [_index(s, name, i == 0) for i, s in enumerate(seq)]
    return [_index(s, name, i == 0) for i, s in enumerate(args)]


def _is_int(x):
    return isinstance(x, int) or (hasattr(x, "__index__") and not isinstance(x, (builtins.float, builtins.bool)))


def _index(x, name, first=True):
    if isinstance(x, builtins.bool) and first:  # Note [bool in an int list]
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type bool")
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, but found element of type "
                        f"{type(x).__name__}") from None


def dims_arg(dim, name):
    """None -> [] (all dims); int -> [int]; sequence -> list."""
    if dim is None:
        return []
    if isinstance(dim, (tuple, list)):
        return [_dim(d, name) for d in dim]
    return [_dim(dim, name)]


def _dim(d, name):
    if isinstance(d, builtins.bool) or not _is_int(d):
        raise TypeError(f"{name}(): argument 'dim' must be int or tuple of ints, not {type(d).__name__}")
    return operator.index(d)


def int_arg(x, name, what="dim"):
    if isinstance(x, builtins.bool) or not _is_int(x):
        raise TypeError(f"{name}(): argument '{what}' must be int, not {type(x).__name__}")
    return operator.index(x)


def dtype_arg(d, name="op"):
    if d is None or isinstance(d, _dtype_cls):
        return d
    if d is builtins.float:
        from ._dtype import float64
        return float64
    if d is builtins.int:
        from ._dtype import int64
        return int64
    if d is builtins.bool:
        from ._dtype import bool_
        return bool_
    raise TypeError(f"{name}(): argument 'dtype' must be tensorcore.dtype, not {type(d).__name__}")


def device_arg(dev, name="device", check=True):
    """A `device=` argument (str, tensorcore.device, accelerator index or None)
    as a tensorcore.device or None. With `check`, a device type with no backend
    compiled in raises PyTorch's error (AssertionError "Torch not compiled with
    CUDA enabled" for cuda): Note [Allocator per device type] in core/allocator.h."""
    if dev is None or dev is _CPU:  # fast paths: no device, or t.device of a CPU tensor
        return dev
    if type(dev) is str and dev == "cpu":
        return _CPU
    return _C._device_arg(dev, name, check)


_CPU = _C._device_arg("cpu")  # the cached object every CPU tensor's .device returns


class memory_format:
    """Tensor memory layouts. tensorcore keeps every tensor it creates in the
    row-major (contiguous) layout, so only contiguous_format and
    preserve_format are accepted where PyTorch takes a memory_format."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "tensorcore." + self._name

    def __reduce__(self):
        return self._name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


def memory_format_arg(fmt, name):
    if fmt is None or fmt is contiguous_format or fmt is preserve_format:
        return
    if isinstance(fmt, memory_format):
        raise RuntimeError(f"{name}(): tensorcore stores tensors only in the contiguous layout; {fmt!r} is not "
                           f"supported")
    raise TypeError(f"{name}(): argument 'memory_format' must be torch.memory_format, not {type(fmt).__name__}")


def tensor_arg(x, name, what="input", position=1):
    """PyTorch's TypeError for a non-Tensor where a Tensor is required."""
    from . import _C
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"{name}(): argument '{what}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def bool_arg(x, name, what="keepdim"):
    """A bool flag: PyTorch's parser takes no int (or other truthy object) for it."""
    if not isinstance(x, builtins.bool):
        raise TypeError(f"{name}(): argument '{what}' must be bool, not {type(x).__name__}")
    return x


def keepdim_arg(keepdim, dim, name):
    """keepdim must be a bool, and only makes sense with a dim (PyTorch's TypeErrors)."""
    if not isinstance(keepdim, builtins.bool):
        raise TypeError(f"{name}(): argument 'keepdim' must be bool, not {type(keepdim).__name__}")
    if keepdim and dim is None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool, ), but "
                        f"expected a dim with keepdim")
    return keepdim
