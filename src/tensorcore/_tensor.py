"""Tensor methods with PyTorch's signatures, installed on the C++ class.

Operators, properties and autograd accessors are bound in C++
(csrc/bindings); this file adds the methods whose argument conventions
(varargs shapes, optional dims, keyword names) are easiest to express in
Python. Each wrapper normalises arguments and makes one call into _C.
"""
import inspect
import builtins
import sys
import types

import numpy as np

from . import _C, _deprecated_overloads, _elementwise, _random16, _tensor_str
from ._aliases import with_numpy_aliases
from ._args import shape_args, dims_arg, int_arg, dtype_arg, device_arg, memory_format_arg, tensor_arg, bool_arg
from ._args import memory_format, channels_last, channels_last_3d, contiguous_format, preserve_format
from ._args import _CPU as _CPU_DEVICE
from ._inplace import write_inplace
from ._dtype import device as _device, float32, float64, int32, int64, bool_, float16, bfloat16, uint8, int8, int16
from ._dtype import complex64, complex128, dtype as _dtype_class
from ._dtype_refusals import narrow_complex_scalar

Tensor = _C.Tensor


def _method(fn, name=None):
    setattr(Tensor, name or fn.__name__, fn)
    return fn


# ---- return types (torch.return_types.*) ----
class _ReturnType(tuple):
    __slots__ = ()

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"tensorcore.return_types.{builtins.type(self).__name__}(\nvalues={self[0]!r},\nindices={self[1]!r})"

    def __reduce__(self):
        return (builtins.type(self), tuple(self))  # pickle / deepcopy: rebuilt from the fields


def _return_type(name):
    cls = builtins.type(name, (_ReturnType,), {"__slots__": ()})
    cls.__module__ = "tensorcore.return_types"  # type(x.max(0)) prints <class 'tensorcore.return_types.max'>
    return cls


def _named_return_type(name, fields):
    """A torch.return_types.<name> with its own field names (linalg_slogdet:
    sign, logabsdet; svd: U, S, V, ...): a tuple with named properties, printed
    as PyTorch prints it. Registered in `return_types`."""
    def new(cls, *values):
        if len(values) != len(fields):
            raise TypeError(f"{cls.__module__}.{name} takes a {len(fields)}-sequence ({len(values)}-sequence given)")
        return tuple.__new__(cls, values)

    def rep(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"tensorcore.return_types.{name}(\n{body})"

    ns = {"__slots__": (), "__new__": new, "__repr__": rep, "n_fields": len(fields), "n_sequence_fields": len(fields),
          "_fields": fields, "__reduce__": lambda self: (builtins.type(self), tuple(self))}
    ns.update({f: property(lambda self, i=i: self[i]) for i, f in enumerate(fields)})
    cls = builtins.type(name, (tuple,), ns)
    cls.__module__ = "tensorcore.return_types"
    setattr(return_types, name, cls)
    return cls


# A module (registered as tensorcore.return_types) so other modules can register their types and pickle can
# find a class by its __module__ and name: pickle.dumps(x.max(0)) round-trips, as PyTorch's.
return_types = types.ModuleType("tensorcore.return_types", "torch.return_types: the named tuples ops return.")
for _name in ("max", "min", "sort", "topk", "kthvalue", "mode", "median"):
    setattr(return_types, _name, _return_type(_name))
sys.modules[return_types.__name__] = return_types


# ---- printing ----
def _numpy_values(t):
    """The values as a numpy array without needing ml_dtypes: bfloat16 is
    widened to float32 first (exact), for printing and tolist()."""
    if t.dtype is bfloat16:
        t = _C.to_dtype(t.detach(), float32, False)
    return _C._tensor_to_numpy_forced(t)


def __repr__(self, *, tensor_contents=None):
    values = _numpy_values(self)
    try:
        fn = self._grad_fn
        fn_name = fn.name().rsplit("::", 1)[-1] if fn is not None else None
    except RuntimeError:  # a view taken in no_grad mode whose base was written since (PyTorch prints this)
        fn, fn_name = None, "Invalid"
    return _tensor_str.format_tensor(
        values, self.dtype.name, shape=tuple(self.shape), default_dtype_name=_C.get_default_dtype().name,
        requires_grad=self.requires_grad and fn is None, grad_fn_name=fn_name,
        prefix=_repr_prefix(self), device=self.device)


def _repr_prefix(tensor):
    """PyTorch prints a Tensor or Parameter as tensor(...) and an instance of
    any other subclass under its class name: MyTensor([1., 2.])."""
    from .nn.parameter import Parameter  # nn imports this module: looked up at call time
    cls = builtins.type(tensor)
    return "tensor(" if cls is Tensor or cls is Parameter else f"{cls.__name__}("


_method(__repr__, "__repr__")
_method(__repr__, "__str__")


@_method
def __format__(self, spec):
    # As PyTorch: only a plain 0-dim Tensor formats as its Python number
    # (f"{loss:.4f}"); a subclass (Parameter, ...) or a tensor with dims falls
    # back to object.__format__, so an empty spec prints str() and any other
    # spec raises a TypeError naming the subclass.
    if self.dim() == 0 and builtins.type(self) is Tensor:
        return self.item().__format__(spec)
    if spec == "":
        return str(self)
    raise TypeError(f"unsupported format string passed to {builtins.type(self).__name__}.__format__")


# ---- autograd surface ----
Tensor.grad_fn = property(lambda self: _wrap_node(self._grad_fn))


def _wrap_node(n):
    from .autograd.graph import wrap
    return wrap(n)


@_method
def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    from .autograd import backward as _backward
    if gradient is not None and not isinstance(gradient, Tensor):
        # PyTorch hands gradient to autograd.backward as grad_tensors: a
        # sequence holding one gradient is accepted, anything else fails there.
        if isinstance(gradient, str) or not hasattr(gradient, "__iter__"):
            raise TypeError(f"'{builtins.type(gradient).__name__}' object is not iterable"
                            if not isinstance(gradient, str) else
                            "gradients can be either Tensors or None, but got str")
        gradient = list(gradient)
        if not gradient:
            raise RuntimeError("got 1 tensors and 0 gradients")
        gradient = gradient[0]  # extra entries are ignored (zip), as PyTorch
        if gradient is not None and not isinstance(gradient, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {builtins.type(gradient).__name__}")
    if inputs is not None and isinstance(inputs, (list, tuple)) and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _backward([self], None if gradient is None else [gradient], retain_graph, create_graph, inputs)


@_method
def register_hook(self, hook):
    from .autograd.graph import _RemovableHandle

    def checked(grad):
        # PyTorch's engine refuses a hook result of another dtype (it would
        # flow on as a gradient of the wrong type); the node checks the size.
        result = hook(grad)
        if isinstance(result, Tensor) and isinstance(grad, Tensor) and result.dtype != grad.dtype:
            raise RuntimeError(f"hook '{getattr(hook, '__name__', builtins.type(hook).__name__)}' has changed the type of "
                               f"value (was {grad.type()} got {result.type()})")
        return result
    hid = self._register_hook(checked)
    if self.grad_fn is None:  # Note [Leaf hooks in autograd.grad]
        from .autograd.graph import leaf_hooks_of
        hooks = leaf_hooks_of(self, create=True)
        hooks[hid] = (hook, checked)

        def remove():
            self._remove_hook(hid)
            hooks.pop(hid, None)
        return _RemovableHandle(remove)
    return _RemovableHandle(lambda: self._remove_hook(hid))


@_method
def register_post_accumulate_grad_hook(self, hook):
    """hook(tensor) runs after backward has accumulated into this leaf's .grad."""
    from .autograd.graph import _RemovableHandle
    hid = self._register_post_accumulate_grad_hook(hook)
    return _RemovableHandle(lambda: self._remove_hook(hid))


# ---- assignment ----
def _check_index_put_dtype(self, key, value):
    """An assignment through advanced indexing (index_put_) wants the value
    in self's dtype, as PyTorch; basic indexing casts (a copy_), and so does a
    single bool mask with a one-element value (PyTorch's masked_fill path)."""
    if _advanced_items(key) and not _is_mask_fill(key, value):
        try:
            self[key]  # an invalid key raises its own IndexError first, as PyTorch
        except IndexError as e:
            # ... except an out-of-range entry of an index tensor: PyTorch's kernel finds that after this check
            # (an index into a dim of size 0 and a plain int index are checked before it)
            items = key if isinstance(key, tuple) else (key,)
            if "out of bounds" not in str(e) or str(e).endswith("with size 0") or builtins.any(
                    isinstance(k, builtins.int) and not isinstance(k, builtins.bool) for k in items):
                raise
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_TYPE_NAMES[self.dtype.name]} for the destination and {_TYPE_NAMES[value.dtype.name]} "
                           f"for the source.")


from ._dtype import SCALAR_TYPE_NAMES as _TYPE_NAMES  # noqa: E402


@_method
def __setitem__(self, key, value):
    if builtins.type(key) is builtins.bool:
        # Note [A lone bool key]: PyTorch reads x[True] as x.unsqueeze(0) and x[False] as its empty slice, basic
        # indexing, so `x[True] = v` is a copy that casts v as copy_ does (an int32 x takes an int64 v); a bool
        # inside a tuple, x[True, 0], is a mask like any other (index_put_, which wants v in x's dtype).
        # x[False] = v writes nothing: a tensor v is not even checked, a number only converted.
        if key or not isinstance(value, Tensor):
            target = self.unsqueeze(0)
            (target if key else target[0:0])[...] = value
        return
    if isinstance(value, builtins.complex):  # Note [Complex values into any dtype]
        value = _complex_fill_value(self, value)
    # numpy scalars: PyTorch takes the integers (through __index__) and the float64 / complex128 that subclass
    # Python's float / complex; float32, float16 and numpy.bool get its TypeError
    if not isinstance(value, (Tensor, int, builtins.float, builtins.bool, np.integer)):
        module = builtins.type(value).__module__
        kind = builtins.type(value).__name__ if module == "builtins" else f"{module}.{builtins.type(value).__name__}"
        raise TypeError(f"can't assign a {kind} to a {self.type()}")
    if isinstance(value, Tensor) and value.dim() and _is_mask_fill(key, value):
        value = value.reshape([])  # PyTorch's masked_fill path takes a one-element value of any shape
    if isinstance(value, Tensor) and value.dtype != self.dtype:
        _check_index_put_dtype(self, key, value)
        if _is_mask_fill(key, value):
            if value.is_complex() and not self.is_complex():
                # PyTorch's masked_fill path reads the one value as a scalar: its checked conversion,
                # after the mask's own IndexError
                self[key]
                narrow_complex_scalar(builtins.complex(value.item()), self.dtype.name)
            elif not value.is_complex() and value.dtype is not bool_ and self.dtype is not bool_:
                self[key]  # (the mask's IndexError first)
                _check_fill_value_range(value.item(), self.dtype.name)
            value = value.to(self.dtype)  # (Note [Which assignments are a masked fill])
    if isinstance(key, (builtins.bool, list)):
        _check_no_overlap(self)  # index_put_ into an expanded tensor: PyTorch's RuntimeError
    self._setitem(key, value)  # records like PyTorch: Note [Assignment records like PyTorch] (bindings/indexing.cpp)


