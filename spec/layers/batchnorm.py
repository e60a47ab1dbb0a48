"""batchnorm: normalise each channel (the last logical axis), then scale and shift.

y = (x − μ) / √(σ² + epsilon) · gamma + beta, per channel.
* Training mode: μ, σ² are the batch statistics over every axis but the channel one, σ² the
  **biased** variance (divide by N). The moving statistics are then updated, in Keras'
  momentum convention, moving ← momentum·moving + (1 − momentum)·batch, for the mean and for the
  **biased** batch variance (Keras; torch's `running_var` would take the unbiased one, and its
  `momentum` is 1 − this one: Keras 0.99 = torch 0.01).
* Inference mode: μ, σ² are `moving_mean`, `moving_variance`; nothing is updated.
* A frozen layer (`trainable: false`) always runs in inference mode, also when the model trains
  (Keras 3). Its gamma and beta get no gradient.
Defaults (Keras): momentum 0.99, epsilon 1e-3. Input rank 1 (C,) or 3 (H, W, C).
Canonical weights: `gamma`, `beta`, `moving_mean`, `moving_variance`, all (C,); the last two are
state, not learned (non-trainable; never a gradient). Initial values: ones, zeros, zeros, ones.
"""
import numpy as np

from .base import LayerType, ShapeError, register


@register
class BatchNorm(LayerType):
    type = "batchnorm"
    properties = {
        "momentum": {"type": "number", "minimum": 0, "maximum": 1},
        "epsilon": {"type": "number", "exclusiveMinimum": 0},
    }
    defaults = {"momentum": 0.99, "epsilon": 1e-3}
    params = ("gamma", "beta", "moving_mean", "moving_variance")
    non_trainable_params = ("moving_mean", "moving_variance")
    # An image input: per-channel statistics over the batch, H and W.
    example = ({}, (3, 3, 2))
    _INIT = {"gamma": "ones", "beta": "zeros", "moving_mean": "zeros", "moving_variance": "ones"}

    def output_shape(self, cfg, in_shapes):
        if len(in_shapes[0]) not in (1, 3):
            raise ShapeError(None, f"batchnorm expects an input of rank 1 or 3 (batch excluded), got shape {list(in_shapes[0])}")
        return in_shapes[0]

    def param_shapes(self, cfg, in_shapes):
        return {p: (in_shapes[0][-1],) for p in self.params}

    def default_init(self, param):
        return {"type": self._INIT[param]}

    def reference(self, cfg, inputs, params, training=False):
        x = inputs[0]
        if training:
            over = tuple(range(x.ndim - 1))  # every axis but the channels
            mean, var = x.mean(axis=over), x.var(axis=over)  # np.var divides by N: the biased variance
        else:
            mean, var = params["moving_mean"], params["moving_variance"]
        return (x - mean) / np.sqrt(var + cfg["epsilon"]) * params["gamma"] + params["beta"]
