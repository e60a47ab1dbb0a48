"""relu: max(x, 0), element-wise.
"""
import numpy as np

from ._elementwise import _Elementwise
from .base import register


@register
class ReLU(_Elementwise):
    type = "relu"
    piecewise = True
    exact = True

    def reference(self, cfg, inputs, params, training=False):
        return np.maximum(inputs[0], 0.0)
