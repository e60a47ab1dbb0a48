"""conv2d → `keras.layers.Conv2D` (HWIO kernel is the canonical layout; TF's SAME split is the spec's)."""
from .base import TFLayer, init_kwargs, kwargs_source, register, regularizer_kwargs


def _arg(v):
    return v if isinstance(v, int) else tuple(v)


@register
class Conv2D(TFLayer):
    type = "conv2d"

    def constructor(self, node):
        c = node.cfg
        kw = {
            "strides": _arg(c["strides"]) if c["strides"] not in (1, [1, 1]) else None,
            "padding": c["padding"] if c["padding"] != "valid" else None,
            "use_bias": None if c["use_bias"] else False,
        }
        kw.update(init_kwargs(node, "kernel", "kernel_initializer", '"glorot_uniform"'))
        if c["use_bias"]:
            kw.update(init_kwargs(node, "bias", "bias_initializer", '"zeros"'))
        kw.update(regularizer_kwargs(node))
        return f"layers.Conv2D({c['filters']}, {_arg(c['kernel_size'])!r}, {kwargs_source(**kw, name=node.name)})"
