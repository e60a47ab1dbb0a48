"""sigmoid → `nn.Sigmoid`."""
from .base import TorchLayer, register


@register
class Sigmoid(TorchLayer):
    type = "sigmoid"

    def constructor(self, node):
        return "nn.Sigmoid()"
