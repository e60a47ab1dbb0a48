"""reshape → `ReshapeChannelsLast` (TensorFlow's element order on NCHW tensors)."""
from torch import nn

from .base import TorchLayer, register


class ReshapeChannelsLast(nn.Module):
    """Reshape with channels-last (TensorFlow) element order; 4-D results come back as NCHW."""

    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = tuple(target_shape)

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        x = x.reshape(x.shape[0], *self.target_shape)
        if x.dim() == 4:
            x = x.permute(0, 3, 1, 2).contiguous()  # NCHW memory, as after the model's input (see codegen)
        return x


@register
class Reshape(TorchLayer):
    type = "reshape"

    def helpers(self, node):
        return [ReshapeChannelsLast]

    def constructor(self, node):
        return f"ReshapeChannelsLast({tuple(node.out_shape)!r})"
