"""dropout → `nn.Dropout` (inverted dropout, identity in eval mode, as Keras)."""
from .base import TorchLayer, register


@register
class Dropout(TorchLayer):
    type = "dropout"

    def constructor(self, node):
        return f"nn.Dropout({node.cfg['rate']!r})"
