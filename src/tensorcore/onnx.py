"""tensorcore.onnx: present so that programs which import it, or check
is_in_onnx_export() inside a model's forward, run. Export itself is not
implemented: export() raises NotImplementedError naming what to do instead.
"""

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter (torch.onnx.OnnxExporterError)."""


def is_in_onnx_export():
    """False: tensorcore never traces a model for ONNX export."""
    return False


def export(model, args=(), f=None, **kwargs):
    raise NotImplementedError(
        "tensorcore.onnx.export is not implemented: tensorcore has no graph tracer to record the model with. "
        "Save the weights with tensorcore.save(model.state_dict(), path) (a safetensors file, which PyTorch reads "
        "with safetensors.torch.load_file), load them into the same model in PyTorch and export from there.")
