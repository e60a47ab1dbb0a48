"""The spec's optimiser as a `torch.optim` optimiser configured to the spec's update rules
(`spec/optimizers.py`), which are Keras'. torch's own classes are used; only their parameters
differ from a naive translation:

* SGD with momentum: torch keeps b ← μb + g, θ ← θ − lr·b; with a constant lr that is Keras'
  m = −lr·b exactly.
* Adam: torch computes θ ← θ − lr/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε), so the spec's ε̂ is matched by
  setting the group's ε to ε̂/√(1−β₂ᵗ) before each step (`KerasAdam`).
* Adagrad: torch computes θ ← θ − lr·g/(√a + ε); the spec's √(a + ε) is matched by starting the
  accumulator at initial_accumulator_value + ε and using ε = 0.
"""
from __future__ import annotations

import math

import torch

from spec.optimizers import resolve


class KerasAdam(torch.optim.Adam):
    """`torch.optim.Adam` whose `eps` is the spec's (Keras') ε̂, added to √v before bias correction."""

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


def make_optimizer(optimizer: dict, params) -> torch.optim.Optimizer:
    o = resolve(optimizer)
    params = list(params)
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["learning_rate"], momentum=o["momentum"])
    if o["type"] == "adam":
        return KerasAdam(params, lr=o["learning_rate"], betas=(o["beta_1"], o["beta_2"]), eps_hat=o["epsilon"])
    if o["type"] == "adagrad":
        return torch.optim.Adagrad(params, lr=o["learning_rate"], eps=0.0,
                                   initial_accumulator_value=o["initial_accumulator_value"] + o["epsilon"])
    raise ValueError(f"unknown optimizer {o['type']!r}")
