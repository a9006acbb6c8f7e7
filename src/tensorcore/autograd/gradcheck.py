"""Finite-difference checks of first and second derivatives (float64)."""
from __future__ import annotations
from typing import Any


def _flat_inputs(inputs):
    from .. import Tensor
    if isinstance(inputs, Tensor):
        return (inputs,)
    return tuple(inputs)


# Note [Complex gradcheck]
# A complex tensor is checked as the pair of real tensors it is made of
# (PyTorch's convention): each complex input element is perturbed along its
# real and its imaginary axis (two rows of the Jacobian), each complex output
# element contributes its real and imaginary part (two columns). On the
# analytical side, a grad_output of 1 selects the real part of an output
# element and 1j its imaginary part; the gradient the engine returns for a
# complex input is dL/d(re x) + i dL/d(im x) (the conjugate Wirtinger
# convention), i.e. the two rows at once. Real tensors are one row/column per
# element as before, so a real function's check is unchanged.
def _real_coords(t):
    """The tensor's values as float64 numpy, complex ones as (re, im) pairs."""
    import numpy as np
    a = t.detach().resolve_conj().numpy() if t.is_complex() else t.detach().double().numpy()
    return np.stack([a.real, a.imag], -1).ravel() if np.iscomplexobj(a) else a.ravel()


def _numerical_jacobian(fn, inputs, idx, eps):
    from .. import no_grad
    import numpy as np
    x = inputs[idx]
    with no_grad():
        out0 = fn(*inputs)
    outs = out0 if isinstance(out0, tuple) else (out0,)
    n_out = sum(o.numel() * (2 if o.is_complex() else 1) for o in outs)
    directions = (eps, eps * 1j) if x.is_complex() else (eps,)
    jac = np.zeros((x.numel() * len(directions), n_out))
    # Perturbs element i in row-major order through an index, so strided
    # (non-contiguous) inputs work too; the analytical side ravels the same way.
    xd = x.detach()
    shape = tuple(x.shape)
    def evaluate():
        # Copy at once: outputs may be views of the input being perturbed.
        r = fn(*inputs)
        return tuple(o.detach().clone() for o in (r if isinstance(r, tuple) else (r,)))

    for i in range(x.numel()):
        at = tuple(int(k) for k in np.unravel_index(i, shape)) if shape else ()
        for d, step in enumerate(directions):
            with no_grad():
                orig = xd[at].item()
                xd[at] = orig + step
                plus = evaluate()
                xd[at] = orig - step
                minus = evaluate()
                xd[at] = orig
            col = np.concatenate([(_real_coords(p) - _real_coords(m)) / (2 * eps) for p, m in zip(plus, minus)])
            jac[i * len(directions) + d] = col
    return jac


def _analytical_jacobian(fn, inputs, idx):
    import numpy as np
    from .. import contiguous_format, zeros_like
    from . import grad
    out = fn(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    x = inputs[idx]
    n_rows = x.numel() * (2 if x.is_complex() else 1)
    rows = []
    for o in outs:
        parts = (1.0, 1j) if o.is_complex() else (1.0,)
        for j in range(o.numel()):
            for part in parts:
                if not o.requires_grad:
                    rows.append(np.zeros(n_rows))
                    continue
                g = zeros_like(o, memory_format=contiguous_format)  # row-major, as the finite differences
                g.view(-1)[j] = part
                r = grad([o], [x], [g], retain_graph=True, allow_unused=True)[0]
                rows.append(np.zeros(n_rows) if r is None else _real_coords(r))
    return np.array(rows).T if rows else np.zeros((n_rows, 0))


def gradcheck(func: Any, inputs: Any, *, eps: Any = 1e-6, atol: Any = 1e-5, rtol: Any = 1e-3, raise_exception: Any = True, **_ignored: Any) -> Any:
    """Compares analytical gradients with central finite differences for
    every input that requires grad. Inputs should be float64."""
    import numpy as np
    inputs = _flat_inputs(inputs)
    from .. import Tensor
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    import warnings
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name not in ("float64", "complex128"):
            warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", stacklevel=2)
    for idx, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        num = _numerical_jacobian(func, inputs, idx, eps)
        ana = _analytical_jacobian(func, inputs, idx)
        if num.shape != ana.shape or not np.allclose(ana, num, atol=atol, rtol=rtol):
            if raise_exception:
                from ..autograd import _gradcheck_error
                from .. import tensor, float64
                # Printed as tensors (PyTorch's message); rows: input elements, columns: output elements.
                raise _gradcheck_error(
                    f"Jacobian mismatch for output 0 with respect to input {idx},\n"
                    f"numerical:{tensor(num, dtype=float64)}\nanalytical:{tensor(ana, dtype=float64)}\n")
            return False
    return True


def gradgradcheck(func: Any, inputs: Any, grad_outputs: Any = None, *, eps: Any = 1e-6, atol: Any = 1e-5, rtol: Any = 1e-3, raise_exception: Any = True,
                  **_ignored: Any) -> Any:
    """gradcheck of the first derivative (computed with create_graph=True)."""
    from .. import Tensor
    from . import grad
    inputs = _flat_inputs(inputs)
    out = func(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    if grad_outputs is None:
        grad_outputs = tuple(_random_like(o).requires_grad_() for o in outs)
    diff_inputs = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]

    def first_grad(*args):
        from .. import enable_grad
        # gradcheck evaluates this under no_grad for finite differences; the
        # first derivative itself always needs a graph.
        with enable_grad():
            xs = args[:len(inputs)]
            gos = args[len(inputs):]
            o = func(*xs)
            o = o if isinstance(o, tuple) else (o,)
            dx = [a for a in xs if isinstance(a, Tensor) and a.requires_grad]
            gs = grad(o, dx, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    del diff_inputs
    return gradcheck(first_grad, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)


def _random_like(o):
    """A float64 (complex128 for a complex output) grad_output of o's shape."""
    from .. import complex as make_complex, contiguous_format, randn_like
    real = randn_like(o.real if o.is_complex() else o, memory_format=contiguous_format).double()
    if not o.is_complex():
        return real
    return make_complex(real, randn_like(real))
