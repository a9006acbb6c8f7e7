"""Lazy modules: LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*,
LazyInstanceNorm*, with UninitializedParameter / UninitializedBuffer.

Note [Lazy initialisation]
A lazy module is built with its input size 0 and placeholders for the
tensors whose shape depends on it; its reset_parameters draws nothing then.
A forward pre-hook reads the size from the first input, replaces each
placeholder by a real tensor of the inferred shape, runs reset_parameters
(the same draws, in the same order, as the eager module would have made) and
turns the object into the eager class (LazyLinear -> Linear), PyTorch's
cls_to_become. A parameter placeholder is materialised in place, as in
PyTorch (its data is swapped and its class becomes Parameter), so an optimizer
built before the first call holds the very objects that get trained (d2l's
LinearRegression builds nn.LazyLinear, then its optimizer, then runs it).
A buffer placeholder cannot become a plain Tensor in place (a Python subclass
of the C++ Tensor has another object layout), so the module swaps in a
detached alias of its materialised storage.
"""
from __future__ import annotations
from typing import Any
from ... import _C
from ...autograd import no_grad
from ..parameter import Parameter
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .conv import Conv1d, Conv2d, Conv3d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .linear import Linear
from .normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

Tensor = _C.Tensor

__all__ = ["UninitializedParameter", "UninitializedBuffer", "LazyModuleMixin", "LazyLinear", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


def _refuse_uninitialized(attribute, method_name):
    def refused(self, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_materialized"):  # a materialised buffer keeps its class: a tensor again
            return getattr(Tensor, attribute)(self, *args, **kwargs)
        raise ValueError(f"Attempted to use an uninitialized parameter in <method '{method_name}' of "
                         "'torch._C.TensorBase' objects>. This error happens when you are using a `LazyModule` or "
                         f"explicitly manipulating `torch.nn.parameter.{type(self).__name__}` objects. When using "
                         "LazyModules Call `forward` with a dummy batch to initialize the parameters before calling "
                         "torch functions")
    refused.__name__ = method_name
    return refused


# Note [Uninitialized placeholders refuse use]
# PyTorch's placeholders answer only a few calls (size, copy_, is_floating_point, to, the dtype
# conversions...); anything else is a ValueError and .shape a RuntimeError, so counting a lazy
# model's parameters before its first forward (sum(p.numel() ...)) fails instead of silently
# counting 0. The common tensor methods and operators are refused here the same way (the
# placeholders' storage is an empty tensor that must never be read as a value).
_REFUSED_METHODS = {name: name for name in (
    "numel", "dim", "nelement", "sum", "mean", "add", "sub", "mul", "div", "matmul", "pow", "neg", "abs",
    "view", "reshape", "t", "clone", "item", "tolist", "norm", "std", "var", "max", "min", "flatten",
    "add_", "sub_", "mul_", "div_", "zero_", "fill_", "normal_", "uniform_", "numpy", "expand", "permute")}
_REFUSED_METHODS.update({"__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": "sub",
                         "__mul__": "mul", "__rmul__": "mul", "__truediv__": "div", "__rtruediv__": "div",
                         "__matmul__": "matmul", "__rmatmul__": "matmul", "__pow__": "pow", "__neg__": "neg",
                         "__getitem__": "__getitem__", "__len__": "__len__", "__iter__": "__iter__"})


class _UninitializedMixin:
    """What both placeholders share (Note [Uninitialized placeholders refuse use])."""

    @property
    def shape(self) -> Any:
        if self.__dict__.get("_materialized"):
            return Tensor.shape.__get__(self)
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self) -> Any:
        if self.__dict__.get("_materialized"):
            return Tensor.share_memory_(self)
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self) -> str:
        if self.__dict__.get("_materialized"):
            return Tensor.__repr__(self)
        return f"<{type(self).__name__}>"

    def __str__(self) -> str:
        return self.__repr__()

    def __reduce_ex__(self, proto: Any) -> Any:
        return (type(self), (self.requires_grad,))

    def __deepcopy__(self, memo: Any) -> Any:
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, None, self.dtype)
        return memo[id(self)]


for _name, _torch_name in _REFUSED_METHODS.items():
    setattr(_UninitializedMixin, _name, _refuse_uninitialized(_name, _torch_name))