# Note [Complex values into any dtype]
# The core's scalar parsing keeps only the real part of a Python complex (and
# masked_fill reads a complex value tensor wrongly), so complex values are
# resolved here, as PyTorch does: into a complex tensor they go as a 0-dim
# tensor of its dtype (through where() for masked_fill); into a real tensor
# by the checked conversion of _dtype_refusals.narrow_complex_scalar, which
# raises for a nonzero imaginary part instead of dropping it.
def _complex_fill_value(self, value):
    if self.is_complex():
        return _C.tensor_from_data(value, self.dtype)
    return narrow_complex_scalar(value, self.dtype.name)


# Note [Which assignments are a masked fill]
# PyTorch applies the basic parts of a key (ints, slices, None, Ellipsis) as
# views first; when what is left is one bool mask (a bool tensor of at least
# one dimension, or a list of Python bools, which it turns into one) and the
# value has one element, the assignment is masked_fill: the value is cast to
# self's dtype and may have any shape. Any other advanced key is index_put_,
# which wants the value in self's dtype.
def _advanced_items(key):
    items = key if isinstance(key, tuple) else (key,)
    return [k for k in items if isinstance(k, (list, np.ndarray, builtins.bool)) or (
        isinstance(k, Tensor) and (k.dim() > 0 or k.dtype is bool_))]


def _is_bool_mask(k):
    if isinstance(k, Tensor):
        return k.dtype is bool_ and k.dim() > 0
    return isinstance(k, list) and len(k) > 0 and builtins.all(isinstance(b, builtins.bool) for b in k)


def _check_fill_value_range(v, dtype_name):
    """c10's checked conversion of the one value a masked fill reads as a
    scalar (PyTorch's masked_fill path of x[mask] = t): a float outside the
    target's range (NaN into an integer dtype included) and an integer beyond
    it raise; a negative integer may wrap into an unsigned dtype, as c10
    allows for uint8."""
    import math

    from ._dtype_refusals import CHECKED_CONVERT_NAMES, _FLOAT_MAX, _overflows
    if dtype_name in ("complex64", "complex128"):  # the real part's range: complex64's is float's
        if dtype_name == "complex64" and math.isfinite(v) and builtins.abs(v) > _FLOAT_MAX["float32"]:
            raise RuntimeError("value cannot be converted to type c10::complex<float> without overflow")
        return
    if isinstance(v, builtins.float):
        bad = _overflows(v, dtype_name)
    elif dtype_name in _FLOAT_MAX or dtype_name == "float64":
        bad = dtype_name in _FLOAT_MAX and builtins.abs(v) > _FLOAT_MAX[dtype_name]
    else:
        info = np.iinfo(dtype_name)
        bad = v > info.max or (v < info.min and not (info.min == 0 and -v <= info.max))
    if bad:
        raise RuntimeError(f"value cannot be converted to type {CHECKED_CONVERT_NAMES[dtype_name]} without overflow")


def _is_mask_fill(key, value):
    advanced = _advanced_items(key)
    return len(advanced) == 1 and _is_bool_mask(advanced[0]) and value.numel() == 1


def _masked_fill_any(src, mask, value):
    """_C.masked_fill, with tensor and complex values resolved here first
    (Note [Complex values into any dtype], Note [A fill value tensor is a scalar])."""
    value_complex = isinstance(value, builtins.complex) or (isinstance(value, Tensor) and value.is_complex())
    if not (value_complex or src.is_complex() or isinstance(value, Tensor)) or not isinstance(
            value, (Tensor, int, builtins.float, builtins.complex)):
        return _C.masked_fill(src, mask, value)
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    _C.masked_fill(src.detach(), mask, 0)  # the mask's own checks (dtype, shape), as PyTorch orders them
    if isinstance(value, Tensor) and (value.requires_grad or src.is_complex()):
        # a value that requires grad gets its gradient through where()
        return _named_fill(_C.where(mask, value.to(src.dtype), src), "MaskedFillBackward1", src, value)
    scalar = value.item() if isinstance(value, Tensor) else value
    if isinstance(scalar, builtins.complex):
        if src.is_complex():
            return _named_fill(_C.where(mask, _C.tensor_from_data(scalar, src.dtype), src), "MaskedFillBackward0",
                               src)
        scalar = narrow_complex_scalar(scalar, src.dtype.name)
    return _C.masked_fill(src, mask, scalar)


def _named_fill(out, node, *inputs):
    if out.requires_grad:  # PyTorch's node names, not where()'s
        _C._rename_grad_fn(out, node, [t for t in inputs if isinstance(t, Tensor)])
    return out


# Note [A fill value tensor is a scalar]
# PyTorch's masked_fill reads a 0-dim value tensor as one scalar (value.item()).
# The core's masked_fill reads the value tensor's memory as the wrong type for
# the small and complex dtypes (garbage such as 9.7e-319), so a value tensor
# is turned into a Python number here, or, when it requires grad, filled
# through where(), which also carries its gradient.


# ---- device and dtype conversion ----
# device, is_cpu, is_cuda, is_meta and get_device() are read from the
# TensorImpl in C++ (bindings/device.cpp).
Tensor.is_sparse = property(lambda self: False)
Tensor.is_quantized = property(lambda self: False)
Tensor.layout = property(lambda self: "torch.strided")
Tensor.T = property(lambda self: self.permute(list(reversed(range(self.dim())))))
def _mT(self):
    if self.dim() == 1:  # a 0-dim tensor is its own mT in PyTorch
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.dim()}-D "
                           f"tensor.")
    return _C.transpose(self, -2, -1) if self.dim() else _C.transpose(self, 0, 0)


Tensor.mT = property(_mT)  # H and mH (conjugating): _shape_helpers.py
_core_data = Tensor.data


def _set_data(self, new):
    """PyTorch refuses to give a tensor that requires grad integer data (it could not
    require grad); the assignment itself is the core's (bindings/autograd.cpp)."""
    if isinstance(new, Tensor) and self.requires_grad and not (new.is_floating_point() or new.is_complex()):
        raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
    _core_data.fset(self, new)


Tensor.data = property(_core_data.fget, _set_data, doc=_core_data.__doc__)


@_method
def to(self, *args, **kwargs):
    dev, dtype, copy, memory_format = _to_arguments(self, args, kwargs)
    dev = device_arg(dev, "to")  # a device type with no backend raises here
    if dev is not None and dev is not self.device and _moves_device(self.device, dev):
        _check_memory_format_rank(self, memory_format)
        if dtype is not None:
            dtype = dtype_arg(dtype, "to")
            _warn_complex_to_real(self, dtype)
        result = _C.to_device(self, dev, dtype, bool(kwargs.get("non_blocking", False)))
        if memory_format is not None and memory_format is not preserve_format:
            result = _to_memory_format(result, memory_format)
        return result
    _check_memory_format_rank(self, memory_format)
    if dtype is None:
        result = _C.clone(self) if copy else self
    else:
        dtype = dtype_arg(dtype, "to")
        _warn_complex_to_real(self, dtype)
        result = _to_dtype(self, dtype, copy)
    if memory_format is not None and memory_format is not preserve_format:
        result = _to_memory_format(result, memory_format)  # Note [Channels-last layouts]
    return result


def _moves_device(src, dst):
    """Whether .to(dst) copies between devices: 'cuda' means the current
    CUDA device, so cuda:0 -> 'cuda' on device 0 stays (as PyTorch); a CPU
    index means nothing (cpu:1 is the cpu)."""
    if dst.type != src.type:
        return True
    return dst.type != "cpu" and dst.index is not None and dst.index != src.index


def _to_memory_format(self, fmt):
    """to(memory_format=fmt): self when its strides suggest `fmt` (PyTorch's
    to_will_alias, which asks suggest_memory_format, not is_contiguous), else a
    copy laid out as `fmt`."""
    if fmt in _CHANNELS_LAST_ORDER:
        _check_memory_format_rank(self, fmt)
    if _suggest_memory_format(self) is fmt:
        return self
    if fmt is contiguous_format:
        return _C.contiguous(self)
    return _permuted_copy(self, fmt)


def _strides_like_channels_last(sizes, strides, order):
    """PyTorch's is_channels_last_strides_2d/3d: the strides increase along
    `order` (C innermost, then W, H, (D,) N); ambiguous size-1 cases are NCHW."""
    if strides[1] == 0:
        return False
    low = 0
    for d in order:
        if sizes[d] == 0 or strides[d] < low:
            return False
        if d == 0 and low == strides[1]:
            return False
        low = strides[d] * (sizes[d] if sizes[d] > 1 else 1)
    return True


def _suggest_memory_format(self):
    sizes, strides = list(self.shape), list(self.stride())
    if self.dim() == 4 and _strides_like_channels_last(sizes, strides, (1, 3, 2, 0)):
        return channels_last
    if self.dim() == 5 and _strides_like_channels_last(sizes, strides, (1, 4, 3, 2, 0)):
        return channels_last_3d
    return contiguous_format


def _to_dtype(self, dtype, copy):
    # A real tensor cast to complex keeps its history: the core records
    # ToCopyBackward0 for every floating or complex target (the engine casts
    # the complex gradient back to the real part, as ATen's _to_copy_backward).
    return _C.to_dtype(self, dtype, copy)


# Note [The three forms of Tensor.to]
# PyTorch's to() has three overloads, chosen by the first positional argument:
#   to(device=None, dtype=None, non_blocking=False, copy=False, *, memory_format)
#   to(dtype, non_blocking=False, copy=False, *, memory_format)
#   to(other: Tensor, non_blocking=False, copy=False, *, memory_format)
# A call that fits none of them (a dtype then a device, a dtype given both
# positionally and by keyword, a device keyword beside a positional dtype, a
# non-bool flag) is its TypeError, not a best guess at what was meant.
_TO_KEYWORDS = ("device", "dtype", "non_blocking", "copy", "memory_format")


def _is_dtype_like(a):
    return isinstance(a, _dtype_class) or a in (builtins.float, builtins.int, builtins.bool, builtins.complex)


def _is_device_like(a):
    return isinstance(a, (str, _device)) or (isinstance(a, int) and not isinstance(a, builtins.bool))


