"""sum: the sum of a vector input's (F,) elements, as a length-1 vector (1,) — the Kadenze post's
`tf.reduce_sum(h, 1)` over the units of a layer. No parameters.
"""
from .base import LayerType, expect_rank, register


@register
class Sum(LayerType):
    type = "sum"
    sum_of_products = True
    example = ({}, (5,))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 1, "sum")
        return (1,)

    def reference(self, cfg, inputs, params, training=False):
        return inputs[0].sum(axis=-1, keepdims=True)
