"""dropout → `keras.layers.Dropout`."""
from .base import TFLayer, register


@register
class Dropout(TFLayer):
    type = "dropout"

    def constructor(self, node):
        return f'layers.Dropout({node.cfg["rate"]!r}, name="{node.name}")'
