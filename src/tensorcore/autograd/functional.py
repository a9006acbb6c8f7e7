"""tensorcore.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp.

Everything here is built on reverse mode (`autograd.grad`). Forward-mode
products (jvp, hvp) use the double-backward trick: the gradient of
``g -> J^T g`` with respect to ``g`` is ``J``, so differentiating the first
backward pass with respect to its (dummy) grad_output gives ``J v``.

Note [functional inputs are fresh tensors]
Each input is replaced by a new tensor object before `func` runs (a view
when create_graph=True and the input requires grad, so gradients still reach
the caller's graph; a detached copy otherwise). The derivatives are then taken
with respect to these objects only, so a tensor that `func` captures from its
closure (even the same tensor the caller passed in) is a constant, as in
PyTorch. Results are detached unless create_graph=True.
"""
from __future__ import annotations
from typing import Any

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _tensors_of(value, arg_name, fn_name):
    """(was_tuple, tuple of tensors); TypeError naming the bad element."""
    from .. import Tensor
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if was_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the {where} has type {type(item)}.")
    return was_tuple, items


def _unwrap(result, was_tuple):
    return result if was_tuple else result[0]


def _unwrap2(result, outer_was_tuple, inner_was_tuple):
    """Undo two levels of tupling (outputs x inputs) for jacobian/hessian."""
    if not inner_was_tuple:
        result = tuple(row[0] for row in result)
    return result if outer_was_tuple else result[0]


def _fresh_inputs(tensors, create_graph, need_graph):
    """See Note [functional inputs are fresh tensors]."""
    fresh = []
    for t in tensors:
        if create_graph and t.requires_grad:
            fresh.append(t.clone() if getattr(t, "is_sparse", False) else t.view_as(t))
        else:
            fresh.append(t.detach().requires_grad_(need_graph))
    return tuple(fresh)


def _finish(tensors, create_graph):
    """Detach results (recursively through tuples) unless create_graph."""
    from .. import Tensor
    if create_graph:
        return tensors
    return tuple(t.detach() if isinstance(t, Tensor) else _finish(t, create_graph) for t in tensors)


def _check_v(v, reference, reference_was_tuple):
    if len(v) != len(reference):
        if reference_was_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(reference)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (vi, ri) in enumerate(zip(v, reference)):
        if vi.size() != ri.size():
            prefix = f"Entry {i} in " if reference_was_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {ri.size()} but got {vi.size()}.")


_STRICT_REQUIRES_GRAD = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The outputs must be computed "
                "in a differentiable manner from the input when running in strict mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the user-provided "
                    "function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided function with respect "
                 "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                 "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                 "would be violated by a linear function for example)."),
    "hessian": ("The hessian of the user-provided function with respect to input {i} is independent of the input. "
                "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
                "and that the hessian depends on the inputs."),
}


def _strict_requires_grad(tensors, kind, strict):
    """In strict mode every tensor must be present and carry a graph."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_STRICT_REQUIRES_GRAD[kind].format(i=i))


def _grad_skipping_constants(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad (None for the
    others); all None when no output does."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return grad([o for o, _ in kept], list(inputs), [g for _, g in kept], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict mode.",
    "back_trick": ("The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                   "using the double backward trick to compute forward mode gradients. This is not allowed in strict "
                   "mode."),
    "double_back": ("The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                    "strict mode."),
    "double_back_trick": ("The hessian of the user-provided function is independent of entry {i} in the "
                          "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                          "backward trick to replace forward mode AD."),
}


def _zeros_for_missing(grads, references, strict, create_graph, stage):
    """Replace a None gradient by zeros shaped like its reference (an error
    in strict mode, where independence from an input is not allowed)."""
    from .. import zeros_like
    filled = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_NONE[stage].format(i=i))
            g = zeros_like(references[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode when create_graph=True.")
        filled.append(g)
    return tuple(filled)


def _prepare_v(v, reference, reference_was_tuple, fn_name, create_graph, none_message):
    if v is None:
        if len(reference) != 1 or reference[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _tensors_of(v, "v", fn_name)
    v = _fresh_inputs(v, create_graph, need_graph=False)
    _check_v(v, reference, reference_was_tuple)
    return v


def vjp(func: Any, inputs: Any, v: Any = None, create_graph: Any = False, strict: Any = False) -> Any:
    """(func(inputs), v^T J): the vector-Jacobian product at `inputs`."""
    from .. import enable_grad, is_grad_enabled, set_grad_enabled
    with enable_grad():
        inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "vjp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_were_tuple, outputs = _tensors_of(outputs, "outputs of the user-provided function", "vjp")
        _strict_requires_grad(outputs, "outputs", strict)
        v = _prepare_v(v, outputs, outputs_were_tuple, "vjp", create_graph,
                       "The vector v can only be None if the user-provided function returns a single Tensor with a "
                       "single element.")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad_skipping_constants(outputs, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "back")
    return (_unwrap(_finish(outputs, create_graph), outputs_were_tuple),
            _unwrap(_finish(result, create_graph), inputs_were_tuple))


def jvp(func: Any, inputs: Any, v: Any = None, create_graph: Any = False, strict: Any = False) -> Any:
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick."""
    from .. import enable_grad, zeros_like
    with enable_grad():
        inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "jvp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_were_tuple, "jvp", create_graph,
                       "The vector v can only be None if the input to the user-provided function is a single Tensor "
                       "with a single element.")
        outputs = func(*inputs)
        outputs_were_tuple, outputs = _tensors_of(outputs, "outputs of the user-provided function", "jvp")
        _strict_requires_grad(outputs, "outputs", strict)
        # The first backward is linear in its grad_outputs, so their value is
        # irrelevant (zeros keep inf/nan out); only their graph matters.
        dummy_grad_outputs = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grad_skipping_constants(outputs, inputs, dummy_grad_outputs, create_graph=True)
        _strict_requires_grad(grad_inputs, "grad_inputs", strict)
    if create_graph:
        with enable_grad():
            grads = _grad_skipping_constants(grad_inputs, dummy_grad_outputs, v, create_graph=True)
    else:
        grads = _grad_skipping_constants(grad_inputs, dummy_grad_outputs, v, create_graph=False)
    result = _zeros_for_missing(grads, outputs, strict, create_graph, "back_trick")
    return (_unwrap(_finish(outputs, create_graph), outputs_were_tuple),
            _unwrap(_finish(result, create_graph), outputs_were_tuple))


def jacobian(func: Any, inputs: Any, create_graph: Any = False, strict: Any = False, vectorize: Any = False,
             strategy: Any = "reverse-mode") -> Any:
    """The Jacobian of func at inputs: for output i and input j a tensor of
    shape output_i.shape + input_j.shape (tuples dropped where func's
    outputs / the inputs were single tensors).

    vectorize and strategy="forward-mode" give the same values as the
    default here: both are computed one output element at a time in reverse
    mode (PyTorch batches them with vmap, which changes speed, not values)."""
    from .. import enable_grad, stack, zeros_like
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                             'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                             'prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                      '`create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian "
                                      "isonly implemented for `vectorize=True`.")
    with enable_grad():
        inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "jacobian")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_were_tuple, outputs = _tensors_of(outputs, "outputs of the user-provided function", "jacobian")
        _strict_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        rows = []
        for i, out in enumerate(outputs):
            per_input = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(out.nelement()):
                grads = _grad_skipping_constants((flat[k],), inputs, retain_graph=True, create_graph=create_graph)
                for j, (g, inp) in enumerate(zip(grads, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{j}. This is not allowed in strict mode.")
                        g = zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                           "This is not allowed in strict mode when create_graph=True.")
                    per_input[j].append(g)
            rows.append(tuple(stack(gs, 0).view(out.size() + inputs[j].size()) for j, gs in enumerate(per_input)))
        return _unwrap2(_finish(tuple(rows), create_graph), outputs_were_tuple, inputs_were_tuple)


def hessian(func: Any, inputs: Any, create_graph: Any = False, strict: Any = False, vectorize: Any = False,
            outer_jacobian_strategy: Any = "reverse-mode") -> Any:
    """The Hessian of a function returning a single-element tensor: for
    inputs i, j a tensor of shape input_i.shape + input_j.shape."""
    from .. import Tensor
    inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*xs):
        out = func(*xs)
        out_was_tuple, outs = _tensors_of(out, "outputs of the user-provided function", "hessian")
        _strict_requires_grad(outs, "outputs", strict)
        if out_was_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*xs):
        if outer_jacobian_strategy == "forward-mode":
            xs = tuple(x.requires_grad_(True) for x in xs)
        g = jacobian(scalar_func, xs, create_graph=True)
        _strict_requires_grad(g, "jacobian", strict)
        return g

    # Both jacobians see the inputs as a tuple, so the result is a tuple
    # (over inputs i) of tuples (over inputs j), unwrapped at the end.
    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    if outer_jacobian_strategy == "forward-mode":
        # PyTorch's forward-over-reverse Hessian comes back requiring grad (its graph leaks into the result)
        result = tuple(tuple(h.requires_grad_() if h.is_floating_point() else h for h in row) for row in result)
    return _unwrap2(result, inputs_were_tuple, inputs_were_tuple)


def _scalar_output(func, inputs, fn_name, strict):
    from .. import Tensor
    outputs = func(*inputs)
    outputs_were_tuple, outputs = _tensors_of(outputs, "outputs of the user-provided function", fn_name)
    _strict_requires_grad(outputs, "outputs", strict)
    if outputs_were_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    return outputs_were_tuple, outputs


_V_NONE_SCALAR_INPUT = ("The vector v can only be None if the input to the user-provided function is a single Tensor "
                        "with a single element.")


def vhp(func: Any, inputs: Any, v: Any = None, create_graph: Any = False, strict: Any = False) -> Any:
    """(func(inputs), v^T H) for a function returning a single-element tensor."""
    from .. import enable_grad, is_grad_enabled, set_grad_enabled
    with enable_grad():
        inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "vhp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_were_tuple, "vhp", create_graph, _V_NONE_SCALAR_INPUT)
        outputs_were_tuple, outputs = _scalar_output(func, inputs, "vhp", strict)
        first = _grad_skipping_constants(outputs, inputs, create_graph=True)
        _strict_requires_grad(first, "jacobian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad_skipping_constants(first, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back")
    return (_unwrap(_finish(outputs, create_graph), outputs_were_tuple),
            _unwrap(_finish(result, create_graph), inputs_were_tuple))


def hvp(func: Any, inputs: Any, v: Any = None, create_graph: Any = False, strict: Any = False) -> Any:
    """(func(inputs), H v), by the double-backward trick on vhp's graph."""
    from .. import enable_grad, is_grad_enabled, set_grad_enabled, zeros_like
    with enable_grad():
        inputs_were_tuple, inputs = _tensors_of(inputs, "inputs", "hvp")
        inputs = _fresh_inputs(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_were_tuple, "hvp", create_graph, _V_NONE_SCALAR_INPUT)
        outputs_were_tuple, outputs = _scalar_output(func, inputs, "hvp", strict)
        first = _grad_skipping_constants(outputs, inputs, create_graph=True)
        _strict_requires_grad(first, "jacobian", strict)
        dummy = tuple(zeros_like(x, requires_grad=True) for x in inputs)
        second = _grad_skipping_constants(first, inputs, dummy, create_graph=True)
        _strict_requires_grad(first, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _grad_skipping_constants(second, dummy, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back_trick")
    return (_unwrap(_finish(outputs, create_graph), outputs_were_tuple),
            _unwrap(_finish(result, create_graph), inputs_were_tuple))
