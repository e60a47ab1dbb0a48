"""global_avgpool2d → `keras.layers.GlobalAveragePooling2D`."""
from .base import TFLayer, register


@register
class GlobalAvgPool2D(TFLayer):
    type = "global_avgpool2d"

    def constructor(self, node):
        return f'layers.GlobalAveragePooling2D(name="{node.name}")'
