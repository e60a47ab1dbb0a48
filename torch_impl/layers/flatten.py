"""flatten → `FlattenChannelsLast`: torch's `nn.Flatten` on NCHW would flatten in C,H,W order
and silently permute the next dense layer's inputs."""
from torch import nn

from .base import TorchLayer, register


class FlattenChannelsLast(nn.Module):
    """Flatten in channels-last order, as TensorFlow: NCHW is moved to NHWC first."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.flatten(1)


@register
class Flatten(TorchLayer):
    type = "flatten"

    def helpers(self, node):
        return [FlattenChannelsLast]

    def constructor(self, node):
        return "FlattenChannelsLast()"
