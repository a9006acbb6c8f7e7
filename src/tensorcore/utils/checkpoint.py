"""torch.utils.checkpoint: trade compute for memory by recomputing a segment in the backward pass.

Note [Two checkpoint variants]
``use_reentrant=True`` (and, with PyTorch's UserWarning, ``use_reentrant=None``) is a custom
autograd Function: the segment runs under no_grad, its inputs are kept, and its backward reruns
the segment with grad enabled on detached copies of the inputs and backpropagates through that
(Note [Reentrant checkpoint needs a plain backward]). As in PyTorch, only tensors passed as
inputs get gradients through it when at least one of them requires grad; with none requiring
grad the outputs do not require grad (parameters inside get no gradient) and a UserWarning says
so. The generator state at the forward is replayed for the recomputation, so dropout draws the
same mask, and the global stream is left where the forward left it (fork_rng).

``use_reentrant=False`` in PyTorch keeps no activations either and recomputes them through
saved-tensor hooks, which tensorcore's C++ engine does not have. Its results do not depend on
the recomputation (same values, same gradients, autograd.grad and parameters work, the
generator stream advances once), so here the segment simply runs with autograd recording:
every result is PyTorch's, only the memory saving is absent.
"""
import warnings

from .. import Tensor, autograd, enable_grad, get_rng_state, is_autocast_enabled, get_autocast_dtype, autocast
from ..random import fork_rng, set_rng_state

__all__ = ["checkpoint", "checkpoint_sequential", "detach_variable", "check_backward_validity",
           "noop_context_fn"]

_PASS_USE_REENTRANT = ("{name}: the use_reentrant parameter should be passed explicitly. {when} "
                       "use_reentrant=False is recommended, but if you need to preserve the current default "
                       "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                       "differences between the two variants.")


def noop_context_fn():
    import contextlib
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for inp in inputs:
        if not isinstance(inp, Tensor):
            out.append(inp)
            continue
        x = inp.detach()
        x.requires_grad = inp.requires_grad
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


class CheckpointFunction(autograd.Function):
    """The reentrant variant (Note [Two checkpoint variants])."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.autocast_state = (is_autocast_enabled("cpu"), get_autocast_dtype("cpu"))
        if preserve_rng_state:
            ctx.forward_rng_state = get_rng_state()
        # Tensors go through save_for_backward (version-checked), everything else stays as given.
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grad_outputs):
        if not autograd._is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an "
                "`inputs` parameter to .backward(). To resolve this error, you can either set "
                "use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        inputs = list(ctx.inputs)
        for position, tensor in zip(ctx.tensor_positions, ctx.saved_tensors):
            inputs[position] = tensor
        with fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                set_rng_state(ctx.forward_rng_state)
            detached = detach_variable(tuple(inputs))
            enabled, dtype = ctx.autocast_state
            with enable_grad(), autocast("cpu", dtype=dtype, enabled=enabled):
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        with_grad = [(o, g) for o, g in zip(outputs, grad_outputs) if isinstance(o, Tensor) and o.requires_grad]
        if not with_grad:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        autograd.backward([o for o, _ in with_grad], [g for _, g in with_grad])
        grads = tuple(inp.grad if isinstance(inp, Tensor) else None for inp in detached)
        return (None, None) + grads


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """Runs ``function(*args, **kwargs)`` without keeping its activations (Note [Two checkpoint variants])."""
    if use_reentrant is None:
        warnings.warn(_PASS_USE_REENTRANT.format(
            name="torch.utils.checkpoint", when="Starting in PyTorch 2.9, calling checkpoint without "
            "use_reentrant will raise an exception."), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check != "default" and determinism_check != "none":
        raise ValueError("determinism_check should be one of ['default', 'none'], but got " + str(determinism_check))
    forward_context, _recompute_context = context_fn()
    with forward_context:
        return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoints all but the last of `segments` runs of consecutive modules of `functions`."""
    from ..nn import Sequential
    if use_reentrant is None:
        warnings.warn(_PASS_USE_REENTRANT.format(
            name="torch.utils.checkpoint.checkpoint_sequential", when="In version 2.9 we will raise an exception "
            "if use_reentrant is not passed."), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if isinstance(functions, Sequential):
        functions = list(functions.children())

    def run(first, last):
        def forward(x):
            for f in functions[first:last + 1]:
                x = f(x)
            return x
        return forward

    per_segment = len(functions) // segments
    last = -1
    # Every segment but the last is checkpointed; the last one keeps its graph (its output is returned).
    for first in range(0, per_segment * (segments - 1), per_segment):
        last = first + per_segment - 1
        input = checkpoint(run(first, last), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(last + 1, len(functions) - 1)(input)
