"""softmax: exp(x_i)/Σ_j exp(x_j) along `axis` (default -1, the channels/classes axis of the logical
layout). Like shapes, spec axes exclude the batch dimension: axis 0 of an (H, W, C) tensor is H.
"""
import numpy as np

from ._elementwise import _Elementwise
from .base import AlongAxis, batched_axis, register


@register
class Softmax(AlongAxis, _Elementwise):
    type = "softmax"
    probabilities = True

    def reference(self, cfg, inputs, params, training=False):
        axis = batched_axis(cfg["axis"])
        e = np.exp(inputs[0] - inputs[0].max(axis=axis, keepdims=True))  # the max shift cancels; no overflow
        return e / e.sum(axis=axis, keepdims=True)
