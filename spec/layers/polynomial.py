"""polynomial: the powers x^0 … x^(degree−1) of every element of a vector input (F,), as
(F·degree,) ordered by power: [x^0 (F values), x^1 (F), …] — the Kadenze post's
Σ_k W_k·x^k + b is this layer followed by a one-unit dense. x^0 is 1 (also at x = 0) and has no
gradient; no parameters.
"""
import numpy as np

from .base import POSITIVE_INT, LayerType, expect_rank, register


@register
class Polynomial(LayerType):
    type = "polynomial"
    properties = {"degree": POSITIVE_INT}
    required = ("degree",)
    example = ({"degree": 4}, (2,))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 1, "polynomial")
        return (in_shapes[0][0] * cfg["degree"],)

    def reference(self, cfg, inputs, params, training=False):
        x = inputs[0]
        return np.concatenate([np.ones_like(x)] + [x ** k for k in range(1, cfg["degree"])], axis=-1)
