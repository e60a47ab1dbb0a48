"""avgpool2d → `nn.AvgPool2d`; TF SAME excludes padded cells from the mean, which
`count_include_pad=False` does for symmetric pads and `AvgPool2dSame` for TF's uneven split."""
from spec.layers.base import pair

from ..modules import AvgPool2dSame
from .base import TorchLayer, register
from .conv2d import spatial_pads, symmetric
from .maxpool2d import pool_args


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
