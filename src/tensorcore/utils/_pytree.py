"""tensorcore.utils._pytree (torch.utils._pytree): flatten nested containers
into a list of leaves plus a TreeSpec that rebuilds them.

Note [What is a node]
    Nodes are the registered container types: tuple, list, dict, OrderedDict,
    defaultdict, deque, every namedtuple class (all under the one node type
    `collections.namedtuple`, context = the class), the torch.return_types
    classes (each its own node type, context None) and whatever
    register_pytree_node adds. Everything else, None included, is a leaf
    (PyTorch 2.13: tree_flatten(None) == ([None], *)).

    A node type's flatten_fn returns (children, context); unflatten_fn(children,
    context) rebuilds it. dict keys keep insertion order (the context is the
    key list), so a spec made from {'b':..., 'a':...} only accepts that order
    on unflatten but accepts any order, and any dict kind, in flatten_up_to
    (tree_map's extra trees), as PyTorch.
"""
import dataclasses
import functools
import json
import types
import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from typing import Any, Callable, NamedTuple, Optional

__all__ = [
    "PyTree", "Context", "FlattenFn", "UnflattenFn", "DumpableContext", "ToDumpableContextFn",
    "FromDumpableContextFn", "PyTreeSpec", "TreeSpec", "LeafSpec", "keystr", "key_get", "register_pytree_node",
    "tree_is_leaf", "tree_flatten", "tree_flatten_with_path", "tree_unflatten", "tree_iter", "tree_leaves",
    "tree_leaves_with_path", "tree_structure", "tree_map", "tree_map_with_path", "tree_map_", "tree_map_only",
    "tree_map_only_", "tree_all", "tree_any", "tree_all_only", "tree_any_only", "treespec_dumps",
    "treespec_loads", "treespec_pprint", "is_namedtuple", "is_namedtuple_class", "is_namedtuple_instance",
    "is_structseq", "is_structseq_class", "is_structseq_instance",
]

PyTree = Any
Context = Any
DumpableContext = Any
FlattenFn = Callable[[PyTree], "tuple[list[Any], Context]"]
UnflattenFn = Callable[[Any, Context], PyTree]
ToDumpableContextFn = Callable[[Context], DumpableContext]
FromDumpableContextFn = Callable[[DumpableContext], Context]

_NO_SERIALIZED_NAME = "NO_SERIALIZED_TYPE_NAME_FOUND"


class NodeDef(NamedTuple):
    type: Any
    flatten_fn: Any
    unflatten_fn: Any
    flatten_with_keys_fn: Any


class _SerializeNodeDef(NamedTuple):
    typ: Any
    serialized_type_name: str
    to_dumpable_context: Any
    from_dumpable_context: Any


SUPPORTED_NODES: "dict[Any, NodeDef]" = {}
SUPPORTED_SERIALIZED_TYPES: "dict[Any, _SerializeNodeDef]" = {}
SERIALIZED_TYPE_TO_PYTHON_TYPE: "dict[str, Any]" = {}


# ---- key paths ----
@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    """A key path printed the way it would index the tree: ['a'][1].y"""
    return "".join(str(k) for k in kp)


def key_get(obj, kp):
    for k in kp:
        obj = k.get(obj)
    return obj


# ---- namedtuple / structseq tests ----
def is_namedtuple_class(cls):
    return (isinstance(cls, type) and issubclass(cls, tuple)
            and isinstance(getattr(cls, "_fields", None), tuple)
            and all(type(f) is str for f in cls._fields)
            and callable(getattr(cls, "_make", None)) and callable(getattr(cls, "_asdict", None)))


def is_namedtuple(obj):
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


def is_structseq_class(cls):
    """torch.return_types classes (PyTorch's C struct sequences; tuples with named fields here)."""
    return (isinstance(cls, type) and issubclass(cls, tuple)
            and getattr(cls, "__module__", None) in ("tensorcore.return_types", "torch.return_types"))


def is_structseq(obj):
    return is_structseq_class(obj if isinstance(obj, type) else type(obj))


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


