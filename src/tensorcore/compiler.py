"""tensorcore.compiler: the torch.compiler entry points that code calls to
ask whether it is being compiled, or to mark functions for the compiler.
tensorcore has no compiler (see _compile.py), so nothing is ever being
compiled and the markers return their function unchanged."""
from ._compile import compile  # noqa: F401,A004

__all__ = ["compile", "is_compiling", "is_dynamo_compiling", "is_exporting", "disable", "reset", "allow_in_graph",
           "assume_constant_result"]


def is_compiling():
    """False: code always runs eagerly."""
    return False


def is_dynamo_compiling():
    return False


def is_exporting():
    return False


def disable(fn=None, recursive=True, *, reason=None):
    """Excludes fn from compilation; with no compiler, returns fn (or a
    decorator that does)."""
    if fn is None:
        return lambda f: f
    return fn


def reset():
    """Clears compilation caches: there are none."""


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn
