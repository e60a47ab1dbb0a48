"""ltfn5_convnet: PyTorch twin.

Generated from spec/models/ltfn5_convnet.json by `crosscheck generate ltfn5_convnet --framework torch`; do not edit.
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


class Ltfn5Convnet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 64, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(64, 128, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(128, 128, kernel_size=3, padding=1)
        self.relu4 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = FlattenChannelsLast()
        self.logits = nn.Linear(6272, 10)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.conv1.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.conv1.bias)
        nn.init.normal_(self.conv2.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.conv2.bias)
        nn.init.normal_(self.conv3.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.conv3.bias)
        nn.init.normal_(self.conv4.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.conv4.bias)
        nn.init.normal_(self.logits.weight, mean=0.0, std=1.0)
        nn.init.zeros_(self.logits.bias)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        conv1 = self.conv1(image)
        relu1 = self.relu1(conv1)
        conv2 = self.conv2(relu1)
        relu2 = self.relu2(conv2)
        pool1 = self.pool1(relu2)
        conv3 = self.conv3(pool1)
        relu3 = self.relu3(conv3)
        conv4 = self.conv4(relu3)
        relu4 = self.relu4(conv4)
        pool2 = self.pool2(relu4)
        flatten = self.flatten(pool2)
        logits = self.logits(flatten)
        return logits


def build_model():
    return Ltfn5Convnet()


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return torch.mean(-torch.sum(labels * F.log_softmax(outputs, dim=-1), dim=-1))


def make_optimizer(model):
    """Spec optimiser `sgd` (learning_rate=1e-07, momentum=0.0), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=1e-07, momentum=0.0)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
