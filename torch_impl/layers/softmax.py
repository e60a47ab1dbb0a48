"""softmax → `nn.Softmax` on the torch dim of the logical axis (NCHW inside)."""
from ..layout import internal_axis
from .base import TorchLayer, register


@register
class Softmax(TorchLayer):
    type = "softmax"

    def constructor(self, node):
        return f"nn.Softmax(dim={internal_axis(node.cfg['axis'], node.in_shapes[0])})"
