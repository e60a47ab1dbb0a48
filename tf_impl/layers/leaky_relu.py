"""leaky_relu → `layers.LeakyReLU` (Keras names the slope `negative_slope`, default 0.3 as the spec's)."""
from .base import TFLayer, kwargs_source, register


@register
class LeakyReLU(TFLayer):
    type = "leaky_relu"

    def constructor(self, node):
        slope = node.cfg["negative_slope"]
        return f"layers.LeakyReLU({kwargs_source(negative_slope=None if slope == 0.3 else slope, name=node.name)})"
