"""leaky_relu → `nn.LeakyReLU(negative_slope)`, the slope written as its float32 value (the spec's
convention: TF's op holds it as a float32 attribute, in float64 models too); its decisions (the
sign of each input) for the float32 sensitivity model, as ReLU's."""
import numpy as np

from .base import TorchLayer, register


@register
class LeakyReLU(TorchLayer):
    type = "leaky_relu"

    def constructor(self, node):
        return f"nn.LeakyReLU({float(np.float32(node.cfg['negative_slope']))!r})"

    def decide(self, node, module, inputs, reference, radius=None):
        """Slope 1 where the reference is positive, negative_slope elsewhere; within `radius` of 0
        the other way."""
        keep = reference > 0
        if radius is not None:
            keep = keep ^ (reference.abs() < radius)
        x = inputs[0]
        return x * keep + module.negative_slope * x * ~keep

    def decision_differences(self, node, module, reference_a, reference_b):
        return int(((reference_a > 0) != (reference_b > 0)).sum())

    def near_decisions(self, node, module, reference, radius):
        return int((reference.abs() < radius).sum())
