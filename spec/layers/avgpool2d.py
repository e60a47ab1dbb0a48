"""avgpool2d: mean over `pool_size` windows moved by `strides` (default: pool_size).

SAME padding as TensorFlow: padded cells are *excluded* from the mean (each window divides by
the number of real cells it covers), split as in `spec.padding`.
"""
from ._pool import Pool2D
from .base import register


@register
class AvgPool2D(Pool2D):
    type = "avgpool2d"
    sum_of_products = True
