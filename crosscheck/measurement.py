"""What a check compares, measured on one twin: outputs, loss, gradients, moving statistics,
every layer's output — in float32, in float64, or under the float32 rounding model.

Keys: `logits`, `loss`, `grad:<layer>.<param>`; in training mode the same prefixed `train:` plus
`train:<layer>.moving_mean` / `moving_variance` (after one training-mode forward); with `layers`,
`layer:<name>` for every spec layer's output (logical layout).
"""
from __future__ import annotations

import copy

from spec import Spec


def measure(spec: Spec, twin, weights, x, labels, training: bool = False, grads: bool = True, layers=False,
            rounding=None, reduce=None) -> dict:
    """The twin is left holding `weights`. `layers`: True for every layer's output, or a set of
    layer names. `rounding` (crosscheck.sensitivity.Rounding, installed on this twin) perturbs
    inputs, weights, gradients and state as float32 rounding would. `reduce(key, value)`, when
    given, replaces each gradient as soon as it is measured (a run under the rounding model keeps
    only its distances: a ResNet50's gradients are 200 MB in float64)."""
    p = "train:" if training else ""
    if rounding is not None:
        x, run_weights = rounding.perturb(x), {k: rounding.perturb(v) for k, v in weights.items()}
    else:
        run_weights = weights
    twin.set_weights(run_weights)
    # all a training-mode forward moves; the rest of the run's weights (a copy of every parameter,
    # in float64 under the rounding model) need not be kept
    state = {f"{n.name}.{q}": run_weights[f"{n.name}.{q}"] for n in spec.nodes for q in n.layer_type.non_trainable_params}
    del run_weights
    out = {}
    if layers and rounding is None:
        names = None if layers is True else layers
        out.update({f"layer:{k}": v for k, v in twin.intermediates(x, training=training, names=names).items()})
        _restore(twin, state)
    out[f"{p}logits"] = twin.forward(x, training=training)
    if layers and rounding is not None:
        out.update({f"layer:{k}": v for k, v in rounding.layer_outputs().items()})
    if training:
        after = twin.get_weights()
        for key in state:
            node, q = spec.node(key.split(".")[0]), key.split(".")[1]
            out[f"train:{key}"] = rounding.state(node, q, after[key]) if rounding is not None else after[key]
        del after
        _restore(twin, state)
    if spec.loss and grads:
        loss, gradients = twin.loss_and_grads(x, labels, training=training)
        out[f"{p}loss"] = rounding.scalar(loss) if rounding is not None else loss
        for key in list(gradients):  # popped: the rounded copies replace them one by one
            g = gradients.pop(key)
            if rounding is not None:
                layer, param = key.split(".")
                g = rounding.gradient(spec.node(layer), param, g)
            out[f"{p}grad:{key}"] = g if reduce is None else reduce(f"{p}grad:{key}", g)
    twin.set_weights(weights)
    return out


def _restore(twin, state: dict) -> None:
    """Put back the moving statistics a training-mode forward moved (parameters are unchanged)."""
    if state:
        twin.set_weights({**twin.get_weights(), **state})


def float64_copies(tf_twin, torch_twin):
    """(tf, torch) copies of the twins under test, same emitted models and weights, computing in
    float64; the float32 twins are left as they were."""
    pt64 = copy.copy(torch_twin)
    pt64.model = copy.deepcopy(torch_twin.model)
    tf64 = copy.copy(tf_twin)  # to_float64 builds a new Keras model; the float32 one is untouched
    pt64.to_float64()
    tf64.to_float64()
    return tf64, pt64
