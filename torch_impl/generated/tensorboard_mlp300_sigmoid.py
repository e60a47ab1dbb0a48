"""tensorboard_mlp300_sigmoid: PyTorch twin.

Generated from spec/models/tensorboard_mlp300_sigmoid.json by `crosscheck generate tensorboard_mlp300_sigmoid --framework torch`; do not edit.
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


class TensorboardMlp300Sigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = FlattenChannelsLast()
        self.hidden = nn.Linear(784, 300)
        self.sigmoid1 = nn.Sigmoid()
        self.logits = nn.Linear(300, 10)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.hidden.weight, mean=0.0, std=0.01)
        nn.init.normal_(self.hidden.bias, mean=0.0, std=1.0)
        nn.init.normal_(self.logits.weight, mean=0.0, std=0.01)
        nn.init.normal_(self.logits.bias, mean=0.0, std=1.0)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        flatten = self.flatten(image)
        hidden = self.hidden(flatten)
        sigmoid1 = self.sigmoid1(hidden)
        logits = self.logits(sigmoid1)
        return logits


def build_model():
    return TensorboardMlp300Sigmoid()


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return torch.mean(-torch.sum(labels * F.log_softmax(outputs, dim=-1), dim=-1))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.5, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.5, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
