"""NumPy-style keyword aliases PyTorch accepts wherever an op takes `dim` /
`keepdim`: x.sum(axis=1, keepdims=True) means x.sum(dim=1, keepdim=True).

Installed once, after every Tensor method and tensorcore function exists, on
the Python-level ones whose signature has a `dim` or `keepdim` parameter.
"""
import functools
import inspect

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _accepting_aliases(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if kwargs:
            for alias, name in _ALIASES:
                if alias in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got both '{name}' and its alias '{alias}'")
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)
    call._accepts_numpy_aliases = True
    return call


def _takes_dim(fn):
    if not inspect.isfunction(fn) or getattr(fn, "_accepts_numpy_aliases", False):
        return False
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "dim" in params or "keepdim" in params


def with_numpy_aliases(fn):
    """fn, taking axis= / keepdims= too when it has a dim / keepdim parameter:
    for the Python implementations behind C++ fast paths (Note [Fast shape
    methods]), which install() cannot see through."""
    return _accepting_aliases(fn) if _takes_dim(fn) else fn


def install(tensor_cls, namespace):
    for name, fn in list(vars(tensor_cls).items()):
        if _takes_dim(fn):
            setattr(tensor_cls, name, _accepting_aliases(fn))
    for name, fn in list(namespace.items()):
        if not name.startswith("_") and _takes_dim(fn):
            namespace[name] = _accepting_aliases(fn)
