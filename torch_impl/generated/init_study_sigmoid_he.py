"""init_study_sigmoid_he: PyTorch twin.

Generated from spec/models/init_study_sigmoid_he.json by `crosscheck generate init_study_sigmoid_he --framework torch`; do not edit.
Input: (batch, 28, 28, 1) float32, channels last like the spec; computed channels first inside.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


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


def _trunc_normal_2std_(tensor, std):
    """N(0, std) truncated at ±2 std (as Keras' VarianceScaling draws)."""
    return nn.init.trunc_normal_(tensor, std=std, a=-2 * std, b=2 * std)


class InitStudySigmoidHe(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = FlattenChannelsLast()
        self.layer1 = nn.Linear(784, 100)
        self.act1 = nn.Sigmoid()
        self.layer2 = nn.Linear(100, 100)
        self.act2 = nn.Sigmoid()
        self.logits = nn.Linear(100, 10)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        _trunc_normal_2std_(self.layer1.weight, math.sqrt(2.0 / 784) / 0.8796256610342398)  # variance_scaling(2.0, fan_in, truncated_normal)
        nn.init.zeros_(self.layer1.bias)
        _trunc_normal_2std_(self.layer2.weight, math.sqrt(2.0 / 100) / 0.8796256610342398)  # variance_scaling(2.0, fan_in, truncated_normal)
        nn.init.zeros_(self.layer2.bias)
        nn.init.xavier_uniform_(self.logits.weight)
        nn.init.zeros_(self.logits.bias)

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        flatten = self.flatten(image)
        layer1 = self.layer1(flatten)
        act1 = self.act1(layer1)
        layer2 = self.layer2(act1)
        act2 = self.act2(layer2)
        logits = self.logits(act2)
        return logits


def build_model():
    return InitStudySigmoidHe()


def loss_fn(labels, outputs):
    """Spec loss `softmax_cross_entropy` (from_logits=True, labels=one_hot), mean over the batch."""
    return torch.mean(-torch.sum(labels * F.log_softmax(outputs, dim=-1), dim=-1))


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
