"""Custom differentiable ops: subclass Function with static forward/backward."""
from __future__ import annotations
from typing import Any
import functools

from .. import _C


class FunctionCtx:
    """The `ctx` passed to forward and backward."""

    def __init__(self) -> None:
        self._to_save = ()
        self._saved_unpacked = None
        self._saved_sparse = None
        self.needs_input_grad = ()
        self._non_differentiable = ()
        self._dirty = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Any) -> None:
        self._to_save = tensors

    @property
    def saved_tensors(self) -> Any:
        if self._saved_unpacked is None:
            if self._to_save:
                return tuple(self._to_save)
            raise RuntimeError("saved_tensors is only available inside backward() after save_for_backward()")
        if self._saved_sparse is not None:
            # A sparse COO tensor is a Python subclass whose C++ part is a
            # placeholder (tensorcore/sparse/_coo.py): hand back the object.
            return tuple(o if o is not None else t for o, t in zip(self._saved_sparse, self._saved_unpacked))
        return self._saved_unpacked

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: Any) -> None:
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Any) -> None:
        """Tensors forward modified in place: returned as the same objects,
        their history continuing through this Function."""
        self._dirty = tensors


class Function:
    """Define `forward(ctx, *args)` and `backward(ctx, *grads)` as staticmethods,
    then call `MyFunction.apply(*args)`."""

    # tensorcore has no vmap transform; the attribute exists because
    # Functions written for torch.func set or read it.
    generate_vmap_rule = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import warnings
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, so "
                      "you should invoke them on the class itself. Instantiating an autograd function will raise an "
                      "error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @staticmethod
    def vmap(info: Any, in_dims: Any, *args: Any) -> Any:
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap staticmethod "
                                  "or set generate_vmap_rule=True.")

    @staticmethod
    def setup_context(ctx: Any, inputs: Any, output: Any) -> Any:
        """New-style Functions define forward(*args) without ctx and fill ctx here."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        from .. import Tensor, no_grad
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        new_style = cls.setup_context is not Function.setup_context
        if new_style:
            # setup_context sees every argument of forward, defaults included (as PyTorch binds them).
            signature = cls.__dict__.get("_forward_signature")
            if signature is None:  # computed once per Function class
                import inspect
                signature = inspect.signature(cls.forward)
                cls._forward_signature = signature
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
            ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if new_style:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        needs = _C.is_grad_enabled() and any(ctx.needs_input_grad)
        if not needs:
            return out
        _check_saved_and_dirty(ctx, outs)
        for d in ctx._dirty:
            if isinstance(d, Tensor) and d.is_leaf and d.requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        inputs = {id(a) for a in args if isinstance(a, Tensor)}
        # Note [View creation meta] (csrc/autograd/inplace.cpp): a user Function's outputs that are views
        # refuse in-place writes. tensorcore's own Functions (a _node_name) stand for PyTorch's built-in ops,
        # whose outputs do not; BackwardHookFunction, a custom Function in PyTorch too, opts in.
        marks_views = getattr(cls, "_custom_function_views", not getattr(cls, "_node_name", None))
        fixed, non_differentiable = [], []
        for o in outs:
            if isinstance(o, Tensor) and any(o is n for n in ctx._non_differentiable):
                non_differentiable.append(o)  # by identity before the alias below replaces an input
            # An input returned as-is must not lose its own history: the output is a view of it (as
            # PyTorch's view_as), which refuses in-place writes below.
            if isinstance(o, Tensor) and id(o) in inputs and not any(o is d for d in ctx._dirty):
                o = o.detach() if not marks_views else o.view_as(o)
                if non_differentiable and non_differentiable[-1] is outs[len(fixed)]:
                    non_differentiable[-1] = o
            fixed.append(o)
        tensor_outs = [o for o in fixed if isinstance(o, Tensor)]
        # Every tensor output gets a gradient slot in backward (as PyTorch);
        # non-differentiable ones are then cut off the graph.
        name = getattr(cls, "_node_name", None) or cls.__name__ + "Backward"
        if getattr(cls, "_node_name", None):
            from .graph import builtin_function_nodes  # tensorcore's own: printed without the custom prefix
            builtin_function_nodes.add(name)
        tensor_positions = [i for i, o in enumerate(fixed) if isinstance(o, Tensor)]
        backward = _checked_backward(cls.backward, name, args, tensor_positions, len(fixed))
        node = _C._make_function_node(name, ctx, backward, list(args), tensor_outs,
                                      [t if isinstance(t, Tensor) else None for t in ctx._to_save])
        for o in tensor_outs:
            if any(o is n for n in non_differentiable) or not (o.dtype.is_floating_point or o.dtype.is_complex):
                o._drop_history()
            elif marks_views and not any(o is d for d in ctx._dirty):
                o._mark_custom_function_view()
        if any(getattr(t, "is_sparse", False) for t in ctx._to_save):
            ctx._saved_sparse = tuple(t if getattr(t, "is_sparse", False) else None for t in ctx._to_save)
        ctx._to_save = ()
        del node
        return fixed[0] if single else tuple(fixed)


class InplaceFunction(Function):
    """Legacy base for Functions that may work in place (an `inplace` flag)."""

    def __init__(self, inplace: Any = False) -> None:
        super().__init__()
        self.inplace = inplace


def _check_saved_and_dirty(ctx, outs):
    """What PyTorch checks once forward has run and a graph is recorded: only
    tensors (or None) can be saved, and an input marked dirty (modified in
    place) must be returned, since its history continues through the output."""
    from .. import Tensor
    for i, t in enumerate(ctx._to_save):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                            f"{type(t).__name__}")
    if any(not any(d is o for o in outs) for d in ctx._dirty):
        raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                           "The inputs that are modified inplace must all be outputs of the Function.")


def _checked_backward(backward, name, args, tensor_positions, n_outputs):
    """The user's backward, with the checks PyTorch's engine makes on what it
    returns: each gradient a tensor or None, no gradient for an input that was
    not a tensor, no complex gradient for a real input, and a shape the
    input's shape expands to (a larger gradient is summed down by the engine).
    (The count of gradients is checked by the node itself.)

    The node has a slot per tensor output; backward receives one gradient
    per output of forward, None for those that are not tensors (PyTorch)."""
    from .. import Tensor

    @functools.wraps(backward)
    def run(ctx, *grads):
        if len(tensor_positions) != n_outputs:
            spread = [None] * n_outputs
            for position, g in zip(tensor_positions, grads):
                spread[position] = g
            grads = tuple(spread)
        result = backward(ctx, *grads)
        for i, g in enumerate(result if isinstance(result, tuple) else (result,)):
            if g is None:
                continue
            if not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if i < len(args) and not isinstance(args[i], Tensor):
                raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, "
                                   "but the corresponding forward input was not a Variable")
            if i < len(args) and g.is_complex() and not args[i].is_complex():
                raise RuntimeError("Expected isFloatingType(grad.scalar_type()) || (input_is_complex == "
                                   "grad_is_complex) to be true, but got false.")
            if i < len(args) and g.shape != args[i].shape and not _expands_to(args[i].shape, g.shape):
                raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got {list(g.shape)} "
                                   f"but expected shape compatible with {list(args[i].shape)}")
        return result
    return run


def _expands_to(shape, target):
    """Whether `shape` broadcasts to exactly `target` (PyTorch's is_expandable_to)."""
    if len(shape) > len(target):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(target)))


def once_differentiable(backward: Any) -> Any:
    """Decorator for a backward that is not itself differentiable: it runs
    with grad mode off."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        from .. import no_grad
        with no_grad():
            return backward(ctx, *grads)
    return wrapper
