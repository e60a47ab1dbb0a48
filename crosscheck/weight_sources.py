"""Weights a spec takes from another spec after training it (a layer's `weights_from`; SEMANTICS.md,
"Weights from another spec").

`trained_source` trains the source spec with its own schedule on its own data, from its shared
initial weights, in one twin; `overlay` puts those weights into the layers that name it. Both twins
of the taking spec then start from the same arrays. Conformance checks (`compare`, `report`) do
not come here: any fixed weights prove a translation, and they use the spec's own initialisers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spec import Spec, load_spec

from . import training
from .datasets import for_spec
from .errors import UserError
from .run_artifacts import RunResult
from .twins import make_twin


@dataclass
class TrainedSource:
    spec: Spec
    framework: str
    weights: dict[str, np.ndarray]
    result: RunResult
    data: object  # the source's data set (`for_spec.load`), for what the caller shows beside it
    epochs: int | None  # as asked; None: the source's own schedule


def source_ids(spec: Spec) -> list[str]:
    """The specs `spec` takes weights from, in the order its layers name them."""
    return list(dict.fromkeys(n.weights_from["spec"] for n in spec.nodes if n.weights_from))


def trained_source(source_id: str, framework: str = "tf", device: str = "cpu", epochs: int | None = None,
                   seed: int = 0, progress: bool = False) -> TrainedSource:
    """Train `source_id` in the `framework` twin from `init_weights(source, seed)` for its schedule
    (or `epochs`); a loss that goes non-finite is a UserError."""
    source = load_spec(source_id)
    data = for_spec.load(source, None)
    bs, total = training.schedule(source, len(data.x_train), epochs=epochs)
    twin = make_twin(source, framework, device)
    result = training.train(source, framework, data, total_steps=total, batch_size=bs, seed=seed, device=device,
                            progress=progress, twin=twin)
    if result.stopped:
        raise UserError(f"training {source_id} for its weights: {result.stopped}")
    return TrainedSource(source, framework, twin.get_weights(), result, data, epochs)


def overlay(spec: Spec, weights: dict[str, np.ndarray], sources: dict[str, TrainedSource]) -> dict[str, np.ndarray]:
    """`weights` with every `weights_from` layer's parameters replaced by its source layer's
    trained ones (a new dict)."""
    out = dict(weights)
    for n in spec.nodes:
        if n.weights_from:
            trained = sources[n.weights_from["spec"]].weights
            for p in n.param_shapes:
                out[f"{n.name}.{p}"] = trained[f"{n.weights_from['layer']}.{p}"]
    return out
