"""DataLoader with worker processes (num_workers > 0): same batches as
num_workers=0, PyTorch's seeds and scheduling, worker errors, shutdown
without orphans or leaked shared memory, and the shared-memory transport.

Every loader that starts workers in this process has DataLoader(timeout=...)
so that a stuck worker fails the test instead of hanging the suite;
scenarios about process exit run in a subprocess with a timeout."""
import gc
import glob
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

import tensorcore as tc
from tensorcore.utils.data import (DataLoader, Dataset, IterableDataset, SequentialSampler,
                                   TensorDataset, get_worker_info)
from tensorcore.utils.data import _shared_memory

T = 20  # seconds: the per-batch timeout of every loader with workers here


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _plain(x):
    """Batches as nested Python values (tensors of either library -> lists)."""
    if hasattr(x, "tolist"):
        return ("tensor", str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x).__name__, [_plain(v) for v in x]
    return x


def _shm_files(pid=None):
    d = os.path.dirname(_shared_memory.new_prefix())
    return glob.glob(os.path.join(d, f"tensorcore_dl_{pid or os.getpid()}_*"))


def _alive(pid):
    """True while `pid` runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


@pytest.fixture(autouse=True)
def _no_leftover_segments():
    yield
    gc.collect()
    assert _shm_files() == []


# ---- datasets (module level: they must be importable to be pickled) ----
class Squares(Dataset):
    """Sample i: a dict with a tensor row, an int, a float, a string and a tuple."""

    def __init__(self, n=23):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": tc.arange(3, dtype=tc.float32) + i, "i": i, "f": i * 0.5, "name": f"s{i}",
                "pair": (tc.tensor([i, -i]), np.int64(i))}


class WhoAmI(Dataset):
    """Sample i: (i, worker id, worker seed, pid, draws from tensorcore, random and numpy)."""

    def __init__(self, lib, n=8):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return (i, info.id, info.num_workers, info.seed, os.getpid(), float(self.lib.rand(1)), random.random(),
                float(np.random.rand()), info.dataset is self)


class Sharded(IterableDataset):
    """Worker k of n yields start + k, start + k + n, ... below `stop`; the whole range without workers."""

    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.stop))
        return iter(range(self.start + info.id, self.stop, info.num_workers))


class Uneven(IterableDataset):
    """Worker k yields 3 * k + 1 samples (k * 100, k * 100 + 1, ...)."""

    def __iter__(self):
        info = get_worker_info()
        k = 0 if info is None else info.id
        return iter(range(k * 100, k * 100 + 3 * k + 1))


class Faulty(Dataset):
    """Sample `bad` misbehaves as `mode` says; every sample sleeps `delay` seconds first."""

    def __init__(self, mode, bad=3, n=8, delay=0.0):
        self.mode, self.bad, self.n, self.delay = mode, bad, n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.delay)
        if i == self.bad:
            if self.mode == "raise":
                raise ValueError(f"bad sample {i}")
            if self.mode == "keyerror":
                raise KeyError(f"missing {i}")
            if self.mode == "two_args":
                raise TwoArgError(i, "x")
            if self.mode == "exit":
                os._exit(3)
            if self.mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if self.mode == "unpicklable":
                return lambda: i
            if self.mode == "sleep":
                time.sleep(30)
        return (i, os.getpid())


class TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def _record_init(worker_id):
    info = get_worker_info()
    os.environ["TC_TEST_INIT"] = f"{worker_id}/{info.num_workers}"


class InitSeen(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return os.environ.get("TC_TEST_INIT", "not run")


def _failing_init(worker_id):
    raise OSError(f"init failed in {worker_id}")


def _collate_sum(batch):
    return ("summed", sum(b["i"] for b in batch))


# ---- results identical to num_workers=0 ----
@pytest.mark.filterwarnings("ignore:This DataLoader will create")  # 3 workers on a 2-CPU machine
@pytest.mark.parametrize("kwargs", [
    dict(batch_size=4),
    dict(batch_size=4, drop_last=True, prefetch_factor=1),
    dict(batch_size=None),
    dict(batch_size=5, collate_fn=_collate_sum, prefetch_factor=3),
    dict(batch_sampler=[[9, 0], [5], [22, 21, 20], [1, 1, 2]]),
    dict(sampler=SequentialSampler(range(7)), batch_size=3),
])
def test_map_style_batches_identical_to_single_process(kwargs):
    ds = Squares()
    workers = dict(kwargs)
    single = {k: v for k, v in kwargs.items() if k != "prefetch_factor"}
    expected = [_plain(b) for b in DataLoader(ds, **single)]
    got = [_plain(b) for b in DataLoader(ds, num_workers=2, timeout=T, **workers)]
    assert got == expected
    workers["prefetch_factor"] = 1
    assert [_plain(b) for b in DataLoader(ds, num_workers=3, timeout=T, **workers)] == expected


def test_tensor_dataset_with_workers_and_len():
    ds = TensorDataset(tc.arange(60, dtype=tc.float64).reshape(20, 3), tc.arange(20) % 3 == 0)
    dl = DataLoader(ds, batch_size=6, num_workers=2, timeout=T)
    it = iter(dl)
    assert len(it) == len(dl) == 4
    batches = list(it)
    assert [_plain(b) for b in batches] == [_plain(b) for b in DataLoader(ds, batch_size=6)]
    assert batches[0][0].dtype == tc.float64 and batches[0][1].dtype == tc.bool


class Logged(Dataset):
    """Appends each index it loads to a file: what the workers have fetched so far."""

    def __init__(self, path):
        self.path = path

    def __len__(self):
        return 20

    def __getitem__(self, i):
        with open(self.path, "a") as f:
            f.write(f"{i}\n")
        return i


def test_prefetch_factor_bounds_the_batches_in_flight(tmp_path):
    path = str(tmp_path / "fetched")

    def fetched(expected):
        deadline = time.monotonic() + 10
        while True:
            got = open(path).read().split() if os.path.exists(path) else []
            if len(got) >= expected or time.monotonic() > deadline:
                time.sleep(0.2)  # nothing more may come
                return sorted(int(i) for i in open(path).read().split())

    it = iter(DataLoader(Logged(path), batch_size=None, num_workers=2, prefetch_factor=3, timeout=T))
    assert fetched(6) == list(range(6))  # 3 per worker, none consumed yet
    assert next(it) == 0
    assert fetched(7) == list(range(7))  # one delivered, one more sent
    del it


def test_out_of_order_delivery_yields_every_batch_once():
    ds = Faulty("none", n=12, delay=0.01)
    got = [b[0].tolist() for b in DataLoader(ds, batch_size=2, num_workers=2, timeout=T, in_order=False)]
    assert sorted(got) == [[i, i + 1] for i in range(0, 12, 2)]


def test_shuffle_order_and_rng_stream_match_single_process():
    ds = Squares(30)
    for make_gen in (lambda: tc.Generator().manual_seed(5), lambda: None):
        tc.manual_seed(11)
        one = [b["i"].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, generator=make_gen())]
        after_one = tc.rand(3).tolist()
        tc.manual_seed(11)
        many = [b["i"].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, generator=make_gen(),
                                                      num_workers=2, timeout=T)]
        assert many == one and sorted(sum(many, [])) == list(range(30))
        # the main process drew exactly what it draws without workers
        assert tc.rand(3).tolist() == after_one


def test_shuffle_with_workers_matches_pytorch():
    torch = _torch()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import torch.utils.data as tdata
    n = 37

    class TorchRange(tdata.Dataset):
        def __len__(self):
            return n

        def __getitem__(self, i):
            return i

    for seed in (3,):
        ours = DataLoader(Squares(n), batch_size=5, shuffle=True, num_workers=2, timeout=T,
                          generator=tc.Generator().manual_seed(seed))
        theirs = tdata.DataLoader(TorchRange(), batch_size=5, shuffle=True, num_workers=2, timeout=T,
                                  generator=torch.Generator().manual_seed(seed))
        for _ in range(2):  # two epochs from the same generator
            assert [b["i"].tolist() for b in ours] == [b.tolist() for b in theirs]
    # the global generator, no explicit one
    tc.manual_seed(4)
    torch.manual_seed(4)
    ours = [b["i"].tolist() for b in DataLoader(Squares(n), batch_size=8, shuffle=True, num_workers=2, timeout=T)]
    theirs = [b.tolist() for b in tdata.DataLoader(TorchRange(), batch_size=8, shuffle=True, num_workers=2,
                                                   timeout=T)]
    assert ours == theirs


# ---- worker info and seeds ----
def test_get_worker_info_and_worker_seeds():
    assert get_worker_info() is None
    g = tc.Generator().manual_seed(123)
    base_seed = int(tc.empty((), dtype=tc.int64).random_(generator=tc.Generator().manual_seed(123)).item())
    rows = list(DataLoader(WhoAmI(tc), batch_size=None, num_workers=2, timeout=T, generator=g))
    assert [r[0] for r in rows] == list(range(8))
    assert [r[1] for r in rows] == [0, 1] * 4  # tasks dealt round robin
    assert all(r[2] == 2 and r[8] is True for r in rows)  # info.dataset: the worker's copy
    pids = {r[1]: r[4] for r in rows}
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    for worker_id in (0, 1):
        mine = [r for r in rows if r[1] == worker_id]
        seed = base_seed + worker_id
        assert all(r[3] == seed for r in mine)
        expected_tc = tc.rand(len(mine), generator=tc.Generator().manual_seed(seed)).tolist()
        assert [r[5] for r in mine] == pytest.approx(expected_tc, abs=0, rel=0)
        rng = random.Random(seed)
        assert [r[6] for r in mine] == [rng.random() for _ in mine]


def test_worker_seeds_and_draws_match_pytorch():
    torch = _torch()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import torch.utils.data as tdata

    def rows(lib, loader_cls, **kw):
        return [r[:4] + r[5:] for r in loader_cls(WhoAmI(lib), batch_size=None, num_workers=2, timeout=T, **kw)]

    assert rows(tc, DataLoader, generator=tc.Generator().manual_seed(9)) == \
        rows(torch, tdata.DataLoader, generator=torch.Generator().manual_seed(9))
    tc.manual_seed(21)
    torch.manual_seed(21)
    assert rows(tc, DataLoader) == rows(torch, tdata.DataLoader)


def test_worker_init_fn_runs_in_each_worker():
    got = [b for b in DataLoader(InitSeen(), batch_size=None, num_workers=2, timeout=T, worker_init_fn=_record_init)]
    assert got == ["0/2", "1/2", "0/2", "1/2"]
    assert "TC_TEST_INIT" not in os.environ  # it ran in the workers only


def test_worker_init_fn_exception_reaches_the_main_process():
    it = iter(DataLoader(InitSeen(), batch_size=None, num_workers=1, timeout=T, worker_init_fn=_failing_init))
    for _ in range(2):  # every task of the worker reports it
        with pytest.raises(OSError, match="Caught OSError in DataLoader worker process 0") as exc:
            next(it)
        assert "init failed in 0" in str(exc.value)
    del it, exc
    # so does an IterableDataset whose __iter__ fails in the worker
    with pytest.raises(ValueError, match="(?s)Caught ValueError in DataLoader worker process 1.*no data here"):
        list(DataLoader(BrokenStream(), batch_size=2, num_workers=2, timeout=T))


class BrokenStream(IterableDataset):
    def __iter__(self):
        if get_worker_info().id == 1:
            raise ValueError("no data here")
        return iter(range(3))


# ---- IterableDataset ----
@pytest.mark.filterwarnings("ignore:This DataLoader will create")
def test_iterable_dataset_sharded_and_interleaved():
    # worker 0 yields 0, 2, 4, ...; worker 1 yields 1, 3, 5, ...; batches alternate.
    got = [b.tolist() for b in DataLoader(Sharded(0, 14), batch_size=3, num_workers=2, timeout=T)]
    assert got == [[0, 2, 4], [1, 3, 5], [6, 8, 10], [7, 9, 11], [12], [13]]
    got = [b.tolist() for b in DataLoader(Sharded(0, 14), batch_size=3, drop_last=True, num_workers=2, timeout=T)]
    assert got == [[0, 2, 4], [1, 3, 5], [6, 8, 10], [7, 9, 11]]
    assert [int(b) for b in DataLoader(Sharded(0, 5), batch_size=None, num_workers=2, timeout=T)] == [0, 1, 2, 3, 4]
    # workers that run out early stop getting tasks; the others go on
    got = [b.tolist() for b in DataLoader(Uneven(), batch_size=2, num_workers=3, timeout=T, prefetch_factor=1)]
    assert got == [[0], [100, 101], [200, 201], [102, 103], [202, 203], [204, 205], [206]]


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
def test_iterable_dataset_matches_pytorch():
    torch = _torch()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import torch.utils.data as tdata

    class TorchUneven(tdata.IterableDataset):
        def __iter__(self):
            info = tdata.get_worker_info()
            return iter(range(info.id * 100, info.id * 100 + 3 * info.id + 1))

    for kw in (dict(batch_size=2), dict(batch_size=2, drop_last=True), dict(batch_size=None),
               dict(batch_size=4, prefetch_factor=1)):
        ours = [_plain(b) for b in DataLoader(Uneven(), num_workers=3, timeout=T, **kw)]
        theirs = [_plain(b) for b in tdata.DataLoader(TorchUneven(), num_workers=3, timeout=T, **kw)]
        assert ours == theirs, kw


# ---- persistent workers ----
def test_persistent_workers_keep_processes_and_results():
    ds = Faulty("none", n=10)
    expected = [b[0].tolist() for b in DataLoader(ds, batch_size=3)]
    dl = DataLoader(ds, batch_size=3, num_workers=2, timeout=T, persistent_workers=True)
    epochs = [[(b[0].tolist(), b[1].tolist()) for b in dl] for _ in range(3)]
    assert all([e[0] for e in epoch] == expected for epoch in epochs)
    pids = [{p for _, ps in epoch for p in ps} for epoch in epochs]
    assert len(pids[0]) == 2 and pids[0] == pids[1] == pids[2]
    # an epoch left early: the next one starts from the beginning, stale results are dropped
    it = iter(dl)
    next(it)
    assert [b[0].tolist() for b in dl] == expected
    # without persistence every epoch has new workers, and they are gone afterwards
    dl2 = DataLoader(ds, batch_size=3, num_workers=2, timeout=T)
    p1 = {p for b in dl2 for p in b[1].tolist()}
    p2 = {p for b in dl2 for p in b[1].tolist()}
    assert not (p1 & p2) and _wait_gone(p1 | p2) == []
    del dl, it
    gc.collect()
    assert _wait_gone(pids[0]) == []


def test_persistent_workers_seed_once_like_pytorch():
    torch = _torch()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import torch.utils.data as tdata
    ours = DataLoader(WhoAmI(tc, n=6), batch_size=2, shuffle=True, num_workers=2, timeout=T,
                      persistent_workers=True, generator=tc.Generator().manual_seed(2))
    theirs = tdata.DataLoader(WhoAmI(torch, n=6), batch_size=2, shuffle=True, num_workers=2, timeout=T,
                              persistent_workers=True, generator=torch.Generator().manual_seed(2))
    for _ in range(3):
        a = [[b[k].tolist() for k in (0, 1, 3, 5, 6, 7)] for b in ours]
        b = [[b[k].tolist() for k in (0, 1, 3, 5, 6, 7)] for b in theirs]
        assert a == b
    # persistent iterable workers start their iterators over each epoch
    dl = DataLoader(Sharded(0, 6), batch_size=2, num_workers=2, timeout=T, persistent_workers=True)
    assert [b.tolist() for b in dl] == [b.tolist() for b in dl] == [[0, 2], [1, 3], [4], [5]]


# ---- errors ----
def test_worker_exception_is_reraised_with_its_type_and_traceback():
    it = iter(DataLoader(Faulty("raise"), batch_size=1, num_workers=2, timeout=T))
    assert [next(it)[0].tolist() for _ in range(3)] == [[0], [1], [2]]
    with pytest.raises(ValueError) as exc:
        next(it)
    msg = str(exc.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent call ")
    assert "in __getitem__" in msg and msg.rstrip().endswith("ValueError: bad sample 3")
    # as in PyTorch the iterator goes on with the next batch
    assert [b[0].tolist() for b in it] == [[4], [5], [6], [7]]

    with pytest.raises(KeyError) as exc:
        list(DataLoader(Faulty("keyerror"), batch_size=2, num_workers=2, timeout=T))
    assert str(exc.value).startswith("Caught KeyError in DataLoader worker process 1.\nOriginal Traceback")
    # an exception type that cannot be rebuilt from one message becomes RuntimeError
    with pytest.raises(RuntimeError, match="Caught TwoArgError in DataLoader worker process 1"):
        list(DataLoader(Faulty("two_args"), batch_size=2, num_workers=2, timeout=T))
    # a sample that cannot be sent to the main process is an error, not a hang
    with pytest.raises(Exception, match="in DataLoader worker process 1"):
        list(DataLoader(Faulty("unpicklable"), batch_size=None, num_workers=2, timeout=T))


def test_worker_exception_message_matches_pytorch():
    torch = _torch()
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import torch.utils.data as tdata

    def first_line(loader_cls):
        try:
            list(loader_cls(Faulty("raise", bad=4), batch_size=2, num_workers=2, timeout=T))
        except ValueError as e:
            lines = str(e).splitlines()
            # PyTorch's iterator is in a reference cycle with this traceback;
            # collected by gc it needs 5 s per worker to shut down.
            e.__traceback__ = None
            return lines[0], lines[1], lines[-1]
        raise AssertionError("no exception")

    assert first_line(DataLoader) == first_line(tdata.DataLoader)


@pytest.mark.parametrize("mode,cause", [("exit", "exited unexpectedly with exit code 3"),
                                        ("kill", "is killed by signal: Killed")])
def test_dead_worker_raises_runtime_error_naming_it(mode, cause):
    it = iter(DataLoader(Faulty(mode, bad=2, delay=0.05), batch_size=1, num_workers=2, timeout=T))
    live = {next(it)[1].item(), next(it)[1].item()}  # samples 0 and 1: one from each worker
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly") as exc:
        next(it)
    assert time.monotonic() - t0 < 5
    dead_pid = int(str(exc.value).split("pid(s) ")[1].split(")")[0])
    assert dead_pid in live
    assert cause in str(exc.value.__cause__) and str(dead_pid) in str(exc.value.__cause__)
    # the surviving worker was stopped too
    assert _wait_gone(live) == []
    with pytest.raises(StopIteration):
        next(it)
    # a persistent loader whose worker died starts new workers next epoch
    dl = DataLoader(Faulty(mode, bad=2), batch_size=2, num_workers=2, timeout=T, persistent_workers=True)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(dl)
    dl.dataset.bad = -1
    assert [b[0].tolist() for b in dl] == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_timeout_raises_runtime_error():
    dl = DataLoader(Faulty("sleep", bad=0, n=4), batch_size=None, num_workers=1, timeout=0.3)
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.3 seconds$"):
        next(iter(dl))
    assert time.monotonic() - t0 < 5
    gc.collect()
    # PyTorch refuses a timeout without workers with this AssertionError
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(Squares(), timeout=1))


def test_shutdown_on_break_and_del_leaves_no_processes():
    ds = Faulty("none", n=40, delay=0.01)
    dl = DataLoader(ds, batch_size=2, num_workers=2, timeout=T)
    pids = set()
    for b in dl:
        pids.update(b[1].tolist())
        if len(pids) == 2:
            break
    gc.collect()
    assert _wait_gone(pids) == []
    it = iter(dl)
    pids = set(next(it)[1].tolist() + next(it)[1].tolist())
    del it
    assert _wait_gone(pids) == []


def _run(code, timeout=30):
    """Runs `code` in a fresh interpreter; returns (returncode, stdout, stderr)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(tc.__file__))] + sys.path)
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, env=env, start_new_session=True)
    return proc.returncode, proc.stdout, proc.stderr


