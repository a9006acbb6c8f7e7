"""DistributedDataParallel's gradient reducer: buckets of gradients whose
all-reduce starts from autograd hooks while backward is still running.

Note [bucketed gradient reduction]
Parameters are assigned, in reverse registration order (the order backward
roughly produces their gradients: last layer first), to buckets of at most
`bucket_cap_mb` (the first bucket 1 MB, so communication starts early), one
dtype per bucket. Each parameter's AccumulateGrad node gets a post hook; it
fires once the parameter's .grad is final for this backward (accumulated
over `no_sync()` iterations too) and copies the gradient, divided by the
world size, into its slot of the bucket's flat buffer. When the last slot of
a bucket is filled the bucket's all-reduce (SUM) is queued on the process
group's communication thread, so it runs while autograd computes the
remaining gradients (the last bucket, waited for at once, runs inline). Buckets are launched strictly in index order, which
keeps the sequence of collectives identical on every rank even when ranks
see gradients in different orders. When every bucket was launched (in the
last hook), the reducer waits for them and copies the averages back into
each .grad.

Note [unused parameters]
Without find_unused_parameters a parameter that gets no gradient leaves its
bucket incomplete; the next forward detects it and raises (as PyTorch). With
it, after each forward the autograd graph is walked from the outputs; a
parameter it does not reach is marked ready with its current gradient (or
zeros) at the first hook. A bitmap of locally used parameters is all-reduced
at the end: a parameter unused on every rank keeps its .grad untouched, one
used anywhere gets the average over the ranks.

Note [gradients as bucket views]
With gradient_as_bucket_view=True, after a synchronised backward each
parameter's .grad *is* its slot of the bucket buffer (a view). The next
backward's AccumulateGrad then accumulates into the bucket in place, the
hook only scales the slot, and the average lands in .grad with no copy. A
.grad replaced meanwhile (zero_grad(set_to_none=True), the default, sets it
to None) is copied once and the view put back in _finalize. A locally unused
parameter's slot is saved before the reduction and restored when no rank
used it, so its .grad stays untouched as without views.

Communication hooks (register_comm_hook) get the bucket before any division
and return a Future of the reduced flat tensor, which _finalize copies into
the bucket unless it is the bucket's own memory.
"""
import weakref

import numpy as np

from ... import _C
from ...autograd import no_grad
from ...distributed import _mpi
from ...distributed._buffers import NUMPY_DTYPES, array_of
from ...distributed._grad_bucket import GradBucket
from ...futures import Future

_FIRST_BUCKET_BYTES = 1024 * 1024


class _Bucket:
    __slots__ = ("dtype", "indices", "offsets", "numels", "buffer", "tensor", "pending", "work")

    def __init__(self, dtype, indices, numels, np_dtype):
        self.dtype = dtype
        self.indices = indices
        self.numels = numels
        self.offsets = [int(o) for o in np.cumsum([0] + numels[:-1])]
        self.buffer = np.zeros(sum(numels), np_dtype)
        self.tensor = _C.from_numpy(self.buffer)  # the same memory, for hooks and gradient views
        self.pending = len(indices)
        self.work = None


def assign_buckets(params, cap_bytes, first_cap_bytes=_FIRST_BUCKET_BYTES):
    """Lists of parameter indices per bucket: reverse order, one dtype per
    bucket, each at most `cap_bytes` (the first one `first_cap_bytes`), a
    parameter larger than the cap alone in its bucket."""
    buckets, open_buckets = [], {}  # dtype -> (indices, bytes)
    limit = min(first_cap_bytes, cap_bytes)
    for i in reversed(range(len(params))):
        p = params[i]
        nbytes = p.numel() * p.element_size()
        idx, size = open_buckets.get(p.dtype, ([], 0))
        idx.append(i)
        size += nbytes
        if size >= limit:
            buckets.append(idx)
            open_buckets.pop(p.dtype, None)
            limit = cap_bytes
        else:
            open_buckets[p.dtype] = (idx, size)
    buckets.extend(idx for idx, _ in open_buckets.values())
    return buckets


class Reducer:
    def __init__(self, params, process_group, bucket_cap_bytes, find_unused_parameters, gradient_as_bucket_view=False):
        self.params = params
        self.comm_hook = None  # (state, hook) from DistributedDataParallel.register_comm_hook
        self.divisor = None  # join(): the ranks to average over, when not the group size
        self.pg = process_group
        self.world_size = process_group.size()
        ws = self.world_size
        self.reciprocal = 1.0 / ws if ws & (ws - 1) == 0 else None
        self.find_unused = find_unused_parameters
        self.buckets = []
        self.slot_of = {}  # param index -> (bucket index, slot)
        for b, indices in enumerate(assign_buckets(params, bucket_cap_bytes)):
            dtype = params[indices[0]].dtype
            bucket = _Bucket(dtype, indices, [params[i].numel() for i in indices], NUMPY_DTYPES[dtype])
            self.buckets.append(bucket)
            for s, i in enumerate(indices):
                self.slot_of[i] = (b, s)
        self.expect_hooks = False
        self.ready = [False] * len(params)
        self.locally_used = np.zeros(len(params), np.int32)
        self.next_bucket = 0
        self.hooks_seen = 0
        self.unused_marked = True
        self.unused = []
        self.buckets_launched = 0  # in this iteration: observable overlap (tests)
        # gradient_as_bucket_view: each .grad becomes this view of its bucket
        # slot after the first synchronised backward (Note [gradients as bucket views]).
        self.as_view = gradient_as_bucket_view
        self.grad_views = [None] * len(params)
        self.saved_unused = {}
        if gradient_as_bucket_view:
            for b in self.buckets:
                for s_, i in enumerate(b.indices):
                    o = b.offsets[s_]
                    self.grad_views[i] = b.tensor[o:o + b.numels[s_]].view(tuple(params[i].shape))
        self.accumulators = []
        self.handles = []
        me = weakref.ref(self)
        for i, p in enumerate(params):
            # The leaf's AccumulateGrad node; held here because the leaf holds
            # it only weakly, and its post hook sees the accumulated .grad.
            acc = p.view_as(p).grad_fn.next_functions[0][0]
            self.accumulators.append(acc)
            self.handles.append(acc.register_hook(_make_hook(me, i)))

    # -- per iteration
    def prepare_for_backward(self, outputs):
        self.check_previous_reduction_finished()
        for b in self.buckets:
            b.pending = len(b.indices)
            b.work = None
        self.ready = [False] * len(self.params)
        self.locally_used[:] = 0
        self.next_bucket = 0
        self.hooks_seen = 0
        self.buckets_launched = 0
        self.expect_hooks = True
        if self.find_unused:
            reached = _reachable_accumulators(outputs)
            self.unused = [i for i, acc in enumerate(self.accumulators) if acc not in reached]
            self.unused_marked = False

    def check_previous_reduction_finished(self):
        if self.expect_hooks and self.hooks_seen > 0:
            missing = [i for i, r in enumerate(self.ready) if not r]
            self.expect_hooks = False
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This error "
                "indicates that your module has parameters that were not used in producing loss. You can enable "
                "unused parameter detection by passing the keyword argument `find_unused_parameters=True` to "
                "`tensorcore.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function "
                "outputs participate in calculating loss. Parameter indices which did not receive grad for this "
                f"rank: {' '.join(map(str, missing))}")

    def on_grad_ready(self, i):
        if not self.expect_hooks:
            return  # no_sync(), eval, or a backward that forward did not prepare
        if self.ready[i]:
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter at index {i} has been marked as ready "
                "twice: it took part in two backward passes of one iteration; DistributedDataParallel supports "
                "one backward per forward")
        self.hooks_seen += 1
        if not self.unused_marked:
            self.unused_marked = True
            for j in self.unused:
                self._mark_ready(j, used=False)
        self._mark_ready(i, used=True)

    def _is_view(self, i, grad):
        view = self.grad_views[i]
        return view is not None and grad.data_ptr() == view.data_ptr() and grad.is_contiguous()

    def _mark_ready(self, i, used):
        self.ready[i] = True
        self.locally_used[i] = int(used)
        b, s = self.slot_of[i]
        bucket = self.buckets[b]
        view = bucket.buffer[bucket.offsets[s]: bucket.offsets[s] + bucket.numels[s]]
        grad = self.params[i].grad
        in_place = grad is not None and self.as_view and self._is_view(i, grad)
        if in_place and not used:
            self.saved_unused[i] = view.copy()  # restored if no rank used the parameter
        if grad is None:
            view[...] = 0
        elif self.comm_hook is not None:  # the hook gets the rank's own sums and averages itself
            if not in_place:
                view[...] = array_of(grad).reshape(-1)
        else:
            source = view if in_place else array_of(grad).reshape(-1)
            if self.divisor is not None:  # join(): the ranks still training
                np.divide(source, self.divisor, out=view)
            elif self.reciprocal is not None:  # x * (1/n) == x / n exactly when n is a power of two, and is faster
                np.multiply(source, self.reciprocal, out=view)
            else:
                np.divide(source, self.world_size, out=view)
        bucket.pending -= 1
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            # The last bucket is waited for at once (_finalize): it runs on this
            # thread, which saves the hand-off to the communication thread.
            self._launch(self.buckets[self.next_bucket], inline=self.next_bucket == len(self.buckets) - 1)
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self._finalize()

    def _launch(self, bucket, inline):
        self.buckets_launched += 1
        if self.comm_hook is not None:
            state, hook = self.comm_hook
            index = self.buckets.index(bucket)
            params = [self.params[i] for i in bucket.indices]
            future = hook(state, GradBucket(index, bucket.tensor, bucket.offsets, params,
                                            index == len(self.buckets) - 1))
            if not isinstance(future, Future):
                raise RuntimeError(f"DistributedDataParallel communication hook {getattr(hook, '__name__', hook)} "
                                   f"must return a tensorcore.futures.Future, got {type(future).__name__}")
            bucket.work = future
            return
        comm, MPI = self.pg._comm, _mpi.load()
        buffer = bucket.buffer

        def allreduce():
            comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
        description = _BucketDescription(buffer, bucket.dtype, self.pg)
        if inline:  # still after the queued buckets: the executor keeps the order
            self.pg._executor.run(allreduce, description)
            bucket.work = None
        else:
            bucket.work = self.pg._executor.submit(allreduce, description)

    def _finalize(self):
        self.expect_hooks = False
        globally_used = None
        if self.find_unused:
            globally_used = self.locally_used.copy()
            comm, MPI = self.pg._comm, _mpi.load()
            self.pg._executor.run(lambda: comm.Allreduce(MPI.IN_PLACE, globally_used, op=MPI.MAX),
                                  "DistributedDataParallel unused-parameter bitmap all_reduce")
        with no_grad():
            for bucket in self.buckets:
                if bucket.work is not None:
                    result = bucket.work.wait()
                    if self.comm_hook is not None:
                        self._take_hook_result(bucket, result)
                for s, i in enumerate(bucket.indices):
                    saved = self.saved_unused.pop(i, None)
                    if globally_used is not None and not globally_used[i]:
                        if saved is not None:  # its .grad is this slot: undo the reduction
                            bucket.buffer[bucket.offsets[s]: bucket.offsets[s] + bucket.numels[s]] = saved
                        continue
                    p = self.params[i]
                    view = bucket.buffer[bucket.offsets[s]: bucket.offsets[s] + bucket.numels[s]]
                    if self.as_view:
                        if p.grad is None or not self._is_view(i, p.grad):
                            p.grad = self.grad_views[i]  # holds the average already
                    elif p.grad is None:
                        p.grad = _C.from_numpy(view.reshape(tuple(p.shape)).copy())
                    else:
                        array_of(p.grad).reshape(-1)[...] = view

    def _take_hook_result(self, bucket, result):
        if isinstance(result, (list, tuple)) and len(result) == 1:
            result = result[0]
        if not isinstance(result, _C.Tensor) or result.numel() != bucket.buffer.size:
            raise RuntimeError(f"DistributedDataParallel communication hook: the future's value must be a tensor "
                               f"of the bucket's {bucket.buffer.size} elements, got {type(result).__name__}"
                               + (f" of {result.numel()}" if isinstance(result, _C.Tensor) else ""))
        values = array_of(result).reshape(-1)
        if not np.shares_memory(values, bucket.buffer):
            bucket.buffer[...] = values

    def remove_hooks(self):
        for h in self.handles:
            h.remove()
        self.handles = []


class _BucketDescription:
    """Formatted only if shown (timeout, error): formatting costs more than
    a small bucket's all-reduce."""
    __slots__ = ("buffer", "dtype", "pg")

    def __init__(self, buffer, dtype, pg):
        self.buffer, self.dtype, self.pg = buffer, dtype, pg

    def __str__(self):
        return (f"DistributedDataParallel gradient bucket all_reduce ({self.buffer.size} x {self.dtype}, "
                f"rank {self.pg.rank()})")


def _make_hook(reducer_ref, index):
    def hook(grad_inputs, grad_outputs):
        reducer = reducer_ref()
        if reducer is not None:
            reducer.on_grad_ready(index)
    return hook


def _reachable_accumulators(outputs):
    """The graph nodes reachable from the tensors in `outputs` (nested)."""
    roots, stack = set(), [outputs]
    while stack:
        o = stack.pop()
        if isinstance(o, _C.Tensor):
            if o.grad_fn is not None:
                roots.add(o.grad_fn)
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())
    seen, stack = set(roots), list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
