"""maxpool2d → `nn.MaxPool2d`; TF SAME padding as an explicit -inf pad (padded cells never win)."""
from spec.layers.base import pair

from ._spatial import pool_args, spatial_pads
from .base import TorchLayer, register


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

    @staticmethod
    def _windows(module, t):
        """(N, C, window cells, windows) of an NCHW tensor, and the output's spatial shape."""
        import torch.nn.functional as F

        k, s = module.kernel_size, module.stride
        n, c, h, w = t.shape
        (kh, kw), (sh, sw) = pair(k), pair(s)
        return F.unfold(t, (kh, kw), stride=(sh, sw)).view(n, c, kh * kw, -1), ((h - kh) // sh + 1, (w - kw) // sw + 1)

    def _winners(self, module, reference, radius):
        import torch

        ref, _ = self._windows(module, reference)
        if radius is None or ref.shape[2] == 1:
            return ref.argmax(2)
        top, idx = ref.topk(2, dim=2)
        reach = self._windows(module, radius)[0].gather(2, idx).sum(2)
        return torch.where(top[:, :, 0] - top[:, :, 1] < reach, idx[:, :, 1], idx[:, :, 0])

    def decide(self, node, module, inputs, reference, radius=None):
        """Each window passes the cell the reference makes its maximum; where the reference's two
        largest are within the sum of their radii, the runner-up (windows unfolded, so overlapping
        pools are exact)."""
        x = inputs[0]
        cells, (oh, ow) = self._windows(module, x)
        winner = self._winners(module, reference, radius).unsqueeze(2)
        return cells.gather(2, winner).view(x.shape[0], x.shape[1], oh, ow)

    def decision_differences(self, node, module, reference_a, reference_b):
        return int((self._winners(module, reference_a, None) != self._winners(module, reference_b, None)).sum())

    def near_decisions(self, node, module, reference, radius):
        return int((self._winners(module, reference, radius) != self._winners(module, reference, None)).sum())
