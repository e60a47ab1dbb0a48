"""A spec evaluated in numpy float64 by its layer types' `reference` maths (`spec.layers.base`): a
third opinion next to the TF and torch twins, written from the docstrings and SEMANTICS.md alone.
Also the one-layer spec that tests a layer type in isolation.
"""
from __future__ import annotations

import numpy as np

from .layers import registry
from .model import Spec

UNDER_TEST = "under_test"


def run(spec: Spec, weights: dict[str, np.ndarray], x: np.ndarray, training: bool = False) -> dict[str, np.ndarray]:
    """Every layer's float64 output, keyed by layer name, for the batch `x` (logical layout, batch
    first) and the neutral `weights` ("<layer>.<param>", canonical layouts). A frozen layer
    (`trainable: false`) runs in inference mode also when `training` (SEMANTICS.md, BatchNorm)."""
    values = {spec.input_name: np.asarray(x, np.float64)}
    for node in spec.nodes:  # topologically ordered: every input is computed before it is read
        params = {p: np.asarray(weights[f"{node.name}.{p}"], np.float64) for p in node.param_shapes}
        inputs = [values[name] for name in node.inputs]
        values[node.name] = node.layer_type.reference(node.cfg, inputs, params, training and node.trainable)
    return {node.name: values[node.name] for node in spec.nodes}


def penalty(spec: Spec, weights: dict[str, np.ndarray]) -> float:
    """The spec's kernel penalties in float64 (SEMANTICS.md, Losses): λ₁·Σ|kernel| + λ₂·Σ kernel²
    over every trainable layer with a `kernel_regularizer`; what both twins add to the loss."""
    total = 0.0
    for node in spec.nodes:
        reg = node.cfg.get("kernel_regularizer", {})
        if reg and node.trainable:
            kernel = np.asarray(weights[f"{node.name}.kernel"], np.float64)
            total += reg.get("l1", 0.0) * np.abs(kernel).sum() + reg.get("l2", 0.0) * np.square(kernel).sum()
    return float(total)


def one_layer_spec(layer_type: str, fields: dict, input_shape) -> dict:
    """The raw spec of one layer named `under_test`, of `layer_type` with `fields` (anything a layer
    carries but its name and type), on an input `x` of `input_shape` (batch excluded), with an mse
    loss. A type of several inputs reads two different branches of the input, tanh and sigmoid:
    two copies of x would hide which input goes where."""
    layer = {"name": UNDER_TEST, "type": layer_type, **fields}
    layers = [layer]
    if registry()[layer_type].arity is None:
        layers = [{"name": "branch_a", "type": "tanh"}, {"name": "branch_b", "type": "sigmoid", "inputs": ["x"]},
                  {**layer, "inputs": ["branch_a", "branch_b"]}]
    return {"id": "case", "input": {"name": "x", "shape": list(input_shape)}, "layers": layers, "outputs": [UNDER_TEST],
            "loss": {"type": "mse"}}