# ---- registry ----
def _register(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
              from_dumpable_context=None, flatten_with_keys_fn=None):
    if (to_dumpable_context is None) != (from_dumpable_context is None):
        raise ValueError(f"Both to_dumpable_context and from_dumpable_context for {cls} must be None or registered.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)
    name = _NO_SERIALIZED_NAME if serialized_type_name is None else serialized_type_name
    SUPPORTED_SERIALIZED_TYPES[cls] = _SerializeNodeDef(cls, name, to_dumpable_context, from_dumpable_context)
    SERIALIZED_TYPE_TO_PYTHON_TYPE[name] = cls


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make `cls` a container node: flatten_fn(obj) -> (children, context), unflatten_fn(children, context) -> obj."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    _register(cls, flatten_fn, unflatten_fn, serialized_type_name=serialized_type_name,
              to_dumpable_context=to_dumpable_context, from_dumpable_context=from_dumpable_context,
              flatten_with_keys_fn=flatten_with_keys_fn)


def _private_register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None,
                                  to_dumpable_context=None, from_dumpable_context=None, flatten_with_keys_fn=None):
    """Register (or re-register, with a warning) a node type: the entry point older libraries call."""
    if cls in SUPPORTED_NODES:
        warnings.warn(f"{cls} is already registered as pytree node. Overwriting the previous registration.",
                      stacklevel=2)
    _register(cls, flatten_fn, unflatten_fn, serialized_type_name=serialized_type_name,
              to_dumpable_context=to_dumpable_context, from_dumpable_context=from_dumpable_context,
              flatten_with_keys_fn=flatten_with_keys_fn)


def _register_pytree_node(cls, flatten_fn, unflatten_fn, to_str_fn=None, maybe_from_str_fn=None, *,
                          serialized_type_name=None, to_dumpable_context=None, from_dumpable_context=None,
                          flatten_with_keys_fn=None):
    """The pre-2.2 private registration (transformers and others still call it); deprecated."""
    warnings.warn("`torch.utils._pytree._register_pytree_node` is deprecated. "
                  "Please use `torch.utils._pytree.register_pytree_node` instead.", FutureWarning, stacklevel=2)
    if to_str_fn is not None or maybe_from_str_fn is not None:
        warnings.warn("`to_str_fn` and `maybe_from_str_fn` is deprecated. "
                      "Please use `to_dumpable_context` and `from_dumpable_context` instead.",
                      FutureWarning, stacklevel=2)
    _private_register_pytree_node(cls, flatten_fn, unflatten_fn, serialized_type_name=serialized_type_name,
                                  to_dumpable_context=to_dumpable_context,
                                  from_dumpable_context=from_dumpable_context,
                                  flatten_with_keys_fn=flatten_with_keys_fn)


def register_dataclass(cls, *, field_names=None, drop_field_names=None, serialized_type_name=None):
    """Make a dataclass (or a class built from keyword fields) a node: its non-None fields are the
    children; fields that are None are remembered in the context and rebuilt as None."""
    drop_field_names = drop_field_names or []
    if not dataclasses.is_dataclass(cls):
        if field_names is None:
            raise ValueError("field_names must be specified with a list of all fields used to "
                             f"initialize {cls}, as it is not a dataclass.")
    elif field_names is None:
        field_names = [f.name for f in dataclasses.fields(cls) if f.init]
    else:
        init_fields = {f.name for f in dataclasses.fields(cls) if f.init} - set(drop_field_names)
        if init_fields != set(field_names):
            error_msg = "field_names does not include all dataclass fields.\n"
            missing = init_fields - set(field_names)
            if missing:
                error_msg += (f"Missing fields in `field_names`: {missing}. If you want to include these fields in "
                              "the pytree, please add them to `field_names`, otherwise please add them to "
                              "`drop_field_names`.\n")
            unexpected = set(field_names) - init_fields
            if unexpected:
                error_msg += (f"Unexpected fields in `field_names`: {unexpected}. "
                              "Please remove these fields, or add them to `drop_field_names`.\n")
            raise ValueError(error_msg)

    def flatten(obj):
        present = [n for n in field_names if getattr(obj, n) is not None]
        absent = [n for n in field_names if getattr(obj, n) is None]
        return [getattr(obj, n) for n in present], [present, absent]

    def unflatten(values, context):
        present, absent = context
        return cls(**dict(zip(present, values)), **dict.fromkeys(absent))

    def flatten_with_keys(obj):
        values, (present, _) = flatten(obj)
        return [(GetAttrKey(n), v) for n, v in zip(present, values)], present

    _private_register_pytree_node(cls, flatten, unflatten, serialized_type_name=serialized_type_name,
                                  flatten_with_keys_fn=flatten_with_keys)


