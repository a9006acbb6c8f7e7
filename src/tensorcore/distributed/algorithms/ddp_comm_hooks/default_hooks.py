"""PyTorch's default DDP communication hooks: `hook(state, bucket)` gets a
GradBucket of summed-per-rank (not yet averaged) gradients and returns a
tensorcore.futures.Future whose value is the reduced flat tensor.

    ddp.register_comm_hook(None, default_hooks.allreduce_hook)   # what DDP does without a hook
"""
from ... import distributed_c10d as c10d
from ...collectives import all_reduce

__all__ = ["allreduce_hook", "fp16_compress_hook", "bf16_compress_hook", "fp16_compress_wrapper", "bf16_compress_wrapper"]


def _allreduce_fut(process_group, tensor):
    """Averages `tensor` over the group; a Future of the result."""
    group = process_group if process_group is not None else c10d._default_group("allreduce_hook")
    tensor.div_(group.size())
    return all_reduce(tensor, group=group, async_op=True).get_future().then(lambda fut: fut.value()[0])


def allreduce_hook(process_group, bucket):
    """All-reduces the bucket and divides by the group size (`process_group`
    is the hook's state: None for the default group)."""
    return _allreduce_fut(process_group, bucket.buffer())


def _no_half(name, dtype):
    # PyTorch casts the bucket to a 16-bit float, all-reduces it and casts back.
    raise RuntimeError(f"{name}: tensorcore's MPI backend does not all-reduce {dtype} tensors yet, so the bucket "
                       f"cannot be compressed to {dtype}; use default_hooks.allreduce_hook (full precision) instead")


def fp16_compress_hook(process_group, bucket):
    """PyTorch's float16-compressed all-reduce: not available (the MPI backend has no float16 all-reduce yet)."""
    _no_half("fp16_compress_hook", "float16")


def bf16_compress_hook(process_group, bucket):
    """PyTorch's bfloat16-compressed all-reduce: not available (the MPI backend has no bfloat16 all-reduce yet)."""
    _no_half("bf16_compress_hook", "bfloat16")


def fp16_compress_wrapper(hook):
    """PyTorch's wrapper that runs `hook` on a float16 copy of the bucket:
    the returned hook raises (the MPI backend has no float16 all-reduce yet)."""
    def fp16_compress_wrapper_hook(state, bucket):
        _no_half("fp16_compress_wrapper", "float16")
    return fp16_compress_wrapper_hook


def bf16_compress_wrapper(hook):
    """PyTorch's wrapper that runs `hook` on a bfloat16 copy of the bucket:
    the returned hook raises (the MPI backend has no bfloat16 all-reduce yet)."""
    def bf16_compress_wrapper_hook(state, bucket):
        _no_half("bf16_compress_wrapper", "bfloat16")
    return bf16_compress_wrapper_hook