_SCRIPT_HEAD = """
    import os, sys, time, signal
    # A shell that starts a job in the background (as CI may) ignores SIGINT in
    # it, and Python then keeps it ignored: restore the terminal's behaviour.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import tensorcore as tc
    from tensorcore.utils.data import DataLoader, TensorDataset
    sys.path.insert(0, {tests!r})
    from test_dataloader_workers import Faulty
""".format(tests=os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("ending", ["keyboard_interrupt", "ctrl_c_to_process_group", "exit_with_live_iterator",
                                    "persistent_at_exit", "sys_exit_in_loop"])
def test_no_orphans_or_segments_when_the_process_ends(ending):
    code = _SCRIPT_HEAD + f"""
    ending = {ending!r}
    dl = DataLoader(Faulty("none", n=200, delay=0.02), batch_size=2, num_workers=2, timeout=20,
                    persistent_workers=ending == "persistent_at_exit")
    it = iter(dl)
    pids = set()
    while len(pids) < 2:
        pids.update(next(it)[1].tolist())
    print("MAIN", os.getpid(), "PIDS", *sorted(pids), flush=True)
    if ending == "keyboard_interrupt":
        for b in it:
            signal.raise_signal(signal.SIGINT)  # SIGINT to the main process only, mid-epoch
    elif ending == "ctrl_c_to_process_group":
        for b in it:
            os.killpg(os.getpgid(0), signal.SIGINT)  # Ctrl-C in a terminal: main process and workers
    elif ending == "sys_exit_in_loop":
        for b in it:
            sys.exit(0)
    # otherwise: end of the script with the iterator (and its workers) alive
    """
    rc, out, err = _run(code)
    assert "PIDS" in out, err
    main_pid = int(out.split()[1])
    pids = [int(p) for p in out.split("PIDS")[1].split()]
    if ending in ("keyboard_interrupt", "ctrl_c_to_process_group"):
        # one traceback: the main process's; the workers exit quietly
        assert rc != 0 and err.count("KeyboardInterrupt") == 1 and err.count("Traceback") == 1, err
    else:
        assert rc == 0, err
    assert _wait_gone(pids) == []
    assert _shm_files(main_pid) == []
    if rc == 0:
        assert "Traceback" not in err, err


def test_killed_main_process_does_not_leave_workers_running():
    code = _SCRIPT_HEAD + """
    it = iter(DataLoader(Faulty("none", n=200, delay=0.02), batch_size=2, num_workers=2, timeout=20))
    pids = set()
    while len(pids) < 2:
        pids.update(next(it)[1].tolist())
    print("MAIN", os.getpid(), "PIDS", *sorted(pids), flush=True)
    time.sleep(0.1)  # results in flight, their segments not yet received
    os.kill(os.getpid(), signal.SIGKILL)
    """
    rc, out, err = _run(code)
    assert rc == -signal.SIGKILL
    main_pid = int(out.split()[1])
    pids = [int(p) for p in out.split("PIDS")[1].split()]
    # orphaned workers notice that their parent is gone, remove the segments
    # nobody will receive, and exit
    assert _wait_gone(pids, seconds=10) == []
    assert _shm_files(main_pid) == []


@pytest.mark.slow
def test_spawn_context_gives_the_same_batches():
    code = _SCRIPT_HEAD + """
    ds = TensorDataset(tc.arange(30, dtype=tc.float32).reshape(10, 3), tc.arange(10))
    one = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=3, shuffle=True,
                                                         generator=tc.Generator().manual_seed(1))]
    if __name__ == "__main__":
        many = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=3, shuffle=True, num_workers=2,
                                                              timeout=20, multiprocessing_context="spawn",
                                                              generator=tc.Generator().manual_seed(1))]
        print(one == many)
    """
    rc, out, err = _run(code, timeout=60)
    assert rc == 0 and out.split() == ["True"], err


# ---- shared-memory transport ----
def test_tensors_travel_through_shared_memory_segments(tmp_path):
    big = tc.arange(250_000, dtype=tc.float32)
    leaf = tc.ones(2, 2, requires_grad=True)
    obj = {"big": big, "view": tc.arange(12.0).reshape(3, 4).t(), "scalar": tc.tensor(7),
           "empty": tc.zeros(0, 3, dtype=tc.int32), "mask": tc.tensor([True, False]), "leaf": leaf,
           "same": [big, big], "text": "abc", "n": 5}
    path = str(tmp_path / "segment")
    segment_path, pickled = _shared_memory.dumps(obj, path)
    assert segment_path == path and os.path.getsize(path) >= 1_000_000
    assert len(pickled) < 2000  # the pickle holds no tensor data
    back = _shared_memory.loads((segment_path, pickled))
    assert not os.path.exists(path)  # unlinked as soon as it is mapped
    for key in ("big", "view", "scalar", "empty", "mask"):
        assert back[key].dtype == obj[key].dtype and back[key].shape == obj[key].shape
        assert back[key].tolist() == obj[key].tolist()
    assert back["leaf"].requires_grad and back["leaf"].is_leaf and back["leaf"].tolist() == leaf.tolist()
    assert back["text"] == "abc" and back["n"] == 5 and back["same"][0] is back["same"][1]
    # the tensors view the segment: they are writable and share it
    back["big"][0] = -1.0
    assert back["same"][0][0].item() == -1.0 and big[0].item() == 0.0
    # no tensor data: no segment at all
    assert _shared_memory.dumps([1, "a"], path)[0] is None and not os.path.exists(path)
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor which requires_grad"):
        _shared_memory.dumps(leaf * 2, path)
    assert not os.path.exists(path)


def test_batches_from_workers_are_mapped_segments_freed_with_the_loader():
    ds = TensorDataset(tc.randn(64, 256))
    dl = DataLoader(ds, batch_size=16, num_workers=2, timeout=T, persistent_workers=True)
    kept = [b[0] for b in dl]
    assert _shm_files() == []  # names are unlinked on receipt, the memory lives in the batches
    assert tc.cat(kept).tolist() == ds.tensors[0].tolist()
    if os.path.exists("/proc/self/maps"):
        def mapped_segments():
            with open("/proc/self/maps") as f:
                return sum("tensorcore_dl_" in line for line in f)
        assert mapped_segments() == 4  # one per batch
        view = kept[1][2:5]
        del kept
        gc.collect()
        assert mapped_segments() == 1  # a view keeps its batch's segment alive
        del view
        assert mapped_segments() == 0
    # stopped mid-epoch with results in flight: those segments are removed at shutdown
    it = iter(dl)
    next(it)
    del dl, it
    gc.collect()


def test_unknown_persistent_id_is_rejected():
    import io

    class Other(pickle.Pickler):
        def persistent_id(self, obj):
            return ("something else", 1) if obj == "ref" else None

    buf = io.BytesIO()
    Other(buf).dump(["ref"])
    with pytest.raises(pickle.UnpicklingError, match="unknown persistent id"):
        _shared_memory.loads((None, buf.getvalue()))


# ---- arguments ----
def test_worker_argument_validation_matches_pytorch():
    cases = [dict(num_workers=0, prefetch_factor=2), dict(num_workers=2, prefetch_factor=-1),
             dict(persistent_workers=True), dict(num_workers=-1), dict(timeout=-1),
             dict(multiprocessing_context="spawn"), dict(num_workers=1, multiprocessing_context="nope"),
             dict(num_workers=1, multiprocessing_context=3)]
    torch = _torch()
    for kw in cases:
        with pytest.raises((ValueError, TypeError)) as ours:
            DataLoader(Squares(), **kw)
        if torch is not None:
            with pytest.raises((ValueError, TypeError)) as theirs:
                torch.utils.data.DataLoader(Squares(), **kw)
            assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value), kw
    dl = DataLoader(Squares(), num_workers=1, multiprocessing_context="fork")
    assert dl.multiprocessing_context.get_start_method() == "fork" and dl.prefetch_factor == 2
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        dl.batch_size = 3


