"""Where two twins part: the first spec layer whose output fails the verdict of `crosscheck.verdict`.

Every layer's output is measured like a check (float32 per twin, float64 per twin, the rounding
model) and judged at the output tolerance; the first one, in graph order, that is a `fail` or a
`float32-defect` is named. When every forward output holds, the layer nearest the output whose
gradient or moving statistic failed is named instead.
"""
from __future__ import annotations

from spec import Spec

from .evidence import gather, judge_key
from .tolerance import TOL_OUTPUT, Check


def first_divergent_layer(spec: Spec, twins32: dict, twins64: dict | None, weights, x, labels, checks: list[Check],
                          training: bool = False, seed: int = 0) -> str | None:
    ev = gather(spec, twins32, twins64, weights, x, labels, training, grads=False, layers=True, seed=seed)
    for node in spec.nodes:
        if judge_key(f"layer:{node.name}", ev, TOL_OUTPUT).failed:
            return node.name
    failing = {_layer_of(c.name) for c in checks if c.failed and "." in c.name}
    for node in reversed(spec.nodes):
        if node.name in failing:
            return node.name
    return None


def _layer_of(check_name: str) -> str:
    """`grad:conv1.kernel`, `train:grad:conv1.kernel`, `train:bn1.moving_mean` → the layer name."""
    return check_name.rsplit(":", 1)[-1].split(".")[0]
