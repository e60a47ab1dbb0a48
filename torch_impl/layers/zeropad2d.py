"""zeropad2d → `nn.ZeroPad2d((left, right, top, bottom))` on NCHW."""
from spec.layers.zeropad2d import pads

from .base import TorchLayer, register


@register
class ZeroPad2D(TorchLayer):
    type = "zeropad2d"

    def constructor(self, node):
        (top, bottom), (left, right) = pads(node.cfg["padding"])
        return f"nn.ZeroPad2d({(left, right, top, bottom)!r})"
