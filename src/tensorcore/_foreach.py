"""torch._foreach_*: the multi-tensor ops optimizers use (``torch._foreach_mul_(params, 1 - lr * wd)``).

Note [foreach is a loop on the CPU]
PyTorch's CPU ``_foreach_*`` kernels are the "slow path": one ordinary op per list entry. These
functions are that loop, so each entry rounds exactly as the single op does (a third-party
optimizer's foreach and per-parameter variants print the same losses, as under PyTorch). The
list checks come first and raise PyTorch's errors: an empty list, lists of different lengths,
a scalar list of the wrong length, a 1-element ``scalars`` tensor that is not 0-dim.
Out-of-place forms return a tuple; in-place forms return the list they were given.
"""
import builtins

from . import _C

__all__ = []

_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1", "floor", "frac",
          "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal", "round", "rsqrt", "sigmoid", "sign", "sin",
          "sinh", "sqrt", "tan", "tanh", "trunc")


def _torch():
    import tensorcore
    return tensorcore


def _is_tensor(x):
    return isinstance(x, _C.Tensor)


def _tensor_list(value, op, what="self"):
    if not isinstance(value, (list, tuple)) or not builtins.all(_is_tensor(t) for t in value):
        raise TypeError(f"{op}() received an invalid combination of arguments: '{what}' must be a list or tuple of "
                        f"Tensors, got {type(value).__name__}")
    if not value:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return value


def _same_length(first, other):
    if len(first) != len(other):
        raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(first)} and {len(other)}")


def _per_entry(value, tensors, op, *, tensor_scalars=False):
    """The argument for each list entry: a list of tensors, a list of scalars, a 0-dim tensor or a scalar."""
    if isinstance(value, (list, tuple)):
        if value and builtins.all(_is_tensor(v) for v in value):
            _same_length(tensors, value)
            return list(value)
        if len(value) != len(tensors):
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return list(value)
    if _is_tensor(value):
        if tensor_scalars:   # addcmul/addcdiv's `scalars` tensor: one value per entry
            if value.dim() != 1 or value.numel() != len(tensors):
                raise RuntimeError(f"Expected length of scalars to match input of length {len(tensors)} but got "
                                   f"{value.numel()} instead.")
            return value.tolist()
        if value.dim() != 0:
            raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {value.dim()} dimensions and "
                               f"{value.numel()} elements.")
        return [value] * len(tensors)
    return [value] * len(tensors)


def _define(name, fn):
    fn.__name__ = fn.__qualname__ = name
    globals()[name] = fn
    __all__.append(name)


def _unary(op):
    def out_of_place(self):
        tensors = _tensor_list(self, f"_foreach_{op}")
        return tuple(getattr(_torch(), op)(t) for t in tensors)

    def in_place(self):
        tensors = _tensor_list(self, f"_foreach_{op}_")
        for t in tensors:
            getattr(t, op + "_")()
        return self

    _define(f"_foreach_{op}", out_of_place)
    _define(f"_foreach_{op}_", in_place)


for _op in _UNARY:
    _unary(_op)


