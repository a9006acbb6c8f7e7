"""Run one Python program under PyTorch or under tensorcore posing as ``torch``.

    python tests/real_programs/run_program.py {torch|tensorcore} PROGRAM.py [ARGS...]

The program runs unchanged, as ``__main__``, with its own directory first on
sys.path (as ``python PROGRAM.py`` would) and the working directory left to the
caller. Before it starts, the library (``manual_seed(0)``), Python's ``random`` and
numpy's global generator are seeded, so a program that never seeds still draws
the same numbers under both.

Note [torch alias]
Under ``tensorcore`` a meta-path finder answers every ``import torch`` and
``import torch.<sub>`` with the matching ``tensorcore`` module (the very same
module object, entered in sys.modules under both names), so
``torch.nn.functional is tensorcore.nn.functional`` and isinstance checks,
pickling by module path and ``from torch.x import y`` all agree. A ``torch.<sub>``
that tensorcore lacks raises ModuleNotFoundError naming ``torch.<sub>``, as a
missing PyTorch submodule would. The real torch is never imported in that mode,
in child processes either (Note [torch alias in spawned processes] in
spawn_alias/sitecustomize.py).
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys


class _TorchAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves ``torch[.sub]`` to ``tensorcore[.sub]`` (Note [torch alias])."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "tensorcore" + fullname[len("torch"):]
        try:
            if importlib.util.find_spec(real) is None:
                return None
        except ModuleNotFoundError:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        real = "tensorcore" + spec.name[len("torch"):]
        return importlib.import_module(real)

    def exec_module(self, module):
        # The module was executed when imported under its tensorcore name.
        pass


def _install_alias():
    # Children started by spawn/forkserver are fresh interpreters: spawn_alias/sitecustomize.py installs the
    # alias there (Note [torch alias in spawned processes]).
    os.environ["TENSORCORE_TORCH_ALIAS"] = "1"
    spawn_site = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawn_alias")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [spawn_site] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.meta_path.insert(0, _TorchAliasFinder())
    import tensorcore  # noqa: F401  (registers the package before any program import)
    sys.modules["torch"] = sys.modules["tensorcore"]


def main(argv):
    if len(argv) < 2 or argv[0] not in ("torch", "tensorcore"):
        raise SystemExit(__doc__)
    library, program = argv[0], os.path.abspath(argv[1])
    if library == "tensorcore":
        _install_alias()
    import random
    import numpy
    import torch
    torch.manual_seed(0)
    random.seed(0)
    numpy.random.seed(0)
    sys.argv = [program] + list(argv[2:])
    sys.path.insert(0, os.path.dirname(program))
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
