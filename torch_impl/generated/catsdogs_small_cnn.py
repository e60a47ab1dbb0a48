"""catsdogs_small_cnn: PyTorch twin.

Generated from spec/models/catsdogs_small_cnn.json by `crosscheck generate catsdogs_small_cnn --framework torch`; do not edit.
Input: (batch, 100, 100, 3) float32, channels last like the spec; computed channels first inside.
"""
import math

import torch
from torch import nn


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


class CatsdogsSmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(2)
        self.gap = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(64, 1)
        self.prob = nn.Sigmoid()
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.xavier_uniform_(self.conv1.weight)
        nn.init.zeros_(self.conv1.bias)
        nn.init.xavier_uniform_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        nn.init.xavier_uniform_(self.conv3.weight)
        nn.init.zeros_(self.conv3.bias)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        conv1 = self.conv1(image)
        relu1 = self.relu1(conv1)
        pool1 = self.pool1(relu1)
        conv2 = self.conv2(pool1)
        relu2 = self.relu2(conv2)
        pool2 = self.pool2(relu2)
        conv3 = self.conv3(pool2)
        relu3 = self.relu3(conv3)
        pool3 = self.pool3(relu3)
        gap = self.gap(pool3)
        fc = self.fc(gap)
        prob = self.prob(fc)
        return prob


def build_model():
    return CatsdogsSmallCnn()


def loss_fn(labels, outputs):
    """Spec loss `binary_cross_entropy` (from_logits=False), mean over the batch."""
    probs = outputs.clamp(1e-7, 1.0 - 1e-7)
    return torch.mean(-(labels * torch.log(probs) + (1.0 - labels) * torch.log(1.0 - probs)))


def make_optimizer(model):
    """Spec optimiser `adam` (learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07), over the model's trainable parameters."""
    params = [p for p in model.parameters() if p.requires_grad]
    return KerasAdam(params, lr=0.001, betas=(0.9, 0.999), eps_hat=1e-07)


def train_step(model, optimizer, x, labels):
    """One training step: the spec's loss, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss.backward()
    optimizer.step()
    return loss.detach()
