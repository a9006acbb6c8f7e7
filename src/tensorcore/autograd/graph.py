"""Python views of C++ graph nodes: `tensor.grad_fn` objects whose type is
named after the node (AddBackward0, ...), as in PyTorch."""
from __future__ import annotations
from typing import Any
import weakref

from tensorcore import _C


_node_types = {}
builtin_function_nodes = set()  # Function-based nodes of tensorcore itself (CopySlices)
_live = weakref.WeakValueDictionary()  # C++ address -> wrapper, so grad_fn is stable

# Note [Leaf hooks in autograd.grad]
# The engine runs a leaf's tensor hooks (Tensor.register_hook) when it
# accumulates into .grad, but its capturing mode (autograd.grad, and
# backward(inputs=...) with a non-leaf input) hands the leaf's gradient back
# without them, where PyTorch applies them first. So the hooks registered on
# leaves are also kept here (leaf -> {hook id: hook}) and autograd.grad
# applies them to the gradients it returns for leaf inputs.
_leaf_hooks = {}  # id(leaf) -> (weak reference to the leaf, {hook id: (hook, checked hook)})


def leaf_hooks_of(tensor, create=False):
    """The hook table of a leaf (by identity: tensors compare elementwise)."""
    entry = _leaf_hooks.get(id(tensor))
    if entry is not None and entry[0]() is tensor:
        return entry[1]
    if not create:
        return None
    key = id(tensor)
    hooks = {}
    _leaf_hooks[key] = (weakref.ref(tensor, lambda _ref, key=key: _leaf_hooks.pop(key, None)), hooks)
    return hooks


def any_leaf_hooks():
    return bool(_leaf_hooks)


class Node:
    """Base class of every grad_fn object."""

    __slots__ = ("_cpp", "__weakref__")

    def name(self) -> Any:
        return self._cpp.name()

    @property
    def next_functions(self) -> Any:
        return tuple((wrap(fn), nr) for fn, nr in self._cpp.next_functions)

    @property
    def variable(self) -> Any:
        return self._cpp.variable

    def __call__(self, *grad_outputs: Any) -> Any:
        """The node's backward formula on these output gradients (None for an absent one): a tuple of
        input gradients, or the only one, as PyTorch's grad_fn(...)."""
        return self._cpp(*grad_outputs)

    def register_hook(self, fn: Any) -> Any:
        """fn(grad_inputs, grad_outputs) runs after this node computes its
        gradients; what it returns (if not None) replaces grad_inputs and must
        have one entry per gradient, as PyTorch checks."""
        def checked(grad_inputs, grad_outputs):
            result = fn(grad_inputs, grad_outputs)
            if result is None:
                return None
            if not isinstance(result, (tuple, list)):
                raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
            if len(result) != len(grad_inputs):
                raise RuntimeError(f"hook '{getattr(fn, '__name__', type(fn).__name__)}' has returned an incorrect "
                                   f"number of values (got {len(result)}, but expected {len(grad_inputs)})")
            return result
        hid = self._cpp._register_hook(checked)
        return _RemovableHandle(lambda: self._cpp._remove_hook(hid))

    def __getattr__(self, name: str) -> Any:
        # Note [grad_fn._saved_ attributes] (csrc/bindings/autograd.cpp): the
        # values the node saved for backward, under PyTorch's names.
        if name.startswith("_saved_"):
            return self._cpp._saved(name[len("_saved_"):])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self) -> Any:
        return sorted(set(super().__dir__()) | {"_saved_" + n for n in self._cpp._saved_names})

    def __repr__(self) -> str:
        custom = self._cpp._is_custom and self._cpp.name() not in builtin_function_nodes
        prefix = "tensorcore.autograd.function." if custom else ""  # as PyTorch for custom Functions
        return f"<{prefix}{type(self).__name__} object at {hex(id(self))}>"

    def __eq__(self, other):
        return isinstance(other, Node) and other._cpp._addr == self._cpp._addr

    def __hash__(self):
        return hash(self._cpp._addr)


def _type_for(name):
    cls = _node_types.get(name)
    if cls is None:
        short = name.rsplit("::", 1)[-1]
        cls = type(short, (Node,), {"__slots__": ()})
        cls.__module__ = "tensorcore.autograd.graph"
        _node_types[name] = cls
    return cls


def wrap(cpp_node: Any) -> Any:
    if cpp_node is None:
        return None
    addr = cpp_node._addr
    obj = _live.get(addr)
    if obj is not None:
        return obj
    obj = object.__new__(_type_for(cpp_node.name()))
    obj._cpp = cpp_node
    _live[addr] = obj
    return obj


class RemovableHandle:
    """What register_hook returns: remove() (or leaving a `with` block) undoes the registration."""

    __slots__ = ("_remove", "id")
    _next = [0]

    def __init__(self, remove: Any) -> None:
        self._remove = remove
        RemovableHandle._next[0] += 1
        self.id = RemovableHandle._next[0]

    def remove(self) -> None:
        if self._remove is not None:
            self._remove()
            self._remove = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


_RemovableHandle = RemovableHandle  # the name the rest of tensorcore imports


# Note [saved tensor hooks]
# The pairs live on a per-thread stack in C++ (csrc/bindings/autograd.cpp);
# while one is active every tensor saved for backward goes through its pack
# hook, and reads go through its unpack hook (Note [Saved-tensor hooks] in
# csrc/autograd/saved.h).
class saved_tensors_hooks:
    """Context manager: pack_hook(tensor) runs on every tensor saved for
    backward inside the block and its result is kept; unpack_hook(packed) turns
    it back into the tensor whenever backward (or grad_fn._saved_*) reads it."""

    def __init__(self, pack_hook: Any, unpack_hook: Any) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> Any:
        _C._push_saved_tensors_hooks(self.pack_hook, self.unpack_hook)

    def __exit__(self, *args: object) -> None:
        _C._pop_saved_tensors_hooks()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU (copied there when they live on
    another device) and moved back to their device when backward reads them."""

    def __init__(self, pin_memory: Any = False, device_type: Any = "cuda") -> None:
        import tensorcore

        self.pin_memory = pin_memory
        self.device_type = device_type

        def pack_to_cpu(tensor):
            if not pin_memory:
                return (tensor.device, tensor.cpu())
            packed = tensorcore.empty(tensor.size(), dtype=tensor.dtype, layout=tensor.layout,
                                      pin_memory=tensorcore.cuda.is_available() and not tensor.is_sparse)
            packed.copy_(tensor)
            return (tensor.device, packed)

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack_to_cpu, unpack_from_cpu)


class disable_saved_tensors_hooks:
    """Context manager (and decorator): inside it, entering saved_tensors_hooks
    raises RuntimeError(error_message); so does entering it while hooks are
    active."""

    def __init__(self, error_message: Any) -> None:
        self.error_message = error_message
        self._previous: Any = None

    def __enter__(self) -> Any:
        self._previous = _C._saved_tensors_hooks_get_disabled_error_message()
        try:
            _C._saved_tensors_hooks_disable(self.error_message)
        except BaseException:
            self.__exit__()  # raised because hooks are active: the previous state comes back
            raise

    def __exit__(self, *exc: Any) -> None:
        if self._previous is None:
            _C._saved_tensors_hooks_enable()
        else:
            _C._saved_tensors_hooks_disable(self._previous)

    def __call__(self, fn: Any) -> Any:
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper
