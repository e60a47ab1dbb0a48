"""dense → `keras.layers.Dense` (kernel (in, out) is the canonical layout as is)."""
from .base import TFLayer, init_kwargs, kwargs_source, register, regularizer_kwargs


@register
class Dense(TFLayer):
    type = "dense"

    def constructor(self, node):
        kw = {"use_bias": None if node.cfg["use_bias"] else False}
        kw.update(init_kwargs(node, "kernel", "kernel_initializer", '"glorot_uniform"'))
        if node.cfg["use_bias"]:
            kw.update(init_kwargs(node, "bias", "bias_initializer", '"zeros"'))
        kw.update(regularizer_kwargs(node))
        return f"layers.Dense({node.cfg['units']}, {kwargs_source(**kw, name=node.name)})"
