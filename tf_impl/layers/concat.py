"""concat → `keras.layers.Concatenate`."""
from .base import TFLayer, axis_source, register


@register
class Concat(TFLayer):
    type = "concat"

    def constructor(self, node):
        return f'layers.Concatenate({axis_source(node)}name="{node.name}")'
