"""cifar10_colab: PyTorch twin.

Generated from spec/models/cifar10_colab.json by `crosscheck generate cifar10_colab --framework torch`; do not edit.
Input: (batch, 24, 24, 3) float32, channels last like the spec; computed channels first inside.
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


def _trunc_normal_2std_(tensor, std):
    """N(0, std) truncated at ±2 std (as Keras' VarianceScaling draws)."""
    return nn.init.trunc_normal_(tensor, std=std, a=-2 * std, b=2 * std)


class Cifar10Colab(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2_pad = nn.ZeroPad2d((0, 1, 0, 1))
        self.conv2 = nn.Conv2d(96, 96, kernel_size=3, stride=2)
        self.relu2 = nn.ReLU()
        self.drop1 = nn.Dropout(0.2)
        self.conv3 = nn.Conv2d(96, 192, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.conv4_pad = nn.ZeroPad2d((0, 1, 0, 1))
        self.conv4 = nn.Conv2d(192, 192, kernel_size=3, stride=2)
        self.relu4 = nn.ReLU()
        self.bn = BatchNorm2dKeras(192, eps=0.001, momentum=0.01)
        self.drop2 = nn.Dropout(0.5)
        self.flatten = FlattenChannelsLast()
        self.fc1 = nn.Linear(6912, 256)
        self.relu5 = nn.ReLU()
        self.fc2 = nn.Linear(256, 10)
        self.softmax = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        """The spec's initialisers, drawn by torch (crosscheck loads shared weights instead)."""
        _trunc_normal_2std_(self.conv1.weight, math.sqrt(1.0 / 27) / 0.8796256610342398)  # variance_scaling(1.0, fan_in, truncated_normal)
        nn.init.zeros_(self.conv1.bias)
        _trunc_normal_2std_(self.conv2.weight, math.sqrt(1.0 / 864) / 0.8796256610342398)  # variance_scaling(1.0, fan_in, truncated_normal)
        nn.init.zeros_(self.conv2.bias)
        _trunc_normal_2std_(self.conv3.weight, math.sqrt(1.0 / 864) / 0.8796256610342398)  # variance_scaling(1.0, fan_in, truncated_normal)
        nn.init.zeros_(self.conv3.bias)
        nn.init.xavier_uniform_(self.conv4.weight)
        nn.init.zeros_(self.conv4.bias)
        nn.init.ones_(self.bn.weight)
        nn.init.zeros_(self.bn.bias)
        nn.init.zeros_(self.bn.running_mean)
        nn.init.ones_(self.bn.running_var)
        _trunc_normal_2std_(self.fc1.weight, math.sqrt(1.0 / 6912) / 0.8796256610342398)  # variance_scaling(1.0, fan_in, truncated_normal)
        nn.init.zeros_(self.fc1.bias)
        nn.init.xavier_uniform_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def regularization_loss(self):
        """The spec's L2 penalties (Keras l2(λ) = λ·Σw²), added to loss_fn by the training loop."""
        return (
            0.001 * self.conv1.weight.pow(2).sum()
            + 0.001 * self.conv2.weight.pow(2).sum()
            + 0.001 * self.conv3.weight.pow(2).sum()
            + 0.001 * self.conv4.weight.pow(2).sum()
            + 0.001 * self.fc1.weight.pow(2).sum()
        )

    def forward(self, image):
        image = image.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
        conv1 = self.conv1(image)
        relu1 = self.relu1(conv1)
        conv2 = self.conv2(self.conv2_pad(relu1))
        relu2 = self.relu2(conv2)
        drop1 = self.drop1(relu2)
        conv3 = self.conv3(drop1)
        relu3 = self.relu3(conv3)
        conv4 = self.conv4(self.conv4_pad(relu3))
        relu4 = self.relu4(conv4)
        bn = self.bn(relu4)
        drop2 = self.drop2(bn)
        flatten = self.flatten(drop2)
        fc1 = self.fc1(flatten)
        relu5 = self.relu5(fc1)
        fc2 = self.fc2(relu5)
        softmax = self.softmax(fc2)
        return softmax


def build_model():
    return Cifar10Colab()


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
    """One training step: the spec's loss plus the L2 penalties, backward, the optimiser's update;
    returns the loss before the update."""
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(labels, model(x))
    loss = loss + model.regularization_loss()
    loss.backward()
    optimizer.step()
    return loss.detach()
