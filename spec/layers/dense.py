"""dense: y = x · kernel + bias.

Input rank 1 (batch excluded); flatten first. Canonical weights: `kernel` (in, out) — Keras'
layout; PyTorch's `nn.Linear.weight` is its transpose — and `bias` (out,).
Default init (Keras): kernel glorot_uniform, bias zeros.
"""
from ._kernel_bias import _KernelBias
from .base import POSITIVE_INT, expect_rank, register


@register
class Dense(_KernelBias):
    type = "dense"
    properties = {"units": POSITIVE_INT, "use_bias": {"type": "boolean"}}
    required = ("units",)
    defaults = {"use_bias": True}
    example = ({"units": 3}, (5,))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 1, "dense")
        return (cfg["units"],)

    def kernel_shape(self, cfg, in_shapes):
        return (in_shapes[0][0], cfg["units"])

    def reference(self, cfg, inputs, params, training=False):
        out = inputs[0] @ params["kernel"]
        return out + params["bias"] if cfg["use_bias"] else out
