"""Element-wise activations and softmax, each its own layer type.

relu max(x, 0); sigmoid 1/(1+e^-x); tanh; softmax exp(x_i)/Σ_j exp(x_j) along `axis`
(default -1, the channels/classes axis of the logical layout). Like shapes, spec axes exclude the
batch dimension: axis 0 of an (H, W, C) tensor is H.
"""
from .base import LayerType, register


class _Elementwise(LayerType):
    def output_shape(self, cfg, in_shapes):
        return in_shapes[0]


@register
class ReLU(_Elementwise):
    type = "relu"
    piecewise = True
    exact = True


@register
class Sigmoid(_Elementwise):
    type = "sigmoid"


@register
class Tanh(_Elementwise):
    type = "tanh"


@register
class Softmax(_Elementwise):
    type = "softmax"
    properties = {"axis": {"type": "integer"}}
    defaults = {"axis": -1}