def _to_arguments(self, args, kwargs):
    """(device, dtype, copy, memory_format) of a to() call, or PyTorch's TypeError."""
    for k in kwargs:
        if k not in _TO_KEYWORDS:
            raise TypeError(f"to() got an unexpected keyword argument '{k}'")
    if len(args) > 4:
        raise TypeError(f"to() takes from 0 to 4 positional arguments but {len(args)} were given")
    first = args[0] if args else None
    if isinstance(first, Tensor):
        fixed, allowed = 1, ("non_blocking", "copy", "memory_format")
        dev, dtype = first.device, first.dtype
    elif _is_dtype_like(first):
        fixed, allowed = 1, ("non_blocking", "copy", "memory_format")
        dev, dtype = None, first
    else:  # the device form: device and dtype may come positionally or by keyword
        fixed = builtins.min(len(args), 2)
        allowed = _TO_KEYWORDS[fixed:]
        dev = args[0] if args else kwargs.get("device")
        dtype = args[1] if len(args) > 1 else kwargs.get("dtype")
    flags = args[fixed:]
    valid = (builtins.all(k in allowed for k in kwargs) and len(flags) <= 2
             and builtins.all(isinstance(f, builtins.bool) for f in flags)
             and builtins.all(isinstance(kwargs.get(k, False), builtins.bool) for k in ("non_blocking", "copy"))
             and (dev is None or isinstance(first, Tensor) or _is_device_like(dev))
             and (dtype is None or _is_dtype_like(dtype))
             and isinstance(kwargs.get("memory_format"), (memory_format, builtins.type(None))))
    if not valid:
        def name(a):
            return "Tensor" if isinstance(a, Tensor) else "torch.dtype" if isinstance(a, _dtype_class) else \
                "torch.device" if isinstance(a, _device) else builtins.type(a).__name__
        got = ", ".join([name(a) for a in args] + [f"{k}={name(v)}" for k, v in kwargs.items()])
        raise TypeError(f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
                        "bool copy = False, *, torch.memory_format memory_format = None)\n"
                        " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
                        "torch.memory_format memory_format = None)\n"
                        " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
                        "torch.memory_format memory_format = None)")
    copy = flags[1] if len(flags) > 1 else kwargs.get("copy", False)
    return dev, dtype, copy, kwargs.get("memory_format")


def _check_memory_format_rank(self, fmt):
    """channels_last wants a 4-D tensor and channels_last_3d a 5-D one (PyTorch's RuntimeError)."""
    if fmt in _CHANNELS_LAST_ORDER:  # (no dim() otherwise: a lazy module's placeholder refuses it)
        _check_rank_for_format(self.dim(), fmt)


def _check_rank_for_format(rank, fmt):
    wanted = {channels_last: 4, channels_last_3d: 5}.get(fmt)
    if wanted is not None and rank != wanted:
        raise RuntimeError(f"required rank {wanted} tensor to use {fmt._name} format")


# Note [Channels-last layouts]
# channels_last (4-D) and channels_last_3d (5-D) are dense layouts whose
# channel dim is innermost: strides in N, H, W, C (N, D, H, W, C) order. The
# core stores any strides, so such a tensor is the row-major tensor of the
# permuted shape, viewed back in NCHW order; every op reads it through its
# strides, and elementwise ops, clone and the *_like factories keep the layout
# (the core's dense-strides rule, as PyTorch's). Values never depend on the
# layout: programs ask for it for speed (model.to(memory_format=...),
# x.contiguous(memory_format=...)), and get PyTorch's strides and
# is_contiguous() answers. Convolutions return row-major results here where
# PyTorch's keep channels_last: only stride() shows it.
_CHANNELS_LAST_ORDER = {channels_last: (0, 2, 3, 1), channels_last_3d: (0, 2, 3, 4, 1)}


def _dense_strides_for_format(shape, fmt):
    """The strides of a dense tensor of `shape` in layout `fmt`."""
    if fmt not in _CHANNELS_LAST_ORDER:
        strides, step = [0] * len(shape), 1
        for d in reversed(range(len(shape))):
            strides[d], step = step, step * builtins.max(shape[d], 1)
        return strides
    _check_rank_for_format(len(shape), fmt)
    strides, step = [0] * len(shape), 1
    for d in reversed(_CHANNELS_LAST_ORDER[fmt]):
        strides[d], step = step, step * builtins.max(shape[d], 1)
    return strides


def _permuted_copy(self, fmt):
    order = _CHANNELS_LAST_ORDER[fmt]
    permuted = self.permute(order)
    # (clone keeps a contiguous view contiguous; contiguous() copies any other)
    dense = _C.clone(permuted) if permuted.is_contiguous() else _C.contiguous(permuted)
    return dense.permute([order.index(d) for d in range(len(order))])


def _in_memory_format(self, fmt):
    """self when already laid out as `fmt`, else a copy that is (contiguous() and to())."""
    if fmt is None or fmt is contiguous_format:
        return _C.contiguous(self)
    _check_memory_format_rank(self, fmt)
    return self if self.is_contiguous(memory_format=fmt) else _copy_into_format(self, fmt)


def _copy_into_format(self, fmt):
    """A copy of `self` in layout `fmt` (a channels-last one); its grad_fn is
    PyTorch's CloneBackward0 (the copy goes through a permuted view here)."""
    copy = _permuted_copy(self, fmt)
    if copy.requires_grad and _C.is_grad_enabled():
        _C._rename_grad_fn(copy, "CloneBackward0", [self])
    return copy


@_method
def is_pinned(self, device=None):
    return False  # tensorcore has no accelerator, so no page-locked (pinned) memory


@_method
def pin_memory(self, device=None):
    raise RuntimeError("Cannot access accelerator device when none is available.")


@_method
def cpu(self, *, memory_format=None):
    memory_format_arg(memory_format, "cpu")
    if self.device.type == "cpu":
        return self
    return _C.to_device(self, _CPU_DEVICE, None, False)


@_method
def cuda(self, device=None, non_blocking=False):
    # As PyTorch: .cuda() / .cuda('cuda:1') raise "Torch not compiled with CUDA
    # enabled" on a CPU-only build, .cuda(1) the accelerator error, .cuda('cpu')
    # "Invalid device, must be cuda device".
    d = device_arg("cuda" if device is None else device, "cuda", check=False)
    if d.type != "cuda":
        raise RuntimeError("Invalid device, must be cuda device")
    return self.to(d, non_blocking=non_blocking)


@_method
def type(self, dtype=None, non_blocking=False, **kwargs):
    if not isinstance(non_blocking, builtins.bool):
        raise TypeError(f"type(): argument 'non_blocking' (position 2) must be bool, not "
                        f"{builtins.type(non_blocking).__name__}")
    if dtype is None:
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "int64": "torch.LongTensor",
                "int32": "torch.IntTensor", "bool": "torch.BoolTensor", "uint8": "torch.ByteTensor",
                "int8": "torch.CharTensor", "int16": "torch.ShortTensor", "float16": "torch.HalfTensor",
                "bfloat16": "torch.BFloat16Tensor", "complex64": "torch.ComplexFloatTensor",
                "complex128": "torch.ComplexDoubleTensor"}[self.dtype.name]
    from ._functions import legacy_tensor_type
    if isinstance(dtype, str) and dtype.startswith("torch.cuda."):  # PyTorch's CPU-only build: no CUDA types
        raise RuntimeError("Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend into two "
                           "shared libraries: a CPU library and a CUDA library; this error has occurred because you "
                           "are trying to use some CUDA functionality, but the CUDA library has not been loaded by "
                           "the dynamic linker for some reason.")
    legacy = legacy_tensor_type(dtype)
    if legacy is None and isinstance(dtype, str):
        raise ValueError(f"invalid type: '{dtype}'")
    return self.to(legacy._dtype if legacy is not None else dtype)


_warned_complex_to_real = False


def _warn_complex_to_real(self, dt):
    """PyTorch's warning when a cast drops imaginary parts (its copy kernel's
    TORCH_WARN_ONCE: once per process)."""
    global _warned_complex_to_real
    # bool keeps the information PyTorch's cast reads (is the value nonzero): no warning there
    if self.dtype.is_complex and not dt.is_complex and dt is not bool_ and not _warned_complex_to_real:
        import warnings
        _warned_complex_to_real = True
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3)


def _converter(dt, name):
    def conv(self, *, memory_format=None):
        memory_format_arg(memory_format, name)
        _warn_complex_to_real(self, dt)
        return _to_dtype(self, dt, False)
    conv.__name__ = name
    return _method(conv)


_converter(float32, "float")
_converter(float64, "double")
_converter(int64, "long")
_converter(int32, "int")
_converter(bool_, "bool")
_converter(float16, "half")
_converter(bfloat16, "bfloat16")
_converter(uint8, "byte")
_converter(int8, "char")
_converter(int16, "short")
_converter(complex64, "cfloat")
_converter(complex128, "cdouble")


@_method
def type_as(self, other):
    tensor_arg(other, "type_as", "other", 1)
    return self.to(other.dtype)


# ---- data access ----
@_method
def tolist(self):
    if self.dim() == 0:
        return self.item()
    return _numpy_values(self).tolist()


@_method
def __array__(self, dtype=None, copy=None):
    a = self.numpy()
    return a if dtype is None else a.astype(dtype, copy=False)


Tensor.__array_priority__ = 1000


@_method
def __array_wrap__(self, array, context=None, return_scalar=False):
    """numpy ufuncs on a tensor (np.exp(t)) give back a tensor, as PyTorch's
    do; a bool result becomes uint8 there, as in PyTorch."""
    if array.dtype == np.bool_:
        array = array.astype(np.uint8)
    if array.dtype.name not in _NUMPY_DTYPES:
        return array
    return _C.from_numpy(array)


_NUMPY_DTYPES = frozenset(("float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bfloat16",
                           "complex64", "complex128"))


@_method
def __iter__(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


@_method
def __reversed__(self):
    return self.flip(0) if self.dim() else self


@_method
def __contains__(self, element):
    if isinstance(element, (Tensor, int, builtins.float, builtins.bool)):
        return builtins.bool((self == element).any().item())
    raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                       f"{builtins.type(element).__name__}.")


@_method
def __deepcopy__(self, memo):
    if id(self) in memo:
        return memo[id(self)]
    if not self.is_leaf:
        raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol "
                           "at the moment.  If you were attempting to deepcopy a module, this may be because of a "
                           "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
    base = self._base
    if base is not None and builtins.type(self) is Tensor and not self.requires_grad and base.is_contiguous() \
            and base.storage_offset() == 0:
        # Note [deepcopy keeps views views]: PyTorch's deepcopy memoizes storages, so views of one
        # tensor stay views of one (new) tensor; here the view's base is copied once (memo) and the
        # view is rebuilt over that copy with its own sizes, strides and offset.
        import copy
        new_base = copy.deepcopy(base, memo)
        with _no_grad():
            new = new_base.as_strided(self.shape, self.stride(), self.storage_offset())
        memo[id(self)] = new
        _copy_attributes(self, new, memo)
        return new
    with _no_grad():
        new = _C.clone(self)
    if self.requires_grad and self.is_leaf:
        new.requires_grad_(True)
    if builtins.type(self) is not Tensor:
        new = builtins.type(self)(new, self.requires_grad)  # e.g. nn.Parameter
    memo[id(self)] = new
    if self.grad is not None and self.is_leaf:
        new.grad = self.grad.clone()
    _copy_attributes(self, new, memo)
    return new