def _with_sequence_keys(flatten):
    def flatten_with_keys(node):
        children, context = flatten(node)
        return [(SequenceKey(i), c) for i, c in enumerate(children)], context
    return flatten_with_keys


def _with_mapping_keys(flatten, keys_of_context=lambda context: context):
    def flatten_with_keys(node):
        children, context = flatten(node)
        return [(MappingKey(k), c) for k, c in zip(keys_of_context(context), children)], context
    return flatten_with_keys


def _tuple_flatten(t):
    return list(t), None


def _list_flatten(lst):
    return lst, None


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _namedtuple_flatten(t):
    return list(t), type(t)


def _namedtuple_flatten_with_keys(t):
    return [(GetAttrKey(f), v) for f, v in zip(type(t)._fields, t)], type(t)


def _defaultdict_flatten(d):
    values, keys = _dict_flatten(d)
    return values, [d.default_factory, keys]


def _deque_flatten(d):
    return list(d), d.maxlen


def _namedtuple_to_dumpable(context):
    entry = SUPPORTED_SERIALIZED_TYPES.get(context)
    if entry is None or entry.serialized_type_name == _NO_SERIALIZED_NAME:
        raise NotImplementedError(
            f"Can't serialize TreeSpec of namedtuple class {context} because we "
            f"{'didn' if entry is None else 'couldn'}'t {'register' if entry is None else 'find'} a "
            "serializated_type_name. Please register using `_register_namedtuple`.")
    return entry.serialized_type_name


def _namedtuple_from_dumpable(name):
    if name not in SERIALIZED_TYPE_TO_PYTHON_TYPE:
        raise NotImplementedError(f"Can't deserialize TreeSpec of namedtuple class {name} "
                                  "because we couldn't find a serializated name.")
    return SERIALIZED_TYPE_TO_PYTHON_TYPE[name]


def _defaultdict_to_dumpable(context):
    factory, keys = context
    return {"default_factory_module": factory.__module__, "default_factory_name": factory.__qualname__,
            "dict_context": keys}


def _defaultdict_from_dumpable(d):
    import importlib
    factory = getattr(importlib.import_module(d["default_factory_module"]), d["default_factory_name"])
    return [factory, d["dict_context"]]


_register(tuple, _tuple_flatten, lambda values, context: tuple(values), serialized_type_name="builtins.tuple",
          flatten_with_keys_fn=_with_sequence_keys(_tuple_flatten))
_register(list, _list_flatten, lambda values, context: list(values), serialized_type_name="builtins.list",
          flatten_with_keys_fn=_with_sequence_keys(_list_flatten))
_register(dict, _dict_flatten, lambda values, context: dict(zip(context, values)), serialized_type_name="builtins.dict",
          flatten_with_keys_fn=_with_mapping_keys(_dict_flatten))
_register(namedtuple, _namedtuple_flatten, lambda values, context: context(*values),
          serialized_type_name="collections.namedtuple", to_dumpable_context=_namedtuple_to_dumpable,
          from_dumpable_context=_namedtuple_from_dumpable, flatten_with_keys_fn=_namedtuple_flatten_with_keys)
_register(OrderedDict, _dict_flatten, lambda values, context: OrderedDict(zip(context, values)),
          serialized_type_name="collections.OrderedDict", flatten_with_keys_fn=_with_mapping_keys(_dict_flatten))
_register(defaultdict, _defaultdict_flatten,
          lambda values, context: defaultdict(context[0], dict(zip(context[1], values))),
          serialized_type_name="collections.defaultdict", to_dumpable_context=_defaultdict_to_dumpable,
          from_dumpable_context=_defaultdict_from_dumpable,
          flatten_with_keys_fn=_with_mapping_keys(_defaultdict_flatten, lambda context: context[1]))
_register(deque, _deque_flatten, lambda values, context: deque(values, maxlen=context),
          serialized_type_name="collections.deque", flatten_with_keys_fn=_with_sequence_keys(_deque_flatten))


def _register_size():
    """torch.Size is a node (PyTorch registers it when torch.fx.experimental.proxy_tensor loads,
    i.e. on `import torch`): children are its ints, and it unflattens to a plain tuple."""
    from .._dtype import Size
    _register(Size, lambda size: (list(size), None), lambda values, context: tuple(values),
              serialized_type_name="torch.Size", flatten_with_keys_fn=_with_sequence_keys(lambda size: (list(size), None)))


