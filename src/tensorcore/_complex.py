"""The complex-number functions and methods: view_as_real / view_as_complex,
real / imag, conj, angle, polar, complex (ops/complex.cpp, Note [Complex
through real views]).

tensorcore conjugates physically: PyTorch's conj() is a lazy view with a
"conj bit" that resolve_conj() materialises; here conj() returns a new tensor,
so is_conj() is always False and resolve_conj() returns its input. Values and
gradients are the same; writing into the result of conj() does not write into
its input (PyTorch's view would).
"""
from . import _C
from ._args import tensor_arg
from ._out import check_out, write_out
from ._dtype import SCALAR_TYPE_NAMES


def _into_out(name, out, inputs, compute):
    """compute(), written into out= when given (checked before computing, as PyTorch)."""
    if out is None:
        return compute()
    check_out(name, out, inputs)
    return write_out(name, compute(), out)


def view_as_real(input):
    tensor_arg(input, "view_as_real")
    return _C._view_as_real(input)


def view_as_complex(input):
    tensor_arg(input, "view_as_complex")
    return _C._view_as_complex(input)


def real(input):
    tensor_arg(input, "real")
    return _C._real(input)


def imag(input):
    tensor_arg(input, "imag")
    return _C._imag(input)


def conj_physical(input, *, out=None):
    tensor_arg(input, "conj_physical")

    def compute():
        r = _C._conj_physical(input)
        if r is input:
            return input.clone()  # a real tensor: conj_physical still returns a new tensor
        if r.requires_grad:
            _C._rename_grad_fn(r, "ConjPhysicalBackward0", [input])  # Note [Composite node names]
        return r
    return _into_out("conj_physical", out, (input,), compute)


def conj(input):
    tensor_arg(input, "conj")
    return _C._conj_physical(input)


def resolve_conj(input):
    tensor_arg(input, "resolve_conj")
    return input


def resolve_neg(input):
    tensor_arg(input, "resolve_neg")
    return input


def is_conj(input):
    tensor_arg(input, "is_conj")
    return False


def is_neg(input):
    tensor_arg(input, "is_neg")
    return False


def angle(input, *, out=None):
    tensor_arg(input, "angle")
    return _into_out("angle", out, (input,), lambda: _C._angle(input))


def complex(real, imag, *, out=None):
    tensor_arg(real, "complex", "real", 1)
    tensor_arg(imag, "complex", "imag", 2)
    return _into_out("complex", out, (real, imag), lambda: _C._complex(real, imag))


def polar(abs, angle, *, out=None):
    tensor_arg(abs, "polar", "abs", 1)
    tensor_arg(angle, "polar", "angle", 2)
    if not all(t.dtype.name in ("float16", "float32", "float64") for t in (abs, angle)):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{SCALAR_TYPE_NAMES[abs.dtype.name]} and {SCALAR_TYPE_NAMES[angle.dtype.name]}")
    return _into_out("polar", out, (abs, angle), lambda: _C._polar(abs, angle))


FUNCTIONS = {f.__name__: f for f in (view_as_real, view_as_complex, real, imag, conj_physical, conj, resolve_conj,
                                     resolve_neg, is_conj, is_neg, angle, complex, polar)}


def _set_part(part):
    def setter(self, value):
        view = _C._real(self) if part == "real" else _C._imag(self)
        view.copy_(value)
    return setter


def _with_complex_form(row, complex_form, name):
    """The registry op `row` (C++, real dtypes) with a composite form for complex inputs (out= included)."""
    def op(input, *args, **kwargs):
        if isinstance(input, _C.Tensor) and input.dtype.is_complex and not args and set(kwargs) <= {"out"}:
            out = kwargs.get("out")
            if out is None:
                return complex_form(input)
            check_out(name, out, (input,))
            return write_out(name, complex_form(input), out)
        return row(input, *args, **kwargs)
    op.__name__ = row.__name__
    op.__doc__ = row.__doc__
    return op


def _complex_in_place(row, complex_form):
    """`row` (an in-place method) with the composite form written back for complex tensors."""
    def op(self, *args, **kwargs):
        if isinstance(self, _C.Tensor) and self.dtype.is_complex and not args and not kwargs:
            return self.copy_(complex_form(self.clone()))  # the form saves its input: a copy, not self
        return row(self, *args, **kwargs)
    op.__name__ = row.__name__
    op.__doc__ = row.__doc__
    return op


def _complex_sgn(z):
    # z / |z|, and 0 where z is 0 (PyTorch's sgn); differentiable through the real views
    a = z.abs()
    zero = a == 0
    return _C.where(zero, z * 0, z / _C.where(zero, a + 1, a))


def _complex_isreal(z):
    return _C._imag(z) == 0


def install(tensor_cls, namespace):
    """torch.X for every function above; Tensor methods and the .real / .imag properties."""
    namespace.update(FUNCTIONS)
    for name, form in (("sgn", _complex_sgn), ("isreal", _complex_isreal)):
        if name in namespace:
            namespace[name] = _with_complex_form(namespace[name], form, name)
        method = getattr(tensor_cls, name, None)
        if method is not None:
            setattr(tensor_cls, name, _with_complex_form(method, form, name))
    tensor_cls.sgn_ = _complex_in_place(tensor_cls.sgn_, _complex_sgn)
    for name in ("conj_physical", "conj", "resolve_conj", "resolve_neg", "is_conj", "is_neg", "angle"):
        setattr(tensor_cls, name, FUNCTIONS[name])
    tensor_cls.real = property(real, _set_part("real"))
    tensor_cls.imag = property(imag, _set_part("imag"))
