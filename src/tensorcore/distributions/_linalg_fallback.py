"""The linear algebra MultivariateNormal needs (Cholesky factor, triangular
solves) and the positive-(semi)definite checks of constraints, written with
tensor ops so autograd differentiates them.

Note [Temporary linear algebra for distributions]
These column-by-column algorithms stand in for torch.linalg.cholesky /
solve_triangular: O(n) Python steps per call, fine for the small event sizes
distributions use, and exact to float rounding. tensorcore.linalg now exists,
but (probe20) its cholesky does not refuse a NaN pivot and its
solve_triangular turns an inf right-hand side into all-NaN (PyTorch: inf,
-inf, nan by forward substitution), which MultivariateNormal.log_prob(inf)
would show as nan instead of -inf. Switch once those kernels match.
"""
import numpy as np

import tensorcore as torch


def cholesky(a):
    """Lower Cholesky factor of the symmetric positive-definite matrices in a
    [..., n, n]. A matrix that is not positive definite (a pivot <= 0 or NaN)
    raises torch.linalg.LinAlgError with torch.linalg.cholesky's message: the
    first failing matrix in batch order, "(Batch element k): " when batched.

    Still in Python, not tensorcore.linalg.cholesky: that kernel lets a NaN
    pivot through, and its triangular solve turns an inf right-hand side into
    all-NaN (see Note [Temporary linear algebra for distributions])."""
    n = a.shape[-1]
    batch_shape = tuple(a.shape[:-2])
    # Read through the symmetric part: the gradient then comes out symmetric
    # (half to each triangle), as torch.linalg.cholesky's backward gives it.
    a = (a + a.transpose(-2, -1)) / 2
    failed_order = torch.zeros(batch_shape, dtype=torch.int64)  # 0: fine so far, else the leading minor's order
    cols = []
    for j in range(n):
        col = a[..., :, j]
        if j:
            prev = torch.stack(cols, -1)  # [..., n, j]
            col = col - (prev * prev[..., j:j + 1, :]).sum(-1)
        pivot = col[..., j:j + 1]
        bad = ((pivot <= 0) | torch.isnan(pivot)).squeeze(-1).detach()
        failed_order = torch.where(bad & (failed_order == 0), torch.full_like(failed_order, j + 1), failed_order)
        col = col / pivot.sqrt()
        mask = (torch.arange(n) >= j).to(a.dtype)
        cols.append(col * mask)
    if bool((failed_order > 0).any()):
        flat = failed_order.reshape(-1)
        first = int(torch.nonzero(flat > 0)[0, 0])
        where = f"(Batch element {first}): " if batch_shape else ""
        raise torch.linalg.LinAlgError(
            f"linalg.cholesky: {where}The factorization could not be completed because the input is not "
            f"positive-definite (the leading minor of order {int(flat[first])} is not positive-definite).")
    return torch.stack(cols, -1)


def solve_lower(l, b):
    """X with l @ X = b for lower-triangular l [..., n, n] and b [..., n, k],
    batch dimensions broadcast."""
    batch = torch.broadcast_shapes(tuple(l.shape[:-2]), tuple(b.shape[:-2]))
    l = l.expand(tuple(batch) + tuple(l.shape[-2:]))
    b = b.expand(tuple(batch) + tuple(b.shape[-2:]))
    n = l.shape[-1]
    rows = []
    for i in range(n):
        r = b[..., i, :]
        if i:
            prev = torch.stack(rows, -2)  # [..., i, k]
            r = r - (l[..., i, :i].unsqueeze(-1) * prev).sum(-2)
        rows.append(r / l[..., i, i:i + 1])
    return torch.stack(rows, -2)


def solve_upper(u, b):
    """X with u @ X = b for upper-triangular u."""
    flip = [-2, -1]
    return solve_lower(u.flip(flip), b.flip([-2])).flip([-2])


def cholesky_ex_info(a):
    """0 where a matrix of a [..., n, n] is positive definite, else 1."""
    arr = a.detach().to(torch.float64).numpy().reshape((-1,) + tuple(a.shape[-2:]))
    info = []
    for m in arr:
        try:
            np.linalg.cholesky(m)
            info.append(0)
        except np.linalg.LinAlgError:
            info.append(1)
    return torch.tensor(info, dtype=torch.int32).reshape(tuple(a.shape[:-2]))


def eigvalsh_min(a):
    arr = a.detach().to(torch.float64).numpy()
    return torch.tensor(np.linalg.eigvalsh(arr).min(-1), dtype=a.dtype)
