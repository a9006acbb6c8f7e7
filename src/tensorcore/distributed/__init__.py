"""tensorcore.distributed: PyTorch's torch.distributed API on MPI.

    mpiexec -n 2 python train.py          # or: python -m tensorcore.distributed.run --nproc-per-node 2 train.py

    import tensorcore.distributed as dist
    dist.init_process_group("mpi")
    dist.all_reduce(t)                    # sum over the ranks, in place

Importing this package never starts MPI and works without mpi4py installed
(is_available() is then False and init_process_group says how to install it:
pip install "tensorcore[distributed]").
"""
from .distributed_c10d import (  # noqa: F401
    Backend, GroupMember, ProcessGroup, RedOpType, ReduceOp, default_pg_timeout, destroy_process_group,
    get_backend, get_global_rank, get_group_rank, get_process_group_ranks, get_rank, get_world_size, group,
    init_process_group, is_available, is_backend_available, is_gloo_available, is_initialized, is_mpi_available,
    is_nccl_available, is_torchelastic_launched, new_group, reduce_op)
from .collectives import (  # noqa: F401
    all_gather, all_gather_into_tensor, all_reduce, all_to_all, all_to_all_single, barrier, broadcast, gather,
    monitored_barrier, reduce, reduce_scatter, reduce_scatter_tensor, scatter)
from .p2p import P2POp, batch_isend_irecv, irecv, isend, recv, send  # noqa: F401
from .object_collectives import (  # noqa: F401
    all_gather_object, broadcast_object_list, gather_object, recv_object_list, scatter_object_list,
    send_object_list)
from ._work import DistBackendError, DistError, Work  # noqa: F401
from ._grad_bucket import GradBucket  # noqa: F401
from . import algorithms  # noqa: F401
