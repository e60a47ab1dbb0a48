"""polynomial: the powers x^0 … x^(degree−1) of every element, concatenated on the last (channel)
axis ordered by power: a vector (F,) becomes (F·degree,) = [x^0 (F values), x^1 (F), …], an image
(H, W, C) becomes (H, W, C·degree). The Kadenze post's Σ_k W_k·x^k + b is this layer followed by a
one-unit dense. x^0 is 1 (also at x = 0) and has no gradient; no parameters.
"""
import numpy as np

from .base import POSITIVE_INT, LayerType, register


@register
class Polynomial(LayerType):
    type = "polynomial"
    properties = {"degree": POSITIVE_INT}
    required = ("degree",)
    example = ({"degree": 4}, (3, 3, 2))  # an image: the channel axis is NCHW's dim 1 in torch

    def output_shape(self, cfg, in_shapes):
        return (*in_shapes[0][:-1], in_shapes[0][-1] * cfg["degree"])

    def reference(self, cfg, inputs, params, training=False):
        x = inputs[0]
        return np.concatenate([np.ones_like(x)] + [x ** k for k in range(1, cfg["degree"])], axis=-1)
