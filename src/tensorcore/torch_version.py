"""torch.torch_version: TorchVersion, the str subclass torch.__version__ is.

Note [tensorcore reports the PyTorch version it implements]
Programs branch on the PyTorch version: `version.parse(torch.__version__) >= version.parse("2.0")`
picks F.scaled_dot_product_attention in lucidrains' models (an `assert` refuses flash attention
below 2.0), `torch.__version__ >= "1.10"` picks newer argument names, and environment reports print
it. tensorcore implements PyTorch 2.13's API, so torch.__version__ (and torch.version.__version__)
is that release, "2.13.0+cpu" as PyTorch's CPU wheel spells it; tensorcore's own release number is
tensorcore.__tensorcore_version__ (and the package metadata). TorchVersion compares with strings,
tuples and packaging Versions as PyTorch's does: as versions, falling back to string comparison
where the other side is not a version at all ("parrot").
"""
from collections.abc import Iterable
import re

__all__ = ["TorchVersion"]

try:  # PyTorch vendors packaging; tensorcore uses the installed one when there is one
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - packaging ships with pip and setuptools
    Version = None

    class InvalidVersion(ValueError):
        pass


_RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")


def _release_key(text):
    """The release numbers of a version string, for the comparison without packaging."""
    match = _RELEASE.match(str(text))
    if match is None:
        raise InvalidVersion(f"Invalid version: '{text}'")
    numbers = [int(n) for n in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _as_version(value):
    if Version is not None and isinstance(value, Version):
        return value
    if isinstance(value, str):
        return Version(value) if Version is not None else _release_key(value)
    if isinstance(value, Iterable):
        text = ".".join(str(item) for item in value)
        return Version(text) if Version is not None else _release_key(text)
    raise InvalidVersion(value)


class TorchVersion(str):
    def _cmp_wrapper(self, other, method):
        try:
            mine = Version(self) if Version is not None else _release_key(self)
            return getattr(mine, method)(_as_version(other))
        except BaseException as e:
            if not isinstance(e, InvalidVersion):
                raise
            return getattr(super(), method)(other)


for _method in ("__gt__", "__lt__", "__eq__", "__ge__", "__le__"):
    setattr(TorchVersion, _method, lambda self, other, method=_method: self._cmp_wrapper(other, method))
