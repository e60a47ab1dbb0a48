"""sum: the sum over the last (channel) axis, kept as a length-1 axis: a vector (F,) becomes (1,)
— the Kadenze post's `tf.reduce_sum(h, 1)` over the units of a layer — and an image (H, W, C)
becomes (H, W, 1). No parameters.
"""
from .base import LayerType, register


@register
class Sum(LayerType):
    type = "sum"
    sum_of_products = True
    example = ({}, (3, 4, 5))  # an image: the channel axis is NCHW's dim 1 in torch

    def output_shape(self, cfg, in_shapes):
        return (*in_shapes[0][:-1], 1)

    def reference(self, cfg, inputs, params, training=False):
        return inputs[0].sum(axis=-1, keepdims=True)
