"""batchnorm → `keras.layers.BatchNormalization` on the channels axis.

Keras already has the spec's semantics: momentum convention, biased variance for normalising and
for the moving variance, and a frozen layer in inference mode even when training. Its weights
(`gamma`, `beta`, `moving_mean`, `moving_variance`) are the canonical ones, in that order.
"""
from .base import TFLayer, init_kwargs, kwargs_source, register

_KERAS_DEFAULT = {"gamma": '"ones"', "beta": '"zeros"', "moving_mean": '"zeros"', "moving_variance": '"ones"'}


@register
class BatchNorm(TFLayer):
    type = "batchnorm"

    def constructor(self, node):
        c = node.cfg
        kw = {"momentum": c["momentum"] if c["momentum"] != 0.99 else None,
              "epsilon": c["epsilon"] if c["epsilon"] != 1e-3 else None}
        for param, default in _KERAS_DEFAULT.items():
            kw.update(init_kwargs(node, param, f"{param}_initializer", default))
        return f"layers.BatchNormalization({kwargs_source(**kw, name=node.name)})"
