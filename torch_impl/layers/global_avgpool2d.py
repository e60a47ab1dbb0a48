"""global_avgpool2d → mean over H and W of NCHW (`nn.AdaptiveAvgPool2d(1)` then flatten to (N, C))."""
from .base import TorchLayer, register


@register
class GlobalAvgPool2D(TorchLayer):
    type = "global_avgpool2d"

    def constructor(self, node):
        return "nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())"
