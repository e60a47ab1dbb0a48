"""maxpool2d → `keras.layers.MaxPooling2D` (TF's SAME: padded cells never win)."""
from .base import TFLayer, kwargs_source, register


def pool_constructor(cls: str, node) -> str:
    c = node.cfg
    arg = lambda v: v if isinstance(v, int) else tuple(v)  # noqa: E731
    kw = {
        "strides": arg(c["strides"]) if c["strides"] != c["pool_size"] else None,
        "padding": c["padding"] if c["padding"] != "valid" else None,
    }
    return f"layers.{cls}({arg(c['pool_size'])!r}, {kwargs_source(**kw, name=node.name)})"


@register
class MaxPool2D(TFLayer):
    type = "maxpool2d"

    def constructor(self, node):
        return pool_constructor("MaxPooling2D", node)
