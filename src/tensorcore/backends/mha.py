"""tensorcore.backends.mha: the switch PyTorch programs flip to keep
nn.MultiheadAttention / nn.TransformerEncoder off their inference fast path.

tensorcore has no separate fast-path kernel, but the fast path is observable
(a fully masked query row comes out NaN there and zero on the regular path),
so MultiheadAttention reads this flag to decide which behaviour to mirror
(Note [MHA fast path] in nn/modules/activation.py)."""

__all__ = ["get_fastpath_enabled", "set_fastpath_enabled"]

_is_fastpath_enabled: bool = True


def get_fastpath_enabled() -> bool:
    """Whether the inference fast path of MultiheadAttention and
    TransformerEncoder may be taken (True by default)."""
    return _is_fastpath_enabled


def set_fastpath_enabled(value: bool) -> None:
    """Allows (True) or forbids (False) the inference fast path."""
    global _is_fastpath_enabled
    _is_fastpath_enabled = value
