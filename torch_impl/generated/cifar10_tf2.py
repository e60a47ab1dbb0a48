"""cifar10_tf2: PyTorch twin.

Generated from spec/models/cifar10_tf2.json by `crosscheck generate cifar10_tf2 --framework torch`; do not edit.
Input: (batch, 32, 32, 3) float32, channels last like the spec; computed channels first inside.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


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


class FlattenChannelsLast(nn.Module):
    """Flatten in channels-last order, as TensorFlow: NCHW is moved to NHWC first."""

    def forward(self, x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.flatten(1)


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


class Cifar10Tf2(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=5)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2)
        self.bn1 = BatchNorm2dKeras(64, eps=0.001, momentum=0.01)
        self.conv2 = nn.Conv2d(64, 64, kernel_size=5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(3, stride=2)
        self.bn2 = BatchNorm2dKeras(64, eps=0.001, momentum=0.01)
        self.flatten = FlattenChannelsLast()
        self.fc1 = nn.Linear(1024, 750)
        self.relu3 = nn.ReLU()
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(750, 10)
        self.softmax = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.xavier_uniform_(self.conv1.weight)
        nn.init.zeros_(self.conv1.bias)
        nn.init.ones_(self.bn1.weight)
        nn.init.zeros_(self.bn1.bias)
        nn.init.zeros_(self.bn1.running_mean)
        nn.init.ones_(self.bn1.running_var)
        nn.init.xavier_uniform_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        nn.init.ones_(self.bn2.weight)
        nn.init.zeros_(self.bn2.bias)
        nn.init.zeros_(self.bn2.running_mean)
        nn.init.ones_(self.bn2.running_var)
        nn.init.xavier_uniform_(self.fc1.weight)
        nn.init.zeros_(self.fc1.bias)
        nn.init.xavier_uniform_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        conv1 = self.conv1(image)
        relu1 = self.relu1(conv1)
        pool1 = self.pool1(relu1)
        bn1 = self.bn1(pool1)
        conv2 = self.conv2(bn1)
        relu2 = self.relu2(conv2)
        pool2 = self.pool2(relu2)
        bn2 = self.bn2(pool2)
        flatten = self.flatten(bn2)
        fc1 = self.fc1(flatten)
        relu3 = self.relu3(fc1)
        dropout = self.dropout(relu3)
        fc2 = self.fc2(dropout)
        softmax = self.softmax(fc2)
        return softmax


def build_model():
    return Cifar10Tf2()


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=False), mean over the batch."""
    probs = outputs / outputs.sum(dim=-1, keepdim=True)
    probs = probs.clamp(1e-7, 1.0 - 1e-7)
    return torch.mean(-torch.sum(labels * torch.log(probs), dim=-1))


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
