"""Keras-style summary of a loaded spec: every layer's output shape and parameter count."""
from __future__ import annotations

import math

from .model import Spec


def summary_rows(spec: Spec) -> list[tuple[str, str, str, int, str]]:
    rows = [(spec.input_name, "input", str((None, *spec.input_shape)), 0, "")]
    for n in spec.nodes:
        rows.append((n.name, n.type, str((None, *n.out_shape)), n.n_params(), ", ".join(n.inputs)))
    return rows


def param_counts(spec: Spec) -> tuple[int, int]:
    """(total, trainable) parameter counts, counted as Keras' count_params() does."""
    total = sum(n.n_params() for n in spec.nodes)
    trainable = sum(math.prod(n.param_shapes[p]) for n in spec.nodes for p in n.trainable_params())
    return total, trainable


def summary_text(spec: Spec) -> str:
    rows = summary_rows(spec)
    head = ("Layer", "Type", "Output shape", "Param #", "Connected to")
    cells = [head] + [(a, b, c, f"{d:,}", e) for a, b, c, d, e in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(5)]
    line = "  ".join("{:<%d}" % w for w in widths)
    sep = "-" * (sum(widths) + 8)
    total, trainable = param_counts(spec)
    out = [f'Model: "{spec.id}"', sep, line.format(*head), sep]
    out += [line.format(*r) for r in cells[1:]]
    out += [sep, f"Total params: {total:,}", f"Trainable params: {trainable:,}", f"Non-trainable params: {total - trainable:,}"]
    return "\n".join(out)
