"""leaky_relu: x for x > 0, negative_slope·x otherwise, element-wise.

`negative_slope` defaults to Keras' 0.3 (torch's `nn.LeakyReLU` defaults to 0.01: a spec
reproducing a torch model says `"negative_slope": 0.01`). The slope multiplies as a float32
number, float32(negative_slope), in float64 computations too: TensorFlow's LeakyRelu op holds it
as a float32 attribute (0.2 → 0.20000000298), so both twins and the reference use that value (a
float64 proof found the difference: 3e-9 of scale). The gradient jumps at 0 from
negative_slope to 1: a decision float32 rounding can flip for inputs within rounding of 0.
"""
import numpy as np

from ._elementwise import _Elementwise
from .base import register


@register
class LeakyReLU(_Elementwise):
    type = "leaky_relu"
    properties = {"negative_slope": {"type": "number", "minimum": 0}}
    defaults = {"negative_slope": 0.3}
    piecewise = True
    example = ({"negative_slope": 0.2}, (3, 3, 2))

    def reference(self, cfg, inputs, params, training=False):
        x = inputs[0]
        return np.where(x > 0, x, np.float64(np.float32(cfg["negative_slope"])) * x)