def _binary(op, with_alpha):
    def out_of_place(self, other, **kwargs):
        tensors = _tensor_list(self, f"_foreach_{op}")
        others = _per_entry(other, tensors, f"_foreach_{op}")
        alpha = kwargs.pop("alpha", None) if with_alpha else None
        if kwargs:
            raise TypeError(f"_foreach_{op}() got an unexpected keyword argument '{next(iter(kwargs))}'")
        f = getattr(_torch(), op)
        if alpha is None:
            return tuple(f(t, o) for t, o in zip(tensors, others))
        return tuple(f(t, o, alpha=alpha) for t, o in zip(tensors, others))

    def in_place(self, other, **kwargs):
        tensors = _tensor_list(self, f"_foreach_{op}_")
        others = _per_entry(other, tensors, f"_foreach_{op}_")
        alpha = kwargs.pop("alpha", None) if with_alpha else None
        if kwargs:
            raise TypeError(f"_foreach_{op}_() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for t, o in zip(tensors, others):
            if alpha is None:
                getattr(t, op + "_")(o)
            else:
                getattr(t, op + "_")(o, alpha=alpha)
        return self

    _define(f"_foreach_{op}", out_of_place)
    _define(f"_foreach_{op}_", in_place)


for _op, _alpha in (("add", True), ("sub", True), ("mul", False), ("div", False)):
    _binary(_op, _alpha)


def _bound(op, scalar_kw, tensor_fn):
    """clamp_min/clamp_max/maximum/minimum: a scalar bound clamps, a tensor bound is elementwise max/min."""
    def compute(t, o):
        if _is_tensor(o):
            return getattr(_torch(), tensor_fn)(t, o)
        return _torch().clamp(t, **{scalar_kw: o})

    def out_of_place(self, other):
        tensors = _tensor_list(self, f"_foreach_{op}")
        return tuple(compute(t, o) for t, o in zip(tensors, _per_entry(other, tensors, f"_foreach_{op}")))

    def in_place(self, other):
        tensors = _tensor_list(self, f"_foreach_{op}_")
        for t, o in zip(tensors, _per_entry(other, tensors, f"_foreach_{op}_")):
            if _is_tensor(o):
                t.copy_(getattr(_torch(), tensor_fn)(t, o))
            else:
                t.clamp_(**{scalar_kw: o})
        return self

    _define(f"_foreach_{op}", out_of_place)
    _define(f"_foreach_{op}_", in_place)


_bound("clamp_min", "min", "maximum")
_bound("clamp_max", "max", "minimum")
_bound("maximum", "min", "maximum")
_bound("minimum", "max", "minimum")


def _foreach_pow(self, exponent):
    if not isinstance(self, (list, tuple)):   # pow.ScalarAndTensor: a number raised to each tensor
        exponents = _tensor_list(exponent, "_foreach_pow", "exponent")
        return tuple(_torch().pow(self, e) for e in exponents)
    tensors = _tensor_list(self, "_foreach_pow")
    return tuple(_torch().pow(t, e) for t, e in zip(tensors, _per_entry(exponent, tensors, "_foreach_pow")))


def _foreach_pow_(self, exponent):
    tensors = _tensor_list(self, "_foreach_pow_")
    for t, e in zip(tensors, _per_entry(exponent, tensors, "_foreach_pow_")):
        t.pow_(e)
    return self


def _foreach_lerp(self, tensors1, weight):
    tensors = _tensor_list(self, "_foreach_lerp")
    ends = _tensor_list(tensors1, "_foreach_lerp", "tensors1")
    _same_length(tensors, ends)
    return tuple(_torch().lerp(s, e, w) for s, e, w in zip(tensors, ends, _per_entry(weight, tensors, "_foreach_lerp")))


def _foreach_lerp_(self, tensors1, weight):
    tensors = _tensor_list(self, "_foreach_lerp_")
    ends = _tensor_list(tensors1, "_foreach_lerp_", "tensors1")
    _same_length(tensors, ends)
    for s, e, w in zip(tensors, ends, _per_entry(weight, tensors, "_foreach_lerp_")):
        s.lerp_(e, w)
    return self


def _pointwise(op):
    def operands(self, tensor1, tensor2, value, name):
        tensors = _tensor_list(self, name)
        first, second = _tensor_list(tensor1, name, "tensor1"), _tensor_list(tensor2, name, "tensor2")
        _same_length(tensors, first)
        _same_length(tensors, second)
        return tensors, first, second, _per_entry(value, tensors, name, tensor_scalars=True)

    def out_of_place(self, tensor1, tensor2, value=1):
        tensors, first, second, values = operands(self, tensor1, tensor2, value, f"_foreach_{op}")
        f = getattr(_torch(), op)
        return tuple(f(s, a, b, value=v) for s, a, b, v in zip(tensors, first, second, values))

    def in_place(self, tensor1, tensor2, value=1):
        tensors, first, second, values = operands(self, tensor1, tensor2, value, f"_foreach_{op}_")
        for s, a, b, v in zip(tensors, first, second, values):
            getattr(s, op + "_")(a, b, value=v)
        return self

    _define(f"_foreach_{op}", out_of_place)
    _define(f"_foreach_{op}_", in_place)


_pointwise("addcmul")
_pointwise("addcdiv")


def _foreach_norm(self, ord=2, dtype=None):
    tensors = _tensor_list(self, "_foreach_norm")
    return tuple(_torch().linalg.vector_norm(t, ord, dtype=dtype) for t in tensors)


def _foreach_powsum(self, ord=2, dtype=None):
    """sum(|x| ** ord) per tensor (ord 0 counts the nonzero entries), the norm before its root."""
    tensors = _tensor_list(self, "_foreach_powsum")
    out = []
    for t in tensors:
        t = t if dtype is None else t.to(dtype)
        out.append((t != 0).sum().to(t.dtype) if ord == 0 else t.abs().pow(ord).sum())
    return tuple(out)


def _foreach_max(self):
    tensors = _tensor_list(self, "_foreach_max")
    for t in tensors:
        if t.numel() == 0:
            raise RuntimeError("_foreach_max cannot compute the maximum of an empty tensor; max over zero elements "
                               "is undefined.")
    return tuple(t.max() for t in tensors)


def _foreach_copy_(self, src, non_blocking=False):
    tensors = _tensor_list(self, "_foreach_copy_")
    sources = _tensor_list(src, "_foreach_copy_", "src")
    _same_length(tensors, sources)
    for t, s in zip(tensors, sources):
        t.copy_(s)
    return self


def _foreach_clone(self):
    return tuple(t.clone() for t in _tensor_list(self, "_foreach_clone"))


def _foreach_zero_(self):
    for t in _tensor_list(self, "_foreach_zero_"):
        t.zero_()
    return self


def _foreach_mm(self, other):
    tensors = _tensor_list(self, "_foreach_mm")
    others = _tensor_list(other, "_foreach_mm", "other")
    _same_length(tensors, others)
    return tuple(_torch().mm(a, b) for a, b in zip(tensors, others))


for _fn in (_foreach_pow, _foreach_pow_, _foreach_lerp, _foreach_lerp_, _foreach_norm, _foreach_powsum, _foreach_max,
            _foreach_copy_, _foreach_clone, _foreach_zero_, _foreach_mm):
    __all__.append(_fn.__name__)
