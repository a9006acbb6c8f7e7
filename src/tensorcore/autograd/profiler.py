"""tensorcore.autograd.profiler: record_function, and a profiler that times
the regions it marks.

Note [What tensorcore's profiler records]
PyTorch's profiler records every operator call (aten::mm, aten::add, ...)
from inside its dispatcher, plus the regions user code marks with
record_function (and ProfilerStep#N markers). tensorcore's operators have no
such hook, so its profiler records only the marked regions: each
record_function entered while a profiler records becomes an event with the
wall-clock time of the region (perf_counter, in microseconds), its parent
region and its thread. Self time is the region's time minus that of the
regions nested in it. key_averages() groups them by name and table() prints
them in PyTorch's layout; the operator rows PyTorch would add are absent, so
a region's self time includes the operators it ran. Nothing is invented:
memory, shapes, FLOPs and device times are not recorded (reported as 0).
"""
import functools
import json
import os
import threading
import time
from typing import Any

__all__ = ["record_function", "profile", "EventList", "FunctionEvent", "FunctionEventAvg"]

# The recorder currently collecting events (one at a time, as in PyTorch,
# where a second profiler on the same thread is refused) and each thread's
# stack of open regions (for the parent links).
_active_recorder = None
_recorder_lock = threading.Lock()
_open_regions = threading.local()


def _now_us():
    return time.perf_counter_ns() / 1000.0


class FunctionEvent:
    """One recorded region: name (`key`), start and end (microseconds),
    thread, parent and children."""

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float = 0.0) -> None:
        self.id = id
        self.name = name
        self.thread = thread
        self.time_range_start = start_us
        self.time_range_end = end_us
        self.cpu_parent = None
        self.cpu_children: list = []
        self.count = 1
        self.input_shapes: list = []
        self.stack: list = []
        self.is_async = False
        self.is_legacy = False
        self.is_user_annotation = True
        self.device_time_total = 0.0
        self.self_device_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.device_memory_usage = 0
        self.self_device_memory_usage = 0
        self.flops = 0
        self.node_id = -1

    @property
    def key(self) -> str:
        return self.name

    @property
    def cpu_time_total(self) -> float:
        return self.time_range_end - self.time_range_start

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} thread={self.thread} "
                f"cpu_time_total={_format_time(self.cpu_time_total)} "
                f"self_cpu_time_total={_format_time(self.self_cpu_time_total)}>")


