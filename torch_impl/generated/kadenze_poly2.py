"""kadenze_poly2: PyTorch twin.

Generated from spec/models/kadenze_poly2.json by `crosscheck generate kadenze_poly2 --framework torch`; do not edit.
Input: (batch, 1) float32, channels last like the spec; computed channels first inside.
"""
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


class KadenzePoly2(nn.Module):
    def __init__(self):
        super().__init__()
        self.powers = PolynomialFeatures(2)
        self.fit = nn.Linear(2, 1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.fit.weight, mean=0.0, std=0.1)
        nn.init.normal_(self.fit.bias, mean=0.0, std=1.0)

    def forward(self, x):
        powers = self.powers(x)
        fit = self.fit(powers)
        return fit


def build_model():
    return KadenzePoly2()


def loss_fn(labels, outputs):
    """Spec loss `mae`, mean over the batch."""
    return torch.mean(torch.abs(outputs - labels))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.02, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.02, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
