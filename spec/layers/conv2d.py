"""conv2d: 2-D cross-correlation over an (H, W, C) input, plus bias.

`kernel_size` and `strides` are an int or [h, w]; `padding` is `valid` (default, as Keras) or
`same` with TensorFlow's split (see `spec.padding`: the odd extra row/column goes bottom/right).
Canonical weights: `kernel` (kh, kw, in, out) = Keras' HWIO; PyTorch's `weight` is
(out, in, kh, kw) = kernel.transpose(3, 2, 0, 1). `bias` (out,).
Default init (Keras): kernel glorot_uniform, bias zeros.
"""
import numpy as np

from ..padding import output_size
from ._windows import offset_views
from ._kernel_bias import _KernelBias
from .base import INT_OR_PAIR, PADDING, POSITIVE_INT, ShapeError, expect_rank, pair, register


@register
class Conv2D(_KernelBias):
    type = "conv2d"
    properties = {
        "filters": POSITIVE_INT,
        "kernel_size": INT_OR_PAIR,
        "strides": INT_OR_PAIR,
        "padding": PADDING,
        "use_bias": {"type": "boolean"},
    }
    required = ("filters", "kernel_size")
    defaults = {"strides": 1, "padding": "valid", "use_bias": True}
    # SAME stride 2 on an even input: the total padding is odd, its extra row/column bottom/right.
    example = ({"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, (8, 8, 2))

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 3, "conv2d")
        h, w, _ = in_shapes[0]
        (kh, kw), (sh, sw) = pair(cfg["kernel_size"]), pair(cfg["strides"])
        oh, ow = output_size(h, kh, sh, cfg["padding"]), output_size(w, kw, sw, cfg["padding"])
        if oh < 1 or ow < 1:
            raise ShapeError("kernel_size", f"kernel {[kh, kw]} is larger than the input {[h, w]} with valid padding")
        return (oh, ow, cfg["filters"])

    def kernel_shape(self, cfg, in_shapes):
        return (*pair(cfg["kernel_size"]), in_shapes[0][2], cfg["filters"])

    def reference(self, cfg, inputs, params, training=False):
        kernel = params["kernel"]
        out = sum(np.tensordot(v, kernel[i, j], axes=([3], [0]))  # (N, OH, OW, in) · (in, out)
                  for i, j, v in offset_views(inputs[0], cfg["kernel_size"], cfg["strides"], cfg["padding"], fill=0.0))
        return out + params["bias"] if cfg["use_bias"] else out
