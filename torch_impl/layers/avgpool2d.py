"""avgpool2d → `nn.AvgPool2d`; TF SAME excludes padded cells from the mean, which
`count_include_pad=False` does for symmetric pads and `AvgPool2dSame` for TF's uneven split."""
import torch
import torch.nn.functional as F
from torch import nn

from spec.layers.base import pair

from ._spatial import pool_args, spatial_pads, symmetric
from .base import TorchLayer, register


class AvgPool2dSame(nn.Module):
    """Average pooling with TensorFlow's SAME padding: asymmetric pads, padded cells not counted."""

    def __init__(self, kernel_size, stride, pads):
        super().__init__()
        self.kernel_size, self.stride, self.pads = kernel_size, stride, tuple(pads)  # (left, right, top, bottom)

    def forward(self, x):
        total = F.avg_pool2d(F.pad(x, self.pads), self.kernel_size, self.stride)
        ones = torch.ones_like(x[:1, :1])
        count = F.avg_pool2d(F.pad(ones, self.pads), self.kernel_size, self.stride)
        return total / count


@register
class AvgPool2D(TorchLayer):
    type = "avgpool2d"

    def _pads(self, node):
        return spatial_pads(node, node.cfg["pool_size"], node.cfg["strides"])

    def helpers(self, node):
        pads = self._pads(node)
        return [AvgPool2dSame] if any(pads) and not symmetric(pads) else []

    def constructor(self, node):
        pads = self._pads(node)
        if not any(pads):
            return f"nn.AvgPool2d({pool_args(node)})"
        if symmetric(pads) and 2 * max(pads) <= min(pair(node.cfg["pool_size"])):
            return f"nn.AvgPool2d({pool_args(node)}, padding={(pads[2], pads[0])!r}, count_include_pad=False)"
        k, s = pair(node.cfg["pool_size"]), pair(node.cfg["strides"])
        return f"AvgPool2dSame({k!r}, {s!r}, {pads!r})"