_register_size()

_STANDARD_DICT_TYPES = frozenset({dict, OrderedDict, defaultdict})
_BUILTIN_TYPES = frozenset({tuple, list, dict, namedtuple, OrderedDict, defaultdict, deque})


def _register_structseq(cls):
    """torch.return_types.* are nodes of their own type with no context, registered on first sight
    (the classes live in tensorcore._tensor, which this module must not import at load time)."""
    _register(cls, _tuple_flatten, lambda values, context: tuple.__new__(cls, values),
              flatten_with_keys_fn=_with_sequence_keys(_tuple_flatten))


def _node_type(tree):
    cls = type(tree)
    if is_namedtuple_class(cls):
        return namedtuple  # every namedtuple class is one node type (Note [What is a node])
    if cls not in SUPPORTED_NODES and is_structseq_class(cls):
        _register_structseq(cls)
    return cls


def tree_is_leaf(tree, is_leaf=None):
    if is_leaf is not None and is_leaf(tree):
        return True
    return _node_type(tree) not in SUPPORTED_NODES


# ---- TreeSpec ----
class TreeSpec:
    """The structure of a pytree: the root's node type, its context and one spec per child.
    A leaf's spec has type None and prints as `*`."""

    __slots__ = ("type", "_context", "_children", "num_nodes", "num_leaves", "num_children")

    def __init__(self, type, context, children_specs):
        self.type, self._context, self._children = type, context, children_specs
        if type is None:
            if context is not None:
                raise AssertionError("leaf node should not have a context")
            if children_specs:
                raise AssertionError("leaf node should not have children")
            self.num_nodes, self.num_leaves, self.num_children = 1, 1, 0
        else:
            self.num_nodes = 1 + sum(c.num_nodes for c in children_specs)
            self.num_leaves = sum(c.num_leaves for c in children_specs)
            self.num_children = len(children_specs)

    def __repr__(self, indent=0):
        if self.type is None:
            return "*"
        # The children on one line each, indented two more per level (PyTorch's layout, commas included).
        inner = ""
        if self._children:
            indent += 2
            parts = [self._children[0].__repr__(indent)]
            parts += ["\n" + " " * indent + c.__repr__(indent) for c in self._children[1:]]
            inner = ",".join(parts)
        return f"TreeSpec({self.type.__name__}, {self._context}, [{inner}])"

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, TreeSpec):
            return NotImplemented
        return (str(self.type) == str(other.type) and self._context == other._context
                and self._children == other._children)

    def __hash__(self):
        context = self._context
        if self.type is defaultdict:
            context = (context[0], tuple(context[1]))
        elif self.type in (dict, OrderedDict):
            context = tuple(context)
        elif self.type is not None and self.type not in _BUILTIN_TYPES:
            context = None  # a custom node's context may be unhashable
        return hash((self.type, context, tuple(self._children)))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (TreeSpec, (self.type, self._context, self._children))

    @property
    def context(self):
        return self._context

    @property
    def children_specs(self):
        return self._children

    def is_leaf(self):
        return self.num_nodes == 1 and self.num_leaves == 1

    def children(self):
        return self._children.copy()

    def child(self, index):
        return self._children[index]

    def flatten_up_to(self, tree):
        """The subtrees of `tree` at this spec's leaves (tree must have this spec as a prefix)."""
        subtrees = []
        self._collect_up_to(tree, subtrees)
        return subtrees

    def _collect_up_to(self, node, out):
        if self.is_leaf():
            out.append(node)
            return
        node_type = _node_type(node)
        if self.type not in _BUILTIN_TYPES:
            if node_type != self.type:
                raise ValueError(f"Type mismatch; expected {self.type!r}, but got {node_type!r}.")
            children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
            if len(children) != self.num_children:
                raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(children)}.")
            if context != self._context:
                raise ValueError(f"Node context mismatch for custom node type {self.type!r}.")
        else:
            both_dicts = self.type in _STANDARD_DICT_TYPES and node_type in _STANDARD_DICT_TYPES
            if not both_dicts and node_type != self.type:
                raise ValueError(f"Node type mismatch; expected {self.type!r}, but got {node_type!r}.")
            if len(node) != self.num_children:
                raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(node)}.")
            if both_dicts:
                keys = self._context[1] if self.type is defaultdict else self._context
                missing, extra = set(keys) - set(node), set(node) - set(keys)
                if missing or extra:
                    detail = (f"; missing key(s): {missing}" if missing else "") + (
                        f"; extra key(s): {extra}" if extra else "")
                    raise ValueError(f"Node keys mismatch{detail}.")
                children = [node[k] for k in keys]
            else:
                children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
                if node_type is not deque and context != self._context:
                    raise ValueError(f"Node context mismatch for node type {self.type!r}; "
                                     f"expected {self._context!r}, but got {context!r}.")
        for child, spec in zip(children, self._children):
            spec._collect_up_to(child, out)

    def unflatten(self, leaves):
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} "
                             f"but the spec refers to a pytree that holds {self.num_leaves} items ({self}).")
        if self.is_leaf():
            return leaves[0]
        children, start = [], 0
        for spec in self._children:
            children.append(spec.unflatten(leaves[start:start + spec.num_leaves]))
            start += spec.num_leaves
        return SUPPORTED_NODES[self.type].unflatten_fn(children, self._context)


