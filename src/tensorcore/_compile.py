"""tensorcore.compile: accepted and a no-op.

tensorcore has no graph compiler. `compile(model)` returns `model` itself
(and `@compile(...)` returns the function unchanged), so programs written
for torch.compile run eagerly with the same results. Unlike PyTorch, the
returned module is not wrapped: its state_dict keys carry no "_orig_mod."
prefix. Arguments are checked as PyTorch checks them.
"""

__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,  # noqa: A001
            name=None, disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """Returns `model` unchanged (a no-op: tensorcore runs eagerly), or, when
    called without a model, a decorator that does."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if model is None:
        def decorator(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorator
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
