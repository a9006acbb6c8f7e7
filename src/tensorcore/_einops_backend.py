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
(or the harness's alias).

tensorcore does not import einops: a finder on sys.meta_path waits for einops' own import of
einops._backends (whichever einops the program's sys.path finds, a vendored copy included) and
registers the backend right after that module runs; an einops already imported is registered at
once. An einops whose backends module has no TorchBackend to build on is left as it is.
"""
import importlib.abc
import importlib.machinery
import sys

_BACKENDS_MODULE = "einops._backends"


def _register(backends_module):
    torch_backend = getattr(backends_module, "TorchBackend", None)
    if not isinstance(torch_backend, type):
        return

    class TensorcoreBackend(torch_backend):
        framework_name = "tensorcore"

        def __init__(self):
            # Not TorchBackend.__init__: that imports the torch package (and einops' torch.compile hooks).
            import tensorcore
            self.torch = tensorcore

    TensorcoreBackend.__module__ = __name__
    globals()["TensorcoreBackend"] = TensorcoreBackend


class _RegisterAfterExec(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _register(module)

    def __getattr__(self, name):  # get_source, get_filename, is_package, ...: the file loader's own
        return getattr(self.loader, name)


class _EinopsBackendsFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != _BACKENDS_MODULE:
            return None
        sys.meta_path.remove(self)  # once: einops' backends module is imported once per process
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisterAfterExec(spec.loader)
        return spec


def install():
    if _BACKENDS_MODULE in sys.modules:
        _register(sys.modules[_BACKENDS_MODULE])
    elif not any(isinstance(f, _EinopsBackendsFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _EinopsBackendsFinder())