PyTreeSpec = TreeSpec


class LeafSpec(TreeSpec):
    """The spec of a leaf. Deprecated in PyTorch 2.13: constructing one warns
    (FutureWarning, PyTorch's text); tree_flatten's own leaf spec is built once, silently."""

    __slots__ = ()

    def __init__(self, _internal=False):
        if not _internal:
            warnings.warn("`isinstance(treespec, LeafSpec)` is deprecated, "
                          "use `isinstance(treespec, TreeSpec) and treespec.is_leaf()` instead.",
                          FutureWarning, stacklevel=2)
        super().__init__(None, None, [])


_LEAF_SPEC = LeafSpec(_internal=True)


def treespec_leaf():
    return _LEAF_SPEC


# ---- flatten / unflatten / map ----
def tree_flatten(tree, is_leaf=None):
    """(leaves, spec): the leaves in depth-first order and the structure that tree_unflatten rebuilds."""
    leaves = []

    def visit(node):
        if tree_is_leaf(node, is_leaf):
            leaves.append(node)
            return _LEAF_SPEC
        node_type = _node_type(node)
        children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
        return TreeSpec(node_type, context, [visit(c) for c in children])

    spec = visit(tree)
    return leaves, spec


def tree_unflatten(leaves, treespec):
    if not isinstance(treespec, TreeSpec):
        if not isinstance(leaves, TreeSpec):
            raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item of type {type(treespec)}.")
        leaves, treespec = treespec, leaves  # the spec first is accepted too
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    if tree_is_leaf(tree, is_leaf):
        yield tree
        return
    children, _ = SUPPORTED_NODES[_node_type(tree)].flatten_fn(tree)
    for child in children:
        yield from tree_iter(child, is_leaf)


def tree_leaves(tree, is_leaf=None):
    return list(tree_iter(tree, is_leaf))


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """func applied leafwise; the extra trees need only have `tree`'s structure as a prefix."""
    leaves, spec = tree_flatten(tree, is_leaf)
    columns = [leaves] + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(map(func, *columns))


def tree_map_(func, tree, *rests, is_leaf=None):
    """func called leafwise for its side effects; returns `tree` itself."""
    leaves, spec = tree_flatten(tree, is_leaf)
    columns = [leaves] + [spec.flatten_up_to(r) for r in rests]
    for _ in map(func, *columns):
        pass
    return tree


def map_only(type_or_types_or_pred):
    """Decorator: apply func only to leaves that are instances of the type(s) (or satisfy the predicate)."""
    if isinstance(type_or_types_or_pred, (type, tuple, types.UnionType)):
        def pred(x):
            return isinstance(x, type_or_types_or_pred)
    elif callable(type_or_types_or_pred):
        pred = type_or_types_or_pred
    else:
        raise TypeError("Argument must be a type, a tuple of types, or a callable.")

    def wrapper(func):
        @functools.wraps(func)
        def wrapped(x):
            return func(x) if pred(x) else x
        return wrapped
    return wrapper


def tree_map_only(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map_(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_iter(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_iter(tree, is_leaf)))


def tree_all_only(type_or_types, /, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, /, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))


