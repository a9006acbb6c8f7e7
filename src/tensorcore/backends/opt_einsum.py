"""tensorcore.backends.opt_einsum: torch uses the opt_einsum package, when
installed, to order the contractions of einsum with three or more operands.
tensorcore's einsum contracts left to right and never uses it, so
is_available() is False and get_opt_einsum() None whether or not the
package is installed (which is what PyTorch reports without it)."""

__all__ = ["is_available", "get_opt_einsum", "enabled", "strategy"]

enabled = False
strategy = None


def is_available():
    return False


def get_opt_einsum():
    return None
