"""einops on tensorcore tensors when the program says `import tensorcore as torch`.

Note [An einops backend for tensorcore]
einops picks a backend by the tensor's type among the frameworks already in sys.modules under
their own names. A program run as PyTorch (`import torch` answered by tensorcore, as the
real-program harness does) gets einops' torch backend, which then calls tensorcore through the
`torch` module and needs nothing from here. A program that writes `import tensorcore as torch`
never puts "torch" in sys.modules, so einops' rearrange/reduce/repeat/einsum/pack would refuse a
tensorcore tensor ("Tensor type unknown to einops"). This registers einops' own torch backend
again under the framework name "tensorcore", bound to the tensorcore module: the very same
operations einops runs on PyTorch tensors (permute, reshape, expand, repeat, amin/amax/sum/mean,
torch.einsum). einops.layers.torch imports the torch package itself and so still needs PyTorch
(or the harness's alias). Installed at tensorcore's import only when einops is installed; an
einops too old or too different to subclass is left alone.
"""
import importlib.util


def install():
    if importlib.util.find_spec("einops") is None:
        return
    try:
        from einops import _backends
        torch_backend = _backends.TorchBackend
    except Exception:  # noqa: BLE001 - an einops without the torch backend we build on: einops as it is
        return

    class TensorcoreBackend(torch_backend):
        framework_name = "tensorcore"

        def __init__(self):
            # Not TorchBackend.__init__: that imports the torch package (and einops' torch.compile hooks).
            import tensorcore
            self.torch = tensorcore

    TensorcoreBackend.__module__ = __name__
    globals()["TensorcoreBackend"] = TensorcoreBackend
