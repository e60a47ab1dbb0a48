"""batchnorm → `BatchNormKeras`, an `nn.BatchNorm2d` / `nn.BatchNorm1d` whose training-mode update
keeps the spec's (Keras') biased moving variance; torch `momentum` = 1 − the spec's.

Parameters and buffers are `nn.BatchNorm*`'s: `weight` = gamma, `bias` = beta, `running_mean`,
`running_var`. A frozen layer is kept in eval mode by the generated model's `train()`.
"""
import torch
import torch.nn.functional as F
from torch import nn

from .base import TorchLayer, register


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


@register
class BatchNorm(TorchLayer):
    type = "batchnorm"
    frozen_runs_in_eval = True  # Keras 3: a frozen batchnorm normalises with its moving statistics
    native_names = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var"}
    summed_params = ("gamma", "beta")

    def _cls(self, node):
        return BatchNorm2dKeras if len(node.in_shapes[0]) == 3 else BatchNorm1dKeras

    def helpers(self, node):
        return [KerasMovingStats, self._cls(node)]

    def constructor(self, node):
        c = node.cfg
        # 1 - momentum in float64 then rounded, so 0.99 gives 0.01, not 0.010000000000000009
        return f"{self._cls(node).__name__}({node.in_shapes[0][-1]}, eps={c['epsilon']!r}, momentum={round(1 - c['momentum'], 12)!r})"

    @staticmethod
    def _statistics(module, x):
        dims = [0, *range(2, x.dim())]
        if module.training:
            return dims, x.mean(dims), x.var(dims, unbiased=False)
        return dims, module.running_mean, module.running_var

    def term_function(self, node, module, inputs):
        """y = gamma·x̂ + beta: the gradient terms are |δ|·|x̂| (gamma) and |δ| (beta)."""
        import torch

        x = inputs[0].detach()
        dims, mean, var = self._statistics(module, x)
        shape = [1, -1] + [1] * (x.dim() - 2)
        x_hat = ((x - mean.view(shape)) / torch.sqrt(var.view(shape) + module.eps)).abs()
        return lambda xs_abs, p: p["weight"].view(shape) * x_hat + p["bias"].view(shape)

    def shared_terms(self, node, module, inputs):
        """A training-mode output is γ·(x − μ)/σ + β with μ the batch mean: μ's rounding (a sum of
        n = batch·positions terms |x|) shifts a whole channel by γ/σ times it. The output's batch
        mean is exactly β in exact arithmetic, not in float32 (a batch-constant input: ±u·|x|/σ)."""
        if not module.training:
            return None
        x = inputs[0].detach()
        dims, mean, var = self._statistics(module, x)
        shape = [1, -1] + [1] * (x.dim() - 2)
        scale = (module.weight.detach().abs() / torch.sqrt(var + module.eps)).view(shape)
        n = x.numel() / x.shape[1]
        return scale * mean.abs().view(shape), scale * x.abs().mean(dims).view(shape), n

    def state_magnitudes(self, node, module, inputs):
        """moving ← (1 − m)·moving + m·batch (torch's m): terms (1 − m)·|moving| and m·mean|x|."""
        if not module.training:
            return {}
        x = inputs[0].detach()
        dims, _, var = self._statistics(module, x)
        m = module.momentum
        return {"moving_mean": ((1 - m) * module.running_mean.abs() + m * x.abs().mean(dims)).cpu().numpy(),
                "moving_variance": ((1 - m) * module.running_var.abs() + m * var).cpu().numpy()}