class FunctionEventAvg:
    """The events of one name, summed: count, cpu_time_total,
    self_cpu_time_total, and cpu_time (the average)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.device_time_total = 0.0
        self.self_device_time_total = 0.0
        self.input_shapes: list = []
        self.stack: list = []
        self.is_async = False
        self.is_legacy = False
        self.is_user_annotation = True
        self.cpu_parent = None
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.device_memory_usage = 0
        self.self_device_memory_usage = 0
        self.flops = 0
        self.node_id = -1

    def add(self, event: Any) -> "FunctionEventAvg":
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} count={self.count}>")


def _format_time(time_us):
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_share(time_us, total_us):
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def _in_unit(time_us, time_unit):
    if time_unit == "s":
        return f"{time_us / 1e6:.3f}s"
    if time_unit == "ms":
        return f"{time_us / 1e3:.3f}ms"
    if time_unit == "us":
        return f"{time_us:.3f}us"
    return _format_time(time_us)


class EventList(list):
    """A list of FunctionEvent (events()) or FunctionEventAvg (key_averages())."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("use_device", None)
        kwargs.pop("profile_memory", None)
        kwargs.pop("with_flops", None)
        super().__init__(*args, **kwargs)

    @property
    def self_cpu_time_total(self) -> float:
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(self, group_by_input_shapes: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> "EventList":
        groups: dict = {}
        for event in self:
            key = event.key
            if key.startswith("ProfilerStep#"):  # PyTorch sums the step markers into one row
                key = "ProfilerStep*"
            groups.setdefault(key, FunctionEventAvg(key)).add(event)
        return EventList(groups.values())

    def total_average(self) -> FunctionEventAvg:
        total = FunctionEventAvg("Total")
        for event in self:
            total.add(event)
        return total

    def table(self, sort_by: Any = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: Any = None,
              top_level_events_only: bool = False, time_unit: Any = None) -> str:
        """PyTorch's table layout: Name, Self CPU %, Self CPU, CPU total %,
        CPU total, CPU time avg, # of Calls, then the self CPU time total."""
        events = list(self)
        if not events:
            return ""
        if sort_by is not None:
            attr = sort_by.replace("cuda", "device").replace("xpu", "device").replace("privateuse1", "device")
            events.sort(key=lambda e: getattr(e, attr), reverse=True)
        name_width = min(max(len(e.key) for e in events) + 4, max_name_column_width or 10 ** 9)
        headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        widths = [name_width] + [12] * (len(headers) - 1)
        row_format = "".join("{: >" + str(w) + "}  " for w in widths)
        separator = "".join("-" * w + "  " for w in widths)
        line_length = sum(w + 2 for w in widths) - 2
        total_self = sum(e.self_cpu_time_total for e in events)
        lines = []
        if header is not None:
            lines += ["=" * line_length, header]
        if top_level_events_only:
            lines += ["=" * line_length, "This report only display top-level ops statistics"]
        lines += [separator, row_format.format(*headers), separator]
        shown = 0
        for e in events:
            if shown == row_limit:
                break
            if top_level_events_only and e.cpu_parent is not None:
                continue
            shown += 1
            name = e.key
            if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
                name = name[:max_name_column_width - 3] + "..."
            lines.append(row_format.format(
                name, _format_share(e.self_cpu_time_total, total_self), _in_unit(e.self_cpu_time_total, time_unit),
                _format_share(e.cpu_time_total, total_self), _in_unit(e.cpu_time_total, time_unit),
                _in_unit(e.cpu_time, time_unit), e.count))
        lines += [separator, f"Self CPU time total: {_in_unit(total_self, time_unit)}"]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.table()

    def export_chrome_trace(self, path: str) -> None:
        """Writes the events as a Chrome trace (chrome://tracing, Perfetto)."""
        trace = {"traceEvents": [
            {"ph": "X", "cat": "user_annotation", "name": e.name, "pid": os.getpid(), "tid": e.thread,
             "ts": e.time_range_start, "dur": e.cpu_time_total, "args": {}}
            for e in self if isinstance(e, FunctionEvent)]}
        with open(path, "w") as fh:
            json.dump(trace, fh)


class _Recorder:
    """Collects the events of one profiling session (Note [What tensorcore's
    profiler records])."""

    def __init__(self) -> None:
        self.events: list = []
        self._next_id = 0

    def open(self, name):
        stack = getattr(_open_regions, "stack", None)
        if stack is None:
            stack = _open_regions.stack = []
        self._next_id += 1
        event = FunctionEvent(self._next_id, name, threading.get_ident(), _now_us())
        if stack and stack[-1][0] is self:
            event.cpu_parent = stack[-1][1]
            stack[-1][1].cpu_children.append(event)
        stack.append((self, event))
        return event

    def close(self, event):
        event.time_range_end = _now_us()
        stack = getattr(_open_regions, "stack", [])
        for i in range(len(stack) - 1, -1, -1):  # out-of-order exits (a stored record_function) are tolerated
            if stack[i][1] is event:
                del stack[i]
                break
        self.events.append(event)


def _start_recording(recorder):
    global _active_recorder
    with _recorder_lock:
        if _active_recorder is not None:
            raise RuntimeError("Profiler is already enabled on this thread")
        _active_recorder = recorder


def _stop_recording(recorder):
    global _active_recorder
    with _recorder_lock:
        if _active_recorder is recorder:
            _active_recorder = None


def _sorted_events(events):
    return EventList(sorted(events, key=lambda e: (e.time_range_start, -e.time_range_end)))


class record_function:
    """Marks a region (a `with` block, or a decorated function) under a
    name; while a profiler records, the region's wall time becomes an event
    (Note [What tensorcore's profiler records]). Outside a profiler it only
    runs the code."""

    def __init__(self, name: str, args: Any = None) -> None:
        self.name = name
        self.args = args
        self.run_callbacks_on_exit = True
        self.record = None
        self._recorder = None

    def __enter__(self) -> "record_function":
        # PyTorch checks the types when the region is entered (its C++ op's schema: str name, str? args)
        if not isinstance(self.name, str):
            raise RuntimeError("record_function: expected a value of type 'str' for argument 'name' but instead "
                               f"found type '{type(self.name).__name__}'")
        if self.args is not None and not isinstance(self.args, str):
            raise RuntimeError("record_function: expected a value of type 'Optional[str]' for argument 'args' but "
                               f"instead found type '{type(self.args).__name__}'")
        recorder = _active_recorder
        if recorder is not None:
            self._recorder = recorder
            self.record = recorder.open(self.name)
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if self._recorder is not None and self.record is not None:
            self._recorder.close(self.record)
        self._recorder, self.record = None, None

    def __call__(self, func: Any) -> Any:
        @functools.wraps(func)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name, self.args):
                return func(*args, **kwargs)
        return wrapped


class profile:
    """torch.autograd.profiler.profile (the legacy interface): a context
    manager recording the record_function regions run inside it (Note [What
    tensorcore's profiler records])."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: Any = None,
                 record_shapes: bool = False, with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False,
                 use_cpu: bool = True, experimental_config: Any = None, acc_events: bool = False,
                 custom_trace_id_callback: Any = None) -> None:
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self._recorder = None
        self.function_events = None
        self.entered = False

    def __enter__(self) -> "profile":
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._recorder = _Recorder()
        _start_recording(self._recorder)
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if not self.enabled or self._recorder is None:
            return
        _stop_recording(self._recorder)
        self.function_events = _sorted_events(self._recorder.events)
        self.entered = False

    def _check_finish(self):
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        self._check_finish()
        return self.function_events.key_averages()

    def total_average(self) -> FunctionEventAvg:
        self._check_finish()
        return self.function_events.total_average()

    def table(self, sort_by: Any = None, row_limit: int = 100, max_src_column_width: int = 75,
              max_name_column_width: int = 55, max_shapes_column_width: int = 80, header: Any = None,
              top_level_events_only: bool = False) -> str:
        self._check_finish()
        return self.function_events.table(sort_by=sort_by, row_limit=row_limit,
                                          max_name_column_width=max_name_column_width, header=header,
                                          top_level_events_only=top_level_events_only)

    def export_chrome_trace(self, path: str) -> None:
        self._check_finish()
        self.function_events.export_chrome_trace(path)

    @property
    def self_cpu_time_total(self) -> float:
        self._check_finish()
        return self.function_events.self_cpu_time_total

    def __str__(self) -> str:
        self._check_finish()
        return str(self.function_events)
