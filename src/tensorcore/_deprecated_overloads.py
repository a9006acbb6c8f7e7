"""PyTorch's deprecated positional-scalar overloads, still accepted with a warning:

    p.data.add_(-lr, grad)            add_(Number alpha, Tensor other)      == p.data.add_(grad, alpha=-lr)
    t.sub(2, other), torch.add(t, 2, other)
    exp_avg_sq.addcmul_(1 - beta2, grad, grad)    addcmul_(Number value, Tensor tensor1, Tensor tensor2)
    p.addcdiv_(-step_size, exp_avg, denom)

Optimizers and training loops written before PyTorch 1.5 use them (the
pytorch/tutorials char-RNN classifier, many custom Adam/RMSprop copies), so
they must compute what PyTorch computes, not raise a TypeError.

Note [One deprecation warning per process]
PyTorch's argument parser warns about a deprecated overload with
TORCH_WARN_ONCE at a single call site: the first deprecated call of the
process warns, later ones (of any op) are silent.
"""
import warnings

_warned = False


def warn_deprecated(name, old, new):
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}({old})\n"
                  f"Consider using one of the following signatures instead:\n\t{name}({new})",
                  UserWarning, stacklevel=4)


def alpha_first(name, alpha, rest):
    """(other, alpha) from the deprecated add/sub(Number alpha, Tensor other)."""
    if len(rest) != 1:
        raise TypeError(f"{name}() takes from 1 to 2 positional arguments but {len(rest) + 1} were given")
    warn_deprecated(name, "Number alpha, Tensor other", "Tensor other, *, Number alpha = 1")
    return rest[0], alpha


def value_first(name, value, tensor1, rest):
    """(tensor1, tensor2, value) from the deprecated addcmul/addcdiv(Number value, Tensor tensor1, Tensor tensor2)."""
    if len(rest) != 1:
        raise TypeError(f"{name}() takes from 2 to 3 positional arguments but {len(rest) + 2} were given")
    warn_deprecated(name, "Number value, Tensor tensor1, Tensor tensor2",
                    "Tensor tensor1, Tensor tensor2, *, Number value = 1")
    return tensor1, rest[0], value
