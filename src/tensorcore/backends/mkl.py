"""tensorcore.backends.mkl: tensorcore does not use Intel MKL."""

__all__ = ["is_available"]


def is_available():
    return False
