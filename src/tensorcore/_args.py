"""Argument normalisation shared by Tensor methods and module functions."""

from . import _C


# Note [One argument parser]: the rules for sizes, dims, ints, dtypes and
# bool flags -- which types each accepts, Note [bool in an int list], and
# PyTorch's TypeErrors -- live once, in C++ (bindings/arg_parser.cpp), and
# serve both the functions bound in C++ and these Python-level ones.
# shape_args(args, name="size"): f(2, 3), f((2, 3)), f([2, 3]), f(Size) -> [2, 3]
shape_args = _C._parse_shape
# dims_arg(dim, name): None -> [] (all dims); int -> [int]; sequence -> list
dims_arg = _C._parse_dims
# int_arg(x, name, what="dim")
int_arg = _C._parse_int
# dtype_arg(d, name="op"): a dtype, the Python types float/int/bool, or None
dtype_arg = _C._parse_dtype
# bool_arg(x, name, what="keepdim"): PyTorch's parser takes no int for a bool flag
bool_arg = _C._parse_bool
# keepdim_arg(keepdim, dim, name): a bool, and only with a dim
keepdim_arg = _C._parse_keepdim


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
    """Tensor memory layouts: contiguous_format (row-major), preserve_format
    (the input's dense strides), channels_last / channels_last_3d (dense
    strides in NHWC / NDHWC order: Note [Channels-last layouts] in _tensor.py)."""

    __module__ = "tensorcore"  # type(tensorcore.contiguous_format) prints <class 'tensorcore.memory_format'>

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
    """`fmt` when it is a memory_format (or None), else PyTorch's TypeError."""
    if fmt is None or isinstance(fmt, memory_format):
        return fmt
    raise TypeError(f"{name}(): argument 'memory_format' must be torch.memory_format, not {type(fmt).__name__}")


def tensor_arg(x, name, what="input", position=1):
    """PyTorch's TypeError for a non-Tensor where a Tensor is required."""
    from . import _C
    if not isinstance(x, _C.Tensor):
        raise TypeError(f"{name}(): argument '{what}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x
