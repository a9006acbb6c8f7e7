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
    from ._naming import grad_fn_named

    def dropout_form(fn, inplace):
        def form(input, p, train):
            return fn(input, p, train, inplace)
        return form

    # torch.X spellings of F.X with ATen's signatures: reduction as the
    # Reduction enum's int (0 none, 1 mean, 2 sum; these bindings default to
    # 0, unlike F's 'mean', as torch 2.13's do), other argument orders
    # (torch.batch_norm puts weight and bias first, torch.embedding the
    # weight), a cudnn flag that changes nothing on CPU, `stride=()` meaning
    # the kernel size.
    def reduction_name(r):
        if isinstance(r, str):
            return r
        return {1: "mean", 2: "sum"}.get(r, "none")  # any other int leaves the loss unreduced, as ATen's

    def pool_stride(stride):
        return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) else stride

    def max_pool(fn):
        def form(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
            return fn(input, kernel_size, pool_stride(stride), padding, dilation, ceil_mode)
        return form

    def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
        return F.layer_norm(input, normalized_shape, weight, bias, eps)

    def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
        return F.group_norm(input, num_groups, weight, bias, eps)

    def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
        return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)

    def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                      cudnn_enabled):
        return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)

    def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
        # ATen's padding_idx -1 means none (F.embedding's -1 would mean the last row)
        return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                           scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)

    def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
        return F.avg_pool1d(input, kernel_size, pool_stride(stride), padding, ceil_mode, count_include_pad)

    def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        return F.max_pool1d(input, kernel_size, pool_stride(stride), padding, dilation, ceil_mode, return_indices=True)

    def adaptive_max_pool1d(input, output_size):
        return F.adaptive_max_pool1d(input, output_size, return_indices=True)

    def kl_div(input, target, reduction=0, log_target=False):
        import warnings
        with warnings.catch_warnings():  # F's warning about 'mean' is the Python API's, not ATen's
            warnings.simplefilter("ignore")
            return F.kl_div(input, target, reduction=reduction_name(reduction), log_target=log_target)

    def bce_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
        return F.binary_cross_entropy_with_logits(input, target, weight, reduction=reduction_name(reduction),
                                                  pos_weight=pos_weight)

    @grad_fn_named("ConstantPadNdBackward0")
    def constant_pad_nd(input, pad, value=0):
        return F.pad(input, pad, "constant", value)

    def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
        return F.hinge_embedding_loss(input, target, margin, reduction=reduction_name(reduction))

    def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
        return F.margin_ranking_loss(input1, input2, target, margin, reduction=reduction_name(reduction))

    def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
        return F.cosine_embedding_loss(input1, input2, target, margin, reduction=reduction_name(reduction))

    def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=0):
        return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     reduction=reduction_name(reduction))

    def poisson_nll_loss(input, target, log_input, full, eps, reduction):
        return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=reduction_name(reduction))

    aten_forms = {
        "conv1d": F.conv1d, "conv2d": F.conv2d, "conv3d": F.conv3d, "conv_transpose1d": F.conv_transpose1d,
        "conv_transpose2d": F.conv_transpose2d, "conv_transpose3d": F.conv_transpose3d,
        "layer_norm": layer_norm, "group_norm": group_norm, "batch_norm": batch_norm,
        "instance_norm": instance_norm, "embedding": embedding, "max_pool1d": max_pool(F.max_pool1d),
        "max_pool2d": max_pool(F.max_pool2d), "max_pool3d": max_pool(F.max_pool3d), "avg_pool1d": avg_pool1d,
        "adaptive_avg_pool1d": F.adaptive_avg_pool1d, "adaptive_max_pool1d": adaptive_max_pool1d,
        "pixel_shuffle": F.pixel_shuffle, "pixel_unshuffle": F.pixel_unshuffle, "kl_div": kl_div,
        "binary_cross_entropy_with_logits": bce_with_logits, "bilinear": F.bilinear, "rms_norm": F.rms_norm,
        "constant_pad_nd": constant_pad_nd, "channel_shuffle": F.channel_shuffle,
        "pairwise_distance": F.pairwise_distance, "cosine_similarity": F.cosine_similarity,
        "pdist": grad_fn_named("PdistBackward0")(F.pdist),
        "max_pool1d_with_indices": max_pool1d_with_indices,
        "hinge_embedding_loss": hinge_embedding_loss, "margin_ranking_loss": margin_ranking_loss,
        "cosine_embedding_loss": cosine_embedding_loss, "triplet_margin_loss": triplet_margin_loss,
        "poisson_nll_loss": poisson_nll_loss,
    }
    for name, fn in aten_forms.items():
        if fn is not getattr(F, name, None):
            fn.__name__ = fn.__qualname__ = name
    return dict(aten_forms, **{
        "selu": F.selu, "selu_": F.selu_, "celu": F.celu, "celu_": F.celu_,
        "threshold": F.threshold, "threshold_": F.threshold_, "rrelu": F.rrelu, "rrelu_": F.rrelu_,
        "hardshrink": F.hardshrink, "prelu": F.prelu,
        "dropout": dropout_form(F.dropout, False), "dropout_": dropout_form(F.dropout, True),
        "alpha_dropout": dropout_form(F.alpha_dropout, False), "alpha_dropout_": dropout_form(F.alpha_dropout, True),
        "feature_alpha_dropout": dropout_form(F.feature_alpha_dropout, False),
        "feature_alpha_dropout_": dropout_form(F.feature_alpha_dropout, True),
        "feature_dropout": dropout_form(_feature_dropout_any, False),
        "feature_dropout_": dropout_form(_feature_dropout_any, True),
    })


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
