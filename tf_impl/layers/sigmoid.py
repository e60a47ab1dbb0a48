"""sigmoid → `layers.Activation("sigmoid")`."""
from .base import TFLayer, register


@register
class Sigmoid(TFLayer):
    type = "sigmoid"

    def constructor(self, node):
        return f'layers.Activation("sigmoid", name="{node.name}")'
