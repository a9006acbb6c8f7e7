"""load(..., weights_only=True): a pickle interpreter that never runs code
it was not told to trust, and the allowlist API around it.

Note [weights_only unpickling]
Python's pickle.Unpickler imports and calls whatever a file names, so a
checkpoint could run `os.system`. This interpreter executes the pickle opcodes
itself and only ever:
  - builds plain data (None, bools, ints, floats, str, bytes, tuples, lists,
    dicts, sets);
  - resolves GLOBALs that are on PyTorch's default allowlist (mapped to
    tensorcore by _torch_pickle.torch_names) or that the user allowlisted
    with add_safe_globals / safe_globals — nothing is ever imported;
  - calls (REDUCE), instantiates (NEWOBJ) and fills (BUILD) only objects that
    came from those allowlisted globals;
  - loads persistent ids of the form ('storage', ...), i.e. tensor data.
This mirrors torch/_weights_only_unpickler.py: same allowlist, same rules,
errors worded the same way (naming tensorcore.serialization's functions).
Everything a crafted file can provoke (stack underflow, a missing memo entry,
a bad argument to an allowlisted callable) is reported as
pickle.UnpicklingError; containers may nest at most MAX_DEPTH deep, and the
interpreter is iterative, so no input can raise RecursionError.
"""
import _codecs
import collections
import contextlib
import struct
import warnings

from . import _torch_pickle
from ._torch_pickle import UnpicklingError, compat_global_name, resolve, torch_names

__all__ = ["add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals", "WeightsOnlyUnpickler",
           "WeightsOnlyRefusal"]



# Note [PyTorch's weights-only opcodes]
# PyTorch's weights-only unpickler (torch/_weights_only_unpickler.py) knows
# the protocol-2 opcodes only; a checkpoint saved with pickle_protocol=3..5
# draws its warning at the PROTO opcode and fails at the first opcode of the
# newer protocols it meets: bytes (BINBYTES, SHORT_BINBYTES, BINBYTES8),
# LONG4, SHORT_BINUNICODE, BINUNICODE8, ADDITEMS, STACK_GLOBAL, MEMOIZE and
# FRAME (so every protocol-4/5 file, which starts with a FRAME). This
# unpickler reads them all, but refuses them as PyTorch does, so a program
# behaves the same under both; weights_only=False reads such files.
_TORCH_UNSUPPORTED_OPS = frozenset([b"B", b"C", b"\x8b", b"\x8c", b"\x8d", b"\x8e", b"\x90", b"\x93", b"\x94",
                                    b"\x95"])


class WeightsOnlyRefusal(UnpicklingError):
    """The file names a global or a call outside the allowlist: it may be fine
    to load with weights_only=False or after add_safe_globals (the message
    says how), unlike a corrupt file."""


MAX_DEPTH = 1000
_BYTES_CODECS = ("latin1", "latin-1", "iso-8859-1", "utf-8", "utf8", "ascii")
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")

# ---- the user's allowlist ----
_user_safe_globals = []  # entries: a callable/class, or (callable, "module.name")


