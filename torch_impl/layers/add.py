"""add → `Add` (left-to-right sum, as Keras)."""
from torch import nn

from .base import TorchLayer, register


class Add(nn.Module):
    """Element-wise sum, left to right (the order Keras' Add uses)."""

    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


@register
class AddTranslation(TorchLayer):
    type = "add"

    def helpers(self, node):
        return [Add]

    def constructor(self, node):
        return "Add()"
