"""Spec initialisers as Keras initialiser source.

Keras' own classes have exactly the spec's maths: `TruncatedNormal` cuts at 2σ without widening,
`VarianceScaling(distribution="truncated_normal")` widens by 1/0.87962566.
"""
from __future__ import annotations


def initializer_source(init: dict) -> str:
    kind = init["type"]
    if kind in ("zeros", "ones"):
        return f'"{kind}"'
    if kind == "constant":
        return f"initializers.Constant({init['value']!r})"
    if kind == "normal":
        return f"initializers.RandomNormal(mean={init['mean']!r}, stddev={init['stddev']!r})"
    if kind == "truncated_normal":
        return f"initializers.TruncatedNormal(mean={init['mean']!r}, stddev={init['stddev']!r})"
    if kind == "uniform":
        return f"initializers.RandomUniform(minval={init['minval']!r}, maxval={init['maxval']!r})"
    if kind == "variance_scaling":
        if (init["scale"], init["mode"], init["distribution"]) == (1.0, "fan_avg", "uniform"):
            return '"glorot_uniform"'
        return (
            f"initializers.VarianceScaling(scale={init['scale']!r}, mode=\"{init['mode']}\", "
            f"distribution=\"{init['distribution']}\")"
        )
    raise ValueError(f"no Keras initialiser for {kind!r}")
