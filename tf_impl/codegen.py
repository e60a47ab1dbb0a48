"""Spec → the source of a Keras functional model, plus its loss.

The emitted module defines `build_model()`, `loss_fn(labels, outputs)`, `make_optimizer(dtype)`
(the spec's optimiser) and `make_train_step(model, optimizer)` (one compiled training step), and
imports nothing from this project, so a user can copy it into their own code. `crosscheck` runs
exactly this source, for inference and for training (see `tf_impl.twin`).
"""
from __future__ import annotations

from spec import Spec, losses
from spec.emitted import from_import, imports_used

from .layers import registry
from .losses import loss_source
from .optimizers import TRAIN_STEP, optimizer_source

GENERATED_NOTE = "Generated from spec/models/{id}.json by `crosscheck generate {id} --framework tf`; do not edit."


def generate(spec: Spec) -> str:
    """The module source; L1/L2 penalties are Keras `kernel_regularizer`s, collected in `model.losses`."""
    shape = tuple(spec.input_shape)
    lines = [
        "def build_model():",
        f'    {spec.input_name} = keras.Input(shape={shape!r}, name="{spec.input_name}")',
    ]
    for node in spec.nodes:
        ctor = registry()[node.type].constructor(node)
        args = node.inputs[0] if len(node.inputs) == 1 else f"[{', '.join(node.inputs)}]"
        if node.weights_note():
            lines.append(f"    # {node.weights_note()}")
        lines.append(f"    {node.name} = {ctor}({args})")
    frozen = [n.name for n in spec.nodes if not n.trainable]
    lines.append(f'    model = keras.Model(inputs={spec.input_name}, outputs={spec.output}, name="{spec.id}")')
    for name in frozen:
        lines.append(f'    model.get_layer("{name}").trainable = False')
    lines += ["    return model", "", "", "def loss_fn(labels, outputs):"]
    lines.append(f'    """{losses.describe(spec.loss)}"""')
    lines += loss_source(spec.loss)
    lines += ["", ""] + optimizer_source(spec.optimizer)
    if spec.optimizer:
        lines += ["", "", TRAIN_STEP]
    body = "\n".join(lines)
    header = [
        f'"""{spec.id}: Keras twin.',
        "",
        GENERATED_NOTE.format(id=spec.id),
        f"Input: (batch, {', '.join(map(str, shape))}) float32, channels last.",
        '"""',
        *imports_used(body, [("import keras", "keras"), ("import numpy as np", "np"), ("import tensorflow as tf", "tf")]),
        *from_import("keras", ["initializers", "layers", "ops", "regularizers"], body),
        "",
        "",
    ]
    return "\n".join(header) + "\n" + body + "\n"

