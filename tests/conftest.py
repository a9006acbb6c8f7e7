"""Shared pytest configuration for the tensorcore test suite.

Hypothesis profiles (pick one with the HYPOTHESIS_PROFILE environment variable;
the default is "ci"):

- ``ci``: reproducible and bounded -- 50 examples per test, derandomized, no
  deadline (CI machines and sanitizer builds have noisy timings).
- ``dev``: hypothesis' defaults (100 random examples) without a deadline, for
  local bug hunting.

Markers:

- ``slow``: long-running tests; deselect them with ``-m "not slow"`` (the
  sanitizer run in .ci/run does).
"""
import os

try:
    from hypothesis import settings
except ImportError:  # hypothesis is optional: tests that need it importorskip it
    settings = None

if settings is not None:
    settings.register_profile("ci", deadline=None, max_examples=50, derandomize=True)
    settings.register_profile("dev", deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running test; deselect with -m 'not slow'")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def torch():
    """PyTorch, the oracle; tests that compare against it skip when it is absent."""
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def one_thread():
    """Small tensors: one thread each, so that two OpenMP pools (ours and
    PyTorch's) do not compete for the machine's cores. Modules that compare
    many small ops with PyTorch use it: pytestmark = pytest.mark.usefixtures("one_thread")."""
    import tensorcore as tc
    old = tc.get_num_threads()
    tc.set_num_threads(1)
    try:
        import torch
        old_t = torch.get_num_threads()
        torch.set_num_threads(1)
    except ImportError:
        torch = None
    yield
    tc.set_num_threads(old)
    if torch is not None:
        torch.set_num_threads(old_t)
