"""torch.layout: how a tensor's elements are stored.

tensorcore's C++ tensors are all strided; the sparse COO layout is a Python
Tensor subclass (tensorcore.sparse), which reports `sparse_coo`.
"""

__all__ = ["layout", "strided", "sparse_coo"]


class layout:
    """One storage layout. The two values are singletons compared by identity,
    printed as the dtypes are (`tensorcore.strided`)."""

    __module__ = "tensorcore"  # type(t.layout) prints <class 'tensorcore.layout'>, as PyTorch
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "tensorcore." + self._name

    def __reduce__(self):
        return (_by_name, (self._name,))


def _by_name(name):
    return {"strided": strided, "sparse_coo": sparse_coo}[name]


strided = layout("strided")
sparse_coo = layout("sparse_coo")
