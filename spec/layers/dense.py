"""dense: y = x · kernel + bias.

Input rank 1 (batch excluded); flatten first. Canonical weights: `kernel` (in, out) — Keras'
layout; PyTorch's `nn.Linear.weight` is its transpose — and `bias` (out,).
Default init (Keras): kernel glorot_uniform, bias zeros.
"""
from .base import POSITIVE_INT, LayerType, expect_rank, register


@register
class Dense(LayerType):
    type = "dense"
    sum_of_products = True
    properties = {"units": POSITIVE_INT, "use_bias": {"type": "boolean"}}
    required = ("units",)
    defaults = {"use_bias": True}
    params = ("kernel", "bias")
    example = ({"units": 3}, (5,))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 1, "dense")
        return (cfg["units"],)

    def param_shapes(self, cfg, in_shapes):
        shapes = {"kernel": (in_shapes[0][0], cfg["units"])}
        if cfg["use_bias"]:
            shapes["bias"] = (cfg["units"],)
        return shapes

    def active_params(self, cfg):
        return self.params if cfg["use_bias"] else ("kernel",)

    def default_init(self, param):
        return {"type": "glorot_uniform"} if param == "kernel" else {"type": "zeros"}

    def reference(self, cfg, inputs, params, training=False):
        out = inputs[0] @ params["kernel"]
        return out + params["bias"] if cfg["use_bias"] else out
