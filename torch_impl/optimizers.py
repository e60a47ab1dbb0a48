"""The spec's optimiser and training step as PyTorch source, emitted into the generated module
(`torch_impl.codegen`): torch's own optimiser classes, configured to the spec's update rules
(`spec/optimizers.py`, which are Keras'); only their parameters differ from a naive translation:

* SGD with momentum: torch keeps b ← μb + g, θ ← θ − lr·b; with a constant lr that is Keras'
  m = −lr·b exactly.
* Adam: torch computes θ ← θ − lr/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε), so the spec's ε̂ is matched by
  setting the group's ε to ε̂/√(1−β₂ᵗ) before each step (`KerasAdam`, pasted into the module).
* Adagrad: torch computes θ ← θ − lr·g/(√a + ε); the spec's √(a + ε) is matched by starting the
  accumulator at initial_accumulator_value + ε and using ε = 0.

The step is the plain loop a user writes: zero_grad, loss (plus `regularization_loss()` where the
spec has L1/L2 penalties), backward, step.
"""
from __future__ import annotations

import inspect
import math

import torch

from spec.optimizers import describe, resolve


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


def helpers(optimizer: dict | None) -> list[str]:
    """Classes the emitted optimiser needs, as source."""
    return [inspect.getsource(KerasAdam).rstrip()] if optimizer and optimizer["type"] == "adam" else []


def _constructor(o: dict) -> list[str]:
    if o["type"] == "sgd":
        return [f"    return torch.optim.SGD(params, lr={o['learning_rate']!r}, momentum={o['momentum']!r})"]
    if o["type"] == "adam":
        return [f"    return KerasAdam(params, lr={o['learning_rate']!r}, betas=({o['beta_1']!r}, {o['beta_2']!r}), "
                f"eps_hat={o['epsilon']!r})"]
    if o["type"] == "adagrad":
        return ["    # torch adds ε outside the root: starting its sum at a₀ + ε with ε = 0 gives the spec's √(a + ε)",
                f"    return torch.optim.Adagrad(params, lr={o['learning_rate']!r}, eps=0.0,",
                f"                               initial_accumulator_value={o['initial_accumulator_value']!r} + {o['epsilon']!r})"]
    raise ValueError(f"unknown optimizer {o['type']!r}")


def optimizer_source(optimizer: dict | None) -> list[str]:
    if not optimizer:
        return ["def make_optimizer(model):", '    raise NotImplementedError("this spec declares no optimizer")']
    o = resolve(optimizer)
    return ["def make_optimizer(model):",
            f'    """{describe(o)}, over the model\'s trainable parameters."""',
            "    params = [p for p in model.parameters() if p.requires_grad]",
            *_constructor(o)]


def train_step_source(penalties: str) -> list[str]:
    """`penalties`: the kinds of kernel penalty the model has ("L2", "L1 and L2"; "" for none)."""
    return ["def train_step(model, optimizer, x, labels):",
            '    """One training step: the spec\'s loss' + (f" plus the {penalties} penalties" if penalties else "")
            + ', backward, the optimiser\'s update;',
            '    returns the loss before the update."""',
            "    model.train()",
            "    optimizer.zero_grad(set_to_none=True)",
            "    loss = loss_fn(labels, model(x))",
            *(["    loss = loss + model.regularization_loss()"] if penalties else []),
            "    loss.backward()",
            "    optimizer.step()",
            "    return loss.detach()"]
