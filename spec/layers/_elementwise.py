"""The family base of the element-wise activations: shape unchanged."""
from .base import LayerType


class _Elementwise(LayerType):
    example = ({}, (3, 3, 2))

    def output_shape(self, cfg, in_shapes):
        return in_shapes[0]