class UninitializedParameter(_UninitializedMixin, Parameter):
    """A parameter whose shape is not known yet (Note [Lazy initialisation])."""
    cls_to_become = Parameter

    def __init__(self, requires_grad: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(_C.empty([0], dtype if dtype is not None else _C.get_default_dtype()), requires_grad)

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        with no_grad():
            self.data = _C.empty(list(shape), dtype if dtype is not None else self.dtype)
        self.__class__ = self.cls_to_become


class UninitializedBuffer(_UninitializedMixin, Tensor):
    """A buffer whose shape is not known yet."""
    cls_to_become = Tensor

    def __init__(self, requires_grad: Any = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__(_C.empty([0], dtype if dtype is not None else _C.get_default_dtype()))

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        with no_grad():
            self.data = _C.empty(list(shape), dtype if dtype is not None else self.dtype)
        # PyTorch turns the object into a Tensor; a C++-backed object cannot change class
        # (Note [Lazy initialisation]), so it is marked and behaves as a tensor from now on.
        self.__dict__["_materialized"] = True


def _is_lazy(t):
    return isinstance(t, (UninitializedParameter, UninitializedBuffer)) and not t.__dict__.get("_materialized")


class LazyModuleMixin:
    cls_to_become = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(LazyModuleMixin._infer_parameters)

    def has_uninitialized_params(self) -> Any:
        return any(_is_lazy(t) for t in list(self._parameters.values()) + list(self._buffers.values()))

    def _materialize(self, name, shape):
        if name in self._parameters and _is_lazy(self._parameters[name]):
            self._parameters[name].materialize(shape)  # in place: Note [Lazy initialisation]
        elif name in self._buffers and _is_lazy(self._buffers[name]):
            self._buffers[name].materialize(shape)
            self._buffers[name] = _C.detach(self._buffers[name])

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # placeholders are saved as themselves (detaching one would make an empty tensor), as PyTorch
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars or _is_lazy(param) else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars or _is_lazy(buf) else buf.detach()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # A checkpoint gives the shapes: materialise placeholders to them first
        # (PyTorch's _lazy_load_hook); the first forward then only switches class.
        for name in list(self._parameters) + list(self._buffers):
            key = prefix + name
            if key in state_dict and isinstance(state_dict[key], Tensor) and not _is_lazy(state_dict[key]):
                self._materialize(name, tuple(state_dict[key].shape))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    @staticmethod
    def _infer_parameters(module, args):
        module.initialize_parameters(*args)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")


class LazyLinear(LazyModuleMixin, Linear):
    cls_to_become = Linear

    def __init__(self, out_features: Any, bias: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, 0, False, device=device, dtype=dtype)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self._materialize("weight", (self.out_features, self.in_features))
                self._materialize("bias", (self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # materialised by load_state_dict: take the size from the input
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


class _LazyConvMixin(LazyModuleMixin):
    _transposed = False

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            n = self._dims
            batched = input.dim() == n + 2
            self.in_channels = input.shape[1] if batched else input.shape[0]
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self._transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            with no_grad():
                self._materialize("weight", shape)
                self._materialize("bias", (self.out_channels,))
                self.reset_parameters()


def _lazy_conv(name, base):
    transposed = issubclass(base, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, *rest, device=None, dtype=None, **kw):
        if transposed:
            names = ("output_padding", "groups", "bias", "dilation", "padding_mode")
            defaults = dict(output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros")
        else:
            names = ("dilation", "groups", "bias", "padding_mode")
            defaults = dict(dilation=1, groups=1, bias=True, padding_mode="zeros")
        opts = dict(defaults)
        opts.update(zip(names, rest))
        opts.update(kw)
        bias = opts.pop("bias")
        base.__init__(self, 0, 0, kernel_size, stride, padding, bias=False, dtype=dtype, **opts)
        self._initialize_hook = self.register_forward_pre_hook(LazyModuleMixin._infer_parameters)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    return type(name, (_LazyConvMixin, base), {"__init__": __init__, "cls_to_become": base,
                                               "_transposed": transposed, "__module__": __name__})


LazyConv1d = _lazy_conv("LazyConv1d", Conv1d)
LazyConv2d = _lazy_conv("LazyConv2d", Conv2d)
LazyConv3d = _lazy_conv("LazyConv3d", Conv3d)
LazyConvTranspose1d = _lazy_conv("LazyConvTranspose1d", ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv("LazyConvTranspose2d", ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv("LazyConvTranspose3d", ConvTranspose3d)


class _LazyNormBase(LazyModuleMixin):
    def __init__(self, eps: Any = 1e-5, momentum: Any = 0.1, affine: Any = True, track_running_stats: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = _C.zeros([], _C.tensor_from_data(0, None).dtype)

    def __setattr__(self, name: Any, value: Any) -> None:
        # Buffers may be assigned as plain tensors here (the eager classes register them).
        if isinstance(value, UninitializedBuffer) or (name == "num_batches_tracked" and isinstance(value, Tensor)):
            self.register_buffer(name, value)
            return
        super().__setattr__(name, value)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            if self.track_running_stats:
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()
            if self.affine:
                self.weight.fill_(1)
                self.bias.zero_()

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        if self.has_uninitialized_params():
            self.num_features = input.shape[1] if input.dim() != self._unbatched_dims else input.shape[0]
            with no_grad():
                for name in ("weight", "bias", "running_mean", "running_var"):
                    self._materialize(name, (self.num_features,))
                self.reset_parameters()


def _lazy_norm(name, base, unbatched_dims):
    return type(name, (_LazyNormBase, base), {"cls_to_become": base, "_unbatched_dims": unbatched_dims,
                                              "__module__": __name__})


LazyBatchNorm1d = _lazy_norm("LazyBatchNorm1d", BatchNorm1d, -1)
LazyBatchNorm2d = _lazy_norm("LazyBatchNorm2d", BatchNorm2d, -1)
LazyBatchNorm3d = _lazy_norm("LazyBatchNorm3d", BatchNorm3d, -1)
LazyInstanceNorm1d = _lazy_norm("LazyInstanceNorm1d", InstanceNorm1d, 2)
LazyInstanceNorm2d = _lazy_norm("LazyInstanceNorm2d", InstanceNorm2d, 3)
LazyInstanceNorm3d = _lazy_norm("LazyInstanceNorm3d", InstanceNorm3d, 4)
