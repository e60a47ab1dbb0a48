"""flatten → `FlattenChannelsLast`: torch's `nn.Flatten` on NCHW would flatten in C,H,W order
and silently permute the next dense layer's inputs."""
from ..modules import FlattenChannelsLast
from .base import TorchLayer, register


@register
class Flatten(TorchLayer):
    type = "flatten"

    def helpers(self, node):
        return [FlattenChannelsLast]

    def constructor(self, node):
        return "FlattenChannelsLast()"
