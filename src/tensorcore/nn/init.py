"""Weight initialisation (torch.nn.init): in-place fills under no_grad with
PyTorch's formulas for gains and fans."""
from __future__ import annotations
from typing import Any
import math
import warnings

from .. import _C, _random16
from ..autograd import no_grad

Tensor = _C.Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
           "dirac_", "orthogonal_", "sparse_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]


def calculate_gain(nonlinearity: Any, param: Any = None) -> Any:
    """The recommended gain for a nonlinearity (PyTorch's table)."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _check_tensor(tensor, first_attribute):
    """A non-tensor fails as in PyTorch, whose init functions just call a Tensor
    method: AttributeError naming the first attribute PyTorch's version reads."""
    if not isinstance(tensor, Tensor):
        raise AttributeError(f"'{type(tensor).__name__}' object has no attribute '{first_attribute}'")


def _float_arg(value, op, name, position):
    """`value` as the float PyTorch's binding takes: a number (or a one-element tensor);
    anything else is its TypeError naming the argument (float('x') would be a ValueError)."""
    if not isinstance(value, (int, float, Tensor)) and not hasattr(value, "__float__"):  # bools pass, as there
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be float, not {type(value).__name__}")
    return float(value)


def uniform_(tensor: Any, a: Any = 0.0, b: Any = 1.0, generator: Any = None) -> Tensor:
    """Fills `tensor` with values drawn from U(a, b)."""
    _check_tensor(tensor, "uniform_")
    # The generator draws straight into the tensor, as PyTorch's tensor.uniform_(a, b, generator=g): drawing
    # rand() and scaling it by hand rounds twice (values 1 ulp off PyTorch's single fma).
    from .._functions import _gen
    with no_grad():
        return _random16.uniform_fill(tensor, _float_arg(a, "uniform_", "from", 1), _float_arg(b, "uniform_", "to", 2),
                                      _gen(generator))


def normal_(tensor: Any, mean: Any = 0.0, std: Any = 1.0, generator: Any = None) -> Tensor:
    """Fills `tensor` with values drawn from N(mean, std^2)."""
    _check_tensor(tensor, "normal_")
    from .._functions import _gen  # (drawn straight into the tensor, as uniform_ above)
    with no_grad():
        return _random16.normal_fill(tensor, _float_arg(mean, "normal_", "mean", 1), _float_arg(std, "normal_", "std", 2),
                                     _gen(generator))


def trunc_normal_(tensor: Any, mean: Any = 0.0, std: Any = 1.0, a: Any = -2.0, b: Any = 2.0, generator: Any = None) -> Tensor:
    """Fills `tensor` from N(mean, std^2) truncated to [a, b], with PyTorch's
    two samplers and their exact draws (so seeded programs match): when the
    interval holds more than 30% of the mass, whole-tensor normal_ draws
    replace the values outside [a, b] until none is left; otherwise uniform
    proposals on [a, b] are accepted against the normal's log-density with a
    second uniform_ draw per round."""
    _check_tensor(tensor, "is_meta")

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    shape = list(tensor.shape)
    with no_grad():
        if norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3:
            # Bounds rounded to the tensor's dtype, so the mask sees representable values.
            lo = _C.full([], a, tensor.dtype).item()
            hi = _C.full([], b, tensor.dtype).item()
            result = normal_(tensor, mean, std, generator)
            while True:
                mask = (result < lo) | (result > hi)
                if not bool(mask.any()):
                    break
                result = _C.where(mask, normal_(_C.empty(shape, tensor.dtype), mean, std, generator), result)
            if result is not tensor:
                tensor.copy_(result)
            return tensor
        mode = max(a, min(mean, b))
        log_peak = -0.5 * ((mode - mean) / std) ** 2

        def log_pdf(c):
            return ((c - mean) / std).pow(2) * -0.5 - log_peak

        uniform_(tensor, a, b, generator)
        pending = uniform_(_C.empty(shape, tensor.dtype), 0.0, 1.0, generator).log() > log_pdf(tensor)
        if bool(pending.any()):
            result = tensor.clone()
            while True:
                cand = uniform_(_C.empty(shape, tensor.dtype), a, b, generator)
                result = _C.where(pending, cand, result)
                accept = uniform_(_C.empty(shape, tensor.dtype), 0.0, 1.0, generator).log() > log_pdf(cand)
                pending = _C.where(pending, accept, pending)
                if not bool(pending.any()):
                    break
            tensor.copy_(result)
    return tensor


