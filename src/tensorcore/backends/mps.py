"""tensorcore.backends.mps: Apple's Metal backend, which tensorcore does not have."""

__all__ = ["is_built", "is_available"]


def is_built():
    return False


def is_available():
    return False
