"""Whether code is running as part of a scripted or traced program.

Note [is_scripting and is_tracing in eager emulation]
tensorcore runs scripted and traced programs eagerly: the Python code of the
function or module runs on every call. PyTorch compiles it instead, and the
compiled code sees `torch.jit.is_scripting()` as True (scripted code) and
bakes in `torch.jit.is_tracing()` as True (a traced graph records the branch
taken while tracing). So that each call takes the branch PyTorch's compiled
code takes, tensorcore raises these flags while it runs that code:
  - is_scripting() is True while a ScriptFunction or a scripted module's
    forward runs (scripted code can print it, and prints True);
  - is_tracing() is True while torch.jit.trace runs its example and while a
    traced function or module runs.
Outside them (plain eager code) both are False, as in PyTorch. The flags are
per thread, like PyTorch's tracing state, and nest (a depth counter).
"""
import contextlib
import threading

_local = threading.local()


def is_scripting() -> bool:
    """True while scripted code runs (see Note [is_scripting and is_tracing in
    eager emulation]); False in ordinary eager code, as in PyTorch."""
    return getattr(_local, "scripting", 0) > 0


def is_tracing() -> bool:
    """True while torch.jit.trace runs its example inputs, and while a traced
    function or module runs; False otherwise."""
    return getattr(_local, "tracing", 0) > 0


@contextlib.contextmanager
def _raised(flag):
    setattr(_local, flag, getattr(_local, flag, 0) + 1)
    try:
        yield
    finally:
        setattr(_local, flag, getattr(_local, flag) - 1)


@contextlib.contextmanager
def outside_scripting():
    """Context in which is_scripting() is False again: an @ignore'd method
    that scripted code calls runs as plain Python."""
    depth = getattr(_local, "scripting", 0)
    _local.scripting = 0
    try:
        yield
    finally:
        _local.scripting = depth


def scripting():
    """Context in which is_scripting() is True."""
    return _raised("scripting")


def tracing():
    """Context in which is_tracing() is True."""
    return _raised("tracing")


class Error(Exception):
    """torch.jit.Error: the error TorchScript code raises (an Exception,
    not a RuntimeError, in PyTorch)."""


class FunctionModifiers:
    """The markers torch.jit.ignore / unused / export leave on a function
    (its `_torchscript_modifier`), spelled as PyTorch spells them."""
    UNUSED = "unused (ignored and replaced with raising of an exception)"
    IGNORE = "ignore (leave as a call to Python, cannot be torch.jit.save'd)"
    EXPORT = "export (compile this function even if nothing calls it)"
    DEFAULT = "default (compile if called from a exported function / forward)"
    COPY_TO_SCRIPT_WRAPPER = "if this method is not scripted, copy the python method onto the scripted model"
    _DROP = "_drop (function is fully ignored, declaration can be unscriptable)"


class _BroadcastingList:
    """BroadcastingListN[T]: TorchScript reads it as "a T or a list of N Ts";
    in eager code the subscript is None (PyTorch's BroadcastingListCls)."""

    def __getitem__(self, types):
        return None


BroadcastingList1 = _BroadcastingList()
BroadcastingList2 = _BroadcastingList()
BroadcastingList3 = _BroadcastingList()