def test_pin_memory_is_accepted_and_warns_without_accelerator():
    if tc.cuda.is_available():
        pytest.skip("the warning is for machines without an accelerator")
    for workers in (0, 2):
        kw = dict(timeout=T) if workers else {}
        dl = DataLoader(Squares(6), batch_size=3, pin_memory=True, num_workers=workers, **kw)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            got = [_plain(b) for b in dl]
        assert [str(x.message) for x in w] == ["'pin_memory' argument is set as true but no accelerator is found, "
                                               "then device pinned memory won't be used."]
        assert w[0].category is UserWarning and w[0].filename == __file__
        assert got == [_plain(b) for b in DataLoader(Squares(6), batch_size=3)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        iter(DataLoader(Squares(6), pin_memory=True, pin_memory_device="cuda"))
    assert "pin_memory_device is deprecated" in str(w[0].message)


def _collate_in(batch):
    return (sum(b["i"] for b in batch), os.getpid())


def test_batch_sampler_and_collate_fn_run_in_workers():
    seen = []

    class Batches:
        def __iter__(self):
            for b in ([3, 1], [0], [2, 2]):
                seen.append(b)
                yield b

        def __len__(self):
            return 3

    got = list(DataLoader(Squares(4), batch_sampler=Batches(), num_workers=2, timeout=T, collate_fn=_collate_in))
    assert [g[0] for g in got] == [4, 0, 4]
    assert len({g[1] for g in got}) == 2 and os.getpid() not in {g[1] for g in got}  # collated in the workers
    assert seen == [[3, 1], [0], [2, 2]]  # the batch sampler runs in the main process


class SizedStream(IterableDataset):
    """Says it has 4 samples; yields 4 in every worker (not sharded)."""

    def __len__(self):
        return 4

    def __iter__(self):
        return iter(range(4))

    def __repr__(self):
        return "SizedStream()"


def _warning_texts(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [str(x.message) for x in w]


def test_iterable_dataset_longer_than_its_len_warns():
    dl = DataLoader(SizedStream(), batch_size=None, num_workers=2, timeout=T)
    assert len(dl) == 4
    texts = _warning_texts(lambda: list(dl))
    assert len(texts) == 4  # batches 5 to 8
    assert texts[0].startswith("Length of IterableDataset SizedStream() was reported to be 4(when accessing "
                               "len(dataloader)), but 5 samples have been fetched. For multiprocessing")
    torch = _torch()
    if torch is not None:
        class TorchSizedStream(SizedStream, torch.utils.data.IterableDataset):
            pass

        theirs = torch.utils.data.DataLoader(TorchSizedStream(), batch_size=None, num_workers=2, timeout=T)
        len(theirs)
        assert _warning_texts(lambda: list(theirs)) == texts
    quiet = DataLoader(SizedStream(), batch_size=None)
    len(quiet)
    assert _warning_texts(lambda: list(quiet)) == []


def test_more_workers_than_cpus_warns_like_pytorch():
    n = len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 1
    texts = _warning_texts(lambda: DataLoader(Squares(), num_workers=n))
    assert len(texts) == 1 and texts[0].startswith(f"This DataLoader will create {n} worker processes in total.")
    torch = _torch()
    if torch is not None:
        assert _warning_texts(lambda: torch.utils.data.DataLoader(Squares(), num_workers=n)) == texts
