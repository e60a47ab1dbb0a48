"""avgpool2d → `keras.layers.AveragePooling2D` (TF's SAME: the mean excludes padded cells)."""
from .base import TFLayer, register
from .maxpool2d import pool_constructor


@register
class AvgPool2D(TFLayer):
    type = "avgpool2d"

    def constructor(self, node):
        return pool_constructor("AveragePooling2D", node)
