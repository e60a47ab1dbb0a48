"""eager_polyfit: PyTorch twin.

Generated from spec/models/eager_polyfit.json by `crosscheck generate eager_polyfit --framework torch`; do not edit.
Input: (batch, 1) float32, channels last like the spec; computed channels first inside.
"""
import math

import torch
from torch import nn


class PolynomialFeatures(nn.Module):
    """[x^0, x^1, …, x^(degree−1)] along the channel axis; x^0 as ones (no 0·x⁻¹ gradient)."""

    def __init__(self, degree):
        super().__init__()
        self.degree = degree

    def forward(self, x):
        powers = [torch.ones_like(x), x] + [x ** k for k in range(2, self.degree)]
        return torch.cat(powers[:self.degree], dim=1 if x.dim() == 4 else -1)


class KerasAdam(torch.optim.Adam):
    """`torch.optim.Adam` whose `eps` is Keras' ε̂, added to √v before bias correction."""

    def __init__(self, params, lr, betas, eps_hat):
        super().__init__(params, lr=lr, betas=betas, eps=eps_hat)
        self.eps_hat = eps_hat
        self.t = 0

    @torch.no_grad()
    def step(self, closure=None):
        self.t += 1
        for group in self.param_groups:
            group["eps"] = self.eps_hat / math.sqrt(1.0 - group["betas"][1] ** self.t)
        return super().step(closure)

    def state_dict(self):
        return {**super().state_dict(), "keras_t": self.t}

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        self.t = state_dict.pop("keras_t")
        super().load_state_dict(state_dict)


class EagerPolyfit(nn.Module):
    def __init__(self):
        super().__init__()
        self.powers = PolynomialFeatures(4)
        self.cubic = nn.Linear(4, 1, bias=False)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.cubic.weight, mean=0.0, std=1.0)

    def forward(self, x):
        powers = self.powers(x)
        cubic = self.cubic(powers)
        return cubic


def build_model():
    return EagerPolyfit()


def loss_fn(labels, outputs):
    """Spec loss `mse`, mean over the batch."""
    return torch.mean((outputs - labels) ** 2)


def make_optimizer(model):
    """Spec optimiser `adam` (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return KerasAdam(params, lr=0.001, betas=(0.9, 0.999), eps_hat=1e-08)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
