"""All-reduce bandwidth of tensorcore.distributed against mpi4py on raw numpy
buffers, 1 KB to 256 MB, and the DDP digits example on 1 vs 2 ranks.

    python bench/bench_allreduce.py            # launches itself: mpiexec -n 2
    python bench/bench_allreduce.py --max-mb 16 --skip-digits

For each size the all-reduces (float32, SUM, in place) run alternately,
`--rounds` rounds of a batch of calls each (the order rotating from round
to round), and the median time per call is reported: raw mpi4py (comm.Allreduce(IN_PLACE, ndarray)) on a numpy array
and on the tensor's own memory (the same call: it isolates where the buffer
sits -- MPICH's shared-memory path is up to ~30% slower on page-aligned
buffers, which large tensorcore tensors are and numpy arrays are not), then
tensorcore's dist.all_reduce(tensor) with its cross-rank signature check (the
default) and without it (TENSORCORE_DISTRIBUTED_CHECK=0). Bandwidth is algorithm bandwidth
(bytes / time) and bus bandwidth (2 (n-1)/n bytes / time, the data a ring
all-reduce moves per rank: comparable across rank counts, as nccl-tests).
The ratios are medians of the per-round ratios (the variants of one round
run within a few hundred milliseconds of each other): on a machine shared
with other work they drift far less than a ratio of two medians.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    os.environ["PYTHONPATH"] = os.path.join(ROOT, "src") + os.pathsep + os.environ.get("PYTHONPATH", "")

SIZES = [1 << k for k in range(10, 29, 2)]  # 1 KB, 4 KB, ..., 256 MB


def human(n):
    for unit, f in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= f:
            return f"{n // f} {unit}"
    return f"{n} B"


def measure(args):
    import numpy as np
    import tensorcore as tc
    import tensorcore.distributed as dist
    from tensorcore.distributed import _mpi

    dist.init_process_group("mpi")
    MPI = _mpi.load()
    pg = dist.group.WORLD
    comm = pg._comm  # the same communicator tensorcore uses
    rank, world = dist.get_rank(), dist.get_world_size()
    bus = 2 * (world - 1) / world
    if rank == 0:
        print(f"{world} ranks, MPI: {MPI.Get_library_version().splitlines()[0]}; median of {args.rounds} rounds")
        print("times in µs; GB/s = algorithm bandwidth; ratios = mpi4py time / tensorcore time (1 = as fast), "
              "median of the per-round ratios")
        print(f"{'size':>8} {'np':>9} {'np on tc':>9} {'tc':>9} {'tc no-chk':>9} {'np GB/s':>8} {'tc GB/s':>8} "
              f"{'tc busbw':>8} {'tc/np':>6} {'tc/(np on tc)':>13} {'no-chk/np':>9}")
    for nbytes in SIZES:
        if nbytes > args.max_mb * (1 << 20):
            break
        n = nbytes // 4
        arr = np.ones(n, np.float32)
        t = tc.ones(n)
        tensor_memory = t.numpy()

        def raw():
            comm.Allreduce(MPI.IN_PLACE, arr, op=MPI.SUM)

        def raw_on_tensor():
            comm.Allreduce(MPI.IN_PLACE, tensor_memory, op=MPI.SUM)

        def ours():
            dist.all_reduce(t)

        def ours_unchecked():
            pg._check = False
            try:
                dist.all_reduce(t)
            finally:
                pg._check = True

        # calls per round: about args.round_ms of work, agreed by all ranks
        raw()
        comm.Barrier()
        t0 = time.perf_counter()
        raw()
        probe = comm.allreduce(time.perf_counter() - t0, op=MPI.MAX)
        calls = max(1, min(2000, int(args.round_ms / 1e3 / max(probe, 1e-6))))
        fns = (raw, raw_on_tensor, ours, ours_unchecked)
        samples = {fn: [] for fn in fns}
        for r in range(args.rounds):
            for fn in fns[r % len(fns):] + fns[:r % len(fns)]:
                comm.Barrier()
                t0 = time.perf_counter()
                for _ in range(calls):
                    fn()
                dt = (time.perf_counter() - t0) / calls
                samples[fn].append(comm.allreduce(dt, op=MPI.MAX))
        t_raw, t_rt, t_tc, t_nc = (statistics.median(samples[f]) for f in fns)

        def ratio(a, b):  # median over rounds of a's time / b's time in that round
            return statistics.median(x / y for x, y in zip(samples[a], samples[b]))
        if rank == 0:
            print(f"{human(nbytes):>8} {t_raw * 1e6:9.1f} {t_rt * 1e6:9.1f} {t_tc * 1e6:9.1f} {t_nc * 1e6:9.1f} "
                  f"{nbytes / t_raw / 1e9:8.2f} {nbytes / t_tc / 1e9:8.2f} {bus * nbytes / t_tc / 1e9:8.2f} "
                  f"{ratio(raw, ours):6.2f} {ratio(raw_on_tensor, ours):13.2f} {ratio(raw, ours_unchecked):9.2f}",
                  flush=True)
        arr = t = tensor_memory = None  # free this size's buffers before the next
    if not args.skip_digits:
        ddp_step_model(args, tc, dist, comm, MPI, rank, world)
    dist.destroy_process_group()


def ddp_step_model(args, tc, dist, comm, MPI, rank, world):
    """The cost model's check (docs/distributed.md): the digits MLP's step at
    32 images per rank, without DDP, with DDP, and the all-reduce of its
    gradient bytes alone; DDP step ~= local step + exposed communication."""
    from tensorcore import nn
    tc.set_num_threads(1)  # 2 ranks on a 2-core machine: one thread each, as the launcher sets

    def make():
        tc.manual_seed(0)
        return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    x, y = tc.randn(32, 64), tc.randint(0, 10, (32,))
    loss_fn = nn.CrossEntropyLoss()

    def stepper(model):
        opt = tc.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        return step
    plain = make()
    numel = sum(p.numel() for p in plain.parameters())
    grads = tc.zeros(numel)
    pg = dist.group.WORLD

    def bucket_allreduce():  # as DDP's bucket: one all-reduce, no signature check
        pg._check = False
        try:
            dist.all_reduce(grads)
        finally:
            pg._check = True
    # DDP over a group of this rank alone: DDP's own cost (hooks, bucket
    # copies) without a partner to wait for.
    alone = [dist.new_group([r]) for r in range(world)][rank]
    fns = {"local": stepper(plain), "ddp": stepper(nn.parallel.DistributedDataParallel(make())),
           "ddp1": stepper(nn.parallel.DistributedDataParallel(make(), process_group=alone)),
           "allreduce": bucket_allreduce}
    samples = {k: [] for k in fns}
    calls = 50
    for _ in range(args.rounds):
        for name, fn in fns.items():
            comm.Barrier()
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append(comm.allreduce((time.perf_counter() - t0) / calls, op=MPI.MAX))
    t = {k: statistics.median(v) * 1e3 for k, v in samples.items()}
    if rank == 0:
        print(f"\ndigits MLP ({numel} parameters, {numel * 4 / 1e3:.0f} KB of gradients), 32 images per rank, "
              f"{world} ranks, median of {args.rounds} rounds of {calls} steps:")
        fixed = t["ddp1"] - t["local"]
        print(f"  step without DDP {t['local']:.2f} ms | DDP on a 1-rank group {t['ddp1']:.2f} ms (DDP's own cost "
              f"{fixed:.2f} ms) | all-reduce of the gradients {t['allreduce']:.2f} ms")
        predicted = t["local"] + fixed + t["allreduce"]
        print(f"  model, no overlap: {t['local']:.2f} + {fixed:.2f} + {t['allreduce']:.2f} = {predicted:.2f} ms; "
              f"measured step with DDP on {world} ranks {t['ddp']:.2f} ms (measured/model {t['ddp'] / predicted:.2f})")


def digits(args):
    """The DDP digits example's training time, 1 process vs 2 ranks."""
    script = os.path.join(ROOT, "examples", "train_digits.py")
    common = ["--no-progress", "--epochs", str(args.digits_epochs), "--min-accuracy", "0"]
    from tensorcore.distributed.run import find_mpiexec
    runs = {"1 process": [sys.executable, script] + common,
            "2 ranks (DDP)": [find_mpiexec(), "-n", "2", sys.executable, script, "--distributed"] + common}
    print(f"\ndigits example, {args.digits_epochs} epochs, global batch 64 (the training time it prints):")
    for name, cmd in runs.items():
        times = []
        for _ in range(args.digits_repeats):
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            times.append(float(re.search(r"in ([0-9.]+) s of training", out).group(1)))
        print(f"  {name:>14}: {min(times):6.2f} s (best of {len(times)}: {', '.join(f'{x:.2f}' for x in times)})")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--max-mb", type=float, default=256, help="largest size in MB (default 256)")
    p.add_argument("--rounds", type=int, default=7, help="rounds per size (median; default 7)")
    p.add_argument("--round-ms", type=float, default=60, help="target duration of one round (default 60 ms)")
    p.add_argument("--skip-digits", action="store_true", help="skip the train_digits.py 1 vs 2 ranks timing")
    p.add_argument("--digits-epochs", type=int, default=10)
    p.add_argument("--digits-repeats", type=int, default=3)
    p.add_argument("--nproc", type=int, default=2, help="ranks to launch (default 2)")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        measure(args)
        return 0
    from tensorcore.distributed.run import find_mpiexec
    mpiexec = find_mpiexec()
    if mpiexec is None:
        sys.exit('no mpiexec: pip install "tensorcore[distributed]"')
    cmd = [mpiexec, "-n", str(args.nproc), sys.executable, os.path.abspath(__file__), "--worker"] + sys.argv[1:]
    rc = subprocess.call(cmd)
    if rc == 0 and not args.skip_digits:
        digits(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
