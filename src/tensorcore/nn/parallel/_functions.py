"""torch.nn.parallel._functions: the autograd Functions behind DataParallel (Note [nn.parallel helpers without devices]).

Programs import Scatter / Gather from here to write their own DataParallel variants (kimiyoung/transformer-xl's
BalancedDataParallel) and use them only with several GPUs. The classes are autograd Functions, so they can be
subclassed and their ``apply`` called; on tensorcore, which has no accelerator, every forward refuses its CPU
tensors with the exception PyTorch's CPU build raises at the same point.
"""
from ...autograd.function import Function
from ._no_accelerator import _refuse_cpu_devices


class Broadcast(Function):
    @staticmethod
    def forward(ctx, target_gpus, *inputs):
        raise AssertionError("Broadcast function not implemented for CPU tensors")


class ReduceAddCoalesced(Function):
    @staticmethod
    def forward(ctx, destination, num_inputs, *grads):
        raise AssertionError("reduce_add expects all inputs to be on GPUs, but input 0 is on CPU")


class Gather(Function):
    @staticmethod
    def forward(ctx, target_device, dim, *inputs):
        raise AssertionError("Gather function not implemented for CPU tensors")


class Scatter(Function):
    @staticmethod
    def forward(ctx, target_gpus, chunk_sizes, dim, input):
        _refuse_cpu_devices(target_gpus, "a non cpu")
        # A CPU build of PyTorch reaches for torch._C._scatter, which it lacks.
        raise AttributeError("module 'torch._C' has no attribute '_scatter' "
                             "(tensorcore has no accelerator devices to split a tensor over)")
