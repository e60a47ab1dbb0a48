"""relu → `nn.ReLU`; its decisions (the sign of each input) for the float32 sensitivity model."""
from .base import TorchLayer, register


@register
class ReLU(TorchLayer):
    type = "relu"

    def constructor(self, node):
        return "nn.ReLU()"

    def decide(self, node, module, inputs, reference, radius=None):
        """Passed where the reference is positive; within `radius` of 0 the other way."""
        keep = reference > 0
        if radius is not None:
            keep = keep ^ (reference.abs() < radius)
        return inputs[0] * keep

    def decision_differences(self, node, module, reference_a, reference_b):
        return int(((reference_a > 0) != (reference_b > 0)).sum())

    def near_decisions(self, node, module, reference, radius):
        return int((reference.abs() < radius).sum())
