"""Timer of torch.utils.benchmark: runs a Python statement with ``timeit`` and returns a Measurement.

Only the Python language is supported (PyTorch's C++ timers compile code at run time).
"""
import enum
import timeit

from .common import Measurement, TaskSpec

__all__ = ["Language", "Timer"]


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


class Timer:
    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timeit.default_timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1, language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            raise NotImplementedError("torch.utils.benchmark.Timer: only language='python' is supported here "
                                      "(C++ statements need a compiler at run time)")
        self._globals = dict(globals or {})
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                   sub_label=sub_label, description=description, env=env, num_threads=num_threads)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)

    def _timeit(self, number):
        # A zero-run block would divide by zero in Measurement.times.
        return self._timer.timeit(max(int(number), 1))

    def timeit(self, number=1000000):
        """One block of ``number`` runs, after a warm-up block of a hundredth of it (at least 2)."""
        self._timeit(number=max(int(number // 100), 2))
        return Measurement(number_per_run=number, raw_times=[self._timeit(number=number)],
                           task_spec=self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _block_size(self, min_run_time):
        """Doubles the runs per block until one block takes at least a thousandth of ``min_run_time``."""
        number = 1
        while True:
            if self._timeit(number) >= min_run_time / 1000 or number >= 1 << 20:
                return number
            number *= 10

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of runs until ``min_run_time`` seconds are spent; one raw time per block."""
        number = self._block_size(min_run_time)
        times, total = [], 0.0
        while total < min_run_time or not times:
            t = self._timeit(number)
            if callback is not None:
                callback(number, t)
            times.append(t)
            total += t
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """Blocks of runs until the interquartile range is within ``threshold`` of the median
        (at least ``min_run_time``, at most ``max_run_time`` seconds)."""
        number = self._block_size(0.05)
        times, total = [], 0.0
        while total < max_run_time:
            t = self._timeit(number)
            if callback is not None:
                callback(number, t)
            times.append(t)
            total += t
            if total >= min_run_time and len(times) > 3:
                m = Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)
                if m.meets_confidence(threshold):
                    break
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)
