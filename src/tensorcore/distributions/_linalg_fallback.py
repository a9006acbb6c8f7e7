"""The linear algebra MultivariateNormal needs (Cholesky factor, triangular
solves) and the positive-(semi)definite checks of constraints, written with
tensor ops so autograd differentiates them.

Note [Temporary linear algebra for distributions]
tensorcore.linalg (LAPACK-backed, in C++) is being added on another branch.
Until it is merged, these column-by-column algorithms stand in for
torch.linalg.cholesky / solve_triangular: O(n) Python steps per call, fine for
the small event sizes distributions use, and exact to float rounding. Once
tensorcore.linalg exists, MultivariateNormal and the constraints should call
it and this file should go.
"""
import numpy as np

import tensorcore as torch


def cholesky(a):
    """Lower Cholesky factor of the symmetric positive-definite matrices in a
    [..., n, n]. A matrix that is not positive definite raises, as
    torch.linalg.cholesky does."""
    n = a.shape[-1]
    # Read through the symmetric part: the gradient then comes out symmetric
    # (half to each triangle), as torch.linalg.cholesky's backward gives it.
    a = (a + a.transpose(-2, -1)) / 2
    cols = []
    for j in range(n):
        col = a[..., :, j]
        if j:
            prev = torch.stack(cols, -1)  # [..., n, j]
            col = col - (prev * prev[..., j:j + 1, :]).sum(-1)
        pivot = col[..., j:j + 1]
        if bool((pivot <= 0).any()) or bool(torch.isnan(pivot).any()):
            raise RuntimeError(f"linalg.cholesky: The factorization could not be completed because the input is "
                               f"not positive-definite (the leading minor of order {j + 1} is not positive-definite).")
        col = col / pivot.sqrt()
        mask = (torch.arange(n) >= j).to(a.dtype)
        cols.append(col * mask)
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
