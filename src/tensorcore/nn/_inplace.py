"""In-place activations composed from out-of-place ops.

Note [In-place activations keep their gradient]
`F.leaky_relu(x, inplace=True)` and friends compute the result out of place and
write it into x. Writing under no_grad() (as these once did) left x carrying
its old history, so backward treated the activation as the identity: a silent
wrong gradient (DCGAN's discriminator: LeakyReLU(0.2, inplace=True) after
BatchNorm). When autograd tracks x, the result is computed from a clone of x
(the op saves its input, and x is about to change: its version check would
rightly fail) and copied into x with grad enabled, so x's history becomes
CopyBackwards -> the op -> x's old history, and gradients are PyTorch's. A leaf
that requires grad raises, as in PyTorch. Untracked tensors are written
directly, with no clone.
"""
from ..autograd import no_grad, is_grad_enabled


def apply_inplace(input, compute):
    """Runs compute(x) and stores the result in input, keeping autograd right."""
    if is_grad_enabled() and input.requires_grad:
        if input.is_leaf:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        input.copy_(compute(input.clone()))
        return input
    out = compute(input)
    with no_grad():
        input.copy_(out)
    return input
