"""Installs the elementwise ops from the registry _C exports.

Every unary and binary op is one row of csrc/backend/op_tables.h (Note [Op
tables]); `_C._elementwise_ops()` hands back, per row, its name, its Python
forms and aliases, and ready-made C++ objects for the function, the method and
the in-place method. This module puts them where PyTorch has them:
tensorcore.<name>, Tensor.<name> and Tensor.<name>_, under every alias too.
Rows whose forms take extra arguments (add/sub's alpha, div's rounding_mode,
round's decimals) are marked "custom" and written in _tensor.py/_functions.py.
The reductions and the softmax family come the same way from the reduction
table (`_C._reduction_ops()`, Note [Reduction table]).
"""
from collections import namedtuple

from . import _C

OpRow = namedtuple("OpRow", "name arity forms aliases differentiable function method inplace")
# A row of the reduction table (csrc/bindings/reduction_table.h, Note [Reduction table]).
ReductionRow = namedtuple("ReductionRow", "name forms out_rule function_signatures method_signatures function method")


def rows():
    return [OpRow(*r) for r in _C._elementwise_ops()]


def reduction_rows():
    return [ReductionRow(*r) for r in _C._reduction_ops()]


def install(tensor_cls, namespace):
    """Puts each row's forms on the Tensor class and in `namespace` (the
    tensorcore module's globals); returns the names of the functions added."""
    added = []
    for row in rows():
        if "custom" in row.forms:
            # Written in Python with their extra arguments: only the aliases are added here.
            for name in row.aliases:
                if "function" in row.forms:
                    namespace[name] = namespace[row.name]
                    added.append(name)
                if "method" in row.forms:
                    setattr(tensor_cls, name, getattr(tensor_cls, row.name))
                if "inplace" in row.forms:
                    setattr(tensor_cls, name + "_", getattr(tensor_cls, row.name + "_"))
            continue
        for name in (row.name,) + row.aliases:
            if "function" in row.forms:
                namespace[name] = row.function
                added.append(name)
            if "method" in row.forms:
                setattr(tensor_cls, name, row.method)
            if "inplace" in row.forms:
                setattr(tensor_cls, name + "_", row.inplace)
    # sum and matmul: bound through the same C++ argument parser (csrc/bindings/fast_functions.cpp).
    for name, function, method in _C._fast_functions():
        namespace[name] = function
        setattr(tensor_cls, name, method)
        added.append(name)
    # mean, max, std, softmax, cumsum, ...: the reduction table, parsed in C++ from PyTorch's signatures.
    for row in reduction_rows():
        if "function" in row.forms:
            namespace[row.name] = row.function
            added.append(row.name)
        if "method" in row.forms:
            setattr(tensor_cls, row.name, row.method)
    return added
