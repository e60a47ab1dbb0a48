"""tanh, element-wise.
"""
import numpy as np

from ._elementwise import _Elementwise
from .base import register


@register
class Tanh(_Elementwise):
    type = "tanh"

    def reference(self, cfg, inputs, params, training=False):
        return np.tanh(inputs[0])
