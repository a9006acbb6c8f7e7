"""DistributedDataParallel.join(): training on uneven inputs across ranks.

Note [join]
Without it, a rank that runs out of batches stops calling collectives while
the others still all-reduce gradients: they hang (here: until the group's
timeout aborts the job). Inside `with ddp.join():` every forward first
all-reduces one small vector, `[1 at this rank's index, 1 if this backward
synchronises]`: each rank learns how many ranks are still training, which one
holds authoritative buffers (the highest active rank, as PyTorch), and whether
the gradients will be reduced. A rank whose loop ended enters `__exit__` and
shadows the others: it keeps contributing zeros to that vector, to the buffer
broadcast and to every gradient bucket's all-reduce (through the comm hook,
if one is registered), in the order the active ranks issue them, until the
vector says no rank is active. Gradients are divided by the initial world
size (`divide_by_initial_world_size=True`, PyTorch's default) or by the
number of active ranks. At the end every rank takes the parameters and
buffers of the rank that trained last, so the replicas agree again.
"""
import numpy as np

from ... import _C
from ...autograd import is_grad_enabled
from ...distributed import ReduceOp, _mpi
from ...distributed._grad_bucket import GradBucket
from ...distributed.collectives import all_reduce

_EARLY = "Detected at least one rank that exhausted inputs. Throwing across all ranks."


class DDPJoin:
    """The context manager DistributedDataParallel.join() returns."""

    def __init__(self, ddp, divide_by_initial_world_size, enable, throw_on_early_termination):
        self.ddp = ddp
        self.divide_by_initial = divide_by_initial_world_size
        self.enable = enable
        self.throw = throw_on_early_termination
        self.iterations = 0

    def __enter__(self):
        if self.enable:
            if self.ddp._join is not None:
                raise RuntimeError("DistributedDataParallel.join(): already inside a join context")
            self.ddp._join = self
        return self

    def notify(self, active, sync):
        """The per-iteration vector of Note [join]; returns (active ranks,
        gradients reduced this iteration?, authoritative group rank)."""
        pg = self.ddp.process_group
        flags = np.zeros(pg.size() + 1, np.int64)
        if active:
            flags[pg.rank()] = 1
            flags[-1] = int(sync)
            self.iterations += 1
        t = _C.from_numpy(flags)
        all_reduce(t, group=pg)
        ranks = np.nonzero(flags[:-1])[0]
        count = len(ranks)
        if self.throw and count < pg.size():
            raise RuntimeError(_EARLY)
        return count, bool(flags[-1]), int(ranks[-1]) if count else 0

    def before_forward(self):
        """An active rank's forward: notify, then set the gradient divisor."""
        count, _, authority = self.notify(True, is_grad_enabled() and self.ddp.require_backward_grad_sync)
        self.ddp.reducer.divisor = None if self.divide_by_initial else count
        return authority

    def __exit__(self, exc_type, exc, tb):
        if not self.enable:
            return False
        try:
            if exc_type is None:
                self._shadow_until_all_joined()
                self._sync_final_model()
        finally:
            self.ddp._join = None
            self.ddp.reducer.divisor = None
        return False

    def _shadow_until_all_joined(self):
        ddp, reducer = self.ddp, self.ddp.reducer
        pg = ddp.process_group
        MPI = _mpi.load()
        while True:
            count, sync, authority = self.notify(False, False)
            if count == 0:
                return
            ddp._sync_buffers(authority)
            if not sync:
                continue
            for index, bucket in enumerate(reducer.buckets):
                zeros = np.zeros_like(bucket.buffer)
                if reducer.comm_hook is not None:
                    state, hook = reducer.comm_hook
                    params = [reducer.params[i] for i in bucket.indices]
                    hook(state, GradBucket(index, _C.from_numpy(zeros), bucket.offsets, params,
                                           index == len(reducer.buckets) - 1)).wait()
                else:
                    pg._executor.run(lambda z=zeros: pg._comm.Allreduce(MPI.IN_PLACE, z, op=MPI.SUM),
                                     "DistributedDataParallel join: shadow gradient bucket all_reduce")
            if reducer.find_unused:
                bitmap = np.zeros_like(reducer.locally_used)
                pg._executor.run(lambda: pg._comm.Allreduce(MPI.IN_PLACE, bitmap, op=MPI.MAX),
                                 "DistributedDataParallel join: shadow unused-parameter bitmap all_reduce")

    def _sync_final_model(self):
        """Every rank takes the parameters and buffers of the rank that ran
        the most iterations (the highest such rank)."""
        pg = self.ddp.process_group
        key = np.array([self.iterations * pg.size() + pg.rank()], np.int64)
        all_reduce(_C.from_numpy(key), op=ReduceOp.MAX, group=pg)
        self.ddp._broadcast_coalesced(self.ddp._module_states(), src_group_rank=int(key[0]) % pg.size())
