"""kadenze_painting: PyTorch twin.

Generated from spec/models/kadenze_painting.json by `crosscheck generate kadenze_painting --framework torch`; do not edit.
Input: (batch, 2) float32, channels last like the spec; computed channels first inside.
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


class KadenzePainting(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(2, 64)
        self.relu_1 = nn.ReLU()
        self.layer_2 = nn.Linear(64, 64)
        self.relu_2 = nn.ReLU()
        self.layer_3 = nn.Linear(64, 64)
        self.relu_3 = nn.ReLU()
        self.layer_4 = nn.Linear(64, 64)
        self.relu_4 = nn.ReLU()
        self.layer_5 = nn.Linear(64, 64)
        self.relu_5 = nn.ReLU()
        self.layer_6 = nn.Linear(64, 64)
        self.relu_6 = nn.ReLU()
        self.rgb = nn.Linear(64, 3)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        nn.init.normal_(self.layer_1.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_1.bias)
        nn.init.normal_(self.layer_2.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_2.bias)
        nn.init.normal_(self.layer_3.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_3.bias)
        nn.init.normal_(self.layer_4.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_4.bias)
        nn.init.normal_(self.layer_5.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_5.bias)
        nn.init.normal_(self.layer_6.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.layer_6.bias)
        nn.init.normal_(self.rgb.weight, mean=0.0, std=0.1)
        nn.init.zeros_(self.rgb.bias)

    def forward(self, position):
        layer_1 = self.layer_1(position)
        relu_1 = self.relu_1(layer_1)
        layer_2 = self.layer_2(relu_1)
        relu_2 = self.relu_2(layer_2)
        layer_3 = self.layer_3(relu_2)
        relu_3 = self.relu_3(layer_3)
        layer_4 = self.layer_4(relu_3)
        relu_4 = self.relu_4(layer_4)
        layer_5 = self.layer_5(relu_4)
        relu_5 = self.relu_5(layer_5)
        layer_6 = self.layer_6(relu_5)
        relu_6 = self.relu_6(layer_6)
        rgb = self.rgb(relu_6)
        return rgb


def build_model():
    return KadenzePainting()


def loss_fn(labels, outputs):
    """Spec loss `mae` (reduction=sum_over_outputs), mean over the batch."""
    return torch.mean(torch.sum((torch.abs(outputs - labels)).flatten(1), dim=-1))


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
