"""Helpers shared by the distributions, with torch.distributions.utils' names:
argument broadcasting, probs <-> logits, lazily computed parameters."""

import tensorcore as torch

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs", "lazy_property", "tril_matrix_to_vec",
           "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060  # the Euler-Mascheroni constant (torch.distributions.utils.euler_constant)

def eps(dtype):
    """finfo(dtype).eps for every floating dtype (float16 and bfloat16 too)."""
    return torch.finfo(dtype).eps


def tiny(dtype):
    return torch.finfo(dtype).tiny


def min_real(dtype):
    return torch.finfo(dtype).min


def broadcast_all(*values):
    """Numbers become tensors of the first tensor argument's dtype (else the
    default dtype), then all are broadcast to one shape."""
    # Python's int/float/bool only (torch.types._Number): complex and numpy scalars other
    # than float64 (a float subclass) are refused, as in PyTorch.
    if not all(isinstance(v, (torch.Tensor, int, float, bool)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    if all(isinstance(v, torch.Tensor) for v in values):
        return torch.broadcast_tensors(*values)
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    dtype = tensors[0].dtype if tensors else torch.get_default_dtype()
    values = [v if isinstance(v, torch.Tensor) else torch.tensor(v, dtype=dtype) for v in values]
    return torch.broadcast_tensors(*values)


def set_count_and_probs_or_logits(dist, total_count, probs, logits):
    """Binomial and NegativeBinomial: exactly one of probs/logits, broadcast
    with total_count (in that parameter's dtype); sets dist._param to it."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")
    name, value = ("probs", probs) if probs is not None else ("logits", logits)
    count, param = broadcast_all(total_count, value)
    dist.total_count = count.type_as(param)
    setattr(dist, name, param)
    dist._param = param


def expand_count_and_probs_or_logits(dist, new, batch_shape):
    """The expand() half of set_count_and_probs_or_logits: new gets dist's
    total_count and whichever of probs/logits dist has computed, expanded."""
    new.total_count = dist.total_count.expand(batch_shape)
    for name in ("probs", "logits"):
        if name in dist.__dict__:
            setattr(new, name, getattr(dist, name).expand(batch_shape))
            new._param = getattr(new, name)


def _standard_normal(shape, dtype):
    return torch.empty(shape, dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    """Sum out the `dim` rightmost dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def _diag_embed(v):
    """Matrices [..., n, n] with v [..., n] on the diagonal."""
    n = v.shape[-1]
    return v.unsqueeze(-1) * torch.eye(n, dtype=v.dtype)


def clamp_probs(probs):
    e = eps(probs.dtype)
    return probs.clamp(min=e, max=1 - e)


def probs_to_logits(probs, is_binary=False):
    ps = clamp_probs(probs)
    return torch.log(ps) - torch.log1p(-ps) if is_binary else torch.log(ps)


def logits_to_probs(logits, is_binary=False):
    return torch.sigmoid(logits) if is_binary else torch.softmax(logits, dim=-1)


class lazy_property:
    """A parameter computed from another on first access and then cached in
    the instance's __dict__ (so `name in self.__dict__` tells whether it was
    given or derived, which repr and validation rely on)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with torch.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def tril_matrix_to_vec(mat, diag=0):
    n = mat.shape[-1]
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    return mat[..., torch.tensor(rows), torch.tensor(cols)]


def vec_to_tril_matrix(vec, diag=0):
    n = round((2 * vec.shape[-1] + 0.25) ** 0.5 - 0.5 - diag)
    mat = torch.zeros(tuple(vec.shape[:-1]) + (n, n), dtype=vec.dtype)
    k = 0
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                mat[..., i, j] = vec[..., k]
                k += 1
    return mat
