"""tensorcore.utils.checkpoint: activation checkpointing (checkpoint,
checkpoint_sequential).

Note [checkpoint variants]
use_reentrant=True (PyTorch's default when the argument is left out, with a
warning) runs the function under no_grad inside a custom autograd Function
(`CheckpointFunctionBackward`); its backward runs the function again with
grad enabled, from the same RNG and autocast state, and backpropagates
through that recomputation. As in PyTorch, the output only requires grad when
some *tensor argument* does (parameters used inside the function do not
count), and a module's parameters get their gradients from the inner
backward.

use_reentrant=False: the ordinary graph is kept (the output's grad_fn is that
of the function's last op); only what is saved changes, as in PyTorch. The
function runs under saved-tensor hooks (Note [Saved-tensor hooks]) whose pack
hook keeps a small holder instead of each tensor the graph would save (Note
[non-reentrant checkpoint]). The first unpack of a holder in a backward runs
the function again, from the forward's RNG and autocast state, under hooks
that put each tensor the recomputation saves into the holder of the same
position; the backward then uses those, re-attached to the original graph.
So the activations inside the function are freed after the forward and
rebuilt once per backward, and values and gradients are the same as without
checkpointing.
"""
from __future__ import annotations
from typing import Any
import threading
import warnings

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "detach_variable", "check_backward_validity",
           "noop_context_fn", "get_device_states", "set_device_states"]


class CheckpointError(RuntimeError):
    """Raised by non-reentrant checkpointing when the recomputation differs."""


def noop_context_fn():
    import contextlib
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: Any) -> Any:
    """The tuple with each tensor detached, keeping its requires_grad."""
    from .. import Tensor
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for item in inputs:
        if isinstance(item, Tensor):
            detached = item.detach()
            detached.requires_grad = item.requires_grad
            item = detached
        out.append(item)
    return tuple(out)


def check_backward_validity(inputs: Any) -> None:
    from .. import Tensor
    if not any(t.requires_grad for t in inputs if isinstance(t, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


def _accelerator_device_ids(args):
    """The device indices of the accelerator tensors among args (nested in tuples, lists and dicts), in order."""
    import tensorcore
    ids = []

    def visit(a):
        if isinstance(a, tensorcore.Tensor):
            if a.device.type not in ("cpu", "meta"):
                ids.append(a.get_device())
        elif isinstance(a, (tuple, list)):
            for item in a:
                visit(item)
        elif isinstance(a, dict):
            for item in a.values():
                visit(item)
    visit(args)
    return ids


def get_device_states(*args: Any) -> Any:
    """(device ids, RNG states) of the accelerators args' tensors live on, for set_device_states to restore.
    Reversible networks (reformer-pytorch's ReversibleBlock, revtorch) call it in forward so that the dropout of
    the recomputation in backward draws the same masks; with CPU tensors only, as here, both lists are empty and
    the CPU generator is saved by the caller (torch.get_rng_state)."""
    ids = _accelerator_device_ids(args)
    if ids:
        raise NotImplementedError("get_device_states: saving the RNG state of an accelerator is not supported by "
                                  "tensorcore's CUDA backend yet (it has no device generator)")
    return ids, []


def set_device_states(devices: Any, states: Any, *, device_type: Any = None) -> None:
    """Restores what get_device_states saved (nothing for CPU-only arguments)."""
    if list(zip(devices, states)):
        raise NotImplementedError("set_device_states: restoring the RNG state of an accelerator is not supported by "
                                  "tensorcore's CUDA backend yet (it has no device generator)")


def _autocast_state():
    from .. import get_autocast_dtype, is_autocast_enabled
    return is_autocast_enabled("cpu"), get_autocast_dtype("cpu")


def _make_checkpoint_function():
    from ..autograd import Function, backward as run_backward
    from .. import Tensor, enable_grad, get_rng_state, set_rng_state, no_grad
    from ..amp import autocast

    class CheckpointFunction(Function):
        """See Note [checkpoint variants] (use_reentrant=True)."""

        @staticmethod
        def forward(ctx, run_function, preserve_rng_state, *args):
            check_backward_validity(args)
            ctx.run_function = run_function
            ctx.preserve_rng_state = preserve_rng_state
            ctx.autocast_state = _autocast_state()
            if preserve_rng_state:
                ctx.forward_rng_state = get_rng_state()
            ctx.non_tensor_args = [None if isinstance(a, Tensor) else a for a in args]
            ctx.tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
            ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
            with no_grad():
                return run_function(*args)

        @staticmethod
        def backward(ctx, *grad_outputs):
            from ..autograd import _is_checkpoint_valid
            if not _is_checkpoint_valid():  # Note [reentrant checkpoint validity]
                raise RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or "
                                   "passing an `inputs` parameter to .backward(). To resolve this error, you can "
                                   "either set use_reentrant=False, or call .backward() without passing the `inputs` "
                                   "argument.")
            args = list(ctx.non_tensor_args)
            for position, saved in zip(ctx.tensor_positions, ctx.saved_tensors):
                args[position] = saved
            # The recomputation must draw the same random numbers as the
            # forward did (dropout masks), without disturbing the caller's
            # stream afterwards.
            caller_rng_state = get_rng_state() if ctx.preserve_rng_state else None
            try:
                if ctx.preserve_rng_state:
                    set_rng_state(ctx.forward_rng_state)
                detached = detach_variable(tuple(args))
                enabled, dtype = ctx.autocast_state
                with enable_grad(), autocast("cpu", enabled=enabled, dtype=dtype):
                    outputs = ctx.run_function(*detached)
            finally:
                if caller_rng_state is not None:
                    set_rng_state(caller_rng_state)
            if isinstance(outputs, Tensor):
                outputs = (outputs,)
            pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if isinstance(o, Tensor) and o.requires_grad]
            if not pairs:
                raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
            run_backward([o for o, _ in pairs], [g for _, g in pairs])
            return (None, None) + tuple(d.grad if isinstance(d, Tensor) else None for d in detached)

    return CheckpointFunction


