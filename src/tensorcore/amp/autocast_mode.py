"""autocast (see tensorcore/amp/__init__.py for what it can honour)."""
import functools
import warnings

from .. import _dtype


def is_autocast_available(device_type):
    return device_type == "cpu"


class autocast:
    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        self.fast_dtype = dtype
        self._enabled = bool(enabled)
        if not self._enabled:
            return
        if device_type == "cuda":
            from .. import cuda
            if not cuda.is_available():
                warnings.warn("User provided device_type of 'cuda', but CUDA is not available. Disabling")
                self._enabled = False
                return
        if device_type == "cpu":
            target = _dtype.bfloat16 if dtype is None else dtype
            if target not in (_dtype.bfloat16, _dtype.float16):
                warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                              "CPU Autocast only supports dtype of torch.bfloat16, torch.float16 currently.")
                self._enabled = False
                return
            raise NotImplementedError(
                f"autocast: tensorcore has no {target.name} tensors, so CPU autocasting to {target.name} "
                "is not available (pass enabled=False to run in full precision)")
        if device_type not in ("cpu", "cuda"):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast
