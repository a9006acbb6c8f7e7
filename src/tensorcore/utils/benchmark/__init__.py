"""torch.utils.benchmark: Timer and Measurement (eager, wall-clock; no C++ / valgrind backends).

Tutorials and benchmarks import ``from torch.utils.benchmark import Timer`` and print the
Measurement; without this module they stopped at the import (pytorch/tutorials
per_sample_grads.py, ensembling.py, jacobians_hessians.py).
"""
from .utils.common import Measurement, TaskSpec, select_unit, trim_sigfig, unit_to_english  # noqa: F401
from .utils.timer import Language, Timer  # noqa: F401

__all__ = ["Language", "Measurement", "TaskSpec", "Timer", "select_unit", "trim_sigfig", "unit_to_english"]
