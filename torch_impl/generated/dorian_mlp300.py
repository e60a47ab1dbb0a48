"""dorian_mlp300: PyTorch twin.

Generated from spec/models/dorian_mlp300.json by `crosscheck generate dorian_mlp300 --framework torch`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last like the spec; computed channels first inside.
"""
import torch
from torch import nn


class FlattenChannelsLast(nn.Module):
    """Flatten in channels-last order, as TensorFlow: NCHW is moved to NHWC first."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.flatten(1)


class DorianMlp300(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = FlattenChannelsLast()
        self.fc1 = nn.Linear(784, 300)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(300, 10)
        self.probs_out = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.fc1.weight, mean=0.0, std=0.03)
        nn.init.normal_(self.fc1.bias, mean=0.0, std=1.0)
        nn.init.normal_(self.fc2.weight, mean=0.0, std=0.03)
        nn.init.normal_(self.fc2.bias, mean=0.0, std=1.0)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        flatten = self.flatten(image)
        fc1 = self.fc1(flatten)
        relu1 = self.relu1(fc1)
        fc2 = self.fc2(relu1)
        probs_out = self.probs_out(fc2)
        return probs_out


def build_model():
    return DorianMlp300()


def loss_fn(labels, outputs):
    """Spec loss `clipped_cross_entropy` (clip=[1e-10, 0.9999999]), mean over the batch."""
    probs = outputs.clamp(1e-10, 0.9999999)
    return torch.mean(-torch.sum(labels * torch.log(probs) + (1.0 - labels) * torch.log(1.0 - probs), dim=-1))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=0.1, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.1, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
