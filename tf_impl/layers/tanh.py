"""tanh → `layers.Activation("tanh")`."""
from .base import TFLayer, register


@register
class Tanh(TFLayer):
    type = "tanh"

    def constructor(self, node):
        return f'layers.Activation("tanh", name="{node.name}")'
