"""PyTorch's CPU autocast op lists, applied to the Python-level ops
(Note [CPU autocast] in csrc/ops/autocast.h).

Note [CPU autocast op lists]
The lists are those PyTorch registers for the AutocastCPU dispatch key
(aten/src/ATen/autocast_mode.cpp; torch 2.13 lists them through
torch._C._dispatch_get_registrations_for_dispatch_key('AutocastCPU')),
restricted to the ops tensorcore has:
  lower_precision_fp: floating inputs other than float64 are cast to the
    autocast dtype (convolutions, linear, mm/bmm/addmm/baddbmm/addbmm,
    matmul, prelu, scaled_dot_product_attention, linalg.vecdot);
  fp32: floating inputs are cast to float32 (losses, prod, trace, the
    linalg decompositions and solvers, 3-d pooling, reflection/replication
    padding, grid_sample, ...);
  promote: the widest floating input dtype (cat and stack: in C++, ops/join.cpp).
matmul (and `@`) casts in C++ (ops::matmul), because torch.matmul is the C++
fast function. Everything else is wrapped here: install() replaces each
listed function by a wrapper wherever tensorcore's modules hold it (the
torch namespace, Tensor, nn.functional, linalg, and any module-level name
bound to the same function object), so module code such as nn.Linear reaches
the wrapper too. With autocast off a wrapper forwards the call from C (Note
[Autocast op wrappers] in csrc/bindings/autocast.cpp); with it on, it casts the tensor arguments (one level
of lists too) and runs the op with autocast excluded, so the listed ops the
op is made of do not cast again, as PyTorch's ExcludeDispatchKeyGuard.
Composites that PyTorch does not list and that are made of listed ops here
but not in PyTorch are wrapped with `_excluded` (no casts, autocast
excluded) so they keep PyTorch's dtypes.
"""
import functools
import sys

from .. import _C, _dtype

_cast = _C._autocast_cast
_exclude = _C._autocast_exclude
_Tensor = _C.Tensor


def _cast_arg(x, dt):
    if isinstance(x, _Tensor):
        return _cast(x, dt)
    if isinstance(x, (list, tuple)) and any(isinstance(v, _Tensor) for v in x):
        return type(x)(_cast(v, dt) if isinstance(v, _Tensor) else v for v in x)
    return x


def _run_excluded(fn, args, kwargs):
    _exclude(1)
    try:
        return fn(*args, **kwargs)
    finally:
        _exclude(-1)


def _make(fn, target):
    """A wrapper (Note [Autocast op wrappers]) that calls fn while autocast is off, and else casts
    floating tensor arguments to target(args, kwargs) (None: no casts) and runs fn with autocast excluded."""
    def slow(*args, **kwargs):
        dt = target(args, kwargs)
        if dt is not None:
            args = tuple(_cast_arg(a, dt) for a in args)
            kwargs = {k: _cast_arg(v, dt) for k, v in kwargs.items()}
        return _run_excluded(fn, args, kwargs)
    wrapper = _C._autocast_op(fn, slow)
    functools.update_wrapper(wrapper, fn)
    wrapper.__wrapped_autocast__ = fn
    return wrapper


def _lower_target(args, kwargs):
    return _C._get_autocast_cpu_dtype()


def _fp32_target(args, kwargs):
    return _dtype.float32


def lower_precision_fp(fn):
    return _make(fn, _lower_target)


def fp32(fn):
    return _make(fn, _fp32_target)


def _excluded(fn):
    return _make(fn, lambda args, kwargs: None)


def _pad_target(args, kwargs):
    # F.pad reaches reflection_pad1d/2d and replication_pad1d/2d/3d (fp32 list) for those modes;
    # constant and circular padding and reflection_pad3d are not listed.
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "constant")
    pad = args[1] if len(args) > 1 else kwargs.get("pad", ())
    n = len(pad) // 2
    if (mode == "reflect" and n in (1, 2)) or (mode == "replicate" and n in (1, 2, 3)):
        return _dtype.float32
    return None


def _max_pool3d_target(args, kwargs):
    # max_pool3d is listed; its return_indices form (max_pool3d_with_indices) is not.
    ri = args[6] if len(args) > 6 else kwargs.get("return_indices", False)
    return None if ri else _dtype.float32


