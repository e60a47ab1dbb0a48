"""softmax → `layers.Softmax` on the Keras axis (the batch dimension counted)."""
from .base import TFLayer, keras_axis, register


@register
class Softmax(TFLayer):
    type = "softmax"

    def constructor(self, node):
        axis = keras_axis(node.cfg["axis"])
        return f'layers.Softmax({"" if axis == -1 else f"axis={axis}, "}name="{node.name}")'
