"""ReflectionPad, ReplicationPad and CircularPad in 1-3 dims (F.pad's
non-constant modes; the constant ones live in pixelshuffle.py)."""
from __future__ import annotations
from typing import Any
from .. import functional as F
from .module import Module
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ... import Tensor

__all__ = [f"{kind}Pad{n}d" for kind in ("Reflection", "Replication", "Circular") for n in (1, 2, 3)]


class _PadNd(Module):
    _n = 1
    _mode = "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        # As PyTorch's _ntuple: any iterable is kept as a tuple whatever its length (F.pad
        # refuses a wrong one at forward), anything else repeated 2n times.
        from collections.abc import Iterable
        self.padding = tuple(padding) if isinstance(padding, Iterable) else (padding,) * (2 * self._n)

    def forward(self, input: Any) -> Tensor:
        if self._mode == "circular" and input.dim() not in (self._n + 1, self._n + 2):
            # PyTorch's CircularPadNd checks the input's rank itself (a ValueError), before F.pad.
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got {input.dim()}D input)")
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _make(kind, mode, n):
    return type(f"{kind}Pad{n}d", (_PadNd,), {"_n": n, "_mode": mode, "__module__": __name__,
                                               "__doc__": f"Pads the last {n} dims in F.pad's '{mode}' mode."})


ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (_make("Reflection", "reflect", n) for n in (1, 2, 3))
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (_make("Replication", "replicate", n) for n in (1, 2, 3))
CircularPad1d, CircularPad2d, CircularPad3d = (_make("Circular", "circular", n) for n in (1, 2, 3))
