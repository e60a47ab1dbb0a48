"""Spec → the source of an `nn.Module` (channels last at its boundary, NCHW inside), plus its loss.

The emitted module defines the model class, `build_model()`, `loss_fn(labels, outputs)`,
`make_optimizer(model)` (the spec's optimiser) and `train_step(model, optimizer, x, labels)` (one
step of the plain training loop); the helper classes it needs are pasted in from the layer types'
and the optimisers' modules, so it imports nothing from this project. `crosscheck` runs exactly
this source, for inference and for training (see `torch_impl.twin`).
"""
from __future__ import annotations

import inspect
import textwrap

from spec import Spec, SpecError, losses
from spec.emitted import imports_used

from .initializers import TRUNC_HELPER, initializer_source
from .layers import registry
from .layout import is_spatial
from .losses import loss_source
from . import optimizers

GENERATED_NOTE = "Generated from spec/models/{id}.json by `crosscheck generate {id} --framework torch`; do not edit."


# kernel_regularizer kind → (the sum it adds, its maths for the docstring)
_PENALTY = {"l1": (".abs().sum()", "l1(λ) = λ·Σ|w|"), "l2": (".pow(2).sum()", "l2(λ) = λ·Σw²")}


def penalty_names(kinds) -> str:
    """"L2", "L1", "L1 and L2"."""
    return " and ".join(k.upper() for k in sorted(kinds))


def class_name(spec_id: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in spec_id.split("_") if p)


def generate(spec: Spec) -> str:
    import torch.nn

    init_lines, body, forward, helpers = [], [], [], []
    for node in spec.nodes:
        if hasattr(torch.nn.Module, node.name):
            raise SpecError((f"{node.path}.name", f"{node.name!r} clashes with an nn.Module attribute"), spec.source)
        t = registry()[node.type]
        for h in t.helpers(node):
            if h not in helpers:
                helpers.append(h)
        arg = ", ".join(node.inputs)
        for suffix, ctor in t.pre_modules(node):
            body.append(f"        self.{node.name}{suffix} = {ctor}")
            arg = f"self.{node.name}{suffix}({arg})"
        if node.weights_note():
            body.append(f"        # {node.weights_note()}")
        body.append(f"        self.{node.name} = {t.constructor(node)}")
        forward.append(f"        {node.name} = self.{node.name}({arg})")
        for param, shape in node.param_shapes.items():
            init_lines.append("        " + initializer_source(node.init[param], f"self.{node.name}.{t.native_names[param]}", shape))
        if not node.trainable:
            body.append(f"        self.{node.name}.requires_grad_(False)")

    uses_trunc = any("_trunc_normal_2std_" in line for line in init_lines)
    shape = ", ".join(map(str, spec.input_shape))
    lines = [
        f'"""{spec.id}: PyTorch twin.',
        "",
        GENERATED_NOTE.format(id=spec.id),
        f"Input: (batch, {shape}) float32, channels last like the spec; computed channels first inside.",
        '"""',
    ]
    header_end = len(lines)
    for h in helpers:
        lines += ["", inspect.getsource(h).rstrip(), ""]
    for source in optimizers.helpers(spec.optimizer):
        lines += ["", source, ""]
    if uses_trunc:
        lines += ["", TRUNC_HELPER, ""]
    cls = class_name(spec.id)
    lines += ["", f"class {cls}(nn.Module):", "    def __init__(self):", "        super().__init__()"]
    lines += body
    lines += ["        self.reset_parameters()", "", "    def reset_parameters(self):",
              '        """The spec\'s initialisers, drawn by torch (crosscheck loads shared weights instead)."""']
    lines += init_lines or ["        pass"]
    penalties = [(kind, factor, n) for n in spec.nodes if n.trainable
                 # Frozen kernels carry no penalty: a constant with no gradient, and Keras 3 omits it.
                 for kind, factor in sorted(n.cfg.get("kernel_regularizer", {}).items()) if factor]
    reg_terms = [f"{factor!r} * self.{n.name}.{registry()[n.type].native_names['kernel']}{_PENALTY[kind][0]}"
                 for kind, factor, n in penalties]
    if reg_terms:
        kinds = sorted({kind for kind, _, _ in penalties})
        lines += ["", "    def regularization_loss(self):",
                  f'        """The spec\'s {penalty_names(kinds)} penalties '
                  f'(Keras {", ".join(_PENALTY[k][1] for k in kinds)}), added to loss_fn by the training loop."""',
                  "        return (", "            " + "\n            + ".join(reg_terms), "        )"]
    frozen_eval = [n.name for n in spec.nodes if not n.trainable and registry()[n.type].frozen_runs_in_eval]
    if frozen_eval:
        names = textwrap.wrap(" ".join(f'"{n}",' for n in frozen_eval), 96)
        lines += ["", "    def train(self, mode=True):",
                  '        """Frozen batchnorm layers stay in inference mode while the model trains (Keras 3)."""',
                  "        super().train(mode)", "        for name in ("]
        lines += [f"            {chunk}" for chunk in names]
        lines += ["        ):", "            getattr(self, name).eval()", "        return self"]
    lines += ["", f"    def forward(self, {spec.input_name}):"]
    if is_spatial(spec.input_shape):
        # contiguous NCHW, not a channels-last view: torch 2.14's oneDNN CPU conv computes a wrong weight
        # gradient for some channels-last inputs (1x1 stride-2 on 3 channels: up to 100 % off, run to run)
        lines.append(f"        {spec.input_name} = {spec.input_name}.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW")
    lines += forward
    out = spec.output
    if is_spatial(spec.output_shape):
        out = f"{out}.permute(0, 2, 3, 1)  # NCHW -> NHWC"
    lines += [f"        return {out}", "", "", "def build_model():", f"    return {cls}()", "", "",
              "def loss_fn(labels, outputs):"]
    lines.append(f'    """{losses.describe(spec.loss)}"""')
    lines += loss_source(spec.loss)
    lines += ["", ""] + optimizers.optimizer_source(spec.optimizer)
    if spec.optimizer:
        lines += ["", ""] + optimizers.train_step_source(penalty_names({k for k, _, _ in penalties}))
    body = "\n".join(lines[header_end:])
    math_import = imports_used(body, [("import math", "math")])
    imports = [*math_import, *([""] if math_import else []),
               *imports_used(body, [("import torch", "torch"), ("import torch.nn.functional as F", "F"),
                                    ("from torch import nn", "nn")]), ""]
    return "\n".join(lines[:header_end] + imports + lines[header_end:]) + "\n"