def constant_(tensor: Any, val: Any) -> Tensor:
    """Fills `tensor` with `val`."""
    _check_tensor(tensor, "fill_")
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Any) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Any) -> Tensor:
    _check_tensor(tensor, "zero_")
    with no_grad():
        return tensor.zero_()


def eye_(tensor: Any) -> Tensor:
    """Fills a 2-D tensor with the identity matrix."""
    _check_tensor(tensor, "ndimension")
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(_C.eye(tensor.shape[0], tensor.shape[1], tensor.dtype))


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    for s in tuple(tensor.shape)[2:]:
        receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor: Any, gain: Any = 1.0, generator: Any = None) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Any, gain: Any = 1.0, generator: Any = None) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Any, a: Any = 0, mode: Any = "fan_in", nonlinearity: Any = "leaky_relu", generator: Any = None) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan)."""
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Any, a: Any = 0, mode: Any = "fan_in", nonlinearity: Any = "leaky_relu", generator: Any = None) -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan)."""
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def dirac_(tensor: Any, groups: Any = 1) -> Tensor:
    """Fills a 3-, 4- or 5-d conv weight with the identity (Dirac delta) kernel
    per group: output channel d of each group copies input channel d."""
    _check_tensor(tensor, "ndimension")
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = sizes[0] // groups
    with no_grad():
        tensor.zero_()
        centre = tuple(s // 2 for s in sizes[2:])
        for g in range(groups):
            for d in range(min(per_group, sizes[1])):
                tensor[(g * per_group + d, d) + centre] = 1
    return tensor


def orthogonal_(tensor: Any, gain: Any = 1, generator: Any = None) -> Tensor:
    """Fills `tensor` (2+ dims, flattened to rows x rest) with a (semi-)
    orthogonal matrix: Q of the QR factorisation of a N(0, 1) draw, with
    column signs fixed by diag(R) so the result is unique. The draw is
    PyTorch's (one normal_ of rows x cols); the factorisation is LAPACK's
    through NumPy, in float64 (it runs once, at initialisation)."""
    _check_tensor(tensor, "ndimension")
    import numpy as np
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    if tensor.dtype.name in ("float16", "bfloat16"):  # PyTorch's QR (geqrf) has no half kernel
        from .._dtype import SCALAR_TYPE_NAMES
        raise NotImplementedError(f"\"geqrf_cpu\" not implemented for '{SCALAR_TYPE_NAMES[tensor.dtype.name]}'")
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flat = normal_(_C.empty([rows, cols], tensor.dtype), 0.0, 1.0, generator)
    a = _C._tensor_to_numpy_forced(flat).astype(np.float64)
    if rows < cols:
        a = a.T
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    from .._functions import from_numpy
    with no_grad():
        tensor.copy_(from_numpy(np.ascontiguousarray(q)).to(tensor.dtype).reshape(list(tensor.shape)))
        tensor.mul_(gain)
    return tensor


def sparse_(tensor: Any, sparsity: Any, std: Any = 0.01, generator: Any = None) -> Tensor:
    """N(0, std^2) entries with ceil(sparsity * rows) zeros per column, the
    zeroed rows picked by one randperm per column (PyTorch's draws, in order)."""
    _check_tensor(tensor, "ndimension")
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from .._functions import randperm
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        normal_(tensor, 0.0, std, generator)
        for col in range(cols):
            zero_rows = randperm(rows)[:num_zeros]
            tensor[zero_rows, col] = 0
    return tensor


# Deprecated PyTorch spellings: each warns as PyTorch's, then runs the in-place form.
def _deprecated_spelling(init_function):
    new_name = init_function.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return init_function(*args, **kwargs)

    deprecated_init.__name__ = deprecated_init.__qualname__ = old_name
    deprecated_init.__doc__ = f"Deprecated: use nn.init.{new_name}."
    return deprecated_init


uniform = _deprecated_spelling(uniform_)
normal = _deprecated_spelling(normal_)
constant = _deprecated_spelling(constant_)
xavier_uniform = _deprecated_spelling(xavier_uniform_)
xavier_normal = _deprecated_spelling(xavier_normal_)
kaiming_uniform = _deprecated_spelling(kaiming_uniform_)
kaiming_normal = _deprecated_spelling(kaiming_normal_)
orthogonal = _deprecated_spelling(orthogonal_)
sparse = _deprecated_spelling(sparse_)
dirac = _deprecated_spelling(dirac_)
eye = _deprecated_spelling(eye_)
