"""softmax → `nn.Softmax` on the torch dim of the logical axis (NCHW inside)."""
import torch

from ..layout import internal_axis
from .base import TorchLayer, register


@register
class Softmax(TorchLayer):
    type = "softmax"

    def constructor(self, node):
        return f"nn.Softmax(dim={internal_axis(node.cfg['axis'], node.in_shapes[0])})"

    def term_function(self, node, module, inputs):
        """The backward is a sum, dx = y⊙(g − Σ y⊙g), which cancels exactly where g is constant
        along the axis (a softmax feeding a mean over it): its terms are y⊙|g| and y⊙Σ y⊙|g|.
        Forwards the size stays |y| (the output is no sum of products)."""
        y = torch.softmax(inputs[0].detach(), module.dim)  # not module(): its hooks are the caller
        return lambda xs_abs, params_abs: _SoftmaxTerms.apply(xs_abs[0], y, module.dim)


class _SoftmaxTerms(torch.autograd.Function):
    """Forwards |y|; backwards, given |g|, the Σ|terms| of the input cotangent."""

    @staticmethod
    def forward(ctx, x_abs, y, dim):
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y.abs()

    @staticmethod
    def backward(ctx, g_abs):
        (y,) = ctx.saved_tensors
        return y * (g_abs + (y * g_abs).sum(ctx.dim, keepdim=True)), None, None
