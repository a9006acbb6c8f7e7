"""SparseAdam."""
from .optimizer import Optimizer, _float_lr

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""torch.optim.SparseAdam's interface: Adam for parameters whose
    gradients are sparse tensors (nn.Embedding(sparse=True)).

    tensorcore has no sparse tensors yet, so no gradient can be sparse and
    step() raises PyTorch's error for dense gradients, pointing to Adam. The
    constructor validates its arguments as PyTorch does so programs that only
    build the optimizer (or its state_dict) run unchanged.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        lr = _float_lr(lr)
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Raises for every dense gradient, as PyTorch does; returns closure's
        loss when no parameter has a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and not getattr(p.grad, "is_sparse", False):
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
        return loss
