"""tensorcore.distributed in one process (API surface, errors, sampler,
launcher), plus the tests that start MPI jobs: the collective and DDP suite
of tests/mpi on 2 ranks, faults (a rank that raises, exits or hangs), the
launcher and the digits example. The MPI jobs run as subprocesses so this
process never starts MPI."""
import os
import subprocess
import sys
import time

import pytest

import tensorcore as tc
import tensorcore.distributed as dist
from tensorcore.distributed import run as launcher
from tensorcore.distributed._worker import _mpi_environment
from tensorcore.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRC = os.path.dirname(os.path.dirname(os.path.abspath(tc.__file__)))  # where this tensorcore is imported from


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _mpiexec_or_skip():
    """mpiexec; the test skips without MPI, or fails where CI requires it
    (TC_CI_REQUIRE_MPI=1, set by .ci/run)."""
    missing = None
    if not dist.is_available():
        missing = 'mpi4py is not installed (pip install "tensorcore[distributed]")'
    elif launcher.find_mpiexec() is None:
        missing = 'no mpiexec (pip install "tensorcore[distributed]" brings MPICH\'s)'
    if missing:
        if os.environ.get("TC_CI_REQUIRE_MPI") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return launcher.find_mpiexec()


def _run(cmd, timeout):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=ROOT)
    return p, time.monotonic() - t0


# ------------------------------------------------------------ one process

