"""How a spec layer type becomes PyTorch source.

A `TorchLayer` says, for one spec node:
* `constructor(node)`: the expression that builds `self.<name>` (exactly one module per spec
  layer, so a forward hook on it sees the layer's output);
* `pre_modules(node)`: extra modules applied before it (e.g. TF-style asymmetric padding), as
  (attribute suffix, constructor) pairs;
* `helpers(node)`: the classes (defined in the type's own module) the emitted file must include;
* `native_names`: canonical parameter name → torch attribute (`kernel` → `weight`), and
  `to_native` / `from_native` for the layout of each parameter;
* `term_function(node, module, inputs)`: for the float32 sensitivity model
  (`crosscheck.sensitivity`), a function of (|inputs|, |parameters|) whose output is Σ|terms| of
  each output element and whose vector-Jacobian product with |cotangent| is Σ|terms| of each
  input cotangent and parameter gradient; `state_magnitudes` the same for state updated by a
  forward (batchnorm's moving statistics); `shared_terms` the Σ|terms| of a quantity that every
  output element of a channel shares (a training-mode batchnorm's batch mean).
"""
from __future__ import annotations

import numpy as np

from spec.registry import Registry


class TorchLayer:
    type: str = ""
    native_names: dict[str, str] = {}
    # True where a frozen layer must stay in eval mode while the model trains (batchnorm).
    frozen_runs_in_eval: bool = False
    # Canonical parameters whose gradient torch and TF compute as a plain sum over batch and
    # positions (biases, batchnorm's gamma and beta), not as a matrix product (crosscheck.sensitivity).
    summed_params: tuple[str, ...] = ()

    def constructor(self, node) -> str:
        raise NotImplementedError

    def pre_modules(self, node) -> list[tuple[str, str]]:
        return []

    def helpers(self, node) -> list[type]:
        return []

    def to_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        return value

    def from_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        return value

    def term_function(self, node, module, inputs):
        """A layer whose outputs are sums of products (`sum_of_products`) is its own term function,
        run on absolute values: |W|·|x| + |b| for conv and dense. None: no sums to model."""
        if not node.layer_type.sum_of_products:
            return None
        from torch.func import functional_call

        return lambda xs_abs, params_abs: functional_call(module, params_abs, tuple(xs_abs))

    def decide(self, node, module, inputs, reference, radius=None):
        """For a `piecewise` layer: its output from `inputs`, with the decisions (ReLU's sign, the
        max-pool winner) that `reference`, an input of the same shape, makes; taken the other way
        wherever the reference is within `radius` of the decision."""
        raise NotImplementedError(f"{node.type} is not piecewise")

    def decision_differences(self, node, module, reference_a, reference_b) -> int:
        """How many of this layer's decisions the two reference inputs make differently."""
        raise NotImplementedError(f"{node.type} is not piecewise")

    def near_decisions(self, node, module, reference, radius) -> int:
        """How many of the reference's decisions are within `radius` of going the other way."""
        raise NotImplementedError(f"{node.type} is not piecewise")

    def shared_terms(self, node, module, inputs):
        """(|value|, Σ|terms|, n) of a sum of n terms that every output element of a channel
        shares, as it moves the output (broadcastable to it), or None. Its rounding shifts those
        elements alike, so it survives a later mean over them where independent rounding cancels."""
        return None

    def state_magnitudes(self, node, module, inputs) -> dict:
        """Σ|terms| of each state parameter a training-mode forward updates (canonical name → array)."""
        return {}


_REGISTRY = Registry("torch translation of")
register = _REGISTRY.register


def registry() -> dict[str, TorchLayer]:
    return _REGISTRY.entries
