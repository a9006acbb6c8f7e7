"""Process-wide settings PyTorch keeps in its global context: deterministic
algorithms and the float32 matmul precision.

Note [What the global settings change in tensorcore]
tensorcore's CPU kernels are deterministic already: every parallel loop
splits its range into the same chunks for a given thread count and combines
partial results in a fixed order, and no kernel uses atomics. So
use_deterministic_algorithms(True) has nothing to switch off; the setting is
stored and reported back, as programs expect. Likewise every float32 matmul
is computed in full float32 precision, which all three precisions allow
("high" and "medium" permit, but do not require, faster reduced-precision
internals); the chosen precision is stored and reported back, and is what
backends.cuda.matmul.allow_tf32 reads and writes.
"""
import builtins

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision", "get_float32_matmul_precision"]

_deterministic = False
_deterministic_warn_only = False
_float32_matmul_precision = "highest"
_DEBUG_MODES = ("default", "warn", "error")
_PRECISIONS = ("highest", "high", "medium")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Requests deterministic algorithms (see Note [What the global settings
    change in tensorcore]: all of tensorcore's are)."""
    global _deterministic, _deterministic_warn_only
    if not isinstance(mode, builtins.bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    if not isinstance(warn_only, builtins.bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
                        f"{type(warn_only).__name__}")
    _deterministic = mode
    _deterministic_warn_only = warn_only


def are_deterministic_algorithms_enabled():
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic_warn_only


def set_deterministic_debug_mode(debug_mode):
    """0/"default": off, 1/"warn": deterministic with warnings, 2/"error":
    deterministic; the same as use_deterministic_algorithms."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(f"invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, builtins.int) or isinstance(debug_mode, builtins.bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _deterministic:
        return 0
    return 1 if _deterministic_warn_only else 2


def set_float32_matmul_precision(precision):
    """"highest", "high" or "medium" (see Note [What the global settings
    change in tensorcore]); other strings warn and change nothing, as in PyTorch."""
    global _float32_matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _float32_matmul_precision = precision


def get_float32_matmul_precision():
    return _float32_matmul_precision
