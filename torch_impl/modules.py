"""Small modules the generated twins need where `torch.nn` has no layer with the spec's semantics.

The code generator pastes the source of each class a model uses into the emitted file, so the
file stays self-contained. Each spec layer is exactly one module, which is also what lets the
harness read every layer's output with a forward hook.
"""
import torch
import torch.nn.functional as F
from torch import nn


class FlattenChannelsLast(nn.Module):
    """Flatten in channels-last order, as TensorFlow: NCHW is moved to NHWC first."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.flatten(1)


class ReshapeChannelsLast(nn.Module):
    """Reshape with channels-last (TensorFlow) element order; 4-D results come back as NCHW."""

    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = tuple(target_shape)

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        x = x.reshape(x.shape[0], *self.target_shape)
        if x.dim() == 4:
            x = x.permute(0, 3, 1, 2).contiguous()  # NCHW memory, as after the model's input (see codegen)
        return x


class Add(nn.Module):
    """Element-wise sum, left to right (the order Keras' Add uses)."""

    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Concat(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, *xs):
        return torch.cat(xs, dim=self.dim)


class AvgPool2dSame(nn.Module):
    """Average pooling with TensorFlow's SAME padding: asymmetric pads, padded cells not counted."""

    def __init__(self, kernel_size, stride, pads):
        super().__init__()
        self.kernel_size, self.stride, self.pads = kernel_size, stride, tuple(pads)  # (left, right, top, bottom)

    def forward(self, x):
        total = F.avg_pool2d(F.pad(x, self.pads), self.kernel_size, self.stride)
        ones = torch.ones_like(x[:1, :1])
        count = F.avg_pool2d(F.pad(ones, self.pads), self.kernel_size, self.stride)
        return total / count


class KerasMovingStats:
    """Training-mode batch norm whose moving statistics follow Keras: the running variance takes
    the *biased* batch variance (torch's own update uses the unbiased one). The output is torch's
    `F.batch_norm` on the batch statistics; `momentum` is torch's (= 1 − Keras' momentum)."""

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        dims = [0, *range(2, x.dim())]
        with torch.no_grad():
            mean, var = x.mean(dims), x.var(dims, unbiased=False)
            self.running_mean.mul_(1 - self.momentum).add_(mean, alpha=self.momentum)
            self.running_var.mul_(1 - self.momentum).add_(var, alpha=self.momentum)
            self.num_batches_tracked += 1
        return F.batch_norm(x, None, None, self.weight, self.bias, training=True, eps=self.eps)


class BatchNorm2dKeras(KerasMovingStats, nn.BatchNorm2d):
    """`nn.BatchNorm2d` with Keras' moving-variance update (see `KerasMovingStats`)."""


class BatchNorm1dKeras(KerasMovingStats, nn.BatchNorm1d):
    """`nn.BatchNorm1d` with Keras' moving-variance update (see `KerasMovingStats`)."""
