"""reshape → `ReshapeChannelsLast` (TensorFlow's element order on NCHW tensors)."""
from ..modules import ReshapeChannelsLast
from .base import TorchLayer, register


@register
class Reshape(TorchLayer):
    type = "reshape"

    def helpers(self, node):
        return [ReshapeChannelsLast]

    def constructor(self, node):
        return f"ReshapeChannelsLast({tuple(node.out_shape)!r})"
