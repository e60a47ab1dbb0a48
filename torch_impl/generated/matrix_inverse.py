"""matrix_inverse: PyTorch twin.

Generated from spec/models/matrix_inverse.json by `crosscheck generate matrix_inverse --framework torch`; do not edit.
Input: (batch, 10) float32, channels last like the spec; computed channels first inside.
"""
import torch
from torch import nn


class MatrixInverse(nn.Module):
    def __init__(self):
        super().__init__()
        self.x_transposed = nn.Linear(10, 10, bias=False)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.zeros_(self.x_transposed.weight)

    def forward(self, column):
        x_transposed = self.x_transposed(column)
        return x_transposed


def build_model():
    return MatrixInverse()


def loss_fn(labels, outputs):
    """Spec loss `mae` (reduction=sum), mean over the batch."""
    return torch.sum(torch.abs(outputs - labels))


def make_optimizer(model):
    """Spec optimiser `adagrad` (learning_rate=0.01, initial_accumulator_value=0.1, epsilon=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    # torch adds ε outside the root: starting its sum at a₀ + ε with ε = 0 gives the spec's √(a + ε)
    return torch.optim.Adagrad(params, lr=0.01, eps=0.0,
                               initial_accumulator_value=0.1 + 0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