# ---- key paths ----
def _key_paths(prefix, tree, is_leaf):
    if is_leaf and is_leaf(tree):
        yield prefix, tree
        return
    node_type = _node_type(tree)
    handler = SUPPORTED_NODES.get(node_type)
    if handler is None:
        yield prefix, tree
        return
    if handler.flatten_with_keys_fn is None:
        raise ValueError(f"Did not find a flatten_with_keys_fn for type: {node_type}. "
                         "Please pass a flatten_with_keys_fn argument to register_pytree_node.")
    key_children, _ = handler.flatten_with_keys_fn(tree)
    for key, child in key_children:
        yield from _key_paths((*prefix, key), child, is_leaf)


def tree_flatten_with_path(tree, is_leaf=None):
    return list(_key_paths((), tree, is_leaf)), tree_structure(tree, is_leaf)


def tree_leaves_with_path(tree, is_leaf=None):
    return list(_key_paths((), tree, is_leaf))


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    path_leaves, spec = tree_flatten_with_path(tree, is_leaf)
    paths = [p for p, _ in path_leaves]
    columns = [paths, [v for _, v in path_leaves]] + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(*columns))


# ---- printing and serialization ----
class _Star(str):
    """The placeholder leaf of treespec_pprint: prints as * with no quotes."""
    __slots__ = ()

    def __repr__(self):
        return "*"


def treespec_pprint(treespec):
    """The structure drawn as the container it describes, every leaf a `*`."""
    return repr(tree_unflatten([_Star("*")] * treespec.num_leaves, treespec))


_PROTOCOL = 1


def _spec_to_json(spec):
    if spec.is_leaf():
        return {"type": None, "context": None, "children_spec": []}
    entry = SUPPORTED_SERIALIZED_TYPES.get(spec.type)
    if entry is None:
        raise NotImplementedError(f"Serializing {spec.type} in pytree is not registered.")
    if entry.serialized_type_name == _NO_SERIALIZED_NAME:
        raise NotImplementedError(f"No registered serialization name for {spec.type} found. Please update your "
                                  "_register_pytree_node call with a `serialized_type_name` kwarg.")
    # A custom serializer's output is stored as is; otherwise the context goes in as a JSON string.
    if entry.to_dumpable_context is not None:
        context_json = entry.to_dumpable_context(spec._context)
    else:
        try:
            context_json = json.dumps(spec._context)
        except TypeError as e:
            raise TypeError("Unable to serialize context. Please make the context json dump-able, or register a "
                            "custom serializer using _register_pytree_node.") from e
    return {"type": entry.serialized_type_name, "context": context_json,
            "children_spec": [_spec_to_json(c) for c in spec._children]}


def _json_to_spec(d):
    if d["type"] is None and d["context"] is None and not d["children_spec"]:
        return _LEAF_SPEC
    if d["type"] not in SERIALIZED_TYPE_TO_PYTHON_TYPE:
        raise NotImplementedError(f"Deserializing {d['type']} in pytree is not registered.")
    cls = SERIALIZED_TYPE_TO_PYTHON_TYPE[d["type"]]
    entry = SUPPORTED_SERIALIZED_TYPES[cls]
    if entry.from_dumpable_context is not None:
        context = entry.from_dumpable_context(d["context"])
    else:
        context = json.loads(d["context"])
    return TreeSpec(cls, context, [_json_to_spec(c) for c in d["children_spec"]])


def treespec_dumps(treespec, protocol: Optional[int] = None):
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item of type {type(treespec)}.")
    protocol = _PROTOCOL if protocol is None else protocol
    if protocol != _PROTOCOL:
        raise ValueError(f"Unknown protocol {protocol}. Available protocols: [{_PROTOCOL}]")
    return json.dumps((protocol, _spec_to_json(treespec)))


def treespec_loads(serialized):
    protocol, d = json.loads(serialized)
    if protocol != _PROTOCOL:
        raise ValueError(f"Unknown protocol {protocol}. Available protocols: [{_PROTOCOL}]")
    return _json_to_spec(d)


def arg_tree_leaves(*args, **kwargs):
    """tree_leaves((args, kwargs)), without building the tuple."""
    leaves = []
    for a in (*args, *kwargs.values()):
        leaves.extend(tree_iter(a))
    return leaves
