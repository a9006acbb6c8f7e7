"""nn.parallel's multi-device helpers on a machine without an accelerator.

Note [nn.parallel helpers without devices]
replicate / scatter / gather / parallel_apply copy modules and tensors across CUDA devices. tensorcore runs on
the CPU only, where a CPU build of PyTorch refuses every one of them for a tensor argument; these raise the
same exception types at the same points, so a program that imports them (facebookresearch/dlrm imports all four
and calls them only with several GPUs) runs, and one that calls them fails as under PyTorch. Non-tensor
arguments pass through scatter/gather as PyTorch's recursion passes them.
"""
import tensorcore


def _refuse_cpu_devices(devices, expected):
    for device in devices or ():
        if (device == "cpu" if isinstance(device, str) else
                isinstance(device, tensorcore.device) and device.type == "cpu"):
            raise ValueError(f"Expected {expected} device, but got: cpu")


def replicate(network, devices, detach=False):
    _refuse_cpu_devices(devices, "a non cpu")
    # PyTorch's Broadcast of the (CPU) parameters refuses them.
    raise AssertionError("replicate: Broadcast function not implemented for CPU tensors "
                         "(tensorcore has no accelerator devices to copy the module to)")


def scatter(inputs, target_gpus, dim=0):
    _refuse_cpu_devices(target_gpus, "a non cpu")

    def scatter_map(obj):
        if isinstance(obj, tensorcore.Tensor):
            raise AttributeError("scatter: tensorcore has no accelerator devices to split a tensor over "
                                 "(a CPU build of PyTorch lacks torch._C._scatter)")
        if isinstance(obj, tuple) and len(obj) > 0:
            if hasattr(obj, "_fields"):  # namedtuple
                return [type(obj)(*args) for args in zip(*map(scatter_map, obj))]
            return list(zip(*map(scatter_map, obj)))
        if isinstance(obj, list) and len(obj) > 0:
            return [list(i) for i in zip(*map(scatter_map, obj))]
        if isinstance(obj, dict) and len(obj) > 0:
            return [type(obj)(i) for i in zip(*map(scatter_map, obj.items()))]
        return [obj for _ in target_gpus]

    try:
        return scatter_map(inputs)
    finally:
        scatter_map = None  # noqa: F841  (breaks the closure's reference cycle, as PyTorch does)


def scatter_kwargs(inputs, kwargs, target_gpus, dim=0):
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered_inputs) < len(scattered_kwargs):
        scattered_inputs.extend(() for _ in range(len(scattered_kwargs) - len(scattered_inputs)))
    elif len(scattered_kwargs) < len(inputs):
        scattered_kwargs.extend({} for _ in range(len(scattered_inputs) - len(scattered_kwargs)))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def gather(outputs, target_device, dim=0):
    def gather_map(outputs):
        out = outputs[0]
        if isinstance(out, tensorcore.Tensor):
            raise AssertionError("gather: Gather function not implemented for CPU tensors "
                                 "(tensorcore has no accelerator devices to gather from)")
        if out is None:
            return None
        if isinstance(out, dict):
            if not all(len(out) == len(d) for d in outputs):
                raise ValueError("All dicts must have the same number of keys")
            return type(out)((k, gather_map([d[k] for d in outputs])) for k in out)
        if hasattr(out, "_fields"):
            return type(out)._make(map(gather_map, zip(*outputs)))
        return type(out)(map(gather_map, zip(*outputs)))

    try:
        return gather_map(outputs)
    finally:
        gather_map = None  # noqa: F841


def parallel_apply(modules, inputs, kwargs_tup=None, devices=None):
    if len(modules) != len(inputs):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of inputs "
                             f"{len(inputs)}")
    if kwargs_tup is not None and len(modules) != len(kwargs_tup):
        raise AssertionError(f"The number of modules {len(modules)} is not equal to the number of kwargs "
                             f"{len(kwargs_tup)}")
    _refuse_cpu_devices(devices, "a cuda")
    raise RuntimeError("parallel_apply: Cannot access accelerator device when none is available.")
