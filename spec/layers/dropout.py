"""dropout: in training, zero each element with probability `rate` and scale the rest by
1/(1-rate) (inverted dropout, as both frameworks); identity in inference."""
from .base import LayerType, register


@register
class Dropout(LayerType):
    type = "dropout"
    properties = {"rate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}}
    required = ("rate",)

    def output_shape(self, cfg, in_shapes):
        return in_shapes[0]
