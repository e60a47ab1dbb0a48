"""add: element-wise sum of two or more inputs of identical shape (residual connections)."""
from .base import LayerType, ShapeError, register


@register
class Add(LayerType):
    type = "add"
    sum_of_products = True
    arity = None
    example = ({}, (3, 3, 2))

    def output_shape(self, cfg, in_shapes):
        if any(s != in_shapes[0] for s in in_shapes):
            raise ShapeError("inputs", f"add needs equal shapes, got {[list(s) for s in in_shapes]}")
        return in_shapes[0]

    def reference(self, cfg, inputs, params, training=False):
        return sum(inputs)
