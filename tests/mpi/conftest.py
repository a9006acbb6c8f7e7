"""Tests that run on every rank of an MPI job:

    mpiexec -n 2 python -m pytest tests/mpi -q -p no:cacheprovider

(tests/test_distributed.py::test_mpi_suite_on_two_ranks launches exactly
that.) Every rank runs the same tests in the same order, so their
collectives pair up. Outside mpiexec (a plain `pytest tests`) the files here
are not collected: they need a second rank, and collecting them must not
start MPI in the main test process.
"""
import os

import pytest

LAUNCHED = "PMI_RANK" in os.environ or "OMPI_COMM_WORLD_RANK" in os.environ

if not LAUNCHED:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session", autouse=True)
def process_group():
    import tensorcore.distributed as dist
    if not dist.is_available():
        pytest.skip("mpi4py is not installed (pip install \"tensorcore[distributed]\")")
    # A bounded timeout: a test that breaks the pairing of collectives aborts
    # the job in a minute instead of hanging CI.
    dist.init_process_group("mpi", timeout=60)
    if dist.get_world_size() < 2:
        pytest.skip("needs at least 2 ranks: run under mpiexec -n 2")
    yield
    dist.destroy_process_group()


@pytest.fixture
def rank():
    import tensorcore.distributed as dist
    return dist.get_rank()


@pytest.fixture
def world():
    import tensorcore.distributed as dist
    return dist.get_world_size()