def _entry_name(entry):
    if isinstance(entry, tuple):
        if len(entry) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple of "
                             f"length: {len(entry)}")
        if type(entry[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                            f"{type(entry[1])}")
        return entry[1], entry[0]
    return f"{entry.__module__}.{entry.__qualname__}", entry


def add_safe_globals(safe_globals):
    """Marks the given globals (classes, functions, or `(obj, "module.name")`
    pairs for objects pickled under another name) as safe for
    `load(..., weights_only=True)`."""
    if not isinstance(safe_globals, list):
        raise TypeError(f"safe_globals must be a list, got {type(safe_globals).__name__}")
    for entry in safe_globals:
        _entry_name(entry)  # validate before changing anything
    for entry in safe_globals:
        if entry not in _user_safe_globals:
            _user_safe_globals.append(entry)


def get_safe_globals():
    """The globals the user marked safe (add_safe_globals / safe_globals)."""
    return list(_user_safe_globals)


def clear_safe_globals():
    """Forgets every global the user marked safe."""
    _user_safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Context manager: the given globals are safe for weights_only loading
    inside the `with` block only."""
    before = list(_user_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_safe_globals[:] = before


def _user_allowed():
    return dict(_entry_name(e) for e in _user_safe_globals)


def _display_name(full_path):
    # as PyTorch: builtins.foo is shown as foo
    if full_path.startswith("builtins."):
        return full_path[len("builtins."):]
    return full_path


def is_safe_global(full_path):
    """Whether weights_only loading resolves the global `module.name`."""
    module, name = full_path.rsplit(".", 1) if "." in full_path else ("", full_path)
    module, name = compat_global_name(module, name)
    full = f"{module}.{name}"
    if module in _BLOCKED_MODULES:
        return False
    user = _user_allowed()
    return full in torch_names() or full in user or (
        full.startswith("torch.") and "tensorcore." + full[len("torch."):] in user)


def globals_in_pickle(data):
    """The GLOBAL names in a pickle, found by disassembling it (pickletools:
    nothing is executed)."""
    import pickletools
    found = set()
    try:
        for opcode, arg, _ in pickletools.genops(data):
            if opcode.name in ("GLOBAL", "INST"):
                module, name = arg.split(" ", 1)
                found.add(f"{module}.{name}")
    except Exception as e:  # a malformed pickle
        raise UnpicklingError(f"corrupt pickle data ({type(e).__name__}: {e})") from None
    return found


# ---- the interpreter ----
_S_I = struct.Struct("<i")
_S_H = struct.Struct("<H")
_S_UI = struct.Struct("<I")
_S_Q = struct.Struct("<Q")
_S_D = struct.Struct(">d")


class _Mark:
    pass


class WeightsOnlyUnpickler:
    """Restricted unpickler over the bytes of a pickle (see Note above).
    `persistent_load(pid)` is called for ('storage', ...) ids."""

    def __init__(self, data, persistent_load, encoding="utf-8"):
        self.data = bytes(data)
        self.pos = 0
        self.persistent_load = persistent_load
        self.encoding = encoding

    # -- input --
    def _read(self, n):
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise UnpicklingError("pickle data was truncated")
        b = self.data[self.pos:end]
        self.pos = end
        return b

    def _readline(self):
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            raise UnpicklingError("pickle data was truncated")
        line = self.data[self.pos:end]
        self.pos = end + 1
        return line

    # -- stack helpers --
    def _pop(self):
        if not self.stack:
            raise UnpicklingError("unpickling stack underflow")
        return self.stack.pop()

    def _top(self):
        if not self.stack:
            raise UnpicklingError("unpickling stack underflow")
        return self.stack[-1]

    def _pop_mark(self):
        if not self.metastack:
            raise UnpicklingError("could not find MARK")
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _depth_of(self, obj):
        entry = self.depths.get(id(obj))
        return entry[1] if entry is not None and entry[0] is obj else 0

    def _nest(self, container, children):
        d = self._depth_of(container)
        for c in children:
            d = max(d, self._depth_of(c) + 1)
        if d > MAX_DEPTH:
            raise UnpicklingError(f"containers nest deeper than {MAX_DEPTH} levels")
        if d:
            self.depths[id(container)] = (container, d)  # the reference keeps id() unique

    # -- globals --
    def _find_global(self, module, name):
        module, name = compat_global_name(module, name)
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise WeightsOnlyRefusal(f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        names = torch_names()
        if full in names:
            return resolve(names[full])
        if full in self.user:
            return self.user[full]
        if full.startswith("torch.") and "tensorcore." + full[len("torch."):] in self.user:
            return self.user["tensorcore." + full[len("torch."):]]  # a PyTorch class allowlisted as tensorcore's
        shown = _display_name(full)
        raise WeightsOnlyRefusal(
            f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
            f"`tensorcore.serialization.add_safe_globals([{shown}])` or the "
            f"`tensorcore.serialization.safe_globals([{shown}])` context manager to allowlist this global if you "
            "trust this class/function.")

    def _is_allowed(self, obj):
        return id(obj) in self.allowed_ids

    def load(self):
        self.user = _user_allowed()
        self.allowed_ids = {id(v) for v in torch_names().values() if not isinstance(v, _torch_pickle._Unsupported)}
        self.allowed_ids.update(id(v) for v in self.user.values())
        self.stack, self.metastack, self.memo, self.depths = [], [], {}, {}
        try:
            return self._run()
        except UnpicklingError:
            raise
        except Exception as e:  # a crafted file must not surface as ValueError/TypeError/...
            raise UnpicklingError(f"corrupt pickle data ({type(e).__name__}: {e})") from e

    def _run(self):
        from .nn.parameter import Parameter
        Tensor = _torch_pickle.Tensor
        read, data, end = self._read, self.data, len(self.data)
        while True:
            stack = self.stack
            pos = self.pos
            if pos >= end:
                raise UnpicklingError("pickle data was truncated")
            op = data[pos:pos + 1]
            self.pos = pos + 1
            if op in _TORCH_UNSUPPORTED_OPS:  # Note [PyTorch's weights-only opcodes]
                raise WeightsOnlyRefusal(f"Unsupported operand {op[0]}")
            # memo
            if op == b"h":
                stack.append(self._memo_get(read(1)[0]))
            elif op == b"j":
                stack.append(self._memo_get(_S_UI.unpack(read(4))[0]))
            elif op == b"q":
                self.memo[read(1)[0]] = self._top()
            elif op == b"r":
                self.memo[_S_UI.unpack(read(4))[0]] = self._top()
            elif op == b"\x94":  # MEMOIZE
                self.memo[len(self.memo)] = self._top()
            # plain values
            elif op == b"N":
                stack.append(None)
            elif op == b"\x88":
                stack.append(True)
            elif op == b"\x89":
                stack.append(False)
            elif op == b")":
                stack.append(())
            elif op == b"]":
                stack.append([])
            elif op == b"}":
                stack.append({})
            elif op == b"\x8f":
                stack.append(set())
            elif op == b"J":
                stack.append(_S_I.unpack(read(4))[0])
            elif op == b"K":
                stack.append(read(1)[0])
            elif op == b"M":
                stack.append(_S_H.unpack(read(2))[0])
            elif op == b"\x8a":  # LONG1
                n = read(1)[0]
                stack.append(int.from_bytes(read(n), "little", signed=True))
            elif op == b"\x8b":  # LONG4
                n = _S_I.unpack(read(4))[0]
                stack.append(int.from_bytes(read(n), "little", signed=True))
            elif op == b"G":
                stack.append(_S_D.unpack(read(8))[0])
            elif op == b"X":  # BINUNICODE
                n = _S_UI.unpack(read(4))[0]
                stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif op == b"\x8c":  # SHORT_BINUNICODE
                n = read(1)[0]
                stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif op == b"\x8d":  # BINUNICODE8
                n = _S_Q.unpack(read(8))[0]
                stack.append(str(read(n), "utf-8", "surrogatepass"))
            elif op == b"U":  # SHORT_BINSTRING (Python 2 str)
                data = read(read(1)[0])
                stack.append(data if self.encoding == "bytes" else data.decode(self.encoding, "strict"))
            elif op == b"C":  # SHORT_BINBYTES
                stack.append(read(read(1)[0]))
            elif op == b"B":  # BINBYTES
                stack.append(read(_S_UI.unpack(read(4))[0]))
            elif op == b"\x8e":  # BINBYTES8
                stack.append(read(_S_Q.unpack(read(8))[0]))
            # containers
            elif op == b"a":  # APPEND
                item = self._pop()
                lst = self._top()
                if type(lst) is not list:
                    raise UnpicklingError(f"Can only append to lists, but got {type(lst)}")
                self._nest(lst, (item,))
                lst.append(item)
            elif op == b"e":  # APPENDS
                items = self._pop_mark()
                lst = self._top()
                if type(lst) is not list:
                    raise UnpicklingError(f"Can only extend lists, but got {type(lst)}")
                self._nest(lst, items)
                lst.extend(items)
            elif op == b"s" or op == b"u":  # SETITEM / SETITEMS
                if op == b"s":
                    v = self._pop()
                    items = [self._pop(), v]
                else:
                    items = self._pop_mark()
                target = self._top()
                if type(target) not in (dict, collections.OrderedDict, collections.Counter):
                    opname = "SETITEM" if op == b"s" else "SETITEMS"
                    raise UnpicklingError(f"Can only {opname} for dict, collections.OrderedDict, "
                                          f"collections.Counter, but got {type(target)}")
                if len(items) % 2:
                    raise UnpicklingError("odd number of items for SETITEMS")
                self._nest(target, items)
                for i in range(0, len(items), 2):
                    target[items[i]] = items[i + 1]
            elif op == b"\x90":  # ADDITEMS
                items = self._pop_mark()
                target = self._top()
                if type(target) is not set:
                    raise UnpicklingError(f"Can only add items to sets, but got {type(target)}")
                self._nest(target, items)
                target.update(items)
            elif op == b"(":  # MARK
                if len(self.metastack) >= MAX_DEPTH:
                    raise UnpicklingError(f"containers nest deeper than {MAX_DEPTH} levels")
                self.metastack.append(stack)
                self.stack = []
            elif op == b"t":
                items = self._pop_mark()
                t = tuple(items)
                self._nest(t, t)
                self.stack.append(t)
            elif op in (b"\x85", b"\x86", b"\x87"):  # TUPLE1..3
                n = op[0] - 0x84
                if len(stack) < n:
                    raise UnpicklingError("unpickling stack underflow")
                t = tuple(stack[-n:])
                self._nest(t, t)
                stack[-n:] = [t]
            # risky opcodes: globals, calls, object construction
            elif op == b"c":
                module = self._readline().decode("utf-8")
                name = self._readline().decode("utf-8")
                stack.append(self._find_global(module, name))
            elif op == b"\x93":  # STACK_GLOBAL
                name = self._pop()
                module = self._pop()
                if type(module) is not str or type(name) is not str:
                    raise UnpicklingError("STACK_GLOBAL requires str")
                self.stack.append(self._find_global(module, name))
            elif op == b"\x81":  # NEWOBJ
                args = self._pop()
                cls = self._pop()
                if type(args) is not tuple:
                    raise UnpicklingError("NEWOBJ expected an argument tuple")
                if cls is Parameter:
                    stack.append(Parameter(*args))
                elif self._is_allowed(cls) and isinstance(cls, type) and not issubclass(cls, Tensor):
                    stack.append(cls.__new__(cls, *args))
                else:
                    raise WeightsOnlyRefusal("Can only create new object for nn.Parameter or classes allowlisted via "
                                          f"`add_safe_globals` but got {cls}")
            elif op == b"R":  # REDUCE
                args = self._pop()
                func = self._top()
                if not self._is_allowed(func):
                    msg = f"Trying to call reduce for unrecognized function {func}"
                    if hasattr(func, "__self__"):
                        msg += f" which belongs to {func.__self__}"
                    raise WeightsOnlyRefusal(msg)
                if type(args) is not tuple:
                    raise UnpicklingError("REDUCE expected an argument tuple")
                if func is Tensor or (isinstance(func, type) and issubclass(func, Tensor)):
                    # torch.Tensor is allowlisted as a type name (for _rebuild_from_type_v2), but calling it
                    # would allocate whatever size the file asks for
                    raise WeightsOnlyRefusal(f"Trying to call reduce for {func}, which is only allowed as a type")
                if func is bytearray and args and isinstance(args[0], int):
                    raise UnpicklingError("bytearray(n) is not allowed in a checkpoint")  # a memory bomb
                if func is _codecs.encode and (len(args) != 2 or type(args[1]) is not str
                                               or args[1].lower().replace("_", "-") not in _BYTES_CODECS):
                    raise UnpicklingError("_codecs.encode is only allowed with the codecs pickle writes bytes with")
                result = func(*args)
                self._nest(result, args if isinstance(result, (set, collections.Counter, collections.OrderedDict))
                           else ())
                stack[-1] = result
            elif op == b"b":  # BUILD
                state = self._pop()
                inst = self._top()
                if type(inst) is collections.OrderedDict:
                    if not isinstance(state, dict) or not all(type(k) is str for k in state):
                        raise UnpicklingError("corrupt OrderedDict state")
                    inst.__dict__.update(state)
                elif isinstance(inst, Tensor):
                    raise UnpicklingError("tensorcore.load: legacy tensor pickles (BUILD of a Tensor) are not "
                                          "supported")
                elif self._is_allowed(type(inst)):
                    setstate = getattr(inst, "__setstate__", None)
                    if setstate is not None:
                        setstate(state)
                    else:
                        slotstate = None
                        if isinstance(state, tuple) and len(state) == 2:
                            state, slotstate = state
                        if state:
                            if not isinstance(state, dict) or not all(type(k) is str for k in state):
                                raise UnpicklingError("corrupt object state")
                            inst.__dict__.update(state)
                        if slotstate:
                            if not isinstance(slotstate, dict) or not all(type(k) is str for k in slotstate):
                                raise UnpicklingError("corrupt object state")
                            for k, v in slotstate.items():
                                setattr(inst, k, v)
                else:
                    raise WeightsOnlyRefusal("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                                          f"`add_safe_globals`, but got {type(inst)}")
            elif op == b"Q":  # BINPERSID
                pid = self._pop()
                if type(pid) is not tuple:
                    raise WeightsOnlyRefusal(f"persistent_load id must be tuple, but got {type(pid)}")
                tag = pid[0] if pid else None
                if isinstance(tag, bytes):
                    tag = tag.decode("ascii", "replace")
                if tag != "storage":
                    raise WeightsOnlyRefusal(f"Only persistent_load of storage is allowed, but got {tag!r}")
                stack.append(self.persistent_load(pid))
            # framing
            elif op == b"\x80":  # PROTO
                proto = read(1)[0]
                if proto > 5:
                    raise UnpicklingError(f"unsupported pickle protocol: {proto}")
                if proto != 2:  # PyTorch warns on each such load (Note [PyTorch's weights-only opcodes])
                    warnings.warn(f"Detected pickle protocol {proto} in the checkpoint, which was not the default "
                                  "pickle protocol used by `tensorcore.load` (2). The weights_only Unpickler might "
                                  "not support all instructions implemented by this protocol, please file an issue "
                                  "for adding support if you encounter this.", UserWarning, stacklevel=2)
            elif op == b"\x95":  # FRAME: only a length hint
                read(8)
            elif op == b".":
                if self.metastack:
                    raise UnpicklingError("MARK without a matching TUPLE/APPENDS/SETITEMS")
                return self._pop()
            else:
                raise UnpicklingError(f"Unsupported operand {op[0]}")

    def _memo_get(self, i):
        if i not in self.memo:
            raise UnpicklingError(f"Memo value not found at index {i}")
        return self.memo[i]
