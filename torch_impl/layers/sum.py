"""sum → `SumUnits`: the sum over the channel axis (a vector's last, dim 1 of NCHW), kept as a
length-1 axis."""
from torch import nn

from .base import TorchLayer, register


class SumUnits(nn.Module):
    """The sum over channels, kept: (N, F) → (N, 1); NCHW (N, C, H, W) → (N, 1, H, W)."""

    def forward(self, x):
        return x.sum(dim=1 if x.dim() == 4 else -1, keepdim=True)


@register
class Sum(TorchLayer):
    type = "sum"

    def helpers(self, node):
        return [SumUnits]

    def constructor(self, node):
        return "SumUnits()"
