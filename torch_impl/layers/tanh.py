"""tanh → `nn.Tanh`."""
from .base import TorchLayer, register


@register
class Tanh(TorchLayer):
    type = "tanh"

    def constructor(self, node):
        return "nn.Tanh()"
