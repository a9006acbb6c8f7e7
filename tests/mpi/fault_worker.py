"""A two-rank program for tests/test_distributed.py's fault and launcher
tests: `mpiexec -n 2 python fault_worker.py MODE` (not collected by pytest).

MODE: ok (prints the launcher's environment and an all-reduced value),
raise / exit / hang (rank 1 raises, exits, or sleeps while rank 0 waits in
an all_reduce; init_process_group's timeout is 3 s); hang-warm: hang, after
both ranks ran the same all_reduce twice, so rank 0 waits in the native
path (Note [Native all_reduce]).
"""
import os
import sys
import time

import tensorcore as tc
import tensorcore.distributed as dist

mode = sys.argv[1]
dist.init_process_group("gloo" if mode == "ok" else "mpi", timeout=3)  # "gloo": PyTorch's CPU name, on MPI
rank = dist.get_rank()
if mode == "hang-warm":
    for _ in range(2):
        dist.all_reduce(tc.tensor([1.0]))
    mode = "hang"
if rank == 1:
    if mode == "raise":
        raise ValueError("rank 1 failed on purpose")
    if mode == "exit":
        os._exit(7)
    if mode == "hang":
        time.sleep(120)
t = tc.tensor([float(rank + 1)])
dist.all_reduce(t)
print(f"rank {rank} of {dist.get_world_size()}: sum {t.item():g}; RANK={os.environ.get('RANK')} "
      f"LOCAL_RANK={os.environ.get('LOCAL_RANK')} WORLD_SIZE={os.environ.get('WORLD_SIZE')} args={sys.argv[2:]}",
      flush=True)
dist.destroy_process_group()
