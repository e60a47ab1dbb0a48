"""global_avgpool2d: the mean over H and W of an (H, W, C) input, giving (C,)."""
from .base import LayerType, expect_rank, register


@register
class GlobalAvgPool2D(LayerType):
    type = "global_avgpool2d"
    sum_of_products = True
    example = ({}, (5, 4, 3))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 3, "global_avgpool2d")
        return (in_shapes[0][2],)

    def reference(self, cfg, inputs, params, training=False):
        return inputs[0].mean(axis=(1, 2))
