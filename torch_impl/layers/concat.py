"""concat → `Concat` along the torch dim of the logical axis."""
import torch
from torch import nn

from ..layout import internal_axis
from .base import TorchLayer, register


class Concat(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, *xs):
        return torch.cat(xs, dim=self.dim)


@register
class ConcatTranslation(TorchLayer):
    type = "concat"

    def helpers(self, node):
        return [Concat]

    def constructor(self, node):
        return f"Concat({internal_axis(node.cfg['axis'], node.in_shapes[0])})"
