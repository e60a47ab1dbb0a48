"""kadenze_tanh10: PyTorch twin.

Generated from spec/models/kadenze_tanh10.json by `crosscheck generate kadenze_tanh10 --framework torch`; do not edit.
Input: (batch, 1) float32, channels last like the spec; computed channels first inside.
"""
import torch
from torch import nn


class SumUnits(nn.Module):
    """The sum over channels, kept: (N, F) → (N, 1); NCHW (N, C, H, W) → (N, 1, H, W)."""

    def forward(self, x):
        return x.sum(dim=1 if x.dim() == 4 else -1, keepdim=True)


class KadenzeTanh10(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(1, 10)
        self.act = nn.Tanh()
        self.total = SumUnits()
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.hidden.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.hidden.bias)

    def forward(self, x):
        hidden = self.hidden(x)
        act = self.act(hidden)
        total = self.total(act)
        return total


def build_model():
    return KadenzeTanh10()


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