def _copy_attributes(source, new, memo):
    """Attributes a program set on a tensor (t.tag = ...) are deep-copied with
    it, as PyTorch's Tensor.__deepcopy__ does (nn.Parameter's own deepcopy
    drops them, in PyTorch too)."""
    if source.__dict__ and not _is_parameter(source):
        import copy
        new.__dict__.update(copy.deepcopy(source.__dict__, memo))


def _is_parameter(t):
    from .nn.parameter import Parameter
    return isinstance(t, Parameter)


@_method
def __copy__(self):
    """copy.copy(t): a new leaf tensor over the same memory (PyTorch's shallow
    copy rebuilds the tensor around its storage, so writes show in both),
    keeping requires_grad, the class and the attributes set on it."""
    with _no_grad():
        new = self.detach()
    if self.requires_grad:
        new.requires_grad_(True)
    if builtins.type(self) is not Tensor:
        new = builtins.type(self)(new, self.requires_grad)
    new.__dict__.update(self.__dict__)
    return new


def _rebuild(array, requires_grad):
    t = _C.tensor_from_data(array, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


@_method
def __reduce_ex__(self, proto):
    return (_rebuild, (_C._tensor_to_numpy_forced(self).copy(), self.requires_grad and self.is_leaf))


def _no_grad():
    from .autograd import no_grad
    return no_grad()


# ---- shape and views ----
def _require(args, name, param):
    """The shape arguments of view(2, 3) / view((2, 3)) / view(size=(2, 3))."""
    if not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "{param}"')


@_method
def view(self, *shape, size=None, dtype=None):
    if dtype is not None and not shape and size is None:  # view(dtype=torch.int32), PyTorch's second signature
        return _view_dtype(self, dtype_arg(dtype, "view"))
    shape = (size,) if size is not None and not shape else shape
    _require(shape, "view", "size")
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)) and not hasattr(shape[0], "__index__"):
        return _view_dtype(self, dtype_arg(shape[0], "view"))
    return _C.view(self, shape_args(shape, "view"))


def _view_dtype(self, dt):
    """view(dtype): the same memory read as another dtype (ops/views.cpp),
    with PyTorch's checks when the element sizes differ."""
    return _C._view_dtype(self, dt)


@_method
def reshape(self, *args, shape=None):
    shape = (shape,) if shape is not None and not args else args
    _require(shape, "reshape", "shape")
    return _C.reshape(self, shape_args(shape, "reshape"))




@_method
def view_as(self, other):
    return _C.view(self, list(tensor_arg(other, "view_as", "other").shape))


@_method
def reshape_as(self, other):
    return _C.reshape(self, list(tensor_arg(other, "reshape_as", "other").shape))


@_method
def expand(self, *sizes, size=None):
    sizes = (size,) if size is not None and not sizes else sizes
    _require(sizes, "expand", "size")
    return _C.expand(self, shape_args(sizes, "expand"))


@_method
def expand_as(self, other):
    tensor_arg(other, "expand_as", "other", 1)
    return _C.expand(self, list(other.shape))


@_method
def permute(self, *args, dims=None):
    dims = (dims,) if dims is not None and not args else args
    _require(dims, "permute", "dims")
    return _C.permute(self, shape_args(dims, "permute"))


@_method
def transpose(self, dim0, dim1):
    return _C.transpose(self, int_arg(dim0, "transpose", "dim0"), int_arg(dim1, "transpose", "dim1"))



# The common spellings (plain ints, or one tuple of ints) parse in C++; the
# Python methods above serve every other call (Note [Fast shape methods]).
for _name, _fast in _C._fast_paths({"view": view, "reshape": reshape, "permute": permute, "expand": expand,
                                    "transpose": with_numpy_aliases(transpose)}).items():
    setattr(Tensor, _name, _fast)
Tensor.swapaxes = Tensor.transpose
Tensor.swapdims = Tensor.transpose


@_method
def t(self):
    return _C.t(self)


_NO_DIM = object()  # squeeze(): no dim given (an explicit None is PyTorch's TypeError)


@_method
def squeeze(self, dim=_NO_DIM):
    if dim is _NO_DIM:
        return _C.squeeze(self)
    if dim is None:
        raise TypeError("squeeze() received an invalid combination of arguments - got (NoneType), but expected one "
                        "of:\n * ()\n * (int dim)\n * (tuple of ints dim)\n")
    dims = dims_arg(dim, "squeeze")
    n, seen = builtins.max(self.dim(), 1), set()
    for d in dims:  # out-of-range dims are left to squeeze_dims' IndexError
        if -n <= d < n and d % n in seen:
            raise RuntimeError(f"dim {d % n} appears multiple times in the list of dims")
        seen.add(d % n)
    return _C.squeeze_dims(self, dims)


@_method
def unsqueeze(self, dim):
    return _C.unsqueeze(self, int_arg(dim, "unsqueeze"))


Tensor.unsqueeze = _C._fast_paths({"unsqueeze": with_numpy_aliases(unsqueeze)})["unsqueeze"]  # Note [Fast shape methods]


@_method
def flatten(self, start_dim=0, end_dim=-1):
    if self.dim() == 0:  # a 0-dim tensor flattens to 1 element, with dims in PyTorch's range [-1, 0]
        for d in (int_arg(start_dim, "flatten", "start_dim"), int_arg(end_dim, "flatten", "end_dim")):
            if not -1 <= d <= 0:
                raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got {d})")
    return _C.flatten(self, int_arg(start_dim, "flatten", "start_dim"), int_arg(end_dim, "flatten", "end_dim"))


@_method
def ravel(self):
    return _C.reshape(self, [-1])


@_method
def unflatten(self, dim, sizes):
    dim = int_arg(dim, "unflatten")
    if self.dim() == 0:
        if dim not in (-1, 0):  # the dim's range first, as PyTorch
            raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but tensor has no dimensions")
    return _C.unflatten(self, int_arg(dim, "unflatten"), shape_args((sizes,), "unflatten"))


@_method
def narrow(self, dim, start, length):
    dim, start, length = int_arg(dim, "narrow"), int_arg(start, "narrow", "start"), int_arg(length, "narrow", "length")
    if self.dim() and length < 0:  # checked before start's range, as PyTorch
        raise RuntimeError("narrow(): length must be non-negative.")
    return _C.narrow(self, dim, start, length)


@_method
def select(self, dim, index):
    return _C.select(self, int_arg(dim, "select"), int_arg(index, "select", "index"))


@_method
def chunk(self, chunks, dim=0):
    return tuple(_C.chunk(self, int_arg(chunks, "chunk", "chunks"), int_arg(dim, "chunk")))


@_method
def split(self, split_size, dim=0):
    dim = int_arg(dim, "split")
    if isinstance(split_size, (list, tuple)):
        return tuple(_C.split_with_sizes(self, [int_arg(s, "split", "split_size") for s in split_size], dim))
    split_size = int_arg(split_size, "split", "split_size")
    if split_size < 0:  # checked before the dim, as PyTorch
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
    return tuple(_C.split(self, split_size, dim))


@_method
def unbind(self, dim=0):
    return tuple(_C.unbind(self, int_arg(dim, "unbind")))


@_method
def as_strided(self, size, stride, storage_offset=None):
    return _C.as_strided(self, shape_args((size,), "as_strided"), shape_args((stride,), "as_strided"),
                         storage_offset)


@_method
def contiguous(self, *, memory_format=None):
    if memory_format_arg(memory_format, "contiguous") is None or memory_format is contiguous_format:
        return _C.contiguous(self)
    if memory_format is preserve_format:
        if self.is_contiguous():
            return self
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    return _in_memory_format(self, memory_format)  # Note [Channels-last layouts]


@_method
def clone(self, *, memory_format=None):
    fmt = memory_format_arg(memory_format, "clone")
    if fmt is None or fmt is preserve_format or (fmt is contiguous_format and self.is_contiguous()):
        return _C.clone(self)  # (keeps a dense layout, as PyTorch's preserve_format)
    if fmt is contiguous_format:
        return _C.contiguous(self)
    _check_memory_format_rank(self, fmt)
    return _copy_into_format(self, fmt)


@_method
def diagonal(self, offset=0, dim1=0, dim2=1):
    return _C.diagonal(self, int_arg(offset, "diagonal", "offset"), int_arg(dim1, "diagonal", "dim1"),
                       int_arg(dim2, "diagonal", "dim2"))


@_method
def movedim(self, source, destination):
    # PyTorch's overloads: (int, int) or (tuple of ints, tuple of ints); nothing else
    if source is None or destination is None or isinstance(source, (list, tuple)) != isinstance(
            destination, (list, tuple)):
        raise TypeError(f"movedim() received an invalid combination of arguments - got "
                        f"({builtins.type(source).__name__}, {builtins.type(destination).__name__}), but expected "
                        f"one of: (int source, int destination) or (tuple of ints source, tuple of ints destination)")
    return _C.movedim(self, dims_arg(source, "movedim"), dims_arg(destination, "movedim"))


Tensor.moveaxis = Tensor.movedim


@_method
def repeat(self, *sizes, repeats=None):
    sizes = (repeats,) if repeats is not None and not sizes else sizes
    _require(sizes, "repeat", "repeats")
    return _C.repeat(self, shape_args(sizes, "repeat"))


@_method
def flip(self, *args, dims=None):
    dims = (dims,) if dims is not None and not args else args
    _require(dims, "flip", "dims")
    return _C.flip(self, shape_args(dims, "flip"))


# ---- elementwise ----
# The unary and binary ops come from the registry (tensorcore/_elementwise.py);
# the methods below take extra arguments PyTorch has (the rows marked custom).
_ROWS = {r.name: r for r in _elementwise.rows()}


@_method
def is_complex(self):
    """Whether the dtype is complex (complex64, complex128)."""
    return self.dtype.is_complex


def _alpha_number(alpha, op, self=None, other=None):
    """alpha as a Python number: PyTorch's Scalar arguments accept a 0-dim
    tensor (LBFGS passes its step length as one) and reject others. A bool
    alpha needs a bool result, a float alpha a floating one (RuntimeError)."""
    if isinstance(alpha, Tensor):
        if alpha.dim() != 0:
            raise TypeError(f"{op}(): argument 'alpha' must be Number, not Tensor")
        alpha = alpha.item()
    if self is not None and isinstance(alpha, (builtins.bool, builtins.float)) and isinstance(
            other, (Tensor, int, builtins.float)):  # (another `other`: its TypeError first)
        kinds = [self.dtype.name] + ([other.dtype.name] if isinstance(other, Tensor) else [
            "bool" if isinstance(other, builtins.bool) else "float32" if isinstance(other, builtins.float) else "int64"])
        if isinstance(alpha, builtins.bool) and builtins.any(k != "bool" for k in kinds):
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        # a floating or complex input takes a float alpha (bfloat16 contains "float" too)
        if isinstance(alpha, builtins.float) and not builtins.any("float" in k or "complex" in k for k in kinds):
            raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if self is not None and isinstance(alpha, int) and not isinstance(alpha, builtins.bool) and \
            self.dtype is bool_ and (isinstance(other, builtins.bool) or (
                isinstance(other, Tensor) and other.dtype is bool_)):
        alpha = builtins.bool(alpha)  # a bool result: alpha is read as a bool, as PyTorch
    return alpha


