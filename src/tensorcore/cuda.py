"""tensorcore.cuda: device queries. Tensors live on the CPU unless the
package was built with TENSORCORE_CUDA=ON on a machine with nvcc."""
from . import _C


def is_available():
    return bool(_C._cuda_is_available())


def device_count():
    return int(_C._cuda_device_count())


def manual_seed(seed):
    """Seeds the CUDA generator; without CUDA this is a no-op, as in PyTorch."""
    return None


def manual_seed_all(seed):
    return None


def synchronize(device=None):
    if not is_available():
        _C._require_cuda("cuda.synchronize")


def is_bf16_supported(including_emulation=True):
    """False without CUDA, as PyTorch answers on a machine without a GPU."""
    return False


def _make_amp_module():
    """tensorcore.cuda.amp: PyTorch's deprecated spellings of tensorcore.amp
    for the CUDA device (GradScaler disables itself without CUDA, autocast
    does nothing then), importable as `torch.cuda.amp` too."""
    import sys
    import types
    import warnings
    from . import amp as _amp

    module = types.ModuleType(__name__ + ".amp", _make_amp_module.__doc__)

    def GradScaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                   enabled=True):
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        return _amp.GradScaler("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)

    def autocast(enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        return _amp.autocast("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    module.GradScaler = GradScaler
    module.autocast = autocast
    sys.modules[module.__name__] = module
    return module


amp = _make_amp_module()
