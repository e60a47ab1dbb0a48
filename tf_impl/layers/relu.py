"""relu → `layers.ReLU`."""
from .base import TFLayer, register


@register
class ReLU(TFLayer):
    type = "relu"

    def constructor(self, node):
        return f'layers.ReLU(name="{node.name}")'
