"""sigmoid: 1/(1 + e^-x), element-wise.
"""
import numpy as np

from ._elementwise import _Elementwise
from .base import register


@register
class Sigmoid(_Elementwise):
    type = "sigmoid"

    def reference(self, cfg, inputs, params, training=False):
        # = 1/(1 + e^-x), without e^-x overflowing for very negative x
        return 0.5 * (1.0 + np.tanh(0.5 * inputs[0]))
