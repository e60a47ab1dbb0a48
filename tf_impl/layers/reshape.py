"""reshape → `keras.layers.Reshape`."""
from .base import TFLayer, register


@register
class Reshape(TFLayer):
    type = "reshape"

    def constructor(self, node):
        return f'layers.Reshape({tuple(node.cfg["target_shape"])!r}, name="{node.name}")'
