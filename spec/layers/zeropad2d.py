"""zeropad2d: pad an (H, W, C) input with zeros around H and W.

`padding` is an int (all four sides), [h, w] (top = bottom = h, left = right = w) or
[[top, bottom], [left, right]], as Keras' `ZeroPadding2D`. Default 1.
"""
import numpy as np

from .base import LayerType, expect_rank, register

_NON_NEG = {"type": "integer", "minimum": 0}
_PAIR = {"type": "array", "items": _NON_NEG, "minItems": 2, "maxItems": 2}


def pads(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) of any accepted `padding` form."""
    if isinstance(padding, int):
        return (padding, padding), (padding, padding)
    h, w = padding
    return (tuple(h) if isinstance(h, list) else (h, h)), (tuple(w) if isinstance(w, list) else (w, w))


@register
class ZeroPad2D(LayerType):
    type = "zeropad2d"
    properties = {"padding": {"oneOf": [_NON_NEG, _PAIR, {"type": "array", "items": _PAIR, "minItems": 2, "maxItems": 2}]}}
    defaults = {"padding": 1}
    exact = True
    # Four different sides, in the [[top, bottom], [left, right]] form.
    example = ({"padding": [[0, 1], [2, 3]]}, (3, 4, 2))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 3, "zeropad2d")
        h, w, c = in_shapes[0]
        (t, b), (left, right) = pads(cfg["padding"])
        return (h + t + b, w + left + right, c)

    def reference(self, cfg, inputs, params, training=False):
        return np.pad(inputs[0], ((0, 0), *pads(cfg["padding"]), (0, 0)))
