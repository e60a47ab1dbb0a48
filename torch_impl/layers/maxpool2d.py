"""maxpool2d → `nn.MaxPool2d`; TF SAME padding as an explicit -inf pad (padded cells never win)."""
from spec.layers.base import pair

from .base import TorchLayer, register
from .conv2d import spatial_pads, symmetric


def pool_args(node) -> str:
    k, s = pair(node.cfg["pool_size"]), pair(node.cfg["strides"])
    ks = k[0] if k[0] == k[1] else k
    ss = s[0] if s[0] == s[1] else s
    return f"{ks}" if ks == ss else f"{ks}, stride={ss}"


@register
class MaxPool2D(TorchLayer):
    type = "maxpool2d"

    def _pads(self, node):
        return spatial_pads(node, node.cfg["pool_size"], node.cfg["strides"])

    def pre_modules(self, node):
        pads = self._pads(node)
        return [("_pad", f'nn.ConstantPad2d({pads!r}, float("-inf"))')] if any(pads) else []

    def constructor(self, node):
        return f"nn.MaxPool2d({pool_args(node)})"
