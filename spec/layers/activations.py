"""Element-wise activations and softmax, each its own layer type.

relu max(x, 0); sigmoid 1/(1+e^-x); tanh; softmax exp(x_i)/Σ_j exp(x_j) along `axis`
(default -1, the channels/classes axis of the logical layout). Like shapes, spec axes exclude the
batch dimension: axis 0 of an (H, W, C) tensor is H.
"""
import numpy as np

from .base import LayerType, batched_axis, register


class _Elementwise(LayerType):
    example = ({}, (3, 3, 2))

    def output_shape(self, cfg, in_shapes):
        return in_shapes[0]


@register
class ReLU(_Elementwise):
    type = "relu"
    piecewise = True
    exact = True

    def reference(self, cfg, inputs, params, training=False):
        return np.maximum(inputs[0], 0.0)


@register
class Sigmoid(_Elementwise):
    type = "sigmoid"

    def reference(self, cfg, inputs, params, training=False):
        # = 1/(1 + e^-x), without e^-x overflowing for very negative x
        return 0.5 * (1.0 + np.tanh(0.5 * inputs[0]))


@register
class Tanh(_Elementwise):
    type = "tanh"

    def reference(self, cfg, inputs, params, training=False):
        return np.tanh(inputs[0])


@register
class Softmax(_Elementwise):
    type = "softmax"
    properties = {"axis": {"type": "integer"}}
    defaults = {"axis": -1}
    # Along H, not the default channels axis: the spec axis excludes the batch dimension.
    example = ({"axis": 0}, (3, 4, 2))

    def reference(self, cfg, inputs, params, training=False):
        axis = batched_axis(cfg["axis"])
        e = np.exp(inputs[0] - inputs[0].max(axis=axis, keepdims=True))  # the max shift cancels; no overflow
        return e / e.sum(axis=axis, keepdims=True)
