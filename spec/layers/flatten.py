"""flatten: (H, W, C) → (H·W·C,) in row-major order of the *logical* layout.

The flatten order is channels-last: element (h, w, c) lands at index (h·W + w)·C + c, as in
TensorFlow. A channels-first backend must move channels last before flattening, or the next
dense kernel sees a permuted input.
"""
import math

from .base import LayerType, register


@register
class Flatten(LayerType):
    type = "flatten"
    exact = True

    def output_shape(self, cfg, in_shapes):
        return (math.prod(in_shapes[0]),)
