"""torch._dynamo, for programs that configure or mark code for torch.compile.

Note [torch._dynamo without a compiler]
tensorcore runs everything eagerly (torch.compile returns the function, or wraps a module in an
OptimizedModule that calls it: _compile.py). Programs still reach into torch._dynamo around
compile: `torch._dynamo.config.cache_size_limit = 64`, `config.suppress_errors = True`,
`torch._dynamo.reset()` between models, `@torch._dynamo.disable` on code the compiler should skip,
`allow_in_graph(rearrange)` (einops < 0.8), `mark_dynamic(x, 0)`, `is_compiling()`. Here those are
what they are to eagerly run code: the markers return their function, mark_* do nothing, nothing
is ever being compiled, and the config stores what is written (config.py).
"""
from .. import compiler as _compiler
from .._compile import OptimizedModule as OptimizedModule, compile as _compile
from . import config as config

__all__ = ["OptimizedModule", "allow_in_graph", "assume_constant_result", "config", "disable", "disallow_in_graph",
           "forbid_in_graph", "graph_break", "is_compiling", "list_backends", "mark_dynamic", "mark_static",
           "mark_static_address", "maybe_mark_dynamic", "optimize", "reset"]

allow_in_graph = _compiler.allow_in_graph
assume_constant_result = _compiler.assume_constant_result
disable = _compiler.disable
is_compiling = _compiler.is_compiling
reset = _compiler.reset


def disallow_in_graph(fn):
    return fn


def forbid_in_graph(fn):
    return fn


def graph_break():
    """A graph break: nothing to break when nothing is traced."""


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None):  # noqa: A002 - PyTorch's names
    """Marks a dimension of t as dynamic for the compiler: there is none, so nothing to record."""


def maybe_mark_dynamic(t, index):
    """As mark_dynamic: nothing to record."""


def mark_static(t, index=None):
    """Marks t (or one of its dimensions) as static: nothing to record."""


def mark_static_address(t, guard=True):
    """Marks t's storage as static for CUDA graphs: nothing to record."""


def optimize(backend="inductor", *, nopython=False, guard_export_fn=None, guard_fail_fn=None, disable=False,
             dynamic=None, **kwargs):
    """The older torch._dynamo.optimize(backend)(fn) spelling of torch.compile: a decorator that
    returns fn, or wraps a module as torch.compile does."""
    return lambda model: _compile(model, fullgraph=nopython, dynamic=dynamic, disable=disable)


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names torch.compile accepts (tensorcore runs all of them eagerly)."""
    return ["cudagraphs", "inductor", "openxla", "tvm"]
