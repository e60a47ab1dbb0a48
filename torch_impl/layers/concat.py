"""concat → `Concat` along the torch dim of the logical axis."""
from ..layout import internal_axis
from ..modules import Concat as ConcatModule
from .base import TorchLayer, register


@register
class Concat(TorchLayer):
    type = "concat"

    def helpers(self, node):
        return [ConcatModule]

    def constructor(self, node):
        return f"Concat({internal_axis(node.cfg['axis'], node.in_shapes[0])})"
