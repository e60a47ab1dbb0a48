"""maxpool2d: maximum over `pool_size` windows moved by `strides` (default: pool_size).

SAME padding as TensorFlow: the padded cells never win (they are -inf), split as in
`spec.padding`.
"""
import numpy as np

from ._pool import Pool2D
from ._windows import offset_views
from .base import register


@register
class MaxPool2D(Pool2D):
    type = "maxpool2d"
    piecewise = True
    exact = True
    # 3x3 stride 2 SAME on an even input: the one padded row/column is bottom/right.
    example = ({"pool_size": 3, "strides": 2, "padding": "same"}, (8, 8, 2))

    def reference(self, cfg, inputs, params, training=False):
        views = offset_views(inputs[0], cfg["pool_size"], cfg["strides"], cfg["padding"], fill=-np.inf)
        return np.max([v for _, _, v in views], axis=0)
