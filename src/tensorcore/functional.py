"""torch.functional: the module PyTorch defines einsum, split, norm, stft, unique, meshgrid, ... in.

Programs reach it as ``import torch.functional as F`` (piEsposito/blitz-bayesian-deep-learning's weight_sampler,
often meaning torch.nn.functional) or call ``torch.functional.einsum``; the functions are tensorcore's own.
svd_lowrank and pca_lowrank, also defined there by PyTorch, are not implemented by tensorcore.
"""
from . import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors,  # noqa: F401
               cartesian_prod, cdist, chain_matmul, einsum, istft, lu, meshgrid, norm, split, stft, tensordot, unique,
               unique_consecutive, unravel_index)

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors", "cartesian_prod",
           "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm", "meshgrid", "split", "stft",
           "tensordot", "unique", "unique_consecutive", "unravel_index"]