_checkpoint_function = None


def checkpoint(function: Any, *args: Any, use_reentrant: Any = None, context_fn: Any = noop_context_fn,
               determinism_check: Any = "default", debug: Any = False, early_stop: Any = True, **kwargs: Any) -> Any:
    """Runs function(*args, **kwargs); see Note [checkpoint variants]."""
    global _checkpoint_function
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if _checkpoint_function is None:
            _checkpoint_function = _make_checkpoint_function()
        return _checkpoint_function.apply(function, preserve, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, early_stop, args, kwargs)


# Note [non-reentrant checkpoint]
# Each tensor the forward saves gets a _Holder (its position in save order and
# its metadata). A recomputation replays the function and stores its i-th
# saved tensor (detached) in holder i; with early_stop it stops, by raising
# _StopRecomputation from the pack hook, once every holder is filled, so code
# after the last saving op does not run again (PyTorch's default). A holder's
# tensor is handed out once and dropped, so memory goes back as backward
# proceeds, and a later backward through a retained graph recomputes again.
# A checkpoint called while another one is running forward or recomputing
# runs its function directly: the outer hooks then see the same saves in
# both runs, which keeps the positions aligned.
class _Holder:
    __slots__ = ("index", "meta", "tensor", "__weakref__")

    def __init__(self, index, meta):
        self.index, self.meta, self.tensor = index, meta, None


class _StopRecomputation(Exception):
    pass


class _ActiveCount(threading.local):
    """Checkpoints running forward or recomputing in this thread (see the Note):
    per thread, like the saved-tensor hooks they install, so two threads
    checkpointing at once each get their own hooks (PyTorch's is per thread too)."""
    n = 0


_active = _ActiveCount()


def _checkpoint_without_reentrant(function, preserve_rng_state, context_fn, determinism_check, early_stop, args,
                                  kwargs):
    from .. import enable_grad, get_rng_state, set_rng_state
    from ..amp import autocast
    from ..autograd.graph import saved_tensors_hooks

    forward_context, recompute_context = context_fn()
    if _active.n:
        with forward_context:
            return function(*args, **kwargs)
    holders = []
    rng_state = get_rng_state() if preserve_rng_state else None
    autocast_enabled, autocast_dtype = _autocast_state()

    def metadata(t):
        return (tuple(t.shape), t.dtype, t.device)

    def pack(t):
        holder = _Holder(len(holders), metadata(t))
        holders.append(holder)
        return holder

    def recompute():
        filled = [0]

        def pack_recomputed(t):
            i = filled[0]
            filled[0] += 1
            if i >= len(holders):
                return None  # more saves than the forward made: reported below if determinism_check
            holder = holders[i]
            if determinism_check == "default" and metadata(t) != holder.meta:
                raise CheckpointError(
                    "torch.utils.checkpoint: Recomputed values for the following tensors have different metadata "
                    f"than during the forward pass.\ntensor at position {i}:\nsaved metadata: "
                    f"{_describe(holder.meta)}\nrecomputed metadata: {_describe(metadata(t))}\n")
            holder.tensor = t.detach()
            if early_stop and filled[0] == len(holders):
                raise _StopRecomputation
            return None

        caller_rng_state = get_rng_state() if preserve_rng_state else None
        _active.n += 1
        try:
            if preserve_rng_state:
                set_rng_state(rng_state)
            with saved_tensors_hooks(pack_recomputed, lambda _: None), enable_grad(), \
                    autocast("cpu", enabled=autocast_enabled, dtype=autocast_dtype), recompute_context:
                function(*args, **kwargs)
        except _StopRecomputation:
            pass
        finally:
            _active.n -= 1
            if caller_rng_state is not None:
                set_rng_state(caller_rng_state)
        if filled[0] < len(holders) and determinism_check == "default":
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the original forward and "
                f"recomputation.\nNumber of tensors saved during forward: {len(holders)}\n"
                f"Number of tensors saved during recomputation: {filled[0]}.\n")

    def unpack(holder):
        if holder.tensor is None:
            recompute()
        if holder.tensor is None:
            raise CheckpointError("torch.utils.checkpoint: Unpack is being triggered for a tensor that was already "
                                  "unpacked once. If you are calling ctx.saved_tensors in backward, make sure to do "
                                  "so only once. Otherwise please open an issue with details on your use case.")
        t, holder.tensor = holder.tensor, None
        return t

    _active.n += 1
    try:
        with saved_tensors_hooks(pack, unpack), forward_context:
            return function(*args, **kwargs)
    finally:
        _active.n -= 1


def _describe(meta):
    shape, dtype, device = meta
    return f"{{'shape': torch.Size({list(shape)}), 'dtype': {dtype}, 'device': device(type='{device.type}')}}"


def checkpoint_sequential(functions: Any, segments: Any, input: Any, use_reentrant: Any = None, **kwargs: Any) -> Any:
    """Runs a sequence of modules/functions, checkpointing all segments but the last."""
    from ..nn import Sequential
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_segment(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_segment(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_segment(end + 1, len(functions) - 1)(input)
