"""softmax → `layers.Softmax` on the Keras axis (the batch dimension counted)."""
from .base import TFLayer, axis_source, register


@register
class Softmax(TFLayer):
    type = "softmax"

    def constructor(self, node):
        return f'layers.Softmax({axis_source(node)}name="{node.name}")'
