"""torch.nn.modules.channelshuffle: ChannelShuffle under PyTorch's module path
(defined in pixelshuffle.py; see Note [PyTorch's home modules])."""
from .pixelshuffle import ChannelShuffle

__all__ = ["ChannelShuffle"]
