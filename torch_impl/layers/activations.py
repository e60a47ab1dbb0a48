"""relu / sigmoid / tanh / softmax → `torch.nn` activation modules (softmax's axis mapped to NCHW)."""
from ..layout import internal_axis
from .base import TorchLayer, register


@register
class ReLU(TorchLayer):
    type = "relu"

    def constructor(self, node):
        return "nn.ReLU()"


@register
class Sigmoid(TorchLayer):
    type = "sigmoid"

    def constructor(self, node):
        return "nn.Sigmoid()"


@register
class Tanh(TorchLayer):
    type = "tanh"

    def constructor(self, node):
        return "nn.Tanh()"


@register
class Softmax(TorchLayer):
    type = "softmax"

    def constructor(self, node):
        return f"nn.Softmax(dim={internal_axis(node.cfg['axis'], node.in_shapes[0])})"
