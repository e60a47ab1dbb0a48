"""concat → `keras.layers.Concatenate`."""
from .base import TFLayer, keras_axis, register


@register
class Concat(TFLayer):
    type = "concat"

    def constructor(self, node):
        axis = keras_axis(node.cfg["axis"])
        return f'layers.Concatenate({"" if axis == -1 else f"axis={axis}, "}name="{node.name}")'
