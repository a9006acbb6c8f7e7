"""embedding(sparse=True): the weight's gradient as a sparse COO tensor with
one entry per looked-up index (PyTorch's EmbeddingBackward0 with sparse=True).

The C++ engine accumulates only dense gradients (AccumulateGrad copies into a
strided tensor), so for a leaf weight the backward adds the sparse gradient to
`weight.grad` itself (sparse + sparse, as PyTorch accumulates it). The node
therefore has no edge to a leaf weight (the engine would overwrite that grad
with a dense one): it hangs off a fresh 0-dim `anchor` that requires grad.
Hooks registered on the weight do not see the gradient. A non-leaf weight
gets it in dense form through a normal edge."""
from .. import _C
from ..autograd import Function
from ._coo import SparseCooTensor


class SparseEmbedding(Function):
    _node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, anchor, weight, input, padding_idx, scale_grad_by_freq, leaf_weight):
        # leaf_weight comes in a list: as a Tensor argument it would get an edge.
        ctx.save_for_backward(input)
        ctx.weight, ctx.padding_idx, ctx.scale = leaf_weight[0], padding_idx, scale_grad_by_freq
        ctx.shape = tuple(weight.shape)
        return _C.embedding_ex(weight, input, int(padding_idx), bool(scale_grad_by_freq))

    @staticmethod
    def backward(ctx, grad):
        (input,) = ctx.saved_tensors
        if ctx.scale:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
        weight = ctx.weight
        idx = input.reshape(-1)
        vals = grad.reshape(-1, ctx.shape[1])
        if ctx.padding_idx >= 0:
            keep = idx != ctx.padding_idx
            idx, vals = idx[keep], vals[keep]
        sparse = SparseCooTensor(idx.unsqueeze(0).long(), vals, ctx.shape)
        if weight is None:
            return None, sparse.to_dense(), None, None, None, None
        prev = weight.grad
        if prev is None or prev.is_sparse:
            grad_now = sparse if prev is None else prev + sparse
            weight.grad = grad_now
            # The C++ grad slot keeps the C++ tensor, not the Python subclass
            # object; while this reference lives, reading .grad returns it.
            weight.__dict__["_sparse_grad_object"] = grad_now
        else:
            prev.add_(sparse)
        return None, None, None, None, None, None


def sparse_embedding(weight, input, padding_idx, scale_grad_by_freq):
    """embedding_ex whose weight gradient is sparse (see the module note)."""
    import tensorcore
    if weight.is_leaf:
        anchor = tensorcore.zeros((), dtype=weight.dtype, requires_grad=True)
        return SparseEmbedding.apply(anchor, weight.detach(), input, padding_idx, scale_grad_by_freq, [weight])
    return SparseEmbedding.apply(None, weight, input, padding_idx, scale_grad_by_freq, [None])
