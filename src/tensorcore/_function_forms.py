"""The torch.X functions that are other spellings of a Tensor method or an
nn.functional op: `torch.sin_(x)` is `x.sin_()`, `torch.selu_(x)` is
`F.selu_(x)`, `torch.dropout(x, p, train)` is `F.dropout(x, p, train)`.

PyTorch's list of in-place function forms is fixed (its native functions with
a `_` variant exposed at the top level); each is installed here when the
method it names exists, so the list cannot promise what tensorcore lacks.
Installed once, after every Tensor method and nn.functional exist.
"""

# torch.X_ in PyTorch 2.13 that are Tensor.X_ applied to their first argument.
_INPLACE_METHOD_FORMS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "as_strided_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_",
    "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_",
    "floor_", "frac_", "gcd_", "i0_", "index_put_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_",
    "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "resize_as_", "round_",
    "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_",
    "zero_",
)


def _method_form(tensor_cls, name):
    method = getattr(tensor_cls, name)

    def form(input, *args, **kwargs):
        if not isinstance(input, tensor_cls):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return method(input, *args, **kwargs)
    form.__name__ = form.__qualname__ = name
    form.__doc__ = f"torch.{name}(input, ...) is input.{name}(...)."
    return form


def _functional_forms(F):
    """torch.X that PyTorch binds to the same kernels as nn.functional's X
    (positional `train` where F has `training`)."""
    from .nn._functional_more import _feature_dropout_any

    def dropout_form(fn, inplace):
        def form(input, p, train):
            return fn(input, p, train, inplace)
        return form

    return {
        "selu": F.selu, "selu_": F.selu_, "celu": F.celu, "celu_": F.celu_,
        "threshold": F.threshold, "threshold_": F.threshold_, "rrelu": F.rrelu, "rrelu_": F.rrelu_,
        "hardshrink": F.hardshrink, "prelu": F.prelu,
        "dropout": dropout_form(F.dropout, False), "dropout_": dropout_form(F.dropout, True),
        "alpha_dropout": dropout_form(F.alpha_dropout, False), "alpha_dropout_": dropout_form(F.alpha_dropout, True),
        "feature_alpha_dropout": dropout_form(F.feature_alpha_dropout, False),
        "feature_alpha_dropout_": dropout_form(F.feature_alpha_dropout, True),
        "feature_dropout": dropout_form(_feature_dropout_any, False),
        "feature_dropout_": dropout_form(_feature_dropout_any, True),
    }


def install(tensor_cls, namespace, F):
    for name in _INPLACE_METHOD_FORMS:
        if name not in namespace and hasattr(tensor_cls, name):
            namespace[name] = _method_form(tensor_cls, name)
    for name, fn in _functional_forms(F).items():
        namespace.setdefault(name, fn)
    # Tensor methods PyTorch also has for these
    if not hasattr(tensor_cls, "hardshrink"):
        tensor_cls.hardshrink = lambda self, lambd=0.5: F.hardshrink(self, lambd)
    if not hasattr(tensor_cls, "prelu"):
        tensor_cls.prelu = lambda self, weight: F.prelu(self, weight)
