"""zeropad2d → `keras.layers.ZeroPadding2D` with ((top, bottom), (left, right))."""
from spec.layers.zeropad2d import pads

from .base import TFLayer, register


@register
class ZeroPad2D(TFLayer):
    type = "zeropad2d"

    def constructor(self, node):
        return f'layers.ZeroPadding2D({pads(node.cfg["padding"])!r}, name="{node.name}")'
