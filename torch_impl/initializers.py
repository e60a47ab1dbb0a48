"""Spec initialisers as `torch.nn.init` calls on the native (torch-layout) parameter.

Fans are the spec's (computed on the canonical shape, equal to torch's own fan computation), and
variance scaling is written out with its numbers so a reader sees the exact distribution.
"""
from __future__ import annotations

from spec.initializers import TRUNCATED_NORMAL_STDDEV_OF_UNIT, fans


def initializer_source(init: dict, target: str, canonical_shape) -> str:
    kind = init["type"]
    if kind == "zeros":
        return f"nn.init.zeros_({target})"
    if kind == "ones":
        return f"nn.init.ones_({target})"
    if kind == "constant":
        return f"nn.init.constant_({target}, {init['value']!r})"
    if kind == "normal":
        return f"nn.init.normal_({target}, mean={init['mean']!r}, std={init['stddev']!r})"
    if kind == "truncated_normal":
        m, s = init["mean"], init["stddev"]
        return f"nn.init.trunc_normal_({target}, mean={m!r}, std={s!r}, a={m - 2 * s!r}, b={m + 2 * s!r})"
    if kind == "uniform":
        return f"nn.init.uniform_({target}, {init['minval']!r}, {init['maxval']!r})"
    if kind == "variance_scaling":
        fan_in, fan_out = fans(tuple(canonical_shape))
        scale, mode, dist = init["scale"], init["mode"], init["distribution"]
        if (scale, mode, dist) == (1.0, "fan_avg", "uniform"):
            return f"nn.init.xavier_uniform_({target})"
        n = {"fan_in": f"{fan_in:g}", "fan_out": f"{fan_out:g}", "fan_avg": f"({fan_in:g} + {fan_out:g}) / 2"}[mode]
        std = f"math.sqrt({scale!r} / {n})"
        if dist == "untruncated_normal":
            return f"nn.init.normal_({target}, std={std})"
        if dist == "uniform":
            return f"nn.init.uniform_({target}, -math.sqrt(3) * {std}, math.sqrt(3) * {std})"
        return (
            f"_trunc_normal_2std_({target}, {std} / {TRUNCATED_NORMAL_STDDEV_OF_UNIT!r})"
            f"  # variance_scaling({scale}, {mode}, truncated_normal)"
        )
    raise ValueError(f"no torch initialiser for {kind!r}")


TRUNC_HELPER = '''def _trunc_normal_2std_(tensor, std):
    """N(0, std) truncated at ±2 std (as Keras' VarianceScaling draws)."""
    return nn.init.trunc_normal_(tensor, std=std, a=-2 * std, b=2 * std)'''
