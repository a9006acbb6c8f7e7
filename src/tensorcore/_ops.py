"""torch.ops / torch._ops: the operator namespaces, reduced to what eager Python programs touch.

Note [torch.ops without a dispatcher]
PyTorch's ``torch.ops.<namespace>.<op>[.<overload>]`` looks operators up in the C++ dispatcher's registry.
tensorcore has no operator registry, so:
  * ``torch.ops.aten.<op>`` is answered by tensorcore's own function of that name (``tensorcore.<op>``, else the
    Tensor method, e.g. the in-place ``add_``), wrapped in an OpOverloadPacket whose overloads (``.default``,
    ``.Tensor``, ``.Scalar``, ...) call the same function: tensorcore's functions already pick the variant from
    their arguments, as the packet does in PyTorch;
  * an aten name tensorcore lacks, and every other namespace (``quantized``, ``torchvision``, a custom library's),
    raise PyTorch's AttributeError for an unknown operator, at the attribute access, as PyTorch does;
  * ``from torch._ops import ops`` (facebookresearch/dlrm) gets this same object.
Registering operators (torch.library) and loading custom-op libraries are not supported.
"""
import keyword

__all__ = ["ops", "OpOverload", "OpOverloadPacket"]

# Overload names PyTorch's aten operators commonly carry. A packet answers only these (and what
# overloads() lists), so a typo raises AttributeError as in PyTorch instead of silently calling the op.
_KNOWN_OVERLOAD_NAMES = frozenset({
    "default", "Tensor", "Scalar", "out", "Scalar_out", "Tensor_out", "int", "float", "dim", "dim_IntList",
    "self", "other", "Tensor_Scalar", "Scalar_Tensor", "Tensor_Tensor", "input", "names", "using_ints",
    "correction", "values", "indices", "dtype", "memory_format", "device", "str", "bool", "complex", "t",
})


class OpOverload:
    """One overload of an operator (``torch.ops.aten.add.Tensor``); calling it calls the operator."""

    def __init__(self, packet, overload_name):
        self._packet = packet
        self._overloadname = overload_name
        self.__name__ = f"{packet._qualified_op_name.split('::')[-1]}.{overload_name}"

    @property
    def overloadpacket(self):
        return self._packet

    @property
    def op(self):
        return self._packet._op

    def name(self):
        return f"{self._packet._qualified_op_name}.{self._overloadname}"

    def __call__(self, *args, **kwargs):
        return self._packet._op(*args, **kwargs)

    def __repr__(self):
        return f"<OpOverload(op='{self._packet._dotted_name}', overload='{self._overloadname}')>"

    def __str__(self):
        return f"{self._packet._dotted_name}.{self._overloadname}"


class OpOverloadPacket:
    """All overloads of one operator (``torch.ops.aten.add``); calling it picks the overload from the
    arguments, which tensorcore's function does itself (Note [torch.ops without a dispatcher])."""

    def __init__(self, namespace, op_name, op):
        self._qualified_op_name = f"{namespace}::{op_name}"
        self._dotted_name = f"{namespace}.{op_name}"
        self.__name__ = op_name
        self._op = op
        self._overloads = {}

    @property
    def op(self):
        return self._op

    def overloads(self):
        return list(self._overloads)

    def __getattr__(self, name):
        if name.startswith("__") or name not in _KNOWN_OVERLOAD_NAMES:
            raise AttributeError(f"The underlying op of '{self._dotted_name}' has no overload name '{name}'")
        overload = self._overloads.get(name)
        if overload is None:
            overload = self._overloads[name] = OpOverload(self, name)
        return overload

    def __call__(self, *args, **kwargs):
        return self._op(*args, **kwargs)

    def __repr__(self):
        return f"<OpOverloadPacket(op='{self._dotted_name}')>"

    def __str__(self):
        return self._dotted_name


def _aten_function(name):
    """tensorcore's implementation of aten::<name>, or None."""
    import tensorcore
    if name.startswith("_") or keyword.iskeyword(name):
        return None
    candidate = getattr(tensorcore, name, None)
    if callable(candidate) and not isinstance(candidate, type) and not hasattr(candidate, "__path__"):
        return candidate
    method = getattr(tensorcore.Tensor, name, None)
    if callable(method) and not isinstance(method, property):
        return method
    return None


class _OpNamespace:
    """``torch.ops.<namespace>``: operators looked up by attribute (Note [torch.ops without a dispatcher])."""

    def __init__(self, name):
        self.name = name
        self._packets = {}

    def __getattr__(self, op_name):
        if op_name.startswith("__"):
            raise AttributeError(op_name)
        packet = self._packets.get(op_name)
        if packet is not None:
            return packet
        function = _aten_function(op_name) if self.name == "aten" else None
        if function is None:
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op_name}'")
        packet = self._packets[op_name] = OpOverloadPacket(self.name, op_name, function)
        return packet

    def __repr__(self):
        return f"<module 'torch.ops.{self.name}' from 'torch.ops'>"


class _Ops:
    """``torch.ops``: one _OpNamespace per attribute name, created on first use as in PyTorch."""

    __name__ = "torch.ops"

    def __init__(self):
        self._namespaces = {}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        namespace = self._namespaces.get(name)
        if namespace is None:
            namespace = self._namespaces[name] = _OpNamespace(name)
        return namespace

    def __repr__(self):
        return "<module 'torch.ops' from 'torch.ops'>"


ops = _Ops()