LOWER_PRECISION_FP = {
    "torch": ["mm", "bmm", "addmm", "baddbmm", "addbmm", "prelu", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_tbc"],
    "Tensor": ["mm", "bmm", "addmm", "baddbmm", "addbmm", "prelu"],
    "nn.functional": ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                      "conv_transpose3d", "conv_tbc", "prelu", "scaled_dot_product_attention"],
    "linalg": ["vecdot"],
}

FP32 = {
    "torch": ["prod", "trace", "cdist", "inverse", "pinverse", "cholesky", "cholesky_inverse", "cholesky_solve",
              "lu_solve", "orgqr", "ormqr", "geqrf", "qr", "svd", "triangular_solve", "quantile", "nanquantile",
              "stft", "polar", "view_as_complex", "kl_div", "binary_cross_entropy_with_logits",
              "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "poisson_nll_loss",
              "triplet_margin_loss", "ctc_loss", "grid_sampler", "fake_quantize_per_tensor_affine"],
    "Tensor": ["prod", "trace", "inverse", "pinverse", "cholesky", "cholesky_inverse", "cholesky_solve",
               "lu_solve", "orgqr", "ormqr", "geqrf", "qr", "svd", "triangular_solve", "quantile", "nanquantile",
               "stft"],
    "nn.functional": ["avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "fractional_max_pool2d",
                      "fractional_max_pool3d", "max_unpool2d", "max_unpool3d", "grid_sample",
                      "binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss", "l1_loss",
                      "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "kl_div",
                      "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "soft_margin_loss",
                      "triplet_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "poisson_nll_loss",
                      "ctc_loss"],
    "linalg": ["cholesky", "cholesky_ex", "cond", "eig", "eigh", "eigvals", "eigvalsh", "householder_product",
               "inv", "inv_ex", "lstsq", "matrix_rank", "qr", "solve", "svd", "svdvals", "tensorinv",
               "tensorsolve"],
    "fft": ["fft", "fft2", "fftn", "hfft", "ifft", "ifft2", "ifftn", "ihfft", "irfft", "irfft2", "irfftn", "rfft",
            "rfft2", "rfftn"],
}

CUSTOM = {
    "nn.functional": {"pad": _pad_target, "max_pool3d": _max_pool3d_target},
}

# Not listed by PyTorch (they keep their input dtypes under autocast), but made of listed ops here.
EXCLUDED = {
    "torch": ["bilinear"],
    "nn.functional": ["bilinear"],  # one fused op (_trilinear) in PyTorch; a matmul here
}


def _owners():
    import tensorcore
    owners = {"torch": tensorcore, "Tensor": tensorcore.Tensor, "nn.functional": tensorcore.nn.functional,
              "linalg": tensorcore.linalg}
    fft = getattr(tensorcore, "fft", None)
    if fft is not None:
        owners["fft"] = fft
    return owners


def install():
    """Wraps the listed ops in place (once, at import: tensorcore/__init__.py)."""
    owners = _owners()
    replaced = {}  # id(original) -> wrapper

    def wrap(owner_key, name, make):
        owner = owners.get(owner_key)
        if owner is None:
            return
        fn = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if fn is None or getattr(fn, "__wrapped_autocast__", None) is not None:
            return
        w = replaced.get(id(fn))
        if w is None:
            w = make(fn)
            replaced[id(fn)] = w
        setattr(owner, name, w)

    for key, names in LOWER_PRECISION_FP.items():
        for n in names:
            wrap(key, n, lower_precision_fp)
    for key, names in FP32.items():
        for n in names:
            wrap(key, n, fp32)
    for key, table in CUSTOM.items():
        for n, target in table.items():
            wrap(key, n, lambda fn, target=target: _make(fn, target))
    for key, names in EXCLUDED.items():
        for n in names:
            wrap(key, n, _excluded)

    # Module-level names bound to a wrapped function (from ... import linear) call the wrapper too.
    originals = {}
    for key, owner in owners.items():
        for name, value in list(vars(owner).items()):
            orig = getattr(value, "__wrapped_autocast__", None)
            if orig is not None:
                originals[id(orig)] = value
    for modname, mod in list(sys.modules.items()):
        if mod is None or not (modname == "tensorcore" or modname.startswith("tensorcore.")):
            continue
        if modname.startswith("tensorcore.amp"):
            continue
        d = getattr(mod, "__dict__", None)
        if not d:
            continue
        for name, value in list(d.items()):
            if callable(value) and id(value) in originals and originals[id(value)] is not value:
                d[name] = originals[id(value)]
