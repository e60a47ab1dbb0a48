"""conv2d → `nn.Conv2d` on NCHW, kernel OIHW.

TF's SAME split puts an odd extra row/column bottom/right; `nn.Conv2d(padding=...)` is
symmetric, so when the split is uneven an explicit `nn.ZeroPad2d` runs first.
"""
from spec.layers.base import pair

from ..layout import conv_kernel_from_native, conv_kernel_to_native
from ._spatial import spatial_pads, symmetric
from .base import TorchLayer, register


@register
class Conv2D(TorchLayer):
    type = "conv2d"
    native_names = {"kernel": "weight", "bias": "bias"}
    summed_params = ("bias",)

    def _pads(self, node):
        return spatial_pads(node, node.cfg["kernel_size"], node.cfg["strides"])

    def pre_modules(self, node):
        pads = self._pads(node)
        return [] if symmetric(pads) else [("_pad", f"nn.ZeroPad2d({pads!r})")]

    def constructor(self, node):
        c = node.cfg
        k, s = pair(c["kernel_size"]), pair(c["strides"])
        args = [str(node.in_shapes[0][2]), str(c["filters"]), f"kernel_size={k[0] if k[0] == k[1] else k}"]
        if s != (1, 1):
            args.append(f"stride={s[0] if s[0] == s[1] else s}")
        pads = self._pads(node)
        if symmetric(pads) and any(pads):
            left, _, top, _ = pads
            args.append(f"padding={top if top == left else (top, left)}")
        if not c["use_bias"]:
            args.append("bias=False")
        return f"nn.Conv2d({', '.join(args)})"

    def to_native(self, node, param, value):
        return conv_kernel_to_native(value) if param == "kernel" else value

    def from_native(self, node, param, value):
        return conv_kernel_from_native(value) if param == "kernel" else value
