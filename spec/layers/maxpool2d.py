"""maxpool2d: maximum over `pool_size` windows moved by `strides` (default: pool_size).

SAME padding as TensorFlow: the padded cells never win (they are -inf), split as in
`spec.padding`.
"""
from ._pool import Pool2D
from .base import register


@register
class MaxPool2D(Pool2D):
    type = "maxpool2d"
    piecewise = True
    exact = True
