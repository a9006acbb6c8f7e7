"""nn.parallel.DistributedDataParallel: data-parallel training over the
ranks of a process group (tensorcore.distributed, MPI)."""
import contextlib

import numpy as np

from ... import _C
from ...autograd import is_grad_enabled, no_grad
from ... import distributed as dist
from ...distributed import distributed_c10d as c10d
from ...distributed._buffers import NUMPY_DTYPES, array_of
from ..modules.module import Module
from ._join import DDPJoin
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    r"""Replicates `module` on every rank of `process_group` (default: the
    world) and averages gradients across the ranks during backward.

    At construction rank 0's parameters and buffers are broadcast to every
    rank. Each forward (with grad enabled, outside `no_sync()`) prepares a
    reduction: gradients are all-reduced in buckets of at most `bucket_cap_mb`
    MB, each started from an autograd hook as soon as its gradients are ready,
    so communication overlaps the rest of backward (Note [bucketed gradient
    reduction] in _reducer.py). After backward every rank holds the average
    gradient. `broadcast_buffers` re-sends rank 0's buffers (e.g. BatchNorm
    running stats) before each forward. The wrapped module is `.module`, so
    state_dict keys start with "module.", as in PyTorch.

    With `gradient_as_bucket_view=True` each parameter's .grad becomes a
    view of its slot in the communication bucket after the first synchronised
    backward (no copies in or out; PyTorch's memory saving). `static_graph`
    is accepted for compatibility. `register_comm_hook` replaces the bucket
    all-reduce (default hooks in tensorcore.distributed.algorithms.
    ddp_comm_hooks.default_hooks); `join()` trains on uneven inputs
    (_join.py).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an nn.Module, got {type(module).__name__}")
        if device_ids is not None or output_device is not None:
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with single-device/"
                f"multiple-device GPU modules or CPU modules, but got device_ids {device_ids}, output_device "
                f"{output_device}, and module parameters on cpu; leave them out for CPU modules.")
        pg = c10d._resolve(process_group, "DistributedDataParallel")
        if pg is None:
            raise ValueError("DistributedDataParallel: this rank is not a member of process_group")
        self.module = module
        self.process_group = pg
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        params, seen = [], set()
        for _, p in module.named_parameters():
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self._verify_same_model(params)
        self._sync_module_states()
        cap_mb = 25 if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap_mb * 1024 * 1024)
        self.reducer = Reducer(params, pg, self.bucket_bytes_cap, find_unused_parameters, gradient_as_bucket_view)
        self._join = None  # the active join() context, if any

    # -- construction helpers
    def _verify_same_model(self, params):
        """Every rank must wrap the same architecture; a mismatch would
        otherwise corrupt the gradient buckets."""
        mine = [(tuple(p.shape), str(p.dtype)) for p in params]
        everyone = [None] * self.process_group.size()
        dist.all_gather_object(everyone, mine, group=self.process_group)
        for rank, theirs in enumerate(everyone):
            if theirs != mine:
                if len(theirs) != len(mine):
                    detail = f"rank {rank} has {len(theirs)} parameters, this rank has {len(mine)}"
                else:
                    k = next(i for i, (a, b) in enumerate(zip(theirs, mine)) if a != b)
                    detail = (f"parameter {k} is {list(theirs[k][0])} {theirs[k][1]} on rank {rank} and "
                              f"{list(mine[k][0])} {mine[k][1]} on this rank")
                raise RuntimeError(f"DistributedDataParallel: the model differs across ranks ({detail}); "
                                   "every rank must construct the same module")

    def _module_states(self, with_params=True):
        states = [p for p in self.module.parameters()] if with_params else []
        states += [b for b in self.module.buffers()]
        return states

    def _broadcast_coalesced(self, tensors, src_group_rank=0):
        """Broadcasts `tensors` from the group's rank `src_group_rank`, one
        flat buffer per dtype (one collective per dtype rather than per
        tensor)."""
        by_dtype = {}
        for t in tensors:
            by_dtype.setdefault(t.dtype, []).append(t)
        for dtype, group in by_dtype.items():
            flat = np.concatenate([array_of(t).reshape(-1) for t in group]).astype(NUMPY_DTYPES[dtype], copy=False)
            flat_t = _C.from_numpy(flat)
            dist.broadcast(flat_t, src=self.process_group._ranks[src_group_rank], group=self.process_group)
            offset = 0
            with no_grad():
                for t in group:
                    n = t.numel()
                    array_of(t)[...] = flat[offset: offset + n].reshape(tuple(t.shape))
                    offset += n

    def _sync_module_states(self):
        if self.process_group.size() > 1:
            self._broadcast_coalesced(self._module_states())

    def _sync_buffers(self, src_group_rank=0):
        if self.broadcast_buffers and self.process_group.size() > 1:
            buffers = self._module_states(with_params=False)
            if buffers:
                self._broadcast_coalesced(buffers, src_group_rank)

    # -- PyTorch's extension points
    def register_comm_hook(self, state, hook):
        """Replaces each gradient bucket's all-reduce by `hook(state, bucket)`:
        `bucket` is a tensorcore.distributed.GradBucket holding this rank's
        gradients (not yet averaged), and the hook returns a
        tensorcore.futures.Future whose value is the bucket's reduced flat
        tensor, which DDP writes into the parameters' .grad. Call it once,
        before training."""
        if self.reducer.comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        self.reducer.comm_hook = (state, hook)

    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        """A context manager for training on uneven inputs: a rank whose data
        ends early keeps matching the others' collectives until every rank's
        loop ended (Note [join] in _join.py)."""
        return DDPJoin(self, divide_by_initial_world_size, enable, throw_on_early_termination)

    # -- training
    @contextlib.contextmanager
    def no_sync(self):
        """Gradients of the backward passes inside the block are accumulated
        locally, not all-reduced; the first synchronised backward after it
        all-reduces the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def forward(self, *inputs, **kwargs):
        self.reducer.check_previous_reduction_finished()
        authority = self._join.before_forward() if self._join is not None else 0
        self._sync_buffers(authority)
        output = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare_for_backward(output)
        else:
            self.reducer.expect_hooks = False
        return output

    def __del__(self):
        reducer = self.__dict__.get("reducer")
        if reducer is not None:
            reducer.remove_hooks()
