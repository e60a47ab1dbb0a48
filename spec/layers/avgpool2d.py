"""avgpool2d: mean over `pool_size` windows moved by `strides` (default: pool_size).

SAME padding as TensorFlow: padded cells are *excluded* from the mean (each window divides by
the number of real cells it covers), split as in `spec.padding`.
"""
import numpy as np

from ._pool import Pool2D
from ._windows import offset_views
from .base import register


@register
class AvgPool2D(Pool2D):
    type = "avgpool2d"
    sum_of_products = True
    # 3x3 stride 2 SAME on an even input: the bottom/right windows hold a padded row/column.
    example = ({"pool_size": 3, "strides": 2, "padding": "same"}, (8, 8, 2))

    def reference(self, cfg, inputs, params, training=False):
        x = inputs[0]
        window = cfg["pool_size"], cfg["strides"], cfg["padding"]
        total = sum(v for _, _, v in offset_views(x, *window, fill=0.0))
        # The same windows over a mask of ones count each window's real cells.
        cells = sum(v for _, _, v in offset_views(np.ones_like(x[:1]), *window, fill=0.0))
        return total / cells
