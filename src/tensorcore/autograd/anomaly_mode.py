"""Anomaly detection: detect_anomaly / set_detect_anomaly.

Note [anomaly mode in Python]
PyTorch's engine, in anomaly mode, checks every node's gradients for NaN and
raises ``RuntimeError: Function 'XBackward0' returned nan values in its
Nth output.`` tensorcore's engine has no such check, so `autograd.backward`
and `autograd.grad` (Tensor.backward goes through the former) do it from
Python while the mode is on: before running the engine they register a hook on
every node reachable from the outputs, which looks at the gradients the node
has just computed, and remove the hooks afterwards. The forward-traceback
warning PyTorch prints with the error is not reproduced (tensorcore does not
record forward stacks).
"""
from __future__ import annotations
from typing import Any
import warnings

__all__ = ["detect_anomaly", "set_detect_anomaly"]

_state = {"enabled": False, "check_nan": True}


def is_anomaly_enabled() -> bool:
    return _state["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    return _state["check_nan"]


def set_anomaly_enabled(enabled: Any, check_nan: Any = True) -> None:
    if not isinstance(enabled, bool):
        raise TypeError(f"set_anomaly_enabled(): argument 'enabled' (position 1) must be bool, not "
                        f"{type(enabled).__name__}")
    if not isinstance(check_nan, bool):
        raise TypeError(f"set_anomaly_enabled(): argument 'check_nan' (position 2) must be bool, not "
                        f"{type(check_nan).__name__}")
    _state["enabled"] = enabled
    _state["check_nan"] = check_nan


class detect_anomaly:
    """Context manager that turns anomaly detection on (with a warning)."""

    def __init__(self, check_nan: Any = True) -> None:
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
                      "enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args: Any) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Sets anomaly detection on or off at construction; as a context
    manager, restores the previous setting on exit."""

    def __init__(self, mode: Any, check_nan: Any = True) -> None:
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args: Any) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


def _reachable_nodes(roots):
    """Every grad_fn reachable from the roots' grad_fns (AccumulateGrad included)."""
    seen, stack, order = set(), [r.grad_fn for r in roots if r.grad_fn is not None], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(fn for fn, _ in node.next_functions)
    return order


def _nan_check_hooks(outputs):
    """Handles of the NaN-checking hooks on the graph above `outputs`, or ()
    when anomaly mode (with check_nan) is off. See Note [anomaly mode in Python]."""
    if not (_state["enabled"] and _state["check_nan"]):
        return ()
    handles = []
    for node in _reachable_nodes(outputs):
        name = node.name()
        if name == "torch::autograd::AccumulateGrad" or name.endswith("AccumulateGrad"):
            continue

        def check(grad_inputs, grad_outputs, name=name):
            for i, g in enumerate(grad_inputs):
                if g is not None and bool(g.isnan().any()):
                    raise RuntimeError(f"Function '{name}' returned nan values in its {i}th output.")
        handles.append(node.register_hook(check))
    return handles
