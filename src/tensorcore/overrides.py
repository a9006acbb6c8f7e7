"""torch.overrides: the __torch_function__ protocol's entry points for code that dispatches by hand.

Code copied out of torch.nn.functional (custom MultiheadAttention forwards, fairseq-style layers) starts with
``if has_torch_function(tensors): return handle_torch_function(fn, tensors, *args)``. tensorcore's own ops do not
dispatch through __torch_function__, and its Tensor defines none; these functions implement the protocol for the
objects that do define one (tensor-likes and Tensor subclasses), with PyTorch's rules: the overloaded arguments are
taken left to right, one per type, a subclass before its base; each one's __torch_function__ is tried in turn until
one returns something other than NotImplemented.
"""
import functools

__all__ = ["handle_torch_function", "has_torch_function", "has_torch_function_unary", "has_torch_function_variadic",
           "is_tensor_like", "wrap_torch_function"]


def _tensor_type():
    import tensorcore
    return tensorcore.Tensor


def _overrides(t):
    return getattr(t, "__torch_function__", None) is not None


def is_tensor_like(inp):
    """A Tensor, or an object whose type defines __torch_function__."""
    return type(inp) is _tensor_type() or _overrides(type(inp))


def has_torch_function(relevant_args):
    """Whether any argument's type defines __torch_function__ (plain tensors do not ask for dispatch)."""
    return any(_overrides(type(a)) for a in relevant_args)


def has_torch_function_unary(a):
    return _overrides(type(a))


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def _overloaded_args(relevant_args):
    tensor = _tensor_type()
    types, args = [], []
    for a in relevant_args:
        t = type(a)
        if t in types or not (_overrides(t) or isinstance(a, tensor)):
            continue
        # A subclass goes before the first of its bases already collected.
        at = next((i for i, u in enumerate(types) if issubclass(t, u)), len(types))
        types.insert(at, t)
        args.insert(at, a)
    return types, args


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Calls the __torch_function__ overrides of relevant_args for public_api(*args, **kwargs)."""
    types, overloaded = _overloaded_args(relevant_args)
    for arg in overloaded:
        method = getattr(type(arg), "__torch_function__", None)
        if method is None:  # a plain tensorcore Tensor: no override of its own
            continue
        result = method(public_api, tuple(types), args, kwargs)
        if result is not NotImplemented:
            return result
    import tensorcore
    short = getattr(public_api, "__name__", repr(public_api))
    # PyTorch names a torch.* function by its public module ('torch.add'), not where it is defined.
    module = "tensorcore" if getattr(tensorcore, short, None) is public_api else getattr(public_api, "__module__", "")
    name = f"{module}.{short}"
    raise TypeError(f"no implementation found for '{name}' on types that implement __torch_function__: "
                    f"{[type(a) for a in overloaded]}")


def wrap_torch_function(dispatcher):
    """Decorator: func dispatches to __torch_function__ for the arguments dispatcher(*args, **kwargs) names."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner
