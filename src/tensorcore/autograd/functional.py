"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp of a Python function.

Note [Higher-order derivatives from reverse mode]
Everything here is built on autograd.grad. A Jacobian is one reverse pass per output element
(PyTorch's default, non-vectorized strategy; vectorize=True and the forward-mode strategies
give the same values, computed the same way here since there is no vmap). A Jacobian-vector
product uses the double-backward trick: u -> J^T u is linear in u, so differentiating it with
respect to a dummy u (zeros that require grad) in direction v gives J v. A Hessian is the
Jacobian of the gradient taken with create_graph=True, and hvp applies the same trick to the
gradient. Shapes and tuple-ness follow PyTorch: a Tensor argument gives Tensor results, a
tuple gives tuples; a Jacobian entry has shape output.shape + input.shape; an input the output
does not depend on gets zeros (or an error with strict=True).
"""
from .. import Tensor, stack, zeros_like
from . import grad as _grad, enable_grad, set_grad_enabled, is_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_OUTPUTS = "outputs of the user-provided function"


def _as_tuple(value, what, fn_name):
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, el in enumerate(values):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                                f"the value at index {i} has type {type(el)}.")
            raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                            f"given {what} has type {type(el)}.")
    return is_tuple, values


def _unpack(result, is_tuple_flags):
    """Tensor arguments give Tensor results: strip the tuple levels PyTorch strips."""
    if isinstance(is_tuple_flags, tuple):
        outputs_tuple, inputs_tuple = is_tuple_flags
        if not inputs_tuple:
            result = tuple(r[0] for r in result)
        if not outputs_tuple:
            result = result[0]
        return result
    return result if is_tuple_flags else result[0]


def _prepare(inputs, create_graph, need_graph):
    # With create_graph the caller's graph is kept (a view that records); otherwise fresh leaves.
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(values, create_graph):
    if create_graph:
        return values
    if isinstance(values, Tensor):
        return values.detach()
    return tuple(_finish(v, create_graph) for v in values)


def _check_v(v, refs, refs_tuple):
    if len(v) != len(refs):
        if refs_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el_ref) in enumerate(zip(v, refs)):
        if el_v.size() != el_ref.size():
            prefix = f"Entry {i} in " if refs_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {el_ref.size()} but got {el_v.size()}.")


_STRICT_REQUIRES_GRAD = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed "
               "in a differentiable manner from the input when running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect "
                "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                "would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
}


def _check_requires_grad(values, kind, strict):
    if not strict:
        return
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_STRICT_REQUIRES_GRAD[kind].format(i=i))


def _grads(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad; None for inputs nothing depends on."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return _grad([o for o, _ in kept], inputs, [g for _, g in kept], allow_unused=True,
                 create_graph=create_graph, retain_graph=retain_graph)


_STRICT_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
                         "This is not allowed in strict mode as it prevents from using the double backward trick to "
                         "replace forward mode AD.",
}
_STRICT_NO_GRAPH = {
    "back": "The jacobian of the user-provided function with respect to input {i} is independent of the input. "
            "This is not allowed in strict mode when create_graph=True.",
    "back_trick": "The jacobian of the user-provided function with respect to input {i} is independent of the "
                  "input. This is not allowed in strict mode when create_graph=True.",
    "double_back": "The hessian of the user-provided function with respect to input {i} is independent of the "
                   "input. This is not allowed in strict mode when create_graph=True.",
    "double_back_trick": "The hessian of the user-provided function with respect to input {i} is independent of "
                         "the input. This is not allowed in strict mode when create_graph=True.",
}


def _zeros_for_missing(grads, refs, strict, create_graph, stage):
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_INDEPENDENT[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(_STRICT_NO_GRAPH[stage].format(i=i))
        out.append(g)
    return tuple(out)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, _OUTPUTS, "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _prepare(v, create_graph, need_graph=False)
            _check_v(v, outputs, outputs_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                               "Tensor with a single element.")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _zeros_for_missing(_grads(outputs, inputs, v, create_graph=create_graph), inputs, strict,
                                    create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v) by the double-backward trick (Note [Higher-order derivatives from reverse mode])."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            v = _prepare(v, create_graph, need_graph=False)
            _check_v(v, inputs, inputs_tuple)
        elif len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, _OUTPUTS, "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        dummies = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        transposed = _grads(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(transposed, "grad_inputs", strict)
        with set_grad_enabled(True if create_graph else is_grad_enabled()):
            result = _zeros_for_missing(_grads(transposed, dummies, v, create_graph=create_graph), outputs, strict,
                                        create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """d func(inputs) / d inputs, one reverse pass per output element."""
    return _jacobian(func, inputs, create_graph, strict, vectorize, strategy)


def _jacobian(func, inputs, create_graph, strict, vectorize, strategy, attached=False):
    # attached: the result keeps its graph, as PyTorch's forward-over-reverse Hessian does (its forward-mode
    # outer Jacobian differentiates a gradient built with create_graph=True and is never detached).
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` and "
                                      '`strategy="forward-mode"` are not supported together (yet). Please either '
                                      'set `create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` '
                               'are not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
        _as_tuple(inputs, "inputs", "jacobian")
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        outputs_tuple, outputs = _as_tuple(outputs, _OUTPUTS, "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if vectorize and strict:
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        result = []
        for out in outputs:
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for k in range(out.nelement()):
                row = _grads((flat[k],), inputs, retain_graph=True, create_graph=create_graph or attached)
                for j, (g, inp) in enumerate(zip(row, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {len(result)} of the user-provided function is independent "
                                               f"of input {j}. This is not allowed in strict mode.")
                        g = zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError("The jacobian of the user-provided function is independent of input "
                                           f"{j}. This is not allowed in strict mode when create_graph=True.")
                    rows[j].append(g)
            result.append(tuple(
                stack(r, dim=0).view(out.size() + inp.size())
                for r, inp in zip(rows, inputs)))
        result = tuple(result) if attached else _finish(tuple(result), create_graph)
        return _unpack(result, (outputs_tuple, inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """Second derivatives of a scalar function: the Jacobian of its gradient."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_output(*inp):
        out = func(*inp)
        out_tuple, as_tuple = _as_tuple(out, _OUTPUTS, "hessian")
        _check_requires_grad(as_tuple, "outputs", strict)
        if out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(scalar_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = _jacobian(gradient, inputs, create_graph, strict, vectorize, outer_jacobian_strategy,
                       attached=outer_jacobian_strategy == "forward-mode")
    return _unpack(result, (inputs_tuple, inputs_tuple))


def _scalar_function_gradient(func, inputs, v, create_graph, strict, fn_name):
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prepare(inputs, create_graph, need_graph=True)
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _prepare(v, create_graph, need_graph=False)
        _check_v(v, inputs, inputs_tuple)
    elif len(inputs) != 1 or inputs[0].nelement() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")
    outputs = func(*inputs)
    outputs_tuple, outputs = _as_tuple(outputs, _OUTPUTS, fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    if outputs_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")
    jac = _grads(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, "jacobian", strict)
    return inputs_tuple, inputs, v, outputs, outputs_tuple, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) of a scalar function."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs, outputs_tuple, jac = _scalar_function_gradient(
            func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _zeros_for_missing(_grads(jac, inputs, v, create_graph=create_graph), inputs, strict, create_graph,
                                    "double_back")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) of a scalar function, by the double-backward trick on its gradient."""
    with enable_grad():
        inputs_tuple, inputs, v, outputs, outputs_tuple, jac = _scalar_function_gradient(
            func, inputs, v, create_graph, strict, "hvp")
        dummies = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _grads(jac, inputs, dummies, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        result = _zeros_for_missing(_grads(double_back, dummies, v, create_graph=create_graph), inputs, strict,
                                    create_graph, "double_back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_tuple),
            _unpack(_finish(result, create_graph), inputs_tuple))
