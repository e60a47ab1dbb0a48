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
    # Several channels and H != W: a channels-first order, or a swapped H/W, lands elsewhere.
    example = ({}, (2, 3, 4))

    def output_shape(self, cfg, in_shapes):
        return (math.prod(in_shapes[0]),)

    def reference(self, cfg, inputs, params, training=False):
        return inputs[0].reshape(len(inputs[0]), -1)  # numpy's row-major order over (H, W, C)