# Note [alpha scales in the promoted dtype]
# PyTorch's add/sub with alpha computes self + alpha * other in the operands'
# common dtype (in float for the half types). The core's alpha form scales
# `other` in its own dtype first when the dtypes differ, so a float32 tensor
# plus alpha times a bfloat16 one rounded alpha * other to bfloat16 (an
# optimizer's param.add_(bf16_update, alpha=-lr) drifted). Casting a
# floating `other` to the common dtype first gives PyTorch's single rounding.
def _alpha_operand(self, other):
    if isinstance(other, Tensor) and other.dtype != self.dtype:
        common = _C.result_type(self, other)
        if common.is_floating_point and other.dtype != common:
            return other.to(common)
    return other


@_method
def add(self, other, alpha=1):  # alpha may be positional, as in PyTorch's Tensor.add
    if isinstance(alpha, Tensor) and not isinstance(other, Tensor):  # add(Number alpha, Tensor other), deprecated
        other, alpha = _deprecated_overloads.alpha_first("add", other, (alpha,))
    alpha = _alpha_number(alpha, "add", self, other)
    return _C.add(self, other) if alpha == 1 else _C.add_alpha(self, _alpha_operand(self, other), alpha)


@_method
def add_(self, other, *deprecated_other, alpha=1):
    if deprecated_other:  # add_(Number alpha, Tensor other): Note [One deprecation warning per process]
        other, alpha = _deprecated_overloads.alpha_first("add_", other, deprecated_other)
    alpha = _alpha_number(alpha, "add_", self, other)
    return _C.add_(self, other) if alpha == 1 else _C.add_alpha_(self, _alpha_operand(self, other), alpha)


@_method
def sub(self, other, *deprecated_other, alpha=1):
    if deprecated_other:  # sub(Number alpha, Tensor other): Note [One deprecation warning per process]
        other, alpha = _deprecated_overloads.alpha_first("sub", other, deprecated_other)
    alpha = _alpha_number(alpha, "sub", self, other)
    _no_bool_subtraction(self, other)  # (the core's sub names only one of PyTorch's two cases; its alpha form none)
    if alpha == 1:
        return _C.sub(self, other)
    return _C.sub_alpha(self, _alpha_operand(self, other), alpha)


@_method
def sub_(self, other, *deprecated_other, alpha=1):
    if deprecated_other:  # sub_(Number alpha, Tensor other): Note [One deprecation warning per process]
        other, alpha = _deprecated_overloads.alpha_first("sub_", other, deprecated_other)
    alpha = _alpha_number(alpha, "sub_", self, other)
    _no_bool_subtraction(self, other)
    if alpha == 1:
        return _C.sub_(self, other)
    return _C.add_alpha_(self, _alpha_operand(self, other), -alpha)


def _no_bool_subtraction(self, other):
    if not isinstance(other, (Tensor, int, builtins.float)):  # another `other`: the core's TypeError first
        return
    other_bool = isinstance(other, builtins.bool) or (isinstance(other, Tensor) and other.dtype is bool_)
    if self.dtype is bool_ and other_bool:  # PyTorch's first check: both operands bool (a Python bool counts)
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if self.dtype is bool_ or other_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


def _rounded_div(a, b, rounding_mode):
    if rounding_mode is None:
        return _C.div(a, b)
    if rounding_mode == "floor":
        return _C._div_floor(a, b)
    if rounding_mode == "trunc":
        return _C._div_trunc(a, b)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


@_method
def div(self, other, *, rounding_mode=None):
    return _rounded_div(self, other, rounding_mode)


@_method
def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _C.div_(self, other)
    return write_inplace(self, "div", lambda s: _rounded_div(s, other, rounding_mode), other)




_round_half_even = _ROWS["round"].method
_round_half_even_ = _ROWS["round"].inplace


_NO_DECIMALS = object()  # round(): no decimals given (PyTorch's two overloads)


def _round_refusal(self, decimals):
    """PyTorch's round() without decimals keeps integers as they are; its
    decimals overload (even decimals=0) has no integer or bool kernel."""
    if self.is_floating_point() or (decimals is _NO_DECIMALS and self.dtype is not bool_):
        return
    kernel = "round_vml_cpu" if decimals is _NO_DECIMALS or decimals == 0 else "round_cpu"
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{_TYPE_NAMES[self.dtype.name]}'")


@_method
def round(self, *, decimals=_NO_DECIMALS):
    """Round half to even; with decimals, PyTorch's (x * 10^d).round() / 10^d."""
    _round_refusal(self, decimals)
    if decimals is _NO_DECIMALS:
        return _round_half_even(self)
    if decimals == 0:
        out = _round_half_even(self)
    else:
        scale = builtins.float(10.0 ** builtins.abs(int_arg(decimals, "round", "decimals")))
        out = _round_half_even(self * scale) / scale if decimals > 0 else _round_half_even(self / scale) * scale
    if out.requires_grad:  # PyTorch's round.decimals overload: one node, whatever decimals is
        _C._rename_grad_fn(out, "RoundBackward1", [self])
    return out


@_method
def round_(self, *, decimals=_NO_DECIMALS):
    _check_no_overlap(self)  # a write into an expanded tensor: PyTorch's error before the dtype's
    _round_refusal(self, decimals)
    if decimals is _NO_DECIMALS or decimals == 0:
        return _round_half_even_(self)
    return write_inplace(self, "round", lambda s: s.round(decimals=decimals))


def _bound_tensor(b):
    """clamp's bounds are both tensors (or None) or both numbers: PyTorch has no overload mixing them."""
    if b is None or isinstance(b, Tensor):
        return b
    raise TypeError(f"clamp() received an invalid combination of arguments - got a Tensor and a "
                    f"{builtins.type(b).__name__} bound, but expected (Tensor input, Tensor min, Tensor max) or "
                    f"(Tensor input, Number min, Number max)")


def _clamp_bounds(min, max):
    """A 0-dim tensor bound next to a number bound is read as a number (PyTorch's parser does so for Number
    parameters); a tensor with dims next to a number is the TypeError _bound_tensor raises."""
    if isinstance(min, Tensor) != isinstance(max, Tensor) and min is not None and max is not None:
        t = min if isinstance(min, Tensor) else max
        if t.dim() == 0 and not t.requires_grad:  # (one that requires grad is no Number to the parser)
            return (min.item() if min is t else min), (max.item() if max is t else max)
    return min, max


def _nan_bound(b):
    return isinstance(b, builtins.float) and b != b


def _refuse_complex_clamp(self, min, max):
    """PyTorch's complex refusal comes after the arguments' own errors: the
    missing bounds, a number beside a tensor bound, the shapes."""
    if not (self.is_complex() or builtins.any(isinstance(b, Tensor) and b.is_complex() for b in (min, max))):
        return
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) != isinstance(max, Tensor) and min is not None and max is not None:
        _bound_tensor(max if isinstance(min, Tensor) else min)  # the parser's TypeError
    if not self.is_complex():  # a complex bound only: the shapes' error comes first
        from ._functions import broadcast_shapes
        broadcast_shapes(self.shape, *[b.shape for b in (min, max) if isinstance(b, Tensor)])
    raise NotImplementedError("clamp is not supported for complex types")


@_method
def clamp(self, min=None, max=None):
    min, max = _clamp_bounds(min, max)
    _refuse_complex_clamp(self, min, max)
    if _nan_bound(min) or _nan_bound(max):
        # a NaN bound makes every element NaN (PyTorch's min(max(x, lo), hi) propagates it); the core's
        # number clamp ignored it. The clamp with infinite bounds gives the result's dtype and shape.
        lo = -builtins.float("inf") if _nan_bound(min) else min
        hi = builtins.float("inf") if _nan_bound(max) else max
        return _C.clamp(self, lo, hi) * builtins.float("nan")
    if isinstance(min, Tensor) and isinstance(max, Tensor):
        from ._composites import _result_type_of
        dt = _result_type_of(self, min, max)  # the three operands promote together, as PyTorch
        if dt is bool_:  # PyTorch's two-bound kernel has no bool instance (one bound: clamp_min/clamp_max do)
            raise NotImplementedError("\"clamp_cpu\" not implemented for 'Bool'")
        if not (self.dtype == min.dtype == max.dtype == dt):
            return _C.clamp_tensor(self.to(dt), min.to(dt), max.to(dt))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _C.clamp_tensor(self, _bound_tensor(min), _bound_tensor(max))
    return _C.clamp(self, min, max)


@_method
def clamp_(self, min=None, max=None):
    min, max = _clamp_bounds(min, max)
    if self.is_complex() and _C.is_grad_enabled() and self.requires_grad:
        self._check_inplace("clamp")  # autograd's leaf/view errors come before the kernel's dtype refusal
    _refuse_complex_clamp(self, min, max)
    if _nan_bound(min) or _nan_bound(max):  # as clamp: every element NaN
        if not self.is_floating_point():  # a float result PyTorch cannot write into self
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_TYPE_NAMES[self.dtype.name]}")
        return write_inplace(self, "clamp", lambda s: s.clamp(min, max))
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo, hi = _bound_tensor(min), _bound_tensor(max)
        return write_inplace(self, "clamp", lambda s: _C.clamp_tensor(s, lo, hi), lo, hi)
    return _C.clamp_(self, min, max)


Tensor.clip = Tensor.clamp
Tensor.clip_ = Tensor.clamp_


@_method
def where(self, condition, other):
    if isinstance(condition, _C.Tensor) and condition.dtype.name == "uint8":
        from ._functions import _uint8_where_condition
        condition = _uint8_where_condition(condition)
    return _C.where(condition, self, other)


@_method
def lerp(self, end, weight):
    _lerp_dtypes(self, end, weight, "lerp")
    if isinstance(weight, Tensor) and not weight.dim() and not weight.is_floating_point():  # a 0-dim bool/int
        weight = weight.to(self.dtype)  # weight is read as a number
    if not self.is_floating_point():  # the shapes' error before the kernel's NotImplementedError, as PyTorch
        from ._functions import broadcast_shapes
        broadcast_shapes(self.shape, end.shape, *([weight.shape] if isinstance(weight, Tensor) else []))
    elif isinstance(weight, Tensor) and weight.is_floating_point() and weight.dtype != self.dtype:
        # a wider 0-dim weight widens the result: PyTorch computes all of it in that dtype (the core took
        # end - start in self's dtype first, a float32 rounding inside a float64 result)
        from ._composites import _result_type_of
        dt = _result_type_of(self, end, weight)
        if dt != self.dtype:
            self, end = self.to(dt), end.to(dt)
    return _C.lerp(self, end, weight)