def test_import_without_mpi4py_and_the_install_hint():
    code = """
import sys
class HideMpi4py:
    def find_spec(self, name, path=None, target=None):
        if name == "mpi4py" or name.startswith("mpi4py."):
            raise ModuleNotFoundError("No module named 'mpi4py'")
sys.meta_path.insert(0, HideMpi4py())
import tensorcore as tc
import tensorcore.distributed as dist
from tensorcore.nn.parallel import DistributedDataParallel
assert dist.is_available() is False and dist.is_initialized() is False
try:
    dist.init_process_group("mpi")
except RuntimeError as e:
    print("error:", e)
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60)
    assert p.returncode == 0, p.stderr
    assert 'pip install "tensorcore[distributed]"' in p.stdout


def test_names_added_for_pytorch_programs_exist_in_torch_too():
    import torch
    import torch.distributed.algorithms.ddp_comm_hooks.default_hooks as torch_hooks

    from tensorcore.distributed.algorithms.ddp_comm_hooks import default_hooks
    for name in ("send_object_list", "recv_object_list", "GradBucket"):
        assert hasattr(torch.distributed, name) and hasattr(dist, name), name
    for name in torch_hooks.__all__:
        assert hasattr(default_hooks, name), name
    from torch.distributed.algorithms.ddp_comm_hooks import debugging_hooks as torch_debugging

    from tensorcore.distributed.algorithms.ddp_comm_hooks import debugging_hooks
    assert hasattr(torch_debugging, "noop_hook") and hasattr(debugging_hooks, "noop_hook")
    for name in ("Future", "collect_all", "wait_all"):
        assert hasattr(torch.futures, name) and hasattr(tc.futures, name), name
    for name in ("register_comm_hook", "join", "no_sync"):
        assert hasattr(torch.nn.parallel.DistributedDataParallel, name)
        assert hasattr(tc.nn.parallel.DistributedDataParallel, name), name
    assert hasattr(torch.distributed.Work, "get_future") and hasattr(dist.Work, "get_future")


def test_calls_before_init_raise_value_error():
    assert not dist.is_initialized()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, lambda: dist.all_reduce(tc.ones(2)),
                 lambda: dist.broadcast(tc.ones(2), 0), lambda: dist.new_group([0])):
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            call()
    with pytest.raises(ValueError, match="not been initialized"):
        tc.nn.parallel.DistributedDataParallel(tc.nn.Linear(2, 2))


def test_backends_other_than_mpi_are_rejected_before_mpi_starts():
    for name in ("nccl", "bogus", "cuda:nccl"):
        with pytest.raises(ValueError, match="Invalid backend"):
            dist.init_process_group(name)
    assert dist.Backend("MPI") == "mpi"
    with pytest.raises(ValueError, match="init_method"):  # "gloo" (PyTorch's CPU backend) passes the name check
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1234")
    with pytest.raises(ValueError, match="init_method"):
        dist.init_process_group("mpi", init_method="tcp://127.0.0.1:1234")
    with pytest.raises(TypeError, match="timedelta"):
        dist.init_process_group("mpi", timeout="10")
    assert not dist.is_initialized()


def test_reduce_op_matches_torch(torch):
    import torch.distributed as tdist
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        ours, theirs = getattr(dist.ReduceOp, name), getattr(tdist.ReduceOp, name)
        assert repr(ours) == repr(theirs) and str(ours) == str(theirs) and int(ours) == int(theirs)
    assert dist.default_pg_timeout == tdist.default_pg_timeout
    assert dist.GroupMember.NON_GROUP_MEMBER == tdist.GroupMember.NON_GROUP_MEMBER


SAMPLER_CASES = [(n, replicas, shuffle, drop_last)
                 for n in (0, 1, 5, 10, 33, 100) for replicas in (1, 2, 3, 7)
                 for shuffle in (True, False) for drop_last in (True, False)]


@pytest.mark.parametrize("n,replicas,shuffle,drop_last", SAMPLER_CASES)
def test_distributed_sampler_equals_torch(torch, n, replicas, shuffle, drop_last):
    from torch.utils.data.distributed import DistributedSampler as TorchSampler
    for rank in range(replicas):
        for epoch in (0, 5):
            ours = DistributedSampler(range(n), replicas, rank, shuffle=shuffle, seed=11, drop_last=drop_last)
            theirs = TorchSampler(range(n), replicas, rank, shuffle=shuffle, seed=11, drop_last=drop_last)
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs)
            assert len(ours) == len(theirs)


def test_distributed_sampler_partitions_the_data_set():
    n, replicas = 10, 3
    parts = [list(DistributedSampler(range(n), replicas, r, shuffle=False)) for r in range(replicas)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]  # padded from the start to 12
    dropped = [list(DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=True)) for r in range(3)]
    assert dropped == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    s = DistributedSampler(range(n), replicas, 0, seed=1)
    first = list(s)
    assert sorted(sum((list(DistributedSampler(range(n), 3, r, seed=1, drop_last=True)) for r in range(3)), [])) \
        == sorted(set(sum((list(DistributedSampler(range(n), 3, r, seed=1, drop_last=True)) for r in range(3)), [])))
    s.set_epoch(1)
    assert list(s) != first  # a new order each epoch
    s.set_epoch(0)
    assert list(s) == first
    with pytest.raises(ValueError, match=r"Invalid rank 3, rank should be in the interval \[0, 2\]"):
        DistributedSampler(range(n), 3, 3)
    with pytest.raises(ValueError, match="not been initialized"):
        DistributedSampler(range(n))  # world size from the (missing) default group
    loader = tc.utils.data.DataLoader(tc.utils.data.TensorDataset(tc.arange(10)), batch_size=2,
                                      sampler=DistributedSampler(range(10), 2, 1, shuffle=False))
    assert [b[0].tolist() for b in loader] == [[1, 3], [5, 7], [9]]


def test_launcher_command_line():
    args = launcher.parse_args(["--nproc-per-node", "2", "train.py", "--lr", "0.1"])
    cmd = launcher.build_command(args, "mpiexec")
    assert cmd == ["mpiexec", "-n", "2", sys.executable, "-m", "tensorcore.distributed._worker", "train.py",
                   "--lr", "0.1"]
    args = launcher.parse_args(["--nnodes", "2", "--nproc_per_node", "4", "--hostfile", "hosts", "-m", "pkg.train"])
    assert launcher.build_command(args, "mpiexec")[:7] == ["mpiexec", "-n", "8", "-ppn", "4", "-f", "hosts"]
    assert launcher.build_command(args, "mpiexec")[-2:] == ["-m", "pkg.train"]
    with pytest.raises(SystemExit):
        launcher.parse_args(["--nnodes", "2", "train.py"])  # where would the second machine be?


def test_worker_maps_mpi_variables_to_torchrun_ones(monkeypatch):
    for k in ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS", "OMPI_COMM_WORLD_RANK",
              "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("PMI_RANK", "5")
    monkeypatch.setenv("PMI_SIZE", "8")
    monkeypatch.setenv("MPI_LOCALRANKID", "1")
    monkeypatch.setenv("MPI_LOCALNRANKS", "4")
    env = _mpi_environment()
    assert (env["RANK"], env["WORLD_SIZE"], env["LOCAL_RANK"], env["LOCAL_WORLD_SIZE"], env["GROUP_RANK"]) == \
        ("5", "8", "1", "4", "1")


def test_executor_inline_calls_keep_program_order():
    # Note [one MPI call at a time per group]: a synchronous call issued while
    # queued work is pending or running waits behind it; an idle group runs it
    # inline on the caller's thread. (Plain Python functions: no MPI here.)
    import threading
    from tensorcore.distributed._work import OrderedExecutor
    ex = OrderedExecutor("test", 60.0)
    order, gate = [], threading.Event()

    def slow():
        gate.wait(5)
        order.append("queued")
    work = ex.submit(slow, "slow")
    threading.Timer(0.05, gate.set).start()
    assert ex.call(lambda tag: order.append(tag) or threading.current_thread(), "inline", "inline call") \
        is not threading.current_thread()  # it waited in the queue, on the communication thread
    assert order == ["queued", "inline"] and work.is_completed()
    assert ex.call(lambda x: (x, threading.current_thread()), 7, "idle") == (7, threading.current_thread())
    assert ex.run(lambda: 8, "run") == 8 and ex.calls == 4
    assert ex.run(lambda: 9, "own timeout", timeout_s=5.0) == 9 and ex.running is None
    ex.close()
    with pytest.raises(RuntimeError, match="destroyed"):
        ex.call(print, 1, "after close")


def test_watchdog_times_each_call_from_when_it_first_sees_it():
    # Note [the watchdog keeps the clock]: a call is stamped when first seen
    # running and keeps its stamp while the executor's call count is unchanged;
    # a new call (new count) or an idle executor starts over.
    from tensorcore.distributed._work import _Timed, _Watchdog

    class FakeExecutor:
        timeout_s = 10.0
        running = None
        calls = 0
    wd, ex = _Watchdog(), FakeExecutor()
    wd._executors.add(ex)
    assert wd._executor_items(100.0) == ([], [10.0])
    ex.running, ex.calls = "op A", 1
    assert wd._executor_items(101.0)[0] == [(111.0, 101.0, "op A", 10.0)]
    assert wd._executor_items(105.0)[0] == [(111.0, 101.0, "op A", 10.0)]  # still the same call
    ex.running, ex.calls = "op B", 2  # many short calls between two wake-ups never add up
    assert wd._executor_items(109.0)[0] == [(119.0, 109.0, "op B", 10.0)]
    timed = _Timed("barrier", 3.0)
    ex.running, ex.calls = timed, 3
    assert wd._executor_items(110.0)[0] == [(113.0, 110.0, timed, 3.0)] and str(timed) == "barrier"
    ex.running = None
    assert wd._executor_items(111.0)[0] == [] and ex not in wd._seen


# ------------------------------------------------------------- MPI jobs

@pytest.mark.slow
def test_mpi_suite_on_two_ranks():
    """tests/mpi (every collective against numpy, DDP against one process)
    on 2 ranks; a broken pairing of collectives aborts within the suite's
    60 s collective timeout, and the whole job is bounded here."""
    mpiexec = _mpiexec_or_skip()
    p, _ = _run([mpiexec, "-n", "2", sys.executable, "-m", "pytest", os.path.join(HERE, "mpi"), "-q",
                 "-p", "no:cacheprovider"], timeout=240)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-6000:]
    assert out.count(" passed") == 2 and "failed" not in out, out[-3000:]


@pytest.mark.slow
def test_mpi_collectives_without_the_native_all_reduce():
    """tests/mpi/test_collectives.py again with TENSORCORE_DISTRIBUTED_NATIVE=0:
    every all_reduce through the Python plans (Note [Native all_reduce])."""
    mpiexec = _mpiexec_or_skip()
    env = _env()
    env["TENSORCORE_DISTRIBUTED_NATIVE"] = "0"
    p = subprocess.run([mpiexec, "-n", "2", sys.executable, "-m", "pytest", os.path.join(HERE, "mpi",
                        "test_collectives.py"), "-q", "-p", "no:cacheprovider", "-k", "not native_all_reduce"],
                       capture_output=True, text=True,
                       timeout=240, env=env, cwd=ROOT)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-6000:]
    assert out.count(" passed") == 2 and "failed" not in out and "skipped" not in out, out[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("mode,message", [
    ("raise", "uncaught ValueError (traceback above); aborting all 2 ranks"),
    ("exit", None),
    ("hang", "did not complete within the process group's timeout of 3 s"),
    ("hang-warm", "did not complete within the process group's timeout of 3 s"),
])
def test_failing_rank_ends_the_job_with_an_error(mode, message):
    mpiexec = _mpiexec_or_skip()
    p, elapsed = _run([mpiexec, "-n", "2", sys.executable, os.path.join(HERE, "mpi", "fault_worker.py"), mode],
                      timeout=90)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out
    assert elapsed < 60, f"took {elapsed:.0f} s"
    assert "sum" not in p.stdout  # rank 0 never completed its all_reduce
    if message:
        assert message in out, out
    if mode.startswith("hang"):
        assert "all_reduce (tensor [1] tensorcore.float32, group WORLD, rank 0)" in out


@pytest.mark.slow
def test_launcher_runs_a_script_on_two_ranks():
    _mpiexec_or_skip()
    p, _ = _run([sys.executable, "-m", "tensorcore.distributed.run", "--nproc-per-node", "2",
                 os.path.join(HERE, "mpi", "fault_worker.py"), "ok", "--flag"], timeout=90)
    assert p.returncode == 0, p.stdout + p.stderr
    for r in range(2):
        assert f"rank {r} of 2: sum 3; RANK={r} LOCAL_RANK={r} WORLD_SIZE=2 args=['--flag']" in p.stdout


@pytest.mark.slow
def test_digits_example_distributed():
    pytest.importorskip("sklearn")
    mpiexec = _mpiexec_or_skip()
    p, _ = _run([mpiexec, "-n", "2", sys.executable, os.path.join(ROOT, "examples", "train_digits.py"),
                 "--distributed", "--no-progress", "--epochs", "3", "--min-accuracy", "80"], timeout=180)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "distributed: 2 ranks, 32 images per rank per step" in p.stdout
    assert "(matches the trained model)" in p.stdout
    assert p.stdout.count("epoch  3/3") == 1  # only rank 0 prints
