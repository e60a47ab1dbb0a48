"""sum → `SumUnits`: the sum over a vector's elements, kept as a length-1 axis."""
from torch import nn

from .base import TorchLayer, register


class SumUnits(nn.Module):
    """`x.sum(-1, keepdim=True)` on (N, F) vectors."""

    def forward(self, x):
        return x.sum(dim=-1, keepdim=True)


@register
class Sum(TorchLayer):
    type = "sum"

    def helpers(self, node):
        return [SumUnits]

    def constructor(self, node):
        return "SumUnits()"
