"""Timer of torch.utils.benchmark: runs a Python statement with ``timeit`` and returns a Measurement.

Only the Python language is supported (PyTorch's C++ timers compile code at run time).
"""
import enum
import statistics
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
        # As PyTorch: `torch` is available to the statement without being passed.
        import tensorcore
        self._globals.setdefault("torch", tensorcore)
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                   sub_label=sub_label, description=description, env=env, num_threads=num_threads)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)

    def _timeit(self, number):
        return self._timer.timeit(max(int(number), 0))

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
        """Runs per block: grown tenfold until the timer's own overhead is under 1e-4 of a block
        and a block takes a thousandth of ``min_run_time``, or a block alone exceeds it
        (PyTorch's rule; it doubles as the warm-up)."""
        overhead = statistics.median(self._timeit(0) for _ in range(5))
        number = 1
        while True:
            taken = self._timeit(number)
            if overhead / taken <= 1e-4 and taken >= min_run_time / 1000:
                return number
            if taken > min_run_time or number * 10 > 2147483647:
                return number
            number *= 10

    def _measure(self, number, min_run_time, can_stop, max_run_time=None, callback=None):
        """Blocks of ``number`` runs until ``min_run_time`` is spent and ``can_stop(times)``,
        or ``max_run_time`` is exceeded."""
        times, total, stop = [], 0.0, False
        while total < min_run_time or not stop:
            t = self._timeit(number)
            times.append(t)
            total += t
            if callback is not None:
                callback(number, t)
            stop = can_stop(times)
            if max_run_time and total > max_run_time:
                break
        return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of runs until ``min_run_time`` seconds are spent; one raw time per block."""
        number = self._block_size(min_run_time)
        times = self._measure(number, min_run_time, lambda times: True, callback=callback)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """Blocks of runs until the interquartile range is within ``threshold`` of the median
        (at least ``min_run_time``, at most ``max_run_time`` seconds)."""
        number = self._block_size(0.05)

        def confident(times):
            return len(times) > 3 and Measurement(number, times, self._task_spec).meets_confidence(threshold)

        times = self._measure(number, min_run_time, confident, max_run_time, callback)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)
