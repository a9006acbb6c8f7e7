"""torch.nn.modules.utils: argument normalisers that custom layers import, and the DDP state_dict prefix helper.

Layer code written for PyTorch imports ``_pair`` / ``_triple`` from here to accept ``kernel_size=3`` or
``kernel_size=(3, 5)`` alike (deformable and separable convolutions, timm-style blocks), and checkpoint loaders call
``consume_prefix_in_state_dict_if_present(sd, "module.")`` to load a DataParallel/DDP checkpoint into a bare model.
"""
import collections.abc
import itertools

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _ntuple(n, name="parse"):
    """A parser that keeps an iterable as a tuple and repeats anything else n times."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))

    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """(a, b) with n=2 -> (b, b, a, a): a module's per-dim padding turned into F.pad's last-dim-first pairs."""
    return tuple(v for v in reversed(t) for _ in range(n))


def _list_with_default(out_size, defaults):
    """An adaptive pool's output size with None entries taken from the input's trailing sizes."""
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    tail = defaults[-len(out_size):]
    return [d if v is None else v for v, d in zip(out_size, tail)]


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strips prefix from the keys of state_dict in place (and from its _metadata's keys, where it has them)."""
    for key in list(state_dict.keys()):
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    bare = prefix.replace(".", "")
    for key in list(metadata.keys()):
        # '' belongs to the wrapper itself and stays; 'module' is the wrapped model's own entry, which becomes ''.
        if not key:
            continue
        if key == bare or key.startswith(prefix):
            metadata["" if key == bare else key[len(prefix):]] = metadata.pop(key)