def _lerp_dtypes(self, end, weight, name):
    """PyTorch's lerp checks the dtypes before it looks for a kernel: `end`
    (and a weight tensor with dims) must have self's dtype (RuntimeError)."""
    tensor_arg(end, name, "end", 1)
    if end.dtype != self.dtype:
        raise RuntimeError(f"{name}: expected dtype {self.dtype.name} for `end` but got dtype {end.dtype.name}")
    if isinstance(weight, Tensor) and weight.dim() and weight.dtype != self.dtype:
        raise RuntimeError(f"{name}: expected dtype {self.dtype.name} for `weight` but got dtype "
                           f"{weight.dtype.name}")


@_method
def masked_fill(self, mask, value):
    if isinstance(mask, Tensor) and mask.dim() > self.dim() or (isinstance(mask, Tensor) and builtins.any(
            m > s for m, s in zip(reversed(mask.shape), reversed(self.shape)))):
        # the out-of-place op broadcasts self to the mask's shape, as PyTorch
        from ._functions import broadcast_shapes
        try:
            shape = broadcast_shapes(self.shape, mask.shape)
        except RuntimeError:
            shape = None  # not broadcastable: masked_fill's own error below
        if shape is not None:
            return _masked_fill_any(self.expand(shape), mask, value)
    return _masked_fill_any(self, mask, value)


@_method
def masked_fill_(self, mask, value):  # Note [Python in-place ops record history] (_inplace.py)
    if builtins.any(st == 0 and n > 1 for st, n in zip(self.stride(), self.shape)) and not (
            _C.is_grad_enabled() and (self.requires_grad or getattr(value, "requires_grad", False))):
        # An expanded self (a stride-0 dim): PyTorch's masked_fill_ writes through the aliases (an element
        # is the value where any of its aliases is masked) where copying a result back would be refused as
        # overlapping. Checked out of place first (mask dtype, shapes, value), then written by index_put_.
        import warnings
        if isinstance(mask, Tensor) and mask.dtype == bool_:  # PyTorch checks the mask's dtype before it warns
            warnings.warn("Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before "
                          "performing this operation. This also applies to advanced indexing e.g. tensor[mask] = "
                          "scalar", UserWarning, stacklevel=2)
        _masked_fill_any(self, mask, value)
        from .autograd import no_grad
        from ._functions import tensor
        with no_grad():
            fill = value if isinstance(value, Tensor) else tensor(value, dtype=self.dtype)
            return self.index_put_(mask.expand(self.shape).nonzero(as_tuple=True), fill.to(self.dtype))
    return write_inplace(self, "masked_fill", lambda src: _masked_fill_any(src, mask, value), value)


@_method
def copy_(self, src, non_blocking=False):
    return _C.copy_(self, src)


@_method
def fill_(self, value):
    return _C.fill_(self, value)


@_method
def zero_(self):
    return _C.zero_(self)


def _generator(g):
    from ._functions import _gen
    return _gen(g)


def _in_memory_order(self):
    """Note [16-bit random fills visit memory order]
    PyTorch's random fills (uniform_, exponential_, cauchy_, log_normal_,
    geometric_, random_, bernoulli_) visit a tensor's elements in memory order
    whatever its strides, so a transposed tensor holds the same memory as a
    contiguous one after the same draws. The C++ fills do so for float32 and
    float64 but visit a float16/bfloat16 tensor in index order; for those the
    fill goes through a view with the dims sorted outermost-stride first, whose
    index order is memory order. normal_ is left out: PyTorch draws a
    contiguous tensor with another (vectorised) pattern than a strided one, and
    the view would be contiguous where self is not. A tensor that requires
    grad keeps the direct call, whose in-place error is PyTorch's."""
    if self.dtype not in (float16, bfloat16) or self.dim() < 2 or self.requires_grad:
        return self
    order = sorted(builtins.range(self.dim()), key=lambda d: -self.stride(d))
    return self if order == list(builtins.range(self.dim())) else self.permute(order)


def _fill_in_memory_order(self, fill):
    """fill(t) draws into t in place; returns self (Note [16-bit random fills visit memory order])."""
    target = _in_memory_order(self)
    result = fill(target)
    return self if target is not self else result


def _check_no_overlap(self):
    """Random fills refuse a tensor whose elements share memory (an expanded
    view), with PyTorch's RuntimeError: each draw would overwrite the last."""
    if builtins.any(n > 1 and st == 0 for n, st in zip(self.shape, self.stride())):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")


@_method
def uniform_(self, a=0.0, b=1.0, *, generator=None):
    if self.is_floating_point():  # integer tensors: the kernel's NotImplementedError first
        _check_no_overlap(self)
    return _fill_in_memory_order(self, lambda t: _random16.uniform_fill(t, builtins.float(a), builtins.float(b),
                                                                        _generator(generator)))


@_method
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if self.is_floating_point():  # integer tensors: the kernel's NotImplementedError first
        _check_no_overlap(self)
    return _random16.normal_fill(self, builtins.float(mean), builtins.float(std), _generator(generator))


@_method
def random_(self, *args, generator=None, **kwargs):
    """random_(), random_(to), random_(from, to) and random_(from, None)
    (keywords `from` and `to` too), as PyTorch."""
    if "from" in kwargs or "to" in kwargs:
        unknown = set(kwargs) - {"from", "to"}
        if unknown:
            raise TypeError(f"random_() got an unexpected keyword argument '{unknown.pop()}'")
        if len(args) > 1 or (args and "from" in kwargs):
            raise TypeError("random_() got multiple values for argument 'from'")
        args = (args[0] if args else kwargs.get("from", 0), kwargs.get("to"))
    elif kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    _check_no_overlap(self)
    gen = _generator(generator)
    if not args:
        if self.dtype in (float16, bfloat16):
            # PyTorch draws random() % (2**digits + 1) for floats (digits: 11 float16, 8 bfloat16),
            # the draw random_(0, 2**digits + 1) makes; the C++ 16-bit path used float32's 2**24.
            top = (1 << (11 if self.dtype == float16 else 8)) + 1
            return _fill_in_memory_order(self, lambda t: _C.random_from_to_(t, 0, top, gen))
        if self.dtype in (int8, int16):
            # PyTorch draws random() % (max + 1), i.e. [0, 2**7) and [0, 2**15): the C++ path wrapped a draw
            # over the whole width into negatives (an int8 44 came out as -84).
            top = 128 if self.dtype == int8 else 1 << 15
            return _fill_in_memory_order(self, lambda t: _C.random_from_to_(t, 0, top, gen))
        return _fill_in_memory_order(self, lambda t: _C.random_(t, gen))
    from ._functions import _check_random_bounds  # PyTorch's bounds of the dtype, after from < to
    if len(args) == 1:
        to = int_arg(args[0], "random_", "to")
        if to > 0:
            _check_random_bounds(0, to, self.dtype)
        return _fill_in_memory_order(self, lambda t: _C.random_to_(t, to, gen))
    lo, hi = args
    lo, hi = int_arg(lo, "random_", "from"), None if hi is None else int_arg(hi, "random_", "to")
    if hi is None or lo < hi:
        _check_random_bounds(lo, lo + 1 if hi is None else hi, self.dtype)
    out = _fill_in_memory_order(self, lambda t: _C.random_from_to_(t, lo, hi, gen))
    _warn_imprecise_random_bounds(self.dtype, lo, hi)
    return out


def _warn_imprecise_random_bounds(dtype, lo, hi):
    """PyTorch's warning for float random_ bounds beyond the exactly representable integers."""
    import warnings
    digits, type_name = {float32: (24, "float"), float64: (53, "double"), float16: (11, "c10::Half"),
                         bfloat16: (8, "c10::BFloat16")}.get(dtype, (None, None))
    if digits is None:
        return
    for value, name in ((lo, "from"), (None if hi is None else hi - 1, "to - 1")):
        if value is not None and (value < -(1 << digits) or value > (1 << digits)):
            warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                          f"{type_name} can support discrete uniform distribution only "
                          "within this range. This warning will become an error in version 1.7 release, please fix "
                          "the code in advance", UserWarning, stacklevel=3)


@_method
def exponential_(self, lambd=1.0, *, generator=None):
    if self.is_floating_point():  # integer tensors: the kernel's NotImplementedError first
        _check_no_overlap(self)
    return _fill_in_memory_order(self, lambda t: _C.exponential_(t, builtins.float(lambd), _generator(generator)))


@_method
def geometric_(self, p, *, generator=None):
    _check_no_overlap(self)
    return _fill_in_memory_order(self, lambda t: _C.geometric_(t, builtins.float(p), _generator(generator)))


@_method
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    if self.is_floating_point():  # integer tensors: the kernel's NotImplementedError first
        _check_no_overlap(self)
    return _fill_in_memory_order(self, lambda t: _C.cauchy_(t, builtins.float(median), builtins.float(sigma),
                                                           _generator(generator)))


@_method
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    if self.is_floating_point():  # integer tensors: the kernel's NotImplementedError first
        _check_no_overlap(self)
    return _fill_in_memory_order(self, lambda t: _C.log_normal_(t, builtins.float(mean), builtins.float(std),
                                                               _generator(generator)))


@_method
def bernoulli_(self, p=0.5, *, generator=None):
    _check_no_overlap(self)
    if isinstance(p, _C.Tensor):
        return _C.bernoulli_tensor_(self, p, _generator(generator))
    return _fill_in_memory_order(self, lambda t: _C.bernoulli_scalar_(t, builtins.float(p), _generator(generator)))


@_method
def bernoulli(self, p=None, *, generator=None):
    from ._functions import bernoulli
    return bernoulli(self, p, generator=generator)


@_method
def multinomial(self, num_samples, replacement=False, *, generator=None):
    from ._functions import multinomial
    return multinomial(self, num_samples, replacement, generator=generator)


# ---- reductions ----
# mean, prod, max, std, softmax, cumsum, ... are bound in C++ from the reduction
# table (csrc/bindings/reduction_table.h, Note [Reduction table]) and installed
# by _elementwise.install.
@_method
def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    if not (p is None or isinstance(p, (str, int, builtins.float))):  # (a bool is a Number to PyTorch)
        raise TypeError(f"norm(): argument 'p' must be Number or str, not {builtins.type(p).__name__}")
    if isinstance(p, str) and p != "fro":  # the other strings are matrix orders: only 'nuc' exists there
        if p != "nuc":
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if self.dim() < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
        dims = list(builtins.range(self.dim())) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
        if len(dims) != 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
        from . import linalg
        return linalg.matrix_norm(self, "nuc", tuple(dims), keepdim, dtype=dtype)
    if p == "fro" or p is None:
        p = 2.0
    if self.numel() == 0 and isinstance(p, (int, builtins.float)) and (p < 0 or p == builtins.float("inf")):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p} norm on an empty tensor because the operation "
                           f"does not have an identity")
    return _C.norm(self, builtins.float(p), dims_arg(dim, "norm"), bool_arg(keepdim, "norm"))


@_method
def sort(self, dim=-1, descending=False, stable=False):
    bool_arg(descending, "sort", "descending")
    bool_arg(stable, "sort", "stable")
    dim = int_arg(dim, "sort")
    _refuse_complex_sort(self, dim)
    v, i = _C.sort(self, dim, descending)
    return return_types.sort(v, i)


