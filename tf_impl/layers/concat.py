"""concat → `keras.layers.Concatenate`."""
from .base import TFLayer, register


@register
class Concat(TFLayer):
    type = "concat"

    def constructor(self, node):
        axis = node.cfg["axis"]
        return f'layers.Concatenate({"" if axis == -1 else f"axis={axis}, "}name="{node.name}")'
