"""polynomial → `PolynomialFeatures`: 1, x, x², … concatenated on the channel axis (the last of a
vector, dim 1 of the NCHW layout inside)."""
import torch
from torch import nn

from .base import TorchLayer, register


class PolynomialFeatures(nn.Module):
    """[x^0, x^1, …, x^(degree−1)] along the channel axis; x^0 as ones (no 0·x⁻¹ gradient)."""

    def __init__(self, degree):
        super().__init__()
        self.degree = degree

    def forward(self, x):
        powers = [torch.ones_like(x), x] + [x ** k for k in range(2, self.degree)]
        return torch.cat(powers[:self.degree], dim=1 if x.dim() == 4 else -1)


@register
class Polynomial(TorchLayer):
    type = "polynomial"

    def helpers(self, node):
        return [PolynomialFeatures]

    def constructor(self, node):
        return f"PolynomialFeatures({node.cfg['degree']})"