@_method
def argsort(self, dim=-1, descending=False, stable=False):
    dim = int_arg(dim, "argsort")
    _refuse_complex_sort(self, dim)
    return _C.sort(self, dim, descending)[1]


def _refuse_complex_sort(self, dim):
    if self.is_complex():
        n = builtins.max(self.dim(), 1)
        if not -n <= dim < n:  # the dim's range first, as PyTorch
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        raise RuntimeError("Sort does not support complex dtypes on CPU")


@_method
def topk(self, k, dim=-1, largest=True, sorted=True):
    k, dim = int_arg(k, "topk", "k"), int_arg(dim, "topk")
    if self.dtype is bool_ or self.is_complex():  # the dim's range first, then the dtype, as PyTorch
        n = builtins.max(self.dim(), 1)
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        if self.is_complex():
            raise RuntimeError("topk does not support complex dtypes on CPU")
    if self.dim() == 0 and k == 0 and -1 <= dim <= 0:
        # PyTorch's quirk for a 0-dim input: k = 0 still returns the element (its output keeps the 0-dim
        # shape, which has one element), with index 0.
        return return_types.topk(self.clone(), self.new_zeros((), dtype=int64))
    v, i = _C.topk(self, k, dim, largest, sorted)
    return return_types.topk(v, i)


# ---- linear algebra ----
def _linalg_method(name):
    f = getattr(_C, name)

    def method(self, other):
        if name != "outer" and isinstance(other, Tensor) and other.dtype != self.dtype and (
                name != "bmm" or (self.numel() and other.numel())):  # no promotion, as PyTorch
            raise RuntimeError(f"{name}: expected both arguments to have the same dtype, but got "
                               f"{self.dtype.name} and {other.dtype.name}")
        return f(self, other)
    method.__name__ = name
    _method(method)


for _n in ("mm", "bmm", "dot", "mv", "outer"):
    _linalg_method(_n)
Tensor.inner = Tensor.dot
Tensor.ger = Tensor.outer


@_method
def addmm(self, mat1, mat2, *, beta=1, alpha=1):
    if beta == 1 and alpha == 1:
        if isinstance(mat1, Tensor) and isinstance(mat2, Tensor) and not self.dtype == mat1.dtype == mat2.dtype:
            from ._products import _same_dtypes  # PyTorch refuses mixed dtypes: no promotion of the bias
            _same_dtypes("addmm", input=self, mat1=mat1, mat2=mat2)
        return _C.addmm(self, mat1, mat2)
    # beta * self + alpha * product with PyTorch's rules (beta == 0 ignores self's NaN/inf; integer results
    # truncate beta and alpha): the addmm family's one implementation
    from ._products import _addmm
    return _addmm(self, mat1, mat2, beta=beta, alpha=alpha)


# ---- indexing ----
@_method
def index_select(self, dim, index):
    dim = int_arg(dim, "index_select")
    if self.dim() == 0 and not -1 <= dim <= 0:  # the dim's range before the index's size, as PyTorch
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got {dim})")
    if self.dim() == 0 and isinstance(index, Tensor) and index.numel() > 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
    if self.numel() == 0 and self.dim() > 1 and isinstance(index, Tensor) and index.numel() and index.dim() <= 1 \
            and index.dtype in (int64, int32) and -self.dim() <= dim < self.dim():
        _index_select_from_nothing(self.shape[dim], index)
    return _C.index_select(self, dim, index)


def _index_select_from_nothing(size, index):
    """PyTorch's checks of an index into a tensor of two or more dims with no
    elements (its kernel's own path: RuntimeErrors instead of the IndexError
    of the others)."""
    if size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    for i in index.reshape(-1).tolist():
        if not 0 <= i < size:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={i} axis_dim={size}")


@_method
def gather(self, dim, index, *, sparse_grad=False):
    # sparse_grad=True asks PyTorch for a sparse gradient; the values (and the dense gradient's) are the same
    _C._parse_bool(sparse_grad, "gather", "sparse_grad")
    dim = int_arg(dim, "gather")
    tensor_arg(index, "gather", "index", 2)  # the parser's TypeError before any range check
    n = builtins.max(self.dim(), 1)
    if not -n <= dim < n:  # before the empty-index shortcut, as PyTorch's
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    if isinstance(index, Tensor) and index.dtype not in (int64, int32):
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if isinstance(index, Tensor) and index.numel() == 0 and index.dim() != self.dim():  # PyTorch: an empty result
        return _C.empty(list(index.shape), self.dtype)
    return _C.gather(self, dim, index)


@_method
def scatter_add(self, dim, index, src):
    dim = int_arg(dim, "scatter_add")
    tensor_arg(index, "scatter_add", "index", 2)  # the parser's TypeError before any range check
    n = builtins.max(self.dim(), 1)
    if not -n <= dim < n:  # before the empty-index shortcut, as PyTorch's
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    _scatter_index_dtype(index)
    _same_dtype_source(self, src)
    if isinstance(index, Tensor) and index.numel() == 0 and index.dim() != self.dim():  # nothing to add
        return self.clone()
    if isinstance(index, Tensor) and isinstance(src, Tensor) and (self.dim() == 0 or index.dim() == 0
                                                                  or src.dim() == 0) \
            and builtins.max(self.dim(), 1) == builtins.max(index.dim(), 1) == builtins.max(src.dim(), 1):
        # a 0-dim tensor counts as 1-dim (PyTorch's ensure_nonempty_dim); the result keeps self's shape
        one = [t.reshape([-1]) if t.dim() == 0 else t for t in (self, index, src)]
        return _C.scatter_add(one[0], 0, one[1], one[2]).reshape(list(self.shape))
    return _C.scatter_add(self, dim, index, src)


def _scatter_index_dtype(index):
    if isinstance(index, Tensor) and index.dtype not in (int64, int32):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")


def _same_dtype_source(self, src):
    """Note [Same dtype in, no silent cast] (_composites.py)."""
    if isinstance(src, Tensor) and src.dtype != self.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")


@_method
def scatter_add_(self, dim, index, src):  # Note [Python in-place ops record history] (_inplace.py)
    dim = int_arg(dim, "scatter_add_")
    n = builtins.max(self.dim(), 1)
    if -n <= dim < n:  # (a bad dim: the core's IndexError)
        _scatter_index_dtype(index)
        _same_dtype_source(self, src)
    return write_inplace(self, "scatter_add", lambda s: _C.scatter_add(s, dim, index, src), src)


@_method
def nonzero(self, *, as_tuple=False):
    nz = _C.nonzero(self)
    if as_tuple:  # a 0-dim tensor answers as the one-element 1-D tensor it holds
        return tuple(nz.unbind(1)) if self.dim() else tuple(_C.nonzero(self.reshape(1)).unbind(1))
    return nz


@_method
def index_put_(self, indices, values, accumulate=False):
    _index_put_same_dtype(self, values)
    return _C.index_put_(self, list(indices), values, accumulate)


@_method
def index_put(self, indices, values, accumulate=False):
    _index_put_same_dtype(self, values)
    return _C.index_put(self, list(indices), values, accumulate)


def _index_put_same_dtype(self, values):
    """Note [Same dtype in, no silent cast] (_composites.py)."""
    if isinstance(values, Tensor) and values.dtype != self.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{_TYPE_NAMES[self.dtype.name]} for the destination and {_TYPE_NAMES[values.dtype.name]} "
                           f"for the source.")


@_method
def masked_select(self, mask):
    tensor_arg(mask, "masked_select", "mask", 1)
    if mask.dtype is not bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    return self[mask.expand_as(self) if mask.shape != self.shape else mask]


@_method
def as_subclass(self, cls):
    """An instance of `cls` (a Tensor subclass) sharing self's data, version
    counter and autograd history (AliasBackward0), as PyTorch's; cls.__init__
    is not called."""
    if not (inspect.isclass(cls) and issubclass(cls, Tensor)):  # `type` is Tensor.type in this module
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not possible. "
                        "Make sure your class inherits from Tensor.")
    out = Tensor.__new__(cls)
    Tensor.__init__(out, self)
    return out


def _make_subclass(cls, data, require_grad=False):
    """Tensor._make_subclass(cls, data, require_grad): an instance of cls
    sharing data's storage, a leaf with no _base and no history (how
    nn.Parameter and third-party parameter classes are built)."""
    if not (inspect.isclass(cls) and issubclass(cls, Tensor)):
        raise TypeError("cls must be a type (got " + builtins.type(cls).__name__ + ")")
    out = Tensor.__new__(cls)
    Tensor.__init__(out, data, _detach=True)
    if require_grad:
        out.requires_grad_(True)
    return out


Tensor._make_subclass = staticmethod(_make_subclass)


# Note [Tensor(torch.Size) is a shape]
# The legacy constructor reads a torch.Size argument as sizes, not data: torch.Tensor(w.shape) is an
# uninitialised tensor shaped like w (piEsposito/blitz's TrainableRandomDistribution registers its noise buffer as
# torch.Tensor(self.mu.shape) and fills it with normal_()), while a plain tuple or list is data
# (torch.Tensor((2, 3)) is tensor([2., 3.])). The core's constructor sees any sequence as data, so a Size is
# turned into an empty tensor of the default dtype here, which the new tensor then aliases as its own leaf.
_core_tensor_init = Tensor.__init__


def _tensor_init(self, *args, **kwargs):
    if len(args) == 1 and not kwargs and isinstance(args[0], _Size):
        return _core_tensor_init(self, _C.empty(list(args[0]), _C.get_default_dtype()), _detach=True)
    return _core_tensor_init(self, *args, **kwargs)


Tensor.__init__ = _tensor_init


# ---- new_* constructors ----
@_method
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from ._functions import _tensor_from_data, _warn_copy_construct
    if isinstance(data, Tensor):
        _warn_copy_construct("tensor.new_tensor(sourceTensor)")
    dev = device_arg(device, "new_tensor")
    return _tensor_from_data(data, dtype or self.dtype, self.device if dev is None else dev, requires_grad, False)


# Note [Tensor.new, the legacy constructor]
# x.new(...) predates new_empty/new_tensor and is still common in older programs
# (weight.new(n_layers, batch, hidden).zero_() for an RNN's initial state). It
# always builds a tensor of self's dtype with requires_grad False and takes only
# device= as keyword. As PyTorch's legacy_tensor_new: ints (or one Size) are a
# shape, uninitialised; one sequence that is not a Size (list, tuple, ndarray) is
# data converted to self's dtype; one Tensor of self's dtype is returned as an
# alias (a view, so it keeps the autograd link), of another dtype a TypeError.
_NEW_SIGNATURES = ("but expected one of:\n * (*, torch.device device = None)\n * (torch.Storage storage)\n"
                   " * (Tensor other)\n * (tuple of ints size, *, torch.device device = None)\n"
                   " * (object data, *, torch.device device = None)\n")


