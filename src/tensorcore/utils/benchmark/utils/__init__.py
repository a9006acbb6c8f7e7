"""Submodules of torch.utils.benchmark (common: Measurement; timer: Timer)."""
