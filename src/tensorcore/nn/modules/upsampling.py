"""torch.nn.modules.upsampling: Upsample and the UpsamplingNearest2d /
UpsamplingBilinear2d shorthands, under PyTorch's module path (they are
defined in pixelshuffle.py; see Note [PyTorch's home modules])."""
from .pixelshuffle import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
