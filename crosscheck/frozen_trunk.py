"""A frozen trunk: the layers before a spec's first trainable parameter, when the rest of the network
sees them only through one tensor (resnet50_transfer: the ImageNet backbone up to `avg_pool`).

While the twins train, a frozen trunk computes a fixed function of each example: its layers have no
trainable parameters, no random masks, and a frozen batchnorm normalises with its moving statistics
(spec/SEMANTICS.md, "BatchNorm"), so nothing it computes depends on the step. Lockstep training
(`crosscheck.lockstep`) therefore has each twin compute the trunk's output once per training example
with its own full model, and trains the *head* — the spec's layers after the cut, as a spec of
their own (`head_spec`) — on those outputs; that the twins' full training step computes the same
thing is itself checked (`lockstep.trunk_check`). spec/SEMANTICS.md, "Training conformance", says
why this is sound.
"""
from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from spec import Spec, build_spec

# examples per trunk forward: the float64 runs under the rounding model keep Σ|terms| of every layer
CHUNK = 4


def cut(spec: Spec) -> str | None:
    """The name of the trunk's last layer, or None when the spec has no frozen trunk with parameters."""
    nodes = spec.nodes
    first = next((i for i, n in enumerate(nodes) if n.trainable_params()), None)
    if not first or any(n.layer_type.random_mask for n in nodes[:first]):
        return None
    if not any(n.param_shapes for n in nodes[:first]):
        return None  # nothing to freeze: a trunk of parameter-free layers saves nothing worth its checks
    last = nodes[first - 1].name
    trunk = {spec.input_name, *(n.name for n in nodes[:first])}
    if any(i in trunk and i != last for n in nodes[first:] for i in n.inputs):
        return None  # the head reads more of the trunk than its last output
    return last


def head_spec(spec: Spec, last: str) -> Spec:
    """The layers after `last` as a spec whose input, named `last`, has that layer's output shape."""
    raw = copy.deepcopy(spec.flat_raw)
    names = [layer["name"] for layer in raw["layers"]]
    for key in ("pretrained", "data", "reported"):
        raw.pop(key, None)
    raw["id"] = f"{spec.id}_head"
    raw["input"] = {"name": last, "shape": list(spec.node(last).out_shape)}
    raw["layers"] = raw["layers"][names.index(last) + 1:]
    return build_spec(raw, spec.source)


def head_weights(head: Spec, weights: dict) -> dict:
    return {f"{n.name}.{p}": weights[f"{n.name}.{p}"] for n, p, _ in head.parameters()}


def outputs(twin, last: str, x: np.ndarray, rounding=None) -> np.ndarray:
    """The trunk's output for every example of `x`: the twin's own full model in inference mode, in
    chunks of CHUNK, under the rounding model `rounding` (a `sensitivity.Rounding` on this float64
    torch twin, whose draws then fix each example's trunk rounding for the whole run)."""
    parts = []
    for i in range(0, len(x), CHUNK):
        if rounding is None:
            parts.append(twin.intermediates(x[i:i + CHUNK], names=[last])[last])
        else:
            with rounding:
                parts.append(twin.intermediates(x[i:i + CHUNK], names=[last])[last])
    return np.concatenate(parts)


def on_trunk(data, x_train: np.ndarray):
    """`data` with its training inputs replaced by their trunk outputs (no test set: lockstep
    training does not evaluate)."""
    return replace(data, x_train=x_train, x_test=x_train[:0], y_test=data.y_test[:0])
