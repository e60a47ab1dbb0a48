"""ltfn3_mlp: PyTorch twin.

Generated from spec/models/ltfn3_mlp.json by `crosscheck generate ltfn3_mlp --framework torch`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last like the spec; computed channels first inside.
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


class Ltfn3Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = FlattenChannelsLast()
        self.fc1 = nn.Linear(784, 500)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(500, 500)
        self.relu2 = nn.ReLU()
        self.logits = nn.Linear(500, 10)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.fc1.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.fc1.bias)
        nn.init.normal_(self.fc2.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.fc2.bias)
        nn.init.normal_(self.logits.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.logits.bias)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        flatten = self.flatten(image)
        fc1 = self.fc1(flatten)
        relu1 = self.relu1(fc1)
        fc2 = self.fc2(relu1)
        relu2 = self.relu2(fc2)
        logits = self.logits(relu2)
        return logits


def build_model():
    return Ltfn3Mlp()


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return torch.mean(-torch.sum(labels * F.log_softmax(outputs, dim=-1), dim=-1))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.0001, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.0001, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
