"""torch.jit.save / torch.jit.load for tensorcore's script modules.

Note [The jit archive format]
PyTorch's jit.save writes a TorchScript archive: the compiled code (code/),
constants.pkl and the attributes. tensorcore compiles nothing, so its
archive is what tensorcore.save writes (a zip holding data.pkl and the
tensor storages), with one object: {_ARCHIVE_KEY: version, "module": the
ScriptModule or ScriptFunction, "extra_files": {name: bytes}}. The module is
pickled with its private copy (Note [Script modules run a private copy of the
module tree]), so its classes are found by import when loading, as
torch.save(model) needs them to be. A TorchScript archive written by PyTorch
is recognised (its constants.pkl or code/ records) and refused with an error
that says so: running it would need a TorchScript interpreter.
"""
import io
import os
import zipfile
from typing import Any

from ._script import ScriptFunction, ScriptModule

__all__ = ["save", "load"]

_ARCHIVE_KEY = "tensorcore_jit_archive"
_ARCHIVE_VERSION = 1


def save(m: Any, f: Any, _extra_files: Any = None) -> None:
    """Writes a ScriptModule or ScriptFunction to a path or a binary file
    object (Note [The jit archive format]); any other object raises
    AttributeError as in PyTorch (`m.save` does not exist)."""
    if not isinstance(m, (ScriptModule, ScriptFunction)):
        raise AttributeError(f"'{type(m).__name__}' object has no attribute 'save'")
    if not isinstance(f, (str, os.PathLike)) and not hasattr(f, "write"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
    extra = {}
    for name, content in (_extra_files or {}).items():
        extra[str(name)] = content.encode() if isinstance(content, str) else bytes(content)
    import pickle
    from .. import serialization
    try:
        serialization.save({_ARCHIVE_KEY: _ARCHIVE_VERSION, "module": m, "extra_files": extra}, f)
    except (pickle.PicklingError, AttributeError, TypeError) as e:
        # Note [The jit archive format]: classes are saved by name, so they must be importable
        raise RuntimeError(f"tensorcore.jit.save: cannot save this {type(m).__name__}: {e}. tensorcore saves the "
                           "module by pickling it (there is no TorchScript code to save), so every class and "
                           "function it uses must be importable: define them at the top level of a module, not "
                           "inside a function") from e


def _zip_names(f):
    """Record names of the zip archive at path or file object `f` (file
    position restored), or None when it is not a zip archive."""
    try:
        if isinstance(f, (str, os.PathLike)):
            with zipfile.ZipFile(f) as z:
                return z.namelist()
        pos = f.tell()
        try:
            with zipfile.ZipFile(f) as z:
                return z.namelist()
        finally:
            f.seek(pos)
    except zipfile.BadZipFile:
        return None


def load(f: Any, map_location: Any = None, _extra_files: Any = None, _restore_shapes: bool = False) -> Any:
    """Reads what tensorcore.jit.save wrote, returning a module that runs and
    gives the same outputs. `_extra_files` (a dict of names) is filled with
    the saved contents, as in PyTorch."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        if not os.path.exists(path):
            raise ValueError(f"The provided filename {path} does not exist")
        if os.path.isdir(path):
            raise ValueError(f"The provided filename {path} is a directory")
        src = path
    else:
        src = "the file object"
        if isinstance(f, (bytes, bytearray)):
            f = io.BytesIO(f)
        elif not hasattr(f, "read"):
            raise AttributeError(f"'{type(f).__name__}' object has no attribute 'read'")
    names = _zip_names(f)
    if names is None:
        raise RuntimeError(f"tensorcore.jit.load: {src} is not a zip archive, so neither a tensorcore.jit.save "
                           "archive nor a TorchScript archive (the file may be truncated or corrupted)")
    if any(n.endswith("/constants.pkl") or "/code/" in n for n in names):
        raise RuntimeError(f"tensorcore.jit.load: {src} is a TorchScript archive written by PyTorch's "
                           "torch.jit.save; tensorcore runs models eagerly and has no TorchScript interpreter to "
                           "run its compiled code. Load the model's state_dict instead (torch.save(model."
                           "state_dict()) in PyTorch, then model.load_state_dict(tensorcore.load(...)) on the "
                           "Python model class), or save the model with tensorcore.jit.save")
    from .. import serialization
    try:
        obj = serialization.load(f, map_location=map_location, weights_only=False)
    except (AttributeError, ImportError) as e:
        # Note [The jit archive format]: the module's classes are found by import
        raise RuntimeError(f"tensorcore.jit.load: {src} holds a module whose class cannot be found here ({e}). "
                           "tensorcore's jit archive pickles the Python module rather than TorchScript code, so "
                           "the classes it was saved with must be importable when loading: define the model "
                           "class in an importable module (not in the __main__ script that saved it), or "
                           "import/define it before calling load") from e
    if not (isinstance(obj, dict) and obj.get(_ARCHIVE_KEY) == _ARCHIVE_VERSION):
        raise RuntimeError(f"tensorcore.jit.load: {src} is not an archive written by jit.save (it holds no "
                           "constants.pkl, and no tensorcore jit module); a checkpoint written by "
                           "torch.save / tensorcore.save is read with tensorcore.load")
    if _extra_files is not None:
        saved = obj.get("extra_files", {})
        for name in list(_extra_files):
            if name in saved:
                _extra_files[name] = saved[name]
    return obj["module"]
