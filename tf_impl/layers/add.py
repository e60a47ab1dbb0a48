"""add → `keras.layers.Add` (sums left to right, as the torch twin does)."""
from .base import TFLayer, register


@register
class Add(TFLayer):
    type = "add"

    def constructor(self, node):
        return f'layers.Add(name="{node.name}")'
