"""dense → `nn.Linear`; its weight is the transpose of the canonical (in, out) kernel."""
from ..layout import dense_kernel_from_native, dense_kernel_to_native
from .base import TorchLayer, register


@register
class Dense(TorchLayer):
    type = "dense"
    native_names = {"kernel": "weight", "bias": "bias"}
    summed_params = ("bias",)

    def constructor(self, node):
        bias = "" if node.cfg["use_bias"] else ", bias=False"
        return f"nn.Linear({node.in_shapes[0][0]}, {node.cfg['units']}{bias})"

    def to_native(self, node, param, value):
        return dense_kernel_to_native(value) if param == "kernel" else value

    def from_native(self, node, param, value):
        return dense_kernel_from_native(value) if param == "kernel" else value
