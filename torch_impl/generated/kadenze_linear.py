"""kadenze_linear: PyTorch twin.

Generated from spec/models/kadenze_linear.json by `crosscheck generate kadenze_linear --framework torch`; do not edit.
Input: (batch, 1) float32, channels last like the spec; computed channels first inside.
"""
import torch
from torch import nn


class KadenzeLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.line = nn.Linear(1, 1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.line.weight, mean=0.0, std=0.1)
        nn.init.constant_(self.line.bias, 1.0)

    def forward(self, x):
        line = self.line(x)
        return line


def build_model():
    return KadenzeLinear()


def loss_fn(labels, outputs):
    """Spec loss `mae`, mean over the batch."""
    return torch.mean(torch.abs(outputs - labels))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.01, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.01, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
