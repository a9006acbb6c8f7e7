"""tensorcore.profiler: torch.profiler's profile / schedule /
record_function, recording the regions code marks with record_function
(Note [What tensorcore's profiler records] in autograd/profiler.py: no
per-operator rows, no memory, shapes or device times). Left out:
ExecutionTraceObserver and kineto (kineto_available() is False).
"""
import enum
import os
import warnings
from typing import Any, Callable

from ..autograd.profiler import (EventList, _Recorder, _sorted_events, _start_recording, _stop_recording,
                                 record_function)

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "kineto_available", "record_function", "DeviceType"]


class ProfilerActivity(enum.Enum):
    """What a profiler records; tensorcore records CPU regions only."""
    CPU = 0
    XPU = 1
    MTIA = 4
    CUDA = 2
    HPU = 3
    PrivateUse1 = 5


class DeviceType(enum.Enum):
    """The device kinds a profiler event can name (PyTorch's values)."""
    CPU = 0
    CUDA = 1
    MKLDNN = 2
    OPENGL = 3
    OPENCL = 4
    IDEEP = 5
    HIP = 6
    FPGA = 7
    MAIA = 8
    XLA = 9
    Vulkan = 10
    Metal = 11
    XPU = 12
    MPS = 13
    MTIA = 19
    Meta = 14
    HPU = 15
    VE = 16
    Lazy = 17
    IPU = 18
    PrivateUse1 = 20


class ProfilerAction(enum.Enum):
    """What a schedule asks the profiler to do at a step."""
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities() -> set:
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """False: tensorcore has no Kineto (its profiler is the record_function timer)."""
    return False


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """The step -> ProfilerAction function PyTorch's schedule returns: skip
    `skip_first` steps, then cycles of `wait` idle, `warmup` and `active`
    recorded steps (the last one RECORD_AND_SAVE), `repeat` times (0: for ever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def action_at(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:  # the first cycle starts at its warmup
            step += wait
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        within = step % cycle
        if within < wait:
            return ProfilerAction.NONE
        if within < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if within < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return action_at


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name: str, worker_name: Any = None, use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable[[Any], None]:
    """An on_trace_ready handler writing each finished trace as a Chrome
    trace file `<worker>.<ns>.pt.trace.json` into dir_name."""
    import socket
    import time

    def handler(prof: Any) -> None:
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json"
        path = os.path.join(dir_name, file_name)
        if use_gzip:
            import gzip
            import shutil
            prof.export_chrome_trace(path)
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
        else:
            prof.export_chrome_trace(path)
    return handler


_RECORDING = (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)


class profile:
    """torch.profiler.profile: records the record_function regions run while
    its schedule says RECORD (always, without a schedule); with a schedule,
    each step is a `ProfilerStep#N` region and `on_trace_ready(prof)` runs
    at the end of every RECORD_AND_SAVE step, as in PyTorch."""

    def __init__(self, *, activities: Any = None, schedule: Any = None, on_trace_ready: Any = None,
                 record_shapes: bool = False, profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False, experimental_config: Any = None,
                 execution_trace_observer: Any = None, acc_events: bool = False, use_cuda: Any = None,
                 custom_trace_id_callback: Any = None, post_processing_timeout_s: Any = None) -> None:
        self.activities = set(activities) if activities else supported_activities()
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.record_steps = schedule is not None
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)
        self.step_rec_fn = None
        self.acc_events = acc_events
        self._recorder = None
        self._finished_events = None
        self._prepared_before = False

    # ---- recording sessions ----
    def _prepare(self):
        """A new cycle begins (warmup, or recording without warmup)."""
        if self._prepared_before and not self.acc_events:
            warnings.warn("Warning: Profiler clears events at the end of each cycle. Only events from the current "
                          "cycle will be reported. To keep events across cycles, set acc_events=True.",
                          stacklevel=4)
        self._prepared_before = True

    def _start_trace(self):
        self._recorder = _Recorder()
        _start_recording(self._recorder)

    def _stop_trace(self):
        if self._recorder is not None:
            _stop_recording(self._recorder)
            earlier = list(self._finished_events or []) if self.acc_events else []
            self._finished_events = _sorted_events(earlier + self._recorder.events)
            self._recorder = None

    def _trace_ready(self):
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _transit(self, previous, current):
        was_recording = previous in _RECORDING
        will_record = current in _RECORDING
        if current == ProfilerAction.WARMUP and previous != ProfilerAction.WARMUP or \
                will_record and previous in (ProfilerAction.NONE, ProfilerAction.RECORD_AND_SAVE):
            self._prepare()
        if previous == ProfilerAction.RECORD_AND_SAVE or (was_recording and current is None):
            self._stop_trace()
            self._trace_ready()
            if will_record:
                self._start_trace()
        elif was_recording and not will_record:
            warnings.warn(f"Incorrect schedule: {previous} followed by {current}", stacklevel=3)
            self._stop_trace()
        elif not was_recording and will_record:
            self._start_trace()

    def start(self) -> None:
        self._transit(ProfilerAction.NONE, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def stop(self) -> None:
        if self.record_steps and self.step_rec_fn is not None:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        self._transit(self.current_action, None)

    def step(self) -> None:
        """Signals that the next step starts (see schedule)."""
        if self.record_steps and self.step_rec_fn is not None:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        previous = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit(previous, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def __enter__(self) -> "profile":
        self.start()
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        self.stop()

    # ---- results ----
    def events(self) -> EventList:
        """The events of the last finished recording."""
        if self._finished_events is None:
            raise AssertionError("Profiler must be initialized before accessing events")
        return self._finished_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        if self._finished_events is None:
            raise AssertionError("Profiler must be initialized before getting key averages")
        return self._finished_events.key_averages()

    def export_chrome_trace(self, path: str, use_python_export: bool = False) -> None:
        self.events().export_chrome_trace(path)

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        """Writes the recorded call stacks (one `frames value` line each) for
        flame graphs; tensorcore records no stacks, so the file is empty, as
        PyTorch's is for a profile taken without with_stack=True."""
        self.events()
        with open(path, "w"):
            pass
