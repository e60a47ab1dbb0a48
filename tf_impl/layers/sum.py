"""sum → `layers.Lambda` over `ops.sum(axis=-1, keepdims=True)`."""
from .base import TFLayer, register


@register
class Sum(TFLayer):
    type = "sum"

    def constructor(self, node):
        return f'layers.Lambda(lambda t: ops.sum(t, axis=-1, keepdims=True), name="{node.name}")'
