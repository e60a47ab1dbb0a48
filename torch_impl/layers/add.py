"""add → `Add` (left-to-right sum, as Keras)."""
from ..modules import Add as AddModule
from .base import TorchLayer, register


@register
class Add(TorchLayer):
    type = "add"

    def helpers(self, node):
        return [AddModule]

    def constructor(self, node):
        return "Add()"
