"""Installs the torch -> tensorcore alias in processes started by a program run under tensorcore.

Note [torch alias in spawned processes]
run_program.py installs the alias in its own process only. A child started with the ``spawn`` (or
``forkserver``) start method — torch.multiprocessing programs such as pytorch/examples mnist_hogwild, or a
DataLoader with multiprocessing_context='spawn' — is a fresh interpreter that re-imports the program's modules,
so ``import torch`` there would load the real PyTorch and mix the two libraries. run_program.py therefore puts
this folder first on PYTHONPATH and sets TENSORCORE_TORCH_ALIAS=1; Python imports ``sitecustomize`` at start-up,
and this one installs the same alias before the child unpickles anything. Forked children inherit the alias.
"""
import os

if os.environ.get("TENSORCORE_TORCH_ALIAS") == "1":
    import importlib.util
    import sys

    _runner_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run_program.py")
    _spec = importlib.util.spec_from_file_location("_tensorcore_run_program", _runner_path)
    _runner = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_runner)
    if "torch" not in sys.modules:
        _runner._install_alias()