def _tensor_options(dt):
    from ._dtype import CPP_TYPE_NAMES
    return (f"TensorOptions(dtype={CPP_TYPE_NAMES[dt.name]}, device=cpu, layout=Strided, requires_grad=false "
            f"(default), pinned_memory=false (default), memory_format=(nullopt))")


from ._dtype import Size as _Size  # noqa: E402


def _arg_type_name(v):
    """How PyTorch's argument parser names an argument's type in its messages."""
    from ._dtype import dtype as _dtype_cls
    for cls, name in ((Tensor, "Tensor"), (_Size, "torch.Size"), (_dtype_cls, "torch.dtype"), (_device, "torch.device")):
        if isinstance(v, cls):
            return name
    return builtins.type(v).__name__


def _is_size_int(a):
    return isinstance(a, (builtins.int, np.integer)) and not isinstance(a, (builtins.bool, np.bool_))


@_method
def new(self, *args, device=None, **kwargs):
    if kwargs:
        got = ", ".join([_arg_type_name(a) for a in args] + [f"{k}={_arg_type_name(v)}" for k, v in kwargs.items()])
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), " + _NEW_SIGNATURES)
    dev = device_arg(device, "new")
    if dev is not None and dev.type != "cpu":
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {dev.type} was passed")
    if not args:
        return _C.empty((0,), self.dtype)
    if builtins.all(_is_size_int(a) for a in args) or (len(args) == 1 and isinstance(args[0], _Size)):
        return _C.empty(shape_args(tuple(builtins.int(a) for a in (args[0] if len(args) == 1 and isinstance(
            args[0], _Size) else args)), "new"), self.dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype != self.dtype:
            raise TypeError(f"expected {_tensor_options(self.dtype)} (got {_tensor_options(other.dtype)})")
        return other.view_as(other)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if not isinstance(data, (list, tuple, builtins.range, np.ndarray)):
            raise TypeError(f"new(): data must be a sequence (got {builtins.type(data).__name__})")
        from ._functions import tensor
        return tensor(data.tolist() if isinstance(data, np.ndarray) else data, dtype=self.dtype)
    got = ", ".join(_arg_type_name(a) for a in args)
    raise TypeError(f"new() received an invalid combination of arguments - got ({got}), " + _NEW_SIGNATURES)


def _new_factory(name, fill):
    def f(self, *size, dtype=None, device=None, requires_grad=False, **_kw):
        _require(size, name, "size")
        device_arg(device, name)
        t = _C.full(shape_args(size, name), fill, dtype_arg(dtype, name) or self.dtype) if fill is not None \
            else _C.empty(shape_args(size, name), dtype_arg(dtype, name) or self.dtype)
        return t.requires_grad_(True) if requires_grad else t
    f.__name__ = name
    _method(f)


_new_factory("new_zeros", 0)
_new_factory("new_ones", 1)
_new_factory("new_empty", None)


@_method
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    device_arg(device, "new_full")
    t = _C.full(shape_args((size,), "new_full"), fill_value, dtype_arg(dtype, "new_full") or self.dtype)
    return t.requires_grad_(True) if requires_grad else t


@_method
def equal(self, other):
    tensor_arg(other, "equal", "other", 1)
    return tuple(self.shape) == tuple(other.shape) and builtins.bool((self == other).all().item())


@_method
def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    from ._functions import allclose
    return allclose(self, other, rtol, atol, equal_nan)


@_method
def apply_(self, fn):
    arr = self.numpy()
    flat = arr.reshape(-1) if arr.flags.c_contiguous else None
    if flat is None:
        raise RuntimeError("apply_ needs a contiguous tensor")
    for i in range(flat.size):
        flat[i] = fn(flat[i].item())
    return self


del _n


# ---- appended by the real-programs work (issue 11): kept in one block for easy merging ----
# Device and layout predicates that real programs test (pytorch/examples dcgan:
# `input.is_cuda or input.is_xpu`); tensorcore tensors are none of these.
for _kind in ("is_xpu", "is_mps", "is_meta", "is_mkldnn", "is_nested", "is_vulkan", "is_ipu", "is_hpu", "is_maia",
              "is_mtia", "is_sparse_csr"):
    if not hasattr(Tensor, _kind):
        setattr(Tensor, _kind, property(lambda self: False))
del _kind


@_method
def is_inference(self):
    """False: tensorcore's inference_mode does not mark tensors."""
    return False


# ---- Python number conversions of complex tensors ----
# float() and int() of a complex tensor go through PyTorch's checked
# conversion (an error for a nonzero imaginary part, never the real part
# alone); complex() keeps both parts. Real dtypes keep the core's conversions.
_core_float, _core_int = Tensor.__float__, Tensor.__int__


# Note [float() of a tensor that requires grad]
# PyTorch (2.13) warns once per process (TORCH_WARN_ONCE) when float() reads a
# tensor that requires grad with grad mode on: the number leaves the graph.
# Only float() warns (also through '%f' % t and math functions), not int(),
# item() or bool(). Tutorials print float(l2_penalty(w)) and show the warning.
_warned_float_of_grad_tensor = False


def _warn_float_of_grad_tensor():
    global _warned_float_of_grad_tensor
    _warned_float_of_grad_tensor = True
    import warnings
    warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                  "Consider using tensor.detach() first.", UserWarning, stacklevel=3)


def __float__(self):
    if not _warned_float_of_grad_tensor and self.requires_grad and _C.is_grad_enabled():
        _warn_float_of_grad_tensor()
    if self.is_complex():
        _one_element(self)
        return builtins.float(narrow_complex_scalar(builtins.complex(self.item()), "float64"))
    return _core_float(self)


def __int__(self):
    if self.is_complex():
        _one_element(self)
        return builtins.int(narrow_complex_scalar(builtins.complex(self.item()), "int64"))
    return _core_int(self)


def __complex__(self):
    _one_element(self)
    return builtins.complex(self.item())


def _one_element(self):
    if self.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")


Tensor.__float__, Tensor.__int__, Tensor.__complex__ = __float__, __int__, __complex__


# Note [set_ rebinds, it does not copy]
# x.set_(source) makes x a new view of source's memory (source's shape, strides and offset, or the
# ones given), keeping x's Python object: a Parameter stays the same Parameter, so optimizers and
# module attributes holding it see the new values, while any tensor still holding x's *old* memory
# (a state_dict() entry, a detach()ed alias) keeps the old values. Copying into x's old memory
# instead would overwrite those aliases: torch.nn.utils.parametrize.remove_parametrizations
# (leave_parametrized=True) sets the original this way, and minLoRA's merge_lora after
# `init = model.state_dict()` relies on init staying unmerged. The rebinding is the `data` setter
# (PyTorch's set_data), which keeps x's autograd identity; set_ is an in-place op, so it also bumps
# x's version counter, done here by copying one element of x onto itself.
# The derivative of set_ is not implemented in PyTorch: with grad mode on and self (a non-leaf) or
# source requiring grad, x's grad_fn becomes a NotImplemented node that raises if backward reaches it;
# tensorcore records the same node (_set_not_implemented).
def _set_signature_error(args, kwargs):
    got = ", ".join([_argument_type_name(a) for a in args] + [f"{k}={_argument_type_name(v)}" for k, v in kwargs.items()])
    return TypeError(
        f"set_() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * ()\n * (torch.Storage source)\n * (torch.Storage source, int storage_offset, tuple of ints size, "
        "tuple of ints stride = None)\n * (Tensor source)\n"
        " * (Tensor source, int storage_offset, tuple of ints size, tuple of ints stride = None)\n")


def _argument_type_name(value):
    return "Tensor" if isinstance(value, Tensor) else builtins.type(value).__name__


@_method
def set_(self, *args, **kwargs):
    names = ("source", "storage_offset", "size", "stride")
    if len(args) > 4 or any(k not in names for k in kwargs) or any(k in names[:len(args)] for k in kwargs):
        raise _set_signature_error(args, kwargs)
    bound = dict(zip(names, args), **kwargs)
    source = bound.get("source")
    if source is None:
        if len(bound) > 1:
            raise _set_signature_error(args, kwargs)
        source = _C.empty([0], self.dtype)  # set_(): an empty tensor of self's dtype
    if builtins.type(source).__name__ in ("TypedStorage", "UntypedStorage"):
        from .storage import _storage_source  # (storage.py imports this module)
        source = _storage_source(source, self.dtype)
    if not isinstance(source, Tensor):
        raise _set_signature_error(args, kwargs)
    elif "storage_offset" in bound or "size" in bound:
        if "storage_offset" not in bound or "size" not in bound:
            raise _set_signature_error(args, kwargs)
        size = shape_args((bound["size"],), "set_")
        stride = bound.get("stride")
        if stride is None:  # the contiguous strides of size
            stride, step = [], 1
            for n in reversed(size):
                stride.insert(0, step)
                step *= builtins.max(int(n), 1)
        source = _C.as_strided(source.detach(), size, shape_args((stride,), "set_"),
                               int_arg(bound["storage_offset"], "set_", "storage_offset"))
    if source.dtype != self.dtype:
        raise RuntimeError(f"Could not set tensor of type {_CPP_NAMES[source.dtype.name]} to a tensor of type "
                           f"{_CPP_NAMES[self.dtype.name]}")
    if _C.is_grad_enabled():
        if self.requires_grad and self.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        if self.requires_grad:  # a view of a leaf (or of a split output, ...): PyTorch's RuntimeErrors
            self._check_inplace("set", False)
        if self.requires_grad or source.requires_grad:
            # PyTorch records a NotImplemented node, which raises only if backward reaches it
            recorded = _set_not_implemented().apply(self, source)
            self.data = source.detach()
            self._commit_inplace_view(recorded)  # (same geometry; bumps the version, takes the node)
            return self
    self.data = source.detach() if source.requires_grad else source
    if self.numel() > 0:
        # Bump the version counter (Note [set_ rebinds, ...]) by rewriting one element in place: a view
        # shares self's counter, and one element never overlaps itself (self may be an expanded view).
        first = _C.as_strided(self, [1], [1], self.storage_offset())
        with _no_grad_for_set():
            first.copy_(first)
    return self


_SET_NOT_IMPLEMENTED = []


def _set_not_implemented():
    """The Function standing for set_'s missing derivative (created on first use: autograd imports _tensor)."""
    if not _SET_NOT_IMPLEMENTED:
        from .autograd.function import Function

        class SetNotImplemented(Function):
            _node_name = "torch::autograd::NotImplemented"

            @staticmethod
            def forward(ctx, self, source):
                return source.view_as(source)

            @staticmethod
            def backward(ctx, grad):
                raise RuntimeError("derivative for set_ is not implemented")
        _SET_NOT_IMPLEMENTED.append(SetNotImplemented)
    return _SET_NOT_IMPLEMENTED[0]


class _no_grad_for_set:
    def __enter__(self):
        self.previous = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.previous)


from ._dtype import CPP_TYPE_NAMES as _CPP_NAMES  # noqa: E402
