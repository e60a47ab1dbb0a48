"""flatten → `keras.layers.Flatten` (channels-last row-major: the spec's order)."""
from .base import TFLayer, register


@register
class Flatten(TFLayer):
    type = "flatten"

    def constructor(self, node):
        return f'layers.Flatten(name="{node.name}")'
